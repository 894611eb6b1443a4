package hcmatom

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// refFeed reads a feed with encoding/xml, as a reference for FeedReader.
type refFeed struct {
	XMLName xml.Name
	Entries []struct {
		ID      []string `xml:"id"`
		Title   []string `xml:"title"`
		Summary []string `xml:"summary"`
		Updated []string `xml:"updated"`
		Content []string `xml:"content"`
	} `xml:"entry"`
}

func xmlTrim(s string) string { return strings.Trim(s, " \t\r\n") }

func fuzzFeedSeeds(f *testing.F) {
	f.Add([]byte(`<?xml version='1.0' encoding='UTF-8'?><feed xmlns="http://www.w3.org/2005/Atom"><title type="text">New Hire</title>` +
		`<link href="https://h/x?page=2" rel="next"/><entry><id>EMP1</id><title type="text"> <![CDATA[Meyerson, Barbara Hired]]> </title>` +
		`<updated>2023-06-29T00:00:00.000Z</updated><published>2023-06-27T23:54:37.000Z</published><author><name>HR</name></author>` +
		`<link href="https://h/workers/1" rel="related"/><content type="text"><![CDATA[{ "Context" : [ { "PersonNumber" : "1" } ] }]]></content></entry></feed>`))
	f.Add([]byte(`<feed><entry><id>a&amp;b</id><updated>2023-01-01T00:00:00+02:00</updated><content>{&quot;Context&quot;:[]}</content></entry>` +
		`<!-- c --><?pi x?><entry><id>2</id><updated>2023-01-01T00:00:00Z</updated><title>x<![CDATA[ <y> ]]>&#x41;&#66;</title></entry></feed>`))
	f.Add([]byte("<a:feed xmlns:a=\"http://www.w3.org/2005/Atom\"><a:entry><a:id>1</a:id><a:updated>2023-01-01T00:00:00Z</a:updated>" +
		"<a:summary>line\r\nbreak</a:summary></a:entry></a:feed>"))
	f.Add([]byte(`<entry><id>EMP1</id><updated>2023-01-01T00:00:00Z</updated></entry>`))
	f.Add([]byte(`<feed><entry><id>1</id></entry>`))
	f.Add([]byte(`<!DOCTYPE x><feed/>`))
}

// FuzzFeedReader checks that the reader never panics, and that what it
// reads from a document encoding/xml also reads is what encoding/xml reads.
func FuzzFeedReader(f *testing.F) {
	fuzzFeedSeeds(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		fr := NewFeedReader(bytes.NewReader(doc), 1<<20)
		var got []Entry
		var err error
		for {
			var e Entry
			if e, err = fr.Next(); err != nil {
				break
			}
			got = append(got, e)
			if !strings.HasPrefix(e.XML, "<") || !strings.HasSuffix(e.XML, ">") || e.ID == "" || e.Updated.IsZero() {
				t.Fatalf("entry %+v", e)
			}
		}
		if err != io.EOF {
			if _, ok := err.(*FeedError); !ok {
				t.Fatalf("error %T %v is not a FeedError", err, err)
			}
			return
		}
		var ref refFeed
		if xml.Unmarshal(doc, &ref) != nil {
			return // encoding/xml is stricter here (a character XML forbids, say)
		}
		if ref.XMLName.Local == "entry" {
			return // a single-entry document: encoding/xml reads it differently
		}
		if len(ref.Entries) != len(got) {
			t.Fatalf("encoding/xml reads %d entries, FeedReader %d", len(ref.Entries), len(got))
		}
		for i, r := range ref.Entries {
			g := got[i]
			one := func(name, want string, vs []string) {
				if len(vs) == 0 && want != "" || len(vs) > 0 && xmlTrim(vs[0]) != want {
					t.Fatalf("entry %d %s: encoding/xml %q, FeedReader %q", i, name, vs, want)
				}
			}
			one("id", g.ID, r.ID)
			one("title", g.Title, r.Title)
			one("summary", g.Summary, r.Summary)
			one("content", g.Content, r.Content)
			if u, err := time.Parse(time.RFC3339Nano, xmlTrim(r.Updated[0])); err != nil || !u.Equal(g.Updated) {
				t.Fatalf("entry %d updated: %q vs %v", i, r.Updated, g.Updated)
			}
		}
	})
}

func fuzzContentSeeds(f *testing.F) {
	for _, s := range []string{
		`{ "Context" : [ { "PeriodOfServiceId" : "300100589792532", "PersonName" : "Gainsboro, Jennifer", "PersonNumber" : "966169008890210", "PrimaryPhoneNumber" : "", "PersonNumber" : "300100589792517", "PeriodType" : "P", "WorkerType" : "PWK", "DMLOperation" : "INSERT", "EffectiveStartDate" : "2023-06-29", "EffectiveDate" : "2023-06-29" } ], "Changed Attributes" : [ { "PersonNumber" : "300100589792517" }, { "DateStart" : "2023-06-29" } ] }`,
		`{ "Context" : [ { "AssignmentId" : "300100591078074", "PersonNumber" : "966169008890236", "DMLOperation" : "UPDATE", "EffectiveDate" : "2023-06-30" } ], "Changed Attributes" : [ { "ActionCode" : { "old" : "HIRE", "new" : "PROMOTION" } }, { "OrganizationId" : { "Old" : null, "New" : "300100037658514" } } ], "FlexFields" : [ { "FlexFieldCode" : "PER_ASG_LEG_DDF", "ContextCode" : null, "Changed Attributes" : [ { "x" : "N" } ] } ] }`,
		`{"Context":[{"a":"\u00e9\ud83d\ude00\n\"","b":-1.5e10,"c":true,"d":null,"e":{"f":[1,{}]}}]}`,
		`{"Context":[]}`, `[]`, `{"Context":[{"a":"\ud800"}]}`, `{"Context":[{"a":1}],}`, ``,
	} {
		f.Add(s)
	}
}

// FuzzDecodeContent checks that decoding content never panics, refuses
// what is not JSON, and reads the Context as encoding/json does.
func FuzzDecodeContent(f *testing.F) {
	fuzzContentSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []Collection{NewHireFeed, AssignmentFeed, CancelWorkRelationshipFeed, PayrollFeed, JobsFeed} {
			ev, err := Decode(c, Entry{ID: "E", Content: s, Updated: time.Unix(0, 0)})
			if err != nil {
				if _, ok := err.(*EntryError); !ok {
					t.Fatalf("error %T is not an EntryError", err)
				}
				if ev != nil {
					t.Fatal("an event with an error")
				}
			}
		}
		ct, err := decodeContent(s, false)
		if !json.Valid([]byte(s)) {
			if err == nil {
				t.Fatalf("invalid JSON accepted: %q", s)
			}
			return
		}
		if err != nil {
			return // valid JSON, but not shaped as Oracle's content
		}
		var ref map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &ref) != nil {
			t.Fatalf("decoded, but encoding/json cannot read it as an object")
		}
		var contexts []map[string]any
		n := 0
		for k, v := range ref {
			if sameName(k, "Context") {
				n++
				json.Unmarshal(v, &contexts)
			}
		}
		if n != 1 || len(contexts) != 1 || len(ct.dupes) > 0 || bytes.Count([]byte(s), []byte(`"`)) > 400 {
			return // duplicates resolve differently; keep the comparison simple
		}
		for k := range contexts[0] {
			for k2 := range contexts[0] {
				if k != k2 && sameName(k, k2) {
					return
				}
			}
		}
		if len(ct.context) != len(contexts[0]) {
			t.Fatalf("Context has %d attributes, encoding/json reads %d", len(ct.context), len(contexts[0]))
		}
		for _, a := range ct.context {
			want, ok := contexts[0][a.Name]
			if !ok {
				t.Fatalf("attribute %q not in encoding/json's reading", a.Name)
			}
			switch w := want.(type) {
			case nil:
				if !a.Null {
					t.Fatalf("%q: null read as %q", a.Name, a.Value)
				}
			case string:
				if a.Value != w || a.Null {
					t.Fatalf("%q: %q, encoding/json %q", a.Name, a.Value, w)
				}
			case float64:
				if v, err := strconv.ParseFloat(a.Value, 64); err != nil && !isRange(err) || err == nil && v != w {
					t.Fatalf("%q: %q, encoding/json %v", a.Name, a.Value, w)
				}
			case bool:
				if a.Value != strconv.FormatBool(w) {
					t.Fatalf("%q: %q, encoding/json %v", a.Name, a.Value, w)
				}
			default:
				var v any
				if err := json.Unmarshal([]byte(a.Value), &v); err != nil || !reflect.DeepEqual(v, w) {
					t.Fatalf("%q: %q, encoding/json %v", a.Name, a.Value, w)
				}
			}
		}
	})
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
