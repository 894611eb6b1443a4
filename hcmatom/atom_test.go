package hcmatom_test

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
)

// oracleFeed is a feed in the shape of Oracle's samples (Oracle Support
// Doc ID 2569866.1, the integration guide): CDATA title, summary and
// content, a related link.
const oracleFeed = `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:app="http://www.w3.org/2007/app">
  <author><name>SEED_DATA_FROM_APPLICATION</name></author>
  <subtitle type="text">NewHire</subtitle>
  <title type="text">New Hire</title>
  <id>urn:uuid:7c2a0f7e-newhire</id>
  <updated>2023-06-30T10:00:00.000Z</updated>
  <link href="https://pod.example.com/hcmRestApi/atomservlet/employee/newhire?page=2" rel="next"/>
  <entry>
    <id>EMP300100589785723</id>
    <title type="text"> <![CDATA[Meyerson, Barbara Hired]]> </title>
    <summary type="text"> <![CDATA[Employee Period of Service Created]]> </summary>
    <author><name>HR_SPECIALIST</name></author>
    <published>2023-06-27T23:54:37.000Z</published>
    <updated>2023-06-29T00:00:00.000Z</updated>
    <link href="https://pod.example.com/hcmCoreApi/resources/latest/emps?q=PersonId=300100589785723&amp;effectiveDate=2023-06-29" rel="related" />
    <!-- a comment -->
    <content type="text"> <![CDATA[{ "Context" : [ { "PersonNumber" : "966169008890206", "PeriodOfServiceId" : "300100589785737" } ] }]]> </content>
  </entry>
  <entry>
    <id>EMP2</id><title type="text">Escaped &amp; &lt;ok&gt; &#65;&#x42;</title>
    <updated>2023-06-29T00:00:00+02:00</updated>
    <content type="text">{ "Context" : [ { "PersonName" : "O&apos;Brien, \&quot;Pat\&quot;" } ] }</content>
  </entry>
</feed>`

func readAll(t *testing.T, r io.Reader) ([]hcmatom.Entry, hcmatom.FeedInfo, error) {
	t.Helper()
	fr := hcmatom.NewFeedReader(r, 0)
	var out []hcmatom.Entry
	for {
		e, err := fr.Next()
		if err == io.EOF {
			return out, fr.Feed(), nil
		}
		if err != nil {
			return out, fr.Feed(), err
		}
		out = append(out, e)
	}
}

func TestFeedReaderReadsOracleShape(t *testing.T) {
	// One byte at a time, to cross every buffer edge.
	entries, feed, err := readAll(t, iotest.OneByteReader(strings.NewReader(oracleFeed)))
	if err != nil {
		t.Fatal(err)
	}
	if feed.Title != "New Hire" || feed.ID != "urn:uuid:7c2a0f7e-newhire" || !feed.Updated.Equal(time.Date(2023, 6, 30, 10, 0, 0, 0, time.UTC)) ||
		feed.Link("next") != "https://pod.example.com/hcmRestApi/atomservlet/employee/newhire?page=2" {
		t.Errorf("feed info %+v", feed)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries", len(entries))
	}
	e := entries[0]
	if e.ID != "EMP300100589785723" || e.Title != "Meyerson, Barbara Hired" || e.Summary != "Employee Period of Service Created" ||
		e.Author != "HR_SPECIALIST" || !e.Published.Equal(time.Date(2023, 6, 27, 23, 54, 37, 0, time.UTC)) ||
		!e.Updated.Equal(time.Date(2023, 6, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("entry %+v", e)
	}
	if want := `{ "Context" : [ { "PersonNumber" : "966169008890206", "PeriodOfServiceId" : "300100589785737" } ] }`; e.Content != want {
		t.Errorf("content %q", e.Content)
	}
	if len(e.Links) != 1 || e.Links[0].Rel != "related" || !strings.HasSuffix(e.Links[0].Href, "PersonId=300100589785723&effectiveDate=2023-06-29") {
		t.Errorf("links %+v", e.Links)
	}
	if !strings.HasPrefix(e.XML, "<entry>") || !strings.HasSuffix(e.XML, "</entry>") || !strings.Contains(e.XML, "<!-- a comment -->") {
		t.Errorf("raw XML %q", e.XML)
	}
	e = entries[1]
	if e.Title != "Escaped & <ok> AB" || e.Content != `{ "Context" : [ { "PersonName" : "O'Brien, \"Pat\"" } ] }` ||
		!e.Updated.Equal(time.Date(2023, 6, 28, 22, 0, 0, 0, time.UTC)) || e.Updated.Location() != time.UTC {
		t.Errorf("escaped entry %+v", e)
	}
}

func TestFeedReaderCDATAAndEscapedContentAreTheSame(t *testing.T) {
	json := `{ "Context" : [ { "X" : "a < b && c > d ]] >" } ] }`
	var esc strings.Builder
	for _, r := range json {
		switch r {
		case '<':
			esc.WriteString("&lt;")
		case '&':
			esc.WriteString("&amp;")
		case '>':
			esc.WriteString("&gt;")
		default:
			esc.WriteRune(r)
		}
	}
	for _, content := range []string{"<![CDATA[" + json + "]]>", esc.String(), "<![CDATA[" + json[:10] + "]]>" + esc.String()[10:]} {
		doc := "<feed><entry><id>1</id><updated>2023-01-01T00:00:00Z</updated><content>" + content + "</content></entry></feed>"
		entries, _, err := readAll(t, strings.NewReader(doc))
		if err != nil || len(entries) != 1 || entries[0].Content != json {
			t.Errorf("%s: %v %+v", content, err, entries)
		}
	}
}

func TestFeedReaderSingleEntryDocument(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?><entry xmlns="http://www.w3.org/2005/Atom"><id>EMP1</id><updated>2023-01-01T00:00:00.000Z</updated></entry>`
	entries, _, err := readAll(t, strings.NewReader(doc))
	if err != nil || len(entries) != 1 || entries[0].ID != "EMP1" {
		t.Errorf("%v %+v", err, entries)
	}
}

func TestFeedReaderRefusesBadDocuments(t *testing.T) {
	entry := "<entry><id>E1</id><updated>2023-01-01T00:00:00Z</updated><content>{}</content></entry>"
	for _, c := range []struct{ name, doc, want string }{
		{"empty", "", "holds no element"},
		{"html", "<html><body>Login</body></html>", "root element is <html>, not <feed>"},
		{"doctype", `<!DOCTYPE feed [<!ENTITY x "y">]><feed/>`, "document type declaration"},
		{"cut short", "<feed>" + entry[:40], "cut short"},
		{"cut in a tag", "<feed>" + entry[:25], "ends inside a start tag"},
		{"unclosed root", "<feed>" + entry, "before the root element is closed"},
		{"mismatched", "<feed><entry><id>E1</id></feed>", "end tag </feed> does not match <entry>"},
		{"no id", "<feed><entry><updated>2023-01-01T00:00:00Z</updated></entry></feed>", "entry 1: the entry has no <id>"},
		{"no updated", "<feed><entry><id>E7</id></entry></feed>", `entry "E7": the entry has no <updated>`},
		{"bad updated", "<feed><entry><id>E7</id><updated>yesterday</updated></entry></feed>", `entry "E7": <updated>: "yesterday" is not an RFC 3339 timestamp`},
		{"two ids", "<feed><entry><id>E7</id><id>E8</id></entry></feed>", "a second <id>"},
		{"element in content", "<feed><entry><id>E7</id><content><div>x</div></content></entry></feed>", `entry "E7": element <div> inside <content>`},
		{"unknown entity", "<feed><title>&nbsp;</title></feed>", "unknown reference &nbsp;"},
		{"bare ampersand", "<feed><entry><id>A & B</id></entry></feed>", "does not start a reference"},
		{"invalid UTF-8", "<feed><title>caf\xe9</title></feed>", "invalid UTF-8"},
		{"latin-1", `<?xml version="1.0" encoding="ISO-8859-1"?><feed/>`, "encoded in ISO-8859-1"},
		{"text after root", "<feed></feed>junk", "text outside the root element"},
		{"element after root", "<feed></feed><feed></feed>", "after the end of the root element"},
		{"deep", "<feed>" + strings.Repeat("<a>", 100), "deeper than 64"},
		{"bad name", "<feed><1x/></feed>", "bad element name"},
	} {
		_, _, err := readAll(t, strings.NewReader(c.doc))
		var fe *hcmatom.FeedError
		if err == nil || !errors.As(err, &fe) || !errors.Is(err, hcmatom.ErrBadFeed) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want a FeedError containing %q", c.name, err, c.want)
		}
	}
}

func TestFeedReaderSizeBound(t *testing.T) {
	doc := "<feed>" + strings.Repeat("<entry><id>1</id><updated>2023-01-01T00:00:00Z</updated></entry>", 100) + "</feed>"
	fr := hcmatom.NewFeedReader(strings.NewReader(doc), 1000)
	var err error
	n := 0
	for err == nil {
		_, err = fr.Next()
		n++
	}
	if err == io.EOF || !strings.Contains(err.Error(), "larger than the limit of 1000 bytes") {
		t.Errorf("after %d entries: %v", n, err)
	}
	// The error sticks.
	if _, err2 := fr.Next(); err2 != err {
		t.Errorf("second call: %v", err2)
	}
}

func TestFeedReaderPassesReadErrorsThrough(t *testing.T) {
	boom := errors.New("connection reset")
	_, _, err := readAll(t, io.MultiReader(strings.NewReader("<feed><entry>"), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
}
