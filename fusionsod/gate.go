package fusionsod

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
)

// Decision is what the gate decided for one role of an access request.
type Decision string

const (
	// Grant: the analysis found no conflict for the role.
	Grant Decision = "grant"
	// Approved: the role conflicts, an approver accepted the conflicts,
	// Fusion approved them and the justification is on the incidents.
	Approved Decision = "approved"
	// Deny: the role conflicts and an approver refused it.
	Deny Decision = "deny"
	// NeedsApproval: the role conflicts and nobody has decided yet (no
	// approver, or the approver deferred, or recording the approval
	// failed).
	NeedsApproval Decision = "needs-approval"
	// Undecided: the request could not be analysed (bad input, the
	// analysis failed or did not end, the pod could not be reached).
	Undecided Decision = "undecided"
)

// Grants reports whether the role may be granted: Grant or Approved. Every
// other decision keeps the role from the user.
func (d Decision) Grants() bool { return d == Grant || d == Approved }

// Review is what an approver is asked to decide: one role of a request and
// the conflicts it would bring.
type Review struct {
	Request   AccessRequest
	Role      RoleRequest
	Conflicts []Conflict
	// AnalysisID is the analysis that found the conflicts.
	AnalysisID RequestID
}

// Verdict is an approver's answer for one role.
type Verdict struct {
	// Decision is Approved or Deny; anything else (the zero value) leaves
	// the role NeedsApproval.
	Decision Decision
	// By names who decided; it becomes the incidents' investigator.
	By string
	// Justification is why, required to approve (at most
	// MaxCommentLength characters): it is posted on each incident.
	Justification string
}

// Approver decides the roles whose analysis found conflicts: in the
// tutorial's words, "route details to relevant process owners for review
// and comments". It may be called from several goroutines at once.
type Approver interface {
	Review(ctx context.Context, r Review) (Verdict, error)
}

// ApproverFunc is a function that is an Approver.
type ApproverFunc func(ctx context.Context, r Review) (Verdict, error)

// Review calls f.
func (f ApproverFunc) Review(ctx context.Context, r Review) (Verdict, error) { return f(ctx, r) }

// RoleOutcome is the decision for one role, with a reason a person can
// read.
type RoleOutcome struct {
	Role          string     `json:"role"`
	Decision      Decision   `json:"decision"`
	Reason        string     `json:"reason"`
	Conflicts     []Conflict `json:"conflicts,omitempty"`
	By            string     `json:"by,omitempty"`
	Justification string     `json:"justification,omitempty"`
}

// Outcome is the gate's decision on one access request: a value that
// prints as reasons a person can read and stores as JSON.
type Outcome struct {
	// ID and User are the request's.
	ID   string `json:"id,omitempty"`
	User string `json:"user"`
	// AnalysisID is Fusion's id of the analysis, when one ran.
	AnalysisID RequestID     `json:"analysisId,omitempty"`
	Roles      []RoleOutcome `json:"roles"`
	// Error says what went wrong, when something did; the roles it
	// touched are never granted.
	Error string `json:"error,omitempty"`
}

// Granted returns the codes of the roles that may be granted.
func (o *Outcome) Granted() []string { return o.codes(func(d Decision) bool { return d.Grants() }) }

// Withheld returns the codes of the roles that must not be granted (denied,
// waiting for approval, undecided).
func (o *Outcome) Withheld() []string { return o.codes(func(d Decision) bool { return !d.Grants() }) }

func (o *Outcome) codes(keep func(Decision) bool) []string {
	var out []string
	for _, r := range o.Roles {
		if keep(r.Decision) {
			out = append(out, r.Role)
		}
	}
	return out
}

// String gives the outcome as lines a person can read.
func (o Outcome) String() string {
	var b strings.Builder
	b.WriteString("access request")
	if o.ID != "" {
		fmt.Fprintf(&b, " %s", o.ID)
	}
	fmt.Fprintf(&b, " for %s", o.User)
	if o.AnalysisID != "" {
		fmt.Fprintf(&b, " (analysis %s)", o.AnalysisID)
	}
	fmt.Fprintf(&b, ": %d of %d roles granted", len(o.Granted()), len(o.Roles))
	if o.Error != "" {
		fmt.Fprintf(&b, "; error: %s", o.Error)
	}
	for _, r := range o.Roles {
		fmt.Fprintf(&b, "\n  %s: %s: %s", r.Role, r.Decision, r.Reason)
	}
	return b.String()
}

// String says what a conflict is, in a sentence.
func (cf Conflict) String() string {
	s := fmt.Sprintf("control %s %q: conflicts with %q", cf.ControlID, cf.ControlName, cf.ConflictingRole)
	if cf.IncidentPath != "" {
		s += fmt.Sprintf(" through %q", cf.IncidentPath)
	}
	return s
}

func conflictsText(cs []Conflict) string {
	parts := make([]string, len(cs))
	for i, cf := range cs {
		parts[i] = cf.String()
	}
	return strings.Join(parts, "; ")
}

// DefaultGateConcurrency is how many requests a gate analyses at once.
const DefaultGateConcurrency = 8

// Gate decides access requests before their roles are granted: the third
// step of Oracle's segregation-of-duties integration. A request's roles are
// analysed together (with what the user already has); a role without
// conflict is granted; a conflicting one goes to the Approver, and is
// granted only if the approver accepts its conflicts, Fusion approves them
// and the justification is recorded on the incidents. One request may end
// with some roles granted and the others denied.
//
// Decide is the whole contract: a caller that wants to stand a gate in for
// this one (a test, another system) implements
//
//	Decide(ctx context.Context, req fusionsod.AccessRequest) (fusionsod.Outcome, error)
//
// A Gate is safe for concurrent use.
type Gate struct {
	c           *Client
	approver    Approver
	concurrency int
	progress    func(done, total int)
}

// GateOption configures a Gate.
type GateOption func(*Gate) error

// WithApprover sets who decides conflicting roles; without one they stay
// NeedsApproval.
func WithApprover(a Approver) GateOption {
	return func(g *Gate) error {
		if a == nil {
			return errors.New("fusionsod: WithApprover: nil Approver")
		}
		g.approver = a
		return nil
	}
}

// WithConcurrency sets how many requests DecideAll analyses at once
// (DefaultGateConcurrency by default).
func WithConcurrency(n int) GateOption {
	return func(g *Gate) error {
		if n <= 0 {
			return fmt.Errorf("fusionsod: WithConcurrency(%d): must be positive", n)
		}
		g.concurrency = n
		return nil
	}
}

// WithProgress calls f after each request DecideAll has decided, with the
// number decided so far (total is -1: the requests are a stream). Calls
// come one at a time, from the goroutine ranging over DecideAll.
func WithProgress(f func(done, total int)) GateOption {
	return func(g *Gate) error {
		g.progress = f
		return nil
	}
}

// NewGate returns a gate that analyses through c.
func NewGate(c *Client, opts ...GateOption) (*Gate, error) {
	if c == nil {
		return nil, errors.New("fusionsod: NewGate: nil *Client")
	}
	g := &Gate{c: c, concurrency: DefaultGateConcurrency}
	for _, o := range opts {
		if err := o(g); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// Decide analyses req and decides each of its roles. The Outcome is always
// complete: a role that could not be decided is Undecided or NeedsApproval,
// never granted. The error, when not nil, says what went wrong (it is also
// in Outcome.Error).
func (g *Gate) Decide(ctx context.Context, req AccessRequest) (Outcome, error) {
	o := Outcome{ID: req.ID, User: req.User, Roles: make([]RoleOutcome, len(req.Roles))}
	for i, r := range req.Roles {
		o.Roles[i] = RoleOutcome{Role: r.Code, Decision: Undecided}
	}
	fail := func(err error) (Outcome, error) {
		o.Error = err.Error()
		for i := range o.Roles {
			if o.Roles[i].Decision == Undecided {
				o.Roles[i].Reason = "not analysed: " + err.Error()
			}
		}
		return o, err
	}
	if err := invalid("Decide", req.check()); err != nil {
		return fail(err)
	}
	a, err := g.c.Analyse(ctx, req)
	if err != nil {
		return fail(err)
	}
	o.AnalysisID = a.RequestID
	byRole, stray := assign(req.Roles, a.Conflicts)
	var errs []error
	var approved []int
	for i, r := range req.Roles {
		ro := &o.Roles[i]
		ro.Conflicts = byRole[i]
		switch {
		case len(ro.Conflicts) == 0 && len(stray) > 0:
			ro.Decision = NeedsApproval
			ro.Reason = "Fusion reported conflicts of roles not in the request, which cannot be told apart from this one: " + conflictsText(stray)
		case len(ro.Conflicts) == 0:
			ro.Decision, ro.Reason = Grant, "no segregation-of-duties conflict"
		case g.approver == nil:
			ro.Decision, ro.Reason = NeedsApproval, "conflicts: "+conflictsText(ro.Conflicts)
		default:
			v, err := g.approver.Review(ctx, Review{Request: req, Role: r, Conflicts: ro.Conflicts, AnalysisID: a.RequestID})
			switch {
			case err != nil:
				ro.Decision, ro.Reason = NeedsApproval, "the approver failed: "+err.Error()+"; conflicts: "+conflictsText(ro.Conflicts)
				errs = append(errs, fmt.Errorf("fusionsod: approver, role %s: %w", r.Code, err))
			case v.Decision == Deny:
				ro.Decision, ro.By, ro.Justification = Deny, v.By, v.Justification
				ro.Reason = "denied" + by(v.By) + because(v.Justification) + "; conflicts: " + conflictsText(ro.Conflicts)
			case v.Decision == Approved:
				if msg := checkComment(v.Justification); msg != "" {
					ro.Decision, ro.Reason = NeedsApproval, "approved"+by(v.By)+" without a usable justification ("+msg+"); conflicts: "+conflictsText(ro.Conflicts)
					continue
				}
				ro.By, ro.Justification = v.By, v.Justification
				approved = append(approved, i)
			default:
				ro.Decision, ro.Reason = NeedsApproval, "the approver has not decided; conflicts: "+conflictsText(ro.Conflicts)
			}
		}
	}
	if len(approved) > 0 {
		if err := g.approve(ctx, req, a, &o, approved); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		o.Error = err.Error()
		return o, err
	}
	return o, nil
}

func by(who string) string {
	if who == "" {
		return ""
	}
	return " by " + who
}

func because(why string) string {
	if why == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", why)
}

// assign groups conflicts by the requested role they are about (its code,
// in any case, or its name); stray are conflicts of no requested role.
func assign(roles []RoleRequest, cs []Conflict) (byRole map[int][]Conflict, stray []Conflict) {
	byRole = map[int][]Conflict{}
	for _, cf := range cs {
		found := false
		for i, r := range roles {
			if strings.EqualFold(cf.InputRoleCode, r.Code) || (cf.InputRoleCode == "" && strings.EqualFold(cf.InputRoleName, r.Code)) {
				byRole[i] = append(byRole[i], cf)
				found = true
				break
			}
		}
		if !found {
			stray = append(stray, cf)
		}
	}
	return byRole, stray
}

// approve approves the accepted roles in Fusion and records each
// justification on the incidents of their conflicts. A role becomes
// Approved only when all of that succeeded.
func (g *Gate) approve(ctx context.Context, req AccessRequest, a *Analysis, o *Outcome, idx []int) error {
	codes := make([]string, len(idx))
	for k, i := range idx {
		codes[k] = req.Roles[i].Code
	}
	if err := g.c.Approve(ctx, a.RequestID, codes); err != nil {
		for _, i := range idx {
			ro := &o.Roles[i]
			ro.Decision, ro.Reason = NeedsApproval, "accepted"+by(ro.By)+", but Fusion's approval failed: "+err.Error()
		}
		return err
	}
	var errs []error
	for _, i := range idx {
		ro := &o.Roles[i]
		if err := g.record(ctx, req.User, ro); err != nil {
			ro.Decision = NeedsApproval
			ro.Reason = "accepted" + by(ro.By) + " and approved in Fusion, but the justification is not recorded: " + err.Error()
			errs = append(errs, err)
			continue
		}
		ro.Decision = Approved
		ro.Reason = "conflicts accepted" + by(ro.By) + because(ro.Justification) + ": " + conflictsText(ro.Conflicts)
	}
	return errors.Join(errs...)
}

// record puts the role's justification on the incidents of its conflicts:
// status Accepted, investigator the approver, and the justification as a
// comment.
func (g *Gate) record(ctx context.Context, user string, ro *RoleOutcome) error {
	done := map[string]bool{}
	for _, cf := range ro.Conflicts {
		if done[cf.ControlID] {
			continue
		}
		done[cf.ControlID] = true
		n := 0
		for inc, err := range g.c.Incidents(ctx, cf.ControlID, IncidentQuery{User: user}) {
			if err != nil {
				return err
			}
			if !incidentOf(&inc, user, ro) {
				continue
			}
			n++
			if inc.Status != IncidentAccepted || (ro.By != "" && inc.Investigator != ro.By) {
				if _, err := g.c.UpdateIncident(ctx, &inc, IncidentUpdate{Status: IncidentAccepted, Investigator: ro.By}); err != nil {
					return err
				}
			}
			if err := g.c.AddComment(ctx, &inc, ro.Justification); err != nil {
				return err
			}
		}
		if n == 0 {
			return fmt.Errorf("fusionsod: control %s has no incident for user %s and role %s to record the justification on", cf.ControlID, user, ro.Role)
		}
	}
	return nil
}

// incidentOf reports whether inc is about user's role of ro (Fusion names
// roles by name or by code).
func incidentOf(inc *Incident, user string, ro *RoleOutcome) bool {
	if inc.User != "" && !strings.EqualFold(inc.User, user) {
		return false
	}
	if strings.EqualFold(inc.Role, ro.Role) {
		return true
	}
	for _, cf := range ro.Conflicts {
		if cf.InputRoleName != "" && strings.EqualFold(inc.Role, cf.InputRoleName) {
			return true
		}
	}
	return false
}

// DecideAll decides every request of reqs, WithConcurrency at a time, and
// yields each outcome as it is ready (not in the order of reqs: match them
// by ID). Breaking out of the loop stops the requests in flight.
func (g *Gate) DecideAll(ctx context.Context, reqs iter.Seq[AccessRequest]) iter.Seq2[Outcome, error] {
	return func(yield func(Outcome, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		type result struct {
			o   Outcome
			err error
		}
		in := make(chan AccessRequest)
		out := make(chan result)
		var wg sync.WaitGroup
		for range g.concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for req := range in {
					o, err := g.Decide(ctx, req)
					select {
					case out <- result{o, err}:
					case <-ctx.Done():
						return
					}
				}
			}()
		}
		go func() {
			defer close(in)
			for req := range reqs {
				select {
				case in <- req:
				case <-ctx.Done():
					return
				}
			}
		}()
		go func() {
			wg.Wait()
			close(out)
		}()
		done := 0
		for r := range out {
			done++
			if g.progress != nil {
				g.progress(done, -1)
			}
			if !yield(r.o, r.err) {
				cancel()
				for range out {
				}
				return
			}
		}
	}
}
