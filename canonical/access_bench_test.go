package canonical

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// FuzzRulesEvaluate feeds rules and a person as a caller may load them from
// a file: bad rules are refused with an error, never a panic; good ones
// give every employed person's grants with the rules that gave them, each
// entitlement once.
func FuzzRulesEvaluate(f *testing.F) {
	rules, _ := json.Marshal(seedRules)
	person, _ := json.Marshal(with(worker("E1", "Finance"), func(p *Person) { p.Attributes = map[string]string{AttrManagerFlag: "Y"} }))
	f.Add(rules, person)
	f.Add([]byte(`[{"name":"a","when":[{"attr":"start","op":"before","values":["2024-02-30"]}],"grant":[{"system":"s","kind":"role","id":"x"}]}]`), person)
	f.Add([]byte(`[{"name":"a","when":[{"attr":"attributes.","op":"given"}],"grant":[{"system":"s","kind":"role","id":"x","dataAccess":["A = 1"]}]},{"name":"b","grant":[{"system":"s","kind":"role","id":"x"}]}]`), person)
	f.Add([]byte(`[{"name":"a","when":[{"attr":"end","op":"onOrAfter","values":["2024-01-01"]},{"attr":"job","op":"not","values":[""]}],"grant":[{"system":"s","kind":"training","id":"x"}]}]`), []byte(`{"key":"k","employment":{"end":"2025-01-01"},"assignments":[{"id":"a"}]}`))
	f.Fuzz(func(t *testing.T, rulesJSON, personJSON []byte) {
		var rs Rules
		var p Person
		if json.Unmarshal(rulesJSON, &rs) != nil || json.Unmarshal(personJSON, &p) != nil {
			return
		}
		_ = rs.String()
		out, findings, err := rs.Evaluate([]Person{p}, day("2024-03-04"))
		if err != nil {
			if rs.Check() == nil {
				t.Fatalf("Evaluate failed on rules Check accepts: %v", err)
			}
			return
		}
		if len(out) != 1 || out[0].Access == nil {
			t.Fatalf("access not given: %+v", out)
		}
		for i, g := range out[0].Access {
			if grantByKey(out[0].Access[:i], g.Key()) != nil {
				t.Fatalf("%s given twice", g.Key())
			}
			if len(g.Because) == 0 || !strings.HasPrefix(g.Because[0], "rule ") {
				t.Fatalf("%s cites no rule: %q", g.Key(), g.Because)
			}
		}
		for _, f := range findings {
			_ = f.String()
		}
	})
}

// BenchmarkPlanAccess computes the access of 100,000 persons with 20 rules
// (each person meets 5 of them, each giving one entitlement) and plans it
// against a target that holds 4 of the 5 grants and one that no rule gives
// any more; "without access" is BenchmarkPlan's company planned as it was
// before access.
func BenchmarkPlanAccess(b *testing.B) {
	const n = 100_000
	var rs Rules
	for i := range 20 {
		rs = append(rs, Rule{Name: fmt.Sprintf("r%02d", i), Description: "department group",
			When:  []Cond{Is(AttrOrganisation, fmt.Sprintf("D%d", i%4)), Is(AttrWorkerType, "employee")},
			Grant: []Entitlement{{System: "t", Kind: KindGroup, ID: fmt.Sprintf("G%02d", i)}}})
	}
	people := make([]Person, n)
	current := make([]Person, n)
	for i := range n {
		key := fmt.Sprintf("E%06d", i)
		people[i] = worker(key, fmt.Sprintf("D%d", i%4))
		current[i] = people[i]
		current[i].Access = []Grant{{Entitlement: Entitlement{System: "t", Kind: KindGroup, ID: "OLD"}}}
		for k := i % 4; k < 16; k += 4 { // 4 of the 5 groups the rules give
			current[i].Access = append(current[i].Access, Grant{Entitlement: Entitlement{System: "t", Kind: KindGroup, ID: fmt.Sprintf("G%02d", k)}})
		}
	}
	pol := Policy{RunDate: day("2024-03-04"), FullList: true, MaxRevokes: n, MaxRevokeShare: 1}
	b.Run("rules", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := rs.Evaluate(people, pol.RunDate); err != nil {
				b.Fatal(err)
			}
		}
	})
	desired, _, err := rs.Evaluate(people, pol.RunDate)
	if err != nil || len(desired[0].Access) != 5 {
		b.Fatalf("%v: %d grants", err, len(desired[0].Access))
	}
	b.Run("plan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := Plan(desired, current, pol)
			if err != nil || len(p.Actions) != 2*n {
				b.Fatalf("%v: %d actions", err, len(p.Actions))
			}
		}
	})
	b.Run("rules+plan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			desired, _, err := rs.Evaluate(people, pol.RunDate)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := Plan(desired, current, pol); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The plain way: the rules as if statements, maps of sets, and a list
	// of (person, op, group) with no reasons, order, breaker or checks.
	b.Run("plain maps", func(b *testing.B) {
		b.ReportAllocs()
		type change struct{ key, op, id string }
		for b.Loop() {
			held := make(map[string]map[string]bool, n)
			for i := range current {
				set := map[string]bool{}
				for _, g := range current[i].Access {
					set[g.ID] = true
				}
				held[current[i].Key] = set
			}
			var changes []change
			for i := range people {
				p := &people[i]
				want := map[string]bool{}
				for _, r := range rs {
					if p.Assignments[0].Department.Or("") == r.When[0].Values[0] && string(p.Employment.WorkerType.Or("")) == "employee" {
						want[r.Grant[0].ID] = true
					}
				}
				for id := range want {
					if !held[p.Key][id] {
						changes = append(changes, change{p.Key, "grant", id})
					}
				}
				for id := range held[p.Key] {
					if !want[id] {
						changes = append(changes, change{p.Key, "revoke", id})
					}
				}
			}
			if len(changes) != 2*n {
				b.Fatalf("%d changes", len(changes))
			}
		}
	})
	b.Run("without access", func(b *testing.B) {
		b.ReportAllocs()
		for i := range current {
			current[i].Access = nil
		}
		for b.Loop() {
			if _, err := Plan(people, current, pol); err != nil {
				b.Fatal(err)
			}
		}
	})
}
