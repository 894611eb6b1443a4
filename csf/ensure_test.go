package csf_test

import (
	"slices"
	"testing"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

// TestEnsureUserAfterLostAnswer: a CreateUser whose answer is lost (the
// connection drops after the server acted) and that the caller retries gets
// 30008; EnsureUser makes the retry harmless, and a re-run changes nothing.
func TestEnsureUserAfterLostAnswer(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv)
	req := csf.CreateUserRequest{UserID: "j@csf.com", OrganizationID: "MyTestOrg.com", Password: "pw-1234",
		Properties: csf.Properties{}.Set(csf.PropCompany, "Acme").Set(csf.PropOtherHomePhone, "1", "2")}
	srv.Faults.Push(csftest.Fault{Truncate: true, Keep: 1})
	if err := c.CreateUser(t.Context(), req); err == nil {
		t.Fatal("the lost answer was not an error")
	}
	if _, ok := srv.User("j@csf.com"); !ok {
		t.Fatal("the server did not act")
	}
	req.Properties = csf.Properties{}.Set(csf.PropCompany, "Acme Corp").Set(csf.PropOtherHomePhone, "2", "1")
	res, err := c.EnsureUser(t.Context(), req)
	if err != nil || res.Created || !slices.Equal(res.Updated, []string{csf.PropCompany}) {
		t.Fatalf("EnsureUser = %+v, %v", res, err)
	}
	if u, _ := srv.User("j@csf.com"); u.Properties.Values(csf.PropCompany)[0] != "Acme Corp" {
		t.Errorf("company = %v", u.Properties)
	}
	before := len(srv.Requests())
	res, err = c.EnsureUser(t.Context(), req)
	if err != nil || res.Created || len(res.Updated) != 0 {
		t.Errorf("re-run = %+v, %v", res, err)
	}
	if n := len(srv.Requests()) - before; n != 2 { // CreateUser (30008) and ReadUser
		t.Errorf("re-run sent %d requests", n)
	}
	req.Groups = []string{"AllUsers@Customer-TestCustomer.com"}
	res, err = c.EnsureUser(t.Context(), req)
	if err != nil || !slices.Equal(res.MissingGroups, req.Groups) {
		t.Errorf("missing group: %+v, %v", res, err)
	}
	res, err = c.EnsureUser(t.Context(), csf.CreateUserRequest{UserID: "k@csf.com", OrganizationID: "MyTestOrg.com", Password: "pw"})
	if err != nil || !res.Created {
		t.Errorf("new user: %+v, %v", res, err)
	}
}
