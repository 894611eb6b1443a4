package hcmatomtest

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/internal/civil"
)

// Change is a changed attribute as the server writes it in an entry's
// content.
type Change struct {
	Name     string
	Old, New string
	// Pair writes {"old": Old, "new": New}, an empty value as null, as
	// updates do; else the value is written alone: New, or Old for a
	// cancelworkrelship entry (whose changed attributes hold old values).
	Pair bool
	// UpperKeys writes "Old" and "New", as Oracle's payupdate sample does.
	UpperKeys bool
}

// Content returns an entry's content document in the layout of Oracle's
// samples: { "Context" : [ { ... } ], "Changed Attributes" : [ { ... } ] },
// with "FlexFields" when flex is not empty. A Context attribute with Null
// set is written null.
func Content(context []hcmatom.Attr, changes []Change, flex ...hcmatom.FlexField) string {
	var b strings.Builder
	b.WriteString(`{ "Context" : [ { `)
	for i, a := range context {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(jstr(a.Name) + " : ")
		if a.Null {
			b.WriteString("null")
		} else {
			b.WriteString(jstr(a.Value))
		}
	}
	b.WriteString(` } ], "Changed Attributes" : [ `)
	writeChanges(&b, changes)
	b.WriteString(" ]")
	if len(flex) > 0 {
		b.WriteString(`, "FlexFields" : [ `)
		for i, f := range flex {
			if i > 0 {
				b.WriteString(", ")
			}
			ctx := "null"
			if f.Context != "" {
				ctx = jstr(f.Context)
			}
			b.WriteString(`{ "FlexFieldCode" : ` + jstr(f.Code) + `, "ContextCode" : ` + ctx + `, "Changed Attributes" : [ `)
			var cs []Change
			for _, c := range f.Changes {
				cs = append(cs, Change{Name: c.Name, New: c.New.Or("")})
			}
			writeChanges(&b, cs)
			b.WriteString(" ] }")
		}
		b.WriteString(" ]")
	}
	b.WriteString(" }")
	return b.String()
}

func writeChanges(b *strings.Builder, changes []Change) {
	for i, c := range changes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("{ " + jstr(c.Name) + " : ")
		switch {
		case c.Pair:
			o, n := `"old"`, `"new"`
			if c.UpperKeys {
				o, n = `"Old"`, `"New"`
			}
			b.WriteString("{ " + o + " : " + jnull(c.Old) + ", " + n + " : " + jnull(c.New) + " }")
		case c.New == "" && c.Old != "":
			b.WriteString(jstr(c.Old))
		default:
			b.WriteString(jstr(c.New))
		}
		b.WriteString(" }")
	}
}

func jstr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jnull(s string) string {
	if s == "" {
		return "null"
	}
	return jstr(s)
}

// world is the server's model of the workers, so that helpers write
// entries with the right ids and old values.
type world struct {
	persons map[string]*wPerson
	wrs     map[string]*wWR
	asgs    map[string]*wAsg
	ids     int64
	numbers int64
}

type wPerson struct {
	number, id, name, email, phone string
	start                          hcmatom.Date
	wrs                            []*wWR
	// attrs holds the person's other attributes UpdatePerson set (Sex,
	// DateOfBirth, ...), which the extract carries as columns of their own.
	attrs map[string]string
}

type wWR struct {
	id                     string
	owner                  *wPerson
	periodType, workerType string
	primary, active        bool
	start, end             hcmatom.Date // end: the termination date, for the extract
	asgs                   []*wAsg
}

type wAsg struct {
	id      string
	owner   *wWR
	primary bool
	fields  map[string]string // Oracle attribute names: JobId, OrganizationId, ...
}

func (w *world) init() {
	w.persons, w.wrs, w.asgs = map[string]*wPerson{}, map[string]*wWR{}, map[string]*wAsg{}
	w.ids, w.numbers = 300100700000000, 966169009000000
}

func (w *world) newID() string {
	w.ids++
	return strconv.FormatInt(w.ids, 10)
}

// Worker describes a worker for the helpers; the helpers return it with
// the ids they generated. Everything it is given is carried into the
// entries and into Extract, so that a roster read from either holds it:
// the person number and id, the name, work e-mail and phone in every
// employee entry's Context (Hire's newhire and empassignment entries
// included); the worker type (and its period type) and the start date in
// the newhire entry and the extract's WorkerType, PeriodType and
// EffectiveStartDate; the work relationship and assignment ids; and the
// business unit, organization, position, location, job, grade, legal
// entity and manager ids as the assignment's changed attributes and the
// extract's columns (the guide's thirteen, then GradeId, LegalEntityId and
// ManagerId among the extra ones).
type Worker struct {
	PersonNumber string // generated when empty
	PersonID     string // generated when empty
	Name         string // "Last, First"
	WorkEmail    string
	Phone        string
	// WorkerType is EMP (the default), CWK, or PWK for a pending worker.
	WorkerType string
	// Start is the hire date; zero means the day of the entry.
	Start             hcmatom.Date
	PeriodOfServiceID string // generated when empty
	AssignmentID      string // generated when empty
	BusinessUnitID    string
	OrganizationID    string
	PositionID        string
	LocationID        string
	JobID             string
	GradeID           string
	LegalEntityID     string // the legal employer
	ManagerID         string // the manager's PersonId
}

func periodType(workerType string) string {
	switch workerType {
	case "CWK":
		return "C"
	case "PWK":
		return "P"
	case "NONW":
		return "N"
	}
	return "E"
}

func periodSummary(pt string) string {
	switch pt {
	case "C":
		return "Contingent Worker Period of Service Created"
	case "P":
		return "Pending Worker Period of Service Created"
	}
	return "Employee Period of Service Created"
}

func day(at time.Time) hcmatom.Date { return civil.DateOf(at.UTC()) }

// effective returns the <updated> of an entry made at, for a change that
// takes effect on date: for a future-dated change, the start of that day
// (Oracle's Center of Excellence: "for future-dated events, updated is set
// to the effective start date"); else at, when the action was performed.
func effective(at time.Time, date hcmatom.Date) time.Time {
	if date.After(day(at)) {
		return time.Date(date.Year, date.Month, date.Day, 0, 0, 0, 0, time.UTC)
	}
	return at
}

// entry adds an entry made by a helper at, published then, updated as
// effective says. Called with s.mu held.
func (s *Server) entry(c hcmatom.Collection, at, updated time.Time, title, summary, personID, content string) {
	e := hcmatom.Entry{Title: title, Summary: summary, Author: "HR_SPECIALIST", Updated: updated, Published: at, Content: content}
	if personID != "" {
		e.Links = []hcmatom.Link{
			{Rel: "related", Href: s.URL + s.prefix + "/resources/11.13.18.05/workers/" + personID},
			{Rel: "related", Href: s.URL + s.prefix + "/resources/11.13.18.05/emps/" + personID},
		}
	}
	s.add(c, e)
}

func attr(name, value string) hcmatom.Attr { return hcmatom.Attr{Name: name, Value: value} }

// email is the WorkEmail attribute of a hire's entries, when the person has
// one: Oracle's newhire samples carry it (the "Reading an Entry" page),
// the integration guide's pending-worker sample, with none, does not.
func email(p *wPerson) []hcmatom.Attr {
	if p.email == "" {
		return nil
	}
	return []hcmatom.Attr{attr("WorkEmail", p.email)}
}

// Hire adds a person hired on w.Start (a newhire entry and the entry of
// its first assignment, as in the integration guide's "Hire Worker"
// scenario) and returns w with the generated ids. A WorkerType of PWK adds
// a pending worker, as AddPendingWorker does.
func (s *Server) Hire(at time.Time, w Worker) Worker {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w.PersonNumber == "" {
		s.world.numbers++
		w.PersonNumber = strconv.FormatInt(s.world.numbers, 10)
	}
	if _, ok := s.world.persons[w.PersonNumber]; ok {
		s.fatalf("Hire: person %s exists already (use Rehire)", w.PersonNumber)
	}
	if w.PersonID == "" {
		w.PersonID = s.world.newID()
	}
	if w.Name == "" {
		w.Name = "Worker, " + w.PersonNumber
	}
	if w.WorkerType == "" {
		w.WorkerType = "EMP"
	}
	if w.Start.IsZero() {
		w.Start = day(at)
	}
	p := &wPerson{number: w.PersonNumber, id: w.PersonID, name: w.Name, email: w.WorkEmail, phone: w.Phone, start: w.Start}
	s.world.persons[p.number] = p
	return s.hire(at, p, w)
}

// AddPendingWorker adds a pending worker (WorkerType PWK, PeriodType P).
// Its newhire entry carries "PersonNumber" twice in its Context, the
// second holding the PersonId, as Oracle's sample does.
func (s *Server) AddPendingWorker(at time.Time, w Worker) Worker {
	w.WorkerType = "PWK"
	return s.Hire(at, w)
}

// hire writes the newhire and empassignment entries of a new work
// relationship of p. Called with s.mu held.
func (s *Server) hire(at time.Time, p *wPerson, w Worker) Worker {
	if w.PeriodOfServiceID == "" {
		w.PeriodOfServiceID = s.world.newID()
	}
	if w.AssignmentID == "" {
		w.AssignmentID = s.world.newID()
	}
	if s.world.wrs[w.PeriodOfServiceID] != nil || s.world.asgs[w.AssignmentID] != nil {
		s.fatalf("Hire: work relationship %s or assignment %s exists already", w.PeriodOfServiceID, w.AssignmentID)
	}
	pt := periodType(w.WorkerType)
	primary := true
	for _, o := range p.wrs {
		if o.active && o.primary {
			primary = false
		}
	}
	wr := &wWR{id: w.PeriodOfServiceID, owner: p, periodType: pt, workerType: w.WorkerType, primary: primary, active: true, start: w.Start}
	p.wrs = append(p.wrs, wr)
	s.world.wrs[wr.id] = wr
	as := &wAsg{id: w.AssignmentID, owner: wr, primary: true, fields: map[string]string{
		"ActionCode": "HIRE", "AssignmentName": "E" + p.number, "AssignmentNumber": "E" + p.number,
		"AssignmentStatusType": "ACTIVE", "AssignmentType": pt}}
	for k, v := range map[string]string{"BusinessUnitId": w.BusinessUnitID, "OrganizationId": w.OrganizationID,
		"PositionId": w.PositionID, "LocationId": w.LocationID, "JobId": w.JobID, "GradeId": w.GradeID,
		"LegalEntityId": w.LegalEntityID, "ManagerId": w.ManagerID} {
		if v != "" {
			as.fields[k] = v
		}
	}
	wr.asgs = append(wr.asgs, as)
	s.world.asgs[as.id] = as

	second := attr("PersonId", p.id)
	if pt == "P" {
		second = attr("PersonNumber", p.id) // Oracle's pending-worker sample
	}
	ctx := []hcmatom.Attr{attr("PeriodOfServiceId", wr.id), attr("PersonName", p.name), attr("PersonNumber", p.number)}
	ctx = append(ctx, email(p)...)
	ctx = append(ctx, attr("PrimaryPhoneNumber", p.phone), second, attr("PeriodType", pt), attr("WorkerType", w.WorkerType),
		attr("DMLOperation", "INSERT"), attr("EffectiveStartDate", w.Start.String()), attr("EffectiveDate", w.Start.String()))
	if !primary {
		ctx = append(ctx, attr("PrimaryFlag", "N"))
	}
	upd := effective(at, w.Start)
	s.entry(hcmatom.NewHireFeed, at, upd, p.name+" Hired", periodSummary(pt), p.id, Content(ctx,
		[]Change{{Name: "PersonNumber", New: p.id}, {Name: "DateStart", New: w.Start.String()}}))

	changes := []Change{{Name: "PeriodOfServiceId", New: wr.id}, {Name: "PrimaryAssignmentFlag", New: "Y"}}
	for _, k := range slices.Sorted(maps.Keys(as.fields)) {
		changes = append(changes, Change{Name: k, New: as.fields[k]})
	}
	actx := append([]hcmatom.Attr{attr("ContractId", s.world.newID()), attr("PersonName", p.name), attr("PersonNumber", p.number)}, email(p)...)
	actx = append(actx, attr("PrimaryPhoneNumber", p.phone), attr("PersonId", p.id), attr("PeriodType", pt), attr("WorkerType", w.WorkerType),
		attr("DMLOperation", "INSERT"), attr("AssignmentId", as.id), attr("PeriodOfServiceId", wr.id),
		attr("EffectiveDate", w.Start.String()))
	s.entry(hcmatom.AssignmentFeed, at, upd, p.name+"'s Assignment Created", "Person Contract Created", p.id, Content(actx, changes))
	return w
}

// person returns a known person. Called with s.mu held.
func (s *Server) person(helper, number string) *wPerson {
	p := s.world.persons[number]
	if p == nil {
		s.fatalf("%s: no person %s (add one with Hire)", helper, number)
	}
	return p
}

// Rehire hires again the person w.PersonNumber names, whose work
// relationships have all ended: a new work relationship and assignment, as in
// the guide's "Rehire Worker". w gives the new work relationship (WorkerType,
// Start: the day of the entry when zero, ids) and assignment (business unit,
// organization, ..., manager); the person's own fields (PersonId, Name,
// WorkEmail, Phone) stay as HCM holds them.
func (s *Server) Rehire(at time.Time, w Worker) Worker {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person("Rehire", w.PersonNumber)
	for _, wr := range p.wrs {
		if wr.active {
			s.fatalf("Rehire: person %s still has the active work relationship %s", w.PersonNumber, wr.id)
		}
	}
	if w.Start.IsZero() {
		w.Start = day(at)
	}
	w.PersonID, w.Name, w.WorkEmail, w.Phone = p.id, p.name, p.email, p.phone
	w.WorkerType = cmp.Or(w.WorkerType, "EMP")
	return s.hire(at, p, w)
}

// ConvertPendingWorker hires a pending worker as an employee: HCM creates
// a new period of service and assignment (the guide's "Convert Pending
// Worker").
func (s *Server) ConvertPendingWorker(at time.Time, personNumber string) Worker {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person("ConvertPendingWorker", personNumber)
	var pending *wWR
	for _, wr := range p.wrs {
		if wr.active && wr.periodType == "P" {
			pending = wr
		}
	}
	if pending == nil {
		s.fatalf("ConvertPendingWorker: person %s has no pending work relationship", personNumber)
	}
	pending.active = false
	w := Worker{PersonNumber: p.number, PersonID: p.id, Name: p.name, WorkerType: "EMP", Start: pending.start}
	if len(pending.asgs) > 0 {
		f := pending.asgs[0].fields
		w.BusinessUnitID, w.OrganizationID, w.PositionID = f["BusinessUnitId"], f["OrganizationId"], f["PositionId"]
		w.LocationID, w.JobID, w.ManagerID = f["LocationId"], f["JobId"], f["ManagerId"]
		w.GradeID, w.LegalEntityID = f["GradeId"], f["LegalEntityId"]
	}
	return s.hire(at, p, w)
}

// asg returns a known assignment. Called with s.mu held.
func (s *Server) asg(helper, id string) *wAsg {
	a := s.world.asgs[id]
	if a == nil {
		s.fatalf("%s: no assignment %s", helper, id)
	}
	return a
}

// Promote changes an assignment with the action PROMOTION: the same entry
// goes to empassignment and empupdate, as the guide's "Promote Worker"
// says. fields maps Oracle's attribute names (JobId, PositionId, ...) to
// their new values.
func (s *Server) Promote(at time.Time, assignmentID string, fields map[string]string) {
	s.updateAssignment(at, "Promote", "PROMOTION", assignmentID, fields)
}

// Transfer changes an assignment with the action TRANSFER (the guide's
// "Transfer Worker"), in empassignment and empupdate.
func (s *Server) Transfer(at time.Time, assignmentID string, fields map[string]string) {
	s.updateAssignment(at, "Transfer", "TRANSFER", assignmentID, fields)
}

func (s *Server) updateAssignment(at time.Time, helper, action, id string, fields map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.asg(helper, id)
	p := a.owner.owner
	changes := []Change{{Name: "ActionCode", Old: a.fields["ActionCode"], New: action, Pair: true}}
	a.fields["ActionCode"] = action
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		if k == "ActionCode" {
			continue
		}
		changes = append(changes, Change{Name: k, Old: a.fields[k], New: fields[k], Pair: true})
		a.fields[k] = fields[k]
	}
	content := Content([]hcmatom.Attr{attr("AssignmentId", a.id), attr("PersonName", p.name), attr("PersonNumber", p.number),
		attr("PrimaryPhoneNumber", p.phone), attr("PersonId", p.id), attr("PeriodType", a.owner.periodType),
		attr("WorkerType", a.owner.workerType), attr("DMLOperation", "UPDATE"), attr("PeriodOfServiceId", a.owner.id),
		attr("EffectiveDate", day(at).String())}, changes)
	for _, c := range []hcmatom.Collection{hcmatom.AssignmentFeed, hcmatom.PersonUpdateFeed} {
		s.entry(c, at, at, p.name+"'s Assignment Updated", "Person Assignment Updated", p.id, content)
	}
}

// AddAssignment adds an assignment, not primary, to the person's primary
// work relationship (the guide's "Assignment Change") and returns its id.
func (s *Server) AddAssignment(at time.Time, personNumber string, fields map[string]string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person("AddAssignment", personNumber)
	var wr *wWR
	for _, o := range p.wrs {
		if o.active && (wr == nil || o.primary) {
			wr = o
		}
	}
	if wr == nil {
		s.fatalf("AddAssignment: person %s has no active work relationship", personNumber)
	}
	a := &wAsg{id: s.world.newID(), owner: wr, fields: maps.Clone(fields)}
	if a.fields == nil {
		a.fields = map[string]string{}
	}
	a.fields["AssignmentStatusType"] = "ACTIVE"
	a.fields["ActionCode"] = "ADD_ASSIGN"
	wr.asgs = append(wr.asgs, a)
	s.world.asgs[a.id] = a
	changes := []Change{{Name: "AssignmentId", New: a.id}, {Name: "PrimaryAssignmentFlag", New: "N"},
		{Name: "EffectiveStartDate", New: day(at).String()}, {Name: "EffectiveEndDate", New: "4712-12-31"}}
	for _, k := range slices.Sorted(maps.Keys(a.fields)) {
		changes = append(changes, Change{Name: k, New: a.fields[k]})
	}
	s.entry(hcmatom.AssignmentFeed, at, at, p.name+"'s Assignment Created", "Person Assignment Created", p.id, Content(
		[]hcmatom.Attr{attr("AssignmentId", a.id), attr("PersonName", p.name), attr("PersonNumber", p.number),
			attr("WorkEmail", p.email), attr("PrimaryPhoneNumber", p.phone), attr("PersonId", p.id),
			attr("PeriodType", wr.periodType), attr("WorkerType", wr.workerType), attr("DMLOperation", "INSERT"),
			attr("PeriodOfServiceId", wr.id), attr("EffectiveDate", day(at).String())}, changes))
	return a.id
}

// UpdatePerson changes person attributes (PersonName, WorkEmail,
// PrimaryPhoneNumber, or any other, such as Sex) with an empupdate entry.
// The extract carries the others as columns of their own.
func (s *Server) UpdatePerson(at time.Time, personNumber string, fields map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.person("UpdatePerson", personNumber)
	var changes []Change
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		v := fields[k]
		var old string
		switch k {
		case "PersonName":
			old, p.name = p.name, v
		case "WorkEmail":
			old, p.email = p.email, v
		case "PrimaryPhoneNumber":
			old, p.phone = p.phone, v
		default:
			if p.attrs == nil {
				p.attrs = map[string]string{}
			}
			old, p.attrs[k] = p.attrs[k], v
		}
		changes = append(changes, Change{Name: k, Old: old, New: v, Pair: true})
	}
	pt, wt := "E", "EMP"
	for _, wr := range p.wrs {
		if wr.active && wr.primary {
			pt, wt = wr.periodType, wr.workerType
		}
	}
	s.entry(hcmatom.PersonUpdateFeed, at, at, p.name+" Updated", "Person Basic Information Changed", p.id, Content(
		[]hcmatom.Attr{attr("PersonName", p.name), attr("PersonNumber", p.number), attr("WorkEmail", p.email),
			attr("PrimaryPhoneNumber", p.phone), attr("PersonId", p.id), attr("PeriodType", pt), attr("WorkerType", wt),
			attr("DMLOperation", "UPDATE"), attr("EffectiveStartDate", day(at).String()), attr("EffectiveDate", day(at).String())}, changes))
}

// wr returns a known work relationship. Called with s.mu held.
func (s *Server) wr(helper, id string) *wWR {
	w := s.world.wrs[id]
	if w == nil {
		s.fatalf("%s: no work relationship %s", helper, id)
	}
	return w
}

func (s *Server) wrContext(w *wWR, dml string, at time.Time) []hcmatom.Attr {
	p := w.owner
	return []hcmatom.Attr{attr("PeriodOfServiceId", w.id), attr("PersonName", p.name), attr("PersonNumber", p.number),
		attr("WorkEmail", p.email), attr("PrimaryPhoneNumber", p.phone), attr("PersonId", p.id), attr("PeriodType", w.periodType),
		attr("WorkerType", w.workerType), attr("DMLOperation", dml), attr("EffectiveStartDate", w.start.String()),
		attr("PrimaryFlag", yn(w.primary)), attr("EffectiveDate", day(at).String())}
}

func yn(b bool) string {
	if b {
		return "Y"
	}
	return "N"
}

// SetPrimaryWorkRelationship makes a work relationship its person's
// primary one: a workrelshipupdate entry for it (N to Y), then one for the
// former primary (Y to N), as in the guide's "Work Relationship Change".
func (s *Server) SetPrimaryWorkRelationship(at time.Time, periodOfServiceID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.wr("SetPrimaryWorkRelationship", periodOfServiceID)
	if w.primary {
		return
	}
	var old *wWR
	for _, o := range w.owner.wrs {
		if o.primary && o.active {
			old = o
		}
	}
	w.primary = true
	s.entry(hcmatom.WorkRelationshipFeed, at, at, w.owner.name+" Work Relationship Updated", "Employee Work Relationship Updated", w.owner.id,
		Content(s.wrContext(w, "UPDATE", at), []Change{{Name: "PrimaryFlag", Old: "N", New: "Y", Pair: true}}))
	if old != nil {
		old.primary = false
		s.entry(hcmatom.WorkRelationshipFeed, at, at, old.owner.name+" Work Relationship Updated", "Employee Work Relationship Updated", old.owner.id,
			Content(s.wrContext(old, "UPDATE", at), []Change{{Name: "PrimaryFlag", Old: "Y", New: "N", Pair: true}}))
	}
}

// Terminate ends a work relationship with a termination entry.
func (s *Server) Terminate(at time.Time, periodOfServiceID string, date hcmatom.Date) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.wr("Terminate", periodOfServiceID)
	if !w.active {
		s.fatalf("Terminate: work relationship %s has ended already", periodOfServiceID)
	}
	if date.IsZero() {
		date = day(at)
	}
	w.active, w.end = false, date
	p := w.owner
	s.entry(hcmatom.TerminationFeed, at, effective(at, date), p.name+" Terminated", "Employee Terminated", p.id, Content(
		[]hcmatom.Attr{attr("PersonNumber", p.number), attr("PeriodOfServiceId", w.id), attr("DMLOperation", "UPDATE"),
			attr("PeriodType", w.periodType), attr("PersonName", p.name), attr("WorkerType", w.workerType),
			attr("PrimaryFlag", yn(w.primary)), attr("PersonId", p.id), attr("PrimaryPhoneNumber", p.phone),
			attr("EffectiveStartDate", w.start.String()), attr("EffectiveDate", date.String()),
			attr("ActualTerminationDate", date.String())},
		[]Change{{Name: "ActualTerminationDate", New: date.String()}}))
}

// CancelWorkRelationship cancels a work relationship with a
// cancelworkrelship entry, whose changed attributes hold old values.
func (s *Server) CancelWorkRelationship(at time.Time, periodOfServiceID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.wr("CancelWorkRelationship", periodOfServiceID)
	w.active = false
	p := w.owner
	s.entry(hcmatom.CancelWorkRelationshipFeed, at, at, p.name+"'s Work Relationship Cancelled", "Person Work Relationship Cancelled", p.id,
		Content(s.wrContext(w, "DELETE", at), []Change{{Name: "PeriodOfServiceId", Old: w.id},
			{Name: "ActionOccurrenceId", Old: s.world.newID()}}))
}

// AssignPayroll assigns a payroll to an assignment with a payupdate entry
// ("Old"/"New" keys, as Oracle's sample has them).
func (s *Server) AssignPayroll(at time.Time, assignmentID, payrollID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.asg("AssignPayroll", assignmentID)
	p := a.owner.owner
	old := a.fields["PayrollId"]
	a.fields["PayrollId"] = payrollID
	dml := "UPDATE"
	if old == "" {
		dml = "INSERT"
	}
	s.entry(hcmatom.PayrollFeed, at, at, p.name+"'s Payroll Updated", "Person Payroll Details Updated", p.id, Content(
		[]hcmatom.Attr{attr("PersonId", p.id), attr("AssignmentId", a.id), attr("PersonName", p.name),
			attr("EffectiveStartDate", day(at).String()), attr("EffectiveDate", day(at).String()),
			attr("PayrollId", payrollID), attr("DMLOperation", dml)},
		[]Change{{Name: "PayrollId", Old: old, New: payrollID, Pair: true, UpperKeys: true}}))
}

// ChangeWorkstructure adds an entry to a workstructures feed (an
// organization, job, location, position or grade created or changed).
// Oracle does not document these entries' content in detail: the Context
// carries <Object>Id and <Object>Name.
func (s *Server) ChangeWorkstructure(at time.Time, c hcmatom.Collection, id, name string) {
	object := map[hcmatom.Collection]string{hcmatom.OrganizationsFeed: "Organization", hcmatom.JobsFeed: "Job",
		hcmatom.LocationsFeed: "Location", hcmatom.PositionsFeed: "Position", hcmatom.GradesFeed: "Grade"}[c]
	if object == "" {
		s.fatalf("ChangeWorkstructure: %s is not a workstructures collection", c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entry(c, at, at, name+" Changed", object+" Updated", "", Content(
		[]hcmatom.Attr{attr(object+"Id", id), attr(object+"Name", name), attr("DMLOperation", "UPDATE"),
			attr("EffectiveStartDate", day(at).String()), attr("EffectiveDate", day(at).String())},
		[]Change{{Name: object + "Name", New: name}}))
}
