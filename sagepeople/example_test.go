package sagepeople_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

func Example() {
	srv, err := sagepeopletest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	boss := srv.AddTeamMember(sagepeople.TeamMember{FullName: "Ada Byron", FirstName: "Ada", LastName: "Byron",
		Email: "ada@acme.example", Address: sagepeople.Address{Region: "EMEA"}})
	srv.AddTeamMember(sagepeople.TeamMember{FullName: "Alan Turing", FirstName: "Alan", LastName: "Turing",
		Email: "alan@acme.example", Address: sagepeople.Address{Region: "EMEA"}, Manager: &sagepeople.Manager{ID: boss},
		Employment: &sagepeople.Employment{Name: "EMP-0002", Active: true, Start: sagepeople.Date{Year: 2024, Month: 3, Day: 1}}})

	// With a real org: NewClient("https://login.salesforce.com", ...) and
	// the connected app's consumer key, the user and the key whose
	// certificate the app holds.
	c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(),
		sagepeople.WithJWTBearer(srv.ClientID, srv.Username, sagepeople.LoginAudience, srv.Key))
	if err != nil {
		log.Fatal(err)
	}
	q := sagepeople.Query{Where: sagepeople.Eq("fHCM2__Home_Address_Region__c", "EMEA"), OrderBy: []string{"Name"}}
	for m, err := range c.TeamMembers(context.Background(), q) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(m.FullName, " <", m.Email, ">")
		if m.Employment != nil {
			fmt.Print(", started ", m.Employment.Start)
		}
		if m.Manager != nil {
			fmt.Print(", reports to ", m.Manager.Name)
		}
		fmt.Println()
	}
	// Output:
	// Ada Byron <ada@acme.example>
	// Alan Turing <alan@acme.example>, started 2024-03-01, reports to Ada Byron
}

func ExampleSync() {
	// The org's clock, which the example moves on.
	var now atomic.Int64
	now.Store(time.Now().Add(-50 * time.Second).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	later := func(d time.Duration) { now.Add(int64(d)) }

	srv, err := sagepeopletest.Start(sagepeopletest.WithClock(clock))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	id := srv.AddTeamMember(sagepeople.TeamMember{FullName: "Ada Byron", JobTitle: "Analyst"})
	c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(),
		sagepeople.WithJWTBearer(srv.ClientID, srv.Username, sagepeople.LoginAudience, srv.Key))
	if err != nil {
		log.Fatal(err)
	}
	dir, _ := os.MkdirTemp("", "sagepeople")
	defer os.RemoveAll(dir)
	sync := &sagepeople.Sync{Client: c, Store: sagepeople.NewFileStore(filepath.Join(dir, "cursor.json")),
		Lag: 10 * time.Second, Now: clock}
	show := func(_ context.Context, m sagepeople.TeamMember) error {
		fmt.Println(m.FullName, "is", m.JobTitle)
		return nil
	}
	later(20 * time.Second)
	sync.Run(context.Background(), show) // the first run reads everyone
	srv.Update(id, sagepeopletest.Record{"fHCM2__Job_Title__c": "Countess"})
	later(20 * time.Second)
	sync.Run(context.Background(), show) // later runs, only the changes
	sync.Run(context.Background(), show)
	// Output:
	// Ada Byron is Analyst
	// Ada Byron is Countess
}

func ExampleEq() {
	q, err := sagepeople.SOQL{
		Fields: []string{"Id", "Name"},
		Object: sagepeople.TeamMemberObject,
		Where: sagepeople.And(
			sagepeople.In("fHCM2__Home_Address_Region__c", "EMEA", "APAC"),
			sagepeople.Eq("fHCM2__Surname__c", "O'Brien"),
		),
	}.String()
	fmt.Println(q, err)
	// Output:
	// SELECT Id, Name FROM fHCM2__Team_Member__c WHERE (fHCM2__Home_Address_Region__c IN ('EMEA', 'APAC')) AND (fHCM2__Surname__c = 'O\'Brien') <nil>
}
