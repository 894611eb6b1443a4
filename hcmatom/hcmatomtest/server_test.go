package hcmatomtest_test

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

var t0 = time.Date(2023, 6, 29, 8, 0, 0, 0, time.UTC)

// get sends a raw request, as any feed client would.
func get(t *testing.T, s *hcmatomtest.Server, path string, q url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+path+"?"+q.Encode(), nil)
	req.SetBasicAuth(s.Username, s.Password)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// feed decodes a feed with encoding/xml, independently of hcmatom's reader.
type feed struct {
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Content   string `xml:"content"`
	} `xml:"entry"`
}

func titles(t *testing.T, body string) string {
	t.Helper()
	var f feed
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	var out []string
	for _, e := range f.Entries {
		out = append(out, e.Title)
	}
	return strings.Join(out, " ")
}

// add puts entries titled E1, E2, ... with the given updated and published
// minutes after t0.
func add(s *hcmatomtest.Server, minutes ...[2]int) {
	for i, m := range minutes {
		s.Add(hcmatom.PersonUpdateFeed, hcmatom.Entry{Title: fmt.Sprintf("E%d", i+1),
			Updated: t0.Add(time.Duration(m[0]) * time.Minute), Published: t0.Add(time.Duration(m[1]) * time.Minute),
			Content: `{"Context":[{"PersonNumber":"1"}]}`})
	}
}

func ts(m int) string {
	return t0.Add(time.Duration(m) * time.Minute).Format("2006-01-02T15:04:05.000Z")
}

const feedPath = "/hcmRestApi/atomservlet/employee/empupdate"

func TestQuerySemantics(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	// E3 and E4 share a timestamp; E5 is published before E4.
	add(s, [2]int{1, 1}, [2]int{2, 2}, [2]int{3, 3}, [2]int{3, 4}, [2]int{5, 0})
	for _, c := range []struct {
		q    url.Values
		want string
	}{
		{url.Values{}, "E5 E4 E3 E2 E1"}, // newest first when no order is asked
		{url.Values{"orderBy": {"updated:asc"}}, "E1 E2 E3 E4 E5"},
		{url.Values{"orderBy": {"published:asc"}}, "E5 E1 E2 E3 E4"},
		{url.Values{"orderBy": {"updated:asc"}, "updated-min": {ts(2)}}, "E3 E4 E5"},                            // exclusive
		{url.Values{"orderBy": {"updated:asc"}, "updated-max": {ts(3)}}, "E1 E2 E3 E4"},                         // inclusive
		{url.Values{"orderBy": {"updated:asc"}, "updated-min": {ts(3)}}, "E5"},                                  // both at 3 excluded
		{url.Values{"orderBy": {"published:asc"}, "published-min": {ts(1)}, "published-max": {ts(3)}}, "E2 E3"}, // published bounds
		{url.Values{"orderBy": {"updated:asc"}, "page-size": {"2"}, "page": {"2"}}, "E3 E4"},
		{url.Values{"orderBy": {"updated:asc"}, "page-size": {"2"}, "page": {"4"}}, ""},
	} {
		status, body := get(t, s, feedPath, c.q)
		if got := titles(t, body); status != 200 || got != c.want {
			t.Errorf("%v: %d %q, want %q", c.q, status, got, c.want)
		}
	}
}

func TestDefaultPageSizeIsTen(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	var m [][2]int
	for i := range 12 {
		m = append(m, [2]int{i, i})
	}
	add(s, m...)
	_, body := get(t, s, feedPath, url.Values{"orderBy": {"updated:asc"}})
	if got := strings.Count(titles(t, body), "E"); got != 10 {
		t.Errorf("%d entries", got)
	}
}

func TestFutureEntriesAppearWhenEffective(t *testing.T) {
	now := t0
	s := hcmatomtest.NewServer(t, hcmatomtest.WithClock(func() time.Time { return now }))
	add(s, [2]int{-10, -10}, [2]int{60 * 24, -5}) // E2: a hire effective tomorrow, entered before
	q := url.Values{"orderBy": {"updated:asc"}}
	if _, body := get(t, s, feedPath, q); titles(t, body) != "E1" {
		t.Errorf("future entry shown: %s", titles(t, body))
	}
	if _, body := get(t, s, feedPath, url.Values{"updated-max": {ts(60 * 48)}}); titles(t, body) != "E2 E1" {
		t.Errorf("updated-max past it: %s", titles(t, body))
	}
	if _, body := get(t, s, feedPath, url.Values{"orderBy": {"published:asc"}, "published-min": {ts(-60)}}); titles(t, body) != "E1 E2" {
		t.Errorf("by published: %s", titles(t, body))
	}
	now = t0.Add(48 * time.Hour)
	if _, body := get(t, s, feedPath, q); titles(t, body) != "E1 E2" {
		t.Errorf("after the effective date: %s", titles(t, body))
	}
}

func TestRefusals(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	for _, c := range []struct {
		path   string
		q      url.Values
		status int
	}{
		{feedPath, url.Values{"page": {"0"}}, 400},
		{feedPath, url.Values{"page-size": {"ten"}}, 400},
		{feedPath, url.Values{"updated-min": {"yesterday"}}, 400},
		{feedPath, url.Values{"orderBy": {"updated:desc"}}, 400},
		{"/hcmRestApi/atomservlet/employee/nosuch", nil, 404},
		{"/hcmRestApi/atomservlet/employee", nil, 404},
		{"/hcmCoreApi/atomservlet/employee/newhire", nil, 404},
		{feedPath + "/EMP1", nil, 404},
	} {
		if status, body := get(t, s, c.path, c.q); status != c.status || !strings.Contains(body, `"detail"`) {
			t.Errorf("%s %v: %d %s", c.path, c.q, status, body)
		}
	}
	resp, _ := s.Client().Get(s.URL + feedPath)
	if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
		t.Errorf("no credentials: %d", resp.StatusCode)
	}
	resp.Body.Close()
	resp, _ = s.Client().Post(s.URL+feedPath, "text/plain", nil)
	if resp.StatusCode != 401 && resp.StatusCode != 405 {
		t.Errorf("POST: %d", resp.StatusCode)
	}
	resp.Body.Close()
	reqs := s.Requests()
	if len(reqs) != 10 || reqs[0].Query.Get("page") != "0" || reqs[0].User != hcmatomtest.DefaultUsername || reqs[0].Status != 400 ||
		reqs[8].User != "" || reqs[8].Status != 401 {
		t.Errorf("recorded %+v", reqs)
	}
}

func TestEntriesInOraclesFormat(t *testing.T) {
	for _, escaped := range []bool{false, true} {
		var opts []hcmatomtest.Option
		if escaped {
			opts = append(opts, hcmatomtest.WithEscapedContent())
		}
		s := hcmatomtest.NewServer(t, opts...)
		w := s.AddPendingWorker(t0, hcmatomtest.Worker{Name: "Gainsboro, Jennifer", PersonNumber: "966169008890210"})
		_, body := get(t, s, "/hcmRestApi/atomservlet/employee/newhire", url.Values{"orderBy": {"updated:asc"}})
		if escaped == strings.Contains(body, "<![CDATA[{") {
			t.Errorf("escaped %v: %s", escaped, body)
		}
		var f feed
		xml.Unmarshal([]byte(body), &f)
		if len(f.Entries) != 1 {
			t.Fatalf("%s", body)
		}
		e := f.Entries[0]
		want := `{ "Context" : [ { "PeriodOfServiceId" : "` + w.PeriodOfServiceID + `", "PersonName" : "Gainsboro, Jennifer", ` +
			`"PersonNumber" : "966169008890210", "PrimaryPhoneNumber" : "", "PersonNumber" : "` + w.PersonID + `", "PeriodType" : "P", ` +
			`"WorkerType" : "PWK", "DMLOperation" : "INSERT", "EffectiveStartDate" : "2023-06-29", "EffectiveDate" : "2023-06-29" } ], ` +
			`"Changed Attributes" : [ { "PersonNumber" : "` + w.PersonID + `" }, { "DateStart" : "2023-06-29" } ] }`
		if e.Content != want || e.Title != "Gainsboro, Jennifer Hired" || e.Updated != "2023-06-29T08:00:00.000Z" || e.Published != e.Updated {
			t.Errorf("entry\n%+v\nwant content\n%s", e, want)
		}
		// Its id is an absolute IRI (RFC 4287, 4.2.6) in Oracle's form,
		// atomservlet:<collection>:<key>, the key being the last segment
		// of its URL.
		u, err := url.Parse(e.ID)
		key := strings.TrimPrefix(e.ID, "atomservlet:newhire:")
		if err != nil || !u.IsAbs() || key == e.ID || !strings.HasPrefix(key, "EMP") {
			t.Errorf("entry id %q is not an absolute IRI of Oracle's form", e.ID)
		}
		status, one := get(t, s, "/hcmRestApi/atomservlet/employee/newhire/"+key, nil)
		if status != 200 || !strings.Contains(one, "<entry xmlns=\"http://www.w3.org/2005/Atom\">") {
			t.Errorf("single entry: %d %s", status, one)
		}
	}
}

func TestNextLinksAndPageCap(t *testing.T) {
	s := hcmatomtest.NewServer(t, hcmatomtest.WithNextLinks(), hcmatomtest.WithMaxPageSize(2))
	add(s, [2]int{1, 1}, [2]int{2, 2}, [2]int{3, 3})
	_, body := get(t, s, feedPath, url.Values{"orderBy": {"updated:asc"}, "page-size": {"10"}})
	var f feed
	xml.Unmarshal([]byte(body), &f)
	var next string
	for _, l := range f.Links {
		if l.Rel == "next" {
			next = l.Href
		}
	}
	u, _ := url.Parse(next)
	if len(f.Entries) != 2 || u.Query().Get("page") != "2" || u.Query().Get("page-size") != "2" || u.Query().Get("orderBy") != "updated:asc" {
		t.Errorf("next %q, %d entries", next, len(f.Entries))
	}
	_, body = get(t, s, u.Path, u.Query())
	xml.Unmarshal([]byte(body), &f)
	if titles(t, body) != "E3" || strings.Contains(body, `rel="next"`) {
		t.Errorf("last page: %s", body)
	}
}

func TestHelpersKeepOldValues(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	w := s.Hire(t0, hcmatomtest.Worker{BusinessUnitID: "BU1"})
	s.Transfer(t0.Add(time.Hour), w.AssignmentID, map[string]string{"BusinessUnitId": "BU2"})
	s.Transfer(t0.Add(2*time.Hour), w.AssignmentID, map[string]string{"BusinessUnitId": "BU3"})
	es := s.Entries(hcmatom.AssignmentFeed)
	last := es[len(es)-1].Content
	if !strings.Contains(last, `{ "BusinessUnitId" : { "old" : "BU2", "new" : "BU3" } }`) ||
		!strings.Contains(last, `{ "ActionCode" : { "old" : "TRANSFER", "new" : "TRANSFER" } }`) {
		t.Errorf("%s", last)
	}
	if n := len(s.Entries(hcmatom.PersonUpdateFeed)); n != 2 {
		t.Errorf("transfers go to empupdate too: %d entries", n)
	}
	s.AssignPayroll(t0, w.AssignmentID, "P1")
	if c := s.Entries(hcmatom.PayrollFeed)[0].Content; !strings.Contains(c, `{ "Old" : null, "New" : "P1" }`) {
		t.Errorf("payupdate: %s", c)
	}
	s.CancelWorkRelationship(t0, w.PeriodOfServiceID)
	if c := s.Entries(hcmatom.CancelWorkRelationshipFeed)[0].Content; !strings.Contains(c, `{ "PeriodOfServiceId" : "`+w.PeriodOfServiceID+`" }`) {
		t.Errorf("cancel: %s", c)
	}
}

// A hire entered today for next week is updated on its start date and
// published today: read by updated, it waits for its day; by published, it
// comes at once.
func TestFutureDatedHire(t *testing.T) {
	now := t0
	s := hcmatomtest.NewServer(t, hcmatomtest.WithClock(func() time.Time { return now }))
	s.Hire(t0, hcmatomtest.Worker{Name: "Ruiz, Diego", Start: hcmatom.Date{Year: 2023, Month: 7, Day: 10}})
	e := s.Entries(hcmatom.NewHireFeed)[0]
	if !e.Updated.Equal(time.Date(2023, 7, 10, 0, 0, 0, 0, time.UTC)) || !e.Published.Equal(t0) {
		t.Errorf("updated %v, published %v", e.Updated, e.Published)
	}
	path := "/hcmRestApi/atomservlet/employee/newhire"
	if _, body := get(t, s, path, url.Values{"orderBy": {"updated:asc"}}); titles(t, body) != "" {
		t.Errorf("read by updated before its day: %s", titles(t, body))
	}
	if _, body := get(t, s, path, url.Values{"orderBy": {"published:asc"}, "published-min": {ts(-1)}}); titles(t, body) != "Ruiz, Diego Hired" {
		t.Errorf("read by published: %s", titles(t, body))
	}
	now = time.Date(2023, 7, 10, 1, 0, 0, 0, time.UTC)
	if _, body := get(t, s, path, url.Values{"orderBy": {"updated:asc"}}); titles(t, body) != "Ruiz, Diego Hired" {
		t.Errorf("read by updated on its day: %s", titles(t, body))
	}
}
