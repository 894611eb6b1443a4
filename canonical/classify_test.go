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
		want          Lifecycle
		paths         []string // nil: not checked
	}{
		{name: "absent from both", want: Unchanged},
		{name: "joiner", after: &ada, want: Joiner, paths: []string{"name.given", "name.family",
			"emails[work]", "phones[work]", "managers", "employment.workerType", "employment.status",
			"employment.start", "assignments[E1-1]", "assignments[E1-1].primary", "assignments[E1-1].department"}},
		{name: "pending worker joins", after: &pending, want: Joiner},
		{name: "future-dated hire joins", after: ptr(with(ada, func(p *Person) {
			p.Employment.Start = Some(day("2031-01-01"))
		})), want: Joiner},
		{name: "status not given joins", after: &Person{Key: "E1"}, want: Joiner},
		{name: "first seen already gone", after: &gone, want: Unchanged},
		{name: "leaver by status", before: &ada, after: &gone, want: Leaver,
			paths: []string{"employment.status", "employment.end"}},
		{name: "leaver by absence", before: &ada, want: Leaver},
		{name: "pending worker withdrawn", before: &pending, want: Leaver},
		{name: "inactive then absent", before: &gone, want: Unchanged},
		{name: "rehire after inactive", before: &gone, after: ptr(with(ada, func(p *Person) {
			p.Employment.Start = Some(day("2024-03-01"))
			p.Employment.End = Some(Date{})
		})), want: Rehire, paths: []string{"employment.status", "employment.start", "employment.end"}},
		{name: "rehire as pending worker", before: &gone, after: &pending, want: Rehire},
		{name: "rehire seen only as a new start after an end", before: ptr(with(ada, func(p *Person) {
			p.Employment.End = Some(day("2023-12-31"))
		})), after: ptr(with(ada, func(p *Person) {
			p.Employment.Start = Some(day("2024-03-01"))
		})), want: Rehire},
		{name: "end date set ahead is an update", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Employment.End = Some(day("2031-06-30"))
		})), want: Update, paths: []string{"employment.end"}},
		{name: "mover: department", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments[0].Department = Some("Sales")
		})), want: Mover, paths: []string{"assignments[E1-1].department"}},
		{name: "mover: manager", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Managers = []string{"M2"}
		})), want: Mover, paths: []string{"managers"}},
		{name: "mover: new assignment", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments = append(p.Assignments, Assignment{ID: "E1-2", Entity: Some("Acme UK")})
		})), want: Mover, paths: []string{"assignments[E1-2]", "assignments[E1-2].entity"}},
		{name: "mover: primary flag", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments[0].Primary = Some(false)
		})), want: Mover},
		{name: "mover: job and location", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments[0].Job = Some("Lead")
			p.Assignments[0].Location = Some("Paris")
		})), want: Mover},
		{name: "mover and update together", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Phones = []Phone{{Type: "mobile", Number: "+1 2"}}
			p.Assignments[0].BusinessUnit = Some("BU2")
		})), want: Mover},
		{name: "update: roles", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Assignments[0].Roles = []string{"approver"}
		})), want: Update, paths: []string{"assignments[E1-1].roles"}},
		{name: "update: phone", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Phones[0].Number = "+1 555 0199"
		})), want: Update, paths: []string{"phones[work]"}},
		{name: "update: pending worker converted", before: &pending, after: ptr(with(pending, func(p *Person) {
			p.Employment.WorkerType = Some(WorkerEmployee)
			p.Employment.Status = Some(StatusActive)
		})), want: Update, paths: []string{"employment.workerType", "employment.status"}},
		{name: "update: inactive person's data", before: &gone, after: ptr(with(gone, func(p *Person) {
			p.Assignments[0].Department = Some("Sales")
		})), want: Update},
		{name: "none: unchanged", before: &ada, after: ptr(with(ada, func(*Person) {})), want: Unchanged},
		{name: "none: source without phones", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Phones = nil
			p.Managers = nil
			p.Assignments = nil
		})), want: Unchanged},
		{name: "update: source says no phones", before: &ada, after: ptr(with(ada, func(p *Person) {
			p.Phones = []Phone{}
		})), want: Update, paths: []string{"phones[work]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(tt.before, tt.after)
			if got.Lifecycle != tt.want {
				t.Errorf("kind = %s, want %s (changes %v)", got.Lifecycle, tt.want, got.Changes)
			}
			if tt.paths != nil {
				if d := cmp.Diff(tt.paths, paths(got.Changes)); d != "" {
					t.Errorf("changes (-want +got):\n%s", d)
				}
			}
		})
	}
}
