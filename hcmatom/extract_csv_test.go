package hcmatom_test

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/hrbridge/hrbridge/hcmatom"
)

// The plaintext of the gpg test vectors (internal/pgp/testdata).
const sampleExtract = "../internal/pgp/testdata/extract.csv"

const seedHeader = "PersonNumber,PeriodOfServiceId,AssignmentId,PersonName,WorkEmail,PrimaryPhoneNumber,WorkerType,BusinessUnitId,OrganizationId,PositionId,LocationId,JobId,EffectiveStartDate"

// The seed's first example row (Joe Green, before his e-mail is set).
const seedRow = `966169008890736,300100591016284,300100591078074,"Green, Joe",,650-849-5931,EMP,300100032736497,300100037658514,300100037658162,300100037658196,300100037637824,2023-08-01`

type readResult struct {
	rows []hcmatom.ExtractRow
	bad  []*hcmatom.RowError
	err  error // the error that ended the sequence, if any
}

func readExtract(t *testing.T, r io.Reader, opts ...hcmatom.ExtractOption) readResult {
	t.Helper()
	x, err := hcmatom.NewExtractReader(r, opts...)
	if err != nil {
		return readResult{err: err}
	}
	var res readResult
	for row, err := range x.Rows() {
		var re *hcmatom.RowError
		switch {
		case err == nil:
			res.rows = append(res.rows, row)
		case errors.Is(err, hcmatom.ErrTooManyBadRows) || !errors.As(err, &re):
			res.err = err
		default:
			if row.Line != re.Line {
				t.Errorf("bad row: ExtractRow.Line %d, RowError.Line %d", row.Line, re.Line)
			}
			res.bad = append(res.bad, re)
		}
	}
	if len(res.bad) != len(x.BadRows()) && res.err == nil {
		t.Errorf("BadRows() has %d, the iterator reported %d", len(x.BadRows()), len(res.bad))
	}
	if x.RowsRead() != len(res.rows) {
		t.Errorf("RowsRead() = %d, yielded %d", x.RowsRead(), len(res.rows))
	}
	return res
}

func TestExtractReaderSample(t *testing.T) {
	f, err := os.Open(sampleExtract)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := readExtract(t, f)
	if res.err != nil || len(res.bad) != 0 {
		t.Fatalf("err %v, bad %v", res.err, res.bad)
	}
	if len(res.rows) != 7 {
		t.Fatalf("%d rows, want 7", len(res.rows))
	}
	joe := res.rows[0]
	if joe.Line != 2 || joe.PersonNumber != "966169008890736" || joe.PeriodOfServiceID != "300100591016284" ||
		joe.AssignmentID != "300100591078074" || joe.PersonName != "Green, Joe" || joe.WorkEmail != "joe.green@mail.com" ||
		joe.PrimaryPhoneNumber != "650-849-5931" || joe.WorkerType != "EMP" || joe.BusinessUnitID != "300100032736497" ||
		joe.OrganizationID != "300100037658514" || joe.PositionID != "300100037658162" || joe.LocationID != "300100037658196" ||
		joe.JobID != "300100037637824" || joe.EffectiveStartDate.String() != "2023-08-01" ||
		joe.PrimaryFlag.Or(false) != true || joe.PrimaryAssignmentFlag.Or(false) != true ||
		joe.AssignmentStatusType != "ACTIVE" || joe.PeriodType != "E" || !joe.ActualTerminationDate.IsZero() {
		t.Errorf("Joe: %+v", joe)
	}
	if joe.Extra["OfficeAddress"] != "1 Main St\nSuite 2" || joe.Extra["DepartmentName"] != "Sales" || len(joe.Extra) != 2 {
		t.Errorf("Joe's extra columns: %q", joe.Extra)
	}
	// Joe's address spans lines 2 and 3: Mary starts on line 4.
	if res.rows[1].Line != 4 || res.rows[2].Line != 5 {
		t.Errorf("lines %d, %d", res.rows[1].Line, res.rows[2].Line)
	}
	if f, ok := res.rows[2].PrimaryAssignmentFlag.Get(); !ok || f {
		t.Errorf("Mary's second assignment: PrimaryAssignmentFlag %v", res.rows[2].PrimaryAssignmentFlag)
	}
	barbara := res.rows[3]
	if barbara.ActualTerminationDate.String() != "2022-12-31" || barbara.PrimaryFlag.Or(true) != false || barbara.PositionID != "" {
		t.Errorf("Barbara's ended relationship: %+v", barbara)
	}
	if res.rows[5].PersonName != `O'Brien, "Pat"` || res.rows[5].PeriodType != "P" {
		t.Errorf("Pat: %+v", res.rows[5])
	}
	if res.rows[6].PersonName != "Müller, Jürgen" || res.rows[6].Extra["OfficeAddress"] != "Friedrichstraße 1, Berlin" {
		t.Errorf("Jürgen: %+v", res.rows[6])
	}
}

func TestExtractReaderHeader(t *testing.T) {
	// Any order, any case, underscores and spaces; LF endings; no optional
	// columns; a trailing comma; no newline at the end.
	in := "JOB_ID,Effective Start Date,assignmentid,PeriodOfServiceID,PersonNumber,PersonName,WorkEmail,PrimaryPhoneNumber,WorkerType,BusinessUnitId,OrganizationId,PositionId,LocationId,\n" +
		"J1,2024-02-29,A1,P1,N1,\"Doe, Jane\",,,EMP,,,,,"
	res := readExtract(t, strings.NewReader(in))
	if res.err != nil || len(res.rows) != 1 {
		t.Fatalf("%+v", res)
	}
	r := res.rows[0]
	if r.JobID != "J1" || r.AssignmentID != "A1" || r.PeriodOfServiceID != "P1" || r.PersonNumber != "N1" ||
		r.EffectiveStartDate.String() != "2024-02-29" || r.PrimaryFlag.IsSet() || r.Extra != nil {
		t.Errorf("%+v", r)
	}

	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "empty"},
		{"BOM only", "\xEF\xBB\xBF", "empty"},
		{"UTF-16", "\xFF\xFEP\x00", "UTF-16"},
		{"missing", "PersonNumber,AssignmentId,Foo\n", "missing column(s) PeriodOfServiceId, PersonName, WorkEmail, PrimaryPhoneNumber, WorkerType, BusinessUnitId, OrganizationId, PositionId, LocationId, JobId, EffectiveStartDate"},
		{"duplicate", seedHeader + ",PERSON_NUMBER\n", `column "PERSON_NUMBER" appears twice (columns 1 and 14)`},
		{"duplicate extra", seedHeader + ",X,X\n", `column "X" appears twice (columns 14 and 15)`},
		{"bad UTF-8", seedHeader + ",\xFFx\n", "not valid UTF-8"},
		{"quote never closed", seedHeader + ",\"x\n", "never closed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := hcmatom.NewExtractReader(strings.NewReader(tc.in))
			if !errors.Is(err, hcmatom.ErrBadExtract) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrBadExtract with %q", err, tc.want)
			}
		})
	}
}

func TestExtractReaderBadRows(t *testing.T) {
	const h = seedHeader + ",PrimaryFlag,ActualTerminationDate,Note,\r\n"
	good := "1,S1,A1,\"Green, Joe\",,,EMP,,,,,,2023-08-01,Y,,ok,\r\n"
	tests := []struct {
		name   string
		row    string
		column string // the column named by the first problem
		reason string
	}{
		{"field count", "1,S1,A1\r\n", "", "has 3 fields, the header has 17"},
		{"date", "1,S1,A1,n,,,EMP,,,,,,2023-13-01,Y,,,\r\n", "EffectiveStartDate", `date "2023-13-01" is not in the layout YYYY-MM-DD`},
		{"no date", "1,S1,A1,n,,,EMP,,,,,,,Y,,,\r\n", "EffectiveStartDate", "is empty"},
		{"termination date", "1,S1,A1,n,,,EMP,,,,,,2023-08-01,Y,31/12/2023,,\r\n", "ActualTerminationDate", "not in the layout"},
		{"flag", "1,S1,A1,n,,,EMP,,,,,,2023-08-01,Yes,,,\r\n", "PrimaryFlag", `"Yes" is not Y or N`},
		{"no person", " ,S1,A1,n,,,EMP,,,,,,2023-08-01,Y,,,\r\n", "PersonNumber", "is empty"},
		{"no assignment", "1,S1,,n,,,EMP,,,,,,2023-08-01,Y,,,\r\n", "AssignmentId", "is empty"},
		{"UTF-8", "1,S1,A1,G\xE9rard,,,EMP,,,,,,2023-08-01,Y,,,\r\n", "PersonName", "not valid UTF-8 (from byte 2 of the value)"},
		{"unnamed column", "1,S1,A1,n,,,EMP,,,,,,2023-08-01,Y,,,x\r\n", "column 17", "has a value but no name"},
		{"text after quote", "1,S1,A1,\"Green\" Joe,,,EMP,,,,,,2023-08-01,Y,,,\r\n", "PersonName", "text after the closing quote"},
		{"bare quote", "1,S1,A1,Green \"Joe\",,,EMP,,,,,,2023-08-01,Y,,,\r\n", "PersonName", "a quote inside a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Fail fast (the default): the good row before is read,
			// the bad one ends the read.
			res := readExtract(t, strings.NewReader(h+good+tt.row+good))
			var re *hcmatom.RowError
			if !errors.Is(res.err, hcmatom.ErrTooManyBadRows) || !errors.Is(res.err, hcmatom.ErrBadRow) || !errors.As(res.err, &re) {
				t.Fatalf("err = %v", res.err)
			}
			if len(res.rows) != 1 || re.Line != 3 || re.Problems[0].Column != tt.column || !strings.Contains(re.Problems[0].Reason, tt.reason) {
				t.Fatalf("rows %d, %+v", len(res.rows), re)
			}
			t.Log(res.err)
			if !strings.Contains(res.err.Error(), "line 3") {
				t.Errorf("error %q does not give the line", res.err)
			}
			// Collecting: reported, and the next row is read.
			res = readExtract(t, strings.NewReader(h+good+tt.row+good), hcmatom.WithMaxBadRows(1))
			if res.err != nil || len(res.rows) != 2 || len(res.bad) != 1 || res.bad[0].Line != 3 {
				t.Fatalf("collecting: %+v", res)
			}
		})
	}
}

func TestExtractReaderCollectsUpToN(t *testing.T) {
	const h = seedHeader + "\n"
	good := seedRow + "\n"
	bad := "1,S1,A1,n,,,EMP,,,,,,someday\n"
	in := h + good + bad + good + bad + good + bad + good
	res := readExtract(t, strings.NewReader(in), hcmatom.WithMaxBadRows(3))
	if res.err != nil || len(res.rows) != 4 || len(res.bad) != 3 {
		t.Fatalf("max 3: %+v", res)
	}
	for i, want := range []int{3, 5, 7} {
		if res.bad[i].Line != want || res.bad[i].PersonNumber != "1" || res.bad[i].AssignmentID != "A1" {
			t.Errorf("bad row %d: %+v", i, res.bad[i])
		}
	}
	res = readExtract(t, strings.NewReader(in), hcmatom.WithMaxBadRows(2))
	if !errors.Is(res.err, hcmatom.ErrTooManyBadRows) || len(res.bad) != 2 || len(res.rows) != 3 {
		t.Fatalf("max 2: %+v", res)
	}
	if !strings.Contains(res.err.Error(), "more than 2 bad rows") || !strings.Contains(res.err.Error(), "line 7") {
		t.Errorf("error: %v", res.err)
	}
}

func TestExtractReaderStructure(t *testing.T) {
	h := seedHeader + "\n"
	// Blank lines are skipped but counted; a quoted value can hold CRLF.
	in := h + "\n\r\n" + strings.Replace(seedRow, `"Green, Joe"`, "\"Green,\r\n\"\"Joe\"\"\"", 1) + "\n\n" + seedRow
	res := readExtract(t, strings.NewReader(in))
	if res.err != nil || len(res.rows) != 2 {
		t.Fatalf("%+v", res)
	}
	if res.rows[0].Line != 4 || res.rows[0].PersonName != "Green,\n\"Joe\"" || res.rows[1].Line != 7 {
		t.Errorf("rows: line %d %q, line %d", res.rows[0].Line, res.rows[0].PersonName, res.rows[1].Line)
	}

	// A quote never closed is fatal, with the line it opened on.
	res = readExtract(t, strings.NewReader(h+seedRow+"\n"+`1,"S1,A1`+"\nmore\n"))
	if !errors.Is(res.err, hcmatom.ErrBadExtract) || !strings.Contains(res.err.Error(), "line 3") || len(res.rows) != 1 {
		t.Fatalf("unclosed quote: %+v", res)
	}

	// A row longer than the limit is fatal, quoted or not.
	long := strings.Repeat("x", 5000)
	for _, row := range []string{"1,S1,A1," + long, `1,S1,A1,"` + long + "\n" + long + `"`} {
		res = readExtract(t, strings.NewReader(h+row+"\n"), hcmatom.WithMaxRowBytes(4096))
		if !errors.Is(res.err, hcmatom.ErrBadExtract) || !strings.Contains(res.err.Error(), "longer than 4096 bytes") {
			t.Errorf("long row: %v", res.err)
		}
	}
	// A line longer than the read buffer is fine under the limit.
	big := strings.Replace(seedRow, "Green, Joe", strings.Repeat("G", 200<<10), 1)
	res = readExtract(t, strings.NewReader(h+big+"\n"+seedRow))
	if res.err != nil || len(res.rows) != 2 || len(res.rows[0].PersonName) != 200<<10 {
		t.Errorf("long line: %v", res.err)
	}

	// The reader's own error ends the sequence and is kept.
	boom := errors.New("disk on fire")
	res = readExtract(t, io.MultiReader(strings.NewReader(h+seedRow+"\n"), iotest.ErrReader(boom)))
	if !errors.Is(res.err, boom) || len(res.rows) != 1 {
		t.Errorf("reader error: %+v", res)
	}
}

func TestExtractReaderRowsResumes(t *testing.T) {
	x, err := hcmatom.NewExtractReader(strings.NewReader(seedHeader + "\n" + seedRow + "\n" + seedRow + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	for range x.Rows() {
		break
	}
	n := 0
	for _, err := range x.Rows() {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 || x.RowsRead() != 2 {
		t.Errorf("second range read %d rows, %d in all", n, x.RowsRead())
	}
}

func TestExtractOptionsValidate(t *testing.T) {
	for _, o := range []hcmatom.ExtractOption{hcmatom.WithMaxBadRows(-1), hcmatom.WithMaxRowBytes(10), hcmatom.WithMaxRowBytes(1 << 30)} {
		if _, err := hcmatom.NewExtractReader(strings.NewReader(seedHeader), o); err == nil || errors.Is(err, hcmatom.ErrBadExtract) {
			t.Errorf("option accepted or misreported: %v", err)
		}
	}
}
