package hcmatom

import (
	"fmt"
	"strconv"
	"time"

	"github.com/hrbridge/hrbridge/internal/civil"
)

// Event is a decoded feed entry. Its dynamic type says which collection it
// came from: *NewHire, *Termination, *AssignmentChange, *PersonUpdate,
// *WorkRelationshipUpdate, *WorkRelationshipCancel, *PayrollUpdate or
// *WorkstructureChange; an entry of a collection this package does not
// know is a *RawEvent. Raw gives what every event carries.
type Event interface {
	Raw() *RawEvent
}

// RawEvent is what every event carries: the entry as sent and its content
// decoded, attribute by attribute. The typed events read their fields from
// it; callers who need an attribute those fields do not cover find it here.
type RawEvent struct {
	Collection Collection
	Entry      Entry
	// At is the timestamp the feed was read by: the entry's Updated, or
	// its Published when a Sync or Events reads by ByPublished. Events are
	// handed out in At order; the Roster uses it to recognise an event
	// delivered again after later ones.
	At         time.Time
	Context    Attrs         // the "Context" object
	Changes    []ChangedAttr // the "Changed Attributes", in order
	FlexFields []FlexField
	DML        DMLOperation // from the Context's DMLOperation
	// Warnings say what looked wrong in the entry without making it
	// unusable: a Context attribute sent twice (Oracle's pending-worker
	// entries carry "PersonNumber" twice, the second being a PersonId), a
	// changed "PersonNumber" that holds the PersonId (as in newhire
	// entries), an unknown DMLOperation.
	Warnings []string
}

// Raw returns the event itself.
func (r *RawEvent) Raw() *RawEvent { return r }

// Changed returns the first changed attribute called name (matched as
// Attrs.Get matches names).
func (r *RawEvent) Changed(name string) (ChangedAttr, bool) {
	for _, c := range r.Changes {
		if sameName(c.Name, name) {
			return c, true
		}
	}
	return ChangedAttr{}, false
}

// PersonContext holds the person attributes that the Context of every
// employee entry carries. PersonNumber, not PersonID, identifies a person:
// PersonID can differ between environments.
type PersonContext struct {
	PersonNumber       string
	PersonID           string
	PersonName         string // "Last, First"
	WorkEmail          string
	PrimaryPhoneNumber string
	PeriodType         string // E (employee), C (contingent worker), N (nonworker), P (pending worker)
	WorkerType         string // EMP, CWK, NONW, PWK
	EffectiveStartDate Date
	EffectiveDate      Date
}

// NewHire is an entry of the newhire feed: a work relationship (period of
// service) created by a hire, a rehire, a future-dated hire, a pending
// worker added or a pending worker converted.
type NewHire struct {
	RawEvent
	PersonContext
	PeriodOfServiceID string
	Primary           Opt[bool] // PrimaryFlag, when sent
	DateStart         Date      // the changed attribute DateStart
}

// Termination is an entry of the termination feed.
type Termination struct {
	RawEvent
	PersonContext
	PeriodOfServiceID     string
	Primary               Opt[bool]
	ActualTerminationDate Date
}

// AssignmentChange is an entry of the empassignment feed: an assignment,
// salary or manager created, updated, corrected or deleted (see DML).
type AssignmentChange struct {
	RawEvent
	PersonContext
	AssignmentID string
	// PeriodOfServiceID is the assignment's work relationship, from the
	// Context when the customer configured the feed to carry it (as the
	// Oracle integration guide requires), else from the changed attributes.
	PeriodOfServiceID string
	ContractID        string
}

// PersonUpdate is an entry of the empupdate feed. When the Context names an
// assignment (promotions and transfers appear in both empupdate and
// empassignment), AssignmentID is set.
type PersonUpdate struct {
	RawEvent
	PersonContext
	AssignmentID string
}

// WorkRelationshipUpdate is an entry of the workrelshipupdate feed.
type WorkRelationshipUpdate struct {
	RawEvent
	PersonContext
	PeriodOfServiceID string
	Primary           Opt[bool]
}

// WorkRelationshipCancel is an entry of the cancelworkrelship feed. Its
// changed attributes hold old values only.
type WorkRelationshipCancel struct {
	RawEvent
	PersonContext
	PeriodOfServiceID  string
	Primary            Opt[bool]
	ActionOccurrenceID string
}

// PayrollUpdate is an entry of the payupdate feed. Its Context names the
// person by PersonID; PersonNumber is often empty.
type PayrollUpdate struct {
	RawEvent
	PersonContext
	AssignmentID string
	PayrollID    string
}

// WorkstructureChange is an entry of a workstructures feed (organizations,
// jobs, locations, positions, grades). Oracle does not document their
// content in detail: ObjectID is the Context's <Object>Id attribute
// (OrganizationId, JobId, ...) and Name its <Object>Name or Name, when sent.
type WorkstructureChange struct {
	RawEvent
	ObjectID           string
	Name               string
	EffectiveStartDate Date
	EffectiveDate      Date
}

// An EntryError is an entry whose content cannot be used: not JSON, not
// shaped as Oracle documents, a date that is not a date, a key attribute
// missing. It names the entry and the field.
type EntryError struct {
	Collection Collection
	ID         string // the entry's <id>
	Field      string // e.g. "content", "Context.PeriodOfServiceId"
	Msg        string
}

// Error names the collection, the entry, the field and the problem.
func (e *EntryError) Error() string {
	return fmt.Sprintf("hcmatom: %s entry %q: %s: %s", e.Collection, e.ID, e.Field, e.Msg)
}

// Is makes errors.Is(err, ErrBadEntry) true.
func (e *EntryError) Is(target error) bool { return target == ErrBadEntry }

// Decode reads the content of an entry of collection c into a typed Event.
// An entry that cannot be used gives an *EntryError naming it.
func Decode(c Collection, e Entry) (Event, error) {
	bad := func(field, format string, args ...any) error {
		return &EntryError{Collection: c, ID: e.ID, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	if e.Content == "" {
		return nil, bad("content", "the entry has no content")
	}
	ct, err := decodeContent(e.Content, c == CancelWorkRelationshipFeed)
	if err != nil {
		return nil, bad("content", "%v", err)
	}
	raw := RawEvent{Collection: c, Entry: e, At: e.Updated, Context: ct.context, Changes: ct.changes, FlexFields: ct.flex,
		DML: DMLOperation(ct.dml), Warnings: ct.warnings}
	switch raw.DML {
	case "", DMLInsert, DMLUpdate, DMLDelete:
	default:
		raw.Warnings = append(raw.Warnings, fmt.Sprintf("unknown DMLOperation %q", ct.dml))
	}
	d := decoder{raw: &raw, bad: bad, dupes: ct.dupes}
	var ev Event
	switch c {
	case NewHireFeed:
		v := &NewHire{PersonContext: d.person(true), PeriodOfServiceID: d.need("PeriodOfServiceId"), Primary: d.flag("PrimaryFlag")}
		v.DateStart = d.changedDate("DateStart")
		ev = v
	case TerminationFeed:
		v := &Termination{PersonContext: d.person(true), PeriodOfServiceID: d.need("PeriodOfServiceId"), Primary: d.flag("PrimaryFlag")}
		v.ActualTerminationDate = d.date("ActualTerminationDate")
		if v.ActualTerminationDate.IsZero() {
			v.ActualTerminationDate = d.changedDate("ActualTerminationDate")
		}
		ev = v
	case AssignmentFeed:
		v := &AssignmentChange{PersonContext: d.person(true), AssignmentID: d.need("AssignmentId"), ContractID: d.get("ContractId")}
		v.PeriodOfServiceID = d.get("PeriodOfServiceId")
		if v.PeriodOfServiceID == "" {
			v.PeriodOfServiceID = d.changedNew("PeriodOfServiceId")
		}
		ev = v
	case PersonUpdateFeed:
		ev = &PersonUpdate{PersonContext: d.person(true), AssignmentID: d.get("AssignmentId")}
	case WorkRelationshipFeed:
		ev = &WorkRelationshipUpdate{PersonContext: d.person(true), PeriodOfServiceID: d.need("PeriodOfServiceId"), Primary: d.flag("PrimaryFlag")}
	case CancelWorkRelationshipFeed:
		v := &WorkRelationshipCancel{PersonContext: d.person(true), Primary: d.flag("PrimaryFlag"), ActionOccurrenceID: d.get("ActionOccurrenceId")}
		v.PeriodOfServiceID = d.get("PeriodOfServiceId")
		if v.PeriodOfServiceID == "" {
			if ca, ok := raw.Changed("PeriodOfServiceId"); ok {
				v.PeriodOfServiceID = ca.Old.Or(ca.New.Or(""))
			}
		}
		if v.PeriodOfServiceID == "" {
			d.fail("Context.PeriodOfServiceId", "missing: a cancellation must name its work relationship")
		}
		if v.ActionOccurrenceID == "" {
			if ca, ok := raw.Changed("ActionOccurrenceId"); ok {
				v.ActionOccurrenceID = ca.Old.Or(ca.New.Or(""))
			}
		}
		ev = v
	case PayrollFeed:
		v := &PayrollUpdate{PersonContext: d.person(false), AssignmentID: d.need("AssignmentId"), PayrollID: d.get("PayrollId")}
		if v.PayrollID == "" {
			v.PayrollID = d.changedNew("PayrollId")
		}
		ev = v
	default:
		if c.Workspace() == "workstructures" {
			ev = d.workstructure(c)
		} else {
			ev = &raw
		}
	}
	if d.err != nil {
		return nil, d.err
	}
	// Copy the decoded raw event into the typed one.
	if r := ev.Raw(); r != &raw {
		*r = raw
	}
	return ev, nil
}

// decoder reads typed fields out of a RawEvent, remembering the first
// problem.
type decoder struct {
	raw   *RawEvent
	dupes Attrs // Context attributes dropped as duplicates
	bad   func(field, format string, args ...any) error
	err   error
}

func (d *decoder) fail(field, format string, args ...any) {
	if d.err == nil {
		d.err = d.bad(field, format, args...)
	}
}

func (d *decoder) get(name string) string {
	v, _ := d.raw.Context.Get(name)
	return v
}

func (d *decoder) need(name string) string {
	v, ok := d.raw.Context.Get(name)
	if !ok || v == "" {
		d.fail("Context."+name, "missing")
	}
	return v
}

func (d *decoder) date(name string) Date {
	v, ok := d.raw.Context.Get(name)
	if !ok || v == "" {
		return Date{}
	}
	t, err := civil.ParseISO(v)
	if err != nil {
		d.fail("Context."+name, "%v", err)
	}
	return t
}

func (d *decoder) flag(name string) Opt[bool] {
	v, ok := d.raw.Context.Get(name)
	if !ok || v == "" {
		return Opt[bool]{}
	}
	b, err := parseFlag(v)
	if err != nil {
		d.fail("Context."+name, "%v", err)
	}
	return optOf(b)
}

// changedNew returns the new value of a changed attribute, or "".
func (d *decoder) changedNew(name string) string {
	ca, _ := d.raw.Changed(name)
	return ca.New.Or("")
}

func (d *decoder) changedDate(name string) Date {
	v := d.changedNew(name)
	if v == "" {
		return Date{}
	}
	t, err := civil.ParseISO(v)
	if err != nil {
		d.fail("Changed Attributes."+name, "%v", err)
	}
	return t
}

// person reads the person attributes of the Context, and notes a changed
// "PersonNumber" that disagrees with the Context's.
func (d *decoder) person(needNumber bool) PersonContext {
	p := PersonContext{
		PersonID:           d.get("PersonId"),
		PersonName:         d.get("PersonName"),
		WorkEmail:          d.get("WorkEmail"),
		PrimaryPhoneNumber: d.get("PrimaryPhoneNumber"),
		PeriodType:         d.get("PeriodType"),
		WorkerType:         d.get("WorkerType"),
		EffectiveStartDate: d.date("EffectiveStartDate"),
		EffectiveDate:      d.date("EffectiveDate"),
	}
	if needNumber {
		p.PersonNumber = d.need("PersonNumber")
	} else {
		p.PersonNumber = d.get("PersonNumber")
	}
	if ca, ok := d.raw.Changed("PersonNumber"); ok && p.PersonNumber != "" {
		if v, ok := ca.New.Get(); ok && v != p.PersonNumber {
			dup, _ := d.dupes.Get("PersonNumber")
			switch {
			case v == p.PersonID:
				d.raw.Warnings = append(d.raw.Warnings, fmt.Sprintf(
					"the changed attribute PersonNumber is %q, which is the PersonId; the Context's PersonNumber %q identifies the person", v, p.PersonNumber))
			case v == dup:
				d.raw.Warnings = append(d.raw.Warnings, fmt.Sprintf(
					"the changed attribute PersonNumber is %q, as is the Context's second PersonNumber (seemingly the PersonId); the Context's first PersonNumber %q identifies the person", v, p.PersonNumber))
			default:
				d.raw.Warnings = append(d.raw.Warnings, fmt.Sprintf(
					"the changed attribute PersonNumber is %q, not the Context's PersonNumber %q; the Context's identifies the person", v, p.PersonNumber))
			}
		}
	}
	return p
}

// workstructure reads a workstructures entry.
func (d *decoder) workstructure(c Collection) *WorkstructureChange {
	var object string
	switch c {
	case OrganizationsFeed:
		object = "Organization"
	case JobsFeed:
		object = "Job"
	case LocationsFeed:
		object = "Location"
	case PositionsFeed:
		object = "Position"
	case GradesFeed:
		object = "Grade"
	}
	v := &WorkstructureChange{EffectiveStartDate: d.date("EffectiveStartDate"), EffectiveDate: d.date("EffectiveDate")}
	if object != "" {
		v.ObjectID = d.get(object + "Id")
		v.Name = d.get(object + "Name")
	}
	if v.Name == "" {
		v.Name = d.get("Name")
	}
	return v
}

// parseFlag reads Oracle's Y/N flags.
func parseFlag(v string) (bool, error) {
	switch v {
	case "Y", "y":
		return true, nil
	case "N", "n":
		return false, nil
	}
	return false, fmt.Errorf("%s is not Y or N", strconv.Quote(clipString(v)))
}
