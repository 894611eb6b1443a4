package canonical

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/fusionsod"
)

// Policy holds the choices that turn differences into actions. Its zero value
// is the cautious one: only changes are sent, nobody missing is deactivated,
// assignments and managers are appended to, a rehire gets the old account
// back, and no deactivation at all goes through (both limits are 0).
//
// The list, assignment, manager and missing-person choices are the questions
// of the CMO Compliance HR Integration Instructions, section "Integration
// Logic".
type Policy struct {
	// RunDate is the day the plan is made for. An end date before it makes a
	// leaver; a start date after it is a future join. It is required.
	RunDate Date `json:"runDate"`
	// FullList says desired holds every person of the source, not only those
	// that changed: only then can a person be missing from it.
	FullList bool `json:"fullList"`
	// DeactivateMissing deactivates an active person of current who is
	// missing from desired; without it they are left alone. It needs FullList.
	DeactivateMissing bool `json:"deactivateMissing"`
	// ReplaceAssignments makes desired's assignments the person's full list,
	// removing the others; without it they are appended to the current ones
	// (an assignment of both sides takes desired's fields).
	ReplaceAssignments bool `json:"replaceAssignments"`
	// ReplaceManagers makes desired's managers the person's full list;
	// without it new managers are appended to the current ones.
	ReplaceManagers bool `json:"replaceManagers"`
	// RehireAsNew creates a new account for a rehired person and leaves the
	// old, inactive one alone; without it the old account is reactivated.
	// The new account has the same Key: the applier gives it a new login.
	RehireAsNew bool `json:"rehireAsNew"`
	// MaxDeactivations is the most deactivations one plan may hold (0 or
	// more). Past it or past MaxDeactivationShare, all deactivations are held
	// back.
	MaxDeactivations int `json:"maxDeactivations"`
	// MaxDeactivationShare is the most deactivations one plan may hold as a
	// share of the people active in current, from 0 to 1 (0.05 is 5%).
	MaxDeactivationShare float64 `json:"maxDeactivationShare"`
	// MaxRevokes is the most revokes of access one plan may hold (0 or
	// more), not counting those of held-back deactivations, which are held
	// with them. Past it or past MaxRevokeShare, all revokes are held back.
	MaxRevokes int `json:"maxRevokes,omitzero"`
	// MaxRevokeShare is the most revokes one plan may hold as a share of
	// the grants that people active in current hold, from 0 to 1.
	MaxRevokeShare float64 `json:"maxRevokeShare,omitzero"`
}

// String describes the policy in a line.
func (pol Policy) String() string {
	pick := func(b bool, yes, no string) string {
		if b {
			return yes
		}
		return no
	}
	s := fmt.Sprintf("%s; %s; assignments %s; managers %s; rehires %s; at most %d deactivations and %s of active people",
		pick(pol.FullList, "full list", "changes only"),
		pick(pol.DeactivateMissing, "missing people deactivated", "missing people left alone"),
		pick(pol.ReplaceAssignments, "replaced", "appended"),
		pick(pol.ReplaceManagers, "replaced", "appended"),
		pick(pol.RehireAsNew, "get a new account", "reactivated"),
		pol.MaxDeactivations, percent(pol.MaxDeactivationShare))
	if pol.MaxRevokes > 0 || pol.MaxRevokeShare > 0 {
		s += fmt.Sprintf("; at most %d revokes and %s of current grants", pol.MaxRevokes, percent(pol.MaxRevokeShare))
	}
	return s
}

func percent(share float64) string { return fmt.Sprintf("%.4g%%", share*100) }

// deactivationLimit returns how many deactivations the policy allows when
// active people are active in current.
func (pol Policy) deactivationLimit(active int) int {
	return limit(pol.MaxDeactivations, pol.MaxDeactivationShare, active)
}

// limit returns the smaller of most and share × of.
func limit(most int, share float64, of int) int {
	// The small epsilon keeps 0.29 × 100 at 29, not 28.999….
	return min(most, int(math.Floor(share*float64(of)+1e-9)))
}

// Op is the kind of an Action.
type Op string

// The operations of a plan.
const (
	OpCreate     Op = "create"
	OpReactivate Op = "reactivate"
	OpUpdate     Op = "update"
	OpDeactivate Op = "deactivate"
	// OpGrant gives a person an entitlement (Action.Grant); OpRevoke takes
	// one away.
	OpGrant  Op = "grant"
	OpRevoke Op = "revoke"
)

// Action is one thing to do to one person in a target.
type Action struct {
	Op  Op     `json:"op"`
	Key string `json:"key"`
	// Date is the day the action takes effect: the start date of a create or
	// reactivate, the day after the end date of a leaver's deactivation; the
	// run date when there is no such date or it is not before the run date.
	Date Date `json:"date"`
	// Reason says why, for a person to read: "joined on 2024-03-01",
	// "missing from the full HR list", "moved: assignments[A1].department:
	// Finance → Sales".
	Reason string `json:"reason"`
	// Changes lists the field changes the action makes to the target's record
	// (every given field for a create); nil for a missing person's
	// deactivation.
	Changes []Change `json:"changes"`
	// Person is the record to write: desired's, with the current assignments
	// and managers kept as the policy says; for a missing person, current's.
	// Its Access is desired's; Changes never hold access, which grant and
	// revoke actions carry.
	Person Person `json:"person"`
	// Grant is the entitlement a grant or revoke action gives or takes
	// away, with the rules that give it (for a grant).
	Grant *Grant `json:"grant,omitempty"`
	// SoD is the segregation-of-duties gate's decision on a grant it
	// checked (see SoD.Check): who approved a conflicting role and why.
	SoD *fusionsod.RoleOutcome `json:"sod,omitempty"`
}

// ActionPlan is what Plan returns: the actions to apply, in order, and what
// was held back. It is a plain value: its JSON form decodes to an identical
// plan, so a plan can be reviewed, stored and applied later as reviewed.
type ActionPlan struct {
	// Policy is the policy the plan was made with.
	Policy Policy `json:"policy"`
	// Actions are to be applied in this order: creates and reactivations,
	// managers before the people who report to them and otherwise by key;
	// then updates by key; then revokes, then grants, by key and
	// entitlement; then deactivations by key. So an account exists before
	// its grants, and loses its access before it is switched off.
	Actions []Action `json:"actions"`
	// Held lists the deactivations and revokes held back by the policy's
	// limits (a held deactivation holds its person's revokes too), by key;
	// HeldReason says how many, what the limits are and why.
	Held       []Action `json:"held"`
	HeldReason string   `json:"heldReason"`
	// Denied lists the grants the segregation-of-duties gate refused, and
	// Pending those waiting for an approval, each with the gate's reason
	// and the conflicts (Action.SoD). SoD.Check moves a pending grant back
	// to Actions once it is approved.
	Denied  []Action `json:"denied,omitempty"`
	Pending []Action `json:"pending,omitempty"`
	// Cycles lists the cycles of managers among the people created or
	// reactivated: each is the keys that form it, from the smallest, each
	// key's manager being the next one (the last's is the first). No order
	// can put every manager of a cycle first; its people are planned all the
	// same, in an order that depends only on the keys.
	Cycles [][]string `json:"cycles"`
}

// InputError is a problem with one record or field of Plan's input. Plan
// returns all the problems it finds at once, joined with errors.Join; use
// errors.As to get the first.
type InputError struct {
	// Record names the record: "desired[3] (key E042)", "current[0]",
	// "policy".
	Record string
	// Field is the field's path: "key", "emails", "maxDeactivationShare".
	Field   string
	Problem string
}

// Error returns "canonical: record: field: problem".
func (e *InputError) Error() string {
	return "canonical: " + e.Record + ": " + e.Field + ": " + e.Problem
}

// Plan compares the people HR says there should be (desired) with the people
// a target holds (current), both keyed by Person.Key, and returns the actions
// that bring the target in line, under policy:
//
//   - Create: in desired and employed on the run date (active, pending, or
//     with a start date yet to come), absent from current. A person never
//     created who has already left is not created.
//   - Reactivate: employed in desired, inactive (or ended) in current; with
//     RehireAsNew, a Create instead.
//   - Update: employed on both sides, with changes (see Diff: a field desired
//     does not give is never a change).
//   - Deactivate: employed in current, and in desired inactive or with an end
//     date before the run date, or missing from desired when the policy says
//     so. When there are more deactivations than the policy's limit, all of
//     them are held back and the rest of the plan goes through.
//
// "Employed" on the run date means a status other than inactive and no end
// date before the run date; a record whose status is not given counts as
// employed unless its end date says otherwise.
//
// People inactive on both sides are left alone. The plan shares the slices and
// maps of the records it holds with desired and current: change neither while
// the plan is in use (its JSON form is a copy). Plan checks the policy and
// every record first and returns an error naming each bad record and field:
// an empty or repeated key, an unknown status, an invalid date, a repeated
// e-mail or phone type, an assignment without an ID or with a repeated one, an
// empty manager key.
func Plan(desired, current []Person, policy Policy) (*ActionPlan, error) {
	errs := policy.check()
	want, errs := byKey("desired", desired, errs)
	have, errs := byKey("current", current, errs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	var ups, updates, downs []Action
	var grants, revokes []accessStep
	var dbuf, cbuf Person // d and c without their access
	for i, j := 0, 0; i < len(want) || j < len(have); {
		var d, c *Person
		switch {
		case j == len(have) || i < len(want) && want[i].Key < have[j].Key:
			d, i = want[i], i+1
		case i == len(want) || have[j].Key < want[i].Key:
			c, j = have[j], j+1
		default:
			d, c, i, j = want[i], have[j], i+1, j+1
		}
		a, ok := policy.action(strip(&dbuf, d), strip(&cbuf, c))
		if ok && d != nil {
			a.Person.Access = d.Access
		}
		policy.accessActions(d, c, &a, ok, &grants, &revokes)
		switch {
		case !ok:
		case a.Op == OpUpdate:
			updates = append(updates, a)
		case a.Op == OpDeactivate:
			downs = append(downs, a)
		default:
			ups = append(ups, a)
		}
	}
	p := &ActionPlan{Policy: policy}
	p.Actions, p.Cycles = managersFirst(ups)
	p.Actions = append(p.Actions, updates...)
	active, held := 0, 0
	for _, c := range have {
		if employed(c, policy.RunDate) {
			active++
			held += len(c.Access)
		}
	}
	var reasons []string
	if limit := policy.deactivationLimit(active); len(downs) > limit {
		// A held-back leaver keeps their access too: the revokes of the
		// people held go with them.
		leaving := make(map[string]bool, len(downs))
		for _, a := range downs {
			leaving[a.Key] = true
		}
		var theirs []accessStep
		revokes, theirs = partition(revokes, func(s *accessStep) bool { return leaving[s.p.Key] })
		p.Held = append(actions(nil, theirs), downs...)
		reason := fmt.Sprintf("%d deactivation(s) held back, more than the limit of %d "+
			"(at most %d by count, and %s of the %d active people by share)",
			len(downs), limit, policy.MaxDeactivations, percent(policy.MaxDeactivationShare), active)
		if len(theirs) > 0 {
			reason += fmt.Sprintf(", with the %d revoke(s) of their access", len(theirs))
		}
		reasons = append(reasons, reason)
		downs = nil
	}
	if limit := limit(policy.MaxRevokes, policy.MaxRevokeShare, held); len(revokes) > limit {
		p.Held = append(actions(nil, revokes), p.Held...)
		reasons = append(reasons, fmt.Sprintf("%d revoke(s) of access held back, more than the limit of %d "+
			"(at most %d by count, and %s of the %d grants active people hold by share)",
			len(revokes), limit, policy.MaxRevokes, percent(policy.MaxRevokeShare), held))
		revokes = nil
	}
	if len(reasons) > 0 {
		p.HeldReason = strings.Join(reasons, "; ") + "; check the HR data, then plan again with a higher limit to let them through"
	}
	p.Actions = slices.Grow(p.Actions, len(revokes)+len(grants)+len(downs))
	p.Actions = append(actions(actions(p.Actions, revokes), grants), downs...)
	return p, nil
}

// accessStep is a grant or revoke being planned: the action, short of the
// copy of the person's record (desired's, with its access, so that an
// applier that sets a person's whole list of groups knows it), which
// actions makes once it is known where the action goes.
type accessStep struct {
	op     Op
	p      *Person
	g      *Grant
	date   Date
	reason string
}

// actions appends the actions of steps to list.
func actions(list []Action, steps []accessStep) []Action {
	list = slices.Grow(list, len(steps))
	for _, s := range steps {
		list = append(list, Action{Op: s.op, Key: s.p.Key, Date: s.date, Reason: s.reason, Person: *s.p, Grant: s.g})
	}
	return list
}

// partition returns the items of list that keep does not hold for, and
// those it holds for, each in list's order.
func partition[T any](list []T, keep func(*T) bool) (out, in []T) {
	for i := range list {
		if keep(&list[i]) {
			in = append(in, list[i])
		} else {
			out = append(out, list[i])
		}
	}
	return out, in
}

// strip returns p without its access, copied to buf when it has some, so
// that the account's changes hold none; nil for nil.
func strip(buf, p *Person) *Person {
	if p == nil || p.Access == nil {
		return p
	}
	*buf = *p
	buf.Access = nil
	return buf
}

// accessActions returns the grants and revokes for a person desired d and
// current c (either may be nil), whose account action is a (ok false when
// there is none). A person who leaves loses every grant current holds; an
// employed person gets what desired gives and current lacks, and, when both
// sides give their access, loses what current holds and desired no longer
// gives. Access not given on desired's side changes nothing but a leaver's.
func (pol Policy) accessActions(d, c *Person, a *Action, ok bool, grants, revokes *[]accessStep) {
	leaving := ok && a.Op == OpDeactivate
	date := pol.RunDate
	if ok {
		date = a.Date
	}
	add := func(list *[]accessStep, op Op, p *Person, g *Grant, reason string) {
		*list = append(*list, accessStep{op: op, p: p, g: g, date: date, reason: reason})
	}
	switch {
	case leaving:
		if c != nil && len(c.Access) > 0 {
			why := a.Reason + ": loses every grant"
			for i := range c.Access {
				add(revokes, OpRevoke, cmp.Or(d, c), &c.Access[i], why)
			}
		}
		return
	case d == nil || d.Access == nil || !employed(d, pol.RunDate):
		return
	}
	var have []Grant
	if c != nil && (!ok || a.Op != OpCreate) { // a new account (RehireAsNew) holds nothing yet
		have = c.Access
	}
	for i := range d.Access {
		g := &d.Access[i]
		why := cmp.Or(g.Why(), "HR's side gives it")
		old := find(have, &g.Entitlement)
		switch {
		case old == nil:
			add(grants, OpGrant, d, g, why)
		case !sameAccess(old, g):
			add(grants, OpGrant, d, g, fmt.Sprintf("data access %s → %s; %s",
				orNone(setText(old.DataAccess)), orNone(setText(g.DataAccess)), why))
		}
	}
	if c == nil || c.Access == nil || len(have) == 0 {
		return
	}
	why := "no rule gives it any more"
	if ok && a.Op == OpUpdate && strings.HasPrefix(a.Reason, "moved: ") {
		why += " (" + a.Reason + ")"
	}
	for i := range have {
		if find(d.Access, &have[i].Entitlement) == nil {
			add(revokes, OpRevoke, d, &have[i], why)
		}
	}
}

func (pol Policy) check() []error {
	var errs []error
	bad := func(field, problem string) {
		errs = append(errs, &InputError{Record: "policy", Field: field, Problem: problem})
	}
	if pol.RunDate.IsZero() {
		bad("runDate", "is required")
	} else if !pol.RunDate.IsValid() {
		bad("runDate", notADate(pol.RunDate))
	}
	if pol.DeactivateMissing && !pol.FullList {
		bad("deactivateMissing", "needs fullList: in a list of changes, nobody is missing")
	}
	if pol.MaxDeactivations < 0 {
		bad("maxDeactivations", fmt.Sprintf("%d is negative", pol.MaxDeactivations))
	}
	if !(pol.MaxDeactivationShare >= 0 && pol.MaxDeactivationShare <= 1) {
		bad("maxDeactivationShare", fmt.Sprintf("%g is not between 0 and 1", pol.MaxDeactivationShare))
	}
	if pol.MaxRevokes < 0 {
		bad("maxRevokes", fmt.Sprintf("%d is negative", pol.MaxRevokes))
	}
	if !(pol.MaxRevokeShare >= 0 && pol.MaxRevokeShare <= 1) {
		bad("maxRevokeShare", fmt.Sprintf("%g is not between 0 and 1", pol.MaxRevokeShare))
	}
	return errs
}

// byKey returns the people of list sorted by key, adding to errs a problem
// for each bad record and each repeat of a key.
func byKey(side string, list []Person, errs []error) ([]*Person, []error) {
	record := func(i int) string {
		if list[i].Key == "" {
			return fmt.Sprintf("%s[%d]", side, i)
		}
		return fmt.Sprintf("%s[%d] (key %s)", side, i, list[i].Key)
	}
	// Sorting (key, index) pairs rather than indexes keeps the comparisons
	// off the large Person records.
	type entry struct {
		key string
		i   int
	}
	idx := make([]entry, 0, len(list))
	for i := range list {
		for _, pr := range problems(&list[i]) {
			errs = append(errs, &InputError{Record: record(i), Field: pr[0], Problem: pr[1]})
		}
		if list[i].Key != "" {
			idx = append(idx, entry{list[i].Key, i})
		}
	}
	slices.SortFunc(idx, func(a, b entry) int { return cmp.Or(strings.Compare(a.key, b.key), a.i-b.i) })
	out := make([]*Person, 0, len(idx))
	first := 0 // the index in list of the first record with the key
	for n, e := range idx {
		if n > 0 && e.key == idx[n-1].key {
			errs = append(errs, &InputError{Record: record(e.i), Field: "key",
				Problem: fmt.Sprintf("repeats the key of %s[%d]", side, first)})
			continue
		}
		first = e.i
		out = append(out, &list[e.i])
	}
	return out, errs
}

// problems returns the field and problem of each fault of p; nil when none.
func problems(p *Person) [][2]string {
	var out [][2]string
	bad := func(field, problem string) { out = append(out, [2]string{field, problem}) }
	if p.Key == "" {
		bad("key", "is empty")
	}
	if st, ok := p.Employment.Status.Get(); ok && st != StatusActive && st != StatusInactive && st != StatusPending {
		bad("employment.status", fmt.Sprintf("%q is not active, inactive or pending", st))
	}
	dates := [...]struct {
		field string
		date  Date
	}{{"employment.start", p.Employment.Start.Or(Date{})}, {"employment.end", p.Employment.End.Or(Date{})}}
	for _, f := range dates {
		if d := f.date; !d.IsZero() && !d.IsValid() {
			bad(f.field, notADate(d))
		}
	}
	if k, ok := repeated(p.Emails, func(e Email) string { return e.Type }); ok {
		bad("emails", fmt.Sprintf("type %q given twice", k))
	}
	if k, ok := repeated(p.Phones, func(e Phone) string { return e.Type }); ok {
		bad("phones", fmt.Sprintf("type %q given twice", k))
	}
	if slices.ContainsFunc(p.Assignments, func(a Assignment) bool { return a.ID == "" }) {
		bad("assignments", "an assignment has no ID")
	} else if k, ok := repeated(p.Assignments, func(a Assignment) string { return a.ID }); ok {
		bad("assignments", fmt.Sprintf("ID %q given twice", k))
	}
	if slices.Contains(p.Managers, "") {
		bad("managers", "holds an empty key")
	}
	accessProblems(p, bad)
	return out
}

func notADate(d Date) string {
	return fmt.Sprintf("%04d-%02d-%02d is not a valid date", d.Year, int(d.Month), d.Day)
}

// repeated returns a key that two items of list share.
func repeated[T any](list []T, key func(T) string) (string, bool) {
	if len(list) <= 16 { // the usual case: no map to allocate
		for i := range list {
			for j := range i {
				if k := key(list[i]); k == key(list[j]) {
					return k, true
				}
			}
		}
		return "", false
	}
	seen := make(map[string]bool, len(list))
	for _, x := range list {
		k := key(x)
		if seen[k] {
			return k, true
		}
		seen[k] = true
	}
	return "", false
}

// action returns the action for a person desired d and current c (either may
// be nil), and false when there is nothing to do.
func (pol Policy) action(d, c *Person) (Action, bool) {
	run := pol.RunDate
	switch {
	case d == nil:
		if !pol.DeactivateMissing || !employed(c, run) {
			return Action{}, false
		}
		return Action{Op: OpDeactivate, Key: c.Key, Date: run, Reason: "missing from the full HR list", Person: *c}, true
	case c == nil:
		if !employed(d, run) {
			return Action{}, false
		}
		return pol.create(d, joinReason(d, run)), true
	}
	want := pol.merge(c, d)
	is, was := employed(d, run), employed(c, run)
	start := d.Employment.Start.Or(Date{})
	switch {
	case is && !was && pol.RehireAsNew:
		return pol.create(d, rehireReason(d)+": a new account, the old one stays inactive"), true
	case is && !was:
		return Action{Op: OpReactivate, Key: d.Key, Date: pol.onOrRun(start), Reason: rehireReason(d),
			Changes: Diff(*c, want), Person: want}, true
	case !is && was:
		a := Action{Op: OpDeactivate, Key: d.Key, Date: run, Reason: "inactive in HR",
			Changes: Diff(*c, want), Person: want}
		if end := d.Employment.End.Or(Date{}); !end.IsZero() && end.Before(run) {
			a.Date, a.Reason = end.AddDays(1), "left on "+end.String()
		}
		return a, true
	case is && was:
		ch := Diff(*c, want)
		if len(ch) == 0 {
			return Action{}, false
		}
		verb := "changed: "
		if slices.ContainsFunc(ch, isMove) {
			verb = "moved: "
		}
		return Action{Op: OpUpdate, Key: d.Key, Date: run, Reason: verb + changesText(ch), Changes: ch, Person: want}, true
	}
	return Action{}, false
}

func (pol Policy) create(d *Person, reason string) Action {
	return Action{Op: OpCreate, Key: d.Key, Date: pol.onOrRun(d.Employment.Start.Or(Date{})), Reason: reason,
		Changes: Diff(Person{}, *d), Person: *d}
}

// onOrRun returns d, or the run date when d is zero.
func (pol Policy) onOrRun(d Date) Date {
	if d.IsZero() {
		return pol.RunDate
	}
	return d
}

func joinReason(d *Person, run Date) string {
	start := d.Employment.Start.Or(Date{})
	st, _ := d.Employment.Status.Get()
	switch {
	case st == StatusPending && start.IsZero():
		return "pending worker, no start date yet"
	case st == StatusPending:
		return "pending worker, joins on " + start.String()
	case start.IsZero():
		return "new in HR, no start date given"
	case start.After(run):
		return "joins on " + start.String()
	}
	return "joined on " + start.String()
}

func rehireReason(d *Person) string {
	if start := d.Employment.Start.Or(Date{}); !start.IsZero() {
		return "rehired on " + start.String()
	}
	return "active again in HR"
}

func changesText(ch []Change) string {
	var b strings.Builder
	for i, c := range ch {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.String())
	}
	return b.String()
}

// merge returns the record to write for d over c: d, with c's assignments
// and managers kept unless the policy replaces them.
func (pol Policy) merge(c, d *Person) Person {
	w := *d
	if !pol.ReplaceManagers && d.Managers != nil {
		for _, m := range c.Managers {
			if !slices.Contains(w.Managers, m) {
				w.Managers = append(slices.Clip(w.Managers), m)
			}
		}
	}
	if !pol.ReplaceAssignments && d.Assignments != nil {
		for _, a := range c.Assignments {
			if !slices.ContainsFunc(d.Assignments, func(x Assignment) bool { return x.ID == a.ID }) {
				w.Assignments = append(slices.Clip(w.Assignments), a)
			}
		}
	}
	return w
}

// managersFirst orders creates and reactivations so that a manager comes
// before the people who report to them, and otherwise by key (ups is sorted
// by key). It returns the cycles it met instead of looping on them.
func managersFirst(ups []Action) ([]Action, [][]string) {
	pos := make(map[string]int, len(ups))
	for i, a := range ups {
		pos[a.Key] = i
	}
	const (
		unseen = iota
		open
		done
	)
	state := make([]uint8, len(ups))
	out := make([]Action, 0, len(ups))
	var path []int
	var cycles [][]string
	var visit func(i int)
	visit = func(i int) {
		state[i] = open
		path = append(path, i)
		managers := ups[i].Person.Managers
		if len(managers) > 1 {
			managers = slices.Sorted(slices.Values(managers))
		}
		for _, m := range managers {
			j, ok := pos[m]
			switch {
			case !ok:
			case state[j] == unseen:
				visit(j)
			case state[j] == open:
				cycles = append(cycles, cycleKeys(ups, path[slices.Index(path, j):]))
			}
		}
		path = path[:len(path)-1]
		state[i] = done
		out = append(out, ups[i])
	}
	for i := range ups {
		if state[i] == unseen {
			visit(i)
		}
	}
	return out, cycles
}

// cycleKeys returns the keys of a cycle, turned to start at the smallest.
func cycleKeys(ups []Action, cycle []int) []string {
	keys := make([]string, len(cycle))
	for i, j := range cycle {
		keys[i] = ups[j].Key
	}
	low := slices.Index(keys, slices.Min(keys))
	return append(keys[low:], keys[:low]...)
}
