// Command sagepeople runs the Sage People user integration of its seed
// document against the fake org of sagepeopletest: it signs in with the
// JWT bearer flow, reads the team members of the EMEA region with their
// current employment and manager, plans what a target holding last week's
// accounts must do under the integration's preferences (update only; the
// e-mail address as the sync key; a role for new accounts), and then reads
// only the team members changed since, as a daily schedule would.
//
//	go run ./examples/sagepeople
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	// The org's clock, moved on by the example (a minute at most, as a real
	// org's clock is close to ours).
	var clock atomic.Int64
	clock.Store(time.Now().Add(-50 * time.Second).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	srv, err := sagepeopletest.Start(sagepeopletest.WithClock(now))
	if err != nil {
		return err
	}
	defer srv.Close()
	ada := srv.AddTeamMember(sagepeople.TeamMember{FullName: "Ada Byron", FirstName: "Ada", LastName: "Byron",
		Email: "ada@acme.example", JobTitle: "Head of Analysis", Department: "Analysis", EmploymentStatus: "Current",
		Address:    sagepeople.Address{City: "London", Region: "EMEA", Country: "United Kingdom"},
		Employment: &sagepeople.Employment{Name: "EMP-0001", Active: true, Start: sagepeople.Date{Year: 2019, Month: 9, Day: 2}}})
	alan := srv.AddTeamMember(sagepeople.TeamMember{FullName: "Alan Turing", FirstName: "Alan", LastName: "Turing",
		Email: "alan@acme.example", JobTitle: "Analyst", Department: "Analysis", EmploymentStatus: "Current",
		Address:    sagepeople.Address{City: "Manchester", Region: "EMEA", Country: "United Kingdom"},
		Manager:    &sagepeople.Manager{ID: ada},
		Employment: &sagepeople.Employment{Name: "EMP-0002", Active: true, Start: sagepeople.Date{Year: 2021, Month: 1, Day: 4}}})
	srv.AddTeamMember(sagepeople.TeamMember{FullName: "Grace Hopper", FirstName: "Grace", LastName: "Hopper",
		Email: "grace@acme.example", JobTitle: "Engineer", Department: "Engineering", EmploymentStatus: "Current",
		Address:    sagepeople.Address{City: "New York", Region: "AMER", Country: "United States"},
		Employment: &sagepeople.Employment{Name: "EMP-0003", Active: true, Start: sagepeople.Date{Year: 2022, Month: 5, Day: 1}}})

	// With a real org: sagepeople.NewClient("https://login.salesforce.com",
	// sagepeople.WithJWTBearer(consumerKey, user, sagepeople.LoginAudience, key)).
	c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(),
		sagepeople.WithJWTBearer(srv.ClientID, srv.Username, sagepeople.LoginAudience, srv.Key))
	if err != nil {
		return err
	}
	q := sagepeople.Query{Where: sagepeople.Eq("fHCM2__Home_Address_Region__c", "EMEA"), OrderBy: []string{"Name"}}
	fmt.Println("Team members in EMEA:")
	for m, err := range c.TeamMembers(ctx, q) {
		if err != nil {
			return err
		}
		fmt.Printf("  %-12s %-18s %-17s started %s", m.FullName, m.Email, m.JobTitle, m.Employment.Start)
		if m.Manager != nil {
			fmt.Printf(", reports to %s", m.Manager.Name)
		}
		fmt.Println()
	}

	// The preferences of the seed: update only, e-mail as the sync key, a
	// role for created accounts, only some regions.
	runDate := sagepeople.DateOf(now())
	mapping := canonical.SagePeople{RunDate: runDate}
	people, err := mapping.FromTeamMembers(c.TeamMembers(ctx, sagepeople.Query{}))
	if err != nil {
		return err
	}
	lastWeek := []canonical.Person{{Key: "acct-1", Emails: []canonical.Email{{Type: "work", Address: "ADA@acme.example"}},
		Name: canonical.Name{Display: canonical.Some("Ada Byron")}, Employment: canonical.Employment{Status: canonical.Some(canonical.StatusActive)},
		Assignments: []canonical.Assignment{{ID: "EMP-0001", Primary: canonical.Some(true), Job: canonical.Some("Analyst")}}}}
	prefs := canonical.Preferences{Mode: canonical.UpdateOnly, Role: "Employee",
		Filters: []canonical.Filter{{Field: "attributes[" + canonical.AttrSageRegion + "]", Values: []string{"EMEA"}}}}
	plan, err := prefs.Plan(people, lastWeek, canonical.Policy{RunDate: runDate})
	if err != nil {
		return err
	}
	fmt.Printf("\nUnder %q, the target gets:\n%s", prefs.Mode, plan.Plan)
	for _, a := range plan.Skipped {
		fmt.Printf("  skipped (%s): %s %s\n", prefs.Mode, a.Op, a.Key)
	}
	fmt.Printf("  out of scope (filters): %v\n", plan.OutOfScope)

	// The daily run: only what changed since the stored cursor.
	dir, err := os.MkdirTemp("", "sagepeople-example")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	sync := &sagepeople.Sync{Client: c, Store: sagepeople.NewFileStore(filepath.Join(dir, "cursor.json")),
		Lag: 10 * time.Second, Now: now}
	clock.Add(int64(20 * time.Second))
	st, err := sync.Run(ctx, func(context.Context, sagepeople.TeamMember) error { return nil })
	if err != nil {
		return err
	}
	fmt.Printf("\nFirst incremental run: %d team members (everyone).\n", st.Members)
	if err := srv.Update(alan, sagepeopletest.Record{"fHCM2__Job_Title__c": "Senior Analyst"}); err != nil {
		return err
	}
	clock.Add(int64(20 * time.Second))
	fmt.Println("Next run, after Alan's promotion:")
	_, err = sync.Run(ctx, func(_ context.Context, m sagepeople.TeamMember) error {
		fmt.Printf("  changed: %s, now %s\n", m.FullName, m.JobTitle)
		return nil
	})
	return err
}
