package main

import (
	"context"
	"fmt"
	"io"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// cmoTarget is CMO Compliance, the company's training provider, kept in
// line with the full HR list as the CMO HR Integration Instructions'
// "Integration Logic" has it: CMO's users are read through the export API,
// planned against the list (people no longer in it are deactivated, within
// the policy's limit), and the plan is applied through the HR import web
// service. A training is a CMO user group, which CMO assigns its courses
// to: the employee and manager trainings of the guide.
type cmoTarget struct {
	srv     *cmotest.Server
	c       *cmo.Client
	mapping canonical.CMO
}

func startCMO() (*cmoTarget, error) {
	// The tenant answered the guide's questions as the policy does:
	// assignments and managers fully redefined with each call.
	srv, err := cmotest.Start(cmotest.WithRoles("Employee"), cmotest.WithOrgUnits("Board", "Finance", "Sales"),
		cmotest.WithEntities("Acme SA"), cmotest.WithAssignmentsReplaced(),
		cmotest.WithUserGroups(employeeTraining.ID, managerTraining.ID))
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

func (t *cmoTarget) applier(people []canonical.Person) *canonical.CMOApplier {
	return &canonical.CMOApplier{Client: t.c, Mapping: &t.mapping, People: people}
}

// load is the initial provisioning of yesterday's people, and Felix, a
// contractor whom an administrator created in CMO by hand and HR no longer
// lists.
func (t *cmoTarget) load(ctx context.Context, people []canonical.Person, policy canonical.Policy) error {
	plan, err := t.plan(ctx, people, policy)
	if err != nil {
		return err
	}
	var j canonical.Journal
	if err := canonical.Apply(ctx, plan, t.applier(people), &j, canonical.ApplyOptions{}); err != nil {
		return err
	}
	felix := cmo.User{LoginName: "fwagner", FirstName: cmo.Some("Felix"), LastName: cmo.Some("Wagner"),
		Email: cmo.Some("fwagner@" + mailDomain), UserRole: cmo.Some("Employee"), Classification: cmo.Some("Contractor"),
		UserGroups: cmo.Some([]string{employeeTraining.ID})}
	_, err = t.c.ImportUsers(ctx, []cmo.User{felix})
	return err
}

// sync brings CMO in line with today's people, then plans again to show
// that nothing is left to do.
func (t *cmoTarget) sync(ctx context.Context, w io.Writer, out *outputs, today []canonical.Person, policy canonical.Policy) error {
	fmt.Fprintln(w, "\nCMO Compliance (target: accounts and trainings), planned against its export:")
	return out.sync(ctx, w, "CMO Compliance", "CMO", func(ctx context.Context) (*canonical.ActionPlan, error) {
		return t.plan(ctx, today, policy)
	}, t.applier(today))
}

// badFeed plans against CMO the day a broken feed says half the company
// left yesterday: the deactivations and the revokes of the leavers' access
// are held back, and nothing is applied.
func (t *cmoTarget) badFeed(ctx context.Context, w io.Writer, out *outputs, today []canonical.Person, policy canonical.Policy) error {
	bad := make([]canonical.Person, len(today))
	copy(bad, today)
	for i := range bad {
		if i%2 == 0 && bad[i].Employment.Status.Or("") == canonical.StatusActive {
			bad[i].Employment.Status = canonical.Some(canonical.StatusInactive)
			bad[i].Employment.End = canonical.Some(policy.RunDate.AddDays(-1))
		}
	}
	bad, err := withAccess(io.Discard, bad, policy.RunDate, false)
	if err != nil {
		return err
	}
	plan, err := t.plan(ctx, bad, policy)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nA bad feed (half the company terminated yesterday), planned against CMO again and not applied:\n%s", plan)
	out.plannedOnly("CMO Compliance, a bad feed (not applied)", plan)
	return nil
}

// plan reads every CMO user through the export API and plans people
// against them, with the trainings the rules give: the current ones are
// the user groups that are trainings of the rules.
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
	canonical.WithAccess(desired, people, canonical.SystemCMO)
	current, err := t.mapping.Current(exported, people, policy.RunDate)
	if err != nil {
		return nil, err
	}
	for i := range current {
		var held []canonical.Grant
		for _, g := range current[i].Groups {
			held = append(held, canonical.Grant{Entitlement: canonical.Entitlement{System: canonical.SystemCMO, Kind: canonical.KindTraining, ID: g}})
		}
		current[i].Access = rules.Governed(append([]canonical.Grant{}, held...))
	}
	return canonical.Plan(desired, current, policy)
}
