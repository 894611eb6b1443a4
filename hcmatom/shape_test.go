package hcmatom_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/paging"
	"golang.org/x/oauth2"
)

// The package has the shape every hrbridge client has (docs/conventions.md).

func TestNewClientNeedsCredentials(t *testing.T) {
	_, err := hcmatom.NewClient("https://pod.example.com")
	if !errors.Is(err, hcmatom.ErrInvalid) || !strings.Contains(err.Error(), "WithBasicAuth") {
		t.Errorf("no credentials: %v", err)
	}
	_, err = hcmatom.NewClient("https://pod.example.com?tenant=x", hcmatom.WithBasicAuth("u", "p"))
	if err == nil || !strings.HasPrefix(err.Error(), "hcmatom: ") || strings.Contains(err.Error(), "hrbridge") {
		t.Errorf("base URL with a query: %v", err)
	}
	_, err = hcmatom.NewClient("https://pod.example.com", hcmatom.WithBasicAuth("u", "p"), hcmatom.WithRetry(-1, time.Second))
	if err == nil || err.Error() != "hcmatom: WithRetry(-1, 1s): retries must be >= 0 and the wait positive" {
		t.Errorf("bad option: %v", err)
	}
	_, err = hcmatom.NewClient("http://pod.example.com", hcmatom.WithBasicAuth("u", "p"))
	if err == nil || !strings.Contains(err.Error(), "WithInsecureHTTP") {
		t.Errorf("http://: %v", err)
	}
}

func TestErrorsAreAPIErrorsPrefixedOnce(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	c := newClient(t, s, hcmatom.WithRetry(1, time.Millisecond))
	s.Faults.Push(hcmatomtest.Fault{Status: 503, RetryAfter: "7", Body: `{"title":"Service Unavailable","detail":"maintenance"}`, Times: 2})
	_, err := c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed})
	var ae *hcmatom.APIError
	if !errors.As(err, &ae) || !errors.Is(err, hcmatom.ErrUnavailable) || !errors.Is(err, apierr.ErrUnavailable) ||
		ae.Op != "ReadPage" || ae.Package != "hcmatom" || ae.RetryAfter != 7*time.Second || ae.Attempts != 2 {
		t.Fatalf("%v (%+v)", err, ae)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "hcmatom: ReadPage: GET ") || strings.Count(msg, "hcmatom:") != 1 || strings.Contains(msg, "hrbridge") {
		t.Errorf("text %q", msg)
	}
	// A garbled page is an *APIError too, of Kind ErrBadFeed, prefixed once.
	s.Faults.Push(hcmatomtest.Fault{Garble: true})
	_, err = c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed})
	if !errors.As(err, &ae) || !errors.Is(err, hcmatom.ErrBadFeed) || strings.Count(err.Error(), "hcmatom") != 1 {
		t.Errorf("garbled: %v", err)
	}
	// Validation: ErrInvalid, nothing sent.
	n := len(s.Requests())
	if _, err := c.ReadPage(ctx, hcmatom.Query{Collection: "newhire"}); !errors.Is(err, hcmatom.ErrInvalid) || len(s.Requests()) != n {
		t.Errorf("bad query: %v", err)
	}
}

// A single sign-on proxy answers a login page with 200: not an empty feed.
func TestLoginPageIsUnexpectedContent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<!DOCTYPE html><html><head><title>Oracle Applications Cloud - Sign In</title></head><body>...</body></html>")
	}))
	defer srv.Close()
	c, err := hcmatom.NewClient(srv.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth("u", "p"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed})
	if !errors.Is(err, hcmatom.ErrUnexpectedContent) || !strings.Contains(err.Error(), "Sign In") {
		t.Errorf("%v", err)
	}
	for _, err := range c.Events(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed}) {
		if !errors.Is(err, hcmatom.ErrUnexpectedContent) {
			t.Errorf("Events: %v", err)
		}
	}
}

// A static OAuth token over HTTPS with the fake's CA: WithTokenSource and
// WithRootCAs against WithBearerToken and WithTLS.
func TestTokenSourceOverTLS(t *testing.T) {
	s := hcmatomtest.NewServer(t, hcmatomtest.WithTLS(), hcmatomtest.WithBearerToken("static-access-token"))
	addUpdates(s, t0)
	if !strings.HasPrefix(s.URL, "https://") || s.RootCAs() == nil {
		t.Fatalf("URL %s", s.URL)
	}
	c, err := hcmatom.NewClient(s.URL, hcmatom.WithRootCAs(s.RootCAs()),
		hcmatom.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "static-access-token"})))
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed})
	if err != nil || len(p.Entries) != 1 || s.Requests()[0].User != s.Username {
		t.Fatalf("%v", err)
	}
	if _, err := c.ReadEntry(ctx, hcmatom.PersonUpdateFeed, p.Entries[0].ID); err != nil {
		t.Errorf("ReadEntry by its IRI id: %v", err)
	}
	wrong, _ := hcmatom.NewClient(s.URL, hcmatom.WithRootCAs(s.RootCAs()), hcmatom.WithRetry(0, time.Millisecond),
		hcmatom.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "stolen-token"})))
	_, err = wrong.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed})
	if !errors.Is(err, hcmatom.ErrUnauthorized) || strings.Contains(err.Error(), "stolen-token") {
		t.Errorf("wrong token: %v", err)
	}
	// Without the fake's CA, its certificate is refused.
	untrusted, _ := hcmatom.NewClient(s.URL, hcmatom.WithRetry(0, time.Millisecond),
		hcmatom.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "static-access-token"})))
	if _, err := untrusted.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed}); err == nil {
		t.Error("an unknown CA was trusted")
	}
}

// EntriesPage, resumed from each page's Next as a checkpointing caller
// would, reads what Events reads, entries sharing a timestamp across a
// page edge included.
func TestEntriesPageMatchesEvents(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	var at []time.Time
	for i := range 23 {
		at = append(at, t0.Add(time.Duration(i/4)*time.Minute)) // four entries per timestamp
	}
	addUpdates(s, at...)
	c := newClient(t, s)
	q := hcmatom.Query{Collection: hcmatom.PersonUpdateFeed, PageSize: 5}
	var want []string
	for ev, err := range c.Events(ctx, q) {
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, ev.Raw().Entry.ID)
	}
	var got []string
	next, pages := "", 0
	for {
		p, err := c.EntriesPage(ctx, q, next)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if p.Total != -1 {
			t.Errorf("Total %d", p.Total)
		}
		for _, e := range p.Items {
			got = append(got, e.ID)
		}
		if next = p.Next; next == "" {
			break
		}
	}
	if len(want) != 23 || !slices.Equal(got, want) {
		t.Errorf("pages %d: got %d entries %v, want %d", pages, len(got), got, len(want))
	}
	if _, err := c.EntriesPage(ctx, q, "c=employee%2Fnewhire&o=updated&page=1"); !errors.Is(err, hcmatom.ErrInvalid) {
		t.Errorf("a token of another feed: %v", err)
	}
}

// A server answering every page with the first stops the list with
// paging.ErrRepeatedPage.
func TestRepeatedPageStops(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml")
		io.WriteString(w, `<feed xmlns="http://www.w3.org/2005/Atom">`+
			`<entry><id>urn:x:E1</id><updated>2023-06-29T08:01:00Z</updated><content>{"Context":[{"PersonNumber":"1"}]}</content></entry>`+
			`<entry><id>urn:x:E2</id><updated>2023-06-29T08:01:00Z</updated><content>{"Context":[{"PersonNumber":"2"}]}</content></entry></feed>`)
	}))
	defer srv.Close()
	c, _ := hcmatom.NewClient(srv.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth("u", "p"))
	var last error
	n := 0
	for _, err := range c.Events(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed, PageSize: 2}) {
		last = err
		if n++; n > 100 {
			t.Fatal("no end")
		}
	}
	if !errors.Is(last, paging.ErrRepeatedPage) {
		t.Errorf("%v", last)
	}
}

func TestDates(t *testing.T) {
	if d, err := hcmatom.ParseISODate("2024-02-29"); err != nil || d != (hcmatom.Date{Year: 2024, Month: 2, Day: 29}) {
		t.Errorf("2024-02-29: %v %v", d, err)
	}
	for _, s := range []string{"2024-02-30", "2023-02-29", "29.02.2024", ""} {
		if _, err := hcmatom.ParseISODate(s); !errors.Is(err, hcmatom.ErrInvalid) {
			t.Errorf("%q: %v", s, err)
		}
	}
	if d := hcmatom.DateOf(time.Date(2024, 3, 1, 23, 30, 0, 0, time.FixedZone("x", -5*3600))); d.String() != "2024-03-01" {
		t.Errorf("DateOf: %v", d)
	}
}
