package canonical

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClassify(t *testing.T) {
	ada := worker("E1", "Finance", "M1")
	gone := with(ada, left("2023-12-31"))
	pending := with(ada, func(p *Person) {
		p.Employment.WorkerType = Some(WorkerPending)
		p.Employment.Status = Some(StatusPending)
		p.Employment.Start = Some(day("2031-01-01"))
	})
	tests := []struct {
		name          string
		before, after *Person
		want          Kind
		paths         []string // nil: not checked
	}{
		{name: "absent from both", want: KindNone},
		{name: "joiner", after: &ada, want: KindJoiner, paths: []string{"name.given", "name.family",
			"emails[work]", "phones[work]", "managers", "employment.workerType", "employment.status",
			"employment.start", "assignments[E1-1]", "assignments[E1-1].primary", "assignments[E1-1].department"}},
		{name: "pending worker joins", after: &pending, want: KindJoiner},
		{name: "future-dated hire joins", after: ptr(with(ada, func(p *Person) {
			p.Employment.Start = Some(day("2031-01-01"))
		})), want: KindJoiner},
		{name: "status not given joins", after: &Person{Key: "E1"}, want: KindJoiner},
		{name: "first seen already gone", after: &gone, want: KindNone},
		{name: "leaver by status", before: &ada, after: &gone, want: KindLeaver,
			paths: []string{"employment.status", "employment.end"}},
		{name: "leaver by absence", before: &ada, want: KindLeaver},
		{name: "pending worker withdrawn", before: &pending, want: KindLeaver},
		{name: "inactive then absent", before: &gone, want: KindNone},
		{name: "rehire after inactive", before: &gone, after: ptr(with(ada, func(p *Person) {
			p.Employment.Start = Some(day("2024-03-01"))
			p.Employment.End = Some(Date{})
		})), want: KindRehire, paths: []string{"employment.status", "employment.start", "employment.end"}},
		{name: "rehire as pending worker", before: &gone, after: &pending, want: KindRehire},
		{name: "rehire seen only as a new start after an end", before: ptr(with(ada, func(p *Person) {
			p.Employment.End = Some(day("2023-12-31"))
		})), after: ptr(with(ada, func(p *Person) {
			p.Employment.Start = Some(day("2024-03-01"))
		})), want: KindRehire},
		{name: "end date set ahead is an update", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Employment.End = Some(day("2031-06-30"))
		})), want: KindUpdate, paths: []string{"employment.end"}},
		{name: "mover: department", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments[0].Department = Some("Sales")
		})), want: KindMover, paths: []string{"assignments[E1-1].department"}},
		{name: "mover: manager", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Managers = []string{"M2"}
		})), want: KindMover, paths: []string{"managers"}},
		{name: "mover: new assignment", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments = append(p.Assignments, Assignment{ID: "E1-2", Entity: Some("Acme UK")})
		})), want: KindMover, paths: []string{"assignments[E1-2]", "assignments[E1-2].entity"}},
		{name: "mover: primary flag", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments[0].Primary = Some(false)
		})), want: KindMover},
		{name: "mover: job and location", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments[0].Job = Some("Lead")
			p.Assignments[0].Location = Some("Paris")
		})), want: KindMover},
		{name: "mover and update together", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Phones = []Phone{{Type: "mobile", Number: "+1 2"}}
			p.Assignments[0].BusinessUnit = Some("BU2")
		})), want: KindMover},
		{name: "update: roles", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments[0].Roles = []string{"approver"}
		})), want: KindUpdate, paths: []string{"assignments[E1-1].roles"}},
		{name: "update: phone", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Phones[0].Number = "+1 555 0199"
		})), want: KindUpdate, paths: []string{"phones[work]"}},
		{name: "update: pending worker converted", before: &pending, after: ptr(with(pending, func(p *Person) {
			p.Employment.WorkerType = Some(WorkerEmployee)
			p.Employment.Status = Some(StatusActive)
		})), want: KindUpdate, paths: []string{"employment.workerType", "employment.status"}},
		{name: "update: inactive person's data", before: &gone, after: ptr(with(gone, func(p *Person) {
			p.Assignments[0].Department = Some("Sales")
		})), want: KindUpdate},
		{name: "none: unchanged", before: &ada, after: ptr(with(ada, func(*Person) {})), want: KindNone},
		{name: "none: source without phones", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Phones = nil
			p.Managers = nil
			p.Assignments = nil
		})), want: KindNone},
		{name: "update: source says no phones", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Phones = []Phone{}
		})), want: KindUpdate, paths: []string{"phones[work]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.before, tt.after)
			if got.Kind != tt.want {
				t.Errorf("kind = %s, want %s (changes %v)", got.Kind, tt.want, got.Changes)
			}
			if tt.paths != nil {
				if d := cmp.Diff(tt.paths, paths(got.Changes)); d != "" {
					t.Errorf("changes (-want +got):\n%s", d)
				}
			}
		})
	}
}
