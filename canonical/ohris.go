package canonical

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/ohris"
)

// Attributes of a Person that hold what the oHRis flux needs and the pivot
// model has no field for. Lists are comma-separated; dates are YYYY-MM-DD.
const (
	AttrGender          = "gender"            // "male" or "female" (genre)
	AttrOHRISContract   = "ohris.typeContrat" // oHRis contract type, when not from OHRIS.ContractTypes
	AttrOHRISGroup      = "ohris.groupe"      // oHRis group, when not OHRIS.Group
	AttrOHRISCycle      = "ohris.cycle"       // work cycle label
	AttrOHRISCycleStart = "ohris.dateAffectationCycle"
	AttrOHRISHolidays   = "ohris.joursFeries"   // holiday calendar, when not OHRIS.Holidays
	AttrOHRISModules    = "ohris.modules"       // e.g. "Absence,Time", when not OHRIS.Modules
	AttrChildrenBirth   = "children.birthDates" // children's dates of birth (enfants)
)

// OHRIS maps persons to the users of the oHRis user flux file
// (package ohris) and back.
//
// The oHRis key is (societe, matricule); the mapping uses Person.Key as the
// matricule and the Entity of the primary assignment as the société, so it
// assumes, as HCM's person numbers are, that a Key is unique across
// companies. Each assignment with a Department becomes a service: its
// OrgUnit is the service code (the Department when there is none) and its
// Department the long label. A manager is written as the manager's oHRis
// login. What the model has no field for comes from Attributes (AttrGender,
// AttrOHRIS..., AttrChildrenBirth) or from the defaults below.
//
// "Not given" is kept on both sides: Emails nil leaves adresseMail out of
// the file (oHRis keeps its own), Managers nil leaves responsable out, an
// Employment.End not given leaves dateFinContrat out.
type OHRIS struct {
	// LoginSystem is the key of Person.Logins that holds the oHRis login;
	// "ohris" when empty. A person without one uses UserName.
	LoginSystem string
	// ContractTypes gives the oHRis contract type (typeContrat) of each
	// worker type, for persons without AttrOHRISContract.
	ContractTypes map[WorkerType]string
	// Group is the oHRis group of persons without AttrOHRISGroup.
	Group string
	// Holidays is the holiday calendar of persons without AttrOHRISHolidays.
	Holidays string
	// Modules are the oHRis modules of persons without AttrOHRISModules.
	// The "ohris" grants of kind application of a person's Access, when
	// there are some, are their modules instead of either.
	Modules []ohris.Module
}

// modulesOf returns the oHRis modules access gives: its "ohris" grants of
// kind application.
func modulesOf(access []Grant) []ohris.Module {
	var mods []ohris.Module
	for _, g := range AccessOf(access, SystemOHRIS) {
		if g.Kind == KindApplication {
			mods = append(mods, ohris.Module(g.ID))
		}
	}
	return mods
}

func (m *OHRIS) loginSystem() string {
	if m.LoginSystem == "" {
		return "ohris"
	}
	return m.LoginSystem
}

// login returns p's oHRis login.
func (m *OHRIS) login(p *Person) string {
	if l, ok := p.Logins[m.loginSystem()]; ok {
		return l
	}
	return p.UserName.Or("")
}

// ToUsers returns the oHRis users of people, in the same order. It fails,
// naming each record and field at fault, when a manager is not among people
// or has no login, or an attribute date cannot be read; what oHRis itself
// refuses is for ohris.Check to report.
func (m *OHRIS) ToUsers(people []Person) ([]ohris.User, error) {
	logins := make(map[string]string, len(people))
	for i := range people {
		logins[people[i].Key] = m.login(&people[i])
	}
	users := make([]ohris.User, len(people))
	var errs []error
	for i := range people {
		p := &people[i]
		bad := func(field, problem string) {
			errs = append(errs, &InputError{Record: fmt.Sprintf("people[%d] (key %s)", i, p.Key), Field: field, Problem: problem})
		}
		u := ohris.User{
			EmployeeNumber: p.Key,
			LastName:       p.Name.Family.Or(""),
			FirstName:      p.Name.Given.Or(""),
			Gender:         ohris.Gender(p.Attributes[AttrGender]),
			Login:          logins[p.Key],
			ContractType:   attrOr(p, AttrOHRISContract, m.ContractTypes[p.Employment.WorkerType.Or("")]),
			Group:          attrOr(p, AttrOHRISGroup, m.Group),
			ContractStart:  p.Employment.Start.Or(Date{}),
			ContractEnd:    p.Employment.End,
			Cycle:          p.Attributes[AttrOHRISCycle],
			Holidays:       attrOr(p, AttrOHRISHolidays, m.Holidays),
			Modules:        slices.Clone(m.Modules),
		}
		if p.Emails != nil {
			u.Email = ohris.Some(workEmail(p.Emails))
		}
		if a := primary(p.Assignments); a != nil {
			u.Company = a.Entity.Or("")
		}
		for _, a := range p.Assignments {
			if d, ok := a.Department.Get(); ok && d != "" {
				s := ohris.Service{LongName: d, Code: a.OrgUnit.Or(d)}
				if !slices.Contains(u.Services, s) {
					u.Services = append(u.Services, s)
				}
			}
		}
		if p.Managers != nil {
			u.Manager = ohris.Some("")
			if mgrs := slices.Sorted(slices.Values(p.Managers)); len(mgrs) > 0 {
				l, known := logins[mgrs[0]]
				switch {
				case !known:
					bad("managers", fmt.Sprintf("manager %s is not among the people", mgrs[0]))
				case l == "":
					bad("managers", fmt.Sprintf("manager %s has no %s login", mgrs[0], m.loginSystem()))
				}
				u.Manager = ohris.Some(l)
			}
		}
		if v := p.Attributes[AttrOHRISModules]; v != "" {
			u.Modules = nil
			for _, s := range strings.Split(v, ",") {
				u.Modules = append(u.Modules, ohris.Module(strings.TrimSpace(s)))
			}
		}
		if mods := modulesOf(p.Access); len(mods) > 0 {
			u.Modules = mods
		}
		if v, ok := p.Attributes[AttrOHRISCycleStart]; ok && v != "" {
			d, err := ParseISODate(v)
			if err != nil {
				bad("attributes."+AttrOHRISCycleStart, err.Error())
			}
			u.CycleStart = d
		}
		if v, ok := p.Attributes[AttrChildrenBirth]; ok {
			ds := []Date{}
			for _, s := range strings.Split(v, ",") {
				if s = strings.TrimSpace(s); s == "" {
					continue
				}
				d, err := ParseISODate(s)
				if err != nil {
					bad("attributes."+AttrChildrenBirth, err.Error())
				}
				ds = append(ds, d)
			}
			u.Children = ohris.Some(ds)
		}
		users[i] = u
	}
	return users, errors.Join(errs...)
}

func attrOr(p *Person, name, def string) string {
	if v, ok := p.Attributes[name]; ok {
		return v
	}
	return def
}

// workEmail returns the address to send oHRis mail to: the work address,
// else the primary one, else the first, else "".
func workEmail(es []Email) string {
	for _, pick := range []func(Email) bool{
		func(e Email) bool { return e.Type == "work" },
		func(e Email) bool { return e.Primary },
		func(Email) bool { return true },
	} {
		if i := slices.IndexFunc(es, pick); i >= 0 {
			return es[i].Address
		}
	}
	return ""
}

// primary returns the primary assignment, else the first, else nil.
func primary(as []Assignment) *Assignment {
	if i := slices.IndexFunc(as, func(a Assignment) bool { return a.Primary.Or(false) }); i >= 0 {
		return &as[i]
	}
	if len(as) > 0 {
		return &as[0]
	}
	return nil
}

// FromAccounts returns the persons that oHRis accounts stand for, to plan
// against what oHRis holds: Status is active or inactive as the account is,
// managers are found by login among accounts (a login that none holds is
// an error), and the attributes the model has no field for go to
// Attributes. The newest cycle assignment is the person's cycle. The
// account's modules are the person's Access too, as "ohris" applications.
func (m *OHRIS) FromAccounts(accounts []ohris.Account) ([]Person, error) {
	keys := make(map[string]string, len(accounts))
	for _, a := range accounts {
		keys[a.Login] = a.EmployeeNumber
	}
	people := make([]Person, len(accounts))
	var errs []error
	for i := range accounts {
		a := &accounts[i]
		status := StatusInactive
		if a.Active {
			status = StatusActive
		}
		p := Person{
			Key: a.EmployeeNumber,
			Name: Name{Given: Some(a.FirstName), Family: Some(a.LastName),
				Display: Some(strings.TrimSpace(a.FirstName + " " + a.LastName))},
			Logins:     map[string]string{m.loginSystem(): a.Login},
			Employment: Employment{Status: Some(status), Start: Some(a.ContractStart), End: a.ContractEnd},
			Attributes: map[string]string{
				AttrGender:        string(a.Gender),
				AttrOHRISContract: a.ContractType,
				AttrOHRISGroup:    a.Group,
				AttrOHRISHolidays: a.Holidays,
				AttrOHRISModules:  modulesList(a.Modules),
			},
		}
		if wt, ok := workerTypeOf(m.ContractTypes, a.ContractType); ok {
			p.Employment.WorkerType = Some(wt)
		}
		p.Access = make([]Grant, len(a.Modules))
		for j, mod := range a.Modules {
			p.Access[j] = Grant{Entitlement: Entitlement{System: SystemOHRIS, Kind: KindApplication, ID: string(mod)}}
		}
		sortGrants(p.Access)
		if e, ok := a.Email.Get(); ok {
			p.Emails = []Email{}
			if e != "" {
				p.Emails = append(p.Emails, Email{Type: "work", Address: e, Primary: true})
			}
		}
		for j, s := range a.Services {
			p.Assignments = append(p.Assignments, Assignment{ID: "ohris:" + s.Code, Primary: Some(j == 0),
				Entity: Some(a.Company), Department: Some(s.LongName), OrgUnit: Some(s.Code)})
		}
		if l, ok := a.Manager.Get(); ok {
			p.Managers = []string{}
			if k, known := keys[l]; known {
				p.Managers = append(p.Managers, k)
			} else if l != "" {
				errs = append(errs, &InputError{Record: fmt.Sprintf("accounts[%d] (key %s)", i, a.EmployeeNumber),
					Field: "responsable", Problem: fmt.Sprintf("no account has the login %q", l)})
			}
		}
		if len(a.Cycles) > 0 {
			last := slices.MaxFunc(a.Cycles, func(x, y ohris.CycleAssignment) int { return x.From.Compare(y.From) })
			p.Attributes[AttrOHRISCycle] = last.Cycle
			p.Attributes[AttrOHRISCycleStart] = last.From.String()
		}
		if ds, ok := a.Children.Get(); ok {
			parts := make([]string, len(ds))
			for j, d := range ds {
				parts[j] = d.String()
			}
			p.Attributes[AttrChildrenBirth] = strings.Join(parts, ",")
		}
		people[i] = p
	}
	return people, errors.Join(errs...)
}

// workerTypeOf returns the worker type whose contract type is ct, when
// exactly one has it.
func workerTypeOf(types map[WorkerType]string, ct string) (WorkerType, bool) {
	var found []WorkerType
	for wt, c := range types {
		if c == ct {
			found = append(found, wt)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

func modulesList(ms []ohris.Module) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return strings.Join(parts, ",")
}
