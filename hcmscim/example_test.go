package hcmscim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"

	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

// startFake starts a fake with Joe and Mary, as in Oracle's guide, and a
// client for it.
func startFake() (*hcmscimtest.Server, *hcmscim.Client) {
	srv, err := hcmscimtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range []struct{ user, given, family, number string }{
		{"JGREEN", "Joe", "Green", "966169008890736"},
		{"MKING", "Mary", "King", "966169008890236"},
	} {
		srv.AddUser(hcmscim.User{UserName: p.user, Name: hcmscim.Name{GivenName: p.given, FamilyName: p.family},
			FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: p.number}}})
	}
	srv.AddRole(hcmscim.Role{Name: "ORA_PER_EMPLOYEE_ABSTRACT", DisplayName: "Employee"})
	srv.AddRole(hcmscim.Role{Name: "ORA_PER_LINE_MANAGER_ABSTRACT", DisplayName: "Line Manager"})
	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		log.Fatal(err)
	}
	return srv, c
}

// The write-back of Oracle's guide: find the users of two new hires by
// person number, then set their user names and work e-mails and grant Mary
// the manager role in one Bulk call.
func Example() {
	srv, c := startFake()
	defer srv.Close()
	ctx := context.Background()

	users, missing, err := c.LookupPersonNumbers(ctx, []string{"966169008890736", "966169008890236", "966169000000000"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("not in HCM:", missing)
	joe, mary := users["966169008890736"], users["966169008890236"]
	manager, err := c.FindRole(ctx, "ORA_PER_LINE_MANAGER_ABSTRACT")
	if err != nil {
		log.Fatal(err)
	}
	results, err := c.Bulk(ctx, []hcmscim.BulkOp{
		hcmscim.PatchUserOp("joe", joe.ID, hcmscim.UserPatch{UserName: hcmscim.Some("Joe.Green"),
			Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("joe.green@mail.com")})}),
		hcmscim.PatchUserOp("mary", mary.ID, hcmscim.UserPatch{UserName: hcmscim.Some("Mary.King"),
			Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("mary.king@mail.com")})}),
		hcmscim.AddRoleMembersOp("mary-manager", manager.ID, mary.ID),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		fmt.Println(r.BulkID, r.Status)
	}
	u, _ := c.GetUser(ctx, mary.ID)
	fmt.Println(u.UserName, u.Emails[0].Value, len(u.Roles), "role")
	// Output:
	// not in HCM: [966169000000000]
	// joe 200
	// mary 200
	// mary-manager 200
	// Mary.King mary.king@mail.com 1 role
}

// Oracle answers a Bulk request 200 even when an operation in it failed;
// each result says how its operation went.
func ExampleClient_Bulk() {
	srv, c := startFake()
	defer srv.Close()
	// Make the e-mail operation fail as in Oracle's guide.
	srv.FailBulk(hcmscimtest.BulkFailure{
		Match:       func(op hcmscimtest.BulkOperation) bool { return bytes.Contains(op.Data, []byte(`"emails"`)) },
		Status:      500,
		Description: "PER_IIP_2410-Error occured while updating MasteredIn Flag",
	})
	joe := srv.Users()[0]
	results, err := c.Bulk(context.Background(), []hcmscim.BulkOp{
		hcmscim.PatchUserOp("clientBulkId1", joe.ID, hcmscim.UserPatch{UserName: hcmscim.Some("Joe.Green")}),
		hcmscim.PatchUserOp("clientBulkId1", joe.ID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("joe.green@mail.com")})}),
	})
	for _, r := range results {
		var ae *hcmscim.APIError
		if errors.As(r.Err, &ae) {
			fmt.Printf("operation %d failed: %d %s\n", r.Index+1, ae.StatusCode, ae.Code)
		} else {
			fmt.Printf("operation %d: %d\n", r.Index+1, r.Status)
		}
	}
	fmt.Println(errors.Is(err, hcmscim.ErrUnavailable))
	// Output:
	// operation 1: 200
	// operation 2 failed: 500 PER_IIP_2410
	// true
}

// Values are escaped: a person number cannot change what a filter means.
func ExampleEq() {
	fmt.Println(hcmscim.Or(hcmscim.Eq("personNumber", "966169008890736"), hcmscim.Eq("personNumber", `" or 1 eq 1`)))
	fmt.Println(hcmscim.And(hcmscim.Or(hcmscim.Sw("userName", "J"), hcmscim.Sw("userName", "M")), hcmscim.Not(hcmscim.Present("emails"))))
	// Output:
	// personNumber eq "966169008890736" or personNumber eq "\" or 1 eq 1"
	// (userName sw "J" or userName sw "M") and not (emails pr)
}

// Users yields every user a filter selects, fetching pages as the loop asks.
func ExampleClient_Users() {
	srv, c := startFake()
	defer srv.Close()
	for u, err := range c.Users(context.Background(), hcmscim.Query{Filter: hcmscim.Sw("name.familyName", "K"), Count: 50}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(u.UserName, u.FA.WorkerInformation.PersonNumber)
	}
	// Output:
	// MKING 966169008890236
}

// Granting and taking away a role.
func ExampleClient_AddRoleMembers() {
	srv, c := startFake()
	defer srv.Close()
	ctx := context.Background()
	role, err := c.FindRole(ctx, "ORA_PER_EMPLOYEE_ABSTRACT")
	if err != nil {
		log.Fatal(err)
	}
	joe := srv.Users()[0]
	if err := c.AddRoleMembers(ctx, role.ID, joe.ID); err != nil {
		log.Fatal(err)
	}
	role, _ = c.GetRole(ctx, role.ID)
	fmt.Println(len(role.Members), "member")
	if err := c.RemoveRoleMembers(ctx, role.ID, joe.ID); err != nil {
		log.Fatal(err)
	}
	role, _ = c.GetRole(ctx, role.ID)
	fmt.Println(len(role.Members), "members")
	// Output:
	// 1 member
	// 0 members
}

// UsersPage reads one page at a time, for a job that stores where it is
// between pages: Next is "" after the last page.
func ExampleClient_UsersPage() {
	srv, c := startFake()
	defer srv.Close()
	ctx := context.Background()
	next := "" // or the Next a previous run stored
	for {
		page, err := c.UsersPage(ctx, hcmscim.Query{Count: 1}, next)
		if err != nil {
			log.Fatal(err)
		}
		for _, u := range page.Items {
			fmt.Println(u.UserName)
		}
		if page.Next == "" {
			break
		}
		next = page.Next
	}
	// Output:
	// JGREEN
	// MKING
}

// A bearer token from the caller's own OAuth flow, or a static one.
func ExampleWithTokenSource() {
	srv, err := hcmscimtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ts := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: srv.Token})
	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithTokenSource(ts))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.UsersPage(context.Background(), hcmscim.Query{}, ""); err != nil {
		log.Fatal(err)
	}
	// A token the server refuses: its own words stay, the token does not.
	stale := oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "expired-Token.0123"})
	c, _ = hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithTokenSource(stale))
	_, err = c.UsersPage(context.Background(), hcmscim.Query{}, "")
	fmt.Println(errors.Is(err, hcmscim.ErrUnauthorized))
	var ae *hcmscim.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.StatusCode, ae.Message)
	}
	// Output:
	// true
	// 401 Invalid bearer token
}
