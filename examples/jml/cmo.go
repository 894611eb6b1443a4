package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// cmoTarget is CMO Compliance, kept in line with the full HR list as the CMO
// HR Integration Instructions' "Integration Logic" has it: CMO's users are
// read through the export API, planned against the list (people no longer
// in it are deactivated, within the policy's limit), and the plan is sent
// through the HR import web service.
type cmoTarget struct {
	srv     *cmotest.Server
	c       *cmo.Client
	mapping canonical.CMO
}

func startCMO() (*cmoTarget, error) {
	// The tenant answered the guide's questions as the policy does:
	// assignments and managers fully redefined with each call.
	srv, err := cmotest.Start(cmotest.WithRoles("Employee"), cmotest.WithOrgUnits("Board", "Finance", "Sales"),
		cmotest.WithEntities("Acme SA"), cmotest.WithAssignmentsReplaced())
	if err != nil {
		return nil, err
	}
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(srv.Username, srv.Password), cmo.WithInsecureHTTP())
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &cmoTarget{srv: srv, c: c, mapping: canonical.CMO{
		UserRole:        "Employee",
		AssignmentRole:  "Employee",
		Classifications: map[canonical.WorkerType]string{canonical.WorkerEmployee: "Employee", canonical.WorkerContingent: "Contractor"},
	}}, nil
}

func (t *cmoTarget) Close() { t.srv.Close() }

// load is the initial provisioning of yesterday's people, and Felix, a
// contractor whom an administrator created in CMO by hand and HR no longer
// lists.
func (t *cmoTarget) load(ctx context.Context, people []canonical.Person, policy canonical.Policy) error {
	if _, err := t.apply(ctx, io.Discard, people, policy); err != nil {
		return err
	}
	felix := cmo.User{LoginName: "fwagner", FirstName: cmo.Some("Felix"), LastName: cmo.Some("Wagner"),
		Email: cmo.Some("fwagner@acme.example"), UserRole: cmo.Some("Employee"), Classification: cmo.Some("Contractor")}
	_, err := t.c.ImportUsers(ctx, []cmo.User{felix})
	return err
}

// sync brings CMO in line with today's people, then plans again to show
// that nothing is left to do.
func (t *cmoTarget) sync(ctx context.Context, w io.Writer, today []canonical.Person, policy canonical.Policy) error {
	fmt.Fprintln(w, "\nCMO Compliance (target), planned against its export:")
	if _, err := t.apply(ctx, w, today, policy); err != nil {
		return err
	}
	again, err := t.plan(ctx, today, policy)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  A second plan against CMO: %d actions, %d held back\n", len(again.Actions), len(again.Held))
	return nil
}

// apply plans people against CMO's export, prints the plan, and sends it.
func (t *cmoTarget) apply(ctx context.Context, w io.Writer, people []canonical.Person, policy canonical.Policy) (*canonical.ActionPlan, error) {
	plan, err := t.plan(ctx, people, policy)
	if err != nil {
		return nil, err
	}
	fmt.Fprint(w, plan)
	creates, updates, err := t.mapping.Users(plan, people)
	if err != nil {
		return nil, err
	}
	for _, call := range []struct {
		name  string
		users []cmo.User
		send  func(context.Context, []cmo.User) (*cmo.ImportResult, error)
	}{{"ImportUsers", creates, t.c.ImportUsers}, {"UpdateUsers", updates, t.c.UpdateUsers}} {
		if len(call.users) == 0 {
			continue
		}
		res, err := call.send(ctx, call.users)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "  %s: %s, %d of %d imported:", call.name, res.Outcome, res.Imported, res.Total)
		for _, r := range res.Records {
			fmt.Fprintf(w, " %s %s;", r.Key, r.Status)
		}
		fmt.Fprintln(w)
	}
	return plan, nil
}

// plan reads every CMO user through the export API and plans people
// against them.
func (t *cmoTarget) plan(ctx context.Context, people []canonical.Person, policy canonical.Policy) (*canonical.ActionPlan, error) {
	var exported []cmo.ExportedUser
	for u, err := range t.c.ExportUsers(ctx, cmo.ExportQuery{PerPage: cmo.MaxPerPage}) {
		if err != nil {
			return nil, err
		}
		exported = append(exported, u)
	}
	desired, err := t.mapping.Desired(people)
	if err != nil {
		return nil, err
	}
	current, err := t.mapping.Current(exported, people, policy.RunDate)
	if err != nil {
		return nil, err
	}
	return canonical.Plan(desired, current, policy)
}
