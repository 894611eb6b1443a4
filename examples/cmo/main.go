// Command cmo runs the CMO Compliance client against the cmotest fake: it
// imports org units, entities and users (one of which CMO refuses), then
// reads the users back through the export API.
//
//	go run ./examples/cmo
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	srv, err := cmotest.Start(cmotest.WithRoles("Auditor"), cmotest.WithUserGroups("Auditors"))
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := cmo.NewClient(srv.URL,
		cmo.WithLogin(srv.Username, srv.Password),
		cmo.WithInsecureHTTP(), // the fake listens on plain HTTP on loopback
		cmo.WithBatchSize(100),
		cmo.WithProgress(func(done, total int) { fmt.Printf("  (sent %d of %d)\n", done, total) }),
	)
	if err != nil {
		return err
	}

	res, err := c.ImportOrgUnits(ctx, []cmo.OrgUnit{
		{OrgName: "Brisbane", OrgType: cmo.Some("Office"), OrgParentName: cmo.Some("Queensland")},
		{OrgName: "Queensland", OrgType: cmo.Some("Region"), OrgParentName: cmo.Some("QLD")},
	})
	if err != nil {
		return err
	}
	report("org units", res)

	res, err = c.ImportEntities(ctx, []cmo.Entity{{EntityName: "Brisbane Depot", OrgUnit: cmo.Some("Brisbane"), ActiveStatus: cmo.Some("Active")}})
	if err != nil {
		return err
	}
	report("entities", res)

	users := []cmo.User{
		{
			LoginName: "JSmith", FirstName: cmo.Some("John"), LastName: cmo.Some("Smith"),
			Email: cmo.Some("john.smith@example.com"), UserRole: cmo.Some("Super User"),
			UserGroups:  cmo.Some([]string{"Auditors"}),
			Assignments: cmo.Some([]cmo.Assignment{{UserRole: "Auditor", OrgUnit: "Brisbane", Entity: "Brisbane Depot"}}),
		},
		{
			LoginName: "MJones", FirstName: cmo.Some("Mary"), LastName: cmo.Some("Jones"),
			ManagerLoginNames: cmo.Some([]string{"JSmith"}),
			Assignments:       cmo.Some([]cmo.Assignment{{UserRole: "Auditor", OrgUnit: "Perth"}}),
		},
	}
	res, err = c.ImportUsers(ctx, users)
	report("users", res)
	// Judged by what CMO says of each user, not by its outcome word.
	var ie *cmo.ImportError
	switch {
	case errors.As(err, &ie):
		fmt.Println("  not every user was saved:", err)
	case err != nil:
		return err
	}

	// A leaver: only the deactivation date is sent; CMO keeps the rest.
	res, err = c.UpdateUsers(ctx, []cmo.User{{LoginName: "JSmith", DeactivationStart: cmo.Some(cmo.DateOf(time.Now()))}})
	if err != nil {
		return err
	}
	report("deactivation", res)

	fmt.Println("export:")
	for u, err := range c.ExportUsers(ctx, cmo.ExportQuery{PerPage: 300}) {
		if err != nil {
			return err
		}
		fmt.Printf("  %s %s %s, deactivated today: %v\n", u.LoginName, u.FirstName, u.LastName, u.DeactivatedOn(cmo.DateOf(time.Now())))
	}
	return nil
}

func report(what string, res *cmo.ImportResult) {
	fmt.Printf("%s: %s (imported %d of %d)\n", what, res.Outcome, res.Imported, res.Total)
	for _, r := range res.Records {
		fmt.Printf("  %-12s %-8s %v\n", r.Key, r.Status, r.Messages)
	}
}
