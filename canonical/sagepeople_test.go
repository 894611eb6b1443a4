package canonical

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

func TestSagePeopleFromTeamMember(t *testing.T) {
	m := SagePeople{RunDate: day("2026-06-01")}
	tm := sagepeople.TeamMember{ID: "a0T1", UniqueID: "E1", FullName: "Alan Turing", FirstName: "Alan", LastName: "Turing",
		Email: "alan@acme.example", JobTitle: "Engineer", Department: "R&D", WorkLocation: "Leeds",
		Address:          sagepeople.Address{Line1: "1 High St", City: "Leeds", Region: "EMEA", PostalCode: "LS1", Country: "UK"},
		EmploymentStatus: "Current",
		Employment:       &sagepeople.Employment{Name: "EMP-1", Active: true, Start: day("2024-03-01")},
		Manager:          &sagepeople.Manager{ID: "a0T0", Email: "ada@acme.example"},
		Custom:           map[string]string{"Badge__c": "42"},
	}
	want := Person{
		Key:        "a0T1",
		Name:       Name{Given: Some("Alan"), Family: Some("Turing"), Display: Some("Alan Turing")},
		UserName:   Some("alan@acme.example"),
		Emails:     []Email{{Type: "work", Address: "alan@acme.example", Primary: true}},
		Managers:   []string{"a0T0"},
		Employment: Employment{Status: Some(StatusActive), Start: Some(day("2024-03-01")), End: Some(Date{})},
		Assignments: []Assignment{{ID: "EMP-1", Primary: Some(true), Department: Some("R&D"), Location: Some("Leeds"),
			Job: Some("Engineer"), Roles: []string{}}},
		Attributes: map[string]string{AttrSageUniqueID: "E1", AttrSageStatus: "Current", AttrSageAddressLine1: "1 High St",
			AttrSageCity: "Leeds", AttrSageRegion: "EMEA", AttrSagePostalCode: "LS1", AttrSageCountry: "UK",
			AttrSageManagerEmail: "ada@acme.example", "sagepeople.Badge__c": "42"},
	}
	if diff := cmp.Diff(want, m.FromTeamMember(tm), exportOpt); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, tc := range []struct {
		name string
		edit func(*sagepeople.TeamMember)
		want Employment
	}{
		{"future start", func(tm *sagepeople.TeamMember) { tm.Employment.Start = day("2026-07-01") },
			Employment{Status: Some(StatusPending), Start: Some(day("2026-07-01")), End: Some(Date{})}},
		{"inactive employment", func(tm *sagepeople.TeamMember) {
			tm.Employment.Active, tm.Employment.End = false, day("2025-12-31")
		}, Employment{Status: Some(StatusInactive), Start: Some(day("2024-03-01")), End: Some(day("2025-12-31"))}},
		{"no employment, a leaver", func(tm *sagepeople.TeamMember) { tm.Employment, tm.EmploymentStatus = nil, "Leaver" },
			Employment{Status: Some(StatusInactive)}},
		{"no employment, unknown status", func(tm *sagepeople.TeamMember) { tm.Employment, tm.EmploymentStatus = nil, "" },
			Employment{}},
		{"deleted", func(tm *sagepeople.TeamMember) { tm.Deleted = true },
			Employment{Status: Some(StatusInactive), Start: Some(day("2024-03-01")), End: Some(Date{})}},
	} {
		c := tm
		e := *tm.Employment
		c.Employment = &e
		tc.edit(&c)
		if diff := cmp.Diff(tc.want, m.FromTeamMember(c).Employment, exportOpt); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
	noMail := m.FromTeamMember(sagepeople.TeamMember{ID: "a0T9"})
	if noMail.Emails == nil || len(noMail.Emails) != 0 || noMail.UserName.IsSet() || noMail.Assignments[0].ID != "sagepeople:a0T9" {
		t.Errorf("a member with no e-mail: %+v", noMail)
	}
}

// TestSagePeopleFromTheFake reads a fake org through the client and keeps
// every person, reporting the bad record.
func TestSagePeopleFromTheFake(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	boss := srv.AddTeamMember(sagepeople.TeamMember{FullName: "Ada", Email: "ada@acme.example"})
	srv.AddTeamMember(sagepeople.TeamMember{FullName: "Alan", Email: "alan@acme.example", Manager: &sagepeople.Manager{ID: boss}})
	emp := srv.Insert("fHCM2__Employment__c", sagepeopletest.Record{"fHCM2__Start_Date__c": "tomorrow"})
	srv.Insert("fHCM2__Team_Member__c", sagepeopletest.Record{"Name": "Bad", "fHCM2__Current_Employment__c": emp})
	c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(),
		sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key))
	if err != nil {
		t.Fatal(err)
	}
	m := SagePeople{}
	people, err := m.FromTeamMembers(c.TeamMembers(context.Background(), sagepeople.Query{OrderBy: []string{"Name"}}))
	if !errors.Is(err, sagepeople.ErrBadRecord) || len(people) != 2 {
		t.Fatalf("%d people, %v", len(people), err)
	}
	if people[1].Managers[0] != people[0].Key {
		t.Errorf("Alan's managers %v, want Ada's key %s", people[1].Managers, people[0].Key)
	}
}

// The login policy fills the targets' logins from the e-mail address, and
// a team member without one is reported, not dropped.
func TestSagePeopleLogins(t *testing.T) {
	list := func(yield func(sagepeople.TeamMember, error) bool) {
		_ = yield(sagepeople.TeamMember{ID: "a01", Email: "ada.byron@acme.example"}, nil) &&
			yield(sagepeople.TeamMember{ID: "a02"}, nil)
	}
	people, err := (&SagePeople{}).FromTeamMembers(list)
	if len(people) != 2 || people[0].Logins["cmo"] != "ada.byron" || people[0].Logins["csf"] != "ada.byron" {
		t.Fatalf("people %+v", people)
	}
	if err == nil || !strings.Contains(err.Error(), "team member a02: logins:") {
		t.Errorf("err = %v", err)
	}
}
