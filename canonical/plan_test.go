package canonical

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hrbridge/hrbridge/fusionsod"
)

// open is a policy with the limits out of the way.
var open = Policy{RunDate: day("2024-03-04"), MaxDeactivations: 1000, MaxDeactivationShare: 1}

// lines summarises a plan as "op key: reason" lines, held-back actions
// prefixed with "held ".
func lines(p *ActionPlan) []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, fmt.Sprintf("%s %s: %s", a.Op, a.Key, a.Reason))
	}
	for _, a := range p.Held {
		out = append(out, fmt.Sprintf("held %s %s: %s", a.Op, a.Key, a.Reason))
	}
	return out
}

func TestPlan(t *testing.T) {
	e1 := worker("E1", "Finance", "M1")
	e2 := worker("E2", "Finance", "M1")
	gone := with(e1, left("2023-12-31"))
	back := with(e1, func(p *Person) {
		p.Employment.Start = Some(day("2024-03-01"))
		p.Employment.End = Some(Date{})
	})
	fullDeactivate := open
	fullDeactivate.FullList, fullDeactivate.DeactivateMissing = true, true
	fullKeep := open
	fullKeep.FullList = true
	rehireAsNew := open
	rehireAsNew.RehireAsNew = true
	replace := open
	replace.ReplaceAssignments, replace.ReplaceManagers = true, true

	tests := []struct {
		name             string
		desired, current []Person
		policy           Policy
		want             []string
	}{
		{name: "joiner", desired: []Person{with(e1, func(p *Person) {
			p.Employment.Start = Some(day("2024-03-01"))
		})}, want: []string{"create E1: joined on 2024-03-01"}},
		{name: "future-dated joiner", desired: []Person{with(e1, func(p *Person) {
			p.Employment.Start = Some(day("2024-04-01"))
		})}, want: []string{"create E1: joins on 2024-04-01"}},
		{name: "pending worker", desired: []Person{with(e1, func(p *Person) {
			p.Employment.Status = Some(StatusPending)
			p.Employment.Start = Some(day("2024-04-01"))
		})}, want: []string{"create E1: pending worker, joins on 2024-04-01"}},
		{name: "joiner without a start date", desired: []Person{{Key: "E1"}},
			want: []string{"create E1: new in HR, no start date given"}},
		{name: "already left, never created", desired: []Person{gone}},
		{name: "unchanged", desired: []Person{e1}, current: []Person{e1}},
		{name: "mover", current: []Person{e1}, desired: []Person{with(e1, func(p *Person) {
			p.Assignments[0].Department = Some("Sales")
		})}, want: []string{"update E1: moved: assignments[E1-1].department: Finance → Sales"}},
		{name: "update", current: []Person{e1}, desired: []Person{with(e1, func(p *Person) {
			p.Phones[0].Number = "+1 555 0199"
			p.Name.Preferred = Some("Al")
		})}, want: []string{"update E1: changed: name.preferred: (none) → Al; phones[work]: +1 555 0100 → +1 555 0199"}},
		{name: "source without phones, manager, middle name: no update", current: []Person{with(e1, func(p *Person) {
			p.Name.Middle = Some("Jo")
		})}, desired: []Person{with(e1, func(p *Person) {
			p.Phones, p.Managers, p.Emails = nil, nil, nil
		})}},
		{name: "given empty where current has nothing: no update", current: []Person{with(e1, func(p *Person) {
			p.Groups = nil
		})}, desired: []Person{with(e1, func(p *Person) {
			p.Name.Middle = Some("")
			p.Groups = []string{}
		})}},
		{name: "source says no phones", current: []Person{e1}, desired: []Person{with(e1, func(p *Person) {
			p.Phones = []Phone{}
		})}, want: []string{"update E1: changed: phones[work]: +1 555 0100 → (none)"}},
		{name: "leaver", current: []Person{e1}, desired: []Person{gone}, want: []string{"deactivate E1: left on 2023-12-31"}},
		{name: "leaver whose end date passed, status still active", current: []Person{e1},
			desired: []Person{with(e1, func(p *Person) { p.Employment.End = Some(day("2024-03-03")) })},
			want:    []string{"deactivate E1: left on 2024-03-03"}},
		{name: "leaver whose last day is today is still employed", current: []Person{e1},
			desired: []Person{with(e1, func(p *Person) { p.Employment.End = Some(day("2024-03-04")) })},
			want:    []string{"update E1: changed: employment.end: (none) → 2024-03-04"}},
		{name: "inactive without an end date", current: []Person{e1},
			desired: []Person{with(e1, func(p *Person) { p.Employment.Status = Some(StatusInactive) })},
			want:    []string{"deactivate E1: inactive in HR"}},
		{name: "inactive on both sides", current: []Person{gone}, desired: []Person{with(gone, func(p *Person) {
			p.Assignments[0].Department = Some("Sales")
		})}},
		{name: "missing from a full list, deactivated", policy: fullDeactivate,
			current: []Person{e1, e2, with(worker("E3", "x"), left("2023-12-31"))}, desired: []Person{e2},
			want: []string{"deactivate E1: missing from the full HR list"}},
		{name: "missing from a full list, left alone", policy: fullKeep, current: []Person{e1, e2}, desired: []Person{e2}},
		{name: "missing from a list of changes, left alone", current: []Person{e1, e2}, desired: []Person{e2}},
		{name: "rehire reactivates", current: []Person{gone}, desired: []Person{back},
			want: []string{"reactivate E1: rehired on 2024-03-01"}},
		{name: "rehire without a start date", current: []Person{gone}, desired: []Person{{Key: "E1"}},
			want: []string{"reactivate E1: active again in HR"}},
		{name: "rehire gets a new account", policy: rehireAsNew, current: []Person{gone}, desired: []Person{back},
			want: []string{"create E1: rehired on 2024-03-01: a new account, the old one stays inactive"}},
		{name: "assignment appended", current: []Person{e1}, desired: []Person{with(e1, func(p *Person) {
			p.Assignments = []Assignment{{ID: "E1-2", Department: Some("Sales")}}
		})}, want: []string{"update E1: moved: assignments[E1-2]: (none) → E1-2; assignments[E1-2].department: (none) → Sales"}},
		{name: "assignment replaced", policy: replace, current: []Person{e1}, desired: []Person{with(e1, func(p *Person) {
			p.Assignments = []Assignment{{ID: "E1-2", Department: Some("Sales")}}
		})}, want: []string{"update E1: moved: assignments[E1-1]: E1-1 → (none); assignments[E1-2]: (none) → E1-2; assignments[E1-2].department: (none) → Sales"}},
		{name: "manager appended", current: []Person{e1}, desired: []Person{with(e1, func(p *Person) {
			p.Managers = []string{"M2"}
		})}, want: []string{"update E1: moved: managers: M1 → M1, M2"}},
		{name: "manager already there, appended: nothing", current: []Person{with(e1, func(p *Person) {
			p.Managers = []string{"M1", "M2"}
		})}, desired: []Person{e1}},
		{name: "manager replaced", policy: replace, current: []Person{e1}, desired: []Person{with(e1, func(p *Person) {
			p.Managers = []string{"M2"}
		})}, want: []string{"update E1: moved: managers: M1 → M2"}},
		{name: "order: creates and reactivations, updates, deactivations", policy: fullDeactivate,
			current: []Person{worker("A", "x"), worker("B", "x"), with(worker("C", "x"), left("2020-12-31"))},
			desired: []Person{
				worker("A", "y"), worker("D", "x"),
				with(worker("C", "x"), func(p *Person) { p.Employment.Start = Some(day("2024-03-01")) }),
			},
			want: []string{"reactivate C: rehired on 2024-03-01", "create D: joined on 2020-01-01",
				"update A: moved: assignments[A-1].department: x → y", "deactivate B: missing from the full HR list"}},
		{name: "manager chain: managers first", desired: []Person{
			worker("E1", "x", "E2"), worker("E2", "x", "E3"), worker("E3", "x"), worker("E0", "x"),
		}, want: []string{"create E0: joined on 2020-01-01", "create E3: joined on 2020-01-01",
			"create E2: joined on 2020-01-01", "create E1: joined on 2020-01-01"}},
		{name: "two managers, a reactivated one among them", current: []Person{with(worker("E9", "x"), left("2020-12-31"))},
			desired: []Person{
				worker("E1", "x", "E9", "E5"), worker("E5", "x"),
				with(worker("E9", "x"), func(p *Person) { p.Employment.Start = Some(day("2024-03-01")) }),
			}, want: []string{"create E5: joined on 2020-01-01", "reactivate E9: rehired on 2024-03-01",
				"create E1: joined on 2020-01-01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			policy := tt.policy
			if policy.RunDate.IsZero() {
				policy = open
			}
			p, err := Plan(tt.desired, tt.current, policy)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, lines(p)); d != "" {
				t.Errorf("plan (-want +got):\n%s\n%s", d, p)
			}
			if len(p.Cycles) > 0 || len(p.Held) > 0 {
				t.Errorf("unexpected cycles or held actions:\n%s", p)
			}
		})
	}
}

func TestPlanActionDetails(t *testing.T) {
	e1 := worker("E1", "Finance", "M1")
	joiner := with(worker("E2", "Sales"), func(p *Person) { p.Employment.Start = Some(day("2024-04-01")) })
	mover := with(e1, func(p *Person) {
		p.Managers = []string{"M2"}
		p.Assignments = []Assignment{{ID: "E1-2", Department: Some("Sales")}}
	})
	p, err := Plan([]Person{mover, joiner}, []Person{e1}, open)
	if err != nil {
		t.Fatal(err)
	}
	create, update := p.Actions[0], p.Actions[1]
	if create.Date != day("2024-04-01") || !cmp.Equal(create.Person, joiner, exportOpt) {
		t.Errorf("create: date %s, person %+v", create.Date, create.Person)
	}
	if d := cmp.Diff(Diff(Person{}, joiner), create.Changes); d != "" {
		t.Errorf("create changes (-want +got):\n%s", d)
	}
	// Appended: the record to write keeps the current assignment and manager.
	if got := update.Person.Managers; !cmp.Equal(got, []string{"M2", "M1"}) {
		t.Errorf("update managers = %v", got)
	}
	if got := update.Person.Assignments; len(got) != 2 || got[0].ID != "E1-2" || got[1].ID != "E1-1" {
		t.Errorf("update assignments = %+v", got)
	}
	if update.Date != open.RunDate {
		t.Errorf("update date = %s", update.Date)
	}

	p, err = Plan([]Person{with(e1, left("2024-02-29"))}, []Person{e1}, open)
	if err != nil {
		t.Fatal(err)
	}
	if a := p.Actions[0]; a.Date != day("2024-03-01") || a.Person.Employment.Status.Or("") != StatusInactive {
		t.Errorf("leaver: date %s, status %v", a.Date, a.Person.Employment.Status)
	}
}

func TestPlanDeactivationLimit(t *testing.T) {
	// Ten active people in the target; HR lost three of them, hired one and
	// moved one.
	var current, desired []Person
	for i := range 10 {
		current = append(current, worker(fmt.Sprintf("E%02d", i), "Finance"))
	}
	desired = append(desired, current[3:]...)
	desired[0] = with(desired[0], func(p *Person) { p.Assignments[0].Department = Some("Sales") })
	desired = append(desired, worker("E99", "Sales"))
	goThrough := []string{"create E99: joined on 2020-01-01", "update E03: moved: assignments[E03-1].department: Finance → Sales"}
	missing := func(keys ...string) []string {
		var out []string
		for _, k := range keys {
			out = append(out, "deactivate "+k+": missing from the full HR list")
		}
		return out
	}
	held := func(s []string) []string {
		out := append([]string{}, goThrough...)
		for _, l := range s {
			out = append(out, "held "+l)
		}
		return out
	}

	tests := []struct {
		name   string
		count  int
		share  float64
		want   []string
		reason string
	}{
		{name: "within both limits", count: 3, share: 0.3, want: append(goThrough, missing("E00", "E01", "E02")...)},
		{name: "past the count", count: 2, share: 1, want: held(missing("E00", "E01", "E02")),
			reason: "3 deactivation(s) held back, more than the limit of 2 (at most 2 by count, and 100% of the 10 active people by share)"},
		{name: "past the share", count: 100, share: 0.29, want: held(missing("E00", "E01", "E02")),
			reason: "3 deactivation(s) held back, more than the limit of 2 (at most 100 by count, and 29% of the 10 active people by share)"},
		{name: "the zero policy allows none", count: 0, share: 0, want: held(missing("E00", "E01", "E02")),
			reason: "3 deactivation(s) held back, more than the limit of 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pol := Policy{RunDate: open.RunDate, FullList: true, DeactivateMissing: true,
				MaxDeactivations: tt.count, MaxDeactivationShare: tt.share}
			p, err := Plan(desired, current, pol)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, lines(p)); d != "" {
				t.Errorf("plan (-want +got):\n%s", d)
			}
			if !strings.Contains(p.HeldReason, tt.reason) || (tt.reason == "") != (p.HeldReason == "") {
				t.Errorf("held reason = %q, want it to hold %q", p.HeldReason, tt.reason)
			}
			if tt.reason != "" && !strings.Contains(p.String(), "HELD BACK: "+tt.reason) {
				t.Errorf("report does not state the hold:\n%s", p)
			}
		})
	}
	// Share limit counts only active people: inactive ones in the target do
	// not raise it.
	inactive := with(worker("X", "x"), left("2020-01-01"))
	pol := Policy{RunDate: open.RunDate, MaxDeactivations: 10, MaxDeactivationShare: 0.5}
	p, err := Plan([]Person{with(current[0], left("2024-01-01"))}, []Person{current[0], inactive, with(inactive, func(p *Person) { p.Key = "Y" })}, pol)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Held) != 1 || !strings.Contains(p.HeldReason, "of the 1 active people") {
		t.Errorf("share of 1 active person at 50%% must hold 1 deactivation back: %s", p)
	}
}

func TestPlanManagerCycles(t *testing.T) {
	desired := []Person{
		worker("E3", "x", "E4"), worker("E4", "x", "E3"), // a pair
		worker("E5", "x", "E5"),                                                   // their own manager
		worker("E1", "x", "E3"),                                                   // reports into the pair
		worker("E7", "x", "E9"), worker("E8", "x", "E7"), worker("E9", "x", "E8"), // a ring of three
	}
	p, err := Plan(desired, nil, open)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, a := range p.Actions {
		order = append(order, a.Key)
	}
	if d := cmp.Diff([]string{"E4", "E3", "E1", "E5", "E8", "E9", "E7"}, order); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
	wantCycles := [][]string{{"E3", "E4"}, {"E5"}, {"E7", "E9", "E8"}}
	if d := cmp.Diff(wantCycles, p.Cycles); d != "" {
		t.Errorf("cycles (-want +got):\n%s", d)
	}
	if s := p.String(); !strings.Contains(s, "MANAGER CYCLE: E7 → E9 → E8 → E7") {
		t.Errorf("report does not state the cycle:\n%s", s)
	}
}

func TestPlanRejectsBadInput(t *testing.T) {
	e1 := worker("E1", "x")
	tests := []struct {
		name             string
		desired, current []Person
		policy           Policy
		want             []string
	}{
		{name: "policy", policy: Policy{DeactivateMissing: true, MaxDeactivations: -1, MaxDeactivationShare: 1.5},
			want: []string{
				"canonical: policy: runDate: is required",
				"canonical: policy: deactivateMissing: needs fullList",
				"canonical: policy: maxDeactivations: -1 is negative",
				"canonical: policy: maxDeactivationShare: 1.5 is not between 0 and 1",
			}},
		{name: "bad run date, share NaN", policy: Policy{RunDate: Date{Year: 2024, Month: 2, Day: 30}, MaxDeactivationShare: math.NaN()},
			want: []string{
				"canonical: policy: runDate: 2024-02-30 is not a valid date",
				"canonical: policy: maxDeactivationShare: NaN is not between 0 and 1",
			}},
		{name: "keys", policy: open,
			desired: []Person{e1, {}, e1, e1}, current: []Person{worker("E2", "x"), worker("E2", "x")},
			want: []string{
				"canonical: desired[1]: key: is empty",
				"canonical: desired[2] (key E1): key: repeats the key of desired[0]",
				"canonical: desired[3] (key E1): key: repeats the key of desired[0]",
				"canonical: current[1] (key E2): key: repeats the key of current[0]",
			}},
		{name: "fields", policy: open, current: []Person{with(e1, func(p *Person) {
			p.Employment.Status = Some(Status("terminated"))
			p.Employment.Start = Some(Date{Year: 2024, Month: 2, Day: 30})
			p.Emails = append(p.Emails, Email{Type: "work", Address: "x@example.com"})
			p.Phones = append(p.Phones, Phone{Type: "work"})
			p.Managers = []string{""}
			p.Assignments = append(p.Assignments, Assignment{ID: "E1-1"})
		}), with(worker("E2", "x"), func(p *Person) { p.Assignments[0].ID = "" })},
			want: []string{
				`canonical: current[0] (key E1): employment.status: "terminated" is not active, inactive or pending`,
				"canonical: current[0] (key E1): employment.start: 2024-02-30 is not a valid date",
				`canonical: current[0] (key E1): emails: type "work" given twice`,
				`canonical: current[0] (key E1): phones: type "work" given twice`,
				`canonical: current[0] (key E1): assignments: ID "E1-1" given twice`,
				"canonical: current[0] (key E1): managers: holds an empty key",
				"canonical: current[1] (key E2): assignments: an assignment has no ID",
			}},
		{name: "many phones", policy: open, desired: []Person{with(e1, func(p *Person) {
			for i := range 20 {
				p.Phones = append(p.Phones, Phone{Type: fmt.Sprint("t", i%19)})
			}
		})}, want: []string{`canonical: desired[0] (key E1): phones: type "t0" given twice`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Plan(tt.desired, tt.current, tt.policy)
			if err == nil {
				t.Fatalf("no error; plan:\n%s", p)
			}
			if p != nil {
				t.Error("a plan came back with the error")
			}
			var got []string
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				var ie *InputError
				if !errors.As(e, &ie) {
					t.Errorf("%v is not an *InputError", e)
				}
				got = append(got, e.Error())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("error %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

// A plan decodes from its JSON to an identical value, "not given" and
// "given empty" included, so it can be applied later exactly as reviewed.
func TestPlanJSONRoundTrip(t *testing.T) {
	e1 := worker("E1", "Finance", "M1")
	e1.Logins = map[string]string{"ad": "e1"}
	e1.Attributes = map[string]string{}
	e1.Address = Address{City: Some(""), Country: Some("FR")}
	e1.Employment.End = Some(Date{})
	pol := Policy{RunDate: day("2024-03-04"), FullList: true, DeactivateMissing: true,
		ReplaceManagers: true, MaxDeactivations: 1, MaxDeactivationShare: 0.1}
	desired := []Person{
		with(e1, func(p *Person) { p.Phones = []Phone{}; p.Groups = []string{} }),
		worker("E2", "x", "E3"), worker("E3", "x", "E2"),
		{Key: "E4", Name: Name{Given: Some("Only")}},
	}
	current := []Person{e1, worker("E5", "x"), worker("E6", "x")}
	p, err := Plan(desired, current, pol)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Held) != 2 || len(p.Cycles) != 1 || len(p.Actions) != 4 {
		t.Fatalf("the plan does not show every part:\n%s", p)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"phones": []`, `"phones": null`, `"attributes": {}`, `"city": ""`, `"end": ""`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s", s)
		}
	}
	var back ActionPlan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(p, &back, exportOpt); d != "" {
		t.Errorf("JSON round trip (-before +after):\n%s", d)
	}
	if p.String() != back.String() {
		t.Error("the reports differ after a JSON round trip")
	}
}

func TestPlanString(t *testing.T) {
	e1 := worker("E1", "Finance")
	e1.Name.Display = Some("Ada Lovelace")
	p, err := Plan([]Person{with(e1, func(p *Person) { p.Assignments[0].Department = Some("Sales") }), worker("E2", "x")},
		[]Person{e1, worker("E3", "x")}, Policy{RunDate: day("2024-03-04"), FullList: true, DeactivateMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	want := `Plan for 2024-03-04: 1 to create, 0 to reactivate, 1 to update, 0 to deactivate, 1 held back
Policy: full list; missing people deactivated; assignments appended; managers appended; rehires reactivated; at most 0 deactivations and 0% of active people
  create     E2 (GivenE2 FamilyE2): joined on 2020-01-01
  update     E1 (Ada Lovelace): moved: assignments[E1-1].department: Finance → Sales
HELD BACK: 1 deactivation(s) held back, more than the limit of 0 (at most 0 by count, and 0% of the 2 active people by share); check the HR data, then plan again with a higher limit to let them through:
  deactivate E3 (GivenE3 FamilyE3): missing from the full HR list
`
	if d := cmp.Diff(want, p.String()); d != "" {
		t.Errorf("String (-want +got):\n%s", d)
	}
}

// BenchmarkPlan plans a full list of 100,000 people against a target holding
// them: 1% joiners, 1% leavers, 5% movers, a manager tree.
func BenchmarkPlan(b *testing.B) {
	const n = 100_000
	current := make([]Person, 0, n)
	desired := make([]Person, 0, n)
	for i := range n {
		key := fmt.Sprintf("E%06d", i)
		p := worker(key, fmt.Sprintf("D%03d", i%300))
		if i > 0 {
			p.Managers = []string{fmt.Sprintf("E%06d", (i-1)/10)}
		}
		switch i % 100 {
		case 0: // joiner
			desired = append(desired, p)
			continue
		case 1: // leaver
			current = append(current, p)
			desired = append(desired, with(p, left("2024-02-29")))
			continue
		case 2, 3, 4, 5, 6: // mover
			current = append(current, p)
			desired = append(desired, with(p, func(p *Person) { p.Assignments[0].Department = Some("Moved") }))
			continue
		}
		current = append(current, p)
		desired = append(desired, p)
	}
	pol := Policy{RunDate: day("2024-03-04"), FullList: true, DeactivateMissing: true,
		MaxDeactivations: n, MaxDeactivationShare: 0.05}
	run := func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := Plan(desired, current, pol)
			if err != nil || len(p.Actions) != 7*n/100 {
				b.Fatalf("%v, %d actions", err, len(p.Actions))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/person")
	}
	b.Run("sorted", run)
	// Extracts are often sorted by person number; a shuffled one costs more.
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(desired), func(i, j int) { desired[i], desired[j] = desired[j], desired[i] })
	r.Shuffle(len(current), func(i, j int) { current[i], current[j] = current[j], current[i] })
	b.Run("shuffled", run)
}

func TestDeactivationLimitRounding(t *testing.T) {
	for _, tt := range []struct {
		count, active int
		share         float64
		want          int
	}{
		{100, 100, 0.29, 29}, // 0.29 × 100 is 28.999… in floating point
		{100, 10, 0.3, 3},
		{100, 10, 0.25, 2},
		{1, 100, 0.5, 1},
		{100, 0, 0.5, 0},
	} {
		pol := Policy{MaxDeactivations: tt.count, MaxDeactivationShare: tt.share}
		if got := pol.deactivationLimit(tt.active); got != tt.want {
			t.Errorf("limit(count %d, share %g, active %d) = %d, want %d", tt.count, tt.share, tt.active, got, tt.want)
		}
	}
}

// FuzzPlanJSON feeds stored plans that may have been edited by hand: decoding
// must fail cleanly or give a plan that prints and encodes again to the same
// JSON.
func FuzzPlanJSON(f *testing.F) {
	p, err := Plan([]Person{worker("E1", "x", "E2"), worker("E2", "x", "E1")}, []Person{worker("E3", "x")},
		Policy{RunDate: day("2024-03-04"), FullList: true, DeactivateMissing: true})
	if err != nil {
		f.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	// A plan with access, gated: grants with their rules and SoD
	// decisions, revokes, denied and pending grants.
	mary := grantsOf(worker("E1", "x"), glViewer, apPayer, apApprover)
	mary.Access[0].Because = []string{"rule finance"}
	pa, err := Plan([]Person{mary, grantsOf(with(worker("E2", "x"), left("2024-02-29")))}, []Person{grantsOf(worker("E2", "x"), email)}, accessPolicy)
	if err != nil {
		f.Fatal(err)
	}
	g := &fakeGate{conflicts: map[string]string{"AP_PAYER": "AP_APPROVER", "AP_APPROVER": "AP_PAYER"},
		verdicts: map[string]fusionsod.Decision{"AP_APPROVER": fusionsod.Deny}}
	if err := (SoD{Gate: g, System: "fusion"}).Check(context.Background(), pa); err != nil {
		f.Fatal(err)
	}
	if b, err = json.Marshal(pa); err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"actions":[{"op":"grant","grant":{"system":"","kind":"x","id":"|"},"sod":{"decision":"approved"}}],"pending":[{}],"denied":[{"grant":null}]}`))
	f.Add([]byte(`{"cycles":[[]],"actions":[{"person":{"employment":{"start":"2024-02-30"}}}]}`))
	f.Add([]byte(`{"policy":{"runDate":"x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p ActionPlan
		if json.Unmarshal(data, &p) != nil {
			return
		}
		_ = p.String()
		_ = p.Markdown(&Journal{Entries: []Entry{{Action: 0, Outcome: Failed, Error: "x|y\nz"}}})
		b, err := json.Marshal(&p)
		if err != nil {
			t.Fatal(err)
		}
		var q ActionPlan
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatalf("a plan's own JSON does not decode: %v\n%s", err, b)
		}
		if b2, _ := json.Marshal(&q); string(b2) != string(b) {
			t.Fatalf("JSON not stable:\n%s\n%s", b, b2)
		}
	})
}
