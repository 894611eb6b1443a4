package canonical

import (
	"cmp"
	"errors"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/hcmatom"
)

// Attributes of a Person read from an Oracle HCM roster that the model has
// no field for.
const (
	AttrHCMPersonID = "hcm.personId" // HCM's PersonId (which, unlike the person number, can differ between environments)
	// AttrHCMManagerIDs holds, comma-separated, the ManagerIds (PersonIds)
	// of the person's assignments that are no person of the roster; Managers
	// is then not given.
	AttrHCMManagerIDs = "hcm.managerIds"
	// AttrHCMPrefix starts the names of the other person attributes HCM
	// sent (the empupdate feed's UserName, FirstName, ...): "hcm.FirstName".
	AttrHCMPrefix = "hcm."
)

// HCM maps the workers of an Oracle HCM roster (package hcmatom: seeded
// from the initial extract, kept current by the ATOM feeds) to persons, as
// the source side of a sync.
//
// Key is the person number. HCM's Sex (M, F) is AttrGender (male, female).
// PersonName, which HCM writes "Last, First",
// gives Family and Given, and Display as "First Last" (the whole name when
// it has no comma). The work e-mail address and the primary phone number
// become an Email and a Phone of type "work"; when the roster has none they
// are not given, since the feeds do not say when HCM holds none. The
// employment is the primary work relationship's: its worker type (EMP,
// CWK, PWK, NONW), its start; the status is inactive for a terminated
// person (End is then the actual termination date), pending for a pending
// worker or a work relationship starting after RunDate, else active (End
// given as no date). Each assignment of an active work relationship whose
// status is not INACTIVE becomes an Assignment (a person who has left keeps
// those of their last work relationship, where they last worked): Department is its
// organization (an HCM department is an organization), Entity its legal
// entity, and the business unit, position, location and job are HCM's ids;
// it is primary when it is the primary assignment of the primary work
// relationship. With Workstructures, all of them are names, not ids.
// Managers are the persons whose PersonId the assignments name as
// ManagerId.
//
// Logins: HCM holds no login of the targets. The Login policy chooses one
// (by default HCM's user name, else the local part of the work e-mail) and
// fills it under each of LoginSystems, so that the CMO, CSF and oHRis
// mappers find it with their default settings and no field is written by
// hand: CMO.Desired(hcm.FromRoster()) works as it is.
type HCM struct {
	// Roster finds managers by PersonId; without it, Managers is not given.
	Roster *hcmatom.Roster
	// RunDate, when set, makes a worker whose work relationship starts
	// after it pending (a future-dated hire).
	RunDate Date
	// Login chooses each person's login in the targets; nil is
	// FirstLogin(LoginFromUserName, LoginFromEmail).
	Login LoginPolicy
	// LoginSystems are the keys of Person.Logins the login is filled under;
	// nil is DefaultLoginSystems(), the keys the target mappers read by
	// default. Give an empty, non-nil slice to fill none.
	LoginSystems []string
	// Workstructures, when set, names the business unit, department,
	// position, location, job and legal employer ("Finance", not
	// 300100037658514); an id it cannot name is not given, and is
	// reported in FromWorker's error. Without it, the ids are given.
	Workstructures *hcmatom.Workstructures
}

// FromRoster returns every worker of m.Roster, by person number. The error
// lists, naming each person and field, what could not be filled (a person
// the login policy finds no login for, a workstructure id no name is known
// for); those persons are returned all the
// same, without that field, so that nobody is dropped.
func (m *HCM) FromRoster() ([]Person, error) {
	if m.Roster == nil {
		return nil, nil
	}
	var out []Person
	var errs []error
	for w := range m.Roster.Persons() {
		p, err := m.FromWorker(w)
		out = append(out, p)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

// FromWorker returns the person a roster worker stands for, and what could
// not be filled (see FromRoster).
func (m *HCM) FromWorker(w hcmatom.Person) (Person, error) {
	p := Person{Key: w.PersonNumber, Name: hcmName(w.Name), Attributes: map[string]string{}, Assignments: []Assignment{}}
	if w.PersonID != "" {
		p.Attributes[AttrHCMPersonID] = w.PersonID
	}
	for k, v := range w.Attributes {
		p.Attributes[AttrHCMPrefix+k] = v
	}
	if u := w.Attributes["UserName"]; u != "" {
		p.UserName = Some(u)
	}
	if w.WorkEmail != "" {
		p.Emails = []Email{{Type: "work", Address: w.WorkEmail, Primary: true}}
	}
	if w.PrimaryPhoneNumber != "" {
		p.Phones = []Phone{{Type: "work", Number: w.PrimaryPhoneNumber}}
	}
	p.Employment = m.employment(&w)
	if g := hcmGender(&w); g != "" {
		p.Attributes[AttrGender] = g
	}

	var names map[string]hcmatom.AssignmentNames
	var problems []error
	if m.Workstructures != nil {
		var err error
		names, err = m.Workstructures.Resolve(w)
		var ue *hcmatom.UnresolvedError
		if errors.As(err, &ue) {
			for _, u := range ue.Items {
				problems = append(problems, &InputError{Record: "person " + p.Key, Field: "assignments[" + u.AssignmentID + "]." + u.Field,
					Problem: "no name known for " + u.ID + " (from the workstructures feeds or the extract): not given"})
			}
		}
	}
	var managerIDs, unknown []string
	// A person with an active work relationship has its assignments that
	// are not inactive; a person who has left keeps the assignments of
	// their last work relationship, where they last worked (a target such
	// as oHRis keys its users by the company they work for).
	left := !slices.ContainsFunc(w.WorkRelationships, hcmatom.WorkRelationship.Active)
	for i, wr := range w.WorkRelationships {
		last := left && i == len(w.WorkRelationships)-1
		if !wr.Active() && !last {
			continue
		}
		for _, a := range wr.Assignments {
			if strings.HasPrefix(a.AssignmentStatusType, "INACTIVE") && !last {
				continue
			}
			asg := Assignment{
				ID:           a.AssignmentID,
				Primary:      Some(wr.Primary && a.Primary),
				Entity:       someText(cmp.Or(a.LegalEntityID, wr.LegalEntityID)),
				BusinessUnit: someText(a.BusinessUnitID),
				Department:   someText(a.OrganizationID),
				Position:     someText(a.PositionID),
				Location:     someText(a.LocationID),
				Job:          someText(a.JobID),
			}
			if names != nil {
				n := names[a.AssignmentID]
				asg.Entity, asg.BusinessUnit, asg.Department = someText(n.LegalEmployer), someText(n.BusinessUnit), someText(n.Organization)
				asg.Position, asg.Location, asg.Job = someText(n.Position), someText(n.Location), someText(n.Job)
			}
			p.Assignments = append(p.Assignments, asg)
			if a.ManagerID != "" {
				managerIDs = append(managerIDs, a.ManagerID)
			}
		}
	}
	if m.Roster != nil {
		p.Managers = []string{}
		for _, id := range managerIDs {
			if mgr, ok := m.Roster.PersonByID(id); ok {
				p.Managers = append(p.Managers, mgr.PersonNumber)
			} else {
				unknown = append(unknown, id)
			}
		}
		slices.Sort(p.Managers)
		p.Managers = slices.Compact(p.Managers)
		if len(unknown) > 0 {
			p.Managers = nil // incomplete: not given, rather than some of them
			p.Attributes[AttrHCMManagerIDs] = strings.Join(unknown, ",")
		}
	}
	return p, errors.Join(append(problems, m.fillLogins(&p))...)
}

// fillLogins applies the login policy.
func (m *HCM) fillLogins(p *Person) error {
	policy, systems := m.Login, m.LoginSystems
	if policy == nil {
		policy = FirstLogin(LoginFromUserName, LoginFromEmail)
	}
	if systems == nil {
		systems = DefaultLoginSystems()
	}
	return fillLogins(p, policy, systems, "person "+p.Key)
}

// employment reads the person's employment from its primary work
// relationship, or its last one when none is active.
func (m *HCM) employment(w *hcmatom.Person) Employment {
	wr, ok := w.PrimaryWorkRelationship()
	if !ok && len(w.WorkRelationships) > 0 {
		wr, ok = w.WorkRelationships[len(w.WorkRelationships)-1], true
	}
	var e Employment
	if ok && wr.WorkerType != "" {
		e.WorkerType = Some(hcmWorkerType(wr.WorkerType))
	}
	start := wr.DateStart
	if start.IsZero() {
		start = w.EffectiveStartDate
	}
	if !start.IsZero() {
		e.Start = Some(start)
	}
	switch {
	case w.Terminated:
		e.Status, e.End = Some(StatusInactive), Some(w.ActualTerminationDate)
	case !ok:
		// No work relationship known: the roster does not say.
	case wr.PeriodType == "P", !m.RunDate.IsZero() && start.After(m.RunDate):
		e.Status, e.End = Some(StatusPending), Some(Date{})
	default:
		e.Status, e.End = Some(StatusActive), Some(Date{})
	}
	return e
}

// hcmGender reads HCM's Sex (M or F): a person attribute when the feeds
// brought it (empupdate), else a column of the extract, which LoadExtract
// keeps on the assignments. Other values give no gender.
func hcmGender(w *hcmatom.Person) string {
	sex := w.Attributes["Sex"]
	for _, wr := range w.WorkRelationships {
		for _, a := range wr.Assignments {
			sex = cmp.Or(sex, a.Attributes["Sex"])
		}
	}
	switch strings.ToUpper(strings.TrimSpace(sex)) {
	case "M", "MALE":
		return "male"
	case "F", "FEMALE":
		return "female"
	}
	return ""
}

// hcmWorkerType maps HCM's worker types to the model's.
func hcmWorkerType(t string) WorkerType {
	switch t {
	case "EMP", "E":
		return WorkerEmployee
	case "CWK", "C":
		return WorkerContingent
	case "PWK", "P":
		return WorkerPending
	case "NONW", "N":
		return WorkerNonworker
	}
	return WorkerType(t)
}

// hcmName reads HCM's "Last, First".
func hcmName(s string) Name {
	s = strings.TrimSpace(s)
	if s == "" {
		return Name{}
	}
	family, given, ok := strings.Cut(s, ",")
	family, given = strings.TrimSpace(family), strings.TrimSpace(given)
	if !ok || family == "" || given == "" {
		return Name{Display: Some(s)}
	}
	return Name{Family: Some(family), Given: Some(given), Display: Some(given + " " + family)}
}
