package canonical_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// ExampleCMO runs the CMO full-list logic: HR's full list against CMO's
// export, the users HR no longer lists deactivated on the run date, within
// the policy's limit.
func ExampleCMO() {
	srv, err := cmotest.Start(cmotest.WithRoles("User"))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP())
	if err != nil {
		log.Fatal(err)
	}
	// CMO holds three users; HR now lists two of them.
	for _, login := range []string{"amartin", "bkeller", "fwagner"} {
		srv.PutUser(cmotest.User{LoginName: login, Fields: map[string]string{"FirstName": login, "LastName": "X"}})
	}
	person := func(key, login string) canonical.Person {
		return canonical.Person{Key: key, UserName: canonical.Some(login),
			Employment: canonical.Employment{Status: canonical.Some(canonical.StatusActive)}}
	}
	hr := []canonical.Person{person("1001", "amartin"), person("1002", "bkeller")}

	m := &canonical.CMO{UserRole: "User"}
	var exported []cmo.ExportedUser
	for u, err := range c.ExportUsers(ctx, cmo.ExportQuery{PerPage: cmo.MaxPerPage}) {
		if err != nil {
			log.Fatal(err)
		}
		exported = append(exported, u)
	}
	runDate := date(2024, 3, 4)
	desired, err := m.Desired(hr)
	if err != nil {
		log.Fatal(err)
	}
	current, err := m.Current(exported, hr, runDate)
	if err != nil {
		log.Fatal(err)
	}
	plan, err := canonical.Plan(desired, current, canonical.Policy{
		RunDate: runDate, FullList: true, DeactivateMissing: true, MaxDeactivations: 5, MaxDeactivationShare: 0.5,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range plan.Actions {
		fmt.Println(a.Op, a.Key, "-", a.Reason)
	}
	creates, updates, err := m.Users(plan, hr)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.ImportUsers(ctx, creates); err != nil {
		log.Fatal(err)
	}
	if _, err := c.UpdateUsers(ctx, updates); err != nil {
		log.Fatal(err)
	}
	u, _ := srv.User("fwagner")
	fmt.Println("fwagner deactivated from", u.Fields["DeactivationStart"])
	// Output:
	// update 1001 - changed: attributes[cmo.userRole]: (none) → User
	// update 1002 - changed: attributes[cmo.userRole]: (none) → User
	// deactivate cmo:fwagner - missing from the full HR list
	// fwagner deactivated from 04.03.2024
}
