// Command csf runs the CSF Identity Manager client against the csftest fake
// over HTTPS: it creates a user (twice, the second time through EnsureUser,
// as after a lost answer), checks a group, reads the users page by page and
// updates them by filter.
//
//	go run ./examples/csf
package main

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	srv, err := csftest.Start(csftest.WithTLS())
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithRootCAs(srv.RootCAs()), csf.WithPageSize(2))
	if err != nil {
		return err
	}
	req := csf.CreateUserRequest{
		UserID: "test1@csf.com", OrganizationID: "Customer-TestCustomer.com", Password: "passw0rd!",
		Properties: csf.Properties{}.Set(csf.PropCompany, "Amazon").Set(csf.PropOtherHomePhone, "111", "222"),
		Groups:     []string{"Developers@Customer-TestCustomer.com"},
	}
	if err := c.CreateUser(ctx, req); err != nil {
		return err
	}
	err = c.CreateUser(ctx, req)
	fmt.Println("create again:", err, "| user exists:", errors.Is(err, csf.ErrUserExists))
	req.Properties = csf.Properties{}.Set(csf.PropCompany, "Amazon1")
	res, err := c.EnsureUser(ctx, req)
	if err != nil {
		return err
	}
	fmt.Printf("ensure: created %v, updated %v\n", res.Created, res.Updated)
	for _, id := range []string{"test2@csf.com", "test3@csf.com"} {
		if err := c.CreateUser(ctx, csf.CreateUserRequest{UserID: id, OrganizationID: "Customer-TestCustomer.com", Password: "passw0rd!"}); err != nil {
			return err
		}
	}
	in, err := c.UserInGroup(ctx, "test1@csf.com", "Developers@Customer-TestCustomer.com")
	if err != nil {
		return err
	}
	fmt.Println("test1 in Developers:", in)
	q := csf.Query{Filter: csf.And(csf.Eq("objectCategory", "person"), csf.HasPrefix("samaccountname", "test")), Properties: []string{"samaccountname", csf.PropCompany}}
	for u, err := range c.ReadUsers(ctx, q) {
		if err != nil {
			return err
		}
		company, _ := u.Properties.Get(csf.PropCompany)
		fmt.Printf("  %s company=%q\n", u.ID, company)
	}
	old, err := c.UpdateUsers(ctx, csf.UpdateUsersRequest{Filter: csf.Not(csf.Eq("samaccountname", "test1")), ReturnExistingValues: true,
		Properties: csf.Properties{}.Set(csf.PropCompany, "Contoso")})
	if err != nil {
		return err
	}
	fmt.Println("updated by filter:", len(old), "users; requests:", len(srv.Requests()), "connections:", srv.Connections())
	return nil
}
