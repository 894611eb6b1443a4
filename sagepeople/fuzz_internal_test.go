package sagepeople

import (
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzJSONRecord: any bytes as a query record give a TeamMember or an
// error, never a panic; a record read must carry its Id.
func FuzzJSONRecord(f *testing.F) {
	f.Add([]byte(`{"attributes":{"type":"fHCM2__Team_Member__c","url":"/x"},"Id":"a0T1","SystemModstamp":"2024-01-02T03:04:05.000+0000","IsDeleted":false,"Name":"A\u00e9","fHCM2__Current_Employment__r":null,"fHCM2__Manager__c":null,"fHCM2__Manager__r":null}`))
	f.Add([]byte(`{"Id":"a0T1","fHCM2__Current_Employment__r":{"attributes":{},"Name":"E","fHCM2__Active__c":true,"fHCM2__Start_Date__c":"2024-01-01","fHCM2__End_Date__c":null},"x":[1,{"y":[]}],"n":-1.5e3}`))
	f.Add([]byte(`{"Id":"a\"b","Name":"\ud800"}`))
	f.Add([]byte(`{`))
	cols := DefaultFields().columns([]string{"Badge__c"})
	d := newDecoder(cols)
	f.Fuzz(func(t *testing.T, rec []byte) {
		m, err := d.record(rec, 0)
		if err != nil {
			if !errors.Is(err, ErrBadRecord) {
				t.Fatalf("error %v is not ErrBadRecord", err)
			}
			return
		}
		if m.ID == "" {
			t.Fatal("a member without an Id")
		}
	})
}

// FuzzCSVResults: any Bulk CSV gives members, bad rows reported, or an
// error for the set, never a panic or an endless loop.
func FuzzCSVResults(f *testing.F) {
	f.Add("Id,SystemModstamp,IsDeleted,Name\na0T1,2024-01-02T03:04:05.000Z,false,\"A, \"\"B\"\"\nC\"\n")
	f.Add("Id,SystemModstamp,IsDeleted,Name\na0T1,2024-01-02T03:04:05.000Z,false\n\"unterminated\n")
	f.Add("\ufeffID,systemmodstamp,ISDELETED,name,Extra\n,,,,\n")
	d := newDecoder(Fields{FullName: "Name"}.columns(nil))
	f.Fuzz(func(t *testing.T, body string) {
		r, err := newCSVReader(d, strings.NewReader(body))
		if err != nil {
			return
		}
		for n := 0; ; n++ {
			if n > len(body)+1 {
				t.Fatal("more rows than bytes")
			}
			m, err := r.next()
			if err == io.EOF {
				return
			}
			var re *RecordError
			if err != nil && !errors.As(err, &re) {
				return
			}
			if err == nil && m.ID == "" {
				t.Fatal("a member without an Id")
			}
		}
	})
}

// FuzzSOQLLiteral: a string literal always stays one literal: the quoted
// text, read back by SOQL's escape rules, is the input.
func FuzzSOQLLiteral(f *testing.F) {
	for _, s := range []string{"", "O'Brien", `x' OR Name != 'y`, "\\'", "a\nb\tc\"", "50%_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Eq("Name", s)
		if !utf8.ValidString(s) {
			if c.Err() == nil {
				t.Fatalf("%q is not UTF-8 and was accepted", s)
			}
			return
		}
		lit, ok := strings.CutPrefix(c.String(), "Name = ")
		if !ok || len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
			t.Fatalf("%q gave %q", s, c)
		}
		var b strings.Builder
		body := lit[1 : len(lit)-1]
		for i := 0; i < len(body); i++ {
			switch ch := body[i]; {
			case ch == '\'':
				t.Fatalf("%q: an unescaped quote in %q", s, lit)
			case ch == '\\':
				i++
				if i == len(body) {
					t.Fatalf("%q: a lone backslash ends %q", s, lit)
				}
				b.WriteByte(map[byte]byte{'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'f': '\f'}[body[i]] | orSelf(body[i]))
			default:
				b.WriteByte(ch)
			}
		}
		if b.String() != s {
			t.Fatalf("%q read back as %q", s, b.String())
		}
	})
}

// orSelf returns c for the escapes that stand for themselves, else 0.
func orSelf(c byte) byte {
	if strings.IndexByte(`\'"`, c) >= 0 {
		return c
	}
	return 0
}

// FuzzQueryPage: any bytes as a REST query answer give a page whose
// records are each one JSON object, or an error, never a panic.
func FuzzQueryPage(f *testing.F) {
	f.Add([]byte(`{"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v67.0/query/01g-2","records":[{"Id":"a"},{"Id":"b","x":{"y":[1,"}"]}}]}`))
	f.Add([]byte(`{"totalSize":0,"done":true,"records":[]}`))
	f.Add([]byte(`{"records":[{]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		qa, err := readPage(body)
		if err != nil {
			return
		}
		for _, r := range qa.Records {
			if len(r) < 2 || r[0] != '{' || r[len(r)-1] != '}' {
				t.Fatalf("record %q is not an object", r)
			}
		}
	})
}
