package cmo_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

func ExampleClient_ImportUsers() {
	srv, err := cmotest.Start() // a fake tenant; use the tenant's URL in production
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.ImportUsers(context.Background(), []cmo.User{
		{
			LoginName:      "JSmith",
			FirstName:      cmo.Some("John"),
			LastName:       cmo.Some("Smith"),
			Email:          cmo.Some("john.smith@example.com"),
			UserRole:       cmo.Some("Super User"),
			EmailReminders: cmo.Some(true),
			Assignments:    cmo.Some([]cmo.Assignment{{UserRole: "Super User", OrgUnit: "QLD"}}),
		},
		{
			LoginName:   "MJones",
			FirstName:   cmo.Some("Mary"),
			LastName:    cmo.Some("Jones"),
			Assignments: cmo.Some([]cmo.Assignment{{UserRole: "Super User", OrgUnit: "NSW"}}),
		},
	})
	fmt.Println(res.Outcome, "- imported", res.Imported, "of", res.Total)
	for _, r := range res.Records {
		fmt.Println(r.Key, r.Status, r.Messages)
	}
	fmt.Println(errors.Is(err, cmo.ErrImportFailed), errors.Is(err, cmo.ErrOrgUnitNotFound))
	// Output:
	// Partially completed - imported 1 of 2
	// JSmith saved []
	// MJones failed [Org Unit not found: NSW]
	// true true
}

// UpdateUsers changes users that exist: only the fields given are sent, and
// CMO leaves the others as they are. Here a leaver is deactivated.
func ExampleClient_UpdateUsers() {
	srv, err := cmotest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.ImportUsers(ctx, []cmo.User{{LoginName: "JSmith", FirstName: cmo.Some("John"), LastName: cmo.Some("Smith")}}); err != nil {
		log.Fatal(err)
	}
	res, err := c.UpdateUsers(ctx, []cmo.User{{
		LoginName:         "JSmith",
		DeactivationStart: cmo.Some(cmo.Date{Year: 2025, Month: time.June, Day: 30}),
	}})
	if err != nil {
		log.Fatal(err)
	}
	u, _ := srv.User("JSmith")
	fmt.Println(res.Records[0].Status, u.Fields["FirstName"], u.Fields["DeactivationStart"])
	// Output:
	// updated John 30.06.2025
}

func ExampleClient_ImportOrgUnits() {
	srv, err := cmotest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.ImportOrgUnits(context.Background(), []cmo.OrgUnit{
		{OrgName: "Brisbane", OrgType: cmo.Some("Office"), OrgParentName: cmo.Some("QLD"), City: cmo.Some("Brisbane")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Records[0].Key, res.Records[0].Status)
	// Output:
	// Brisbane saved
}

func ExampleClient_ImportEntities() {
	srv, err := cmotest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP(),
		// The seed does not name the entities operation: read it from the
		// tenant's WSDL. This is the default.
		cmo.WithEntitiesOperation(cmo.OpAsyncAuditeesImport))
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.ImportEntities(context.Background(), []cmo.Entity{
		{EntityName: "Eastern Village", EntityType: cmo.Some("Site"), OrgUnit: cmo.Some("QLD")},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Records[0].Key, res.Records[0].Status)
	// Output:
	// Eastern Village saved
}

func ExampleClient_ExportUsers() {
	srv, err := cmotest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	for _, login := range []string{"ann", "bob", "cy"} {
		srv.PutUser(cmotest.User{LoginName: login, Fields: map[string]string{"FirstName": login, "LastName": "X"}})
	}
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	// Every user modified in the last day, two per page.
	q := cmo.ExportQuery{From: srv.Now().Add(-24 * time.Hour), PerPage: 2}
	for u, err := range c.ExportUsers(context.Background(), q) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.LoginName, u.FirstName)
	}
	// Output:
	// ann ann
	// bob bob
	// cy cy
}

// ExportUsersPage reads the export one page at a time, for a job that
// stores where it got to (Next) and resumes from there.
func ExampleClient_ExportUsersPage() {
	srv, err := cmotest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	for _, login := range []string{"ann", "bob", "cy"} {
		srv.PutUser(cmotest.User{LoginName: login, Fields: map[string]string{"FirstName": login, "LastName": "X"}})
	}
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(srv.Username, srv.Password), cmo.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	next := "" // the first page; a resumed job starts from its stored Next
	for {
		p, err := c.ExportUsersPage(context.Background(), cmo.ExportQuery{PerPage: 2}, next)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("a page of %d, next %q\n", len(p.Items), p.Next)
		if p.Next == "" {
			break
		}
		next = p.Next // store it: the checkpoint
	}
	// Output:
	// a page of 2, next "2"
	// a page of 1, next ""
}

// The fake over HTTPS: the client trusts its CA with WithRootCAs, as it
// would trust a company's own.
func ExampleWithRootCAs() {
	srv, err := cmotest.Start(cmotest.WithTLS(), cmotest.WithLogin("hr-sync", "an0ther-secret"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(srv.Username, srv.Password), cmo.WithRootCAs(srv.RootCAs()))
	if err != nil {
		log.Fatal(err)
	}
	res, err := c.ImportUsers(context.Background(), []cmo.User{{LoginName: "JSmith", FirstName: cmo.Some("John"), LastName: cmo.Some("Smith")}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Records[0].Key, res.Records[0].Status)
	// Output:
	// JSmith saved
}

func ExampleValidationError() {
	srv, err := cmotest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.ImportUsers(context.Background(), []cmo.User{
		{LoginName: "JSmith", FirstName: cmo.Some("John")},
		{LoginName: "MJones", FirstName: cmo.Some("Mary"), LastName: cmo.Some("Jones"), UserGroups: cmo.Some([]string{"Admins,Auditors"})},
	})
	var ve *cmo.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Println(p)
		}
	}
	// Output:
	// user "JSmith" (#0): LastName: required: CMO refuses to create a user without it (use UpdateUsers for users that exist)
	// user "MJones" (#1): UserGroup[0]: "Admins,Auditors" holds a comma, the list separator
}
