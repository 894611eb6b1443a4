package canonical

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/cmo"
)

// Attributes of a Person that hold CMO fields the model has no field for.
const (
	AttrCMOUserRole       = "cmo.userRole"       // the user's CMO role (UserRole), when not CMO.UserRole
	AttrCMOJobTitle       = "cmo.jobTitle"       // JobTitle, when not the primary assignment's job
	AttrCMOADUserObjectID = "cmo.adUserObjectID" // ADUserObjectID
	// AttrCMOInfoPrefix starts the attributes that are the tenant's
	// additional info fields: "cmo.info.CostCentre" is sent as <CostCentre>.
	AttrCMOInfoPrefix = "cmo.info."
)

// CMO maps persons to the users of CMO Compliance's HR import (package cmo)
// and CMO's exported users back to persons, for the run the HR Integration
// Instructions describe: HR passes its users to CMO, and with a full list,
// the users it no longer lists are deactivated ("Integration Logic").
//
// The run goes: Desired turns the HR persons into what CMO can hold of
// them; Current turns CMO's export into persons with the same keys; Plan
// compares the two under a Policy (full list or not, missing users
// deactivated or not, appended or replaced assignments and managers, and the
// limit on deactivations); Users turns the plan's actions into the users to
// send with cmo.Client.ImportUsers (creates) and UpdateUsers (the rest).
//
// The mapping. The CMO LoginName is the person's login for LoginSystem, or
// UserName. FirstName and LastName are the given and family names; Email
// the work address (else the primary one); Phone and Mobile the phones of
// type "work" and "mobile"; ManagerLoginName the CMO logins of the managers;
// UserGroup the groups; Classification the word Classifications gives the
// worker type; ADLogin (with IsADUser) the login for ADSystem. UserRole,
// JobTitle, ADUserObjectID and the additional info fields come from the
// AttrCMO... attributes, UserRole else from CMO.UserRole and JobTitle else
// from the primary assignment's job. Each assignment with an org unit (its
// OrgUnit, else its Department) or an Entity is one CMO assignment per role
// of its Roles (AssignmentRole when it has none). An end of employment on
// day D deactivates the user from D+1 (DeactivationStart); "no end date"
// clears DeactivationStart.
//
// CMO has no start dates: a person the plan creates or reactivates has
// access from the run on. A field HR does not give is not sent, and CMO
// leaves it as it is.
//
// The Policy must answer the guide's questions as the tenant was set up to:
// ReplaceAssignments only if CMO redefines assignments fully with each call
// ("User Assignment Logic"; by default CMO adds them), ReplaceManagers only
// if it replaces the manager list ("User Manager Logic"). Otherwise a
// removal the plan asks for is not made, and each later plan asks again.
type CMO struct {
	// LoginSystem is the key of Person.Logins that holds the CMO login;
	// "cmo" when empty. A person without one uses UserName.
	LoginSystem string
	// ADSystem is the key of Person.Logins that holds the Active Directory
	// login sent as ADLogin, with IsADUser; none is sent when empty.
	ADSystem string
	// UserRole is the CMO role of persons without AttrCMOUserRole; none is
	// sent when empty.
	UserRole string
	// AssignmentRole is the CMO role of an assignment without Roles.
	AssignmentRole string
	// Classifications gives the Classification of each worker type
	// ("Employee", "Contractor").
	Classifications map[WorkerType]string
	// Exempt lists CMO logins that Current leaves out, such as the
	// integration's own account and administrators HR does not list: with
	// a full list, they would be deactivated.
	Exempt []string
}

func (m *CMO) loginSystem() string {
	if m.LoginSystem == "" {
		return "cmo"
	}
	return m.LoginSystem
}

// login returns p's CMO login.
func (m *CMO) login(p *Person) string {
	if l, ok := p.Logins[m.loginSystem()]; ok && l != "" {
		return l
	}
	return p.UserName.Or("")
}

// Desired returns people as CMO can hold them: their key, the fields the
// mapping sends, and their employment (for Plan). Planning it against
// Current compares like with like, so that a field CMO does not have is
// never a change. It fails, naming each person and field, on a person
// without a CMO login or an assignment without a role.
func (m *CMO) Desired(people []Person) ([]Person, error) {
	out := make([]Person, len(people))
	var errs []error
	for i := range people {
		var probs [][2]string
		out[i], probs = m.project(&people[i])
		errs = append(errs, inputErrors(fmt.Sprintf("people[%d] (key %s)", i, people[i].Key), probs)...)
	}
	return out, errors.Join(errs...)
}

func inputErrors(record string, probs [][2]string) []error {
	errs := make([]error, len(probs))
	for i, p := range probs {
		errs[i] = &InputError{Record: record, Field: p[0], Problem: p[1]}
	}
	return errs
}

// project returns what CMO can hold of p. project(project(p)) is
// project(p), so the persons of a plan made from Desired map the same.
func (m *CMO) project(p *Person) (Person, [][2]string) {
	var probs [][2]string
	q := Person{
		Key:      p.Key,
		Name:     Name{Given: p.Name.Given, Family: p.Name.Family},
		Managers: p.Managers,
		Groups:   p.Groups,
		Employment: Employment{
			Status: p.Employment.Status,
			Start:  p.Employment.Start,
			End:    p.Employment.End,
		},
	}
	login := m.login(p)
	if login == "" {
		probs = append(probs, [2]string{"logins", fmt.Sprintf("no CMO login (logins[%s] or userName)", m.loginSystem())})
	}
	q.Logins = map[string]string{m.loginSystem(): login}
	if l := p.Logins[m.ADSystem]; m.ADSystem != "" && l != "" {
		q.Logins[m.ADSystem] = l
	}
	if wt, ok := p.Employment.WorkerType.Get(); ok && m.Classifications[wt] != "" {
		q.Employment.WorkerType = Some(wt)
	}
	if p.Emails != nil {
		q.Emails = []Email{}
		if addr := workEmail(p.Emails); addr != "" {
			q.Emails = append(q.Emails, Email{Type: "work", Address: addr, Primary: true})
		}
	}
	if p.Phones != nil {
		q.Phones = []Phone{}
		for _, t := range [...]string{"work", "mobile"} {
			if n := phoneOf(p.Phones, t); n != "" {
				q.Phones = append(q.Phones, Phone{Type: t, Number: n})
			}
		}
	}
	attrs := map[string]string{}
	for k, v := range p.Attributes {
		if k == AttrCMOUserRole || k == AttrCMOJobTitle || k == AttrCMOADUserObjectID || strings.HasPrefix(k, AttrCMOInfoPrefix) {
			attrs[k] = v
		}
	}
	if _, ok := attrs[AttrCMOUserRole]; !ok && m.UserRole != "" {
		attrs[AttrCMOUserRole] = m.UserRole
	}
	if _, ok := attrs[AttrCMOJobTitle]; !ok {
		if a := primary(p.Assignments); a != nil && a.Job.IsSet() {
			attrs[AttrCMOJobTitle] = a.Job.Or("")
		}
	}
	if len(attrs) > 0 {
		q.Attributes = attrs
	}
	if p.Assignments != nil {
		q.Assignments = []Assignment{}
		for _, a := range p.Assignments {
			org, ent := a.OrgUnit.Or(a.Department.Or("")), a.Entity.Or("")
			if org == "" && ent == "" {
				continue // nothing CMO can assign the person to
			}
			roles := slices.Clone(a.Roles)
			if len(roles) == 0 && m.AssignmentRole != "" {
				roles = []string{m.AssignmentRole}
			}
			if len(roles) == 0 {
				probs = append(probs, [2]string{"assignments[" + a.ID + "].roles", "none, and CMO.AssignmentRole is empty: a CMO assignment needs a role"})
			}
			id := "cmo:" + org + "/" + ent
			i := slices.IndexFunc(q.Assignments, func(x Assignment) bool { return x.ID == id })
			if i < 0 {
				q.Assignments = append(q.Assignments, Assignment{ID: id, OrgUnit: Some(org), Entity: Some(ent)})
				i = len(q.Assignments) - 1
			}
			q.Assignments[i].Roles = append(q.Assignments[i].Roles, roles...)
		}
		for i := range q.Assignments {
			slices.Sort(q.Assignments[i].Roles)
			q.Assignments[i].Roles = slices.Compact(q.Assignments[i].Roles)
		}
		slices.SortFunc(q.Assignments, func(a, b Assignment) int { return strings.Compare(a.ID, b.ID) })
	}
	return q, probs
}

// phoneOf returns the number of p's phone of type t, or "".
func phoneOf(phones []Phone, t string) string {
	if i := slices.IndexFunc(phones, func(p Phone) bool { return p.Type == t }); i >= 0 {
		return phones[i].Number
	}
	return ""
}

// Current returns the persons CMO's exported users stand for on runDate, to
// plan against Desired(people): a user whose login is a person's has that
// person's key, any other "cmo:" followed by its login (so that with a full
// list it is missing, and deactivated if the policy says so); the users of
// Exempt are left out. A user deactivated on runDate is inactive, any
// other active; a deactivation period still to end makes an end of
// employment the day before it starts. CMO holds no start date and only the
// attributes it maps: the person's are taken from HR, so that they are no
// change.
func (m *CMO) Current(users []cmo.ExportedUser, people []Person, runDate Date) ([]Person, error) {
	ls := m.loginSystem()
	byLogin := make(map[string]*Person, len(people))
	keyOf := make(map[string]string, len(people))
	var errs []error
	for i := range people {
		q, probs := m.project(&people[i])
		errs = append(errs, inputErrors(fmt.Sprintf("people[%d] (key %s)", i, people[i].Key), probs)...)
		l := strings.ToLower(q.Logins[ls])
		byLogin[l], keyOf[l] = &q, q.Key
	}
	key := func(login string) string {
		if k, ok := keyOf[strings.ToLower(login)]; ok {
			return k
		}
		return "cmo:" + login
	}
	var out []Person
	for i := range users {
		u := &users[i]
		if slices.ContainsFunc(m.Exempt, func(e string) bool { return strings.EqualFold(e, u.LoginName) }) {
			continue
		}
		d := byLogin[strings.ToLower(u.LoginName)]
		p := Person{
			Key:    key(u.LoginName),
			Name:   Name{Given: Some(u.FirstName), Family: Some(u.LastName)},
			Logins: map[string]string{ls: u.LoginName},
			Emails: []Email{},
			Phones: []Phone{},
			Groups: slices.Clone(u.UserGroups),
		}
		if p.Groups == nil {
			p.Groups = []string{}
		}
		if m.ADSystem != "" && u.ADLogin != "" {
			p.Logins[m.ADSystem] = u.ADLogin
		}
		if u.Email != "" {
			p.Emails = append(p.Emails, Email{Type: "work", Address: u.Email, Primary: true})
		}
		for _, ph := range [...]Phone{{"work", u.Phone}, {"mobile", u.Mobile}} {
			if ph.Number != "" {
				p.Phones = append(p.Phones, ph)
			}
		}
		p.Managers = []string{}
		for _, l := range u.ManagerLoginNames {
			p.Managers = append(p.Managers, key(l))
		}
		p.Employment.Status = Some(StatusActive)
		if u.DeactivatedOn(runDate) {
			p.Employment.Status = Some(StatusInactive)
		}
		p.Employment.End = Some(Date{})
		if s, e := u.DeactivationStart, u.DeactivationEnd; !s.IsZero() && (e.IsZero() || !e.Before(runDate)) {
			p.Employment.End = Some(s.AddDays(-1))
		}
		if wt, ok := m.workerType(u.Classification); ok {
			p.Employment.WorkerType = Some(wt)
		}
		p.Assignments = []Assignment{}
		for _, a := range u.Assignments {
			id := "cmo:" + a.OrgUnit + "/" + a.Entity
			j := slices.IndexFunc(p.Assignments, func(x Assignment) bool { return x.ID == id })
			if j < 0 {
				p.Assignments = append(p.Assignments, Assignment{ID: id, OrgUnit: Some(a.OrgUnit), Entity: Some(a.Entity)})
				j = len(p.Assignments) - 1
			}
			if a.UserRole != "" && !slices.Contains(p.Assignments[j].Roles, a.UserRole) {
				p.Assignments[j].Roles = append(p.Assignments[j].Roles, a.UserRole)
			}
		}
		for j := range p.Assignments {
			slices.Sort(p.Assignments[j].Roles)
		}
		slices.SortFunc(p.Assignments, func(a, b Assignment) int { return strings.Compare(a.ID, b.ID) })
		if d != nil {
			p.Employment.Start = d.Employment.Start
			// CMO has no start dates, so it cannot tell a pending hire
			// from an active one: an active user is as pending as HR says.
			if p.Employment.Status == Some(StatusActive) && d.Employment.Status == Some(StatusPending) {
				p.Employment.Status = d.Employment.Status
			}
			attrs, err := m.attributesOf(u, d.Attributes)
			if err != nil {
				errs = append(errs, &InputError{Record: fmt.Sprintf("users[%d] (login %s)", i, u.LoginName), Field: "attributes", Problem: err.Error()})
			}
			p.Attributes = attrs
		}
		out = append(out, p)
	}
	return out, errors.Join(errs...)
}

// workerType returns the worker type whose classification is c, when
// exactly one has it.
func (m *CMO) workerType(c string) (WorkerType, bool) {
	var found []WorkerType
	for wt, cl := range m.Classifications {
		if c != "" && strings.EqualFold(cl, c) {
			found = append(found, wt)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// attributesOf returns the attributes of exported user u with the keys of
// want: the CMO values of the fields HR gives.
func (m *CMO) attributesOf(u *cmo.ExportedUser, want map[string]string) (map[string]string, error) {
	if want == nil {
		return nil, nil
	}
	var raw map[string]json.RawMessage
	out := make(map[string]string, len(want))
	for k := range want {
		switch {
		case k == AttrCMOUserRole:
			out[k] = u.UserRole
		case k == AttrCMOJobTitle:
			out[k] = u.JobTitle
		case k == AttrCMOADUserObjectID:
			out[k] = u.ADUserObjectID
		case strings.HasPrefix(k, AttrCMOInfoPrefix):
			if raw == nil {
				if err := json.Unmarshal(u.Raw, &raw); err != nil {
					return out, fmt.Errorf("the exported user is not a JSON object: %v", err)
				}
			}
			name := strings.TrimPrefix(k, AttrCMOInfoPrefix)
			for rk, rv := range raw {
				if strings.EqualFold(rk, name) {
					var s string
					if json.Unmarshal(rv, &s) != nil {
						s = string(rv)
					}
					out[k] = s
				}
			}
		}
	}
	return out, nil
}

// ToUsers returns the CMO users of people, in the same order, for an import
// without a plan. It fails, naming each person and field, where Desired
// does, and on a manager who is not among people.
func (m *CMO) ToUsers(people []Person) ([]cmo.User, error) {
	logins := m.logins(people)
	users := make([]cmo.User, len(people))
	var errs []error
	for i := range people {
		q, probs := m.project(&people[i])
		var more [][2]string
		users[i], more = m.toUser(&q, logins)
		errs = append(errs, inputErrors(fmt.Sprintf("people[%d] (key %s)", i, people[i].Key), append(probs, more...))...)
	}
	return users, errors.Join(errs...)
}

// logins maps the keys of people to their CMO logins.
func (m *CMO) logins(people []Person) map[string]string {
	out := make(map[string]string, len(people))
	for i := range people {
		if l := m.login(&people[i]); l != "" {
			out[people[i].Key] = l
		}
	}
	return out
}

// toUser returns the CMO user of q, a person as project returns it.
func (m *CMO) toUser(q *Person, logins map[string]string) (cmo.User, [][2]string) {
	var probs [][2]string
	u := cmo.User{
		LoginName: q.Logins[m.loginSystem()],
		FirstName: q.Name.Given,
		LastName:  q.Name.Family,
	}
	if q.Emails != nil {
		u.Email = cmo.Some(workEmail(q.Emails))
	}
	if q.Phones != nil {
		u.Phone, u.Mobile = cmo.Some(phoneOf(q.Phones, "work")), cmo.Some(phoneOf(q.Phones, "mobile"))
	}
	if wt, ok := q.Employment.WorkerType.Get(); ok {
		u.Classification = cmo.Some(m.Classifications[wt])
	}
	if l, ok := q.Logins[m.ADSystem]; m.ADSystem != "" && ok {
		u.ADLogin, u.IsADUser = cmo.Some(l), cmo.Some(true)
	}
	for _, k := range slices.Sorted(maps.Keys(q.Attributes)) {
		v := q.Attributes[k]
		switch {
		case k == AttrCMOUserRole:
			u.UserRole = cmo.Some(v)
		case k == AttrCMOJobTitle:
			u.JobTitle = cmo.Some(v)
		case k == AttrCMOADUserObjectID:
			u.ADUserObjectID = cmo.Some(v)
		case strings.HasPrefix(k, AttrCMOInfoPrefix):
			u.Info = append(u.Info, cmo.InfoField{Name: strings.TrimPrefix(k, AttrCMOInfoPrefix), Value: v})
		}
	}
	if q.Managers != nil {
		mgrs := []string{}
		for _, k := range slices.Sorted(slices.Values(q.Managers)) {
			l, ok := logins[k]
			if !ok {
				probs = append(probs, [2]string{"managers", fmt.Sprintf("manager %s has no CMO login among the people", k)})
				continue
			}
			mgrs = append(mgrs, l)
		}
		u.ManagerLoginNames = cmo.Some(mgrs)
	}
	if q.Groups != nil {
		u.UserGroups = cmo.Some(slices.Clone(q.Groups))
	}
	if end, ok := q.Employment.End.Get(); ok {
		u.DeactivationStart = cmo.Some(Date{})
		if !end.IsZero() {
			u.DeactivationStart = cmo.Some(end.AddDays(1))
		}
	}
	if q.Assignments != nil {
		as := []cmo.Assignment{}
		for _, a := range q.Assignments {
			for _, r := range a.Roles {
				as = append(as, cmo.Assignment{UserRole: r, OrgUnit: a.OrgUnit.Or(""), Entity: a.Entity.Or("")})
			}
		}
		u.Assignments = cmo.Some(as)
	}
	return u, probs
}

// Users returns the CMO users that apply plan, in its order: the creates,
// for cmo.Client.ImportUsers, and the updates, reactivations and
// deactivations, for UpdateUsers. A deactivation sets DeactivationStart to
// the action's date and clears DeactivationEnd; a person missing from the
// full list is sent with nothing else. A reactivation clears both dates.
// people (the HR persons, as given to Desired) give the managers' logins.
// The held deactivations are not sent.
func (m *CMO) Users(plan *ActionPlan, people []Person) (creates, updates []cmo.User, err error) {
	logins := m.logins(people)
	for _, a := range plan.Actions {
		if l := m.login(&a.Person); l != "" {
			if _, ok := logins[a.Key]; !ok {
				logins[a.Key] = l
			}
		}
	}
	var errs []error
	for i, a := range plan.Actions {
		q, probs := m.project(&a.Person)
		u, more := m.toUser(&q, logins)
		switch a.Op {
		case OpCreate:
			creates = append(creates, u)
		case OpUpdate:
			updates = append(updates, u)
		case OpReactivate:
			u.DeactivationStart, u.DeactivationEnd = cmo.Some(Date{}), cmo.Some(Date{})
			updates = append(updates, u)
		case OpDeactivate:
			if a.Changes == nil { // missing from the full list: current's record
				u, more = cmo.User{LoginName: u.LoginName}, nil
			}
			u.DeactivationStart, u.DeactivationEnd = cmo.Some(a.Date), cmo.Some(Date{})
			updates = append(updates, u)
		}
		errs = append(errs, inputErrors(fmt.Sprintf("plan.actions[%d] (%s %s)", i, a.Op, a.Key), append(probs, more...))...)
	}
	return creates, updates, errors.Join(errs...)
}
