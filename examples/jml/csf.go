package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

// csfTarget is the company's e-mail provider, a Microsoft CSF Identity
// Manager directory: a mailbox is a user in the "Mail Users" group. Its
// users are read page by page, planned against today's people, and the
// plan is applied with UserManager's calls (see canonical.CSFApplier):
// UserManager gives groups only when it creates a user, and cannot switch a
// user off, so a leaver's user is deleted, which takes their mailbox away.
type csfTarget struct {
	srv     *csftest.Server
	c       *csf.Client
	mapping canonical.CSF
}

func startCSF() (*csfTarget, error) {
	srv, err := csftest.Start(csftest.WithOrganization(mailDomain), csftest.WithGroups(email.ID))
	if err != nil {
		return nil, err
	}
	c, err := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP())
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &csfTarget{srv: srv, c: c, mapping: canonical.CSF{Organization: mailDomain}}, nil
}

func (t *csfTarget) Close() { t.srv.Close() }

func (t *csfTarget) applier() *canonical.CSFApplier {
	return &canonical.CSFApplier{Client: t.c, Mapping: &t.mapping, Password: initialPassword}
}

// load is the initial provisioning of yesterday's people.
func (t *csfTarget) load(ctx context.Context, people []canonical.Person, policy canonical.Policy) error {
	plan, err := t.plan(ctx, people, policy)
	if err != nil {
		return err
	}
	var j canonical.Journal
	return canonical.Apply(ctx, plan, t.applier(), &j, canonical.ApplyOptions{})
}

// sync brings the directory in line with today's people, then plans again
// to show that nothing is left to do.
func (t *csfTarget) sync(ctx context.Context, w io.Writer, out *outputs, today []canonical.Person, policy canonical.Policy) error {
	fmt.Fprintln(w, "\nCSF Identity Manager (target: the e-mail provider), planned against its users:")
	return out.sync(ctx, w, "CSF Identity Manager", "CSF", func(ctx context.Context) (*canonical.ActionPlan, error) {
		return t.plan(ctx, today, policy)
	}, t.applier())
}

// plan reads every user of the directory and plans people against them;
// a user's mailbox is their membership of the mail group, which
// UserInGroup tells.
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
	canonical.WithAccess(desired, people, canonical.SystemCSF)
	current := t.mapping.Current(users, people)
	for i := range current {
		current[i].Access = []canonical.Grant{}
		in, err := t.c.UserInGroup(ctx, t.mapping.Login(&current[i]), email.ID)
		if err != nil {
			return nil, err
		}
		if in {
			current[i].Access = append(current[i].Access, canonical.Grant{Entitlement: email})
		}
	}
	return canonical.Plan(desired, current, policy)
}

// initialPassword is the password a new user is created with; the demo's
// directory makes users change it at first sign-in.
func initialPassword(p *canonical.Person) string { return "Welcome-" + p.Key + "!" }
