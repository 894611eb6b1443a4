package canonical

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/hcmscim"
)

// Attributes of a Person read from an HCM SCIM user that the model has no
// field for.
const (
	AttrHCMUserID       = "hcm.userId"       // the SCIM id of the person's HCM user
	AttrHCMManager      = "hcm.manager"      // workerInformation.manager, as HCM writes it
	AttrHCMUserCategory = "hcm.userCategory" // faUser userCategory
)

// SCIM maps persons to the users of Oracle HCM's SCIM API (package hcmscim)
// and back, for the write-back the Oracle integration guide describes
// ("Updating HCM"): the user name, the work e-mail address and the roles an
// entitlement management system gave a worker go back to HCM.
//
// Person.Key is the HCM person number (faUser workerInformation.personNumber).
// The user name is the person's login for LoginSystem, or UserName. The
// work address is the Email of type "work", which HCM types "W". The roles
// are the role codes (ORA_PER_LINE_MANAGER_ABSTRACT, ...) of the Roles of the
// person's assignments.
//
// The write-back only sets: a person whose e-mails or roles are not given,
// or who has no work address, leaves HCM's as they are, and a role HCM
// holds that the person lacks is not taken away (HCM grants roles of its
// own, such as ORA_PER_EMPLOYEE_ABSTRACT). User names and e-mail addresses
// are compared without regard to case: HCM may store RACHEL.GOODE for
// Rachel.Goode, and that is no change to write back.
type SCIM struct {
	// LoginSystem is the key of Person.Logins that holds the HCM user name;
	// when empty, or the person has no such login, UserName is used.
	LoginSystem string
}

// userName returns the HCM user name p should have, if p says.
func (m *SCIM) userName(p *Person) (string, bool) {
	if m.LoginSystem != "" {
		if l, ok := p.Logins[m.LoginSystem]; ok && l != "" {
			return l, true
		}
	}
	if u, ok := p.UserName.Get(); ok && u != "" {
		return u, true
	}
	return "", false
}

// workAddress returns p's work address, if p has one.
func workAddress(p *Person) (string, bool) {
	i := slices.IndexFunc(p.Emails, func(e Email) bool { return e.Type == "work" && e.Address != "" })
	if i < 0 {
		return "", false
	}
	return p.Emails[i].Address, true
}

// Patch returns the change that brings HCM user u in line with p: its user
// name and its work e-mail address (written as Oracle's guide does, type
// "W" and primary), each only when p gives it and it differs from u's. ok is
// false when nothing differs.
func (m *SCIM) Patch(p *Person, u *hcmscim.User) (patch hcmscim.UserPatch, ok bool) {
	if name, given := m.userName(p); given && !strings.EqualFold(name, u.UserName) {
		patch.UserName = hcmscim.Some(name)
		ok = true
	}
	if addr, given := workAddress(p); given {
		i := slices.IndexFunc(u.Emails, func(e hcmscim.Email) bool { return e.Type == hcmscim.EmailTypeWork })
		if i < 0 || !strings.EqualFold(u.Emails[i].Value, addr) {
			patch.Emails = hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail(addr)})
			ok = true
		}
	}
	return patch, ok
}

// roles returns the role codes of p's assignments, sorted, each once.
func roles(p *Person) []string {
	var out []string
	for _, a := range p.Assignments {
		out = append(out, a.Roles...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// MissingRoles returns the role codes p should hold that HCM user u does
// not, sorted.
func (m *SCIM) MissingRoles(p *Person, u *hcmscim.User) []string {
	var missing []string
	for _, r := range roles(p) {
		if !slices.ContainsFunc(u.Roles, func(ur hcmscim.UserRole) bool { return ur.Value == r }) {
			missing = append(missing, r)
		}
	}
	return missing
}

// WriteBack returns the Bulk operations that write p's user name, work
// e-mail and roles to HCM user u: one PATCH when Patch finds a change, and
// one ADD per missing role. roleIDs gives the SCIM id of each role code (as
// hcmscim.Client.FindRole finds it); a missing role without an id is an
// *InputError naming the person and the role. The bulkIds are
// "<key>-user" and "<key>-role-<code>", so that a failed operation says whose
// it was. No operation means HCM is already in line.
func (m *SCIM) WriteBack(p *Person, u *hcmscim.User, roleIDs map[string]string) ([]hcmscim.BulkOp, error) {
	if fa := u.FA.WorkerInformation.PersonNumber; fa != "" && fa != p.Key {
		return nil, &InputError{Record: "person " + p.Key, Field: "key",
			Problem: fmt.Sprintf("HCM user %s belongs to person number %s", u.ID, fa)}
	}
	var ops []hcmscim.BulkOp
	if patch, ok := m.Patch(p, u); ok {
		ops = append(ops, hcmscim.PatchUserOp(p.Key+"-user", u.ID, patch))
	}
	var errs []error
	for _, r := range m.MissingRoles(p, u) {
		id, ok := roleIDs[r]
		if !ok || id == "" {
			errs = append(errs, &InputError{Record: "person " + p.Key, Field: "assignments.roles",
				Problem: fmt.Sprintf("role %s has no HCM role id", r)})
			continue
		}
		ops = append(ops, hcmscim.AddRoleMembersOp(p.Key+"-role-"+r, id, u.ID))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return ops, nil
}

// FromUser returns the person HCM user u stands for: Key is the person
// number, Status active or inactive as the user is, the work address (type
// "W") an Email of type "work" (other types keep HCM's word), and one
// primary assignment with the business unit, department, job and role codes
// HCM lists. A user without a person number (an account that is not a
// worker's) is an *InputError.
func (m *SCIM) FromUser(u *hcmscim.User) (Person, error) {
	w := u.FA.WorkerInformation
	if w.PersonNumber == "" {
		return Person{}, &InputError{Record: "HCM user " + u.ID, Field: "workerInformation.personNumber", Problem: "empty: the user is not a worker's"}
	}
	p := Person{
		Key:      w.PersonNumber,
		UserName: Some(u.UserName),
		Name: Name{Given: someText(u.Name.GivenName), Family: someText(u.Name.FamilyName),
			Middle: someText(u.Name.MiddleName), Display: someText(u.DisplayName)},
		Emails:     []Email{},
		Attributes: map[string]string{AttrHCMUserID: u.ID},
	}
	if m.LoginSystem != "" {
		p.Logins = map[string]string{m.LoginSystem: u.UserName}
	}
	if active, ok := u.Active.Get(); ok {
		p.Employment.Status = Some(StatusInactive)
		if active {
			p.Employment.Status = Some(StatusActive)
		}
	}
	for _, e := range u.Emails {
		t := e.Type
		if t == hcmscim.EmailTypeWork {
			t = "work"
		}
		p.Emails = append(p.Emails, Email{Type: t, Address: e.Value, Primary: e.Primary})
	}
	a := Assignment{ID: "hcm:" + w.PersonNumber, Primary: Some(true), Roles: []string{},
		BusinessUnit: someText(w.BusinessUnit), Department: someText(w.Department), Job: someText(w.Job)}
	for _, r := range u.Roles {
		if r.Value != "" && !slices.Contains(a.Roles, r.Value) {
			a.Roles = append(a.Roles, r.Value)
		}
	}
	slices.Sort(a.Roles)
	p.Assignments = []Assignment{a}
	if w.Manager != "" {
		p.Attributes[AttrHCMManager] = w.Manager
	}
	if u.FA.UserCategory != "" {
		p.Attributes[AttrHCMUserCategory] = u.FA.UserCategory
	}
	return p, nil
}

// someText returns s as given, or not given when HCM left it empty.
func someText(s string) Opt[string] {
	if s == "" {
		return Opt[string]{}
	}
	return Some(s)
}
