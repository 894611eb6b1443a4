package canonical

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Mode says which actions a sync may take, as an integration's
// preferences do ("Integration preferences" of the Sage People user
// integration: Create & Update, Create only, Update only).
type Mode string

// The modes.
const (
	// CreateAndUpdate adds and updates records: every action of the plan.
	// It is the mode of the zero Preferences.
	CreateAndUpdate Mode = "create & update"
	// CreateOnly adds records: only creates; people the target already
	// holds are left as they are.
	CreateOnly Mode = "create only"
	// UpdateOnly updates records the target holds: updates, reactivations
	// and deactivations (a change of status is an update of the record);
	// nobody is created.
	UpdateOnly Mode = "update only"
)

// DefaultSyncKey is the field that pairs HR people with a target's records
// when Preferences do not say: the work e-mail address.
const DefaultSyncKey = "emails[work]"

// Filter keeps the people whose Field holds one of Values (compared
// without regard to case). Field is a path as Diff names fields:
// "key", "userName", "name.given", "emails[work]", "phones[mobile]",
// "logins[ad]", "address.country", "employment.status",
// "assignments.department" (of the primary assignment),
// "attributes[sagepeople.region]".
type Filter struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// Preferences are an integration's choices on top of a Policy: what it may
// do (Mode), what pairs a person with a target's record (SyncKey), whom it
// syncs (Filters) and the role every account it creates carries (Role).
// They reuse the Policy (run date, full list, deactivation limits) and
// Plan; the zero Preferences create and update, pair by work e-mail, sync
// everyone and add no role.
type Preferences struct {
	Mode Mode `json:"mode,omitempty"`
	// SyncKey is the path (see Filter) of a field unique to each person:
	// DefaultSyncKey when empty; "key" keeps Person.Key. E-mail addresses,
	// user names and logins are compared without regard to case.
	SyncKey string `json:"syncKey,omitempty"`
	// Filters keep only the desired people every filter accepts ("only
	// some regions, only some people"). People they leave out are out of
	// scope: no action is planned for them, on either side.
	Filters []Filter `json:"filters,omitempty"`
	// Role is added to the primary assignment of every person created.
	Role string `json:"role,omitempty"`
}

// PreferencePlan is a plan made under Preferences, with what they left out.
type PreferencePlan struct {
	Preferences Preferences `json:"preferences"`
	// Plan is the plan of the people in scope, keyed by the sync key, with
	// only the actions the mode allows.
	Plan *ActionPlan `json:"plan"`
	// Skipped are the actions the mode does not allow (creates under
	// UpdateOnly, the rest under CreateOnly, held deactivations included).
	Skipped []Action `json:"skipped"`
	// OutOfScope lists, by sync key, the desired people the filters leave
	// out.
	OutOfScope []string `json:"outOfScope"`
}

// Plan applies the preferences to desired and current and plans with
// policy: people are keyed by the sync key (a record without a value for
// it is an error naming it), the filters select the people in scope, Plan
// plans for them, the mode keeps the actions it allows, and creates get
// the role.
func (pr Preferences) Plan(desired, current []Person, policy Policy) (*PreferencePlan, error) {
	key := pr.SyncKey
	if key == "" {
		key = DefaultSyncKey
	}
	errs := pr.check(key)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	in, out := make([]bool, len(desired)), map[string]bool{}
	for i := range desired {
		in[i] = pr.accepts(&desired[i])
	}
	want, errs := rekey("desired", desired, key, in, errs)
	have, errs := rekey("current", current, key, nil, errs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	scoped := want[:0]
	res := &PreferencePlan{Preferences: pr, OutOfScope: []string{}, Skipped: []Action{}}
	for i, p := range want {
		if in[i] {
			scoped = append(scoped, p)
		} else if p.Key != "" {
			out[p.Key] = true
			res.OutOfScope = append(res.OutOfScope, p.Key)
		}
	}
	have = slices.DeleteFunc(have, func(p Person) bool { return out[p.Key] })
	slices.Sort(res.OutOfScope)
	plan, err := Plan(scoped, have, policy)
	if err != nil {
		return nil, err
	}
	res.Plan = plan
	pr.apply(res)
	return res, nil
}

// check refuses an unknown mode or field path.
func (pr Preferences) check(key string) []error {
	var errs []error
	bad := func(field, problem string) {
		errs = append(errs, &InputError{Record: "preferences", Field: field, Problem: problem})
	}
	switch pr.Mode {
	case "", CreateAndUpdate, CreateOnly, UpdateOnly:
	default:
		bad("mode", fmt.Sprintf("%q is not %q, %q or %q", pr.Mode, CreateAndUpdate, CreateOnly, UpdateOnly))
	}
	if _, err := fieldValue(&Person{}, key); err != nil {
		bad("syncKey", err.Error())
	}
	for i, f := range pr.Filters {
		if _, err := fieldValue(&Person{}, f.Field); err != nil {
			bad(fmt.Sprintf("filters[%d].field", i), err.Error())
		}
		if len(f.Values) == 0 {
			bad(fmt.Sprintf("filters[%d].values", i), "is empty: the filter would keep nobody")
		}
	}
	return errs
}

// accepts reports whether every filter keeps p.
func (pr Preferences) accepts(p *Person) bool {
	for _, f := range pr.Filters {
		v, _ := fieldValue(p, f.Field)
		if !slices.ContainsFunc(f.Values, func(w string) bool { return strings.EqualFold(strings.TrimSpace(w), v) }) {
			return false
		}
	}
	return true
}

// rekey returns a copy of list keyed by the field at path, managers too.
// A record without a value is an error when need is nil or need[i].
func rekey(side string, list []Person, path string, need []bool, errs []error) ([]Person, []error) {
	if path == "key" {
		return slices.Clone(list), errs
	}
	keys := make(map[string]string, len(list))
	out := make([]Person, len(list))
	for i := range list {
		v, _ := fieldValue(&list[i], path)
		if v != "" && caseless(path) {
			v = strings.ToLower(v)
		}
		if v == "" && (need == nil || need[i]) {
			errs = append(errs, &InputError{Record: fmt.Sprintf("%s[%d] (key %s)", side, i, list[i].Key), Field: path,
				Problem: "has no value: the record cannot be paired by the sync key"})
		}
		keys[list[i].Key] = v
		out[i] = list[i]
		out[i].Key = v
	}
	for i := range out {
		if out[i].Managers == nil {
			continue
		}
		ms := make([]string, 0, len(out[i].Managers))
		for _, m := range out[i].Managers {
			if k, ok := keys[m]; ok && k != "" {
				m = k
			}
			ms = append(ms, m)
		}
		out[i].Managers = ms
	}
	return out, errs
}

// caseless reports the paths whose values compare without regard to case.
func caseless(path string) bool {
	return strings.HasPrefix(path, "emails[") || path == "userName" || strings.HasPrefix(path, "logins[")
}

// fieldValue returns the value at path in p ("" when p has none), or an
// error when path names no field.
func fieldValue(p *Person, path string) (string, error) {
	if name, arg, ok := strings.Cut(path, "["); ok && strings.HasSuffix(arg, "]") && len(arg) > 1 {
		arg = arg[:len(arg)-1]
		switch name {
		case "emails":
			for _, e := range p.Emails {
				if e.Type == arg {
					return strings.TrimSpace(e.Address), nil
				}
			}
			return "", nil
		case "phones":
			for _, ph := range p.Phones {
				if ph.Type == arg {
					return strings.TrimSpace(ph.Number), nil
				}
			}
			return "", nil
		case "logins":
			return strings.TrimSpace(p.Logins[arg]), nil
		case "attributes":
			return strings.TrimSpace(p.Attributes[arg]), nil
		}
	}
	text := func(o Opt[string]) (string, error) { return strings.TrimSpace(o.Or("")), nil }
	a := primary(p.Assignments)
	if a == nil {
		a = &Assignment{}
	}
	switch path {
	case "key":
		return p.Key, nil
	case "userName":
		return text(p.UserName)
	case "name.given":
		return text(p.Name.Given)
	case "name.family":
		return text(p.Name.Family)
	case "name.display":
		return text(p.Name.Display)
	case "address.city":
		return text(p.Address.City)
	case "address.state":
		return text(p.Address.State)
	case "address.postalCode":
		return text(p.Address.PostalCode)
	case "address.country":
		return text(p.Address.Country)
	case "employment.status":
		st, _ := p.Employment.Status.Get()
		return string(st), nil
	case "employment.workerType":
		wt, _ := p.Employment.WorkerType.Get()
		return string(wt), nil
	case "assignments.department":
		return text(a.Department)
	case "assignments.location":
		return text(a.Location)
	case "assignments.job":
		return text(a.Job)
	case "assignments.businessUnit":
		return text(a.BusinessUnit)
	case "assignments.entity":
		return text(a.Entity)
	case "assignments.orgUnit":
		return text(a.OrgUnit)
	}
	return "", fmt.Errorf("%q names no field a filter or sync key can use", path)
}

// apply keeps the actions the mode allows, moves the others to Skipped,
// and gives every create the role.
func (pr Preferences) apply(res *PreferencePlan) {
	p := res.Plan
	allowed := func(op Op) bool {
		switch pr.Mode {
		case CreateOnly:
			return op == OpCreate
		case UpdateOnly:
			return op != OpCreate
		}
		return true
	}
	kept := make([]Action, 0, len(p.Actions))
	for _, a := range p.Actions {
		if !allowed(a.Op) {
			res.Skipped = append(res.Skipped, a)
			continue
		}
		if a.Op == OpCreate && pr.Role != "" {
			a = withRole(a, pr.Role)
		}
		kept = append(kept, a)
	}
	p.Actions = kept
	if len(p.Held) > 0 && !allowed(OpDeactivate) {
		res.Skipped = append(res.Skipped, p.Held...)
		p.Held, p.HeldReason = nil, ""
	}
	p.Cycles = slices.DeleteFunc(p.Cycles, func(cycle []string) bool {
		return slices.ContainsFunc(cycle, func(k string) bool {
			return !slices.ContainsFunc(kept, func(a Action) bool { return a.Key == k })
		})
	})
}

// withRole returns a create whose person carries role in its primary
// assignment (a new one, "role", when it has none).
func withRole(a Action, role string) Action {
	as := slices.Clone(a.Person.Assignments)
	i := slices.IndexFunc(as, func(x Assignment) bool { return x.Primary.Or(false) })
	if i < 0 && len(as) > 0 {
		i = 0
	}
	if i < 0 {
		as = append(as, Assignment{ID: "role", Primary: Some(true)})
		i = len(as) - 1
	}
	if !slices.Contains(as[i].Roles, role) {
		as[i].Roles = append(slices.Clone(as[i].Roles), role)
		slices.Sort(as[i].Roles)
	}
	a.Person.Assignments = as
	a.Changes = Diff(Person{}, a.Person)
	return a
}
