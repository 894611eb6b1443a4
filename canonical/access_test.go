package canonical

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hrbridge/hrbridge/fusionsod"
)

var (
	email      = Entitlement{System: "mail", Kind: KindApplication, ID: "email"}
	empTrain   = Entitlement{System: "lms", Kind: KindTraining, ID: "employee-training"}
	mgrTrain   = Entitlement{System: "lms", Kind: KindTraining, ID: "manager-training"}
	glViewer   = Entitlement{System: "fusion", Kind: KindRole, ID: "GL_VIEWER"}
	apPayer    = Entitlement{System: "fusion", Kind: KindRole, ID: "AP_PAYER", DataAccess: []string{"BUSINESS_UNIT = Vision China"}}
	apApprover = Entitlement{System: "fusion", Kind: KindRole, ID: "AP_APPROVER"}
)

// seedRules are the rules of Oracle's guide: every employee gets e-mail and
// employee training, every manager manager training.
var seedRules = Rules{
	{Name: "employees", Description: "every employee gets e-mail and employee training",
		When: []Cond{Is(AttrWorkerType, string(WorkerEmployee))}, Grant: []Entitlement{email, empTrain}},
	{Name: "managers", Description: "managers also get manager training",
		When: []Cond{Is(AttrManager, "true")}, Grant: []Entitlement{mgrTrain}},
}

func grantNames(gs []Grant) []string {
	out := []string{}
	for _, g := range gs {
		out = append(out, g.String())
	}
	return out
}

func TestRuleShapes(t *testing.T) {
	p := worker("E1", "Finance")
	p.Assignments[0].Job = Some("AP_CLERK")
	p.Assignments[0].Position = Some("P1")
	p.Assignments[0].BusinessUnit = Some("Vision China")
	p.Assignments[0].Location = Some("Lyon")
	p.Assignments[0].Entity = Some("Acme SA")
	p.Assignments = append(p.Assignments, Assignment{ID: "E1-2", Job: Some("AUDITOR")})
	p.Attributes = map[string]string{"costCentre": "CC7"}
	contractor := with(worker("C1", "Sales"), func(p *Person) { p.Employment.WorkerType = Some(WorkerContingent) })
	leaver := with(worker("E9", "Finance"), left("2024-01-31"))
	run := day("2024-03-04")
	g := []Entitlement{glViewer}
	for _, tt := range []struct {
		name string
		when []Cond
		want []string // keys given the grant
	}{
		{"no condition", nil, []string{"C1", "E1"}},
		{"worker type", []Cond{Is(AttrWorkerType, "employee")}, []string{"E1"}},
		{"not worker type", []Cond{Not(AttrWorkerType, "employee")}, []string{"C1"}},
		{"job of a second assignment", []Cond{Is(AttrJob, "AUDITOR", "CFO")}, []string{"E1"}},
		{"not a job any assignment has", []Cond{Not(AttrJob, "AUDITOR")}, []string{"C1"}},
		{"position", []Cond{Is(AttrPosition, "P1")}, []string{"E1"}},
		{"organisation", []Cond{Is(AttrOrganisation, "Sales")}, []string{"C1"}},
		{"business unit", []Cond{Is(AttrBusinessUnit, "Vision China")}, []string{"E1"}},
		{"location", []Cond{Is(AttrLocation, "Lyon")}, []string{"E1"}},
		{"legal employer", []Cond{Is(AttrLegalEmployer, "Acme SA")}, []string{"E1"}},
		{"given", []Cond{Given(AttrJob)}, []string{"E1"}},
		{"started before", []Cond{Before(AttrStart, day("2020-01-02"))}, []string{"C1", "E1"}},
		{"started on or after", []Cond{OnOrAfter(AttrStart, day("2020-01-02"))}, nil},
		{"an attribute", []Cond{Is(AttrPrefix+"costCentre", "CC7")}, []string{"E1"}},
		{"status", []Cond{Is(AttrStatus, "active")}, []string{"C1", "E1"}},
		{"manager", []Cond{Is(AttrManager, "true")}, []string{"E1"}}, // C1 reports to E1
		{"all of two", []Cond{Is(AttrManager, "true"), Is(AttrWorkerType, "contingent")}, nil},
		{"end given (nobody employed has one)", []Cond{Given(AttrEnd)}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := contractor
			c.Managers = []string{"E1"}
			rs := Rules{{Name: "r", When: tt.when, Grant: g}}
			out, _, err := rs.Evaluate([]Person{c, p, leaver}, run)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, q := range out {
				if q.Access == nil {
					t.Fatalf("%s: access nil, want given", q.Key)
				}
				if len(q.Access) > 0 {
					got = append(got, q.Key)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%v: granted to %v, want %v", rs[0], got, tt.want)
			}
		})
	}
}

// The seed's Overview: Joe and Mary get e-mail and employee training, Mary
// manager training too, and "why" has an answer.
func TestRulesProvenance(t *testing.T) {
	joe := worker("966169008890736", "Finance")
	mary := worker("966169008890236", "Finance")
	mary.Attributes = map[string]string{AttrManagerFlag: "Y"}
	out, findings, err := seedRules.Evaluate([]Person{joe, mary}, day("2023-08-01"))
	if err != nil || len(findings) > 0 {
		t.Fatal(err, findings)
	}
	if got, want := grantNames(out[0].Access), []string{"lms/training/employee-training", "mail/application/email"}; !slices.Equal(got, want) {
		t.Errorf("Joe: %v, want %v", got, want)
	}
	g := grantByKey(out[1].Access, mgrTrain.Key())
	if g == nil {
		t.Fatalf("Mary lacks manager training: %v", grantNames(out[1].Access))
	}
	if want := "rule managers: managers also get manager training (manager is true)"; g.Why() != want {
		t.Errorf("why = %q, want %q", g.Why(), want)
	}
	if joe.Access != nil {
		t.Error("Evaluate changed its input")
	}
}

func TestRulesOverlapAndConflict(t *testing.T) {
	wide := apPayer
	wide.DataAccess = []string{"BUSINESS_UNIT = Vision Italy"}
	rs := Rules{
		{Name: "finance", When: []Cond{Is(AttrOrganisation, "Finance")}, Grant: []Entitlement{glViewer, apPayer}},
		{Name: "everyone", Grant: []Entitlement{glViewer}},
		{Name: "italy", When: []Cond{Is(AttrOrganisation, "Finance")}, Grant: []Entitlement{wide}},
	}
	out, findings, err := rs.Evaluate([]Person{worker("E1", "Finance"), worker("E2", "Finance"), worker("E3", "Sales")}, day("2024-03-04"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, f.String())
	}
	want := []string{
		"overlap: rules finance and everyone give the same access for fusion/role/GL_VIEWER (2 people, such as E1)",
		"conflict: rules finance and italy give it different data access; finance's counts for fusion/role/AP_PAYER (2 people, such as E1)",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	g := grantByKey(out[0].Access, apPayer.Key())
	if g == nil || !slices.Equal(g.DataAccess, apPayer.DataAccess) {
		t.Errorf("the first rule's data access should count: %+v", g)
	}
	if g := grantByKey(out[0].Access, glViewer.Key()); g == nil || len(g.Because) != 2 {
		t.Errorf("an overlapping grant should cite both rules: %+v", g)
	}
	if g := grantByKey(out[2].Access, glViewer.Key()); g == nil || len(g.Because) != 1 {
		t.Errorf("E3's grant should cite one rule: %+v", g)
	}
}

func TestRulesRefused(t *testing.T) {
	rs := Rules{
		{Name: "a", When: []Cond{Is("jobb", "x")}, Grant: []Entitlement{email}},
		{Name: "a", When: []Cond{{Attr: AttrJob, Op: "like", Values: []string{"x"}}}, Grant: []Entitlement{email}},
		{Name: "c", When: []Cond{Before(AttrJob, day("2024-01-01")), {Attr: AttrStart, Op: OpBefore, Values: []string{"soon"}}, Is(AttrJob)}, Grant: []Entitlement{{System: "x", Kind: "perm", ID: "y"}}},
		{Name: "", Grant: nil},
	}
	_, _, err := rs.Evaluate([]Person{worker("E1", "x")}, day("2024-03-04"))
	for _, want := range []string{
		`rules[0] (a): when[0].attr: unknown attribute "jobb"`,
		`rules[1] (a): name: repeats the name of rules[0]`,
		`rules[1] (a): when[0].op: unknown test "like"`,
		`rules[2] (c): when[0].attr: job is not a date`,
		`rules[2] (c): when[1].values: "soon" is not a YYYY-MM-DD date`,
		`rules[2] (c): when[2].values: none given to is`,
		`rules[2] (c): grant[0].kind: "perm" is not role`,
		`rules[3] (): name: is empty`,
		`rules[3] (): grant: grants nothing`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

func grantsOf(p Person, es ...Entitlement) Person {
	p.Access = []Grant{}
	for _, e := range es {
		p.Access = append(p.Access, Grant{Entitlement: e})
	}
	return p
}

func actionOps(p *ActionPlan) []string {
	var out []string
	for _, a := range p.Actions {
		s := string(a.Op) + " " + a.Key
		if a.Grant != nil {
			s += " " + a.Grant.ID
		}
		out = append(out, s)
	}
	return out
}

var accessPolicy = Policy{RunDate: day("2024-03-04"), FullList: true, DeactivateMissing: true, ReplaceAssignments: true,
	MaxDeactivations: 10, MaxDeactivationShare: 1, MaxRevokes: 10, MaxRevokeShare: 1}

func TestPlanAccess(t *testing.T) {
	stay := worker("E1", "Finance")
	mover := worker("E2", "Finance")
	leaver := worker("E3", "Finance")
	gone := worker("E4", "Finance")
	current := []Person{
		grantsOf(stay, email, apPayer),
		grantsOf(mover, email, apPayer),
		grantsOf(leaver, email, empTrain),
		grantsOf(gone, email),
		worker("E6", "Sales"), // access not asked of the target
	}
	newData := apPayer
	newData.DataAccess = []string{"BUSINESS_UNIT = Vision Italy"}
	desired := []Person{
		grantsOf(stay, email, newData),
		grantsOf(with(mover, func(p *Person) { p.Assignments[0].Department = Some("Sales") }), email),
		grantsOf(with(leaver, left("2024-02-29"))),
		grantsOf(worker("E5", "Sales"), email, glViewer),
		grantsOf(worker("E6", "Sales"), email),
		worker("E7", "Sales"), // a joiner whose access was not computed
	}
	p, err := Plan(desired, current, accessPolicy)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"create E5", "create E7", "update E2",
		"revoke E2 AP_PAYER", "revoke E3 email", "revoke E3 employee-training", "revoke E4 email",
		"grant E1 AP_PAYER", "grant E5 email", "grant E5 GL_VIEWER", "grant E6 email",
		"deactivate E3", "deactivate E4",
	}
	if diff := cmp.Diff(want, actionOps(p)); diff != "" {
		t.Errorf("actions (-want +got):\n%s", diff)
	}
	for _, a := range p.Actions {
		for _, c := range a.Changes {
			if strings.HasPrefix(c.Path, "access") {
				t.Errorf("%s %s: account changes hold access: %v", a.Op, a.Key, c)
			}
		}
		switch {
		case a.Op == OpRevoke && a.Key == "E2":
			if want := "no rule gives it any more (moved: assignments[E2-1].department: Finance → Sales)"; a.Reason != want {
				t.Errorf("mover's revoke: %q, want %q", a.Reason, want)
			}
		case a.Op == OpRevoke && a.Key == "E3":
			if want := "left on 2024-02-29: loses every grant"; a.Reason != want || a.Date != day("2024-03-01") {
				t.Errorf("leaver's revoke: %q on %s", a.Reason, a.Date)
			}
		case a.Op == OpGrant && a.Key == "E1":
			if !strings.HasPrefix(a.Reason, "data access BUSINESS_UNIT = Vision China → BUSINESS_UNIT = Vision Italy") {
				t.Errorf("data access change: %q", a.Reason)
			}
		}
	}
	if s := p.String(); !strings.Contains(s, "3 to grant") && !strings.Contains(s, "4 to grant, 4 to revoke") {
		t.Errorf("report:\n%s", s)
	}

	// The same plan without access on either side is today's plan.
	strip := func(ps []Person) []Person {
		out := slices.Clone(ps)
		for i := range out {
			out[i].Access = nil
		}
		return out
	}
	q, err := Plan(strip(desired), strip(current), accessPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"create E5", "create E7", "update E2", "deactivate E3", "deactivate E4"}, actionOps(q)); diff != "" {
		t.Errorf("without access (-want +got):\n%s", diff)
	}
}

func TestPlanRevokeBreaker(t *testing.T) {
	var current, desired []Person
	for i := range 10 {
		p := grantsOf(worker(fmt.Sprintf("E%d", i), "Finance"), email, empTrain)
		current = append(current, p)
		d := grantsOf(p, empTrain) // a bad rule change: everyone loses e-mail
		if i < 5 {
			d = grantsOf(with(p, left("2024-02-29"))) // a bad feed: half the company left
		}
		desired = append(desired, d)
	}
	// The zero limits hold back every revoke, and the limit on
	// deactivations holds back the leavers with their revokes.
	pol := Policy{RunDate: day("2024-03-04"), MaxDeactivations: 2, MaxDeactivationShare: 1}
	p, err := Plan(desired, current, pol)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Actions) != 0 {
		t.Errorf("actions went through: %v", actionOps(p))
	}
	count := map[Op]int{}
	for _, a := range p.Held {
		count[a.Op]++
	}
	if count[OpDeactivate] != 5 || count[OpRevoke] != 15 {
		t.Errorf("held %v, want 5 deactivations and 15 revokes", count)
	}
	for _, want := range []string{
		"5 deactivation(s) held back, more than the limit of 2 (at most 2 by count, and 100% of the 10 active people by share), with the 10 revoke(s) of their access",
		"5 revoke(s) of access held back, more than the limit of 0 (at most 0 by count, and 0% of the 20 grants active people hold by share)",
	} {
		if !strings.Contains(p.HeldReason, want) {
			t.Errorf("held reason %q lacks %q", p.HeldReason, want)
		}
	}
	// Within the limits, they go through, revokes before deactivations.
	pol.MaxDeactivations, pol.MaxRevokes, pol.MaxRevokeShare = 5, 15, 1
	p, err = Plan(desired, current, pol)
	if err != nil || len(p.Held) != 0 || len(p.Actions) != 20 {
		t.Fatalf("%v: %d held, actions %v", err, len(p.Held), actionOps(p))
	}
	if last := p.Actions[14]; last.Op != OpRevoke || p.Actions[15].Op != OpDeactivate {
		t.Errorf("order: %v", actionOps(p))
	}
}

func TestDiffAccessAbsentAndEmpty(t *testing.T) {
	had := grantsOf(worker("E1", "x"), email)
	if ch := Diff(had, worker("E1", "x")); len(ch) != 0 {
		t.Errorf("access not given is a change: %v", ch)
	}
	ch := Diff(had, grantsOf(worker("E1", "x"), apPayer))
	want := []Change{
		{Path: "access[fusion/role/AP_PAYER]", New: "BUSINESS_UNIT = Vision China"},
		{Path: "access[mail/application/email]", Old: "granted"},
	}
	if diff := cmp.Diff(want, ch); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, p := range []Person{worker("E1", "x"), grantsOf(worker("E1", "x"))} {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q Person
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatal(err)
		}
		if (q.Access == nil) != (p.Access == nil) {
			t.Errorf("JSON %s loses absent against empty", b)
		}
	}
	bad := grantsOf(worker("E1", "x"), email, email, Entitlement{System: "x", Kind: "perm", ID: "y"})
	_, err := Plan([]Person{bad}, nil, accessPolicy)
	for _, want := range []string{"access[1]: mail/application/email given twice", `access[2].kind: "perm" is not role`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
}

// fakeGate decides like Fusion's gate: roles in conflict with a role the
// user has or asks for go to the verdicts, by role.
type fakeGate struct {
	conflicts map[string]string             // role → the role it conflicts with
	verdicts  map[string]fusionsod.Decision // role → the approver's decision
	asked     []fusionsod.AccessRequest
}

func (g *fakeGate) Decide(_ context.Context, req fusionsod.AccessRequest) (fusionsod.Outcome, error) {
	g.asked = append(g.asked, req)
	o := fusionsod.Outcome{User: req.User}
	for _, r := range req.Roles {
		ro := fusionsod.RoleOutcome{Role: r.Code, Decision: fusionsod.Grant, Reason: "no segregation-of-duties conflict"}
		if other, ok := g.conflicts[r.Code]; ok {
			ro.Conflicts = []fusionsod.Conflict{{ControlName: "Pay and approve", InputRoleCode: r.Code, ConflictingRole: other}}
			switch d := g.verdicts[r.Code]; d {
			case fusionsod.Approved:
				ro.Decision, ro.By, ro.Justification, ro.Reason = d, "CONTROLLER", "quarter-end cover", "approved"
			case fusionsod.Deny:
				ro.Decision, ro.Reason = d, "denied: conflicts with "+other
			default:
				ro.Decision, ro.Reason = fusionsod.NeedsApproval, "conflicts with "+other
			}
		}
		o.Roles = append(o.Roles, ro)
	}
	return o, nil
}

func TestSoDPartialApproval(t *testing.T) {
	mary := grantsOf(worker("966169008890236", "Finance"), email, glViewer, apPayer, apApprover)
	mary.UserName = Some("MARY.KING")
	p, err := Plan([]Person{mary, grantsOf(worker("E1", "x"), glViewer)}, nil, accessPolicy)
	if err != nil {
		t.Fatal(err)
	}
	g := &fakeGate{conflicts: map[string]string{"AP_PAYER": "AP_APPROVER", "AP_APPROVER": "AP_PAYER"},
		verdicts: map[string]fusionsod.Decision{"AP_APPROVER": fusionsod.Deny}}
	sod := SoD{Gate: g, System: "fusion"}
	if err := sod.Check(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if len(g.asked) != 2 || g.asked[0].User != "MARY.KING" || len(g.asked[0].Roles) != 3 {
		t.Errorf("requests: %+v", g.asked)
	}
	if len(p.Denied) != 1 || p.Denied[0].Grant.ID != "AP_APPROVER" || p.Denied[0].SoD.Reason != "denied: conflicts with AP_PAYER" {
		t.Errorf("denied: %+v", p.Denied)
	}
	if len(p.Pending) != 1 || p.Pending[0].Grant.ID != "AP_PAYER" || len(p.Pending[0].SoD.Conflicts) != 1 {
		t.Errorf("pending: %+v", p.Pending)
	}
	through := func() []string {
		var out []string
		for _, a := range p.Actions {
			if a.Op == OpGrant && a.Grant.System == "fusion" {
				out = append(out, a.Key+" "+a.Grant.ID+" "+string(a.SoD.Decision))
			}
		}
		return out
	}
	if diff := cmp.Diff([]string{"966169008890236 GL_VIEWER grant", "E1 GL_VIEWER grant"}, through()); diff != "" {
		t.Errorf("granted (-want +got):\n%s", diff)
	}
	if s := p.String(); !strings.Contains(s, "DENIED by the segregation-of-duties gate:\n  grant      966169008890236") ||
		!strings.Contains(s, "WAITING FOR APPROVAL:") || !strings.Contains(s, "1 denied, 1 waiting for approval") {
		t.Errorf("report:\n%s", s)
	}

	// The approver accepts AP_PAYER; checking the stored plan again lets it
	// through with the justification, before no deactivation.
	g.verdicts["AP_PAYER"] = fusionsod.Approved
	if err := sod.Check(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if len(p.Pending) != 0 || len(p.Denied) != 1 {
		t.Fatalf("pending %d, denied %d", len(p.Pending), len(p.Denied))
	}
	i := slices.IndexFunc(p.Actions, func(a Action) bool { return a.Grant != nil && a.Grant.ID == "AP_PAYER" })
	if i < 0 || p.Actions[i].SoD.Justification != "quarter-end cover" || p.Actions[i].SoD.By != "CONTROLLER" {
		t.Errorf("approved grant: %+v", p.Actions)
	}
}

// fakeTarget applies actions to a map, counting each time an action takes
// effect, and can be made to fail or crash.
type fakeTarget struct {
	system  string
	applied map[string]int // "op key entitlement" → times
	fail    map[string]error
}

func (f *fakeTarget) Target() string { return f.system }

func (f *fakeTarget) Apply(_ context.Context, a *Action) error {
	k := actionName(a)
	if err := f.fail[k]; err != nil {
		return err
	}
	f.applied[k]++
	return nil
}

func actionName(a *Action) string {
	s := string(a.Op) + " " + a.Key
	if a.Grant != nil {
		s += " " + a.Grant.ID
	}
	return s
}

var errCrash = errors.New("crash")

// checkingTarget is a fakeTarget that can tell whether an action took
// effect.
type checkingTarget struct{ *fakeTarget }

func (c checkingTarget) Applied(_ context.Context, a *Action) (bool, error) {
	return c.applied[actionName(a)] > 0, nil
}

// crashPlan is a plan of every kind of action for one target, "t".
func crashPlan(t *testing.T) *ActionPlan {
	t.Helper()
	a := Entitlement{System: "t", Kind: KindGroup, ID: "staff"}
	b := Entitlement{System: "t", Kind: KindRole, ID: "clerk"}
	p, err := Plan(
		[]Person{grantsOf(worker("E1", "x"), a, b), grantsOf(with(worker("E2", "x"), left("2024-02-29"))),
			grantsOf(with(worker("E3", "x"), func(p *Person) { p.Assignments[0].Department = Some("y") }), a)},
		[]Person{grantsOf(worker("E2", "x"), a), grantsOf(worker("E3", "x"), a, b)}, accessPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(p.Actions); got != 7 {
		t.Fatalf("%d actions: %v", got, actionOps(p))
	}
	return p
}

// A run that stops at any point, before an action is sent or after it is
// sent and before its outcome is stored, and is then run again from the
// stored journal, applies every action exactly once.
func TestApplyCrashAtEveryAction(t *testing.T) {
	p := crashPlan(t)
	for k := range p.Actions {
		for _, when := range []Outcome{Started, Done} {
			t.Run(fmt.Sprintf("action %d %s", k, when), func(t *testing.T) {
				target := &fakeTarget{system: "t", applied: map[string]int{}}
				var stored []byte // the journal as the caller stores it
				store := func(crash bool) func(j *Journal, e Entry) error {
					return func(j *Journal, e Entry) error {
						if crash && e.Action == k && e.Outcome == when {
							return errCrash
						}
						var err error
						stored, err = json.Marshal(j)
						return err
					}
				}
				var j Journal
				if err := Apply(context.Background(), p, checkingTarget{target}, &j, ApplyOptions{Record: store(true)}); !errors.Is(err, errCrash) {
					t.Fatalf("first run: %v", err)
				}
				var again Journal
				if err := json.Unmarshal(stored, &again); err != nil && stored != nil {
					t.Fatal(err)
				}
				var seen []int
				err := Apply(context.Background(), p, checkingTarget{target}, &again, ApplyOptions{Record: store(false),
					Progress: func(done, total int) { seen = append(seen, done) }})
				if err != nil {
					t.Fatalf("second run: %v", err)
				}
				for _, a := range p.Actions {
					if n := target.applied[actionName(&a)]; n != 1 {
						t.Errorf("%s applied %d times", actionName(&a), n)
					}
				}
				for i := range p.Actions {
					if e, _ := again.Last(i); e.Outcome != Done {
						t.Errorf("action %d: %s", i, e.Outcome)
					}
				}
				if len(seen) != len(p.Actions) || seen[len(seen)-1] != len(p.Actions) {
					t.Errorf("progress %v", seen)
				}
			})
		}
	}
}

func TestApplyFailureSkipsThePersonsLaterActions(t *testing.T) {
	p := crashPlan(t)
	errDown := errors.New("directory down")
	target := &fakeTarget{system: "t", applied: map[string]int{}, fail: map[string]error{
		"create E1": errDown, "revoke E2 staff": errDown}}
	var j Journal
	err := Apply(context.Background(), p, target, &j, ApplyOptions{})
	if !errors.Is(err, errDown) || !strings.Contains(err.Error(), "2 of 7 actions failed") {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, e := range j.Entries {
		if e.Outcome != Started {
			got = append(got, fmt.Sprintf("%s %s %s %s", e.Op, e.Key, e.Entitlement, e.Outcome))
		}
	}
	want := []string{
		"create E1  failed", "update E3  done", "revoke E2 t/group/staff failed", "revoke E3 t/role/clerk done",
		"grant E1 t/group/staff skipped", "grant E1 t/role/clerk skipped",
		"deactivate E2  done", // a leaver is switched off even when a revoke failed
	}
	if diff := cmp.Diff(want, got[:7]); diff != "" {
		t.Errorf("journal (-want +got):\n%s", diff)
	}
	if e, _ := j.Last(0); !errors.Is(e.Err, errDown) {
		t.Errorf("entry error %v is not the applier's", e.Err)
	}
	// The directory is back: the rest goes through, and nothing twice.
	target.fail = nil
	if err := Apply(context.Background(), p, target, &j, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, a := range p.Actions {
		if n := target.applied[actionName(&a)]; n != 1 {
			t.Errorf("%s applied %d times", actionName(&a), n)
		}
	}
}

func TestApplyRefusesBeforeWriting(t *testing.T) {
	p := crashPlan(t)
	other := crashPlan(t)
	other.Actions = other.Actions[1:]
	done := Journal{}
	if err := Apply(context.Background(), other, &fakeTarget{system: "t", applied: map[string]int{}}, &done, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	changed := []Person{grantsOf(worker("E2", "x"), Entitlement{System: "t", Kind: KindGroup, ID: "staff"}),
		with(worker("E3", "x"), func(p *Person) { p.Phones = []Phone{{Type: "work", Number: "+33 1"}} })}
	for _, tt := range []struct {
		name    string
		target  string
		journal Journal
		opts    ApplyOptions
		want    string
	}{
		{"a journal of another plan", "t", done, ApplyOptions{}, "the journal is of plan " + other.Digest() + ", not of this plan"},
		{"another target", "t", Journal{Plan: p.Digest(), Target: "cmo"}, ApplyOptions{}, `the journal is of target "cmo", not "t"`},
		{"a system with no applier", "cmo", Journal{}, ApplyOptions{}, `plan.actions[2] (revoke E2): grant.system: no applier for "t" here (the applier writes to "cmo")`},
		{"people changed", "t", Journal{}, ApplyOptions{Current: changed},
			"plan.actions[1] (update E3): the target's record changed since the plan was made; plan again"},
		{"a person created meanwhile", "t", Journal{}, ApplyOptions{Current: append(changed, worker("E1", "x"))},
			"plan.actions[0] (create E1): the target now holds an active account"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target := &fakeTarget{system: tt.target, applied: map[string]int{}}
			recorded := 0
			tt.opts.Record = func(*Journal, Entry) error { recorded++; return nil }
			err := Apply(context.Background(), p, target, &tt.journal, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if len(target.applied) != 0 || recorded != 0 {
				t.Errorf("wrote %v and %d entries before refusing", target.applied, recorded)
			}
		})
	}
}
