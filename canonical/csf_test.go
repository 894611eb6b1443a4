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
		Employment: canonical.Employment{WorkerType: canonical.Some(canonical.WorkerEmployee), Status: canonical.Some(canonical.StatusActive),
			Start: canonical.Some(canonical.Date{Year: 2024, Month: 3, Day: 1}), End: canonical.Some(canonical.Date{})},
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
	current := m.Current(users, hr)
	if len(current) != 1 || current[0].Key != "E042" {
		t.Fatalf("current = %+v", current)
	}
	// CSF holds no employment: HR's is taken, so a plan finds nothing to do
	// (groups go only with a create, and are not compared).
	plan, err := canonical.Plan(desired, current, canonical.Policy{RunDate: canonical.Date{Year: 2024, Month: 3, Day: 4}})
	if err != nil || len(plan.Actions) != 0 {
		t.Errorf("plan after a round trip: %v, %v", plan, err)
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

// A leaver CSF still holds is deactivated, a pending hire it holds is in line.
func TestCSFCurrentEmployment(t *testing.T) {
	m := &canonical.CSF{}
	run := canonical.Date{Year: 2024, Month: 3, Day: 4}
	person := func(key string, st canonical.Status, end canonical.Date) canonical.Person {
		return canonical.Person{Key: key, UserName: canonical.Some(key + "@x"),
			Employment: canonical.Employment{Status: canonical.Some(st), End: canonical.Some(end)}}
	}
	hr := []canonical.Person{person("LEFT", canonical.StatusInactive, canonical.Date{Year: 2024, Month: 2, Day: 29}),
		person("SOON", canonical.StatusPending, canonical.Date{})}
	desired, err := m.Desired(hr)
	if err != nil {
		t.Fatal(err)
	}
	users := []csf.User{{ID: "LEFT@x", Properties: csf.Properties{}.Set(csf.PropEmployeeID, "LEFT")},
		{ID: "SOON@x", Properties: csf.Properties{}.Set(csf.PropEmployeeID, "SOON")}}
	plan, err := canonical.Plan(desired, m.Current(users, hr), canonical.Policy{RunDate: run, MaxDeactivations: 1, MaxDeactivationShare: 1})
	if err != nil || len(plan.Actions) != 1 || plan.Actions[0].Op != canonical.OpDeactivate || plan.Actions[0].Key != "LEFT" {
		t.Errorf("plan %v, %v: want LEFT deactivated and nothing else", plan, err)
	}
}
