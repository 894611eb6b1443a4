// Command hcmscim runs the write-back of Oracle's integration guide
// ("Updating HCM") against the fake SCIM server of hcmscimtest: it finds the
// users of new hires by person number, sets their user names and work
// e-mails and grants a role in one Bulk call, and shows how an operation
// that Oracle fails inside a 200 answer is reported.
//
//	go run ./examples/hcmscim
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	srv, err := hcmscimtest.Start()
	if err != nil {
		return err
	}
	defer srv.Close()
	// HCM's side: the two joiners of the guide and the roles of the policy.
	srv.AddUser(hcmscim.User{UserName: "JGREEN", FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: "966169008890736"}}})
	srv.AddUser(hcmscim.User{UserName: "MKING", FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: "966169008890236"}}})
	srv.AddRole(hcmscim.Role{Name: "ORA_PER_LINE_MANAGER_ABSTRACT", DisplayName: "Line Manager"})
	// Oracle's example failure, on Mary's e-mail.
	srv.FailBulk(hcmscimtest.BulkFailure{
		Match:       func(op hcmscimtest.BulkOperation) bool { return bytes.Contains(op.Data, []byte("mary.king@mail.com")) },
		Description: "PER_IIP_2410-Error occured while updating MasteredIn Flag",
	})

	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		return err
	}
	users, missing, err := c.LookupPersonNumbers(ctx, []string{"966169008890736", "966169008890236"})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("no HCM user for person numbers %v", missing)
	}
	role, err := c.FindRole(ctx, "ORA_PER_LINE_MANAGER_ABSTRACT")
	if err != nil {
		return err
	}
	joe, mary := users["966169008890736"], users["966169008890236"]
	results, err := c.Bulk(ctx, []hcmscim.BulkOp{
		hcmscim.PatchUserOp("joe-name", joe.ID, hcmscim.UserPatch{UserName: hcmscim.Some("Joe.Green")}),
		hcmscim.PatchUserOp("joe-mail", joe.ID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("joe.green@mail.com")})}),
		hcmscim.PatchUserOp("mary-name", mary.ID, hcmscim.UserPatch{UserName: hcmscim.Some("Mary.King")}),
		hcmscim.PatchUserOp("mary-mail", mary.ID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("mary.king@mail.com")})}),
		hcmscim.AddRoleMembersOp("mary-manager", role.ID, mary.ID),
	})
	for _, r := range results {
		if r.Err != nil {
			fmt.Printf("%-13s FAILED %v\n", r.BulkID, r.Err)
			continue
		}
		fmt.Printf("%-13s %d %s %s\n", r.BulkID, r.Status, r.Method, r.Path)
	}
	var be *hcmscim.BulkError
	if errors.As(err, &be) {
		fmt.Printf("%d of %d operations to retry or report\n", len(be.Failed), be.Total)
		return nil
	}
	return err
}
