package canonical_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

var runDay = canonical.Date{Year: 2023, Month: 8, Day: 1}

func employee(key, login string, es ...canonical.Entitlement) canonical.Person {
	p := canonical.Person{Key: key, UserName: canonical.Some(login),
		Name:       canonical.Name{Given: canonical.Some("G" + key), Family: canonical.Some("F" + key)},
		Emails:     []canonical.Email{{Type: "work", Address: login + "@mail.com", Primary: true}},
		Employment: canonical.Employment{WorkerType: canonical.Some(canonical.WorkerEmployee), Status: canonical.Some(canonical.StatusActive)},
		Access:     []canonical.Grant{}}
	for _, e := range es {
		p.Access = append(p.Access, canonical.Grant{Entitlement: e})
	}
	return p
}

func leaving(p canonical.Person) canonical.Person {
	p.Employment.Status = canonical.Some(canonical.StatusInactive)
	p.Employment.End = canonical.Some(runDay.AddDays(-1))
	p.Access = []canonical.Grant{}
	return p
}

var openPolicy = canonical.Policy{RunDate: runDay, FullList: true, DeactivateMissing: true,
	MaxDeactivations: 10, MaxDeactivationShare: 1, MaxRevokes: 10, MaxRevokeShare: 1}

func outcomes(p *canonical.ActionPlan, j *canonical.Journal) []string {
	var out []string
	for i, a := range p.Actions {
		e, _ := j.Last(i)
		s := fmt.Sprintf("%s %s", a.Op, a.Key)
		if a.Grant != nil {
			s += " " + a.Grant.ID
		}
		out = append(out, s+": "+string(e.Outcome))
	}
	return out
}

// The CSF applier creates a user with the groups granted with it, checks a
// grant to an existing user (which UserManager cannot make) and fails it
// with ErrUnsupported, and takes a leaver's groups away by deleting them.
func TestCSFApplier(t *testing.T) {
	mail := canonical.Entitlement{System: canonical.SystemCSF, Kind: canonical.KindGroup, ID: "Mail Users"}
	srv := csftest.NewServer(t, csftest.WithOrganization("mail.com"), csftest.WithGroups(mail.ID))
	c, err := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	m := &canonical.CSF{Organization: "mail.com"}
	ap := &canonical.CSFApplier{Client: c, Mapping: m, Password: func(p *canonical.Person) string { return "Welcome-" + p.Key + "!" }}
	ctx := t.Context()
	old, gone := employee("E1", "old"), employee("E2", "gone", mail)
	for _, p := range []canonical.Person{old, gone} {
		req := m.CreateRequest(&p, "Pw-12345678!")
		if p.Key == "E2" {
			req.Groups = []string{mail.ID}
		}
		if err := c.CreateUser(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	desired := []canonical.Person{employee("E1", "old", mail), leaving(gone), employee("E3", "joe", mail)}
	current := []canonical.Person{old, gone}
	plan, err := canonical.Plan(desired, current, openPolicy)
	if err != nil {
		t.Fatal(err)
	}
	var j canonical.Journal
	err = canonical.Apply(ctx, plan, ap, &j, canonical.ApplyOptions{})
	if !errors.Is(err, canonical.ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported for E1's group", err)
	}
	want := []string{"create E3: done", "revoke E2 Mail Users: done", "grant E1 Mail Users: failed", "grant E3 Mail Users: done", "deactivate E2: done"}
	if got := outcomes(plan, &j); !slices.Equal(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	if in, err := c.UserInGroup(ctx, "joe", mail.ID); err != nil || !in {
		t.Errorf("joe in the mail group: %v %v", in, err)
	}
	if _, err := c.ReadUser(ctx, "gone"); !errors.Is(err, csf.ErrUserNotFound) {
		t.Errorf("the leaver's user: %v", err)
	}
	if e, _ := j.Last(2); !strings.Contains(e.Error, "UserManager cannot add user old to group Mail Users") {
		t.Errorf("entry: %+v", e)
	}
}

// The SCIM applier writes the user name and e-mail back, grants and
// revokes roles through /Roles, and fails a person HCM has no user for yet
// with ErrNotFound.
func TestSCIMApplier(t *testing.T) {
	srv := hcmscimtest.NewServer(t)
	role := func(code string) canonical.Entitlement {
		return canonical.Entitlement{System: canonical.SystemHCM, Kind: canonical.KindRole, ID: code}
	}
	viewer, manager := role("GL_VIEWER"), role("ORA_PER_LINE_MANAGER_ABSTRACT")
	vr := srv.AddRole(hcmscim.Role{Name: viewer.ID, DisplayName: "Viewer"})
	srv.AddRole(hcmscim.Role{Name: manager.ID, DisplayName: "Line Manager"})
	u := srv.AddUser(hcmscim.User{UserName: "966169008890236", FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: "966169008890236"}}})
	srv.GrantRole(vr.ID, u.ID)
	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	mary := employee("966169008890236", "mary.king", manager)
	current := canonical.Person{Key: mary.Key, UserName: canonical.Some("966169008890236"), Emails: []canonical.Email{},
		Employment: mary.Employment, Access: []canonical.Grant{{Entitlement: viewer}}}
	later := employee("966169008890999", "not.yet", viewer)
	plan, err := canonical.Plan([]canonical.Person{mary, later}, []canonical.Person{current}, openPolicy)
	if err != nil {
		t.Fatal(err)
	}
	var j canonical.Journal
	err = canonical.Apply(t.Context(), plan, &canonical.SCIMApplier{Client: c}, &j, canonical.ApplyOptions{})
	if !errors.Is(err, hcmscim.ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound for the person HCM has no user for", err)
	}
	want := []string{"create 966169008890999: failed", "update 966169008890236: done", "revoke 966169008890236 GL_VIEWER: done",
		"grant 966169008890236 ORA_PER_LINE_MANAGER_ABSTRACT: done", "grant 966169008890999 GL_VIEWER: skipped"}
	if got := outcomes(plan, &j); !slices.Equal(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	now, err := c.GetUser(t.Context(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	var roles []string
	for _, r := range now.Roles {
		roles = append(roles, r.Value)
	}
	if now.UserName != "mary.king" || len(now.Emails) != 1 || now.Emails[0].Value != "mary.king@mail.com" || !slices.Equal(roles, []string{manager.ID}) {
		t.Errorf("HCM holds %s, %+v, roles %v", now.UserName, now.Emails, roles)
	}
}

// The CMO applier creates the account, then sets its trainings (user
// groups); a record CMO refuses fails the action with its record error.
func TestCMOApplier(t *testing.T) {
	training := func(id string) canonical.Entitlement {
		return canonical.Entitlement{System: canonical.SystemCMO, Kind: canonical.KindTraining, ID: id}
	}
	srv := cmotest.NewServer(t, cmotest.WithRoles("Employee"), cmotest.WithUserGroups("Employee Training"))
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(srv.Username, srv.Password), cmo.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	m := &canonical.CMO{UserRole: "Employee"}
	people := []canonical.Person{employee("E1", "joe", training("Employee Training")), employee("E2", "mary", training("No Such Course"))}
	for i := range people {
		people[i].Logins = map[string]string{"cmo": people[i].UserName.Or("")}
	}
	desired, err := m.Desired(people)
	if err != nil {
		t.Fatal(err)
	}
	canonical.WithAccess(desired, people, canonical.SystemCMO)
	plan, err := canonical.Plan(desired, nil, openPolicy)
	if err != nil {
		t.Fatal(err)
	}
	var j canonical.Journal
	err = canonical.Apply(t.Context(), plan, &canonical.CMOApplier{Client: c, Mapping: m, People: people}, &j, canonical.ApplyOptions{})
	var re *cmo.RecordError
	if !errors.As(err, &re) {
		t.Errorf("err = %v, want the unknown group's record error", err)
	}
	want := []string{"create E1: done", "create E2: done", "grant E1 Employee Training: done", "grant E2 No Such Course: failed"}
	if got := outcomes(plan, &j); !slices.Equal(got, want) {
		t.Errorf("outcomes %v, want %v", got, want)
	}
	for u, err := range c.ExportUsers(t.Context(), cmo.ExportQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		if u.LoginName == "joe" && !slices.Equal(u.UserGroups, []string{"Employee Training"}) {
			t.Errorf("joe's groups: %v", u.UserGroups)
		}
	}
}

// fusionsod's Gate is a canonical.Gate: a plan's Fusion role grants go
// through it; the one whose conflict the controller refuses is denied, the
// rest granted.
func TestSoDWithFusionGate(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	srv.AddRole("AP_PAYER", "Payables Payer")
	srv.AddRole("AP_APPROVER", "Payables Approver")
	srv.AddControl(fusionsodtest.Control{Name: "Pay and approve invoices", Roles: [2]string{"AP_PAYER", "AP_APPROVER"}})
	srv.AddUser("MARY.KING", fusionsodtest.Grant{Role: "AP_APPROVER"})
	c, err := fusionsod.NewClient(srv.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	owner := fusionsod.ApproverFunc(func(context.Context, fusionsod.Review) (fusionsod.Verdict, error) {
		return fusionsod.Verdict{Decision: fusionsod.Deny, By: "CONTROLLER", Justification: "approvers do not pay"}, nil
	})
	g, err := fusionsod.NewGate(c, fusionsod.WithApprover(owner))
	if err != nil {
		t.Fatal(err)
	}
	role := func(code string) canonical.Entitlement {
		return canonical.Entitlement{System: "fusion", Kind: canonical.KindRole, ID: code}
	}
	mary := employee("966169008890236", "MARY.KING", role("GL_VIEWER"), role("AP_PAYER"))
	plan, err := canonical.Plan([]canonical.Person{mary}, nil, openPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if err := (canonical.SoD{Gate: g, System: "fusion"}).Check(t.Context(), plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Denied) != 1 || plan.Denied[0].Grant.ID != "AP_PAYER" || plan.Denied[0].SoD.By != "CONTROLLER" {
		t.Errorf("denied: %+v", plan.Denied)
	}
	i := slices.IndexFunc(plan.Actions, func(a canonical.Action) bool { return a.Op == canonical.OpGrant })
	if i < 0 || plan.Actions[i].Grant.ID != "GL_VIEWER" || plan.Actions[i].SoD.Decision != fusionsod.Grant {
		t.Errorf("actions: %v", plan)
	}
}
