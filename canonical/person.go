// Package canonical is hrbridge's pivot model: one Person type that every HR
// source is read into and every target is written from, and the logic that
// turns two pictures of a company into work to do.
//
//   - Diff lists the field-level changes between two records of a person.
//   - Classify names what happened to a person between two HR snapshots:
//     joiner, rehire, mover, leaver, update or nothing.
//   - Plan turns the HR picture (desired) and a target's picture (current)
//     into create, update, deactivate and reactivate actions, and grants and
//     revokes of access, each with a reason a person can read, in an order a
//     target can apply, under a Policy that covers the choices of the CMO
//     Compliance HR Integration Instructions ("Integration Logic": full list
//     or only changes, assignments and managers appended or replaced, people
//     missing from a full list deactivated or left alone), the rehire rules
//     of the Oracle HCM entitlement integration guide, and limits on
//     deactivations and revokes.
//
// Access is the other half: what a person may use. An Entitlement names a
// system, its kind (role, group, licence, application, training) and its id;
// Rules compute from HR attributes the Grants each person should have, each
// citing the rules that give it; Plan turns the difference with what a
// target holds into grant and revoke actions (revokes before a
// deactivation, the account before its grants, a mass revoke held back like
// a mass deactivation); SoD sends role grants through a segregation-of-duties
// Gate, which fusionsod's Gate is; and Apply applies a plan through an
// Applier (SCIMApplier, CMOApplier, CSFApplier, OHRISApplier), recording
// each action's outcome in a Journal, so that a run after a crash does what
// is left and nothing twice.
//
// The plan (an ActionPlan) is a value: it prints as a report (String,
// Markdown), stores as JSON, and can be applied later exactly as it was
// reviewed.
//
// Two rules hold throughout. Dates are calendar dates (Date), so a hire date
// never moves by a day with the time zone. And "not given" differs from
// "given empty": a scalar a source may not carry is an Opt, and a slice or map
// is nil when not given and non-nil (possibly empty) when given. A source that
// carries no phone numbers leaves Phones nil, and no plan will then blank the
// target's phones; a source that says a person has no phone gives an empty,
// non-nil slice. JSON keeps the difference (null against []).
package canonical

import (
	"time"

	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/internal/opt"
)

// Date is a calendar date with no time and no time zone: a hire date, an end
// of contract. The zero Date means "no date".
type Date = civil.Date

// ParseISODate parses a YYYY-MM-DD date. An impossible date (2024-02-30) is
// an error, never another day.
func ParseISODate(s string) (Date, error) { return civil.ParseISO(s) }

// DateOf returns the date on which t falls in t's own location:
// DateOf(time.Now()) is today where the program runs.
func DateOf(t time.Time) Date { return civil.DateOf(t) }

// Opt is a value that may be not given; the zero Opt is "not given". Its JSON
// form is the value's own, or null when not given.
type Opt[T any] = opt.Value[T]

// Some returns a given Opt holding v, even when v is empty.
func Some[T any](v T) Opt[T] { return opt.Of(v) }

// Person is one person as a source or a target knows them.
//
// Key pairs the records of the same person across systems: it is the HR person
// number (HCM PersonNumber, oHRis matricule). Every other field may be not
// given; see the package comment for how that is told from "empty".
type Person struct {
	Key      string      `json:"key"`
	Name     Name        `json:"name"`
	UserName Opt[string] `json:"userName,omitzero"`
	// Logins maps a system to the person's login in it ("ad" → "jdoe").
	Logins map[string]string `json:"logins"`
	Emails []Email           `json:"emails"`
	Phones []Phone           `json:"phones"`
	// Address is the person's work address.
	Address Address `json:"address"`
	// Managers holds the Keys of the person's managers, as a set.
	Managers    []string     `json:"managers"`
	Employment  Employment   `json:"employment"`
	Assignments []Assignment `json:"assignments"`
	// Groups holds the names of the groups the person belongs to, as a set.
	Groups []string `json:"groups"`
	// Attributes holds the fields that have no place above, by name.
	Attributes map[string]string `json:"attributes"`
	// Access holds what the person may use, in any system: for HR's side,
	// what the rules give (see Rules); for a target's side, what it holds.
	// Nil means not given (no rules ran, the target was not asked), and no
	// plan then grants or revokes anything; empty means the person has
	// none. Plan turns its changes into grant and revoke actions.
	Access []Grant `json:"access,omitzero"`
}

// Name holds the parts of a person's name.
type Name struct {
	Given     Opt[string] `json:"given,omitzero"`
	Family    Opt[string] `json:"family,omitzero"`
	Middle    Opt[string] `json:"middle,omitzero"`
	Display   Opt[string] `json:"display,omitzero"`
	Preferred Opt[string] `json:"preferred,omitzero"`
}

// Email is an e-mail address. Type is "work", "personal" or a source's own
// word; a person has at most one address of each type.
type Email struct {
	Type    string `json:"type"`
	Address string `json:"address"`
	Primary bool   `json:"primary"`
}

// Phone is a telephone number. Type is "work", "mobile", "home" or a source's
// own word; a person has at most one number of each type.
type Phone struct {
	Type   string `json:"type"`
	Number string `json:"number"`
}

// Address is a postal address.
type Address struct {
	Street     Opt[string] `json:"street,omitzero"`
	City       Opt[string] `json:"city,omitzero"`
	State      Opt[string] `json:"state,omitzero"`
	PostalCode Opt[string] `json:"postalCode,omitzero"`
	Country    Opt[string] `json:"country,omitzero"`
}

// WorkerType says on what terms a person works. Sources may use other
// values; the constants are the usual ones (HCM's EMP, CWK, PWK and NONW).
type WorkerType string

// The usual worker types.
const (
	WorkerEmployee   WorkerType = "employee"
	WorkerContingent WorkerType = "contingent"
	WorkerPending    WorkerType = "pending"
	WorkerNonworker  WorkerType = "nonworker"
)

// Status is where a person's employment stands. Only the three constants are
// valid.
type Status string

// The employment statuses.
const (
	// StatusActive: employed now.
	StatusActive Status = "active"
	// StatusInactive: employment ended (terminated), or the account is off.
	StatusInactive Status = "inactive"
	// StatusPending: hired but not started yet (a pending worker, a
	// future-dated hire).
	StatusPending Status = "pending"
)

// Employment describes a person's current period of work.
//
// End is the last day worked. End given as the zero Date means "no end date"
// (which a plan writes, clearing an old end date); End not given means the
// source does not say.
type Employment struct {
	WorkerType Opt[WorkerType] `json:"workerType,omitzero"`
	Status     Opt[Status]     `json:"status,omitzero"`
	Start      Opt[Date]       `json:"start,omitzero"`
	End        Opt[Date]       `json:"end,omitzero"`
}

// Assignment is one job a person holds: where in the organisation, doing what.
// ID is unique among a person's assignments (HCM AssignmentId, or a mapper's
// own key for a target that has no such id).
type Assignment struct {
	ID           string      `json:"id"`
	Primary      Opt[bool]   `json:"primary,omitzero"`
	OrgUnit      Opt[string] `json:"orgUnit,omitzero"`
	Entity       Opt[string] `json:"entity,omitzero"`
	BusinessUnit Opt[string] `json:"businessUnit,omitzero"`
	Department   Opt[string] `json:"department,omitzero"`
	Position     Opt[string] `json:"position,omitzero"`
	Location     Opt[string] `json:"location,omitzero"`
	Job          Opt[string] `json:"job,omitzero"`
	// Roles holds the roles the person has in this assignment, as a set.
	Roles []string `json:"roles"`
}

// employed reports whether p works or is about to on the given day: its
// status is not inactive and its end date, if any, is not before the day. A
// Person whose status is not given counts as employed unless its end date says
// otherwise. With the zero Date, only the status counts.
func employed(p *Person, on Date) bool {
	if st, ok := p.Employment.Status.Get(); ok && st == StatusInactive {
		return false
	}
	end := p.Employment.End.Or(Date{})
	return on.IsZero() || end.IsZero() || !end.Before(on)
}
