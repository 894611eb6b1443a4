package hcmatom

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hrbridge/hrbridge/internal/civil"
)

// Person is what the roster knows of a person: the person record, its work
// relationships and their assignments (Oracle's employment model, as the
// integration guide's "Data Structure" section describes it). PersonNumber
// identifies the person; PersonID can differ between environments.
type Person struct {
	PersonNumber       string `json:"personNumber"`
	PersonID           string `json:"personId,omitempty"`
	Name               string `json:"name,omitempty"` // PersonName, "Last, First"
	WorkEmail          string `json:"workEmail,omitempty"`
	PrimaryPhoneNumber string `json:"primaryPhoneNumber,omitempty"`
	// EffectiveStartDate is the start date the person was first seen
	// with; as in the guide's tables, a rehire keeps it.
	EffectiveStartDate Date `json:"effectiveStartDate,omitzero"`
	// Terminated is set when the person's last active work relationship
	// ends (terminated or cancelled), and cleared by a rehire.
	Terminated            bool               `json:"terminated,omitempty"`
	ActualTerminationDate Date               `json:"actualTerminationDate,omitzero"`
	Attributes            map[string]string  `json:"attributes,omitempty"` // other attributes from empupdate
	WorkRelationships     []WorkRelationship `json:"workRelationships,omitempty"`
	// Seen is the At of the latest event applied to the person record
	// (see Roster.Apply).
	Seen time.Time `json:"seen,omitzero"`
}

// WorkRelationship is a person's relationship with a legal employer (a
// period of service). A person has one primary work relationship.
type WorkRelationship struct {
	PeriodOfServiceID string `json:"periodOfServiceId"`
	// OtherIDs are other PeriodOfServiceIds HCM used for this work
	// relationship: when a pending worker is converted, HCM creates a new
	// period of service, which the roster keeps as the same work
	// relationship, as the guide's "Convert Pending Worker" table shows.
	OtherIDs      []string `json:"otherIds,omitempty"`
	Primary       bool     `json:"primary,omitempty"`
	PeriodType    string   `json:"periodType,omitempty"` // E, C, N or P (pending)
	WorkerType    string   `json:"workerType,omitempty"` // EMP, CWK, NONW, PWK
	LegalEntityID string   `json:"legalEntityId,omitempty"`
	DateStart     Date     `json:"dateStart,omitzero"`
	Terminated    bool     `json:"terminated,omitempty"`
	// Cancelled is set when HCM cancelled the work relationship (an offer
	// withdrawn, a transfer reverted): it is kept, inactive, so that the
	// person's last worker type stays known, as the guide's tables show.
	Cancelled             bool              `json:"cancelled,omitempty"`
	ActualTerminationDate Date              `json:"actualTerminationDate,omitzero"`
	Attributes            map[string]string `json:"attributes,omitempty"`
	Assignments           []Assignment      `json:"assignments,omitempty"`
	Seen                  time.Time         `json:"seen,omitzero"` // see Person.Seen
}

// Active reports whether the work relationship has been neither terminated
// nor cancelled.
func (w WorkRelationship) Active() bool { return !w.Terminated && !w.Cancelled }

// Assignment is a person's role within a work relationship. A work
// relationship has one primary assignment.
type Assignment struct {
	AssignmentID         string   `json:"assignmentId"`
	OtherIDs             []string `json:"otherIds,omitempty"` // see WorkRelationship.OtherIDs
	AssignmentNumber     string   `json:"assignmentNumber,omitempty"`
	AssignmentName       string   `json:"assignmentName,omitempty"`
	Primary              bool     `json:"primary,omitempty"` // PrimaryAssignmentFlag
	AssignmentStatusType string   `json:"assignmentStatusType,omitempty"`
	AssignmentType       string   `json:"assignmentType,omitempty"`
	ActionCode           string   `json:"actionCode,omitempty"` // the last action: HIRE, PROMOTION, TRANSFER, ...
	BusinessUnitID       string   `json:"businessUnitId,omitempty"`
	OrganizationID       string   `json:"organizationId,omitempty"`
	PositionID           string   `json:"positionId,omitempty"`
	LocationID           string   `json:"locationId,omitempty"`
	JobID                string   `json:"jobId,omitempty"`
	GradeID              string   `json:"gradeId,omitempty"`
	LegalEntityID        string   `json:"legalEntityId,omitempty"`
	ManagerID            string   `json:"managerId,omitempty"`
	ManagerAssignmentID  string   `json:"managerAssignmentId,omitempty"`
	ManagerType          string   `json:"managerType,omitempty"`
	EffectiveStartDate   Date     `json:"effectiveStartDate,omitzero"`
	EffectiveEndDate     Date     `json:"effectiveEndDate,omitzero"`
	// Attributes holds the other changed attributes (NormalHours,
	// WorkAtHome, PayrollId, ...) and flexfield segments, the latter as
	// "FLEXFIELD_CODE.segment".
	Attributes map[string]string `json:"attributes,omitempty"`
	Seen       time.Time         `json:"seen,omitzero"` // see Person.Seen
}

// PrimaryWorkRelationship returns the person's active primary work
// relationship, or the first active one when none is marked primary.
func (p Person) PrimaryWorkRelationship() (WorkRelationship, bool) {
	var first *WorkRelationship
	for i := range p.WorkRelationships {
		w := &p.WorkRelationships[i]
		if !w.Active() {
			continue
		}
		if w.Primary {
			return *w, true
		}
		if first == nil {
			first = w
		}
	}
	if first == nil {
		return WorkRelationship{}, false
	}
	return *first, true
}

// PrimaryAssignment returns the primary assignment of the primary work
// relationship (Oracle's "overall primary assignment"), or its first
// assignment when none is marked primary.
func (p Person) PrimaryAssignment() (Assignment, bool) {
	w, ok := p.PrimaryWorkRelationship()
	if !ok || len(w.Assignments) == 0 {
		return Assignment{}, false
	}
	for _, a := range w.Assignments {
		if a.Primary {
			return a, true
		}
	}
	return w.Assignments[0], true
}

// Lifecycle is what happened to a person, in joiner/mover/leaver terms:
// what an event meant (Outcome.Lifecycle). canonical.Lifecycle is the same
// word for every system.
type Lifecycle int

const (
	// Unchanged: the event changed nothing (a repeated event, a
	// workstructures event, an event about something the roster does not
	// hold; Outcome.Warnings say which).
	Unchanged Lifecycle = iota
	// Joiner: a person new to the roster (hire, pending worker added).
	Joiner
	// Rehire: a new work relationship for a person who had none active.
	Rehire
	// Mover: a change of employment: a work relationship added, converted
	// (pending worker), swapped as primary, ended while another remains;
	// an assignment added or removed, or its business unit, organization,
	// position, location, job, grade, legal entity, manager, status or
	// primary flag changed.
	Mover
	// Leaver: the person's last active work relationship ended.
	Leaver
	// Update: any other change (personal details, assignment details that
	// do not move the person, the first assignment of a new work
	// relationship).
	Update
)

var lifecycleNames = [...]string{"unchanged", "joiner", "rehire", "mover", "leaver", "update"}

// String returns the lifecycle in lower case: "joiner", "mover", ...
func (m Lifecycle) String() string {
	if m >= 0 && int(m) < len(lifecycleNames) {
		return lifecycleNames[m]
	}
	return "Lifecycle(" + strconv.Itoa(int(m)) + ")"
}

// ChangeKind says what happened to an object of the roster.
type ChangeKind int

const (
	Changed ChangeKind = iota // a field changed
	Added                     // the object was added
	Removed                   // the object was removed
)

// FieldChange is one change the roster made.
type FieldChange struct {
	Kind   ChangeKind
	Object string // "person", "work relationship" or "assignment"
	ID     string // its PersonNumber, PeriodOfServiceId or AssignmentId
	Field  string // Oracle's attribute name, for Changed
	Old    string
	New    string
}

// String describes the change for a log line or a report.
func (c FieldChange) String() string {
	switch c.Kind {
	case Added:
		return c.Object + " " + c.ID + " added"
	case Removed:
		return c.Object + " " + c.ID + " removed"
	}
	return fmt.Sprintf("%s %s: %s %q → %q", c.Object, c.ID, c.Field, c.Old, c.New)
}

// Outcome is what applying an event did.
type Outcome struct {
	Lifecycle    Lifecycle
	PersonNumber string
	Changes      []FieldChange
	// Warnings say what could not be applied, or was applied on a guess.
	Warnings []string
}

// String gives the person, the lifecycle, the changes and the warnings on one line.
func (o Outcome) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", o.PersonNumber, o.Lifecycle)
	for _, c := range o.Changes {
		b.WriteString("; ")
		b.WriteString(c.String())
	}
	for _, w := range o.Warnings {
		b.WriteString("; warning: ")
		b.WriteString(w)
	}
	return b.String()
}

// The roster's objects. The exported values are copies made from them.
type person struct {
	p   Person // WorkRelationships unused
	wrs []*workRel
}

type workRel struct {
	w     WorkRelationship // Assignments unused
	owner *person
	asgs  []*assignment
}

type assignment struct {
	a     Assignment
	owner *workRel
}

// Roster holds what HCM says about workers, kept current by applying feed
// events with the rules of Oracle's integration guide for entitlement
// management systems ("Joiner", "Mover" and "Leaver" scenarios). It is
// safe for concurrent use. Seed it in bulk with LoadExtract (from the
// initial extract) or Load, then Apply each event.
type Roster struct {
	mu sync.RWMutex
	index
	deleted map[string]string // deleted AssignmentIds → PersonNumber
	// Persons of initial extracts that no event has touched yet, kept
	// compact; a key is in the index or in a seed store, never both.
	seeds []*seedStore
}

// NewRoster returns an empty roster.
func NewRoster() *Roster {
	return &Roster{index: newIndex(), deleted: map[string]string{}}
}

// Len returns the number of persons.
func (r *Roster) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	n := len(r.persons)
	for _, s := range r.seeds {
		n += s.len()
	}
	return n
}

// Person returns a copy of the person with that PersonNumber.
func (r *Roster) Person(number string) (Person, bool) {
	return r.find(keyPersonNumber, number)
}

// PersonByID returns a copy of the person with that PersonId.
func (r *Roster) PersonByID(id string) (Person, bool) {
	return r.find(keyPersonID, id)
}

func (r *Roster) find(k int, v string) (Person, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if p := r.owner(k, v); p != nil {
		return p.snapshot(), true
	}
	if s, i, ok := r.seedFind(k, v); ok {
		return s.person(i), true
	}
	return Person{}, false
}

// Persons returns copies of every person, by PersonNumber. It is a
// snapshot of who was there when it started; each person is copied as it
// is when reached.
func (r *Roster) Persons() iter.Seq[Person] {
	return func(yield func(Person) bool) {
		r.mu.RLock()
		keys := slices.Collect(maps.Keys(r.persons))
		for _, s := range r.seeds {
			s.each(func(i uint32) { keys = append(keys, s.pn(i)) })
		}
		r.mu.RUnlock()
		slices.Sort(keys)
		for _, k := range keys {
			p, ok := r.Person(k)
			if ok && !yield(p) {
				return
			}
		}
	}
}

func (p *person) snapshot() Person {
	out := p.p
	out.Attributes = maps.Clone(p.p.Attributes)
	if len(p.wrs) > 0 {
		out.WorkRelationships = make([]WorkRelationship, len(p.wrs))
		for i, w := range p.wrs {
			out.WorkRelationships[i] = w.snapshot()
		}
	}
	return out
}

func (w *workRel) snapshot() WorkRelationship {
	out := w.w
	out.OtherIDs = slices.Clone(w.w.OtherIDs)
	out.Attributes = maps.Clone(w.w.Attributes)
	if len(w.asgs) > 0 {
		out.Assignments = make([]Assignment, len(w.asgs))
		for i, a := range w.asgs {
			out.Assignments[i] = a.a
			out.Assignments[i].OtherIDs = slices.Clone(a.a.OtherIDs)
			out.Assignments[i].Attributes = maps.Clone(a.a.Attributes)
		}
	}
	return out
}

func (p *person) active() []*workRel {
	var out []*workRel
	for _, w := range p.wrs {
		if w.w.Active() {
			out = append(out, w)
		}
	}
	return out
}

func (p *person) hasActive() bool {
	for _, w := range p.wrs {
		if w.w.Active() {
			return true
		}
	}
	return false
}

func (p *person) primary() *workRel {
	var first *workRel
	for _, w := range p.wrs {
		if !w.w.Active() {
			continue
		}
		if w.w.Primary {
			return w
		}
		if first == nil {
			first = w
		}
	}
	return first
}

// applier applies one event and records what it changed.
type applier struct {
	r   *Roster
	raw *RawEvent
	at  time.Time // raw.At
	out Outcome
}

// Apply applies a feed event to the roster and reports what it meant and
// what it changed. Applying the same event again changes nothing, and so
// does delivering again events older than ones already applied: each
// record keeps the At of the latest event applied to it (Seen), and an
// older event does not put its old values back. The rules are the
// integration guide's:
//
//   - newhire: a person not in the roster is a joiner; a known person with
//     no active work relationship is a rehire; a known pending worker
//     (PeriodType P) hired as an employee or contingent worker is converted
//     (a mover: the pending work relationship goes on, under both ids);
//     a known person with an active work relationship gains another one
//     (a mover).
//   - empassignment: an assignment created is added to the work relationship
//     its PeriodOfServiceId names (the guide asks customers to configure
//     the feed to carry it); without one, to the person's only active work
//     relationship, or to the primary one with a warning. Created
//     assignments are ACTIVE, and primary when they are the first of their
//     work relationship, unless the entry says otherwise. Updates set the
//     changed attributes; attributes not sent stay as they were.
//   - empupdate: the person's details from the Context and the changed
//     attributes; changes to an assignment (promotions and transfers come
//     in both feeds) when the Context names one.
//   - workrelshipupdate: the changed attributes; making one work
//     relationship primary makes the person's others non-primary.
//   - termination: the work relationship is terminated; cancelworkrelship:
//     it is cancelled (kept, inactive). When none is left active, the
//     person is terminated (a leaver) as of the entry's termination date.
//   - payupdate: the assignment's PayrollId. Workstructures events change
//     nothing here.
//
// Only the changed attributes change a record, the Context serving to find
// it (as the guide says), except for a person created from an event and for
// the person details of empupdate. An event that lacks the key it needs
// gives an *EntryError and changes nothing; one about a record the roster
// does not hold changes nothing and says so in Outcome.Warnings.
func (r *Roster) Apply(ev Event) (Outcome, error) {
	if ev == nil {
		return Outcome{}, fmt.Errorf("hcmatom: Apply: nil event")
	}
	raw := ev.Raw()
	need := func(field, v string) error {
		if v == "" {
			return &EntryError{Collection: raw.Collection, ID: raw.Entry.ID, Field: field, Msg: "missing"}
		}
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	a := &applier{r: r, raw: raw, at: raw.At}
	var err error
	switch e := ev.(type) {
	case *NewHire:
		if err = need("Context.PersonNumber", e.PersonNumber); err == nil {
			if err = need("Context.PeriodOfServiceId", e.PeriodOfServiceID); err == nil {
				a.newHire(e)
			}
		}
	case *AssignmentChange:
		if err = need("Context.PersonNumber", e.PersonNumber); err == nil {
			if err = need("Context.AssignmentId", e.AssignmentID); err == nil {
				a.assignmentChange(e)
			}
		}
	case *PersonUpdate:
		if err = need("Context.PersonNumber", e.PersonNumber); err == nil {
			a.personUpdate(e)
		}
	case *WorkRelationshipUpdate:
		if err = need("Context.PeriodOfServiceId", e.PeriodOfServiceID); err == nil {
			a.workRelationshipUpdate(e)
		}
	case *Termination:
		if err = need("Context.PeriodOfServiceId", e.PeriodOfServiceID); err == nil {
			a.end(e.PersonNumber, e.PeriodOfServiceID, firstDate(e.ActualTerminationDate, e.EffectiveDate), false)
		}
	case *WorkRelationshipCancel:
		if err = need("Context.PeriodOfServiceId", e.PeriodOfServiceID); err == nil {
			a.end(e.PersonNumber, e.PeriodOfServiceID, e.EffectiveDate, true)
		}
	case *PayrollUpdate:
		if err = need("Context.AssignmentId", e.AssignmentID); err == nil {
			a.payroll(e)
		}
	default:
		// Workstructures and unknown collections hold no worker data.
	}
	if err != nil {
		return Outcome{}, err
	}
	if len(a.out.Changes) == 0 {
		a.out.Lifecycle = Unchanged
	}
	return a.out, nil
}

// stale reports whether the event is older than what a record already
// reflects (its Seen): an event delivered again after later ones, which
// must not put old values back.
func (a *applier) stale(seen time.Time, object, id string) bool {
	if a.at.IsZero() || !a.at.Before(seen) {
		return false
	}
	a.warn("%s %s already reflects an entry of %s: this entry of %s is not applied again", object, id,
		seen.Format(time.RFC3339Nano), a.at.Format(time.RFC3339Nano))
	return true
}

// touch records that a record reflects the event.
func (a *applier) touch(seen *time.Time) {
	if a.at.After(*seen) {
		*seen = a.at
	}
}

func (a *applier) warn(format string, args ...any) {
	a.out.Warnings = append(a.out.Warnings, fmt.Sprintf(format, args...))
}

// mean raises the outcome's lifecycle: leaver, joiner and rehire win over
// mover, which wins over update.
func (a *applier) mean(m Lifecycle) {
	rank := func(m Lifecycle) int {
		switch m {
		case Joiner, Rehire, Leaver:
			return 3
		case Mover:
			return 2
		case Update:
			return 1
		}
		return 0
	}
	if rank(m) > rank(a.out.Lifecycle) {
		a.out.Lifecycle = m
	}
}

func (a *applier) record(c FieldChange) {
	if a.out.Changes == nil {
		a.out.Changes = make([]FieldChange, 0, 4)
	}
	a.out.Changes = append(a.out.Changes, c)
}

// set sets *dst to v, recording the change with show's texts.
func set[T comparable](a *applier, object, id, field string, dst *T, v T, show func(T) string) bool {
	if *dst == v {
		return false
	}
	a.record(FieldChange{Object: object, ID: id, Field: field, Old: show(*dst), New: show(v)})
	*dst = v
	return true
}

func (a *applier) setString(object, id, field string, dst *string, v string) bool {
	return set(a, object, id, field, dst, v, func(s string) string { return s })
}

func (a *applier) setBool(object, id, field string, dst *bool, v bool) bool {
	return set(a, object, id, field, dst, v, flag)
}

func (a *applier) setDate(object, id, field string, dst *Date, v Date) bool {
	return set(a, object, id, field, dst, v, Date.String)
}

// setAttr sets or, for "", deletes an entry of an attribute map.
func (a *applier) setAttr(object, id, field string, m *map[string]string, v string) bool {
	old, had := (*m)[field]
	if old == v && (had || v == "") {
		return false
	}
	a.record(FieldChange{Object: object, ID: id, Field: field, Old: old, New: v})
	if v == "" {
		delete(*m, field)
		return true
	}
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[field] = v
	return true
}

func flag(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

const (
	objPerson = "person"
	objWR     = "work relationship"
	objAsg    = "assignment"
)

// newPerson adds a person made from an event's Context.
func (a *applier) newPerson(pc *PersonContext, start Date) *person {
	p := &person{p: Person{PersonNumber: pc.PersonNumber, PersonID: pc.PersonID, Name: pc.PersonName,
		WorkEmail: pc.WorkEmail, PrimaryPhoneNumber: pc.PrimaryPhoneNumber, EffectiveStartDate: start, Seen: a.at}}
	a.r.persons[p.p.PersonNumber] = p
	if p.p.PersonID != "" {
		a.r.thaw(keyPersonID, p.p.PersonID)
		a.r.byID[p.p.PersonID] = p
	}
	a.record(FieldChange{Kind: Added, Object: objPerson, ID: p.p.PersonNumber})
	return p
}

// addWR adds a work relationship to p.
func (a *applier) addWR(p *person, w WorkRelationship) *workRel {
	w.Seen = a.at
	wr := &workRel{w: w, owner: p}
	p.wrs = append(p.wrs, wr)
	a.r.thaw(keyPOS, w.PeriodOfServiceID)
	a.r.byPOS[w.PeriodOfServiceID] = wr
	a.record(FieldChange{Kind: Added, Object: objWR, ID: w.PeriodOfServiceID})
	if w.Primary {
		a.demoteWRs(p, wr)
	}
	return wr
}

// demoteWRs makes every work relationship of p but keep non-primary.
func (a *applier) demoteWRs(p *person, keep *workRel) {
	for _, o := range p.wrs {
		if o != keep && o.w.Primary && o.w.Active() {
			a.setBool(objWR, o.w.PeriodOfServiceID, "PrimaryFlag", &o.w.Primary, false)
			a.touch(&o.w.Seen)
		}
	}
}

// demoteAsgs makes every assignment of w but keep non-primary.
func (a *applier) demoteAsgs(w *workRel, keep *assignment) {
	for _, o := range w.asgs {
		if o != keep && o.a.Primary {
			a.setBool(objAsg, o.a.AssignmentID, "PrimaryAssignmentFlag", &o.a.Primary, false)
			a.touch(&o.a.Seen)
		}
	}
}

// setTerminated updates the person's termination after its work
// relationships changed, reporting a leaver when the last one ended.
func (a *applier) setTerminated(p *person, date Date) {
	active := p.hasActive()
	switch {
	case !active && !p.p.Terminated:
		a.setBool(objPerson, p.p.PersonNumber, "Terminated", &p.p.Terminated, true)
		a.setDate(objPerson, p.p.PersonNumber, "ActualTerminationDate", &p.p.ActualTerminationDate, date)
		a.mean(Leaver)
	case active && p.p.Terminated:
		a.setBool(objPerson, p.p.PersonNumber, "Terminated", &p.p.Terminated, false)
		a.setDate(objPerson, p.p.PersonNumber, "ActualTerminationDate", &p.p.ActualTerminationDate, Date{})
	}
}

func (a *applier) newHire(e *NewHire) {
	a.out.PersonNumber = e.PersonNumber
	start := firstDate(e.DateStart, e.EffectiveStartDate, e.EffectiveDate)
	p := a.r.personFor(e.PersonNumber)
	if wr := a.r.wrFor(e.PeriodOfServiceID); wr != nil {
		if wr.owner != p {
			a.warn("work relationship %s belongs to person %s, not %s: entry ignored", e.PeriodOfServiceID, wr.owner.p.PersonNumber, e.PersonNumber)
			return
		}
		// A repeated entry, or one for a converted pending worker.
		id := wr.w.PeriodOfServiceID
		if wr.w.Cancelled || a.stale(wr.w.Seen, objWR, id) {
			return
		}
		if e.PeriodType != "" && a.setString(objWR, id, "PeriodType", &wr.w.PeriodType, e.PeriodType) ||
			e.WorkerType != "" && a.setString(objWR, id, "WorkerType", &wr.w.WorkerType, e.WorkerType) {
			a.mean(Mover)
		}
		a.touch(&wr.w.Seen)
		return
	}
	primary := e.Primary.Or(true)
	w := WorkRelationship{PeriodOfServiceID: e.PeriodOfServiceID, PeriodType: e.PeriodType, WorkerType: e.WorkerType, DateStart: start}
	if p == nil {
		p = a.newPerson(&e.PersonContext, firstDate(e.EffectiveStartDate, start))
		w.Primary = primary
		a.addWR(p, w)
		a.mean(Joiner)
		return
	}
	a.learnPersonID(p, e.PersonID)
	active := p.active()
	if e.PeriodType != "" && e.PeriodType != "P" {
		for _, wr := range active {
			if wr.w.PeriodType != "P" {
				continue
			}
			// A pending worker converted: the work relationship goes on
			// as an employee or contingent worker one.
			id := wr.w.PeriodOfServiceID
			a.setString(objWR, id, "PeriodType", &wr.w.PeriodType, e.PeriodType)
			if e.WorkerType != "" {
				a.setString(objWR, id, "WorkerType", &wr.w.WorkerType, e.WorkerType)
			}
			wr.w.OtherIDs = append(wr.w.OtherIDs, e.PeriodOfServiceID)
			a.r.byPOS[e.PeriodOfServiceID] = wr
			a.touch(&wr.w.Seen)
			a.record(FieldChange{Object: objWR, ID: id, Field: "OtherIds", New: e.PeriodOfServiceID})
			a.mean(Mover)
			return
		}
	}
	if len(active) == 0 {
		w.Primary = primary
		a.addWR(p, w)
		a.setTerminated(p, Date{})
		a.out.Lifecycle = Rehire
		return
	}
	// Another work relationship for an active person (a global transfer,
	// a second legal employer): primary only when the entry says so.
	w.Primary = e.Primary.Or(false)
	a.addWR(p, w)
	a.mean(Mover)
}

// learnPersonID records a PersonId the person did not have (a pending
// worker's newhire entry carries none).
func (a *applier) learnPersonID(p *person, id string) {
	if p == nil || id == "" || p.p.PersonID != "" {
		return
	}
	if a.r.personForID(id) != nil {
		return
	}
	a.setString(objPerson, p.p.PersonNumber, "PersonId", &p.p.PersonID, id)
	a.r.byID[id] = p
}

// findWR finds the work relationship an assignment entry belongs to.
func (a *applier) findWR(p *person, pos, assignmentID string) *workRel {
	if pos != "" {
		if wr := a.r.wrFor(pos); wr != nil {
			if wr.w.Cancelled {
				a.warn("assignment %s: its work relationship %s was cancelled", assignmentID, pos)
				return nil
			}
			return wr
		}
	}
	if p == nil {
		return nil
	}
	active := p.active()
	switch {
	case len(active) == 1 && pos == "":
		return active[0]
	case len(active) > 1 && pos == "":
		wr := p.primary()
		a.warn("assignment %s: the entry names no PeriodOfServiceId (configure the empassignment feed to carry it) and person %s has %d work relationships: put on the primary one, %s",
			assignmentID, p.p.PersonNumber, len(active), wr.w.PeriodOfServiceID)
		return wr
	}
	return nil
}

func (a *applier) assignmentChange(e *AssignmentChange) {
	a.out.PersonNumber = e.PersonNumber
	p := a.r.personFor(e.PersonNumber)
	as := a.r.asgFor(e.AssignmentID)
	n0 := len(a.out.Changes)
	a.learnPersonID(p, e.PersonID)
	if len(a.out.Changes) > n0 {
		a.mean(Update)
	}
	if e.DML == DMLDelete {
		if as == nil {
			if _, gone := a.r.deleted[e.AssignmentID]; !gone {
				a.warn("assignment %s is not in the roster: nothing to delete", e.AssignmentID)
			}
			return
		}
		a.removeAsg(as)
		a.mean(Mover)
		return
	}
	if as != nil {
		if !a.stale(as.a.Seen, objAsg, as.a.AssignmentID) {
			a.changeAsg(as, a.raw.Changes, a.raw.FlexFields)
		}
		return
	}
	if _, gone := a.r.deleted[e.AssignmentID]; gone {
		a.warn("assignment %s was deleted: its entry is not applied again", e.AssignmentID)
		return
	}
	wr := a.findWR(p, e.PeriodOfServiceID, e.AssignmentID)
	if wr == nil && p == nil && e.PeriodOfServiceID != "" {
		if a.r.wrFor(e.PeriodOfServiceID) == nil {
			a.warn("person %s was not in the roster: created from an assignment entry", e.PersonNumber)
			p = a.newPerson(&e.PersonContext, firstDate(e.EffectiveStartDate, e.EffectiveDate))
			wr = a.addWR(p, WorkRelationship{PeriodOfServiceID: e.PeriodOfServiceID, Primary: true,
				PeriodType: e.PeriodType, WorkerType: e.WorkerType, DateStart: e.EffectiveDate})
			a.mean(Joiner)
		}
	}
	if wr == nil {
		if p == nil {
			a.warn("assignment %s: person %s is not in the roster", e.AssignmentID, e.PersonNumber)
		} else {
			a.warn("assignment %s: person %s has no active work relationship to put it in", e.AssignmentID, e.PersonNumber)
		}
		return
	}
	if wr.owner.p.PersonNumber != e.PersonNumber {
		a.warn("assignment %s: work relationship %s belongs to person %s, not %s: entry ignored",
			e.AssignmentID, wr.w.PeriodOfServiceID, wr.owner.p.PersonNumber, e.PersonNumber)
		return
	}
	live := wr.asgs
	if e.PeriodOfServiceID != "" && e.PeriodOfServiceID != wr.w.PeriodOfServiceID && len(live) == 1 && len(live[0].a.OtherIDs) == 0 {
		// The assignment HCM creates when a pending worker is converted:
		// the pending worker's assignment goes on, under both ids.
		old := live[0]
		id := old.a.AssignmentID
		old.a.OtherIDs = append(old.a.OtherIDs, e.AssignmentID)
		a.r.byAsg[e.AssignmentID] = old
		a.record(FieldChange{Object: objAsg, ID: id, Field: "OtherIds", New: e.AssignmentID})
		if !a.stale(old.a.Seen, objAsg, id) {
			a.changeAsg(old, a.raw.Changes, a.raw.FlexFields)
		}
		a.mean(Update)
		return
	}
	first := len(live) == 0
	as = &assignment{a: Assignment{AssignmentID: e.AssignmentID, AssignmentStatusType: "ACTIVE", Primary: first, Seen: a.at}, owner: wr}
	wr.asgs = append(wr.asgs, as)
	a.r.byAsg[e.AssignmentID] = as
	a.record(FieldChange{Kind: Added, Object: objAsg, ID: e.AssignmentID})
	a.fillAsg(as, a.raw.Changes, a.raw.FlexFields)
	if as.a.Primary {
		a.demoteAsgs(wr, as)
	}
	if first {
		a.mean(Update)
	} else {
		a.mean(Mover)
	}
}

// removeAsg removes an assignment and remembers it was deleted.
func (a *applier) removeAsg(as *assignment) {
	wr := as.owner
	wr.asgs = slices.DeleteFunc(wr.asgs, func(o *assignment) bool { return o == as })
	for _, id := range append([]string{as.a.AssignmentID}, as.a.OtherIDs...) {
		delete(a.r.byAsg, id)
		a.r.deleted[id] = wr.owner.p.PersonNumber
	}
	a.record(FieldChange{Kind: Removed, Object: objAsg, ID: as.a.AssignmentID})
}

// changeAsg applies changed attributes to an assignment, and says whether
// they moved the person.
func (a *applier) changeAsg(as *assignment, changes []ChangedAttr, flex []FlexField) {
	defer a.touch(&as.a.Seen)
	n := len(a.out.Changes)
	moved := a.fillAsg(as, changes, flex)
	if len(a.out.Changes) > n {
		if moved {
			a.mean(Mover)
		} else {
			a.mean(Update)
		}
	}
}

// fillAsg sets an assignment's fields from changed attributes; it reports
// whether a field that moves the person changed.
func (a *applier) fillAsg(as *assignment, changes []ChangedAttr, flex []FlexField) bool {
	moved := false
	for _, c := range changes {
		if applied, mv := a.asgField(as, c); applied {
			moved = moved || mv
			continue
		}
		a.setAttr(objAsg, as.a.AssignmentID, c.Name, &as.a.Attributes, c.New.Or(""))
	}
	a.dropStaleNames(as, changes)
	for _, ff := range flex {
		for _, c := range ff.Changes {
			a.setAttr(objAsg, as.a.AssignmentID, ff.Code+"."+c.Name, &as.a.Attributes, c.New.Or(""))
		}
	}
	return moved
}

// dropStaleNames removes the name attributes (JobName, ...) of the work
// structures whose id the changes moved without naming it anew: a name
// kept from the extract must not stand for another id (see
// Workstructures.Resolve).
func (a *applier) dropStaleNames(as *assignment, changes []ChangedAttr) {
	if len(as.a.Attributes) == 0 {
		return
	}
	for k, cols := range nameColumns {
		moved, named := false, false
		for _, c := range changes {
			moved = moved || sameName(c.Name, k.idField()) || k == Organization && sameName(c.Name, "DepartmentId")
			for _, col := range cols {
				named = named || sameName(c.Name, col)
			}
		}
		if !moved || named {
			continue
		}
		for attr := range as.a.Attributes {
			for _, col := range cols {
				if sameName(attr, col) {
					a.setAttr(objAsg, as.a.AssignmentID, attr, &as.a.Attributes, "")
				}
			}
		}
	}
}

// asgField applies a changed attribute that is a field of Assignment. It
// reports whether the attribute is one, and whether its change moves the
// person.
func (a *applier) asgField(as *assignment, c ChangedAttr) (applied, moved bool) {
	x := &as.a
	id := x.AssignmentID
	v := c.New.Or("")
	str := func(dst *string, mover bool) (bool, bool) {
		return true, a.setString(objAsg, id, c.Name, dst, v) && mover
	}
	switch {
	case sameName(c.Name, "AssignmentId"), sameName(c.Name, "PeriodOfServiceId"):
		return true, false // identity and placement, not data
	case sameName(c.Name, "AssignmentNumber"):
		return str(&x.AssignmentNumber, false)
	case sameName(c.Name, "AssignmentName"):
		return str(&x.AssignmentName, false)
	case sameName(c.Name, "AssignmentStatusType"):
		return str(&x.AssignmentStatusType, true)
	case sameName(c.Name, "AssignmentType"):
		return str(&x.AssignmentType, false)
	case sameName(c.Name, "ActionCode"):
		return str(&x.ActionCode, false)
	case sameName(c.Name, "BusinessUnitId"):
		return str(&x.BusinessUnitID, true)
	case sameName(c.Name, "OrganizationId"), sameName(c.Name, "DepartmentId"):
		return str(&x.OrganizationID, true)
	case sameName(c.Name, "PositionId"):
		return str(&x.PositionID, true)
	case sameName(c.Name, "LocationId"):
		return str(&x.LocationID, true)
	case sameName(c.Name, "JobId"):
		return str(&x.JobID, true)
	case sameName(c.Name, "GradeId"):
		return str(&x.GradeID, true)
	case sameName(c.Name, "LegalEntityId"):
		return str(&x.LegalEntityID, true)
	case sameName(c.Name, "ManagerId"):
		return str(&x.ManagerID, true)
	case sameName(c.Name, "ManagerAssignmentId"):
		return str(&x.ManagerAssignmentID, true)
	case sameName(c.Name, "ManagerType"):
		return str(&x.ManagerType, false)
	case sameName(c.Name, "PrimaryAssignmentFlag"):
		if v == "" {
			return true, false
		}
		b, err := parseFlag(v)
		if err != nil {
			a.warn("assignment %s: PrimaryAssignmentFlag: %v", id, err)
			return true, false
		}
		if !a.setBool(objAsg, id, "PrimaryAssignmentFlag", &x.Primary, b) {
			return true, false
		}
		if b {
			a.demoteAsgs(as.owner, as)
		}
		return true, true
	case sameName(c.Name, "EffectiveStartDate"), sameName(c.Name, "EffectiveEndDate"):
		dst := &x.EffectiveStartDate
		if sameName(c.Name, "EffectiveEndDate") {
			dst = &x.EffectiveEndDate
		}
		d, err := parseDate(v)
		if err != nil {
			a.warn("assignment %s: %s: %v", id, c.Name, err)
			return true, false
		}
		a.setDate(objAsg, id, c.Name, dst, d)
		return true, false
	}
	return false, false
}

// isAsgField reports whether a changed attribute of empupdate concerns the
// assignment rather than the person.
func isAsgField(name string) bool {
	for _, n := range []string{"AssignmentNumber", "AssignmentName", "AssignmentStatusType", "AssignmentType", "ActionCode",
		"BusinessUnitId", "OrganizationId", "DepartmentId", "PositionId", "LocationId", "JobId", "GradeId", "LegalEntityId",
		"ManagerId", "ManagerAssignmentId", "ManagerType", "PrimaryAssignmentFlag"} {
		if sameName(name, n) {
			return true
		}
	}
	return false
}

func parseDate(v string) (Date, error) {
	if v == "" {
		return Date{}, nil
	}
	return civil.ParseISO(v)
}

// firstDate returns the first date that is not zero.
func firstDate(ds ...Date) Date {
	for _, d := range ds {
		if !d.IsZero() {
			return d
		}
	}
	return Date{}
}

func (a *applier) personUpdate(e *PersonUpdate) {
	a.out.PersonNumber = e.PersonNumber
	p := a.r.personFor(e.PersonNumber)
	if p == nil {
		a.warn("person %s is not in the roster: empupdate entry not applied", e.PersonNumber)
		return
	}
	pn := p.p.PersonNumber
	ctx := a.raw.Context
	n := len(a.out.Changes)
	a.learnPersonID(p, e.PersonID)
	stale := a.stale(p.p.Seen, objPerson, pn)
	if !stale {
		a.touch(&p.p.Seen)
	}
	if v, ok := ctx.Get("PersonName"); ok && !stale {
		a.setString(objPerson, pn, "PersonName", &p.p.Name, v)
	}
	if v, ok := ctx.Get("WorkEmail"); ok && !stale {
		a.setString(objPerson, pn, "WorkEmail", &p.p.WorkEmail, v)
	}
	if v, ok := ctx.Get("PrimaryPhoneNumber"); ok && !stale {
		a.setString(objPerson, pn, "PrimaryPhoneNumber", &p.p.PrimaryPhoneNumber, v)
	}
	var asg *assignment
	if e.AssignmentID != "" {
		asg = a.r.asgFor(e.AssignmentID)
		if asg != nil && asg.owner.owner != p {
			a.warn("assignment %s belongs to person %s, not %s: its changes are not applied", e.AssignmentID, asg.owner.owner.p.PersonNumber, pn)
			asg = nil
		}
	}
	var asgChanges []ChangedAttr
	for _, c := range a.raw.Changes {
		v := c.New.Or("")
		switch {
		case isAsgField(c.Name):
			asgChanges = append(asgChanges, c)
		case stale:
		case sameName(c.Name, "PersonNumber"), sameName(c.Name, "PersonId"), sameName(c.Name, "AssignmentId"):
			// identity: see the event's Warnings when it disagrees
		case sameName(c.Name, "PersonName"):
			a.setString(objPerson, pn, "PersonName", &p.p.Name, v)
		case sameName(c.Name, "WorkEmail"):
			a.setString(objPerson, pn, "WorkEmail", &p.p.WorkEmail, v)
		case sameName(c.Name, "PrimaryPhoneNumber"):
			a.setString(objPerson, pn, "PrimaryPhoneNumber", &p.p.PrimaryPhoneNumber, v)
		default:
			a.setAttr(objPerson, pn, c.Name, &p.p.Attributes, v)
		}
	}
	for _, ff := range a.raw.FlexFields {
		for _, c := range ff.Changes {
			if !stale {
				a.setAttr(objPerson, pn, ff.Code+"."+c.Name, &p.p.Attributes, c.New.Or(""))
			}
		}
	}
	if len(a.out.Changes) > n {
		a.mean(Update)
	}
	if len(asgChanges) > 0 {
		if asg == nil {
			a.warn("assignment changes for %q not applied: the assignment is not in the roster", e.AssignmentID)
			return
		}
		if !a.stale(asg.a.Seen, objAsg, asg.a.AssignmentID) {
			a.changeAsg(asg, asgChanges, nil)
		}
	}
}

func (a *applier) workRelationshipUpdate(e *WorkRelationshipUpdate) {
	a.out.PersonNumber = e.PersonNumber
	wr := a.r.wrFor(e.PeriodOfServiceID)
	if wr == nil {
		a.warn("work relationship %s is not in the roster: workrelshipupdate entry not applied", e.PeriodOfServiceID)
		return
	}
	p := wr.owner
	a.out.PersonNumber = p.p.PersonNumber
	id := wr.w.PeriodOfServiceID
	if a.stale(wr.w.Seen, objWR, id) {
		return
	}
	defer a.touch(&wr.w.Seen)
	moved := false
	primarySent := false
	setPrimary := func(v bool) {
		if a.setBool(objWR, id, "PrimaryFlag", &wr.w.Primary, v) {
			moved = true
		}
		if v {
			n := len(a.out.Changes)
			a.demoteWRs(p, wr)
			moved = moved || len(a.out.Changes) > n
		}
	}
	n := len(a.out.Changes)
	for _, c := range a.raw.Changes {
		v := c.New.Or("")
		switch {
		case sameName(c.Name, "PrimaryFlag"):
			primarySent = true
			if v == "" {
				continue
			}
			b, err := parseFlag(v)
			if err != nil {
				a.warn("work relationship %s: PrimaryFlag: %v", id, err)
				continue
			}
			setPrimary(b)
		case sameName(c.Name, "PeriodOfServiceId"), sameName(c.Name, "PersonNumber"), sameName(c.Name, "PersonId"):
		case sameName(c.Name, "DateStart"):
			d, err := parseDate(v)
			if err != nil {
				a.warn("work relationship %s: DateStart: %v", id, err)
				continue
			}
			a.setDate(objWR, id, "DateStart", &wr.w.DateStart, d)
		case sameName(c.Name, "LegalEntityId"):
			moved = a.setString(objWR, id, "LegalEntityId", &wr.w.LegalEntityID, v) || moved
		case sameName(c.Name, "WorkerType"):
			moved = a.setString(objWR, id, "WorkerType", &wr.w.WorkerType, v) || moved
		case sameName(c.Name, "PeriodType"):
			moved = a.setString(objWR, id, "PeriodType", &wr.w.PeriodType, v) || moved
		default:
			a.setAttr(objWR, id, c.Name, &wr.w.Attributes, v)
		}
	}
	if b, ok := e.Primary.Get(); ok && !primarySent {
		setPrimary(b)
	}
	if len(a.out.Changes) > n {
		if moved {
			a.mean(Mover)
		} else {
			a.mean(Update)
		}
	}
}

// end terminates (cancel false) or cancels (cancel true) a work
// relationship.
func (a *applier) end(personNumber, pos string, date Date, cancel bool) {
	a.out.PersonNumber = personNumber
	wr := a.r.wrFor(pos)
	if wr == nil {
		a.warn("work relationship %s is not in the roster: nothing to end", pos)
		return
	}
	p := wr.owner
	a.out.PersonNumber = p.p.PersonNumber
	if personNumber != "" && personNumber != p.p.PersonNumber {
		a.warn("work relationship %s belongs to person %s, not %s: entry ignored", pos, p.p.PersonNumber, personNumber)
		return
	}
	id := wr.w.PeriodOfServiceID
	switch {
	case wr.w.Cancelled && !cancel:
		a.warn("work relationship %s was cancelled: its termination is ignored (a cancelled work relationship is kept inactive, and ending it again changes nothing)", id)
		return
	case wr.w.Cancelled, wr.w.Terminated && !cancel:
		return // done before
	case cancel:
		a.setBool(objWR, id, "Cancelled", &wr.w.Cancelled, true)
	default:
		a.setBool(objWR, id, "Terminated", &wr.w.Terminated, true)
		a.setDate(objWR, id, "ActualTerminationDate", &wr.w.ActualTerminationDate, date)
	}
	a.touch(&wr.w.Seen)
	a.setTerminated(p, date)
	a.mean(Mover)
}

func (a *applier) payroll(e *PayrollUpdate) {
	as := a.r.asgFor(e.AssignmentID)
	if as == nil {
		a.out.PersonNumber = e.PersonNumber
		a.warn("assignment %s is not in the roster: payupdate entry not applied", e.AssignmentID)
		return
	}
	a.out.PersonNumber = as.owner.owner.p.PersonNumber
	if a.stale(as.a.Seen, objAsg, as.a.AssignmentID) {
		return
	}
	defer a.touch(&as.a.Seen)
	n := len(a.out.Changes)
	payroll := e.PayrollID
	if e.DML == DMLDelete {
		payroll = ""
	}
	a.setAttr(objAsg, as.a.AssignmentID, "PayrollId", &as.a.Attributes, payroll)
	if len(a.out.Changes) > n {
		a.mean(Update)
	}
}
