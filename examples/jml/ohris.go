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

// sync maps today's people to flux users, previews what the connector will
// do with them given the accounts oHRis holds, delivers the file over SFTP,
// and lets the connector run.
func (t *ohrisTarget) sync(ctx context.Context, w io.Writer, today []canonical.Person) error {
	users, err := t.mapping.ToUsers(today)
	if err != nil {
		return err
	}
	runDate := ohris.DateOf(t.clock)
	preview, err := ohris.Preview(ohris.Users(users), t.connector.Accounts(), ohris.PreviewParams{RunDate: runDate, References: t.refs})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\noHRis (target), what its connector will do:\n%s", preview)

	c, err := ohris.NewClient(t.srv.URL, ohris.WithPassword(t.srv.Username, t.srv.Password), ohris.WithHostKey(t.srv.HostKey))
	if err != nil {
		return err
	}
	defer c.Close()
	rep, err := c.Deliver(ctx, ohris.Prod, runDate, ohris.Users(users), ohris.WriteParams{References: t.refs})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  Delivered %s (%d users) to depot/prod/ over SFTP.\n", ohris.FileName(runDate), rep.Users)
	fmt.Fprintf(w, "  oHRis's connector: %s", t.connector.Run())
	return nil
}
