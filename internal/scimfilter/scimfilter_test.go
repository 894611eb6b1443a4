package scimfilter

import (
	"strings"
	"testing"
)

func TestParsePrintRoundTrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`userName eq "Joe.Green"`, `userName eq "Joe.Green"`},
		{`personNumber eq "1" or personNumber eq "2" or personNumber eq "3"`, `personNumber eq "1" or personNumber eq "2" or personNumber eq "3"`},
		{`title pr and active EQ true`, `title pr and active eq true`},
		{`(a eq 1 or b eq 2) and c ne null`, `(a eq 1 or b eq 2) and c ne null`},
		{`a eq 1 or b eq 2 and c eq 3`, `a eq 1 or b eq 2 and c eq 3`},
		{`NOT (a sw "x")`, `not (a sw "x")`},
		{`emails[type eq "W" and value co "@"]`, `emails[type eq "W" and value co "@"]`},
		{`urn:scim:schemas:extension:fa:2.0:faUser:workerInformation.personNumber eq "9"`, `urn:scim:schemas:extension:fa:2.0:faUser:workerInformation.personNumber eq "9"`},
		{`meta.lastModified gt "2023-07-01 00:00:00.000"`, `meta.lastModified gt "2023-07-01 00:00:00.000"`},
		{`a eq "quote \" back \\ nl \n"`, `a eq "quote \" back \\ nl \n"`},
		{`a eq "\u0041"`, `a eq "A"`},
		{`n ge -1.5e3`, `n ge -1.5e3`},
	} {
		x, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got := x.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParsePrecedence(t *testing.T) {
	x, err := Parse(`a eq 1 or b eq 2 and c eq 3`)
	if err != nil {
		t.Fatal(err)
	}
	l, ok := x.(*Logical)
	if !ok || l.Op != Or {
		t.Fatalf("top is %T %v, want or", x, x)
	}
	if r, ok := l.Right.(*Logical); !ok || r.Op != And {
		t.Fatalf("right of or is %v, want the and", l.Right)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		``, `   `, `userType eq Employee`, `a eq`, `a`, `a xx "b"`, `a eq "b`, `(a pr`, `a pr)`,
		`not a pr`, `a eq "b" or`, `1a eq "b"`, `a..b eq 1`, `a.b.c eq 1`, `foo:a eq 1`,
		`emails[type eq "W"`, `emails[x[y pr]]`, `a eq 01`, `a eq 1.`, `a eq "\x"`, `a eq "` + "\x01" + `"`,
		"a eq \"\xff\"", `a pr b pr`, `name.givenName[x pr]`,
		strings.Repeat("(", MaxDepth+1) + "a pr" + strings.Repeat(")", MaxDepth+1),
		strings.Repeat("a", MaxLen+1),
	} {
		if x, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, x)
		}
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:          `"plain"`,
		`" or 1 eq 1`:    `"\" or 1 eq 1"`,
		`back\slash`:     `"back\\slash"`,
		"tab\tnl\ncr\r":  `"tab\tnl\ncr\r"`,
		"nul\x00del\x7f": `"nul\u0000del\u007f"`,
		"é ü 日本":         `"é ü 日本"`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzParse checks that the parser never panics, and that what it accepts
// prints to a filter it reads back to the same expression.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`userName eq "Joe.Green"`, `a eq 1 or b eq 2 and not (c pr)`, `emails[type eq "W"]`,
		`personNumber eq "\" or 1 eq 1"`, `x gt -1.5E+3`, `(((a pr)))`, `a eq "\ud83d\ude00"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := Parse(s)
		if err != nil {
			return
		}
		printed := x.String()
		y, err := Parse(printed)
		if err != nil {
			t.Fatalf("Parse(%q) printed %q, which does not parse: %v", s, printed, err)
		}
		if again := y.String(); again != printed {
			t.Fatalf("round trip of %q: %q then %q", s, printed, again)
		}
	})
}
