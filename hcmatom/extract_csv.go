package hcmatom

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/internal/opt"
)

// Errors of the extract reader, for errors.Is.
var (
	// ErrBadExtract: the extract cannot be read as a whole: no header,
	// a required column missing, a column twice, a quoted field never
	// closed, a row longer than the limit, a UTF-16 file.
	ErrBadExtract = errors.New("hcmatom: bad extract")
	// ErrBadRow: one row is wrong; the *RowError says where and why.
	ErrBadRow = errors.New("hcmatom: bad extract row")
	// ErrTooManyBadRows: more rows were wrong than WithMaxBadRows
	// allows; the error also wraps the *RowError of the last one.
	ErrTooManyBadRows = errors.New("hcmatom: too many bad rows in the extract")
)

// ExtractRow is one row of the initial-sync extract: one assignment of one
// work relationship of one person. The integration guide ("Overview" and "Data
// Structure") names the columns; they are found by name in the header, in
// any order, ignoring case, spaces and underscores (PeriodOfServiceId,
// PeriodOfServiceID and PERIOD_OF_SERVICE_ID are one column). Values of the
// known columns are trimmed of surrounding white space; extra columns are
// kept as they are.
type ExtractRow struct {
	// Line is the line of the file on which the row starts (the header is
	// line 1; a quoted value may span several lines).
	Line int

	PersonNumber       string // the person's stable key (PersonId varies across environments)
	PeriodOfServiceID  string // the work relationship
	AssignmentID       string // the assignment
	PersonName         string // "Last, First" as HCM writes it
	WorkEmail          string
	PrimaryPhoneNumber string
	WorkerType         string // EMP, CWK, PWK, ... (not checked)
	BusinessUnitID     string
	OrganizationID     string
	PositionID         string
	LocationID         string
	JobID              string
	EffectiveStartDate Date // required

	// Read when their columns are present; a column absent and a value
	// left empty are both "not given".
	PrimaryFlag           Opt[bool] // primary work relationship (Y/N)
	PrimaryAssignmentFlag Opt[bool] // primary assignment of its work relationship (Y/N)
	AssignmentStatusType  string    // ACTIVE, INACTIVE, SUSPENDED, ... (not checked)
	PeriodType            string    // E, C, N, P (not checked)
	ActualTerminationDate Date      // zero when empty or absent

	// Extra holds the columns this package does not know, by header name
	// as written; nil when the extract has none.
	Extra map[string]string
}

// RowError reports a bad row: where it is, whose it is when that could be
// read, and every problem found in it.
type RowError struct {
	Line         int            `json:"line"`
	PersonNumber string         `json:"personNumber,omitempty"` // empty when it could not be read
	AssignmentID string         `json:"assignmentId,omitempty"` // empty when it could not be read
	Problems     []FieldProblem `json:"problems"`
}

// FieldProblem is one problem of a row. Column is the header name of the
// column at fault, empty when the row as a whole is wrong.
type FieldProblem struct {
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

func (e *RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hcmatom: extract line %d", e.Line)
	switch {
	case e.PersonNumber != "" && e.AssignmentID != "":
		fmt.Fprintf(&b, " (PersonNumber %s, AssignmentId %s)", e.PersonNumber, e.AssignmentID)
	case e.PersonNumber != "":
		fmt.Fprintf(&b, " (PersonNumber %s)", e.PersonNumber)
	}
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if p.Column != "" {
			b.WriteString(p.Column)
			b.WriteString(": ")
		}
		b.WriteString(p.Reason)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrBadRow) true for a *RowError.
func (e *RowError) Is(target error) bool { return target == ErrBadRow }

// tooManyBadRows ends a read when bad rows pass the limit.
type tooManyBadRows struct {
	max  int
	last *RowError
}

func (e *tooManyBadRows) Error() string {
	if e.max == 0 {
		return e.last.Error()
	}
	return fmt.Sprintf("hcmatom: more than %d bad rows in the extract, the last: %v", e.max, e.last)
}

func (e *tooManyBadRows) Unwrap() []error { return []error{ErrTooManyBadRows, e.last} }

// ExtractOption configures reading (and loading) an extract.
type ExtractOption func(*extractConfig) error

type extractConfig struct {
	maxBadRows  int
	maxRowBytes int
	progress    func(rows int) // LoadExtract
	asOf        Date           // LoadExtract
	noSeeds     bool           // LoadExtract: no seed store, every person in the Batch (for tests)
}

const (
	defaultMaxRowBytes = 1 << 20
	maxMaxRowBytes     = 64 << 20
)

func newExtractConfig(opts []ExtractOption) (*extractConfig, error) {
	c := &extractConfig{maxRowBytes: defaultMaxRowBytes}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// WithMaxBadRows sets how many bad rows are tolerated. With 0, the default,
// the first bad row ends the read with an error. With n > 0, each bad row is
// reported (as a *RowError from the iterator, and in the load summary) and
// reading goes on; the (n+1)th ends the read with an error that wraps
// ErrTooManyBadRows. A bad row is never skipped without being reported.
func WithMaxBadRows(n int) ExtractOption {
	return func(c *extractConfig) error {
		if n < 0 {
			return fmt.Errorf("hcmatom: WithMaxBadRows(%d): must not be negative", n)
		}
		c.maxBadRows = n
		return nil
	}
}

// WithMaxRowBytes bounds the size of one row (1 MiB by default, at most
// 64 MiB). A longer row, typically a quote never closed, ends the read with
// ErrBadExtract.
func WithMaxRowBytes(n int) ExtractOption {
	return func(c *extractConfig) error {
		if n < 1024 || n > maxMaxRowBytes {
			return fmt.Errorf("hcmatom: WithMaxRowBytes(%d): must be between 1 KiB and 64 MiB", n)
		}
		c.maxRowBytes = n
		return nil
	}
}

// The columns of the extract. The first thirteen are those of the seed's
// example extract and must be in the header; the others are read when
// present.
const (
	colPersonNumber = iota
	colPeriodOfServiceID
	colAssignmentID
	colPersonName
	colWorkEmail
	colPrimaryPhoneNumber
	colWorkerType
	colBusinessUnitID
	colOrganizationID
	colPositionID
	colLocationID
	colJobID
	colEffectiveStartDate
	colPrimaryFlag
	colPrimaryAssignmentFlag
	colAssignmentStatusType
	colPeriodType
	colActualTerminationDate
	numColumns
	requiredColumns = colEffectiveStartDate + 1

	colExtra   = -1 // a column this package does not know
	colUnnamed = -2 // a column with an empty name (a trailing comma)
)

// extractColumns lists the columns the reader knows, as the seed spells
// them; the first thirteen are required in the header.
var extractColumns = [numColumns]string{
	"PersonNumber", "PeriodOfServiceId", "AssignmentId", "PersonName", "WorkEmail",
	"PrimaryPhoneNumber", "WorkerType", "BusinessUnitId", "OrganizationId", "PositionId",
	"LocationId", "JobId", "EffectiveStartDate",
	"PrimaryFlag", "PrimaryAssignmentFlag", "AssignmentStatusType", "PeriodType", "ActualTerminationDate",
}

// ExtractReader reads the rows of a decrypted extract (RFC 4180 CSV in
// UTF-8, optionally with a byte-order mark) as a stream: memory does not
// grow with the file. It is not safe for concurrent use.
type ExtractReader struct {
	cfg    *extractConfig
	p      csvParser
	header []string
	kinds  []int // per column: one of the col* constants, colExtra or colUnnamed
	extras int
	bad    []*RowError
	rows   int
	err    error // sticky: io.EOF at the end, or the error that ended the read

	dates dateCache
}

// NewExtractReader reads and checks the header of the extract in r. The
// rows are read by ranging over Rows.
func NewExtractReader(r io.Reader, opts ...ExtractOption) (*ExtractReader, error) {
	cfg, err := newExtractConfig(opts)
	if err != nil {
		return nil, err
	}
	return newExtractReader(r, cfg)
}

func newExtractReader(r io.Reader, cfg *extractConfig) (*ExtractReader, error) {
	x := &ExtractReader{cfg: cfg}
	x.p.init(r, cfg.maxRowBytes)
	if err := x.readHeader(); err != nil {
		if errors.Is(err, ErrBadExtract) {
			err = x.drain(err)
		}
		return nil, err
	}
	return x, nil
}

// Header returns the column names as the header writes them.
func (x *ExtractReader) Header() []string { return append([]string(nil), x.header...) }

// BadRows returns the bad rows reported so far.
func (x *ExtractReader) BadRows() []*RowError { return append([]*RowError(nil), x.bad...) }

// RowsRead returns the number of good rows yielded so far.
func (x *ExtractReader) RowsRead() int { return x.rows }

// Rows returns the rows that follow the header, in file order. A good row
// comes with a nil error. A bad row comes with its *RowError (the ExtractRow
// then holds only Line) and reading goes on, unless it is one more than
// WithMaxBadRows allows: then the error also wraps ErrTooManyBadRows and
// the sequence ends. Any other error (the file is not well-formed CSV, or
// reading r failed, for example a decryption check) ends the sequence.
//
// When r decrypts an OpenPGP message, its rows are not authenticated until
// the sequence has ended without error: stage them, commit at the end.
//
// Rows reads from where the last iteration stopped.
func (x *ExtractReader) Rows() iter.Seq2[ExtractRow, error] {
	return func(yield func(ExtractRow, error) bool) {
		for x.err == nil {
			row, bad, err := x.nextRow()
			if err != nil {
				x.err = x.fatal(err)
				if err != io.EOF {
					yield(ExtractRow{}, x.err)
				}
				return
			}
			if bad == nil {
				x.rows++
				if !yield(row, nil) {
					return
				}
				continue
			}
			if err := x.reportBad(bad); err != nil {
				yield(ExtractRow{Line: bad.Line}, err)
				return
			}
			if !yield(ExtractRow{Line: bad.Line}, bad) {
				return
			}
		}
	}
}

// nextRow parses the next row: a good one, or a bad one with its
// *RowError, or else the error that ends the read (io.EOF at the end). It
// neither counts bad rows nor reads on after an error: that is for
// reportBad and fatal.
func (x *ExtractReader) nextRow() (ExtractRow, *RowError, error) {
	start, err := x.p.next()
	if err == nil {
		row, bad := x.build(start)
		return row, bad, nil
	}
	var rec *badRecord
	if !errors.As(err, &rec) {
		return ExtractRow{}, nil, err
	}
	col := fmt.Sprintf("column %d", rec.field+1)
	if rec.field < len(x.header) && x.header[rec.field] != "" {
		col = x.header[rec.field]
	}
	bad := &RowError{Line: start, Problems: []FieldProblem{{Column: col, Reason: rec.reason}}}
	x.identify(bad)
	return ExtractRow{Line: start}, bad, nil
}

// fatal returns the error that ends the read for an error of nextRow,
// draining the input first when the extract is bad (see drain).
func (x *ExtractReader) fatal(err error) error {
	if errors.Is(err, ErrBadExtract) {
		return x.drain(err)
	}
	return err
}

// reportBad counts a bad row, found by the reader or by its user (a row
// the roster refuses), and returns the error that ends the read when there
// is one more than WithMaxBadRows allows.
func (x *ExtractReader) reportBad(e *RowError) error {
	if !x.countBad(e) {
		return nil
	}
	return x.tooMany(e)
}

// countBad counts a bad row and reports whether it is one too many.
func (x *ExtractReader) countBad(e *RowError) bool {
	x.bad = append(x.bad, e)
	return len(x.bad) > x.cfg.maxBadRows
}

// tooMany ends the read after the bad row e, one too many.
func (x *ExtractReader) tooMany(e *RowError) error {
	x.err = x.drain(&tooManyBadRows{max: x.cfg.maxBadRows, last: e})
	return x.err
}

// has reports whether the header has the known column col.
func (x *ExtractReader) has(col int) bool { return x.columnIndex(col) >= 0 }

// drain reads the rest of the input after the extract turned out bad. When
// the input is a decrypting Plaintext, its integrity or signature check runs
// only at the end, and a damaged message often shows first as bad rows:
// the damage is then the error to report, the rows only its symptom.
func (x *ExtractReader) drain(err error) error {
	if _, derr := io.Copy(io.Discard, x.p.br); derr != nil {
		return fmt.Errorf("hcmatom: reading the extract: %w (it also showed as: %s)", derr, unprefixed(err))
	}
	return err
}

func (x *ExtractReader) readHeader() error {
	if err := x.p.skipBOM(); err != nil {
		return err
	}
	_, err := x.p.next()
	if err == io.EOF {
		return fmt.Errorf("%w: the file is empty (no header line)", ErrBadExtract)
	}
	var bad *badRecord
	if errors.As(err, &bad) {
		return fmt.Errorf("%w: header line, field %d: %s", ErrBadExtract, bad.field+1, bad.reason)
	}
	if err != nil {
		return err
	}
	if !utf8.Valid(x.p.rec) {
		return fmt.Errorf("%w: header line is not valid UTF-8", ErrBadExtract)
	}
	n := x.p.fields()
	x.header = make([]string, n)
	x.kinds = make([]int, n)
	seen := make(map[string]int, n)
	var problems []string
	for i := range n {
		name := strings.TrimSpace(string(x.p.field(i)))
		x.header[i] = name
		if name == "" {
			x.kinds[i] = colUnnamed
			continue
		}
		k, key := colExtra, name // extras are told apart by their exact name
		for c, known := range extractColumns {
			if sameName(name, known) {
				k, key = c, known
				break
			}
		}
		x.kinds[i] = k
		if k == colExtra {
			x.extras++
		}
		if j, dup := seen[key]; dup {
			problems = append(problems, fmt.Sprintf("column %q appears twice (columns %d and %d)", name, j+1, i+1))
		}
		seen[key] = i
	}
	var missing []string
	for c := range requiredColumns {
		if _, ok := seen[extractColumns[c]]; !ok {
			missing = append(missing, extractColumns[c])
		}
	}
	if len(missing) > 0 {
		problems = append([]string{"missing column(s) " + strings.Join(missing, ", ")}, problems...)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: header line: %s", ErrBadExtract, strings.Join(problems, "; "))
	}
	return nil
}

// build turns the record just parsed into a row, or a RowError naming every
// problem in it.
func (x *ExtractReader) build(line int) (ExtractRow, *RowError) {
	row := ExtractRow{Line: line}
	n := x.p.fields()
	if n != len(x.header) {
		e := &RowError{Line: line, Problems: []FieldProblem{{Reason: fmt.Sprintf("has %d fields, the header has %d", n, len(x.header))}}}
		x.identify(e)
		return row, e
	}
	var problems []FieldProblem
	if !utf8.Valid(x.p.rec) {
		for i := range n {
			if f := x.p.field(i); !utf8.Valid(f) {
				problems = append(problems, FieldProblem{x.header[i], fmt.Sprintf("not valid UTF-8 (from byte %d of the value)", firstInvalid(f)+1)})
			}
		}
	}
	// One string per row; every value is a slice of it.
	s := string(x.p.rec)
	if x.extras > 0 {
		row.Extra = make(map[string]string, x.extras)
	}
	for i := range n {
		v := s[x.p.starts[i]:x.p.ends[i]]
		k := x.kinds[i]
		switch k {
		case colExtra:
			row.Extra[x.header[i]] = v
			continue
		case colUnnamed:
			if v != "" {
				problems = append(problems, FieldProblem{fmt.Sprintf("column %d", i+1), "has a value but no name in the header"})
			}
			continue
		}
		v = trimValue(v)
		var err error
		switch k {
		case colPersonNumber:
			row.PersonNumber = v
		case colPeriodOfServiceID:
			row.PeriodOfServiceID = v
		case colAssignmentID:
			row.AssignmentID = v
		case colPersonName:
			row.PersonName = v
		case colWorkEmail:
			row.WorkEmail = v
		case colPrimaryPhoneNumber:
			row.PrimaryPhoneNumber = v
		case colWorkerType:
			row.WorkerType = v
		case colBusinessUnitID:
			row.BusinessUnitID = v
		case colOrganizationID:
			row.OrganizationID = v
		case colPositionID:
			row.PositionID = v
		case colLocationID:
			row.LocationID = v
		case colJobID:
			row.JobID = v
		case colEffectiveStartDate:
			if v == "" {
				err = errors.New("is empty")
			} else {
				row.EffectiveStartDate, err = x.dates.parse(v)
			}
		case colPrimaryFlag:
			row.PrimaryFlag, err = parseYN(v)
		case colPrimaryAssignmentFlag:
			row.PrimaryAssignmentFlag, err = parseYN(v)
		case colAssignmentStatusType:
			row.AssignmentStatusType = v
		case colPeriodType:
			row.PeriodType = v
		case colActualTerminationDate:
			if v != "" {
				row.ActualTerminationDate, err = x.dates.parse(v)
			}
		}
		if err != nil {
			problems = append(problems, FieldProblem{x.header[i], err.Error()})
		}
	}
	for _, c := range [...]struct {
		v   string
		col int
	}{{row.PersonNumber, colPersonNumber}, {row.PeriodOfServiceID, colPeriodOfServiceID}, {row.AssignmentID, colAssignmentID}} {
		if c.v == "" {
			problems = append(problems, FieldProblem{x.header[x.columnIndex(c.col)], "is empty"})
		}
	}
	if len(problems) > 0 {
		return ExtractRow{Line: line}, &RowError{Line: line, PersonNumber: row.PersonNumber, AssignmentID: row.AssignmentID, Problems: problems}
	}
	return row, nil
}

// identify fills in the keys of a bad row from the fields parsed, when
// their columns could be found.
func (x *ExtractReader) identify(e *RowError) {
	for i := 0; i < x.p.fields() && i < len(x.kinds); i++ {
		v := strings.TrimSpace(string(x.p.field(i)))
		if !utf8.ValidString(v) || len(v) > 64 {
			continue
		}
		switch x.kinds[i] {
		case colPersonNumber:
			e.PersonNumber = v
		case colAssignmentID:
			e.AssignmentID = v
		}
	}
}

func (x *ExtractReader) columnIndex(col int) int {
	for i, k := range x.kinds {
		if k == col {
			return i
		}
	}
	return -1
}

// dateCache parses YYYY-MM-DD values, fast for well-formed ones, and
// remembers the last: an extract repeats its dates a lot.
type dateCache struct {
	last string
	d    Date
}

func (c *dateCache) parse(v string) (Date, error) {
	if v == c.last {
		return c.d, nil
	}
	d, ok := fastISODate(v)
	if !ok {
		return civil.ParseISO(v) // the slow way, for its error message
	}
	c.last, c.d = v, d
	return d, nil
}

// fastISODate parses a valid YYYY-MM-DD date without the time package; it
// reports false for anything else, which civil.ParseISO then explains.
func fastISODate(v string) (Date, bool) {
	if len(v) != 10 || v[4] != '-' || v[7] != '-' {
		return Date{}, false
	}
	num := func(s string) (int, bool) {
		n := 0
		for i := 0; i < len(s); i++ {
			c := s[i] - '0'
			if c > 9 {
				return 0, false
			}
			n = n*10 + int(c)
		}
		return n, true
	}
	y, ok1 := num(v[:4])
	m, ok2 := num(v[5:7])
	d, ok3 := num(v[8:])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 {
		return Date{}, false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	if d > days {
		return Date{}, false
	}
	return Date{Year: y, Month: time.Month(m), Day: d}, true
}

// trimValue is strings.TrimSpace, cheaper for the usual value that has no
// space to trim.
func trimValue(v string) string {
	if v == "" || !maybeSpace(v[0]) && !maybeSpace(v[len(v)-1]) {
		return v
	}
	return strings.TrimSpace(v)
}

func maybeSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' || c >= 0x80
}

func parseYN(v string) (Opt[bool], error) {
	switch v {
	case "":
		return Opt[bool]{}, nil
	case "Y", "y":
		return opt.Of(true), nil
	case "N", "n":
		return opt.Of(false), nil
	}
	return Opt[bool]{}, fmt.Errorf("%s is not Y or N", strconv.Quote(v))
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(b)
}

// csvParser splits RFC 4180 CSV into records, one at a time, reusing its
// buffers: a record's unquoted bytes are in buf, field i ending at ends[i].
// Quoted fields may hold commas, doubled quotes and line breaks (CRLF inside
// a quoted field becomes LF); records end with LF or CRLF; blank lines are
// skipped.
type csvParser struct {
	br      *bufio.Reader
	max     int
	line    int    // physical lines consumed
	rec     []byte // the record: a line read, or buf when it had quotes
	starts  []int  // field i is rec[starts[i]:ends[i]]
	ends    []int
	buf     []byte // unquoted content of a record with quotes
	scratch []byte
}

// badRecord is a record whose quoting is wrong but whose end is known:
// the row is bad, the file can be read on.
type badRecord struct {
	field  int // 0-based
	reason string
}

func (b *badRecord) Error() string { return b.reason }

func (p *csvParser) init(r io.Reader, max int) {
	p.br = bufio.NewReaderSize(r, 64<<10)
	p.max = max
}

func (p *csvParser) fields() int { return len(p.ends) }

func (p *csvParser) field(i int) []byte { return p.rec[p.starts[i]:p.ends[i]] }

func (p *csvParser) skipBOM() error {
	head, err := p.br.Peek(3)
	if err != nil && err != io.EOF {
		return err
	}
	switch {
	case bytes.HasPrefix(head, []byte("\xEF\xBB\xBF")):
		_, err = p.br.Discard(3)
		return err
	case bytes.HasPrefix(head, []byte("\xFF\xFE")), bytes.HasPrefix(head, []byte("\xFE\xFF")):
		return fmt.Errorf("%w: the file is UTF-16; export it as UTF-8", ErrBadExtract)
	}
	return nil
}

// readLine returns the next physical line without its line ending. The
// slice is valid until the next call.
func (p *csvParser) readLine() ([]byte, error) {
	line, err := p.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		p.scratch = append(p.scratch[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(p.scratch) > p.max {
				return nil, p.tooLong(p.line + 1)
			}
			line, err = p.br.ReadSlice('\n')
			p.scratch = append(p.scratch, line...)
		}
		line = p.scratch
	}
	if err != nil && (err != io.EOF || len(line) == 0) {
		return nil, err
	}
	p.line++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

func (p *csvParser) readErr(err error) error {
	if p.line == 0 {
		return fmt.Errorf("hcmatom: reading the extract: %w", err)
	}
	return fmt.Errorf("hcmatom: reading the extract after line %d: %w", p.line, err)
}

func (p *csvParser) tooLong(line int) error {
	return fmt.Errorf("%w: the row starting on line %d is longer than %d bytes (a quote never closed?)", ErrBadExtract, line, p.max)
}

// next parses the next record and returns the line it starts on. It
// returns io.EOF at the end, a *badRecord for a record with a quoting
// error, or an error wrapping ErrBadExtract (or the reader's error) when
// the file cannot be read on.
func (p *csvParser) next() (int, error) {
	p.starts, p.ends = p.starts[:0], p.ends[:0]
	var line []byte
	for {
		l, err := p.readLine()
		if err != nil {
			if err != io.EOF {
				err = p.readErr(err)
			}
			return 0, err
		}
		if len(l) > 0 {
			line = l
			break
		}
	}
	start := p.line
	if len(line) > p.max {
		return start, p.tooLong(start)
	}
	if p.splitInPlace(line) {
		p.rec = line
		return start, nil
	}
	p.starts, p.ends = p.starts[:0], p.ends[:0]
	p.buf = p.buf[:0]
	var bad *badRecord
	for {
		p.starts = append(p.starts, len(p.buf))
		if len(line) > 0 && line[0] == '"' {
			line = line[1:]
			for {
				i := bytes.IndexByte(line, '"')
				if i < 0 {
					// The quoted field goes on on the next line.
					p.buf = append(p.buf, line...)
					p.buf = append(p.buf, '\n')
					if len(p.buf) > p.max {
						return start, p.tooLong(start)
					}
					l, err := p.readLine()
					if err == io.EOF {
						return start, fmt.Errorf("%w: the quoted value opened on line %d is never closed", ErrBadExtract, start)
					}
					if err != nil {
						return start, p.readErr(err)
					}
					line = l
					continue
				}
				p.buf = append(p.buf, line[:i]...)
				line = line[i+1:]
				if len(line) > 0 && line[0] == '"' { // a doubled quote
					p.buf = append(p.buf, '"')
					line = line[1:]
					continue
				}
				break
			}
			p.ends = append(p.ends, len(p.buf))
			switch {
			case len(line) == 0:
				return p.done(start, bad)
			case line[0] == ',':
				line = line[1:]
				continue
			default:
				// Text after the closing quote: the record ends
				// with the line, but it is not what was meant.
				if bad == nil {
					bad = &badRecord{len(p.ends) - 1, "text after the closing quote"}
				}
				p.buf = append(p.buf, line...)
				p.ends[len(p.ends)-1] = len(p.buf)
				return p.done(start, bad)
			}
		}
		i := bytes.IndexByte(line, ',')
		field := line
		if i >= 0 {
			field = line[:i]
		}
		if bad == nil && bytes.IndexByte(field, '"') >= 0 {
			bad = &badRecord{len(p.ends), "a quote inside a value that does not start with one"}
		}
		p.buf = append(p.buf, field...)
		p.ends = append(p.ends, len(p.buf))
		if len(p.buf) > p.max {
			return start, p.tooLong(start)
		}
		if i < 0 {
			return p.done(start, bad)
		}
		line = line[i+1:]
	}
}

// splitInPlace splits the usual record: one line whose quoted fields hold
// no doubled quote and no line break, so that every field is a slice of the
// line. It reports false for any other line, which the general path then
// parses (and reports, if its quoting is wrong).
func (p *csvParser) splitInPlace(line []byte) bool {
	nextQuote := func(from int) int {
		if q := bytes.IndexByte(line[from:], '"'); q >= 0 {
			return from + q
		}
		return len(line)
	}
	q := nextQuote(0)
	off := 0
	for {
		if off < len(line) && line[off] == '"' {
			j := bytes.IndexByte(line[off+1:], '"')
			if j < 0 {
				return false // the value goes on on the next line
			}
			end := off + 1 + j
			if end+1 < len(line) && line[end+1] != ',' {
				return false // a doubled quote, or text after the quote
			}
			p.starts = append(p.starts, off+1)
			p.ends = append(p.ends, end)
			if end+1 >= len(line) {
				return true
			}
			off = end + 2
			q = nextQuote(off)
			continue
		}
		end := len(line)
		if i := bytes.IndexByte(line[off:], ','); i >= 0 {
			end = off + i
		}
		if q < end {
			return false // a quote inside an unquoted value
		}
		p.starts = append(p.starts, off)
		p.ends = append(p.ends, end)
		if end == len(line) {
			return true
		}
		off = end + 1
	}
}

func (p *csvParser) done(start int, bad *badRecord) (int, error) {
	p.rec = p.buf
	if len(p.buf) > p.max {
		return start, p.tooLong(start)
	}
	if bad != nil {
		return start, bad
	}
	return start, nil
}
