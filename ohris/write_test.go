package ohris_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/ohris"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func date(s string) ohris.Date {
	d, err := civil.ParseISO(s)
	if err != nil {
		panic(err)
	}
	return d
}

// seedUsers are the two users of the source document's example, as typed
// values.
func seedUsers() []ohris.User {
	return []ohris.User{
		{
			EmployeeNumber: "1007",
			LastName:       "DUPONT",
			FirstName:      "CORINE",
			Gender:         ohris.Female,
			Login:          "cdupont",
			Email:          ohris.Some("corine.dupont@mail.fr"),
			ContractType:   "CDD",
			Group:          "Apprenti",
			Company:        "SOC-A",
			Services: []ohris.Service{
				{LongName: "DIRECTION GENERALE", Code: "DG"},
				{LongName: "SECRETARIAT", Code: "SEC"},
			},
			ContractStart: date("2022-01-01"),
			ContractEnd:   ohris.Some(ohris.Date{}),
			Manager:       ohris.Some("pmartin"),
			Cycle:         "100% lundi au vendredi",
			CycleStart:    date("2022-01-01"),
			Holidays:      "France",
			Modules:       []ohris.Module{ohris.Absence},
			Children:      ohris.Some([]ohris.Date{date("2006-08-17"), date("2010-04-08")}),
		},
		{
			EmployeeNumber: "1009",
			LastName:       "MARTIN",
			FirstName:      "PATRICK",
			Gender:         ohris.Male,
			Login:          "pmartin",
			Email:          ohris.Some("patrick.martin@mail.fr"),
			ContractType:   "CDI",
			Group:          "Cadre",
			Company:        "SOC-B",
			Services: []ohris.Service{
				{LongName: "DIRECTION GENERALE", Code: "DG"},
				{LongName: "DIRECTION FINANCIERE", Code: "DF"},
			},
			ContractStart: date("2010-05-09"),
			ContractEnd:   ohris.Some(ohris.Date{}),
			Manager:       ohris.Some(""),
			Cycle:         "100% lundi au vendredi",
			CycleStart:    date("2010-05-09"),
			Holidays:      "France",
			Modules:       []ohris.Module{ohris.Absence, ohris.Activity},
			Children:      ohris.Some([]ohris.Date{date("1995-11-17")}),
		},
	}
}

func writeAll(t testing.TB, users []ohris.User) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := ohris.NewWriter(&buf)
	for _, u := range users {
		if err := w.Write(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readAll(t testing.TB, r io.Reader) []ohris.User {
	t.Helper()
	var out []ohris.User
	for u, err := range ohris.NewReader(r).Users() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
	return out
}

// item is one piece of an XML document that carries meaning: an element
// start or end, or text that is not only white space between elements.
type item struct {
	kind, name, text string
}

// items returns the elements and text of an XML document in order, the
// form in which two documents that differ only by indentation are equal.
func items(t *testing.T, doc []byte) []item {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out []item
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			out = append(out, item{kind: "start", name: tok.Name.Local})
		case xml.EndElement:
			out = append(out, item{kind: "end", name: tok.Name.Local})
		case xml.CharData:
			if s := string(tok); strings.TrimSpace(s) != "" {
				out = append(out, item{kind: "text", text: s})
			}
		case xml.ProcInst:
			out = append(out, item{kind: "procinst", name: tok.Target})
		}
	}
}

// The source document's example, produced from typed values, has the same
// elements, in the same order, with the same text, as the document's own;
// only the indentation, which the document's example does not keep regular,
// and the explicit encoding in the declaration differ.
func TestWriteSeedExample(t *testing.T) {
	got := writeAll(t, seedUsers())
	seed, err := os.ReadFile("testdata/seed-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	gi, si := items(t, got), items(t, seed)
	if !reflect.DeepEqual(gi, si) {
		for i := range min(len(gi), len(si)) {
			if gi[i] != si[i] {
				t.Fatalf("item %d: wrote %+v, the document has %+v", i, gi[i], si[i])
			}
		}
		t.Fatalf("wrote %d items, the document has %d", len(gi), len(si))
	}
	if !utf8.Valid(got) || !bytes.HasPrefix(got, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n")) {
		t.Errorf("not declared as UTF-8:\n%s", got)
	}
	golden := "testdata/seed-example.golden.xml"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n%s", golden, got)
	}
}

func TestReadSeedExample(t *testing.T) {
	f, err := os.Open("testdata/seed-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := readAll(t, f)
	if want := seedUsers(); !reflect.DeepEqual(got, want) {
		t.Errorf("read\n%+v\nwant\n%+v", got, want)
	}
}

// Values that need escaping, a carriage return, characters outside ASCII
// and optional attributes not given survive a write and a read.
func TestRoundTrip(t *testing.T) {
	users := seedUsers()
	users[0].LastName = `O'Brien & <Fils> "aîné" ]]>`
	users[0].FirstName = "Zoë\r\nÅsa\tß 日本"
	users[1].Email = ohris.Opt[string]{}
	users[1].Manager = ohris.Opt[string]{}
	users[1].ContractEnd = ohris.Some(date("2030-12-31"))
	users[1].Children = ohris.Some([]ohris.Date{})
	users[1].Cycle, users[1].CycleStart, users[1].Holidays = "", ohris.Date{}, ""
	out := writeAll(t, users)
	got := readAll(t, bytes.NewReader(out))
	if !reflect.DeepEqual(got, users) {
		t.Errorf("round trip\n%+v\nwant\n%+v\nfile:\n%s", got, users, out)
	}
	if strings.Count(string(out), "<adresseMail>") != 1 || strings.Count(string(out), "<responsable>") != 1 {
		t.Errorf("an attribute not given was written:\n%s", out)
	}
}

func TestWriterRefusesInvalidUser(t *testing.T) {
	var buf bytes.Buffer
	w := ohris.NewWriter(&buf)
	u := seedUsers()[0]
	u.Gender = "f"
	err := w.Write(u)
	var ve *ohris.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, ohris.ErrInvalid) {
		t.Fatalf("Write(invalid) = %v", err)
	}
	if p := ve.Report.Problems[0]; p.Field != "genre" || p.Index != 1 || p.EmployeeNumber != "1007" {
		t.Errorf("problem = %+v", p)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, &buf); len(got) != 0 {
		t.Errorf("the invalid user was written: %+v", got)
	}
	if err := w.Write(seedUsers()[1]); err == nil {
		t.Error("Write after Close succeeded")
	}
}

// failingWriter fails after n bytes.
type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		n := f.n
		f.n = 0
		return n, errors.New("disk full")
	}
	f.n -= len(p)
	return len(p), nil
}

func TestWriterStickyError(t *testing.T) {
	w := ohris.NewWriter(&failingWriter{n: 100})
	var err error
	for i := 0; i < 200 && err == nil; i++ {
		err = w.Write(seedUsers()[0])
	}
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v", err)
	}
	if err2 := w.Write(seedUsers()[0]); err2 != err {
		t.Errorf("second error %v, want the first again", err2)
	}
	if err3 := w.Close(); err3 != err {
		t.Errorf("Close = %v, want the first error", err3)
	}
}

func TestEmptyFile(t *testing.T) {
	out := writeAll(t, nil)
	if got := readAll(t, bytes.NewReader(out)); len(got) != 0 {
		t.Errorf("users in an empty file: %v", got)
	}
	if !bytes.Contains(out, []byte("<utilisateurs>\n</utilisateurs>")) {
		t.Errorf("empty file = %q", out)
	}
}

// The writer's memory does not grow with the number of users: after the
// first user, writing one allocates nothing.
func TestWriterAllocatesNothingPerUser(t *testing.T) {
	w := ohris.NewWriter(io.Discard)
	u := seedUsers()[0]
	if err := w.Write(u); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(1000, func() { w.Write(u) }); n != 0 {
		t.Errorf("%v allocations per user", n)
	}
}
