package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// cmoStep brings CMO Compliance in line with today's full HR list, as the
// CMO HR Integration Instructions' "Integration Logic" has it: CMO's users
// are read through the export API, planned against the list (people no
// longer in it are deactivated, within the policy's limit), and the plan is
// sent through the HR import web service. A second plan then finds CMO in
// line.
func cmoStep(ctx context.Context, w io.Writer, today, inCMO []canonical.Person, policy canonical.Policy) error {
	// The tenant answered the guide's questions as the policy does:
	// assignments and managers fully redefined with each call.
	srv, err := cmotest.Start(cmotest.WithRoles("Employee"), cmotest.WithOrgUnits("Board", "Finance", "Sales"),
		cmotest.WithEntities("Acme SA"), cmotest.WithAssignmentsReplaced(),
		// A tenant answering "True" when every user is saved; by default the
		// fake answers as the seed's sample does, "Partially completed".
		cmotest.WithTrueOutcome())
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithInsecureHTTP())
	if err != nil {
		return err
	}
	mapping := canonical.CMO{
		LoginSystem:     "ad", // CMO signs people in with their directory login
		UserRole:        "Employee",
		AssignmentRole:  "Employee",
		Classifications: map[canonical.WorkerType]string{canonical.WorkerEmployee: "Employee", canonical.WorkerContingent: "Contractor"},
	}
	// CMO before the run: what the target holds.
	before, err := mapping.ToUsers(inCMO)
	if err != nil {
		return err
	}
	if _, err := c.ImportUsers(ctx, before); err != nil {
		return err
	}

	plan, err := planCMO(ctx, c, &mapping, today, policy)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nCMO Compliance, planned against its export:\n%s", plan)
	creates, updates, err := mapping.Users(plan, today)
	if err != nil {
		return err
	}
	for _, call := range []struct {
		name  string
		users []cmo.User
		send  func(context.Context, []cmo.User) (*cmo.ImportResult, error)
	}{{"ImportUsers", creates, c.ImportUsers}, {"UpdateUsers", updates, c.UpdateUsers}} {
		res, err := call.send(ctx, call.users)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s: %s, %d of %d imported:", call.name, res.Outcome, res.Imported, res.Total)
		for _, r := range res.Records {
			fmt.Fprintf(w, " %s %s;", r.Key, r.Status)
		}
		fmt.Fprintln(w)
	}
	again, err := planCMO(ctx, c, &mapping, today, policy)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  A second plan against CMO: %d actions, %d held back\n", len(again.Actions), len(again.Held))
	return nil
}

// planCMO reads every CMO user through the export API and plans today's HR
// list against them.
func planCMO(ctx context.Context, c *cmo.Client, m *canonical.CMO, today []canonical.Person, policy canonical.Policy) (*canonical.ActionPlan, error) {
	var exported []cmo.ExportedUser
	for u, err := range c.ExportUsers(ctx, cmo.ExportQuery{PerPage: cmo.MaxPerPage}) {
		if err != nil {
			return nil, err
		}
		exported = append(exported, u)
	}
	desired, err := m.Desired(today)
	if err != nil {
		return nil, err
	}
	current, err := m.Current(exported, today, policy.RunDate)
	if err != nil {
		return nil, err
	}
	return canonical.Plan(desired, current, policy)
}
