package hcmatom_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

var ctx = context.Background()

// t0 is a morning in the guide's examples.
var t0 = time.Date(2023, 6, 29, 8, 0, 0, 0, time.UTC)

func newClient(t testing.TB, s *hcmatomtest.Server, opts ...hcmatom.Option) *hcmatom.Client {
	t.Helper()
	opts = append([]hcmatom.Option{hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(s.Username, s.Password),
		hcmatom.WithRetry(3, 5*time.Millisecond)}, opts...)
	c, err := hcmatom.NewClient(s.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// addUpdates adds one empupdate entry per timestamp, for person numbers
// P1, P2, ... in order.
func addUpdates(s *hcmatomtest.Server, at ...time.Time) {
	for i, t := range at {
		pn := fmt.Sprintf("P%d", i+1)
		s.Add(hcmatom.PersonUpdateFeed, hcmatom.Entry{Title: pn + " Updated", Updated: t, Content: hcmatomtest.Content(
			[]hcmatom.Attr{{Name: "PersonNumber", Value: pn}, {Name: "DMLOperation", Value: "UPDATE"}},
			[]hcmatomtest.Change{{Name: "WorkEmail", Old: "", New: pn + "@example.com", Pair: true}})})
	}
}

func minutes(n ...int) []time.Time {
	var out []time.Time
	for _, m := range n {
		out = append(out, t0.Add(time.Duration(m)*time.Minute))
	}
	return out
}

func personNumbers(t testing.TB, evs []hcmatom.Event) string {
	var out []string
	for _, ev := range evs {
		out = append(out, ev.(*hcmatom.PersonUpdate).PersonNumber)
	}
	return strings.Join(out, " ")
}

func TestReadPageSendsOraclesQuery(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	c := newClient(t, s)
	after := time.Date(2017, 7, 14, 14, 4, 0, 123456789, time.UTC)
	_, err := c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed, After: after, Until: after.Add(time.Hour), PageSize: 25, Page: 3})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Requests()[0]
	if r.Path != "/hcmRestApi/atomservlet/employee/newhire" || r.User != hcmatomtest.DefaultUsername {
		t.Errorf("request %+v", r)
	}
	for k, v := range map[string]string{"updated-min": "2017-07-14T14:04:00.123Z", "updated-max": "2017-07-14T15:04:00.124Z",
		"orderBy": "updated:asc", "page": "3", "page-size": "25"} {
		if got := r.Query.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, err := c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed, Order: hcmatom.ByPublished, After: after}); err != nil {
		t.Fatal(err)
	}
	if r := s.Requests()[1]; r.Query.Get("published-min") == "" || r.Query.Get("orderBy") != "published:asc" || r.Query.Get("page-size") != "10" {
		t.Errorf("published query %v", r.Query)
	}
}

func TestReadPageBoundsAndPaging(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	c := newClient(t, s)
	var at []time.Time
	for i := range 25 {
		at = append(at, t0.Add(time.Duration(i)*time.Minute))
	}
	addUpdates(s, at...)
	q := hcmatom.Query{Collection: hcmatom.PersonUpdateFeed}
	var sizes []int
	p, err := c.ReadPage(ctx, q)
	for err == nil {
		sizes = append(sizes, len(p.Entries))
		if !p.More() {
			break
		}
		p, err = c.NextPage(ctx, p)
	}
	if err != nil || fmt.Sprint(sizes) != "[10 10 5]" {
		t.Errorf("pages %v, %v", sizes, err)
	}
	// After is exclusive, Until inclusive.
	p, err = c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed, After: at[4], Until: at[7]})
	if err != nil || len(p.Entries) != 3 || !p.Entries[0].Updated.Equal(at[5]) || !p.Entries[2].Updated.Equal(at[7]) || p.More() {
		t.Errorf("bounded page: %d entries, %v", len(p.Entries), err)
	}
}

// The page-edge case of Oracle's "Polling a Feed" note: entries sharing a
// timestamp across a page edge are all read.
func TestEventsReadsEqualTimestampsAcrossAPageEdge(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	c := newClient(t, s)
	// P9..P12 share minute 9; the first page (10 entries) ends inside them.
	addUpdates(s, minutes(1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 13)...)
	var evs []hcmatom.Event
	for ev, err := range c.Events(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed}) {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if got := personNumbers(t, evs); got != "P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11 P12 P13" {
		t.Errorf("events %s", got)
	}
	// As Oracle's adapter does: the first page hands out P1..P8; the next
	// request starts after P8's timestamp, so P9..P12 come back first.
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[1].Query.Get("updated-min") != "2023-06-29T08:08:00.000Z" || reqs[1].Query.Get("page") != "1" {
		t.Errorf("requests %+v", reqs)
	}
}

// A full page of one timestamp cannot move the bound: the next page of the
// same query is read, following rel="next" when the server sends it.
func TestEventsPagesThroughOneTimestamp(t *testing.T) {
	for _, links := range []bool{false, true} {
		var opts []hcmatomtest.Option
		if links {
			opts = append(opts, hcmatomtest.WithNextLinks())
		}
		s := hcmatomtest.NewServer(t, opts...)
		c := newClient(t, s)
		var at []time.Time
		for range 23 {
			at = append(at, t0)
		}
		addUpdates(s, append(at, t0.Add(time.Minute))...)
		n := 0
		for ev, err := range c.Events(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if pn := ev.(*hcmatom.PersonUpdate).PersonNumber; pn != fmt.Sprintf("P%d", n) {
				t.Fatalf("event %d is %s", n, pn)
			}
		}
		reqs := s.Requests()
		if n != 24 || len(reqs) != 3 || reqs[1].Query.Get("page") != "2" || reqs[2].Query.Get("page") != "3" ||
			reqs[2].Query.Get("updated-min") != "" {
			t.Errorf("next links %v: %d events, requests %v", links, n, reqs)
		}
	}
}

// A server that caps the page size but links to the next page: the short
// pages are not taken for the last one.
func TestEventsWithAServerThatCapsPages(t *testing.T) {
	s := hcmatomtest.NewServer(t, hcmatomtest.WithNextLinks(), hcmatomtest.WithMaxPageSize(4))
	c := newClient(t, s)
	addUpdates(s, minutes(1, 2, 3, 4, 4, 4, 7, 8, 9, 10, 11)...)
	var evs []hcmatom.Event
	for ev, err := range c.Events(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed, PageSize: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	if got := personNumbers(t, evs); got != "P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11" {
		t.Errorf("events %s", got)
	}
}

func TestPathPrefixAndNotFound(t *testing.T) {
	s := hcmatomtest.NewServer(t, hcmatomtest.WithPathPrefix("/hcmCoreApi"))
	addUpdates(s, t0)
	if _, err := newClient(t, s).ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed}); !errors.Is(err, hcmatom.ErrNotFound) {
		t.Errorf("default prefix: %v", err)
	}
	c := newClient(t, s, hcmatom.WithPathPrefix("/hcmCoreApi/"))
	p, err := c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed})
	if err != nil || len(p.Entries) != 1 {
		t.Fatalf("%v", err)
	}
	e, err := c.ReadEntry(ctx, hcmatom.PersonUpdateFeed, p.Entries[0].ID)
	if err != nil || e.Content != p.Entries[0].Content || e.ID != p.Entries[0].ID {
		t.Errorf("ReadEntry: %+v, %v", e, err)
	}
	_, err = c.ReadEntry(ctx, hcmatom.PersonUpdateFeed, "EMP404")
	var ae *hcmatom.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 || !strings.Contains(ae.Message, "no such entry: EMP404") {
		t.Errorf("missing entry: %v", err)
	}
	if _, err := c.ReadPage(ctx, hcmatom.Query{Collection: "employee/nosuch"}); !errors.Is(err, hcmatom.ErrNotFound) {
		t.Errorf("unknown collection: %v", err)
	}
}

func TestOptionsAndQueriesAreChecked(t *testing.T) {
	for _, o := range []hcmatom.Option{hcmatom.WithPathPrefix("api"), hcmatom.WithRetry(-1, time.Second), hcmatom.WithRetry(1, 0), hcmatom.WithMaxBodyBytes(0),
		hcmatom.WithBasicAuth("", "x"), hcmatom.WithHTTPClient(nil), hcmatom.WithFusionJWT("iss", "u", nil, nil)} {
		if _, err := hcmatom.NewClient("https://pod.example.com", o); err == nil {
			t.Errorf("option accepted")
		}
	}
	if _, err := hcmatom.NewClient("https://pod.example.com", hcmatom.WithBasicAuth("a", "b"), hcmatom.WithBasicAuth("c", "d")); err == nil {
		t.Error("two authentications accepted")
	}
	if _, err := hcmatom.NewClient("http://pod.example.com"); err == nil {
		t.Error("plain http accepted")
	}
	c, _ := hcmatom.NewClient("https://pod.example.com", hcmatom.WithBasicAuth("u", "p"))
	for _, q := range []hcmatom.Query{{Collection: "newhire"}, {Collection: "employee/new hire"}, {Collection: hcmatom.NewHireFeed, PageSize: -1},
		{Collection: hcmatom.NewHireFeed, After: t0, Until: t0.Add(-1)}, {Collection: hcmatom.NewHireFeed, Order: 7}} {
		if _, err := c.ReadPage(ctx, q); err == nil {
			t.Errorf("query %+v accepted", q)
		}
	}
}

func newCert(t testing.TB) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hrbridge"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return key, cert
}

func TestFusionJWT(t *testing.T) {
	key, cert := newCert(t)
	_, other := newCert(t)
	s := hcmatomtest.NewServer(t, hcmatomtest.WithFusionJWT("acme-ems", cert))
	addUpdates(s, t0)
	jwtClient := func(issuer, user string, c *x509.Certificate) *hcmatom.Client {
		cl, err := hcmatom.NewClient(s.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithRetry(0, time.Millisecond), hcmatom.WithFusionJWT(issuer, user, key, c))
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	p, err := jwtClient("acme-ems", s.Username, cert).ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed})
	if err != nil || len(p.Entries) != 1 || s.Requests()[0].User != s.Username {
		t.Fatalf("%v", err)
	}
	for name, c := range map[string]*hcmatom.Client{
		"wrong issuer": jwtClient("someone", s.Username, cert),
		"unknown user": jwtClient("acme-ems", "NOBODY", cert),
	} {
		if _, err := c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed}); !errors.Is(err, hcmatom.ErrUnauthorized) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A certificate that does not match the key is refused before any request.
	if _, err := hcmatom.NewClient(s.URL, hcmatom.WithFusionJWT("acme-ems", s.Username, key, other)); err == nil {
		t.Error("key and certificate of different pairs accepted")
	}
	// Expired: the server's clock is two hours ahead of the token.
	late := hcmatomtest.NewServer(t, hcmatomtest.WithFusionJWT("acme-ems", cert),
		hcmatomtest.WithClock(func() time.Time { return time.Now().Add(2 * time.Hour) }))
	lc, _ := hcmatom.NewClient(late.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithFusionJWT("acme-ems", late.Username, key, cert))
	if _, err := lc.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed}); !errors.Is(err, hcmatom.ErrUnauthorized) {
		t.Errorf("expired token: %v", err)
	}
	// A 401 makes the client sign a new token and try once more.
	if n := len(late.Requests()); n != 2 {
		t.Errorf("the server saw %d requests after a 401, want 2 (one retry with a fresh token)", n)
	}
}

func TestBasicAuthRefused(t *testing.T) {
	s := hcmatomtest.NewServer(t, hcmatomtest.WithBasicAuth("HR_API", "right"))
	c, _ := hcmatom.NewClient(s.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth("HR_API", "wrong"))
	_, err := c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed})
	var ae *hcmatom.APIError
	if !errors.As(err, &ae) || !errors.Is(err, hcmatom.ErrUnauthorized) || ae.Message != "Unauthorized: authentication failed" {
		t.Errorf("%v (%+v)", err, ae)
	}
}

// Read by published, a future-dated hire is read the day it is entered,
// even on a first read with no bound; read by updated, on its start date.
func TestFutureDatedEntriesByOrder(t *testing.T) {
	now := t0
	s := hcmatomtest.NewServer(t, hcmatomtest.WithClock(func() time.Time { return now }))
	s.Hire(t0, hcmatomtest.Worker{Name: "Ruiz, Diego", Start: hcmatom.Date{Year: 2023, Month: 7, Day: 10}})
	c := newClient(t, s)
	count := func(o hcmatom.Order) int {
		n := 0
		for _, err := range c.Events(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed, Order: o}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	if got := count(hcmatom.ByPublished); got != 1 {
		t.Errorf("by published: %d events", got)
	}
	if r := s.Requests(); r[0].Query.Get("published-min") != "1970-01-01T00:00:00.000Z" {
		t.Errorf("query %v", r[0].Query)
	}
	if got := count(hcmatom.ByUpdated); got != 0 {
		t.Errorf("by updated, before the start date: %d events", got)
	}
	now = time.Date(2023, 7, 10, 9, 0, 0, 0, time.UTC)
	if got := count(hcmatom.ByUpdated); got != 1 {
		t.Errorf("by updated, on the start date: %d events", got)
	}
}
