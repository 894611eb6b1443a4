package csf_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

func Example() {
	srv, err := csftest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c, err := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	err = c.CreateUser(ctx, csf.CreateUserRequest{
		UserID:         "test1@csf.com",
		OrganizationID: "Customer-TestCustomer.com",
		Password:       "passw0rd!",
		Properties:     csf.Properties{}.Set(csf.PropCompany, "Amazon"),
		Groups:         []string{"Developers@Customer-TestCustomer.com"},
	})
	fmt.Println("created:", err == nil)
	err = c.CreateUser(ctx, csf.CreateUserRequest{UserID: "test1@csf.com", OrganizationID: "Customer-TestCustomer.com", Password: "x"})
	fmt.Println("again:", errors.Is(err, csf.ErrUserExists), errors.Is(err, csf.ErrConflict))
	u, err := c.ReadUser(ctx, "test1@csf.com", csf.PropCompany)
	if err != nil {
		log.Fatal(err)
	}
	company, _ := u.Properties.Get(csf.PropCompany)
	fmt.Println("company:", company)
	// Output:
	// created: true
	// again: true true
	// company: Amazon
}

func ExampleClient_ReadUsers() {
	srv, err := csftest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	for _, id := range []string{"testmonkey1@csf.com", "testmonkey2@csf.com", "boss@csf.com"} {
		srv.PutUser(csftest.User{ID: id, Organization: "MyTestOrg.com"})
	}
	c, err := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP(), csf.WithPageSize(1))
	if err != nil {
		log.Fatal(err)
	}
	q := csf.Query{
		Organization: "MyTestOrg.com",
		Scope:        csf.ScopeSingleLevel,
		Filter:       csf.And(csf.Eq("objectCategory", "person"), csf.HasPrefix("samaccountname", "testmonkey")),
		Properties:   []string{csf.PropSAMAccountName},
	}
	for u, err := range c.ReadUsers(context.Background(), q) {
		if err != nil {
			log.Fatal(err)
		}
		name, _ := u.Properties.Get(csf.PropSAMAccountName)
		fmt.Println(u.ID, name)
	}
	fmt.Println(q.Filter)
	// Output:
	// testmonkey1@csf.com testmonkey1
	// testmonkey2@csf.com testmonkey2
	// (&(objectCategory=person)(samaccountname=testmonkey*))
}

func ExampleClient_EnsureUser() {
	srv, err := csftest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, err := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	req := csf.CreateUserRequest{UserID: "jdoe@csf.com", OrganizationID: "MyTestOrg.com", Password: "Initial-1",
		Properties: csf.Properties{}.Set(csf.PropDisplayName, "Jane Doe")}
	for range 2 {
		res, err := c.EnsureUser(context.Background(), req)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("created %v, updated %v\n", res.Created, res.Updated)
		req.Properties = csf.Properties{}.Set(csf.PropDisplayName, "Jane Smith")
	}
	// Output:
	// created true, updated []
	// created false, updated [displayname]
}

func ExampleClient_UpdateUsers() {
	srv, err := csftest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.PutUser(csftest.User{ID: "testmonkey2@csf.com", Organization: "MyTestOrg.com",
		Properties: csf.Properties{{Name: csf.PropOtherHomePhone, Values: []string{"000"}}}})
	c, err := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	old, err := c.UpdateUsers(context.Background(), csf.UpdateUsersRequest{
		Filter:               csf.Eq(csf.PropSAMAccountName, "testmonkey2"),
		Properties:           csf.Properties{}.Append(csf.PropOtherHomePhone, "111", "222"),
		ReturnExistingValues: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	now, _ := srv.User("testmonkey2@csf.com")
	fmt.Println(old[0].Properties.Values(csf.PropOtherHomePhone), now.Properties.Values(csf.PropOtherHomePhone))
	// Output:
	// [000] [000 111 222]
}
