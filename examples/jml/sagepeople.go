package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// sagePeoplePersons reads every team member of srv, a started Sage People
// fake, as persons (canonical.SagePeople, keyed by team member Id): the
// HR picture of a run whose source is Sage People rather than HCM. The
// client signs in with the JWT bearer flow, as it would with a real org.
// A record that cannot be read is an error (with the others' persons).
func sagePeoplePersons(ctx context.Context, srv *sagepeopletest.Server, runDate canonical.Date) ([]canonical.Person, error) {
	c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(),
		sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key))
	if err != nil {
		return nil, err
	}
	mapping := canonical.SagePeople{RunDate: runDate, Login: login}
	return mapping.FromTeamMembers(c.TeamMembers(ctx, sagepeople.Query{OrderBy: []string{"Id"}}))
}

// employmentObject is Sage People's employment record.
const employmentObject = "fHCM2__Employment__c"

// sage is the run's source with -source sagepeople: the same company as
// team members of a Sage People org (a fake), keyed by their record Ids,
// read whole through the REST query each day. HR's day is entered in the
// org: Mary and Joe join, Ines gets a new employment record, Claire moves
// to Sales, David's employment ends, Emma changes her name.
type sage struct {
	srv *sagepeopletest.Server
	ids map[string]string // person number → team member Id
}

func startSagePeople() (*sage, error) {
	srv, err := sagepeopletest.Start()
	if err != nil {
		return nil, err
	}
	s := &sage{srv: srv, ids: map[string]string{}}
	for _, w := range staff {
		s.add(w.number, w.name, w.login+"@acme.example", w.org, w.manager, w.start, w.left)
	}
	return s, nil
}

func (s *sage) Close() { s.srv.Close() }

// add enters a team member with an employment record.
func (s *sage) add(number, name, email, org, manager string, start, left canonical.Date) {
	family, given, _ := strings.Cut(name, ", ")
	m := sagepeople.TeamMember{ID: fmt.Sprintf("a0T%015d", len(s.ids)+1), UniqueID: number, FullName: given + " " + family,
		FirstName: given, LastName: family, Email: email, Department: orgName(org), WorkLocation: "Lyon",
		Employment: &sagepeople.Employment{Name: "EMP-" + number, Active: left.IsZero(), Start: start, End: left}}
	if manager != "" {
		m.Manager = &sagepeople.Manager{ID: s.ids[manager]}
	}
	s.ids[number] = s.srv.AddTeamMember(m)
}

// employ gives team member number a new current employment record.
func (s *sage) employ(number string, active bool, start, end canonical.Date) error {
	f := sagepeople.DefaultFields()
	rec := sagepeopletest.Record{"Name": "EMP-" + number + "-" + start.String(), f.EmploymentActive: active, f.StartDate: start,
		"fHCM2__Team_Member__c": s.ids[number]}
	if !end.IsZero() {
		rec[f.EndDate] = end
	}
	eid := s.srv.Insert(employmentObject, rec)
	return s.srv.Update(s.ids[number], sagepeopletest.Record{"fHCM2__Current_Employment__c": eid})
}

func (s *sage) initialSync(ctx context.Context, w io.Writer, day canonical.Date) ([]canonical.Person, error) {
	people, err := sagePeoplePersons(ctx, s.srv, day)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "Sage People (source): %d team members read on %s, over the REST query, signed in with the JWT bearer flow.\n", len(people), day)
	return people, nil
}

func (s *sage) today(ctx context.Context, w io.Writer, runDate canonical.Date) ([]canonical.Person, error) {
	f := sagepeople.DefaultFields()
	for _, hw := range []struct {
		number, name, manager string
	}{{mary.PersonNumber, mary.Name, "1002"}, {joe.PersonNumber, joe.Name, mary.PersonNumber}} {
		s.add(hw.number, hw.name, "", orgFinance, hw.manager, runDate, canonical.Date{})
	}
	for _, err := range []error{
		s.employ("1009", true, runDate, canonical.Date{}),
		s.employ("1004", false, date(2018, 2, 1), runDate.AddDays(-1)),
		s.srv.Update(s.ids["1003"], sagepeopletest.Record{f.Department: "Sales", f.ManagerID: s.ids["1001"]}),
		s.srv.Update(s.ids["1005"], sagepeopletest.Record{f.LastName: "Novak-Hill", "Name": "Emma Novak-Hill"}),
	} {
		if err != nil {
			return nil, err
		}
	}
	people, err := sagePeoplePersons(ctx, s.srv, runDate)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "\nSage People (source): %d team members read on %s.\n", len(people), runDate)
	return people, nil
}

// orgName is the name HR gives the organization id in HCM's feeds.
func orgName(id string) string {
	for _, ws := range workstructures {
		if ws.id == id {
			return ws.name
		}
	}
	return ""
}
