package sagepeople_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// newClient returns a client of srv authenticated with the JWT bearer flow.
func newClient(t testing.TB, srv *sagepeopletest.Server, opts ...sagepeople.Option) *sagepeople.Client {
	t.Helper()
	opts = append([]sagepeople.Option{sagepeople.WithInsecureHTTP(), sagepeople.WithRetry(2, 10*time.Millisecond),
		sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key),
		sagepeople.WithBulkPoll(time.Millisecond, 5*time.Millisecond)}, opts...)
	c, err := sagepeople.NewClient(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// member returns the i-th team member of a made-up company: member 0
// manages the others.
func member(i int) sagepeople.TeamMember {
	m := sagepeople.TeamMember{
		ID:        fmt.Sprintf("a0T%015d", 1000+i),
		UniqueID:  fmt.Sprintf("E%04d", i),
		FullName:  fmt.Sprintf("First%d Last%d", i, i),
		FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i),
		Email:    fmt.Sprintf("person%d@acme.example", i),
		JobTitle: "Engineer", Department: "R&D",
		Address:          sagepeople.Address{Line1: fmt.Sprintf("%d High Street", i), City: "Leeds", Region: "EMEA", PostalCode: "LS1 1AA", Country: "United Kingdom"},
		WorkLocation:     "Leeds Office",
		EmploymentStatus: "Current",
		Employment:       &sagepeople.Employment{Name: fmt.Sprintf("EMP-%04d", i), Active: true, Start: sagepeople.Date{Year: 2020, Month: 1, Day: 1 + i%28}},
	}
	if i > 0 {
		m.Manager = &sagepeople.Manager{ID: fmt.Sprintf("a0T%015d", 1000)}
	}
	return m
}

// fill adds n members to srv and returns them as the client reads them.
func fill(srv *sagepeopletest.Server, n int) []sagepeople.TeamMember {
	out := make([]sagepeople.TeamMember, n)
	for i := range n {
		out[i] = member(i)
		srv.AddTeamMember(out[i])
		if out[i].Manager != nil {
			m0 := member(0)
			out[i].Manager.UniqueID, out[i].Manager.Email, out[i].Manager.Name = m0.UniqueID, m0.Email, m0.FullName
		}
	}
	return out
}

// collect ranges over a list, failing the test on an error.
func collect(t *testing.T, c *sagepeople.Client, q sagepeople.Query) []sagepeople.TeamMember {
	t.Helper()
	var out []sagepeople.TeamMember
	for m, err := range c.TeamMembers(context.Background(), q) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
