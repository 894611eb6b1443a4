package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

// csfTarget is the company's directory, a Microsoft CSF Identity Manager:
// its users are read page by page, planned against today's people, and the
// plan is applied with UserManager's calls. UserManager has no way to
// switch a user off, so a leaver's user is deleted.
type csfTarget struct {
	srv     *csftest.Server
	c       *csf.Client
	mapping canonical.CSF
}

func startCSF() (*csfTarget, error) {
	srv, err := csftest.Start(csftest.WithOrganization("acme.example"))
	if err != nil {
		return nil, err
	}
	c, err := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP())
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &csfTarget{srv: srv, c: c, mapping: canonical.CSF{Organization: "acme.example"}}, nil
}

func (t *csfTarget) Close() { t.srv.Close() }

// load is the initial provisioning of yesterday's people.
func (t *csfTarget) load(ctx context.Context, people []canonical.Person, policy canonical.Policy) error {
	_, err := t.apply(ctx, io.Discard, people, policy)
	return err
}

// sync brings the directory in line with today's people, then plans again
// to show that nothing is left to do.
func (t *csfTarget) sync(ctx context.Context, w io.Writer, today []canonical.Person, policy canonical.Policy) error {
	fmt.Fprintln(w, "\nCSF Identity Manager (target), planned against its users:")
	if _, err := t.apply(ctx, w, today, policy); err != nil {
		return err
	}
	again, err := t.plan(ctx, today, policy)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  A second plan against CSF: %d actions, %d held back\n", len(again.Actions), len(again.Held))
	return nil
}

// apply plans, prints the plan, and makes its calls, one per action.
func (t *csfTarget) apply(ctx context.Context, w io.Writer, people []canonical.Person, policy canonical.Policy) (*canonical.ActionPlan, error) {
	plan, err := t.plan(ctx, people, policy)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(w, plan)
	var done []string
	for _, a := range plan.Actions {
		p := &a.Person
		var err error
		switch a.Op {
		case canonical.OpCreate, canonical.OpReactivate:
			// EnsureUser, so that a run repeated after a lost answer
			// updates the user it created instead of failing.
			_, err = t.c.EnsureUser(ctx, t.mapping.CreateRequest(p, initialPassword(p)))
		case canonical.OpUpdate:
			err = t.c.UpdateUser(ctx, t.mapping.Login(p), t.mapping.Properties(p))
		case canonical.OpDeactivate:
			err = t.c.DeleteUser(ctx, t.mapping.Login(p))
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", a.Op, a.Key, err)
		}
		done = append(done, fmt.Sprintf("%s %s", a.Op, t.mapping.Login(p)))
	}
	if len(done) > 0 {
		fmt.Fprintf(w, "  UserManager: %s\n", strings.Join(done, "; "))
	}
	return plan, nil
}

// plan reads every user of the directory and plans people against them.
func (t *csfTarget) plan(ctx context.Context, people []canonical.Person, policy canonical.Policy) (*canonical.ActionPlan, error) {
	var users []csf.User
	for u, err := range t.c.ReadUsers(ctx, csf.Query{Filter: csf.Present(csf.PropEmployeeID), Properties: t.mapping.PropertyNames()}) {
		if errors.Is(err, csf.ErrUserNotFound) {
			break // an empty directory
		}
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	desired, err := t.mapping.Desired(people)
	if err != nil {
		return nil, err
	}
	return canonical.Plan(desired, t.mapping.Current(users, people), policy)
}

// initialPassword is the password a new user is created with; the demo's
// directory makes users change it at first sign-in.
func initialPassword(p *canonical.Person) string { return "Welcome-" + p.Key + "!" }
