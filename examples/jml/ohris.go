package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

// ohrisTarget is oHRis: the day's HR picture goes as a user flux file over
// SFTP, which oHRis's connector then applies to its accounts.
type ohrisTarget struct {
	srv       *ohristest.Server
	clock     time.Time
	connector *ohristest.Connector
	mapping   canonical.OHRIS
	refs      ohris.References
}

func startOHRIS(runAt time.Time) (*ohrisTarget, error) {
	t := &ohrisTarget{clock: runAt,
		mapping: canonical.OHRIS{
			ContractTypes: map[canonical.WorkerType]string{canonical.WorkerEmployee: "CDI"},
			Group:         "Cadre",
			Holidays:      "France",
			Modules:       []ohris.Module{ohris.Absence},
		},
		refs: ohris.References{ContractTypes: []string{"CDI"}, Groups: []string{"Cadre"},
			Companies: []string{"Acme SA"}, Holidays: []string{"France"}},
	}
	srv, err := ohristest.Start(ohristest.WithClock(func() time.Time { return t.clock }))
	if err != nil {
		return nil, err
	}
	t.srv = srv
	t.connector = ohristest.NewConnector(srv, ohris.Prod, t.refs)
	return t, nil
}

func (t *ohrisTarget) Close() { t.srv.Close() }

// load gives oHRis the accounts of yesterday's people, as earlier runs of
// the connector left them.
func (t *ohrisTarget) load(people []canonical.Person) error {
	users, err := t.mapping.ToUsers(people)
	if err != nil {
		return err
	}
	accounts := make([]ohris.Account, len(users))
	for i, u := range users {
		accounts[i] = ohris.Account{User: u, Active: people[i].Employment.Status.Or("") != canonical.StatusInactive}
	}
	t.connector.SetAccounts(accounts)
	return nil
}

// sync previews what the connector will do with today's file given the
// accounts oHRis holds, plans the accounts and modules the file changes
// (for the journal: the file does it all), delivers the file over SFTP
// through canonical.OHRISApplier, and lets the connector run.
func (t *ohrisTarget) sync(ctx context.Context, w io.Writer, out *outputs, today []canonical.Person, policy canonical.Policy) error {
	users, err := t.mapping.ToUsers(today)
	if err != nil {
		return err
	}
	runDate := ohris.DateOf(t.clock)
	preview, err := ohris.Preview(ohris.Users(users), t.connector.Accounts(), ohris.PreviewParams{RunDate: runDate, References: t.refs})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\noHRis (target: accounts and modules), what its connector will do:\n%s", preview)

	current, err := t.mapping.FromAccounts(t.connector.Accounts())
	if err != nil {
		return err
	}
	plan, err := canonical.Plan(accountsAndModules(today), accountsAndModules(current), policy)
	if err != nil {
		return err
	}
	fmt.Fprint(w, plan)
	c, err := ohris.NewClient(t.srv.URL, ohris.WithPassword(t.srv.Username, t.srv.Password), ohris.WithHostKey(t.srv.HostKey))
	if err != nil {
		return err
	}
	defer c.Close()
	ap := &canonical.OHRISApplier{Client: c, Mapping: &t.mapping, Env: ohris.Prod, Date: runDate, People: today,
		Params: ohris.WriteParams{References: t.refs}}
	if _, err := out.applyPlan(ctx, w, "oHRis", plan, ap); err != nil {
		return err
	}
	if ap.Report != nil {
		fmt.Fprintf(w, "  Delivered %s (%d users) to depot/prod/ over SFTP.\n", ohris.FileName(runDate), ap.Report.Users)
	}
	fmt.Fprintf(w, "  oHRis's connector: %s", t.connector.Run())
	return nil
}

// accountsAndModules keeps of people what the plan for oHRis compares: the
// account's state and the modules the rules govern (the file carries the
// rest, which the preview shows).
func accountsAndModules(people []canonical.Person) []canonical.Person {
	out := make([]canonical.Person, len(people))
	for i, p := range people {
		out[i] = canonical.Person{Key: p.Key, Name: canonical.Name{Display: p.Name.Display},
			Employment: canonical.Employment{Status: p.Employment.Status, Start: p.Employment.Start, End: p.Employment.End},
			Access:     rules.Governed(canonical.AccessOf(p.Access, canonical.SystemOHRIS))}
	}
	return out
}
