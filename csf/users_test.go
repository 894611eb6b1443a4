package csf_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

func TestEveryOperation(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv)
	ctx := t.Context()

	create(t, c, "test1@csf.com", csf.Properties{}.Set(csf.PropCompany, "Amazon").Set(csf.PropStreetAddress, "MARKETING Company").
		Set(csf.PropOtherHomePhone, "111", "222"), "AllUsersLO@senthilRooT.com", "Developers@Customer-TestCustomer.com")

	u, err := c.ReadUser(ctx, "test1@csf.com", csf.PropCompany, csf.PropOtherHomePhone)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := u.Properties.Get("COMPANY"); v != "Amazon" || !slices.Equal(u.Properties.Values(csf.PropOtherHomePhone), []string{"111", "222"}) {
		t.Errorf("ReadUser = %+v", u)
	}

	if err := c.UpdateUser(ctx, "test1@csf.com", csf.Properties{}.Set(csf.PropCompany, "Amazon1").Append(csf.PropOtherHomePhone, "333").Clear(csf.PropStreetAddress)); err != nil {
		t.Fatal(err)
	}
	got, _ := srv.User("test1@csf.com")
	if v, _ := got.Properties.Get(csf.PropCompany); v != "Amazon1" || len(got.Properties.Values(csf.PropOtherHomePhone)) != 3 || len(got.Properties.Values(csf.PropStreetAddress)) != 0 {
		t.Errorf("after UpdateUser: %+v", got.Properties)
	}

	in, err := c.UserInGroup(ctx, "test1@csf.com", "developers@customer-testcustomer.com")
	if err != nil || !in {
		t.Errorf("UserInGroup = %v, %v", in, err)
	}
	in, err = c.UserInGroup(ctx, "test1@csf.com", "AllUsers@Customer-TestCustomer.com")
	if err != nil || in {
		t.Errorf("UserInGroup (not a member) = %v, %v", in, err)
	}

	if err := c.UpdatePassword(ctx, csf.UpdatePasswordRequest{Organization: "Customer-TestCustomer.com", UserName: "test1@csf.com", OldPassword: "passw0rd!", NewPassword: "abc123"}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetPassword(ctx, csf.SetPasswordRequest{UserName: "test1@csf.com", Password: "somePassword"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := srv.User("test1@csf.com"); got.Password != "somePassword" {
		t.Errorf("password = %q", got.Password)
	}

	var ids []string
	for u, err := range c.ReadUsers(ctx, csf.Query{Filter: csf.And(csf.Eq("objectCategory", "person"), csf.Eq("objectClass", "user"), csf.Eq("samaccountname", "test1")),
		Properties: []string{"samaccountname"}, Scope: csf.ScopeSingleLevel, Organization: "Customer-TestCustomer.com"}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
		if v, _ := u.Properties.Get("samaccountname"); v != "test1" {
			t.Errorf("samaccountname = %q", v)
		}
	}
	if !slices.Equal(ids, []string{"test1@csf.com"}) {
		t.Errorf("ReadUsers = %v", ids)
	}

	old, err := c.UpdateUsers(ctx, csf.UpdateUsersRequest{Filter: csf.Eq("samaccountname", "test1"), ReturnExistingValues: true,
		Properties: csf.Properties{}.Set(csf.PropOtherHomePhone, "111", "222", "333", "444", "555", "666")})
	if err != nil {
		t.Fatal(err)
	}
	if len(old) != 1 || len(old[0].Properties.Values(csf.PropOtherHomePhone)) != 3 {
		t.Errorf("existing values = %+v", old)
	}
	if got, _ := srv.User("test1@csf.com"); len(got.Properties.Values(csf.PropOtherHomePhone)) != 6 {
		t.Errorf("after UpdateUsers: %+v", got.Properties)
	}

	if err := c.DeleteUser(ctx, "test1@csf.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadUser(ctx, "test1@csf.com"); !errors.Is(err, csf.ErrUserNotFound) || !errors.Is(err, csf.ErrNotFound) {
		t.Errorf("ReadUser after delete: %v", err)
	}
}

// TestPasswordAndSearchCodes: the codes the password and search methods
// list.
func TestPasswordAndSearchCodes(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	create(t, c, "p@csf.com", nil)
	if err := c.UpdatePassword(ctx, csf.UpdatePasswordRequest{UserName: "p@csf.com", OldPassword: "not-it", NewPassword: "n"}); !errors.Is(err, csf.ErrValidation) {
		t.Errorf("wrong old password: %v", err)
	}
	if err := c.SetPassword(ctx, csf.SetPasswordRequest{Organization: "Nowhere.com", UserName: "p@csf.com", Password: "n"}); !errors.Is(err, csf.ErrOrganizationNotFound) {
		t.Errorf("unknown organisation: %v", err)
	}
	if err := c.SetPassword(ctx, csf.SetPasswordRequest{UserName: "nobody@csf.com", Password: "n"}); !errors.Is(err, csf.ErrValidation) {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := c.ReadUsersPage(ctx, csf.Query{Organization: "Nowhere.com", Filter: csf.Present("cn")}, ""); !errors.Is(err, csf.ErrOrganizationNotFound) {
		t.Errorf("ReadUsers, unknown organisation: %v", err)
	}
	if _, err := c.UpdateUsers(ctx, csf.UpdateUsersRequest{Filter: csf.Eq("samaccountname", "nobody"), Properties: csf.Properties{}.Set("x", "1")}); !errors.Is(err, csf.ErrUserNotFound) {
		t.Errorf("UpdateUsers matching no one: %v", err)
	}
	p, err := c.ReadUsersPage(ctx, csf.Query{Scope: csf.ScopeBaseObject, Filter: csf.Present("objectClass")}, "")
	if err != nil || len(p.Items) != 0 || p.Next != "" {
		t.Errorf("baseObject: %+v, %v", p, err)
	}
	// Validation names the record and every field, and sends nothing.
	before := len(srv.Requests())
	err = c.CreateUser(ctx, csf.CreateUserRequest{UserID: "bad@csf.com", Properties: csf.Properties{{Name: "x", Op: "Swap"}}})
	if !errors.Is(err, csf.ErrInvalid) || !strings.Contains(err.Error(), `"bad@csf.com"`) || !strings.Contains(err.Error(), "OrganizationID") || !strings.Contains(err.Error(), "Password") || !strings.Contains(err.Error(), "Swap") {
		t.Errorf("validation: %v", err)
	}
	if err := c.CreateUser(ctx, csf.CreateUserRequest{UserID: "bad@csf.com", OrganizationID: "o", Password: "p", Properties: csf.Properties{{Name: "x", Op: "Swap"}}}); !errors.Is(err, csf.ErrInvalid) || !strings.Contains(err.Error(), "Swap") {
		t.Errorf("operation: %v", err)
	}
	if len(srv.Requests()) != before {
		t.Error("an invalid request was sent")
	}
}

// TestValuesReadBackEqual: property and filter values with XML's special
// characters, LDAP's and non-ASCII text travel escaped and come back equal.
func TestValuesReadBackEqual(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	odd := []string{`a<b & "c" 'd'`, "é漢字 🙂", `*()\ ]]>`, "line\nbreak\ttab\r"}
	props := csf.Properties{}
	for i, v := range odd {
		props = props.Set(fmt.Sprintf("p%d", i), v)
	}
	create(t, c, "odd@csf.com", props)
	u, err := c.ReadUser(ctx, "odd@csf.com")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range odd {
		if got, _ := u.Properties.Get(fmt.Sprintf("p%d", i)); got != v {
			t.Errorf("p%d = %q, want %q", i, got, v)
		}
		n := 0
		for got, err := range c.ReadUsers(ctx, csf.Query{Filter: csf.Eq(fmt.Sprintf("p%d", i), v), Properties: []string{fmt.Sprintf("p%d", i)}}) {
			if err != nil {
				t.Fatal(err)
			}
			if w, _ := got.Properties.Get(fmt.Sprintf("p%d", i)); w != v {
				t.Errorf("ReadUsers p%d = %q", i, w)
			}
			n++
		}
		if n != 1 {
			t.Errorf("filter on %q found %d users", v, n)
		}
	}
}
