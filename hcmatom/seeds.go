package hcmatom

import (
	"hash/maphash"
	"time"
)

// seedStore holds the persons of an initial extract that came in one row:
// one work relationship holding one assignment, with no attributes (most
// persons of most extracts). It keeps them without a single pointer: their
// text in large byte chunks, their dates and flags in fixed records, and
// four indexes from a 64-bit hash of each key (PersonNumber, PersonId,
// PeriodOfServiceId, AssignmentId) to the record. The garbage collector
// has nothing to scan in it and the heap holds a fifth of what the
// roster's own records take, which is what makes loading a million rows
// cheap. The roster turns a person into its own records (thaws it) the
// first time an event touches it.
//
// A key whose hash is taken already, by the same key or (very rarely) by
// another, is not stored here: the person goes to the roster's records.
type seedStore struct {
	seed   maphash.Seed
	chunks [][]byte
	recs   []seedRec
	keys   [numSeedKeys]map[uint64]uint32 // hash of the key → record
	live   int
}

// seedRec is one person. Its strings are in chunks[chunk], one after the
// other from off, with lengths lens.
type seedRec struct {
	chunk, off uint32
	lens       [numSeedStrings]uint16
	dates      [numSeedDates]int32 // packDate
	flags      uint8
}

// The dates and flags of a seed person.
const (
	dPersonStart = iota // Person.EffectiveStartDate
	dPersonEnd          // Person.ActualTerminationDate
	dWRStart            // WorkRelationship.DateStart
	dWREnd              // WorkRelationship.ActualTerminationDate
	dAsgStart           // Assignment.EffectiveStartDate
	dAsgEnd             // Assignment.EffectiveEndDate
	numSeedDates

	fLive             = 1 << 0
	fPersonTerminated = 1 << 1
	fWRPrimary        = 1 << 2
	fWRTerminated     = 1 << 3
	fWRCancelled      = 1 << 4
	fAsgPrimary       = 1 << 5
)

// seedStrings are the string fields of a seed person; the first four are
// its keys, in the order of the key constants.
var seedStrings = [...]func(p *Person) *string{
	func(p *Person) *string { return &p.PersonNumber },
	func(p *Person) *string { return &p.PersonID },
	func(p *Person) *string { return &p.WorkRelationships[0].PeriodOfServiceID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].AssignmentID },
	func(p *Person) *string { return &p.Name },
	func(p *Person) *string { return &p.WorkEmail },
	func(p *Person) *string { return &p.PrimaryPhoneNumber },
	func(p *Person) *string { return &p.WorkRelationships[0].PeriodType },
	func(p *Person) *string { return &p.WorkRelationships[0].WorkerType },
	func(p *Person) *string { return &p.WorkRelationships[0].LegalEntityID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].AssignmentNumber },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].AssignmentName },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].AssignmentStatusType },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].AssignmentType },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].ActionCode },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].BusinessUnitID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].OrganizationID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].PositionID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].LocationID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].JobID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].GradeID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].LegalEntityID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].ManagerID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].ManagerAssignmentID },
	func(p *Person) *string { return &p.WorkRelationships[0].Assignments[0].ManagerType },
}

const numSeedStrings = len(seedStrings)

// The keys of a seed person, as indexes of seedStrings and seedStore.keys.
const (
	keyPersonNumber = iota
	keyPersonID
	keyPOS
	keyAsg
	numSeedKeys
)

const seedChunkSize = 1 << 20

func newSeedStore() *seedStore {
	s := &seedStore{seed: maphash.MakeSeed()}
	for k := range s.keys {
		s.keys[k] = map[uint64]uint32{}
	}
	return s
}

// grow makes room for n persons.
func (s *seedStore) grow(n int) {
	for k, m := range s.keys {
		if k == keyPersonID || n <= len(m) {
			continue
		}
		g := make(map[uint64]uint32, n)
		for h, i := range m {
			g[h] = i
		}
		s.keys[k] = g
	}
	if n > cap(s.recs) {
		recs := make([]seedRec, len(s.recs), n)
		copy(recs, s.recs)
		s.recs = recs
	}
}

// fits reports whether p is a seed person: one work relationship with one
// assignment, no attributes, no other ids, no Seen time, and values that
// the compact form holds.
func fits(p *Person) bool {
	if len(p.WorkRelationships) != 1 || len(p.WorkRelationships[0].Assignments) != 1 {
		return false
	}
	w, a := &p.WorkRelationships[0], &p.WorkRelationships[0].Assignments[0]
	if p.Attributes != nil || w.Attributes != nil || a.Attributes != nil || w.OtherIDs != nil || a.OtherIDs != nil ||
		!p.Seen.IsZero() || !w.Seen.IsZero() || !a.Seen.IsZero() {
		return false
	}
	for _, f := range seedStrings {
		if len(*f(p)) > 0xFFFF {
			return false
		}
	}
	for _, d := range [...]Date{p.EffectiveStartDate, p.ActualTerminationDate, w.DateStart, w.ActualTerminationDate, a.EffectiveStartDate, a.EffectiveEndDate} {
		if _, ok := packDate(d); !ok {
			return false
		}
	}
	return true
}

// add stores p, which fits, unless one of its keys (or a key with the
// same hash) is stored already.
func (s *seedStore) add(p *Person) bool {
	var hashes [numSeedKeys]uint64
	for k := range numSeedKeys {
		v := *seedStrings[k](p)
		if v == "" {
			continue
		}
		hashes[k] = maphash.String(s.seed, v)
		if _, taken := s.keys[k][hashes[k]]; taken {
			return false
		}
	}
	var rec seedRec
	total := 0
	for i, f := range seedStrings {
		n := len(*f(p))
		rec.lens[i] = uint16(n)
		total += n
	}
	if len(s.chunks) == 0 || len(s.chunks[len(s.chunks)-1])+total > cap(s.chunks[len(s.chunks)-1]) {
		s.chunks = append(s.chunks, make([]byte, 0, max(seedChunkSize, total)))
	}
	c := &s.chunks[len(s.chunks)-1]
	rec.chunk, rec.off = uint32(len(s.chunks)-1), uint32(len(*c))
	for _, f := range seedStrings {
		*c = append(*c, *f(p)...)
	}
	w, a := &p.WorkRelationships[0], &p.WorkRelationships[0].Assignments[0]
	for i, d := range [numSeedDates]Date{p.EffectiveStartDate, p.ActualTerminationDate, w.DateStart, w.ActualTerminationDate, a.EffectiveStartDate, a.EffectiveEndDate} {
		rec.dates[i], _ = packDate(d)
	}
	rec.flags = fLive
	for _, f := range [...]struct {
		set  bool
		flag uint8
	}{{p.Terminated, fPersonTerminated}, {w.Primary, fWRPrimary}, {w.Terminated, fWRTerminated}, {w.Cancelled, fWRCancelled}, {a.Primary, fAsgPrimary}} {
		if f.set {
			rec.flags |= f.flag
		}
	}
	i := uint32(len(s.recs))
	s.recs = append(s.recs, rec)
	for k, h := range hashes {
		if *seedStrings[k](p) != "" {
			s.keys[k][h] = i
		}
	}
	s.live++
	return true
}

// text returns the bytes of record i's strings, and where each ends.
func (s *seedStore) text(i uint32) ([]byte, *[numSeedStrings]uint16) {
	r := &s.recs[i]
	total := 0
	for _, n := range r.lens {
		total += int(n)
	}
	return s.chunks[r.chunk][r.off : int(r.off)+total], &r.lens
}

// field returns string number f of record i, without copying it: the
// slice is valid while the store is.
func (s *seedStore) field(i uint32, f int) []byte {
	b, lens := s.text(i)
	off := 0
	for _, n := range lens[:f] {
		off += int(n)
	}
	return b[off : off+int(lens[f])]
}

// lookup returns the record whose key k is v.
func (s *seedStore) lookup(k int, v string) (uint32, bool) {
	if v == "" {
		return 0, false
	}
	i, ok := s.keys[k][maphash.String(s.seed, v)]
	if !ok || string(s.field(i, k)) != v {
		return 0, false
	}
	return i, true
}

// hits returns the records that hold one of p's keys, each once.
func (s *seedStore) hits(p *Person) []uint32 {
	var out []uint32
	for k := range numSeedKeys {
		for _, v := range seedKeyValues(p, k) {
			if i, ok := s.lookup(k, v); ok && !containsRec(out, i) {
				out = append(out, i)
			}
		}
	}
	return out
}

// seedKeyValues returns p's values of key k: a person may have several
// work relationships and assignments, each with other ids.
func seedKeyValues(p *Person, k int) []string {
	switch k {
	case keyPersonNumber:
		return []string{p.PersonNumber}
	case keyPersonID:
		return []string{p.PersonID}
	}
	var out []string
	for _, w := range p.WorkRelationships {
		if k == keyPOS {
			out = append(append(out, w.PeriodOfServiceID), w.OtherIDs...)
			continue
		}
		for _, a := range w.Assignments {
			out = append(append(out, a.AssignmentID), a.OtherIDs...)
		}
	}
	return out
}

func containsRec(recs []uint32, i uint32) bool {
	for _, r := range recs {
		if r == i {
			return true
		}
	}
	return false
}

// person returns record i as a Person.
func (s *seedStore) person(i uint32) Person {
	r := &s.recs[i]
	b, lens := s.text(i)
	text := string(b) // one allocation; every field is a slice of it
	p := Person{WorkRelationships: []WorkRelationship{{Assignments: []Assignment{{}}}}}
	off := 0
	for f, get := range seedStrings {
		*get(&p) = text[off : off+int(lens[f])]
		off += int(lens[f])
	}
	w, a := &p.WorkRelationships[0], &p.WorkRelationships[0].Assignments[0]
	for d, dst := range [numSeedDates]*Date{&p.EffectiveStartDate, &p.ActualTerminationDate, &w.DateStart, &w.ActualTerminationDate, &a.EffectiveStartDate, &a.EffectiveEndDate} {
		*dst = unpackDate(r.dates[d])
	}
	p.Terminated = r.flags&fPersonTerminated != 0
	w.Primary = r.flags&fWRPrimary != 0
	w.Terminated = r.flags&fWRTerminated != 0
	w.Cancelled = r.flags&fWRCancelled != 0
	a.Primary = r.flags&fAsgPrimary != 0
	return p
}

// take removes record i and returns it as a Person.
func (s *seedStore) take(i uint32) Person {
	p := s.person(i)
	for k := range numSeedKeys {
		if v := *seedStrings[k](&p); v != "" {
			delete(s.keys[k], maphash.String(s.seed, v))
		}
	}
	s.recs[i].flags &^= fLive
	s.live--
	return p
}

// finish does for every seed person what the extract's loading does for
// every person at the end (see stager.finish): a person whose work
// relationship has ended is terminated on its date; without the flag
// columns, the only work relationship and assignment are primary; the
// person's start date is its assignment's.
func (s *seedStore) finish(wrPrimary, asgPrimary bool) {
	for i := range s.recs {
		r := &s.recs[i]
		if r.flags&fLive == 0 {
			continue
		}
		if r.flags&(fWRTerminated|fWRCancelled) != 0 {
			r.flags |= fPersonTerminated
			r.dates[dPersonEnd] = r.dates[dWREnd]
		}
		if wrPrimary {
			r.flags |= fWRPrimary
		}
		if asgPrimary {
			r.flags |= fAsgPrimary
		}
		if r.dates[dPersonStart] == 0 {
			r.dates[dPersonStart] = r.dates[dAsgStart]
		}
	}
}

// each calls f with every record still in the store.
func (s *seedStore) each(f func(i uint32)) {
	for i := range s.recs {
		if s.recs[i].flags&fLive != 0 {
			f(uint32(i))
		}
	}
}

// packDate packs a date in 32 bits (year, month, day), 0 for none; it
// reports false for a year the packing cannot hold.
func packDate(d Date) (int32, bool) {
	if d.IsZero() {
		return 0, true
	}
	if d.Year < 0 || d.Year >= 1<<21 || d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31 {
		return 0, false
	}
	return int32(d.Year<<9 | int(d.Month)<<5 | d.Day), true
}

func unpackDate(v int32) Date {
	if v == 0 {
		return Date{}
	}
	return Date{Year: int(v >> 9), Month: time.Month(v >> 5 & 15), Day: int(v & 31)}
}

// seedFind returns the seed store and record whose key k is v.
func (r *Roster) seedFind(k int, v string) (*seedStore, uint32, bool) {
	for _, s := range r.seeds {
		if i, ok := s.lookup(k, v); ok {
			return s, i, true
		}
	}
	return nil, 0, false
}

// thaw turns the seed person whose key k is v, if there is one, into the
// roster's own records, for an event to change it.
func (r *Roster) thaw(k int, v string) {
	if s, i, ok := r.seedFind(k, v); ok {
		p := s.take(i)
		r.addNew(&p)
	}
}

// The roster's records by key, for an event to change: a seed person is
// thawed first.

func (r *Roster) personFor(number string) *person {
	if p := r.persons[number]; p != nil || len(r.seeds) == 0 {
		return p
	}
	r.thaw(keyPersonNumber, number)
	return r.persons[number]
}

func (r *Roster) personForID(id string) *person {
	if p := r.byID[id]; p != nil || len(r.seeds) == 0 {
		return p
	}
	r.thaw(keyPersonID, id)
	return r.byID[id]
}

func (r *Roster) wrFor(pos string) *workRel {
	if w := r.byPOS[pos]; w != nil || len(r.seeds) == 0 {
		return w
	}
	r.thaw(keyPOS, pos)
	return r.byPOS[pos]
}

func (r *Roster) asgFor(id string) *assignment {
	if a := r.byAsg[id]; a != nil || len(r.seeds) == 0 {
		return a
	}
	r.thaw(keyAsg, id)
	return r.byAsg[id]
}

// holder returns the PersonNumber of the person, record or seed, whose key
// k is v.
func (r *Roster) holder(k int, v string) (string, bool) {
	var p *person
	switch k {
	case keyPersonNumber:
		p = r.persons[v]
	case keyPersonID:
		p = r.byID[v]
	case keyPOS:
		if w := r.byPOS[v]; w != nil {
			p = w.owner
		}
	case keyAsg:
		if a := r.byAsg[v]; a != nil {
			p = a.owner.owner
		}
	}
	if p != nil {
		return p.p.PersonNumber, true
	}
	if s, i, ok := r.seedFind(k, v); ok {
		return string(s.field(i, keyPersonNumber)), true
	}
	return "", false
}
