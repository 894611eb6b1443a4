package canonical

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// prefCompany is HR (desired) and a target (current) keyed differently:
// HR by its ids, the target by its own account numbers; e-mail addresses
// pair them. A (region EMEA) manages B; B moved; C is new (APAC); D left;
// E is in the target only.
func prefCompany() (desired, current []Person) {
	region := func(r string) func(*Person) {
		return func(p *Person) { p.Attributes = map[string]string{AttrSageRegion: r} }
	}
	desired = []Person{
		with(worker("A", "Sales"), region("EMEA")),
		with(worker("B", "Finance", "A"), region("EMEA")),
		with(worker("C", "Sales", "A"), region("APAC")),
		with(worker("D", "Sales"), func(p *Person) {
			region("EMEA")(p)
			p.Employment.Status, p.Employment.End = Some(StatusInactive), Some(day("2026-05-31"))
		}),
	}
	acct := func(p Person, n string) Person {
		return with(p, func(q *Person) {
			q.Key = "acct-" + n
			if n == "b" {
				q.Emails[0].Address = "b@EXAMPLE.com" // paired without regard to case
			}
			region("EMEA")(q)
			for i, m := range q.Managers {
				q.Managers[i] = "acct-" + strings.ToLower(m)
			}
		})
	}
	current = []Person{
		acct(worker("A", "Sales"), "a"),
		acct(worker("B", "Sales", "A"), "b"),
		acct(worker("D", "Sales"), "d"),
		acct(worker("E", "Sales"), "e"),
	}
	return desired, current
}

func keysOf(actions []Action) []string {
	var out []string
	for _, a := range actions {
		out = append(out, string(a.Op)+" "+a.Key)
	}
	return out
}

func TestPreferencesModes(t *testing.T) {
	desired, current := prefCompany()
	pol := Policy{RunDate: day("2026-06-01"), MaxDeactivations: 10, MaxDeactivationShare: 1}
	for _, tc := range []struct {
		mode          Mode
		want, skipped []string
	}{
		{"", []string{"create c@example.com", "update b@example.com", "deactivate d@example.com"}, nil},
		{CreateOnly, []string{"create c@example.com"}, []string{"update b@example.com", "deactivate d@example.com"}},
		{UpdateOnly, []string{"update b@example.com", "deactivate d@example.com"}, []string{"create c@example.com"}},
	} {
		res, err := Preferences{Mode: tc.mode}.Plan(desired, current, pol)
		if err != nil {
			t.Fatal(err)
		}
		if got := keysOf(res.Plan.Actions); !slices.Equal(got, tc.want) {
			t.Errorf("%q: actions %v, want %v", tc.mode, got, tc.want)
		}
		if got := keysOf(res.Skipped); !slices.Equal(got, tc.skipped) {
			t.Errorf("%q: skipped %v, want %v", tc.mode, got, tc.skipped)
		}
	}
	// C's manager is A, by the sync key: the target can find A.
	res, _ := Preferences{}.Plan(desired, current, pol)
	if m := res.Plan.Actions[0].Person.Managers; !slices.Equal(m, []string{"a@example.com"}) {
		t.Errorf("C's managers %v", m)
	}
	// The input is not changed.
	if desired[2].Key != "C" || desired[2].Managers[0] != "A" {
		t.Errorf("desired changed: %+v", desired[2])
	}
}

func TestPreferencesFiltersAndRole(t *testing.T) {
	desired, current := prefCompany()
	pol := Policy{RunDate: day("2026-06-01"), FullList: true, DeactivateMissing: true, MaxDeactivations: 10, MaxDeactivationShare: 1}
	pr := Preferences{Filters: []Filter{{Field: "attributes[" + AttrSageRegion + "]", Values: []string{"apac"}}}, Role: "User"}
	res, err := pr.Plan(desired, current, pol)
	if err != nil {
		t.Fatal(err)
	}
	// Only APAC is in scope: C is created with the role; A, B and D are out
	// of scope and neither updated nor deactivated; E, in the target only,
	// is missing from the full list.
	if got, want := keysOf(res.Plan.Actions), []string{"create c@example.com", "deactivate e@example.com"}; !slices.Equal(got, want) {
		t.Errorf("actions %v, want %v", got, want)
	}
	if want := []string{"a@example.com", "b@example.com", "d@example.com"}; !slices.Equal(res.OutOfScope, want) {
		t.Errorf("out of scope %v", res.OutOfScope)
	}
	c := res.Plan.Actions[0]
	if !slices.Equal(c.Person.Assignments[0].Roles, []string{"User"}) || !slices.ContainsFunc(c.Changes, func(ch Change) bool { return ch.New == "User" }) {
		t.Errorf("the create's person %+v, changes %v", c.Person.Assignments, c.Changes)
	}
	if desired[2].Assignments[0].Roles != nil {
		t.Errorf("the role was added to desired itself")
	}
	// Only some people, by key.
	res, err = Preferences{Filters: []Filter{{Field: "key", Values: []string{"B"}}}}.Plan(desired, current, Policy{RunDate: pol.RunDate})
	if err != nil || !slices.Equal(keysOf(res.Plan.Actions), []string{"update b@example.com"}) {
		t.Errorf("only B: %v, %v", keysOf(res.Plan.Actions), err)
	}
}

func TestPreferencesSyncKey(t *testing.T) {
	desired, current := prefCompany()
	pol := Policy{RunDate: day("2026-06-01")}
	// By the person's key: nothing pairs (the target has its own keys).
	res, err := Preferences{SyncKey: "key"}.Plan(desired, current, pol)
	if err != nil || len(res.Plan.Actions) != 3 || res.Plan.Actions[0].Key != "A" {
		t.Errorf("by key: %v, %v", keysOf(res.Plan.Actions), err)
	}
	// A field some record lacks: an error naming the record and the field.
	current[1].Emails = nil
	_, err = Preferences{}.Plan(desired, current, pol)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Record != "current[1] (key acct-b)" || ie.Field != "emails[work]" {
		t.Errorf("error %v", err)
	}
	for _, bad := range []Preferences{
		{SyncKey: "shoeSize"}, {Mode: "sometimes"}, {Filters: []Filter{{Field: "attributes[x]"}}},
		{Filters: []Filter{{Field: "emails", Values: []string{"x"}}}},
	} {
		if _, err := bad.Plan(desired, current, pol); !errors.As(err, &ie) || ie.Record != "preferences" {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	// Two people with the same address: the repeat is named.
	desired[1].Emails[0].Address = "A@example.com"
	if _, err := (Preferences{}).Plan(desired, nil, pol); err == nil || !strings.Contains(err.Error(), "repeats the key") {
		t.Errorf("a repeated sync key: %v", err)
	}
}
