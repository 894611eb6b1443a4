package canonical

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/hrbridge/hrbridge/fusionsod"
)

// Gate decides, role by role, the access requests of roles that
// segregation-of-duties controls watch. *fusionsod.Gate is one: it runs
// Oracle's analysis, asks an approver about each conflicting role and
// records the justification of an approved one on its incidents.
type Gate interface {
	Decide(ctx context.Context, req fusionsod.AccessRequest) (fusionsod.Outcome, error)
}

var _ Gate = (*fusionsod.Gate)(nil)

// SoD sends a plan's grants of one system's roles through a Gate before the
// plan is applied: Oracle's "provision approved roles and document
// exceptions".
type SoD struct {
	Gate Gate
	// System is the system whose role grants go through the gate
	// ("fusion"). Other grants are left alone.
	System string
	// User returns the name the gate knows a person by; when nil, the
	// person's UserName, or else its Key.
	User func(p *Person) string
}

// Check asks the gate about the plan's role grants of s.System, one request
// per person holding all of that person's roles (the analysis looks at them
// together), and files each grant by its decision, recorded in Action.SoD:
// granted (no conflict, or approved with a justification) stays in Actions;
// denied goes to Denied; waiting for approval or undecided goes to Pending.
// The grants already in Pending are asked about again, so that checking a
// stored plan after the approvers have decided lets the approved ones
// through, placed after the other grants; a denied grant stays denied (plan
// again to ask again). A grant is never let through on an
// error: the error the gate returned for a person is returned, joined with
// the others, after every person is filed.
func (s SoD) Check(ctx context.Context, p *ActionPlan) error {
	if s.Gate == nil || s.System == "" {
		return errors.New("canonical: SoD.Check: Gate and System are required")
	}
	gated := func(a *Action) bool {
		return a.Op == OpGrant && a.Grant != nil && a.Grant.System == s.System && a.Grant.Kind == KindRole
	}
	// The actions to decide, by person, in plan order.
	var order []string
	byKey := map[string][]Action{}
	var keep []Action
	for _, list := range [][]Action{p.Actions, p.Pending} {
		for _, a := range list {
			if !gated(&a) {
				keep = append(keep, a)
				continue
			}
			if _, ok := byKey[a.Key]; !ok {
				order = append(order, a.Key)
			}
			byKey[a.Key] = append(byKey[a.Key], a)
		}
	}
	var errs []error
	var through []Action
	p.Pending = nil
	for _, key := range order {
		acts := byKey[key]
		req := fusionsod.AccessRequest{ID: fmt.Sprintf("plan %s, person %s", p.Policy.RunDate, key), User: s.user(&acts[0].Person)}
		var bad error
		for _, a := range acts {
			rr := fusionsod.RoleRequest{Code: a.Grant.ID}
			for _, v := range a.Grant.DataAccess {
				da, err := fusionsod.ParseDataAccess(v)
				if err != nil {
					bad = errors.Join(bad, fmt.Errorf("canonical: person %s: grant %s: %w", key, a.Grant.Key(), err))
				}
				rr.DataAccess = append(rr.DataAccess, da)
			}
			req.Roles = append(req.Roles, rr)
		}
		var o fusionsod.Outcome
		err := bad
		if bad == nil {
			o, err = s.Gate.Decide(ctx, req)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("canonical: SoD gate, person %s: %w", key, err))
		}
		for i := range acts {
			a := &acts[i]
			ro := fusionsod.RoleOutcome{Role: a.Grant.ID, Decision: fusionsod.Undecided, Reason: "not decided"}
			if err != nil {
				ro.Reason = "not decided: " + err.Error()
			}
			if j := slices.IndexFunc(o.Roles, func(r fusionsod.RoleOutcome) bool { return r.Role == a.Grant.ID }); j >= 0 && bad == nil {
				ro = o.Roles[j]
			}
			a.SoD = &ro
			switch {
			case ro.Decision.Grants():
				through = append(through, *a)
			case ro.Decision == fusionsod.Deny:
				p.Denied = append(p.Denied, *a)
			default:
				p.Pending = append(p.Pending, *a)
			}
		}
	}
	// The grants let through go after the other grants, before the
	// deactivations.
	at := len(keep)
	for at > 0 && keep[at-1].Op == OpDeactivate {
		at--
	}
	p.Actions = slices.Concat(keep[:at], through, keep[at:])
	return errors.Join(errs...)
}

func (s SoD) user(p *Person) string {
	if s.User != nil {
		return s.User(p)
	}
	if u := p.UserName.Or(""); u != "" {
		return u
	}
	return p.Key
}
