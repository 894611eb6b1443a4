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
			return errors.New("hrbridge: hcmatom: WithAsOf: zero time")
		}
		c.asOf = civil.DateOf(t)
		return nil
	}
}

const progressEvery = 10_000

// LoadExtract reads the initial-sync extract in src (steps 3 to 5 of the
// seed document's "Initial Sync": import, decrypt, load), decrypting it
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
// with the file beyond the persons loaded: decryption runs a few buffers
// ahead of the parsing, in a goroutine of its own.
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
	st.finish()
	sum.Rows = rows
	sum.Persons = len(st.batch.persons) + st.seeds.live
	sum.WorkRelationships = len(st.batch.byPOS) + st.seeds.live
	sum.Assignments = len(st.batch.byAsg) + st.seeds.live
	sum.BadRows = x.BadRows()
	if pt != nil {
		info := pt.Info()
		sum.Decryption = &info
	}
	r.mu.Lock()
	err = r.load(&st.batch, st.seeds)
	r.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("hrbridge: hcmatom: the extract conflicts with the roster, nothing loaded: %w", err)
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

// stager turns rows into the Batch that LoadExtract hands to Load.
type stager struct {
	x     *ExtractReader
	cfg   *extractConfig
	batch Batch
	// One person, work relationship and assignment, reused for every
	// row: Batch.Add copies what it keeps.
	p   Person
	wrs [1]WorkRelationship
	as  [1]Assignment
	// Persons with an ended work relationship, for finish.
	ended []string
	// Extra columns that name a field of the roster's records (PersonId,
	// ManagerId, ...); the other extra columns become attributes.
	typed     []typedColumn
	attrNames []string
	dates     dateCache // apart from the reader's, which parses in a goroutine of its own
	// The persons of one row so far (most of them), kept compact.
	seeds *seedStore
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
	if !s.cfg.noSeeds && fits(&s.p) && !s.batch.knows(&s.p) && checkPerson(&s.p) == nil && s.seeds.add(&s.p) {
		return nil, nil
	}
	// The row goes to the batch, and so do the seed persons it shares a
	// key with: the batch merges them, or says why it cannot.
	for _, i := range s.seeds.hits(&s.p) {
		p := s.seeds.take(i)
		if err := s.toBatch(&p); err != nil {
			return nil, fmt.Errorf("hrbridge: hcmatom: internal error: seed person %q refused: %w", p.PersonNumber, err)
		}
	}
	err := s.toBatch(&s.p)
	if err == nil {
		return nil, nil
	}
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

// toBatch adds p, a row's person, to the batch. The person's start date is
// the earliest of its rows'.
func (s *stager) toBatch(p *Person) error {
	sp, err := s.batch.add(p)
	if err != nil {
		return err
	}
	w := &p.WorkRelationships[0]
	if d := w.Assignments[0].EffectiveStartDate; sp.p.EffectiveStartDate.IsZero() || d.Before(sp.p.EffectiveStartDate) {
		sp.p.EffectiveStartDate = d
	}
	if w.Terminated {
		s.ended = append(s.ended, p.PersonNumber)
	}
	return nil
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

// finish derives what no single row says: whether a person is
// terminated, and primaries when the extract has no flag columns. It visits
// only the persons it must.
func (s *stager) finish() {
	for _, pn := range s.ended {
		sp := s.batch.persons[pn]
		var last Date
		active := false
		for _, w := range sp.wrs {
			if w.w.Active() {
				active = true
				break
			}
			if w.w.ActualTerminationDate.After(last) {
				last = w.w.ActualTerminationDate
			}
		}
		if !active {
			sp.p.Terminated, sp.p.ActualTerminationDate = true, last
		}
	}
	noWRFlag, noAsgFlag := !s.x.has(colPrimaryFlag), !s.x.has(colPrimaryAssignmentFlag)
	s.seeds.finish(noWRFlag, noAsgFlag)
	if !noWRFlag && !noAsgFlag {
		return
	}
	for _, sp := range s.batch.persons {
		if noWRFlag && len(sp.wrs) == 1 {
			sp.wrs[0].w.Primary = true
		}
		for _, w := range sp.wrs {
			if noAsgFlag && len(w.asgs) == 1 {
				w.asgs[0].a.Primary = true
			}
		}
	}
}
