package hcmatom

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Batch gathers persons, work relationships and assignments that a Roster
// takes in one step with Load: all of them or, on any error, none. It is
// how a roster is seeded from the initial extract, where each row holds one
// assignment: add each row as a Person with one work relationship holding
// one assignment, and rows of the same person, work relationship or
// assignment are merged. The zero Batch is empty and ready to use; it is
// not safe for concurrent use.
type Batch struct {
	index
	order []string // PersonNumbers, as added
}

// index finds the records of a Batch or a Roster by their keys.
type index struct {
	persons map[string]*person     // PersonNumber
	byID    map[string]*person     // PersonId
	byPOS   map[string]*workRel    // PeriodOfServiceId, and OtherIDs
	byAsg   map[string]*assignment // AssignmentId, and OtherIDs
}

func newIndex() index {
	return index{persons: map[string]*person{}, byID: map[string]*person{}, byPOS: map[string]*workRel{}, byAsg: map[string]*assignment{}}
}

// LoadError is a record a Batch or a Roster refused, naming the person and
// the field.
type LoadError struct {
	PersonNumber string
	Field        string
	Msg          string
}

// Error names the person, the field and the problem.
func (e *LoadError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("hcmatom: person %q: %s", e.PersonNumber, e.Msg)
	}
	return fmt.Sprintf("hcmatom: person %q: %s: %s", e.PersonNumber, e.Field, e.Msg)
}

// Len returns the number of persons in the batch.
func (b *Batch) Len() int { return len(b.persons) }

// Add merges p into the batch. A person, work relationship or assignment
// already in the batch takes the values p adds; a value that contradicts
// one already given is an error (a *LoadError), and then nothing of p is
// added.
func (b *Batch) Add(p Person) error {
	_, err := b.add(&p)
	return err
}

// add is Add, returning p's person in the batch.
func (b *Batch) add(p *Person) (*person, error) {
	if b.persons == nil {
		b.index = newIndex()
	}
	if err := checkPerson(p); err != nil {
		return nil, err
	}
	if !b.knows(p) {
		return b.addPerson(p), nil
	}
	// Something of p is in the batch already: check that p contradicts
	// none of it before changing anything.
	m := merger{b: b, pn: p.PersonNumber}
	if err := m.merge(p, false); err != nil {
		return nil, err
	}
	if err := m.merge(p, true); err != nil {
		return nil, err
	}
	return b.persons[p.PersonNumber], nil
}

// reset empties the batch, keeping its maps.
func (b *Batch) reset() {
	clear(b.persons)
	clear(b.byID)
	clear(b.byPOS)
	clear(b.byAsg)
	b.order = b.order[:0]
}

// knows reports whether the index holds p's person, or one of its ids.
// When it does not, p contradicts nothing in it and is added in one pass;
// that is the usual case when seeding, where most persons have one row.
func (b *index) knows(p *Person) bool {
	known := false
	eachKey(p, func(k int, v string) { known = known || b.owner(k, v) != nil })
	return known
}

// owner returns the person whose key k (keyPersonNumber, ...) is v.
func (b *index) owner(k int, v string) *person {
	switch k {
	case keyPersonNumber:
		return b.persons[v]
	case keyPersonID:
		return b.byID[v]
	case keyPOS:
		if w := b.byPOS[v]; w != nil {
			return w.owner
		}
	case keyAsg:
		if a := b.byAsg[v]; a != nil {
			return a.owner.owner
		}
	}
	return nil
}

// single is the usual person of an extract row, one work relationship
// with one assignment, allocated at once.
type single struct {
	p    person
	w    workRel
	a    assignment
	wrs  [1]*workRel
	asgs [1]*assignment
}

// addPerson adds p, of which the batch holds nothing (see knows).
func (b *Batch) addPerson(p *Person) *person {
	b.order = append(b.order, p.PersonNumber)
	return b.addNew(p)
}

// addNew adds p, of which the index holds nothing (see knows).
func (b *index) addNew(p *Person) *person {
	sp := buildPerson(p)
	b.insert(sp)
	return sp
}

// buildPerson makes p's records. The usual person of an extract, one work
// relationship with one assignment, takes one allocation.
func buildPerson(p *Person) *person {
	one := new(single)
	sp := &one.p
	sp.p = *p
	sp.p.WorkRelationships, sp.p.Attributes = nil, maps.Clone(p.Attributes)
	sp.wrs = one.wrs[:0]
	for i := range p.WorkRelationships {
		w := &p.WorkRelationships[i]
		sw := &one.w
		if i > 0 {
			sw = new(workRel)
		}
		newWR(sp, sw, w)
		if i == 0 {
			sw.asgs = one.asgs[:0]
		}
		for j := range w.Assignments {
			sa := &one.a
			if i > 0 || j > 0 {
				sa = new(assignment)
			}
			newAsg(sw, sa, &w.Assignments[j])
		}
	}
	return sp
}

// insert indexes sp's records by all their keys.
func (b *index) insert(sp *person) {
	b.persons[sp.p.PersonNumber] = sp
	if sp.p.PersonID != "" {
		b.byID[sp.p.PersonID] = sp
	}
	for _, w := range sp.wrs {
		b.indexWR(w)
		for _, a := range w.asgs {
			b.indexAsg(a)
		}
	}
}

// newWR makes w the new work relationship sw of sp.
func newWR(sp *person, sw *workRel, w *WorkRelationship) {
	*sw = workRel{w: *w, owner: sp}
	sw.w.Assignments, sw.w.Attributes, sw.w.OtherIDs = nil, maps.Clone(w.Attributes), slices.Clone(w.OtherIDs)
	sp.wrs = append(sp.wrs, sw)
}

// newAsg makes a the new assignment sa of sw.
func newAsg(sw *workRel, sa *assignment, a *Assignment) {
	*sa = assignment{a: *a, owner: sw}
	sa.a.Attributes, sa.a.OtherIDs = maps.Clone(a.Attributes), slices.Clone(a.OtherIDs)
	sw.asgs = append(sw.asgs, sa)
}

func (b *index) indexWR(sw *workRel) {
	b.byPOS[sw.w.PeriodOfServiceID] = sw
	for _, id := range sw.w.OtherIDs {
		b.byPOS[id] = sw
	}
}

func (b *index) indexAsg(sa *assignment) {
	b.byAsg[sa.a.AssignmentID] = sa
	for _, id := range sa.a.OtherIDs {
		b.byAsg[id] = sa
	}
}

// checkPerson checks a person on its own.
func checkPerson(p *Person) error {
	bad := func(field, format string, args ...any) error {
		return &LoadError{PersonNumber: p.PersonNumber, Field: field, Msg: fmt.Sprintf(format, args...)}
	}
	badDate := func(field, where string, d Date) error {
		return bad(field, "%s%v is not a valid date", where, d)
	}
	if p.PersonNumber == "" {
		return bad("PersonNumber", "missing (person %q)", p.Name)
	}
	if f, d := invalidDate("EffectiveStartDate", p.EffectiveStartDate, "ActualTerminationDate", p.ActualTerminationDate); f != "" {
		return badDate(f, "", d)
	}
	// Ids given twice within p: a person has few, compare them all.
	var posBuf, asgBuf [4]string
	posIDs, asgIDs := posBuf[:0], asgBuf[:0]
	for _, w := range p.WorkRelationships {
		if w.PeriodOfServiceID == "" {
			return bad("PeriodOfServiceId", "missing in a work relationship")
		}
		var id string
		if posIDs, id = addNewIDs(posIDs, w.PeriodOfServiceID, w.OtherIDs); id != "" {
			return bad("PeriodOfServiceId", "%s is given twice", id)
		}
		if f, d := invalidDate("DateStart", w.DateStart, "ActualTerminationDate", w.ActualTerminationDate); f != "" {
			return badDate(f, "work relationship "+w.PeriodOfServiceID+": ", d)
		}
		for _, a := range w.Assignments {
			if a.AssignmentID == "" {
				return bad("AssignmentId", "missing in an assignment of work relationship %s", w.PeriodOfServiceID)
			}
			if asgIDs, id = addNewIDs(asgIDs, a.AssignmentID, a.OtherIDs); id != "" {
				return bad("AssignmentId", "%s is given twice", id)
			}
			if f, d := invalidDate("EffectiveStartDate", a.EffectiveStartDate, "EffectiveEndDate", a.EffectiveEndDate); f != "" {
				return badDate(f, "assignment "+a.AssignmentID+": ", d)
			}
		}
	}
	return nil
}

// addNewIDs adds id and others to seen, or returns the first that is
// already there.
func addNewIDs(seen []string, id string, others []string) ([]string, string) {
	for _, id := range append([]string{id}, others...) {
		if slices.Contains(seen, id) {
			return seen, id
		}
		seen = append(seen, id)
	}
	return seen, ""
}

// invalidDate returns the first of two dates that is given but not valid,
// with its field name, or "".
func invalidDate(f1 string, d1 Date, f2 string, d2 Date) (string, Date) {
	switch {
	case !d1.IsZero() && !d1.IsValid():
		return f1, d1
	case !d2.IsZero() && !d2.IsValid():
		return f2, d2
	}
	return "", Date{}
}

// merger merges one Person into a Batch: first checking (apply false),
// then writing (apply true), so that a failed Add changes nothing.
type merger struct {
	b     *Batch
	pn    string
	apply bool
}

// place says which work relationship or assignment a merge error is
// about; it is formatted only when there is an error.
type place struct{ kind, id string }

// String is what an error message starts with: "" for the person itself.
func (p place) String() string {
	if p.kind == "" {
		return ""
	}
	return p.kind + " " + p.id + ": "
}

func (m *merger) fail(field, format string, args ...any) error {
	return &LoadError{PersonNumber: m.pn, Field: field, Msg: fmt.Sprintf(format, args...)}
}

func (m *merger) str(field string, where place, dst *string, v string) error {
	if *dst != "" && v != "" && *dst != v {
		return m.fail(field, "%s%q here, %q before", where, v, *dst)
	}
	if m.apply && *dst == "" {
		*dst = v
	}
	return nil
}

// strField is a string field to merge: its name, where it is kept, and the
// value given.
type strField struct {
	name string
	dst  *string
	v    string
}

func (m *merger) strs(where place, fields ...strField) error {
	for _, f := range fields {
		if err := m.str(f.name, where, f.dst, f.v); err != nil {
			return err
		}
	}
	return nil
}

func (m *merger) date(field string, where place, dst *Date, v Date) error {
	if !dst.IsZero() && !v.IsZero() && *dst != v {
		return m.fail(field, "%s%v here, %v before", where, v, *dst)
	}
	if m.apply && dst.IsZero() {
		*dst = v
	}
	return nil
}

func (m *merger) flag(field string, where place, dst *bool, v bool) error {
	if *dst != v {
		return m.fail(field, "%s%s here, %s before", where, flag(v), flag(*dst))
	}
	return nil
}

// attrs merges attributes. Of several that contradict what the batch
// holds, it names the first by name, so that the same input always gives
// the same error.
func (m *merger) attrs(where place, dst *map[string]string, v map[string]string) error {
	bad, found := "", false
	for k, x := range v {
		if old, ok := (*dst)[k]; ok && old != x && (!found || k < bad) {
			bad, found = k, true
		}
	}
	if found {
		return m.fail(bad, "%s%q here, %q before", where, v[bad], (*dst)[bad])
	}
	if m.apply && len(v) > 0 {
		if *dst == nil {
			*dst = map[string]string{}
		}
		maps.Copy(*dst, v)
	}
	return nil
}

func (m *merger) ids(dst *[]string, v []string) {
	if !m.apply {
		return
	}
	for _, id := range v {
		if !slices.Contains(*dst, id) {
			*dst = append(*dst, id)
		}
	}
}

// seen keeps the later of two Seen times.
func (m *merger) seen(dst *time.Time, v time.Time) {
	if m.apply && v.After(*dst) {
		*dst = v
	}
}

// merge checks (apply false) or merges (apply true) p into the batch.
func (m *merger) merge(p *Person, apply bool) error {
	m.apply = apply
	b := m.b
	sp := b.persons[p.PersonNumber]
	if p.PersonID != "" {
		if o := b.byID[p.PersonID]; o != nil && o != sp {
			return m.fail("PersonId", "%s is also the PersonId of person %q", p.PersonID, o.p.PersonNumber)
		}
	}
	if sp == nil {
		// Add merges a person new to the batch only when one of its ids
		// belongs to another person, which checkNew reports.
		if err := m.checkNew(p, nil); err != nil || !apply {
			return err
		}
		b.addPerson(p)
		return nil
	}
	if err := m.flag("Terminated", place{}, &sp.p.Terminated, p.Terminated); err != nil {
		return err
	}
	if err := m.checkNew(p, sp); err != nil {
		return err
	}
	x := &sp.p
	if err := m.strs(place{}, strField{"PersonId", &x.PersonID, p.PersonID}, strField{"PersonName", &x.Name, p.Name}, strField{"WorkEmail", &x.WorkEmail, p.WorkEmail},
		strField{"PrimaryPhoneNumber", &x.PrimaryPhoneNumber, p.PrimaryPhoneNumber}); err != nil {
		return err
	}
	if err := m.date("EffectiveStartDate", place{}, &x.EffectiveStartDate, p.EffectiveStartDate); err != nil {
		return err
	}
	if err := m.date("ActualTerminationDate", place{}, &x.ActualTerminationDate, p.ActualTerminationDate); err != nil {
		return err
	}
	if err := m.attrs(place{}, &x.Attributes, p.Attributes); err != nil {
		return err
	}
	m.seen(&x.Seen, p.Seen)
	if apply && x.PersonID != "" {
		b.byID[x.PersonID] = sp
	}
	for i := range p.WorkRelationships {
		if err := m.mergeWR(sp, &p.WorkRelationships[i]); err != nil {
			return err
		}
	}
	return nil
}

// checkNew checks that p's ids belong to no other person of the batch (sp
// is p's person in the batch, nil when new).
func (m *merger) checkNew(p *Person, sp *person) error {
	for _, w := range p.WorkRelationships {
		for _, id := range append([]string{w.PeriodOfServiceID}, w.OtherIDs...) {
			if o := m.b.byPOS[id]; o != nil && o.owner != sp {
				return m.fail("PeriodOfServiceId", "%s is also a work relationship of person %q", id, o.owner.p.PersonNumber)
			}
		}
		for _, a := range w.Assignments {
			for _, id := range append([]string{a.AssignmentID}, a.OtherIDs...) {
				if o := m.b.byAsg[id]; o != nil && o.owner.owner != sp {
					return m.fail("AssignmentId", "%s is also an assignment of person %q", id, o.owner.owner.p.PersonNumber)
				}
			}
		}
	}
	return nil
}

func (m *merger) mergeWR(sp *person, w *WorkRelationship) error {
	b := m.b
	sw := b.byPOS[w.PeriodOfServiceID]
	where := place{"work relationship", w.PeriodOfServiceID}
	for _, id := range w.OtherIDs {
		if o := b.byPOS[id]; o != nil && o != sw {
			return m.fail("PeriodOfServiceId", "%s%s is another work relationship, %s", where, id, o.w.PeriodOfServiceID)
		}
	}
	if sw == nil {
		if !m.apply {
			for _, a := range w.Assignments {
				for _, id := range append([]string{a.AssignmentID}, a.OtherIDs...) {
					if o := b.byAsg[id]; o != nil {
						return m.fail("AssignmentId", "%s is in work relationship %s here, %s before", id, w.PeriodOfServiceID, o.owner.w.PeriodOfServiceID)
					}
				}
			}
			return nil
		}
		sw = new(workRel)
		newWR(sp, sw, w)
		b.indexWR(sw)
	} else {
		x := &sw.w
		if err := m.flag("PrimaryFlag", where, &x.Primary, w.Primary); err != nil {
			return err
		}
		if err := m.flag("Terminated", where, &x.Terminated, w.Terminated); err != nil {
			return err
		}
		if err := m.flag("Cancelled", where, &x.Cancelled, w.Cancelled); err != nil {
			return err
		}
		if err := m.strs(where, strField{"PeriodType", &x.PeriodType, w.PeriodType}, strField{"WorkerType", &x.WorkerType, w.WorkerType},
			strField{"LegalEntityId", &x.LegalEntityID, w.LegalEntityID}); err != nil {
			return err
		}
		if err := m.date("DateStart", where, &x.DateStart, w.DateStart); err != nil {
			return err
		}
		if err := m.date("ActualTerminationDate", where, &x.ActualTerminationDate, w.ActualTerminationDate); err != nil {
			return err
		}
		if err := m.attrs(where, &x.Attributes, w.Attributes); err != nil {
			return err
		}
		m.ids(&x.OtherIDs, w.OtherIDs)
		m.seen(&x.Seen, w.Seen)
		if m.apply {
			for _, id := range w.OtherIDs {
				b.byPOS[id] = sw
			}
		}
	}
	for i := range w.Assignments {
		if err := m.mergeAsg(sw, &w.Assignments[i]); err != nil {
			return err
		}
	}
	return nil
}

func (m *merger) mergeAsg(sw *workRel, a *Assignment) error {
	b := m.b
	sa := b.byAsg[a.AssignmentID]
	where := place{"assignment", a.AssignmentID}
	for _, id := range a.OtherIDs {
		if o := b.byAsg[id]; o != nil && o != sa {
			return m.fail("AssignmentId", "%s%s is another assignment, %s", where, id, o.a.AssignmentID)
		}
	}
	if sa == nil {
		if !m.apply {
			return nil
		}
		sa = new(assignment)
		newAsg(sw, sa, a)
		b.indexAsg(sa)
		return nil
	}
	if sa.owner != sw {
		return m.fail("AssignmentId", "%s is in work relationship %s here, %s before", a.AssignmentID, sw.w.PeriodOfServiceID, sa.owner.w.PeriodOfServiceID)
	}
	x := &sa.a
	if err := m.flag("PrimaryAssignmentFlag", where, &x.Primary, a.Primary); err != nil {
		return err
	}
	if err := m.strs(where, strField{"AssignmentNumber", &x.AssignmentNumber, a.AssignmentNumber}, strField{"AssignmentName", &x.AssignmentName, a.AssignmentName},
		strField{"AssignmentStatusType", &x.AssignmentStatusType, a.AssignmentStatusType}, strField{"AssignmentType", &x.AssignmentType, a.AssignmentType},
		strField{"ActionCode", &x.ActionCode, a.ActionCode}, strField{"BusinessUnitId", &x.BusinessUnitID, a.BusinessUnitID},
		strField{"OrganizationId", &x.OrganizationID, a.OrganizationID}, strField{"PositionId", &x.PositionID, a.PositionID},
		strField{"LocationId", &x.LocationID, a.LocationID}, strField{"JobId", &x.JobID, a.JobID}, strField{"GradeId", &x.GradeID, a.GradeID},
		strField{"LegalEntityId", &x.LegalEntityID, a.LegalEntityID}, strField{"ManagerId", &x.ManagerID, a.ManagerID},
		strField{"ManagerAssignmentId", &x.ManagerAssignmentID, a.ManagerAssignmentID}, strField{"ManagerType", &x.ManagerType, a.ManagerType}); err != nil {
		return err
	}
	if err := m.date("EffectiveStartDate", where, &x.EffectiveStartDate, a.EffectiveStartDate); err != nil {
		return err
	}
	if err := m.date("EffectiveEndDate", where, &x.EffectiveEndDate, a.EffectiveEndDate); err != nil {
		return err
	}
	if err := m.attrs(where, &x.Attributes, a.Attributes); err != nil {
		return err
	}
	m.ids(&x.OtherIDs, a.OtherIDs)
	m.seen(&x.Seen, a.Seen)
	if m.apply {
		for _, id := range a.OtherIDs {
			b.byAsg[id] = sa
		}
	}
	return nil
}

// problems reports what Load refuses in a person on its own: more than one
// active primary work relationship, a work relationship with more than one
// primary assignment, or a terminated person with an active work
// relationship.
func (sp *person) problems(bad func(field, format string, args ...any)) {
	primaries, active := 0, 0
	for _, w := range sp.wrs {
		if w.w.Active() {
			active++
			if w.w.Primary {
				primaries++
			}
		}
		pa := 0
		for _, a := range w.asgs {
			if a.a.Primary {
				pa++
			}
		}
		if pa > 1 {
			bad("PrimaryAssignmentFlag", "work relationship %s has %d primary assignments", w.w.PeriodOfServiceID, pa)
		}
	}
	if primaries > 1 {
		bad("PrimaryFlag", "%d active work relationships are primary", primaries)
	}
	if sp.p.Terminated && active > 0 {
		bad("Terminated", "the person is terminated but has %d active work relationships", active)
	}
}

// maxLoadErrors bounds the errors Load lists.
const maxLoadErrors = 20

// Load adds the batch's persons to the roster: all of them, or none. It
// fails, with an error listing every problem (up to 20) as *LoadError
// values, when a person, PersonId, PeriodOfServiceId or AssignmentId is
// already in the roster, when a person has more than one active primary
// work relationship or a work relationship more than one primary
// assignment, or when a terminated person has an active work relationship.
// On success the batch is emptied.
func (r *Roster) Load(b *Batch) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.load(b, nil)
}

// load is Load, with the seed persons of an extract (nil for none) beside
// the batch; the batch and the seeds share no key.
func (r *Roster) load(b *Batch, seeds *seedStore) error {
	var errs []error
	n := 0
	bad := func(pn, field, format string, args ...any) {
		n++
		if len(errs) < maxLoadErrors {
			errs = append(errs, &LoadError{PersonNumber: pn, Field: field, Msg: fmt.Sprintf(format, args...)})
		}
	}
	held := func(pn string, k int, v string) {
		o, ok := r.holder(k, v)
		switch {
		case !ok:
		case k == keyPersonNumber:
			bad(pn, "", "already in the roster")
		case k == keyPersonID:
			bad(pn, "PersonId", "%s is already the PersonId of person %q in the roster", v, o)
		case k == keyPOS:
			bad(pn, "PeriodOfServiceId", "%s is already a work relationship of person %q in the roster", v, o)
		default:
			bad(pn, "AssignmentId", "%s is already an assignment of person %q in the roster", v, o)
		}
	}
	empty := len(r.persons) == 0 && len(r.byID) == 0 && len(r.byPOS) == 0 && len(r.byAsg) == 0 && len(r.seeds) == 0
	for _, pn := range b.order {
		sp := b.persons[pn]
		if !empty {
			held(pn, keyPersonNumber, pn)
			if id := sp.p.PersonID; id != "" {
				held(pn, keyPersonID, id)
			}
			for _, w := range sp.wrs {
				for _, id := range append([]string{w.w.PeriodOfServiceID}, w.w.OtherIDs...) {
					held(pn, keyPOS, id)
				}
				for _, a := range w.asgs {
					for _, id := range append([]string{a.a.AssignmentID}, a.a.OtherIDs...) {
						held(pn, keyAsg, id)
					}
				}
			}
		}
		sp.problems(func(field, format string, args ...any) { bad(pn, field, format, args...) })
	}
	if seeds != nil && !empty {
		// A seed person has no problems on its own (the stager keeps
		// those that have in the batch): only its keys can be taken.
		seeds.each(func(i uint32) {
			p := seeds.raw(i)
			eachKey(&p, func(k int, v string) { held(p.PersonNumber, k, v) })
		})
	}
	if n > 0 {
		if n > len(errs) {
			errs = append(errs, fmt.Errorf("hcmatom: and %d more problems", n-len(errs)))
		}
		return errors.Join(errs...)
	}
	if seeds != nil && seeds.len() > 0 {
		r.seeds = append(r.seeds, seeds)
	}
	if len(b.persons) > 0 && len(r.persons) == 0 && len(r.byID) == 0 && len(r.byPOS) == 0 && len(r.byAsg) == 0 {
		// An empty index (the initial sync) takes the batch's as it is,
		// rather than a copy of each of its entries.
		r.index = b.index
	} else {
		for _, pn := range b.order {
			r.insert(b.persons[pn])
		}
	}
	// An assignment deleted by an event is never added back by one, so
	// the tombstones to drop are those of the assignments just loaded.
	for id := range r.deleted {
		if _, ok := r.holder(keyAsg, id); ok {
			delete(r.deleted, id)
		}
	}
	*b = Batch{}
	return nil
}
