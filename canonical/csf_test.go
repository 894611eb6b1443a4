package canonical_test

import (
	"errors"
	"testing"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

// TestCSFRoundTrip creates a person in the fake, reads the users back, and
// plans nothing to do.
func TestCSFRoundTrip(t *testing.T) {
	srv := csftest.NewServer(t)
	c, err := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	m := &canonical.CSF{Organization: "MyTestOrg.com"}
	hr := []canonical.Person{{
		Key: "E042", UserName: canonical.Some("jdoe@csf.com"),
		Name:        canonical.Name{Given: canonical.Some("Jane"), Family: canonical.Some("Doe & Ünïcode")},
		Emails:      []canonical.Email{{Type: "work", Address: "jane@acme.com", Primary: true}},
		Phones:      []canonical.Phone{{Type: "mobile", Number: "+33 6"}},
		Assignments: []canonical.Assignment{{ID: "A1", Primary: canonical.Some(true), Department: canonical.Some("R&D"), Job: canonical.Some("Engineer")}},
		Groups:      []string{"AllUsers@Customer-TestCustomer.com"},
	}}
	desired, err := m.Desired(hr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CreateUser(t.Context(), m.CreateRequest(&hr[0], "Initial-Pw1")); err != nil {
		t.Fatal(err)
	}
	var users []csf.User
	for u, err := range c.ReadUsers(t.Context(), csf.Query{Filter: csf.Present(csf.PropEmployeeID), Properties: m.PropertyNames()}) {
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	current := m.Current(users)
	if len(current) != 1 || current[0].Key != "E042" {
		t.Fatalf("current = %+v", current)
	}
	for _, ch := range canonical.Diff(current[0], desired[0]) {
		if ch.Path != "groups" {
			t.Errorf("change after a round trip: %+v", ch)
		}
	}
	if in, err := c.UserInGroup(t.Context(), "jdoe@csf.com", "AllUsers@Customer-TestCustomer.com"); err != nil || !in {
		t.Errorf("group: %v %v", in, err)
	}
	var ie *canonical.InputError
	if _, err := m.Desired([]canonical.Person{{Key: "X"}}); !errors.As(err, &ie) || ie.Field != "logins" {
		t.Errorf("no login: %v", err)
	}
}
