package canonical

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// cmoMapping is the mapping the tests use: the directory login is the CMO
// login, assignments default to the "User" role.
func cmoMapping() *CMO {
	return &CMO{
		LoginSystem:     "ad",
		UserRole:        "User",
		AssignmentRole:  "User",
		Classifications: map[WorkerType]string{WorkerEmployee: "Employee", WorkerContingent: "Contractor"},
		Exempt:          []string{"svc-sync"},
	}
}

// staff returns a person with a directory login, in dept of Acme.
func staff(key, dept string, managers ...string) Person {
	p := worker(key, dept, managers...)
	p.Logins = map[string]string{"ad": "u" + key}
	p.Assignments[0].Entity = Some("Acme")
	return p
}

func TestCMOToUsers(t *testing.T) {
	m := cmoMapping()
	m.ADSystem = "ad"
	boss := staff("1", "Board")
	p := with(staff("2", "Finance", "1"), func(p *Person) {
		p.Phones = append(p.Phones, Phone{Type: "mobile", Number: "+1 555 0199"}, Phone{Type: "home", Number: "x"})
		p.Groups = []string{"Auditors"}
		p.Employment.End = Some(day("2024-06-30"))
		p.Assignments[0].Job = Some("Accountant")
		p.Assignments[0].Roles = []string{"Reviewer", "Approver"}
		p.Assignments = append(p.Assignments, Assignment{ID: "x", Location: Some("Lyon")}) // nothing CMO can assign
		p.Attributes = map[string]string{AttrCMOInfoPrefix + "CostCentre": "CC-9", AttrCMOADUserObjectID: "4CADA701", "hcm.userId": "99"}
	})
	users, err := m.ToUsers([]Person{boss, p})
	if err != nil {
		t.Fatal(err)
	}
	want := cmo.User{
		LoginName: "u2", FirstName: Some("Given2"), LastName: Some("Family2"), Email: Some("2@example.com"),
		UserRole: Some("User"), JobTitle: Some("Accountant"), Classification: Some("Employee"),
		ADLogin: Some("u2"), IsADUser: Some(true), ADUserObjectID: Some("4CADA701"),
		Phone: Some("+1 555 0100"), Mobile: Some("+1 555 0199"),
		ManagerLoginNames: Some([]string{"u1"}), UserGroups: Some([]string{"Auditors"}),
		DeactivationStart: Some(day("2024-07-01")),
		Info:              []cmo.InfoField{{Name: "CostCentre", Value: "CC-9"}},
		Assignments: Some([]cmo.Assignment{
			{UserRole: "Approver", OrgUnit: "Finance", Entity: "Acme"},
			{UserRole: "Reviewer", OrgUnit: "Finance", Entity: "Acme"},
		}),
	}
	if d := cmp.Diff(want, users[1], exportOpt); d != "" {
		t.Errorf("user (-want +got):\n%s", d)
	}
	// Not given stays not given: no phones, no e-mails, no end.
	bare := Person{Key: "3", UserName: Some("bare"), Name: Name{Given: Some("B")}}
	users, err = m.ToUsers([]Person{bare})
	if err != nil {
		t.Fatal(err)
	}
	if u := users[0]; u.Email.IsSet() || u.Phone.IsSet() || u.DeactivationStart.IsSet() || u.Assignments.IsSet() || u.ManagerLoginNames.IsSet() || u.LastName.IsSet() || u.LoginName != "bare" {
		t.Errorf("bare user: %+v", u)
	}

	noRole := &CMO{LoginSystem: "ad"}
	_, err = noRole.ToUsers([]Person{staff("4", "Sales", "9"), {Key: "5"}})
	var ie *InputError
	if !errors.As(err, &ie) || ie.Record != "people[0] (key 4)" || ie.Field != "assignments[4-1].roles" {
		t.Errorf("err = %v", err)
	}
	for _, s := range []string{"people[0] (key 4): managers: manager 9 has no CMO login", "people[1] (key 5): logins: no CMO login"} {
		if !strings.Contains(fmt.Sprint(err), s) {
			t.Errorf("%q missing from %v", s, err)
		}
	}
}

func TestCMOProjectIsIdempotent(t *testing.T) {
	m := cmoMapping()
	p := with(staff("2", "Finance", "1"), func(p *Person) {
		p.Assignments[0].Roles = []string{"B", "A", "B"}
		p.Assignments = append(p.Assignments, Assignment{ID: "2-2", OrgUnit: Some("Finance"), Entity: Some("Acme"), Roles: []string{"C"}})
		p.Attributes = map[string]string{"other": "x"}
	})
	once, probs := m.project(&p)
	twice, probs2 := m.project(&once)
	if len(probs)+len(probs2) != 0 {
		t.Fatal(probs, probs2)
	}
	if d := cmp.Diff(once, twice, exportOpt); d != "" {
		t.Errorf("(-once +twice):\n%s", d)
	}
	if len(once.Assignments) != 1 || !slices.Equal(once.Assignments[0].Roles, []string{"A", "B", "C"}) {
		t.Errorf("assignments %+v", once.Assignments)
	}
}

// cmoRun runs the full-list logic against the fake: export, Current,
// Plan, Users, import.
func cmoRun(t *testing.T, c *cmo.Client, m *CMO, hr []Person, pol Policy) *ActionPlan {
	t.Helper()
	ctx := context.Background()
	var exported []cmo.ExportedUser
	for u, err := range c.ExportUsers(ctx, cmo.ExportQuery{PerPage: cmo.MaxPerPage}) {
		if err != nil {
			t.Fatal(err)
		}
		exported = append(exported, u)
	}
	desired, err := m.Desired(hr)
	if err != nil {
		t.Fatal(err)
	}
	current, err := m.Current(exported, hr, pol.RunDate)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Plan(desired, current, pol)
	if err != nil {
		t.Fatal(err)
	}
	creates, updates, err := m.Users(plan, hr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ImportUsers(ctx, creates); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateUsers(ctx, updates); err != nil {
		t.Fatal(err)
	}
	return plan
}

func ops(p *ActionPlan) []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, string(a.Op)+" "+a.Key)
	}
	return out
}

// TestCMOFullListDeactivation: with a full list, the CMO users HR no longer
// lists are deactivated on the run date, the exempt account is left alone,
// and a second run finds nothing to do.
func TestCMOFullListDeactivation(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithRoles("User"), cmotest.WithOrgUnits("Board", "Finance", "Sales"), cmotest.WithEntities("Acme"),
		cmotest.WithUserGroups("Auditors"))
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	m := cmoMapping()
	ctx := context.Background()
	boss, ann, bob := staff("1", "Board"), staff("2", "Finance", "1"), staff("3", "Finance", "1")
	gone := staff("4", "Sales", "1")
	old, err := m.ToUsers([]Person{boss, ann, bob, gone})
	if err != nil {
		t.Fatal(err)
	}
	old = append(old, cmo.User{LoginName: "svc-sync", FirstName: Some("Sync"), LastName: Some("Account")})
	if _, err := c.ImportUsers(ctx, old); err != nil {
		t.Fatal(err)
	}

	run := day("2024-03-04")
	pol := Policy{RunDate: run, FullList: true, DeactivateMissing: true, MaxDeactivations: 2, MaxDeactivationShare: 0.5}
	newcomer := staff("5", "Sales", "1")
	moved := with(ann, func(p *Person) { p.Assignments[0].Department = Some("Sales"); p.Groups = []string{"Auditors"} })
	hr := []Person{boss, moved, bob, newcomer}
	plan := cmoRun(t, c, m, hr, pol)
	want := []string{"create 5", "update 2", "deactivate cmo:u4"}
	if !slices.Equal(ops(plan), want) {
		t.Fatalf("plan %q, want %q\n%s", ops(plan), want, plan)
	}
	if u, _ := srv.User("u4"); u.Fields["DeactivationStart"] != "04.03.2024" || u.Fields["FirstName"] != "Given4" {
		t.Errorf("the missing user: %+v", u)
	}
	if u, _ := srv.User("u2"); u.Fields["UserGroup"] != "Auditors" || !slices.Contains(u.Assignments, cmo.Assignment{UserRole: "User", OrgUnit: "Sales", Entity: "Acme"}) {
		t.Errorf("the mover: %+v", u)
	}
	if u, _ := srv.User("svc-sync"); u.Fields["DeactivationStart"] != "" {
		t.Errorf("the exempt account was touched: %+v", u)
	}
	if u, _ := srv.User("u5"); u.Fields["ManagerLoginName"] != "u1" || u.Fields["UserRole"] != "User" || u.Fields["Classification"] != "Employee" {
		t.Errorf("the joiner: %+v", u)
	}

	// CMO is now in line with HR.
	if again := cmoRun(t, c, m, hr, pol); len(again.Actions) != 0 || len(again.Held) != 0 {
		t.Errorf("a second run plans %q\n%s", ops(again), again)
	}

	// A leaver, with an end date: deactivated from the day after.
	left := with(bob, left("2024-03-10"))
	plan = cmoRun(t, c, m, []Person{boss, moved, left, newcomer}, Policy{RunDate: day("2024-03-11"), FullList: true, DeactivateMissing: true, MaxDeactivations: 2, MaxDeactivationShare: 0.5})
	if !slices.Equal(ops(plan), []string{"deactivate 3"}) {
		t.Errorf("plan %q", ops(plan))
	}
	if u, _ := srv.User("u3"); u.Fields["DeactivationStart"] != "11.03.2024" {
		t.Errorf("the leaver: %+v", u)
	}
	// And back: a rehire clears the deactivation.
	back := with(bob, func(p *Person) { p.Employment.Start = Some(day("2024-04-02")); p.Employment.End = Some(Date{}) })
	plan = cmoRun(t, c, m, []Person{boss, moved, back, newcomer}, Policy{RunDate: day("2024-04-02"), FullList: true})
	if !slices.Equal(ops(plan), []string{"reactivate 3"}) {
		t.Errorf("plan %q", ops(plan))
	}
	if u, _ := srv.User("u3"); u.Fields["DeactivationStart"] != "" || u.Fields["DeactivationEnd"] != "" {
		t.Errorf("the rehire: %+v", u)
	}
}

// TestCMODeactivationLimit: a bad extract that drops most people holds
// every deactivation back, and the joiners still go through.
func TestCMODeactivationLimit(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithRoles("User"), cmotest.WithOrgUnits("Finance"), cmotest.WithEntities("Acme"))
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	m := cmoMapping()
	var staffList []Person
	for i := range 10 {
		staffList = append(staffList, staff(fmt.Sprint(100+i), "Finance"))
	}
	old, err := m.ToUsers(staffList)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ImportUsers(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	// The extract lost eight people and has one joiner.
	hr := append(slices.Clone(staffList[:2]), staff("200", "Finance"))
	plan := cmoRun(t, c, m, hr, Policy{RunDate: day("2024-03-04"), FullList: true, DeactivateMissing: true, MaxDeactivations: 3, MaxDeactivationShare: 0.2})
	if !slices.Equal(ops(plan), []string{"create 200"}) || len(plan.Held) != 8 || !strings.Contains(plan.HeldReason, "more than the limit of 2") {
		t.Errorf("plan %q, %d held: %s", ops(plan), len(plan.Held), plan.HeldReason)
	}
	for _, u := range srv.Users() {
		if u.Fields["DeactivationStart"] != "" {
			t.Errorf("%s deactivated despite the limit", u.LoginName)
		}
	}
	if _, ok := srv.User("u200"); !ok {
		t.Error("the joiner was not created")
	}
}

// A future hire CMO already holds is pending on both sides: CMO has no start
// dates, so its active user is not a change to make.
func TestCMOPendingHireIsInLine(t *testing.T) {
	m := CMO{AssignmentRole: "Employee"}
	diego := Person{Key: "1007", Name: Name{Given: Some("Diego"), Family: Some("Ruiz")}, Logins: map[string]string{"cmo": "druiz"},
		Employment: Employment{Status: Some(StatusPending), Start: Some(day("2024-03-11")), End: Some(Date{})}}
	desired, err := m.Desired([]Person{diego})
	if err != nil {
		t.Fatal(err)
	}
	current, err := m.Current([]cmo.ExportedUser{{LoginName: "druiz", FirstName: "Diego", LastName: "Ruiz"}}, []Person{diego}, day("2024-03-04"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Plan(desired, current, Policy{RunDate: day("2024-03-04")})
	if err != nil || len(plan.Actions) != 0 {
		t.Errorf("plan %v, %v: want nothing to do", plan, err)
	}
}
