package canonical

import (
	"errors"
	"fmt"

	"github.com/hrbridge/hrbridge/csf"
)

// CSF maps persons to the users of a Microsoft CSF Identity Manager (package
// csf) and CSF's users back to persons.
//
// The mapping. The CSF UserId is the person's login for LoginSystem, or
// UserName. The person's Key is sent as employeeID, which is how Current
// finds the person again; givenName, sn and displayname are the name's
// parts; mail the work address (else the primary one, else the first); telephoneNumber and
// mobile the phones of type "work" and "mobile"; streetAddress the address's
// street; department and title the primary assignment's (else the first's)
// department and job.
// The groups are the person's Groups, sent when the user is created
// (UpdateUser carries no groups). A field HR does not give is not sent.
type CSF struct {
	// LoginSystem is the key of Person.Logins that holds the CSF UserId;
	// "csf" when empty. A person without one uses UserName.
	LoginSystem string
	// Organization is the OrganizationId users are created in.
	Organization string
}

func (m *CSF) loginSystem() string {
	if m.LoginSystem == "" {
		return "csf"
	}
	return m.LoginSystem
}

// Login returns p's CSF UserId, or "".
func (m *CSF) Login(p *Person) string {
	if l := p.Logins[m.loginSystem()]; l != "" {
		return l
	}
	return p.UserName.Or("")
}

// Desired returns people as CSF can hold them, to plan against Current. It
// fails, naming each person, on a person without a CSF login.
func (m *CSF) Desired(people []Person) ([]Person, error) {
	out := make([]Person, len(people))
	var errs []error
	for i := range people {
		p := &people[i]
		if m.Login(p) == "" {
			errs = append(errs, &InputError{Record: fmt.Sprintf("people[%d] (key %s)", i, p.Key), Field: "logins",
				Problem: fmt.Sprintf("no CSF login (logins[%s] or userName)", m.loginSystem())})
		}
		out[i] = m.fromUser(csf.User{ID: m.Login(p), Properties: m.Properties(p)})
		out[i].Key, out[i].Groups, out[i].Employment = p.Key, p.Groups, p.Employment
	}
	return out, errors.Join(errs...)
}

// Properties returns the CSF properties of p, each an OverWrite.
func (m *CSF) Properties(p *Person) csf.Properties {
	var props csf.Properties
	set := func(name string, v Opt[string]) {
		if s, ok := v.Get(); ok {
			props = props.Set(name, s)
		}
	}
	props = props.Set(csf.PropEmployeeID, p.Key)
	set(csf.PropGivenName, p.Name.Given)
	set(csf.PropSurname, p.Name.Family)
	set(csf.PropDisplayName, p.Name.Display)
	if e := workEmail(p.Emails); e != "" {
		props = props.Set(csf.PropMail, e)
	}
	if n := phoneOf(p.Phones, "work"); n != "" {
		props = props.Set(csf.PropTelephoneNumber, n)
	}
	if n := phoneOf(p.Phones, "mobile"); n != "" {
		props = props.Set(csf.PropMobile, n)
	}
	set(csf.PropStreetAddress, p.Address.Street)
	if a := primary(p.Assignments); a != nil {
		set(csf.PropDepartment, a.Department)
		set(csf.PropTitle, a.Job)
	}
	return props
}

// CreateRequest returns the CreateUser request for p, with its initial
// password.
func (m *CSF) CreateRequest(p *Person, password string) csf.CreateUserRequest {
	return csf.CreateUserRequest{UserID: m.Login(p), Properties: m.Properties(p), OrganizationID: m.Organization,
		Password: password, Groups: p.Groups}
}

// Current returns the persons CSF's users stand for: a user with an
// employeeID has that key, any other "csf:" followed by its UserId. Read the
// users with the properties of PropertyNames.
//
// CSF holds no employment: a user it holds is employed and has no end date
// (active, or pending when people, HR's persons, say so), and the worker
// type and start date are people's, so that a plan compares only what CSF
// holds and still deactivates a leaver. Groups are people's
// too: they are given when a user is created, and UpdateUser cannot change
// them, so a plan must not ask it to.
func (m *CSF) Current(users []csf.User, people []Person) []Person {
	byKey := make(map[string]*Person, len(people))
	for i := range people {
		byKey[people[i].Key] = &people[i]
	}
	out := make([]Person, len(users))
	for i, u := range users {
		p := m.fromUser(u)
		p.Employment.Status, p.Employment.End = Some(StatusActive), Some(Date{})
		if d := byKey[p.Key]; d != nil {
			e := d.Employment
			p.Employment.WorkerType, p.Employment.Start = e.WorkerType, e.Start
			p.Groups = d.Groups
			if e.Status == Some(StatusPending) {
				p.Employment.Status = e.Status
			}
		}
		out[i] = p
	}
	return out
}

// PropertyNames are the properties the mapping reads, for csf.Query.
func (m *CSF) PropertyNames() []string {
	return []string{csf.PropEmployeeID, csf.PropGivenName, csf.PropSurname, csf.PropDisplayName, csf.PropMail,
		csf.PropTelephoneNumber, csf.PropMobile, csf.PropStreetAddress, csf.PropDepartment, csf.PropTitle}
}

func (m *CSF) fromUser(u csf.User) Person {
	get := func(name string) Opt[string] {
		if v, ok := u.Properties.Get(name); ok {
			return Some(v)
		}
		return Opt[string]{}
	}
	p := Person{
		Key:     get(csf.PropEmployeeID).Or("csf:" + u.ID),
		Logins:  map[string]string{m.loginSystem(): u.ID},
		Name:    Name{Given: get(csf.PropGivenName), Family: get(csf.PropSurname), Display: get(csf.PropDisplayName)},
		Address: Address{Street: get(csf.PropStreetAddress)},
	}
	if v, ok := u.Properties.Get(csf.PropMail); ok {
		p.Emails = []Email{{Type: "work", Address: v, Primary: true}}
	}
	for _, ph := range []struct{ prop, typ string }{{csf.PropTelephoneNumber, "work"}, {csf.PropMobile, "mobile"}} {
		if v, ok := u.Properties.Get(ph.prop); ok {
			p.Phones = append(p.Phones, Phone{Type: ph.typ, Number: v})
		}
	}
	dept, job := get(csf.PropDepartment), get(csf.PropTitle)
	if dept.IsSet() || job.IsSet() {
		p.Assignments = []Assignment{{ID: "csf", Primary: Some(true), Department: dept, Job: job}}
	}
	return p
}
