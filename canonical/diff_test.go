package canonical

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDiffEveryField(t *testing.T) {
	before := Person{
		Key:      "E1",
		Name:     Name{Given: Some("Ada"), Family: Some("Byron"), Display: Some("Ada Byron")},
		UserName: Some("abyron"),
		Logins:   map[string]string{"ad": "abyron", "cmo": "ada"},
		Emails:   []Email{{Type: "work", Address: "ada@old.example", Primary: true}, {Type: "home", Address: "ada@home.example"}},
		Phones:   []Phone{{Type: "mobile", Number: "+44 1"}},
		Address:  Address{City: Some("London"), Country: Some("GB")},
		Managers: []string{"M1"},
		Employment: Employment{WorkerType: Some(WorkerContingent), Status: Some(StatusActive),
			Start: Some(day("2020-01-01"))},
		Assignments: []Assignment{
			{ID: "A1", Primary: Some(true), Department: Some("Finance"), Roles: []string{"clerk"}},
			{ID: "A0", Job: Some("Auditor")},
		},
		Groups:     []string{"staff"},
		Attributes: map[string]string{"gender": "female", "site": "north"},
	}
	after := Person{
		Key:      "E1",
		Name:     Name{Given: Some("Ada"), Family: Some("Lovelace"), Display: Some("Ada Lovelace"), Preferred: Some("Ada")},
		UserName: Some("alovelace"),
		Logins:   map[string]string{"ad": "alovelace", "ohris": "ada"},
		Emails:   []Email{{Type: "work", Address: "ada@new.example", Primary: true}},
		Phones:   []Phone{{Type: "mobile", Number: "+44 1"}, {Type: "work", Number: "+44 2"}},
		Address:  Address{City: Some("Paris")},
		Managers: []string{"M2", "M1"},
		Employment: Employment{WorkerType: Some(WorkerEmployee), Status: Some(StatusActive),
			Start: Some(day("2020-01-01")), End: Some(day("2025-06-30"))},
		Assignments: []Assignment{
			{ID: "A2", Location: Some("Paris"), Roles: []string{}},
			{ID: "A1", Primary: Some(true), Department: Some("Sales"), Roles: []string{"manager", "clerk"}},
		},
		Groups:     []string{"staff", "admins"},
		Attributes: map[string]string{"gender": "female"},
	}
	want := []Change{
		{"name.family", "Byron", "Lovelace"},
		{"name.display", "Ada Byron", "Ada Lovelace"},
		{"name.preferred", "", "Ada"},
		{"userName", "abyron", "alovelace"},
		{"logins[ad]", "abyron", "alovelace"},
		{"logins[cmo]", "ada", ""},
		{"logins[ohris]", "", "ada"},
		{"emails[home]", "ada@home.example", ""},
		{"emails[work]", "ada@old.example (primary)", "ada@new.example (primary)"},
		{"phones[work]", "", "+44 2"},
		{"address.city", "London", "Paris"},
		{"managers", "M1", "M1, M2"},
		{"employment.workerType", "contingent", "employee"},
		{"employment.end", "", "2025-06-30"},
		{"assignments[A0]", "A0", ""},
		{"assignments[A1].department", "Finance", "Sales"},
		{"assignments[A1].roles", "clerk", "clerk, manager"},
		{"assignments[A2]", "", "A2"},
		{"assignments[A2].location", "", "Paris"},
		{"groups", "staff", "admins, staff"},
		{"attributes[site]", "north", ""},
	}
	if d := cmp.Diff(want, Diff(before, after)); d != "" {
		t.Errorf("Diff (-want +got):\n%s", d)
	}
	if got := Diff(after, after); got != nil {
		t.Errorf("Diff of a person with itself = %v", got)
	}
}

// A field after does not give is never a change: a source without phones
// must not blank the target's phones. A field given empty is one.
func TestDiffNotGivenAgainstEmpty(t *testing.T) {
	full := worker("E1", "Finance", "M1")
	full.Name.Middle = Some("Augusta")
	full.Groups = []string{"staff"}
	full.Logins = map[string]string{"ad": "e1"}
	full.Attributes = map[string]string{"site": "north"}
	full.Employment.End = Some(day("2030-01-01"))

	notGiven := Person{Key: "E1"}
	if got := Diff(full, notGiven); got != nil {
		t.Errorf("Diff to a person giving nothing = %v, want none", got)
	}
	emptyGiven := Person{
		Key:         "E1",
		Name:        Name{Middle: Some("")},
		Logins:      map[string]string{},
		Emails:      []Email{},
		Phones:      []Phone{},
		Managers:    []string{},
		Employment:  Employment{End: Some(Date{})},
		Assignments: []Assignment{},
		Groups:      []string{},
		Attributes:  map[string]string{},
	}
	want := []string{"name.middle", "logins[ad]", "emails[work]", "phones[work]", "managers",
		"employment.end", "assignments[E1-1]", "groups", "attributes[site]"}
	got := Diff(full, emptyGiven)
	if d := cmp.Diff(want, paths(got)); d != "" {
		t.Errorf("Diff to a person giving everything empty (-want +got):\n%s", d)
	}
	for _, c := range got {
		if c.New != "" {
			t.Errorf("%s: new value %q, want empty", c.Path, c.New)
		}
	}
	// Given empty against not given is no change: both are nothing.
	if got := Diff(notGiven, emptyGiven); got != nil {
		t.Errorf("Diff from nothing to empty = %v, want none", got)
	}
	// An assignment field not given is not a change either.
	a := worker("E1", "Finance")
	b := with(a, func(p *Person) { p.Assignments[0].Department = Opt[string]{} })
	if got := Diff(a, b); got != nil {
		t.Errorf("assignment field not given: %v", got)
	}
}

func TestDiffSetsIgnoreOrderAndRepeats(t *testing.T) {
	a := Person{Managers: []string{"B", "A"}, Groups: []string{"x", "y"}}
	b := Person{Managers: []string{"A", "B", "A"}, Groups: []string{"y", "x"}}
	if got := Diff(a, b); got != nil {
		t.Errorf("reordered sets: %v", got)
	}
}

func TestDiffRepeatedTypeKeepsEveryValue(t *testing.T) {
	a := Person{Phones: []Phone{{Type: "mobile", Number: "1"}}}
	b := Person{Phones: []Phone{{Type: "mobile", Number: "1"}, {Type: "mobile", Number: "2"}}}
	want := []Change{{"phones[mobile]", "1", "1, 2"}}
	if d := cmp.Diff(want, Diff(a, b)); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestChangeString(t *testing.T) {
	for c, want := range map[Change]string{
		{"assignments[A1].department", "Finance", "Sales"}: "assignments[A1].department: Finance → Sales",
		{"phones[work]", "", "+1"}:                         "phones[work]: (none) → +1",
		{"groups", "staff", ""}:                            "groups: staff → (none)",
	} {
		if got := c.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", c, got, want)
		}
	}
}

func TestParseISODate(t *testing.T) {
	d, err := ParseISODate("2024-02-29")
	if err != nil || d.String() != "2024-02-29" {
		t.Errorf("ParseISODate = %v, %v", d, err)
	}
	for _, bad := range []string{"29.02.2024", "2024-02-30", "2023-02-29", "2024-13-01", ""} {
		if d, err := ParseISODate(bad); err == nil {
			t.Errorf("ParseISODate(%q) = %v, want an error", bad, d)
		}
	}
}
