package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

// ohrisStep sends today's HR picture to oHRis: it maps the people to flux
// users, previews what the connector will do with them given the accounts
// oHRis holds, checks and delivers the file over SFTP to the oHRis fake,
// and lets the fake's connector run.
func ohrisStep(ctx context.Context, w io.Writer, today, inOHRIS []canonical.Person, runAt time.Time) error {
	mapping := canonical.OHRIS{
		LoginSystem:   "ad", // oHRis signs people in with their directory login
		ContractTypes: map[canonical.WorkerType]string{canonical.WorkerEmployee: "CDI"},
		Group:         "Cadre",
		Holidays:      "France",
		Modules:       []ohris.Module{ohris.Absence},
	}
	refs := ohris.References{ContractTypes: []string{"CDI"}, Groups: []string{"Cadre"},
		Companies: []string{"Acme SA"}, Holidays: []string{"France"}}
	users, err := mapping.ToUsers(withGenders(today))
	if err != nil {
		return err
	}
	current, err := mapping.ToUsers(withGenders(inOHRIS))
	if err != nil {
		return err
	}
	accounts := make([]ohris.Account, len(current))
	for i, u := range current {
		accounts[i] = ohris.Account{User: u, Active: inOHRIS[i].Employment.Status.Or("") != canonical.StatusInactive}
	}
	runDate := civil.DateOf(runAt)

	preview, err := ohris.Preview(ohris.Users(users), accounts, ohris.PreviewParams{RunDate: runDate, References: refs})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nWhat the oHRis connector will do:\n%s", preview)

	srv, err := ohristest.Start(ohristest.WithClock(func() time.Time { return runAt }))
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := ohris.NewClient(srv.URL, ohris.WithPassword(srv.Username, srv.Password),
		ohris.WithHostKey(srv.HostKey))
	if err != nil {
		return err
	}
	defer c.Close()
	rep, err := c.Deliver(ctx, ohris.Prod, runDate, ohris.Users(users), ohris.WriteParams{References: refs})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Delivered %s (%d users) to depot/prod/ over SFTP.\n", ohris.FileName(runDate), rep.Users)

	connector := ohristest.NewConnector(srv, ohris.Prod, refs)
	connector.SetAccounts(accounts)
	fmt.Fprintf(w, "The oHRis fake's connector: %s", connector.Run())
	return nil
}

// withGenders returns people with their gender, which the demo company
// leaves out and oHRis requires.
func withGenders(people []canonical.Person) []canonical.Person {
	genders := map[string]string{"1001": "female", "1002": "male", "1003": "female", "1004": "male",
		"1005": "female", "1007": "male", "1008": "female", "1009": "female", "1010": "male"}
	out := make([]canonical.Person, len(people))
	for i, p := range people {
		p.Attributes = map[string]string{canonical.AttrGender: genders[p.Key]}
		out[i] = p
	}
	return out
}
