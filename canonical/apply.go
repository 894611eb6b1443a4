package canonical

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// Outcome is what became of one action of a plan.
type Outcome string

// The outcomes of an action.
const (
	// Started: the action was sent and no outcome came back (the run
	// stopped); a new Apply asks the applier whether it took effect (see
	// Checker), or else sends it again.
	Started Outcome = "started"
	Done    Outcome = "done"
	Failed  Outcome = "failed"
	// Skipped: an earlier action of the same person failed (their account
	// was not created, say), so this one was not tried.
	Skipped Outcome = "skipped"
)

// Entry is the outcome of one action.
type Entry struct {
	// Action is the action's index in the plan's Actions.
	Action      int     `json:"action"`
	Op          Op      `json:"op"`
	Key         string  `json:"key"`
	Entitlement string  `json:"entitlement,omitempty"`
	Outcome     Outcome `json:"outcome"`
	// Error says why an action failed or was skipped; Err is the applier's
	// typed error, for errors.Is and errors.As, in the run that met it (it
	// is not stored).
	Error string `json:"error,omitempty"`
	Err   error  `json:"-"`
}

// Journal records the outcome of each action of one plan applied to one
// target. It is a plain value the caller stores (its JSON form) between
// runs: Apply given the journal of an earlier, interrupted run does what is
// left and nothing twice.
type Journal struct {
	// Plan is the digest of the plan (ActionPlan.Digest) and Target the
	// applier's target.
	Plan    string  `json:"plan"`
	Target  string  `json:"target"`
	Entries []Entry `json:"entries"`
}

// Last returns the last entry of action i, if any.
func (j *Journal) Last(i int) (Entry, bool) {
	for k := len(j.Entries) - 1; k >= 0; k-- {
		if j.Entries[k].Action == i {
			return j.Entries[k], true
		}
	}
	return Entry{}, false
}

// Applier writes a plan's actions to one target: its accounts, and the
// grants and revokes of the entitlements whose System is Target(). Apply
// must be idempotent for an action that may have been sent before (a run
// stopped after sending it): creating what exists updates it, granting
// what is held changes nothing.
type Applier interface {
	Target() string
	Apply(ctx context.Context, a *Action) error
}

// Checker is an Applier that can tell whether an action took effect; Apply
// asks it about an action the journal shows Started, and sends the action
// again only when it did not.
type Checker interface {
	Applied(ctx context.Context, a *Action) (bool, error)
}

// ApplyOptions are Apply's options; the zero value is valid.
type ApplyOptions struct {
	// Record is called with each entry as soon as it is known: a Started
	// entry just before an action is sent, then its outcome, before the
	// next action. Store the journal there, so that a crash loses nothing.
	// An error from it stops Apply (a Started entry not stored means the
	// action was not sent).
	Record func(j *Journal, e Entry) error
	// Progress is called after each action with the number of actions
	// settled so far (done before or now, failed, skipped) and the total.
	Progress func(done, total int)
	// Current, when not nil, is the target's people read again just before
	// applying. Apply refuses the plan when a person with an account action
	// not yet done differs from the record the plan was made from: the
	// target changed since the plan was reviewed, plan again.
	Current []Person
}

// ErrStalePlan is the error Apply returns when the journal is of another
// plan or target, or the target's people changed since the plan was made.
var ErrStalePlan = errors.New("canonical: the plan does not match")

// Digest returns a digest of the plan's JSON form: two plans with the same
// digest hold the same actions, people and decisions.
func (p *ActionPlan) Digest() string {
	b, err := json.Marshal(p)
	if err != nil { // cannot happen: a plan holds no value JSON refuses
		return "unencodable: " + err.Error()
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// Apply applies the plan's actions through ap, in order, recording each
// outcome in j. Actions j already shows done are not sent again. When an
// action fails, the later actions of the same person are skipped, but a
// deactivation: switching an account off takes away more than any revoke.
//
// Before anything is written, Apply refuses (with an error naming the
// problem) a journal of another plan or target (errors.Is ErrStalePlan), a
// grant or revoke of a system ap does not write to, and, with
// ApplyOptions.Current, a plan whose people changed in the target. It
// returns an error saying how many actions failed, joined with their
// errors, or nil when every action is done.
func Apply(ctx context.Context, p *ActionPlan, ap Applier, j *Journal, opts ApplyOptions) error {
	digest, target := p.Digest(), ap.Target()
	switch {
	case j.Plan == "" && len(j.Entries) > 0:
		return fmt.Errorf("%w: the journal has entries but names no plan", ErrStalePlan)
	case j.Plan != "" && j.Plan != digest:
		return fmt.Errorf("%w: the journal is of plan %s, not of this plan (%s); apply the plan it was made for, or start a new journal", ErrStalePlan, j.Plan, digest)
	case j.Target != "" && j.Target != target:
		return fmt.Errorf("%w: the journal is of target %q, not %q", ErrStalePlan, j.Target, target)
	}
	var errs []error
	for i, a := range p.Actions {
		if a.Grant != nil && a.Grant.System != target {
			errs = append(errs, &InputError{Record: fmt.Sprintf("plan.actions[%d] (%s %s)", i, a.Op, a.Key), Field: "grant.system",
				Problem: fmt.Sprintf("no applier for %q here (the applier writes to %q)", a.Grant.System, target)})
		}
	}
	if opts.Current != nil {
		errs = append(errs, stale(p, j, opts.Current)...)
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	j.Plan, j.Target = digest, target
	record := func(e Entry) error {
		j.Entries = append(j.Entries, e)
		if opts.Record != nil {
			return opts.Record(j, e)
		}
		return nil
	}
	failedKey := map[string]int{}
	var failures []error
	for i := range p.Actions {
		a := &p.Actions[i]
		last, seen := j.Last(i)
		if seen && last.Outcome == Done {
			progress(opts, i, len(p.Actions))
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		e := Entry{Action: i, Op: a.Op, Key: a.Key}
		if a.Grant != nil {
			e.Entitlement = a.Grant.Key()
		}
		if k, ok := failedKey[a.Key]; ok && a.Op != OpDeactivate {
			e.Outcome, e.Error = Skipped, fmt.Sprintf("action %d of %s failed", k, a.Key)
			if err := record(e); err != nil {
				return err
			}
			progress(opts, i, len(p.Actions))
			continue
		}
		err := applyOnce(ctx, ap, a, seen && last.Outcome == Started, func() error {
			s := e
			s.Outcome = Started
			return record(s)
		})
		var stop *stopError
		if errors.As(err, &stop) {
			return stop.err
		}
		e.Outcome = Done
		if err != nil {
			e.Outcome, e.Error, e.Err = Failed, err.Error(), err
			failedKey[a.Key] = i
			failures = append(failures, fmt.Errorf("action %d (%s %s): %w", i, a.Op, a.Key, err))
		}
		if err := record(e); err != nil {
			return err
		}
		progress(opts, i, len(p.Actions))
	}
	if len(failures) > 0 {
		return fmt.Errorf("canonical: apply: %d of %d actions failed: %w", len(failures), len(p.Actions), errors.Join(failures...))
	}
	return nil
}

// stopError carries an error of the journal's storage out of applyOnce.
type stopError struct{ err error }

func (e *stopError) Error() string { return e.err.Error() }

// applyOnce sends a, unless it was started in an earlier run and the
// applier tells it took effect. It records a Started entry first.
func applyOnce(ctx context.Context, ap Applier, a *Action, started bool, start func() error) error {
	if ch, ok := ap.(Checker); ok && started {
		done, err := ch.Applied(ctx, a)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
	if err := start(); err != nil {
		return &stopError{err}
	}
	return ap.Apply(ctx, a)
}

func progress(opts ApplyOptions, i, total int) {
	if opts.Progress != nil {
		opts.Progress(i+1, total)
	}
}

// stale returns an error for each person whose account action is not done
// and whose record in current differs from the one the plan was made from.
func stale(p *ActionPlan, j *Journal, current []Person) []error {
	now := make(map[string]*Person, len(current))
	for i := range current {
		now[current[i].Key] = &current[i]
	}
	touched := map[string]bool{}
	for _, e := range j.Entries {
		if e.Outcome == Done || e.Outcome == Started {
			touched[e.Key] = true
		}
	}
	var errs []error
	var cbuf, abuf Person
	for i, a := range p.Actions {
		if a.Grant != nil || touched[a.Key] {
			continue
		}
		c := now[a.Key]
		var problem string
		switch {
		case a.Op == OpCreate:
			if c != nil && employed(c, p.Policy.RunDate) {
				problem = "the target now holds an active account for the person the plan creates"
			}
		case c == nil:
			problem = "the target no longer holds the person"
		case a.Changes != nil && !slices.Equal(Diff(*strip(&cbuf, c), *strip(&abuf, &a.Person)), a.Changes):
			problem = "the target's record changed since the plan was made"
		}
		if problem != "" {
			errs = append(errs, fmt.Errorf("%w: plan.actions[%d] (%s %s): %s; plan again", ErrStalePlan, i, a.Op, a.Key, problem))
		}
	}
	return errs
}
