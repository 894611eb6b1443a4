package canonical

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hrbridge/hrbridge/hcmatom"
)

// hcmCompany is a roster as the initial extract would seed it: Mary King
// (a manager, from the Oracle guide), Joe Green reporting to her, Rachel
// Goode terminated, Jennifer Gainsboro a pending worker.
func hcmCompany(t *testing.T) *hcmatom.Roster {
	t.Helper()
	r := hcmatom.NewRoster()
	var b hcmatom.Batch
	for _, p := range []hcmatom.Person{
		{PersonNumber: "966169008890236", PersonID: "300100591078054", Name: "King, Mary", WorkEmail: "mary.king@mail.com",
			PrimaryPhoneNumber: "919-234-9182", EffectiveStartDate: day("2023-08-01"), Attributes: map[string]string{"UserName": "MKING"},
			WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591078068", Primary: true, PeriodType: "E", WorkerType: "EMP",
				LegalEntityID: "LE1", DateStart: day("2023-08-01"),
				Assignments: []hcmatom.Assignment{{AssignmentID: "300100591026173", Primary: true, AssignmentStatusType: "ACTIVE",
					BusinessUnitID: "300100032736497", OrganizationID: "300100037658514", PositionID: "300100037658660",
					LocationID: "300100037658196", JobID: "300100037658485"}}}}},
		{PersonNumber: "966169008890736", PersonID: "300100591016270", Name: "Green, Joe",
			WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591016284", Primary: true, PeriodType: "E", WorkerType: "EMP",
				DateStart: day("2023-08-01"),
				Assignments: []hcmatom.Assignment{
					{AssignmentID: "300100591078074", Primary: true, AssignmentStatusType: "ACTIVE", JobID: "300100037637824", ManagerID: "300100591078054"},
					{AssignmentID: "300100591078099", AssignmentStatusType: "INACTIVE_PROCESS"}}}}},
		{PersonNumber: "966169008890235", Name: "Goode, Rachel", EffectiveStartDate: day("2023-06-21"), Terminated: true,
			ActualTerminationDate: day("2023-07-03"), WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591067585",
				PeriodType: "E", WorkerType: "EMP", Terminated: true, ActualTerminationDate: day("2023-07-03")}}},
		{PersonNumber: "966169008890210", Name: "Gainsboro, Jennifer", WorkRelationships: []hcmatom.WorkRelationship{{
			PeriodOfServiceID: "300100589792532", Primary: true, PeriodType: "P", WorkerType: "PWK", DateStart: day("2023-06-29")}}},
	} {
		if err := b.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Load(&b); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestHCMFromWorker(t *testing.T) {
	m := HCM{Roster: hcmCompany(t)}
	people, err := m.FromRoster()
	if len(people) != 4 {
		t.Fatalf("%d people", len(people))
	}
	// Only Mary has a user name or an e-mail address: the others are
	// returned, and reported as having no login.
	for _, key := range []string{"966169008890736", "966169008890235", "966169008890210"} {
		if err == nil || !strings.Contains(err.Error(), "person "+key+": logins: ") {
			t.Errorf("err = %v, want it to name %s and its logins", err, key)
		}
	}
	byKey := map[string]Person{}
	for _, p := range people {
		byKey[p.Key] = p
	}
	want := Person{
		Key:      "966169008890236",
		Name:     Name{Given: Some("Mary"), Family: Some("King"), Display: Some("Mary King")},
		UserName: Some("MKING"),
		Logins:   map[string]string{"cmo": "MKING", "csf": "MKING", "ohris": "MKING"},
		Emails:   []Email{{Type: "work", Address: "mary.king@mail.com", Primary: true}},
		Phones:   []Phone{{Type: "work", Number: "919-234-9182"}},
		Managers: []string{},
		Employment: Employment{WorkerType: Some(WorkerEmployee), Status: Some(StatusActive), Start: Some(day("2023-08-01")),
			End: Some(Date{})},
		Assignments: []Assignment{{ID: "300100591026173", Primary: Some(true), Entity: Some("LE1"), BusinessUnit: Some("300100032736497"),
			Department: Some("300100037658514"), Position: Some("300100037658660"), Location: Some("300100037658196"),
			Job: Some("300100037658485")}},
		Attributes: map[string]string{AttrHCMPersonID: "300100591078054", "hcm.UserName": "MKING"},
	}
	if diff := cmp.Diff(want, byKey["966169008890236"], exportOpt); diff != "" {
		t.Errorf("Mary (-want +got):\n%s", diff)
	}
	joe := byKey["966169008890736"]
	if len(joe.Assignments) != 1 || cmp.Diff([]string{"966169008890236"}, joe.Managers) != "" || joe.Emails != nil || joe.Phones != nil {
		t.Errorf("Joe: an inactive assignment left out, his manager found by PersonId, no e-mail given: %+v", joe)
	}
	rachel := byKey["966169008890235"]
	if rachel.Employment.Status != Some(StatusInactive) || rachel.Employment.End != Some(day("2023-07-03")) ||
		rachel.Employment.Start != Some(day("2023-06-21")) || len(rachel.Assignments) != 0 || rachel.Assignments == nil {
		t.Errorf("Rachel: %+v", rachel.Employment)
	}
	jennifer := byKey["966169008890210"]
	if jennifer.Employment.Status != Some(StatusPending) || jennifer.Employment.WorkerType != Some(WorkerPending) {
		t.Errorf("Jennifer: %+v", jennifer.Employment)
	}
}

func TestHCMFutureHireAndUnknownManager(t *testing.T) {
	w := hcmatom.Person{PersonNumber: "1007", Name: "Diego Ruiz", WorkRelationships: []hcmatom.WorkRelationship{{
		PeriodOfServiceID: "W1", Primary: true, PeriodType: "E", WorkerType: "EMP", DateStart: day("2024-03-11"),
		Assignments: []hcmatom.Assignment{{AssignmentID: "A1", Primary: true, ManagerID: "300999"}}}}}
	m := HCM{Roster: hcmatom.NewRoster(), RunDate: day("2024-03-04")}
	p, _ := m.FromWorker(w)
	if p.Employment.Status != Some(StatusPending) || p.Name.Display != Some("Diego Ruiz") || p.Name.Family.IsSet() {
		t.Errorf("%+v", p)
	}
	if p.Managers != nil || p.Attributes[AttrHCMManagerIDs] != "300999" {
		t.Errorf("a manager not in the roster: managers %v, attributes %v", p.Managers, p.Attributes)
	}
	if p, _ := (&HCM{}).FromWorker(w); p.Managers != nil || p.Employment.Status != Some(StatusActive) {
		t.Errorf("without a roster: %+v", p)
	}
}

// The roster after a feed event, mapped, classifies as the event meant.
func TestHCMClassifiesAsTheRoster(t *testing.T) {
	r := hcmCompany(t)
	m := HCM{Roster: r}
	before, _ := m.FromRoster()
	promotion, err := hcmatom.Decode(hcmatom.AssignmentFeed, hcmatom.Entry{ID: "E1", Content: `{ "Context" : [ { "AssignmentId" : "300100591078074", ` +
		`"PersonNumber" : "966169008890736", "DMLOperation" : "UPDATE" } ], "Changed Attributes" : [ { "JobId" : { "old" : "300100037637824", "new" : "LEAD" } } ] }`})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := r.Apply(promotion)
	after, _ := m.FromRoster()
	joe := func(ps []Person) *Person {
		for i := range ps {
			if ps[i].Key == "966169008890736" {
				return &ps[i]
			}
		}
		t.Fatal("Joe is missing")
		return nil
	}
	c := Classify(joe(before), joe(after))
	if out.Lifecycle != hcmatom.Mover || c.Lifecycle != Mover || !strings.Contains(c.Changes[0].String(), "job") {
		t.Errorf("roster says %v, Classify %v %v", out.Lifecycle, c.Lifecycle, c.Changes)
	}
}

func TestHCMLoginPolicies(t *testing.T) {
	w := hcmatom.Person{PersonNumber: "1", Name: "Doe, Jane", WorkEmail: "jane.doe@acme.example", Attributes: map[string]string{"UserName": "JDOE"}}
	for _, c := range []struct {
		name string
		m    HCM
		want map[string]string
	}{
		{"default: the user name", HCM{}, map[string]string{"cmo": "JDOE", "csf": "JDOE", "ohris": "JDOE"}},
		{"the e-mail's local part", HCM{Login: LoginFromEmail}, map[string]string{"cmo": "jane.doe", "csf": "jane.doe", "ohris": "jane.doe"}},
		{"the caller's own, for one system", HCM{Login: func(p *Person) string { return "u" + p.Key }, LoginSystems: []string{"ad"}},
			map[string]string{"ad": "u1"}},
		{"none", HCM{LoginSystems: []string{}}, nil},
	} {
		p, err := c.m.FromWorker(w)
		if err != nil || !cmp.Equal(c.want, p.Logins) {
			t.Errorf("%s: logins %v, %v; want %v", c.name, p.Logins, err, c.want)
		}
	}
	// Without a user name, the default falls back on the e-mail address.
	w.Attributes = nil
	if p, _ := (&HCM{}).FromWorker(w); p.Logins["cmo"] != "jane.doe" {
		t.Errorf("fallback: %v", p.Logins)
	}
}

// With Workstructures, targets receive names; an id no one named is not
// given, and is reported with the person and the field.
func TestHCMWorkstructureNames(t *testing.T) {
	w := hcmatom.Person{PersonNumber: "966169008890736", Name: "Green, Joe", WorkRelationships: []hcmatom.WorkRelationship{{
		PeriodOfServiceID: "W1", Primary: true, PeriodType: "E", WorkerType: "EMP", LegalEntityID: "300100037600002",
		Assignments: []hcmatom.Assignment{{AssignmentID: "A1", Primary: true, BusinessUnitID: "300100032736497",
			OrganizationID: "300100037658514", PositionID: "300100037658162", JobID: "300100037637824"}}}}}
	ws := hcmatom.NewWorkstructures()
	ws.Set(hcmatom.Organization, "300100037658514", "Finance")
	ws.Set(hcmatom.BusinessUnit, "300100032736497", "US1 Business Unit")
	ws.Set(hcmatom.LegalEmployer, "300100037600002", "Vision Corporation")
	ws.Set(hcmatom.Job, "300100037637824", "Accountant")
	p, err := (&HCM{Workstructures: ws, LoginSystems: []string{}}).FromWorker(w)
	a := p.Assignments[0]
	if a.Department != Some("Finance") || a.BusinessUnit != Some("US1 Business Unit") || a.Entity != Some("Vision Corporation") ||
		a.Job != Some("Accountant") || a.Position.IsSet() {
		t.Errorf("%+v", a)
	}
	if err == nil || err.Error() != "canonical: person 966169008890736: assignments[A1].PositionId: no name known for 300100037658162 (from the workstructures feeds or the extract): not given" {
		t.Errorf("err = %v", err)
	}
}

func TestHCMGender(t *testing.T) {
	for sex, want := range map[string]string{"M": "male", "f": "female", "X": "", "": ""} {
		fromFeeds := hcmatom.Person{PersonNumber: "1", Attributes: map[string]string{"Sex": sex}}
		fromExtract := hcmatom.Person{PersonNumber: "1", WorkRelationships: []hcmatom.WorkRelationship{{
			Assignments: []hcmatom.Assignment{{AssignmentID: "A", Attributes: map[string]string{"Sex": sex}}}}}}
		for _, w := range []hcmatom.Person{fromFeeds, fromExtract} {
			p, _ := (&HCM{LoginSystems: []string{}}).FromWorker(w)
			if got := p.Attributes[AttrGender]; got != want {
				t.Errorf("Sex %q: gender %q, want %q", sex, got, want)
			}
		}
	}
}

// A leaver keeps the assignments of the last work relationship: where they
// last worked, which a target such as oHRis keys its users by.
func TestHCMLeaverKeepsLastAssignments(t *testing.T) {
	w := hcmatom.Person{PersonNumber: "1004", Name: "Evans, David", Terminated: true, ActualTerminationDate: day("2024-02-29"),
		WorkRelationships: []hcmatom.WorkRelationship{
			{PeriodOfServiceID: "W0", Terminated: true, Assignments: []hcmatom.Assignment{{AssignmentID: "A0", OrganizationID: "OLD"}}},
			{PeriodOfServiceID: "W1", Primary: true, Terminated: true, LegalEntityID: "LE1",
				Assignments: []hcmatom.Assignment{{AssignmentID: "A1", Primary: true, AssignmentStatusType: "INACTIVE_PROCESS", OrganizationID: "FIN"}}}}}
	p, _ := (&HCM{LoginSystems: []string{}}).FromWorker(w)
	if len(p.Assignments) != 1 || p.Assignments[0].ID != "A1" || p.Assignments[0].Entity != Some("LE1") || p.Employment.Status != Some(StatusInactive) {
		t.Errorf("assignments %+v, employment %+v", p.Assignments, p.Employment)
	}
}
