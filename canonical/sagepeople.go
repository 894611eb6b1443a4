package canonical

import (
	"errors"
	"iter"
	"strings"

	"github.com/hrbridge/hrbridge/sagepeople"
)

// Attributes of a Person read from Sage People that the model has no field
// for. The address is kept here, not in Address: Sage People's address
// fields are the team member's home address (Address is the work address).
const (
	AttrSageUniqueID     = "sagepeople.uniqueId"         // fHCM2__Unique_Id__c
	AttrSageStatus       = "sagepeople.employmentStatus" // fHCM2__Employment_Status__c ("Current", ...)
	AttrSageAddressLine1 = "sagepeople.address1"
	AttrSageAddressLine2 = "sagepeople.address2"
	AttrSageAddressLine3 = "sagepeople.address3"
	AttrSageCity         = "sagepeople.city"
	AttrSageRegion       = "sagepeople.region"
	AttrSagePostalCode   = "sagepeople.postalCode"
	AttrSageCountry      = "sagepeople.country"
	AttrSageManagerEmail = "sagepeople.managerEmail"
	// AttrSagePrefix starts the names of a tenant's own fields
	// (sagepeople.WithCustomFields): "sagepeople.Badge_Number__c".
	AttrSagePrefix = "sagepeople."
)

// SagePeople maps Sage People team members (package sagepeople) to
// persons, as the source side of a sync.
//
// Key is the team member's record Id (the seed integration's "Sage User
// ID", its unique field). Given, Family and Display are the first name,
// surname and full name; the e-mail address is the work e-mail and, as the
// integration maps it, the user name. The employment is the current
// employment record's: active or inactive as its Active flag says (pending
// when it starts after RunDate), its start, and its end (given as no date
// when it has none). A team member without an employment record has the
// status its Employment Status says ("Current" is active; "Leaver",
// "Former" and "Terminated" are inactive; others are not given), and a
// deleted one (queryAll) is inactive. The one Assignment, primary, holds
// the HR department, the work location and the job title. Managers holds
// the manager's Id, or is empty.
//
// Logins: as with HCM, the Login policy (by default the e-mail's local
// part) fills each person's login under LoginSystems, so that the target
// mappers find it; FromTeamMembers reports whom it finds none for.
type SagePeople struct {
	// RunDate, when set, makes an active member whose employment starts
	// after it pending.
	RunDate Date
	// Login chooses each person's login in the targets; nil is
	// LoginFromEmail.
	Login LoginPolicy
	// LoginSystems are the keys of Person.Logins the login is filled under;
	// nil is DefaultLoginSystems(). Give an empty, non-nil slice to fill
	// none.
	LoginSystems []string
}

// FromTeamMember returns the person a team member stands for.
func (m *SagePeople) FromTeamMember(tm sagepeople.TeamMember) Person {
	p := Person{
		Key:         tm.ID,
		Name:        Name{Given: someText(tm.FirstName), Family: someText(tm.LastName), Display: someText(tm.FullName)},
		Emails:      []Email{},
		Managers:    []string{},
		Attributes:  map[string]string{},
		Assignments: []Assignment{},
	}
	if tm.Email != "" {
		p.Emails = append(p.Emails, Email{Type: "work", Address: tm.Email, Primary: true})
		p.UserName = Some(tm.Email)
	}
	if tm.Manager != nil && tm.Manager.ID != "" {
		p.Managers = append(p.Managers, tm.Manager.ID)
	}
	for k, v := range map[string]string{AttrSageUniqueID: tm.UniqueID, AttrSageStatus: tm.EmploymentStatus,
		AttrSageAddressLine1: tm.Address.Line1, AttrSageAddressLine2: tm.Address.Line2, AttrSageAddressLine3: tm.Address.Line3,
		AttrSageCity: tm.Address.City, AttrSageRegion: tm.Address.Region, AttrSagePostalCode: tm.Address.PostalCode,
		AttrSageCountry: tm.Address.Country} {
		if v != "" {
			p.Attributes[k] = v
		}
	}
	if tm.Manager != nil && tm.Manager.Email != "" {
		p.Attributes[AttrSageManagerEmail] = tm.Manager.Email
	}
	for k, v := range tm.Custom {
		p.Attributes[AttrSagePrefix+k] = v
	}
	p.Employment = m.employment(&tm)
	id := "sagepeople:" + tm.ID
	if tm.Employment != nil && tm.Employment.Name != "" {
		id = tm.Employment.Name
	}
	p.Assignments = append(p.Assignments, Assignment{ID: id, Primary: Some(true), Department: someText(tm.Department),
		Location: someText(tm.WorkLocation), Job: someText(tm.JobTitle), Roles: []string{}})
	return p
}

func (m *SagePeople) employment(tm *sagepeople.TeamMember) Employment {
	var e Employment
	switch emp := tm.Employment; {
	case tm.Deleted:
		e.Status = Some(StatusInactive)
	case emp != nil && !emp.Active:
		e.Status = Some(StatusInactive)
	case emp != nil && !m.RunDate.IsZero() && emp.Start.After(m.RunDate):
		e.Status = Some(StatusPending)
	case emp != nil:
		e.Status = Some(StatusActive)
	default:
		switch strings.ToLower(tm.EmploymentStatus) {
		case "current":
			e.Status = Some(StatusActive)
		case "leaver", "former", "terminated":
			e.Status = Some(StatusInactive)
		}
	}
	if emp := tm.Employment; emp != nil {
		if !emp.Start.IsZero() {
			e.Start = Some(emp.Start)
		}
		e.End = Some(emp.End)
	}
	return e
}

// FromTeamMembers returns the persons of a list of team members (such as
// sagepeople.Client.TeamMembers). A record the list reports as bad is
// kept in the error, joined with the others, and the list goes on; any
// other error stops it. Nobody is dropped without a word.
func (m *SagePeople) FromTeamMembers(list iter.Seq2[sagepeople.TeamMember, error]) ([]Person, error) {
	var out []Person
	var bad []error
	for tm, err := range list {
		switch {
		case errors.Is(err, sagepeople.ErrBadRecord):
			bad = append(bad, err)
		case err != nil:
			return out, errors.Join(append(bad, err)...)
		default:
			p := m.FromTeamMember(tm)
			if err := m.fillLogins(&p); err != nil {
				bad = append(bad, err)
			}
			out = append(out, p)
		}
	}
	return out, errors.Join(bad...)
}

// fillLogins applies the login policy.
func (m *SagePeople) fillLogins(p *Person) error {
	policy, systems := m.Login, m.LoginSystems
	if policy == nil {
		policy = LoginFromEmail
	}
	if systems == nil {
		systems = DefaultLoginSystems()
	}
	return fillLogins(p, policy, systems, "team member "+p.Key)
}
