package hcmatom

import (
	"encoding/binary"
	"hash/maphash"
	"slices"
	"time"
)

// seedStore holds persons of an initial extract that no event has touched
// yet, most of a roster after the initial sync, without a single pointer:
// each person is a short binary record in large byte chunks, found through
// four indexes from a 64-bit hash of each key (PersonNumber, PersonId,
// PeriodOfServiceId, AssignmentId) to the record. The garbage collector
// has nothing to scan in it, and it takes about a fifth of the memory of
// the roster's own records: that is what makes loading a million rows
// cheap.
// The roster turns a person into its own records (thaws it) the first time
// an event touches it.
//
// The records hold the persons as the extract's rows made them; what the
// loading derives at the end of the file (see finishExtract) is derived
// when a person is read, once finished is set.
//
// A person with a key whose hash another key has taken already (with a
// million persons, in about one load in ten million) is not stored here:
// it goes to the roster's records.
type seedStore struct {
	seed   maphash.Seed
	chunks [][]byte
	recs   []seedRec
	keys   [numSeedKeys]map[uint64]uint32 // hash of the key → record

	finished            bool // the extract has been read: person derives
	noWRFlag, noAsgFlag bool // finishExtract's arguments
}

// seedRec is where a person's record is: chunks[chunk][off:off+n].
type seedRec struct {
	chunk, off, n uint32
	live          bool
}

// The keys of a seed person, as indexes of seedStore.keys.
const (
	keyPersonNumber = iota
	keyPersonID
	keyPOS
	keyAsg
	numSeedKeys
)

const seedChunkSize = 1 << 20

// The fields of a record, in its order, as pointers into a person, a work
// relationship or an assignment: strings (the key first; PersonId is a
// person's second), dates, flags.

func personFields(p *Person) ([5]*string, [2]*Date, [1]*bool) {
	return [...]*string{&p.PersonNumber, &p.PersonID, &p.Name, &p.WorkEmail, &p.PrimaryPhoneNumber},
		[...]*Date{&p.EffectiveStartDate, &p.ActualTerminationDate},
		[...]*bool{&p.Terminated}
}

func wrFields(w *WorkRelationship) ([4]*string, [2]*Date, [3]*bool) {
	return [...]*string{&w.PeriodOfServiceID, &w.PeriodType, &w.WorkerType, &w.LegalEntityID},
		[...]*Date{&w.DateStart, &w.ActualTerminationDate},
		[...]*bool{&w.Primary, &w.Terminated, &w.Cancelled}
}

func asgFields(a *Assignment) ([16]*string, [2]*Date, [1]*bool) {
	return [...]*string{&a.AssignmentID, &a.AssignmentNumber, &a.AssignmentName, &a.AssignmentStatusType, &a.AssignmentType,
			&a.ActionCode, &a.BusinessUnitID, &a.OrganizationID, &a.PositionID, &a.LocationID, &a.JobID, &a.GradeID,
			&a.LegalEntityID, &a.ManagerID, &a.ManagerAssignmentID, &a.ManagerType},
		[...]*Date{&a.EffectiveStartDate, &a.EffectiveEndDate},
		[...]*bool{&a.Primary}
}

func newSeedStore() *seedStore {
	s := &seedStore{seed: maphash.MakeSeed()}
	for k := range s.keys {
		s.keys[k] = map[uint64]uint32{}
	}
	return s
}

// grow makes room for n persons, work relationships and assignments.
func (s *seedStore) grow(n int) {
	if n > cap(s.recs) {
		s.recs = append(make([]seedRec, 0, n), s.recs...)
	}
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
}

// fits reports whether the store can hold p: it has no attributes, other
// ids or Seen times, and no date the record cannot hold.
func fits(p *Person) bool {
	if _, d, _ := personFields(p); p.Attributes != nil || !p.Seen.IsZero() || !packable(d[:]) {
		return false
	}
	for i := range p.WorkRelationships {
		w := &p.WorkRelationships[i]
		if _, d, _ := wrFields(w); w.Attributes != nil || w.OtherIDs != nil || !w.Seen.IsZero() || !packable(d[:]) {
			return false
		}
		for j := range w.Assignments {
			a := &w.Assignments[j]
			if _, d, _ := asgFields(a); a.Attributes != nil || a.OtherIDs != nil || !a.Seen.IsZero() || !packable(d[:]) {
				return false
			}
		}
	}
	return true
}

func packable(ds []*Date) bool {
	for _, d := range ds {
		if _, ok := packDate(*d); !ok {
			return false
		}
	}
	return true
}

// eachKey calls f with every key of p that is given.
func eachKey(p *Person, f func(k int, v string)) {
	f(keyPersonNumber, p.PersonNumber)
	if p.PersonID != "" {
		f(keyPersonID, p.PersonID)
	}
	for i := range p.WorkRelationships {
		w := &p.WorkRelationships[i]
		f(keyPOS, w.PeriodOfServiceID)
		for _, id := range w.OtherIDs {
			f(keyPOS, id)
		}
		for j := range w.Assignments {
			a := &w.Assignments[j]
			f(keyAsg, a.AssignmentID)
			for _, id := range a.OtherIDs {
				f(keyAsg, id)
			}
		}
	}
}

// add stores p, which fits and which checkPerson accepts, and whose keys
// hits has found free (no record holds them, no other key has their
// hash). Two keys of p itself with one hash (a chance of about one in
// 10^19 for a person with a few keys) would leave one of them unfound.
func (s *seedStore) add(p *Person) {
	// Records go one after the other into chunks. A record longer than
	// what is left of the last chunk (a row of over 64 KiB) grows it:
	// records are found by chunk and offset, so they may move.
	if len(s.chunks) == 0 || cap(s.chunks[len(s.chunks)-1])-len(s.chunks[len(s.chunks)-1]) < 64<<10 {
		s.chunks = append(s.chunks, make([]byte, 0, seedChunkSize))
	}
	c := &s.chunks[len(s.chunks)-1]
	off := len(*c)
	*c = appendRecord(*c, p)
	i := uint32(len(s.recs))
	s.recs = append(s.recs, seedRec{chunk: uint32(len(s.chunks) - 1), off: uint32(off), n: uint32(len(*c) - off), live: true})
	eachKey(p, func(k int, v string) { s.keys[k][maphash.String(s.seed, v)] = i })
}

// appendRecord appends p's record to b: its strings (each its length
// then its bytes), dates and flags, then its work relationships' and
// assignments', each list after its length.
func appendRecord(b []byte, p *Person) []byte {
	ps, pd, pf := personFields(p)
	b = appendFields(b, ps[:], pd[:], pf[:])
	b = binary.AppendUvarint(b, uint64(len(p.WorkRelationships)))
	for i := range p.WorkRelationships {
		w := &p.WorkRelationships[i]
		ws, wd, wf := wrFields(w)
		b = appendFields(b, ws[:], wd[:], wf[:])
		b = binary.AppendUvarint(b, uint64(len(w.Assignments)))
		for j := range w.Assignments {
			a := &w.Assignments[j]
			as, ad, af := asgFields(a)
			b = appendFields(b, as[:], ad[:], af[:])
		}
	}
	return b
}

func appendFields(b []byte, strs []*string, dates []*Date, flags []*bool) []byte {
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(*s)))
		b = append(b, *s...)
	}
	for _, d := range dates {
		packed, _ := packDate(*d)
		b = binary.AppendUvarint(b, uint64(packed))
	}
	var bits byte
	for i, f := range flags {
		if *f {
			bits |= 1 << i
		}
	}
	return append(b, bits)
}

// recordReader reads a record: its numbers from b, its strings as
// slices of text, a copy of b made once.
type recordReader struct {
	b    []byte
	text string
	off  int
}

func (r *recordReader) uint() uint64 {
	v, n := binary.Uvarint(r.b[r.off:])
	r.off += n
	return v
}

func (r *recordReader) str() string {
	n := int(r.uint())
	s := r.text[r.off : r.off+n]
	r.off += n
	return s
}

func readFields(r *recordReader, strs []*string, dates []*Date, flags []*bool) {
	for _, s := range strs {
		*s = r.str()
	}
	for _, d := range dates {
		*d = unpackDate(int32(r.uint()))
	}
	bits := r.b[r.off]
	r.off++
	for i, f := range flags {
		*f = bits&(1<<i) != 0
	}
}

func (s *seedStore) record(i uint32) []byte {
	rec := s.recs[i]
	return s.chunks[rec.chunk][rec.off : rec.off+rec.n]
}

// raw returns record i as the Person it was made from.
func (s *seedStore) raw(i uint32) Person {
	b := s.record(i)
	r := &recordReader{b: b, text: string(b)}
	var p Person
	ps, pd, pf := personFields(&p)
	readFields(r, ps[:], pd[:], pf[:])
	if n := r.uint(); n > 0 {
		p.WorkRelationships = make([]WorkRelationship, n)
	}
	for i := range p.WorkRelationships {
		w := &p.WorkRelationships[i]
		ws, wd, wf := wrFields(w)
		readFields(r, ws[:], wd[:], wf[:])
		if n := r.uint(); n > 0 {
			w.Assignments = make([]Assignment, n)
		}
		for j := range w.Assignments {
			a := &w.Assignments[j]
			as, ad, af := asgFields(a)
			readFields(r, as[:], ad[:], af[:])
		}
	}
	return p
}

// key returns the PersonNumber (k 0) or the PersonId (k 1) of record i,
// without copying it.
func (s *seedStore) key(i uint32, k int) []byte {
	b := s.record(i)
	var v []byte
	for range k + 1 {
		n, m := binary.Uvarint(b)
		v, b = b[m:m+int(n)], b[m+int(n):]
	}
	return v
}

// pn returns the PersonNumber of record i.
func (s *seedStore) pn(i uint32) string { return string(s.key(i, keyPersonNumber)) }

// lookup returns the record whose key k is v.
func (s *seedStore) lookup(k int, v string) (uint32, bool) {
	if v == "" {
		return 0, false
	}
	i, ok := s.keys[k][maphash.String(s.seed, v)]
	return i, ok && s.holds(i, k, v)
}

// holds reports whether record i has v as its key k.
func (s *seedStore) holds(i uint32, k int, v string) bool {
	if k == keyPersonNumber || k == keyPersonID {
		return string(s.key(i, k)) == v
	}
	p := s.raw(i)
	found := false
	eachKey(&p, func(kk int, vv string) { found = found || kk == k && vv == v })
	return found
}

// hits returns the records that hold one of p's keys, each once, and
// whether one of p's keys has the hash of a key another record holds: p
// cannot then be stored.
func (s *seedStore) hits(p *Person) (recs []uint32, clash bool) {
	eachKey(p, func(k int, v string) {
		i, ok := s.keys[k][maphash.String(s.seed, v)]
		switch {
		case !ok:
		case !s.holds(i, k, v):
			clash = true
		case !slices.Contains(recs, i):
			recs = append(recs, i)
		}
	})
	return recs, clash
}

// take removes record i and returns it as the Person it was made from.
func (s *seedStore) take(i uint32) Person {
	p := s.raw(i)
	eachKey(&p, func(k int, v string) { delete(s.keys[k], maphash.String(s.seed, v)) })
	s.recs[i].live = false
	return p
}

// len returns the number of persons in the store: each has one
// PersonNumber, and each key held has an entry of its own.
func (s *seedStore) len() int { return len(s.keys[keyPersonNumber]) }

// person returns a copy of person i as the roster holds it.
func (s *seedStore) person(i uint32) Person {
	p := s.raw(i)
	if s.finished {
		finishExtract(&p, s.noWRFlag, s.noAsgFlag)
	}
	return p
}

// finish marks the end of the extract: from now on, the records' persons
// are read with finishExtract(noWRFlag, noAsgFlag).
func (s *seedStore) finish(noWRFlag, noAsgFlag bool) {
	s.finished, s.noWRFlag, s.noAsgFlag = true, noWRFlag, noAsgFlag
}

// each calls f with every record still in the store.
func (s *seedStore) each(f func(i uint32)) {
	for i := range s.recs {
		if s.recs[i].live {
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
		if s.finished {
			finishExtract(&p, s.noWRFlag, s.noAsgFlag)
		}
		r.addNew(&p)
	}
}

// The roster's records by key, for an event to change: a seed person is
// thawed first.

func (r *Roster) personFor(number string) *person {
	return recordFor(r, r.persons, keyPersonNumber, number)
}
func (r *Roster) personForID(id string) *person { return recordFor(r, r.byID, keyPersonID, id) }
func (r *Roster) wrFor(pos string) *workRel     { return recordFor(r, r.byPOS, keyPOS, pos) }
func (r *Roster) asgFor(id string) *assignment  { return recordFor(r, r.byAsg, keyAsg, id) }

// recordFor returns m[v], where m is the index of key k, after thawing
// the seed person whose key k is v.
func recordFor[V comparable](r *Roster, m map[string]V, k int, v string) V {
	var none V
	if x := m[v]; x != none || len(r.seeds) == 0 {
		return x
	}
	r.thaw(k, v)
	return m[v]
}

// holder returns the PersonNumber of the person, record or seed, whose key
// k is v.
func (r *Roster) holder(k int, v string) (string, bool) {
	if p := r.owner(k, v); p != nil {
		return p.p.PersonNumber, true
	}
	if s, i, ok := r.seedFind(k, v); ok {
		return s.pn(i), true
	}
	return "", false
}
