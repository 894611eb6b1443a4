package hcmatom

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync/atomic"
	"time"

	"github.com/hrbridge/hrbridge/internal/civil"
)

// ExtractSummary says what LoadExtract loaded.
type ExtractSummary struct {
	Rows              int          `json:"rows"`              // rows loaded
	Persons           int          `json:"persons"`           // persons added to the roster
	WorkRelationships int          `json:"workRelationships"` // work relationships added
	Assignments       int          `json:"assignments"`       // assignments added
	BadRows           []*RowError  `json:"badRows,omitempty"` // rows left out (WithMaxBadRows), in file order
	Decryption        *DecryptInfo `json:"decryption,omitempty"`
}

// WithProgress has LoadExtract call f with the number of rows read so far,
// every 10,000 rows and once at the end of the file (before the checks that
// decide whether the load is committed). f runs on the loading goroutine:
// it should return quickly.
func WithProgress(f func(rows int)) ExtractOption {
	return func(c *extractConfig) error {
		c.progress = f
		return nil
	}
}

// WithAsOf sets the day the extract describes, which decides whether a work
// relationship with an ActualTerminationDate has ended (the date is before
// or on it) or ends later (a future-dated termination, still active).
// Default: today, in the time zone of time.Now.
func WithAsOf(t time.Time) ExtractOption {
	return func(c *extractConfig) error {
		if t.IsZero() {
			return errors.New("hcmatom: WithAsOf: zero time")
		}
		c.asOf = civil.DateOf(t)
		return nil
	}
}

const progressEvery = 10_000

// LoadExtract reads the initial-sync extract in src (steps 3 to 5 of the
// integration guide's "Initial Sync": import, decrypt, load), decrypting it
// with d, and adds its persons, work relationships and assignments to the
// roster, as Load does: all of them, or none.
//
// Each row is an assignment; rows of the same person and work relationship
// build one person with its work relationships (rows may come in any
// order). Within a person, the person's columns (PersonName, WorkEmail,
// PrimaryPhoneNumber) and within a work relationship its columns
// (PrimaryFlag, PeriodType, WorkerType, ActualTerminationDate) must agree
// across rows: a row that contradicts an earlier one is a bad row. A work
// relationship whose ActualTerminationDate is on or before the as-of day
// (WithAsOf) is terminated; a person whose work relationships are all
// terminated is terminated, on the latest of their dates. When the extract
// has no PrimaryFlag (PrimaryAssignmentFlag) column, a person's only work
// relationship (a work relationship's only assignment) is its primary one.
// Extra columns that name a field of the roster's records, as the feeds
// call it (PersonId, DateStart, LegalEntityId, AssignmentNumber,
// AssignmentName, AssignmentType, ActionCode, GradeId, ManagerId,
// ManagerAssignmentId, ManagerType, EffectiveEndDate), fill that field;
// other columns go to the assignment's Attributes.
//
// Nothing is added to the roster until the whole file has been read and
// decrypted, its integrity checked, its signature verified (when d requires
// one) and every row read. Bad rows fail the load, unless WithMaxBadRows
// allows some: those rows, and only those, are then left out and listed in
// the summary. Any other error, or ctx ending, leaves the roster unchanged.
//
// With a nil d, src is read as a plaintext CSV file: no integrity or
// signature check takes place.
//
// The decrypted data is never written to disk, and memory does not grow
// with the file beyond the persons loaded. Decrypting, parsing and loading
// run at once, each in a goroutine of its own, a few buffers ahead of the
// next. The roster keeps the persons it loads compactly, in a form the
// garbage collector need not scan, until an event first touches them
// (BenchmarkLoadExtract1M: a million rows, 780,000 persons, load in about
// 1.2 s with a peak of 0.5 GB). Rows of a person that follow one another
// are merged before they are stored; a person whose rows are scattered
// through the file is kept as the roster's own records, which take about
// five times the memory.
//
// Beyond the roster, the peak is the garbage collector's headroom (with
// the default GOGC, about half the roster at a million rows), not the
// file. A process that sets a memory limit a little above its roster
// (GOMEMLIMIT, or runtime/debug.SetMemoryLimit) caps the peak at that
// limit: a roster of 327 MB loads with GOMEMLIMIT=360MiB in a peak RSS
// of 360 MB instead of 500 MB, and no slower.
func (r *Roster) LoadExtract(ctx context.Context, d *Decrypter, src io.Reader, opts ...ExtractOption) (*ExtractSummary, error) {
	cfg, err := newExtractConfig(opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sum := &ExtractSummary{}
	est := newRowEstimator(src)
	src = est
	plain := src
	var pt *Plaintext
	if d != nil {
		if pt, err = d.Decrypt(src); err != nil {
			return nil, err
		}
		plain = pt
	}
	ahead := newAheadReader(plain, 256<<10, 4)
	defer ahead.Close()
	x, err := newExtractReader(ahead, cfg)
	if err != nil {
		return nil, err
	}
	st := newStager(x, cfg)
	ra := newRowsAhead(x, 256, 4)
	defer ra.stop()
	rows := 0
	// Bad rows, found by the reader or refused by the batch, are counted
	// here, in file order; once there is one too many, the parsing stops
	// and the reader drains the input.
	tooMany := func(bad *RowError) error {
		ra.stop()
		return x.tooMany(bad)
	}
	for b := range ra.blocks {
		for i := range b.rows {
			pr := &b.rows[i]
			bad := pr.bad
			if bad == nil {
				var err error
				if bad, err = st.add(&pr.row); err != nil {
					return nil, err
				}
			}
			if bad != nil {
				if x.countBad(bad) {
					return nil, tooMany(bad)
				}
				continue
			}
			rows++
			if rows == estimateAt {
				if n := est.rows(rows); n > 0 {
					st.seeds.grow(n)
				}
			}
			if rows%progressEvery == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				if cfg.progress != nil {
					cfg.progress(rows)
				}
			}
		}
		if b.err == io.EOF {
			break
		}
		if b.err != nil {
			ra.stop()
			return nil, x.fatal(b.err)
		}
		ra.recycle(b)
	}
	if cfg.progress != nil {
		cfg.progress(rows)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := st.flush(true); err != nil {
		return nil, err
	}
	st.finish()
	sum.Rows = rows
	sum.Persons = len(st.batch.persons) + st.seeds.len()
	sum.WorkRelationships = len(st.batch.byPOS) + len(st.seeds.keys[keyPOS])
	sum.Assignments = len(st.batch.byAsg) + len(st.seeds.keys[keyAsg])
	sum.BadRows = x.BadRows()
	if pt != nil {
		info := pt.Info()
		sum.Decryption = &info
	}
	r.mu.Lock()
	err = r.load(&st.batch, st.seeds)
	r.mu.Unlock()
	if err != nil {
		return nil, wrap("the extract conflicts with the roster, nothing loaded", err)
	}
	return sum, nil
}

// estimateAt is the row at which LoadExtract estimates how many rows the
// extract has, to size the roster's indexes once rather than let them grow
// step by step: with a million rows, growing costs more than a second.
const estimateAt = 50_000

// rowEstimator counts the bytes read from the source of an extract whose
// size is known, to estimate how many rows it holds.
type rowEstimator struct {
	r    io.Reader
	size int64        // -1: unknown
	read atomic.Int64 // read by the decrypting goroutine
}

func newRowEstimator(r io.Reader) *rowEstimator {
	e := &rowEstimator{r: r, size: -1}
	switch v := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }: // *os.File
		if fi, err := v.Stat(); err == nil && fi.Mode().IsRegular() {
			e.size = fi.Size()
		}
	case interface{ Len() int }: // *bytes.Reader, *strings.Reader, *bytes.Buffer
		e.size = int64(v.Len())
	case interface{ Size() int64 }: // *io.SectionReader
		e.size = v.Size()
	}
	return e
}

func (e *rowEstimator) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.read.Add(int64(n))
	return n, err
}

// rows estimates the rows of the whole extract from the number read so
// far, or returns 0 when the size of the source is unknown. The source is
// read ahead of the rows (see aheadReader), so the estimate is low by a
// few percent: it is rounded up by a tenth.
func (e *rowEstimator) rows(sofar int) int {
	read := e.read.Load()
	if e.size <= 0 || read <= 0 || read >= e.size {
		return 0
	}
	return int(float64(sofar) * float64(e.size) / float64(read) * 1.1)
}

// stager turns rows into the seed store and the Batch that LoadExtract
// loads: a person goes to the seed store when it can, to the Batch when
// it cannot (its rows are scattered, a key of its is another person's,
// it has attributes, or Load refuses it).
type stager struct {
	x     *ExtractReader
	cfg   *extractConfig
	batch Batch
	// One person, work relationship and assignment, reused for every
	// row: Batch.Add copies what it keeps.
	p   Person
	wrs [1]WorkRelationship
	as  [1]Assignment
	// Extra columns that name a field of the roster's records (PersonId,
	// ManagerId, ...); the other extra columns become attributes.
	typed     []typedColumn
	attrNames []string
	dates     dateCache // apart from the reader's, which parses in a goroutine of its own
	// The persons that the seed store takes (most of them). The person
	// whose rows are being read waits: its first row in pend and, once
	// another comes, its rows merged in pendBatch.
	seeds     *seedStore
	pendRows  int
	pend      Person
	pendWR    [1]WorkRelationship
	pendAsg   [1]Assignment
	pendBatch Batch
	merged    Person // pendBatch's person, for flush
}

// typedColumn is an extra column that fills a field of the row's person,
// work relationship or assignment.
type typedColumn struct {
	name string
	set  func(s *stager, v string) error
}

// typedColumns are the attributes of the feeds' vocabulary that an extract
// may carry beyond the seed's columns, by the roster field they fill.
var typedColumns = []struct {
	name string
	set  func(s *stager, v string) error
}{
	{"PersonId", func(s *stager, v string) error { s.p.PersonID = v; return nil }},
	{"DateStart", func(s *stager, v string) (err error) { s.wrs[0].DateStart, err = s.dates.parse(v); return }},
	{"LegalEntityId", func(s *stager, v string) error { s.as[0].LegalEntityID = v; return nil }},
	{"AssignmentNumber", func(s *stager, v string) error { s.as[0].AssignmentNumber = v; return nil }},
	{"AssignmentName", func(s *stager, v string) error { s.as[0].AssignmentName = v; return nil }},
	{"AssignmentType", func(s *stager, v string) error { s.as[0].AssignmentType = v; return nil }},
	{"ActionCode", func(s *stager, v string) error { s.as[0].ActionCode = v; return nil }},
	{"GradeId", func(s *stager, v string) error { s.as[0].GradeID = v; return nil }},
	{"ManagerId", func(s *stager, v string) error { s.as[0].ManagerID = v; return nil }},
	{"ManagerAssignmentId", func(s *stager, v string) error { s.as[0].ManagerAssignmentID = v; return nil }},
	{"ManagerType", func(s *stager, v string) error { s.as[0].ManagerType = v; return nil }},
	{"EffectiveEndDate", func(s *stager, v string) (err error) { s.as[0].EffectiveEndDate, err = s.dates.parse(v); return }},
}

func newStager(x *ExtractReader, cfg *extractConfig) *stager {
	s := &stager{x: x, cfg: cfg, seeds: newSeedStore()}
	if s.cfg.asOf.IsZero() {
		s.cfg.asOf = civil.DateOf(time.Now())
	}
	for i, name := range x.header {
		if x.kinds[i] != colExtra {
			continue
		}
		typed := false
		for _, t := range typedColumns {
			if sameName(name, t.name) {
				s.typed = append(s.typed, typedColumn{name, t.set})
				typed = true
				break
			}
		}
		if !typed {
			s.attrNames = append(s.attrNames, name)
		}
	}
	return s
}

// add adds a row to the batch, or returns why the batch refuses it: the
// row is then a bad row.
func (s *stager) add(row *ExtractRow) (*RowError, error) {
	s.as[0] = Assignment{
		AssignmentID:         row.AssignmentID,
		Primary:              row.PrimaryAssignmentFlag.Or(false),
		AssignmentStatusType: row.AssignmentStatusType,
		BusinessUnitID:       row.BusinessUnitID,
		OrganizationID:       row.OrganizationID,
		PositionID:           row.PositionID,
		LocationID:           row.LocationID,
		JobID:                row.JobID,
		EffectiveStartDate:   row.EffectiveStartDate,
		Attributes:           row.Extra,
	}
	s.wrs[0] = WorkRelationship{
		PeriodOfServiceID:     row.PeriodOfServiceID,
		Primary:               row.PrimaryFlag.Or(false),
		PeriodType:            row.PeriodType,
		WorkerType:            row.WorkerType,
		Terminated:            !row.ActualTerminationDate.IsZero() && !row.ActualTerminationDate.After(s.cfg.asOf),
		ActualTerminationDate: row.ActualTerminationDate,
		Assignments:           s.as[:],
	}
	s.p = Person{
		PersonNumber:       row.PersonNumber,
		Name:               row.PersonName,
		WorkEmail:          row.WorkEmail,
		PrimaryPhoneNumber: row.PrimaryPhoneNumber,
		WorkRelationships:  s.wrs[:],
	}
	if len(s.typed) > 0 {
		if bad := s.applyTyped(row); bad != nil {
			return bad, nil
		}
	}
	p := &s.p
	if s.pendRows > 0 && s.pend.PersonNumber != p.PersonNumber {
		if err := s.flush(true); err != nil {
			return nil, err
		}
	}
	// Seed persons that share a key with the row (the row's person, when
	// its rows are not all together, or another) go to the batch, which
	// merges them with the row or says why it cannot.
	hits, clash := s.seeds.hits(p)
	for _, i := range hits {
		sp := s.seeds.take(i)
		if err := s.toBatch(&sp); err != nil {
			return nil, err
		}
	}
	if !s.cfg.noSeeds && !clash && fits(p) && !s.batch.knows(p) {
		return s.wait(row)
	}
	if err := s.flush(false); err != nil {
		return nil, err
	}
	if _, err := s.batch.add(p); err != nil {
		return s.refused(row, err)
	}
	return nil, nil
}

// refused turns the error of a Batch that refuses a row into a bad row.
func (s *stager) refused(row *ExtractRow, err error) (*RowError, error) {
	var le *LoadError
	if !errors.As(err, &le) {
		return nil, err
	}
	col := le.Field
	if col == "Terminated" {
		col = "ActualTerminationDate"
	}
	return &RowError{Line: row.Line, PersonNumber: row.PersonNumber, AssignmentID: row.AssignmentID,
		Problems: []FieldProblem{{Column: col, Reason: le.Msg}}}, nil
}

// wait adds the row, in s.p, to the person whose rows are being read.
func (s *stager) wait(row *ExtractRow) (*RowError, error) {
	if s.pendRows == 0 {
		if err := checkPerson(&s.p); err != nil {
			return s.refused(row, err)
		}
		s.pendAsg = s.as
		s.pendWR = s.wrs
		s.pendWR[0].Assignments = s.pendAsg[:]
		s.pend = s.p
		s.pend.WorkRelationships = s.pendWR[:]
		s.pendRows = 1
		return nil, nil
	}
	if s.pendBatch.Len() == 0 {
		if _, err := s.pendBatch.add(&s.pend); err != nil {
			return nil, wrap("internal error", err)
		}
	}
	if _, err := s.pendBatch.add(&s.p); err != nil {
		return s.refused(row, err)
	}
	s.pendRows++
	return nil, nil
}

// flush hands the person whose rows were being read over to the seed
// store (when toSeeds) or else to the batch. A person that Load would
// refuse on its own goes to the batch, for Load to say why.
func (s *stager) flush(toSeeds bool) error {
	if s.pendRows == 0 {
		return nil
	}
	p, ok := &s.pend, true
	if s.pendBatch.Len() > 0 { // rows merged
		sp := s.pendBatch.persons[s.pend.PersonNumber]
		s.merged = sp.snapshot()
		p = &s.merged
		// What finishExtract derives adds no problem: it makes only a
		// lone work relationship or assignment primary, and terminates
		// only a person with no active work relationship.
		sp.problems(func(string, string, ...any) { ok = false })
		s.pendBatch.reset()
	}
	s.pendRows = 0
	if toSeeds && ok {
		s.seeds.add(p)
		return nil
	}
	return s.toBatch(p)
}

// toBatch adds to the batch a person that shares no key with it.
func (s *stager) toBatch(p *Person) error {
	if _, err := s.batch.add(p); err != nil {
		return wrap(fmt.Sprintf("internal error: person %q refused", p.PersonNumber), err)
	}
	return nil
}

// noFlags reports which of the flag columns (PrimaryFlag,
// PrimaryAssignmentFlag) the extract lacks.
func (s *stager) noFlags() (noWRFlag, noAsgFlag bool) {
	return !s.x.has(colPrimaryFlag), !s.x.has(colPrimaryAssignmentFlag)
}

// applyTyped fills the fields named by extra columns, and leaves the other
// extra columns as the assignment's attributes. A value that does not parse
// makes the row bad.
func (s *stager) applyTyped(row *ExtractRow) *RowError {
	for _, t := range s.typed {
		v := trimValue(row.Extra[t.name])
		if v == "" {
			continue
		}
		if err := t.set(s, v); err != nil {
			return &RowError{Line: row.Line, PersonNumber: row.PersonNumber, AssignmentID: row.AssignmentID,
				Problems: []FieldProblem{{Column: t.name, Reason: err.Error()}}}
		}
	}
	var attrs map[string]string
	if len(s.attrNames) > 0 {
		attrs = make(map[string]string, len(s.attrNames))
		for _, n := range s.attrNames {
			attrs[n] = row.Extra[n]
		}
	}
	s.as[0].Attributes = attrs
	return nil
}

// finish derives, for every person, what no single row says (see
// finishExtract).
func (s *stager) finish() {
	noWRFlag, noAsgFlag := s.noFlags()
	for _, sp := range s.batch.persons {
		sp.finishExtract(noWRFlag, noAsgFlag)
	}
	s.seeds.finish(noWRFlag, noAsgFlag)
}

// finishExtract derives what no single row of an extract says, once all
// of a person's rows are in: its start date, the earliest of its
// assignments'; whether it is terminated (when none of its work
// relationships is active, on the latest of their dates); and, when the
// extract has no PrimaryFlag (PrimaryAssignmentFlag) column, that its only
// work relationship (a work relationship's only assignment) is primary.
func finishExtract(p *Person, noWRFlag, noAsgFlag bool) {
	var start, last Date
	active := false
	for i := range p.WorkRelationships {
		w := &p.WorkRelationships[i]
		if w.Active() {
			active = true
		}
		if w.ActualTerminationDate.After(last) {
			last = w.ActualTerminationDate
		}
		if noAsgFlag && len(w.Assignments) == 1 {
			w.Assignments[0].Primary = true
		}
		for _, a := range w.Assignments {
			if d := a.EffectiveStartDate; start.IsZero() || d.Before(start) {
				start = d
			}
		}
	}
	if p.EffectiveStartDate.IsZero() {
		p.EffectiveStartDate = start
	}
	if !active && len(p.WorkRelationships) > 0 {
		p.Terminated, p.ActualTerminationDate = true, last
	}
	if noWRFlag && len(p.WorkRelationships) == 1 {
		p.WorkRelationships[0].Primary = true
	}
}

// finishExtract does finishExtract on a person's records.
func (sp *person) finishExtract(noWRFlag, noAsgFlag bool) {
	p := sp.snapshot()
	finishExtract(&p, noWRFlag, noAsgFlag)
	sp.p.EffectiveStartDate, sp.p.Terminated, sp.p.ActualTerminationDate = p.EffectiveStartDate, p.Terminated, p.ActualTerminationDate
	for i, w := range sp.wrs {
		w.w.Primary = p.WorkRelationships[i].Primary
		for j, a := range w.asgs {
			a.a.Primary = p.WorkRelationships[i].Assignments[j].Primary
		}
	}
}
