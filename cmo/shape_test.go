package cmo_test

// Tests of the shape every hrbridge client shares (docs/conventions.md):
// errors, options, the fake's constructor and options.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
	"github.com/hrbridge/hrbridge/internal/apierr"
)

// TestHTMLPageIsUnexpectedContent: a single sign-on or proxy page answered
// with 200 where a SOAP envelope or JSON was expected.
func TestHTMLPageIsUnexpectedContent(t *testing.T) {
	const page = `<!DOCTYPE html><html><head><title>Sign In</title></head><body>Please sign in</body></html>`
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	for name, tc := range map[string]struct {
		match func(*http.Request) bool
		call  func(*cmo.Client) error
	}{
		"import": {nil, func(c *cmo.Client) error {
			_, err := c.ImportUsers(context.Background(), people(1))
			return err
		}},
		"export": {isExport, func(c *cmo.Client) error {
			_, err := c.ExportUsersPage(context.Background(), cmo.ExportQuery{}, "")
			return err
		}},
		"token": {func(r *http.Request) bool { return r.URL.Path == cmo.TokenPath }, func(c *cmo.Client) error {
			_, err := c.ExportUsersPage(context.Background(), cmo.ExportQuery{}, "")
			return err
		}},
	} {
		srv := cmotest.NewServer(t)
		srv.Faults.Push(cmotest.Fault{Status: http.StatusOK, Header: html, Body: page, Match: tc.match})
		err := tc.call(newClient(t, srv))
		var ae *cmo.APIError
		if !errors.As(err, &ae) || !errors.Is(err, cmo.ErrUnexpectedContent) || !strings.Contains(err.Error(), "an HTML page (Sign In)") ||
			!strings.HasPrefix(err.Error(), "cmo: ") || strings.Count(err.Error(), "cmo: ") != 1 {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestSentinelsAreShared: cmo's sentinels are the ones every package shares.
func TestSentinelsAreShared(t *testing.T) {
	if cmo.ErrNotFound != apierr.ErrNotFound || cmo.ErrUnauthorized != apierr.ErrUnauthorized || cmo.ErrInvalid != apierr.ErrInvalid ||
		cmo.ErrUnavailable != apierr.ErrUnavailable || cmo.ErrUnexpectedContent != apierr.ErrUnexpectedContent {
		t.Error("a sentinel is cmo's own")
	}
	srv := cmotest.NewServer(t)
	srv.Faults.Push(cmotest.Fault{Status: 503, RetryAfter: "7", Body: "busy", Match: isExport, Header: http.Header{"X-Request-Id": {"req-42"}}})
	_, err := newClient(t, srv, cmo.WithRetry(0, time.Second)).ExportUsersPage(context.Background(), cmo.ExportQuery{}, "")
	var ae *cmo.APIError
	if !errors.As(err, &ae) || !errors.Is(err, cmo.ErrUnavailable) || ae.RetryAfter != 7*time.Second || ae.RequestID != "req-42" ||
		ae.Method != http.MethodGet || !strings.Contains(ae.URL, cmo.ExportUsersPath) || ae.Attempts != 1 {
		t.Errorf("%v (%#v)", err, ae)
	}
}

// TestRetryZeroTurnsRetriesOff: WithRetry(0, ...) sends a request once.
func TestRetryZeroTurnsRetriesOff(t *testing.T) {
	srv := cmotest.NewServer(t)
	srv.Faults.Push(cmotest.Fault{Status: 429, RetryAfter: "0", Times: 5})
	_, err := newClient(t, srv, cmo.WithRetry(0, time.Second)).ImportUsers(context.Background(), people(1))
	if !errors.Is(err, cmo.ErrRateLimited) || srv.Faults.Requests() != 1 {
		t.Errorf("%d requests, %v", srv.Faults.Requests(), err)
	}
}

// TestLoginRequired: both services need the login, so the client does too.
func TestLoginRequired(t *testing.T) {
	if _, err := cmo.NewClient("https://acme.cmo-compliance.com"); err == nil || !strings.Contains(err.Error(), "no credentials: use WithLogin") {
		t.Errorf("err = %v", err)
	}
	_, err := cmo.NewClient("http://acme.cmo-compliance.com", cmo.WithLogin("a", "b"))
	if err == nil || !strings.Contains(err.Error(), "WithInsecureHTTP") || strings.Count(err.Error(), "cmo: ") != 1 || strings.Contains(err.Error(), "hrbridge: ") {
		t.Errorf("http: %v", err)
	}
	if _, err := cmo.NewClient("https://acme.cmo-compliance.com/?tenant=1", cmo.WithLogin("a", "b")); err == nil {
		t.Error("a base URL with a query accepted")
	}
	if _, err := cmo.NewClient("https://acme.cmo-compliance.com", cmo.WithLogin("a", "b"), cmo.WithRetry(-1, time.Second)); err == nil || !strings.HasPrefix(err.Error(), "cmo: WithRetry") {
		t.Errorf("WithRetry(-1): %v", err)
	}
	c, err := cmo.NewClient("https://acme.cmo-compliance.com", cmo.WithLogin("a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExportUsersPage(context.Background(), cmo.ExportQuery{PerPage: 301}, ""); !errors.Is(err, cmo.ErrInvalid) {
		t.Errorf("PerPage 301: %v", err)
	}
}

// TestFakeOverTLS: the fake serves HTTPS with a CA of its own, which the
// client trusts through WithRootCAs, and only then.
func TestFakeOverTLS(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithTLS(), cmotest.WithLogin("hr-sync", "s3cret!"))
	if !strings.HasPrefix(srv.URL, "https://") || srv.Username != "hr-sync" || srv.Password != "s3cret!" || srv.RootCAs() == nil {
		t.Fatalf("%s %s %s", srv.URL, srv.Username, srv.Password)
	}
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(srv.Username, srv.Password), cmo.WithRootCAs(srv.RootCAs()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.ImportUsers(ctx, people(2)); err != nil {
		t.Fatal(err)
	}
	if p, err := c.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); err != nil || len(p.Items) != 2 || p.Total != -1 || p.Next != "" {
		t.Fatalf("%+v, %v", p, err)
	}
	untrusting, err := cmo.NewClient(srv.URL, cmo.WithLogin(srv.Username, srv.Password), cmo.WithRetry(0, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := untrusting.ImportUsers(ctx, people(1)); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a client without the fake's CA: %v", err)
	}
	// The seed's default account is not accepted any more.
	old, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword), cmo.WithRootCAs(srv.RootCAs()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.ImportUsers(ctx, people(1)); !errors.Is(err, cmo.ErrUnauthorized) {
		t.Errorf("default account: %v", err)
	}
}

// TestFakeClock: tokens expire by the clock WithClock gives the fake.
func TestFakeClock(t *testing.T) {
	now := time.Now()
	srv := cmotest.NewServer(t, cmotest.WithClock(func() time.Time { return now }))
	c := newClient(t, srv)
	ctx := context.Background()
	if _, err := c.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); err != nil {
		t.Fatal(err)
	}
	if !srv.Now().Equal(now.UTC()) {
		t.Errorf("Now = %v, want %v", srv.Now(), now)
	}
	now = now.Add(cmotest.DefaultTokenLifetime + time.Minute) // the server's clock only
	if _, err := c.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); err != nil {
		t.Fatal(err)
	}
	if srv.TokensIssued() != 2 {
		t.Errorf("%d tokens: the expired one was not refused and renewed", srv.TokensIssued())
	}
}

// TestExportUsersPageNext: the page-level call walks the export by Next.
func TestExportUsersPageNext(t *testing.T) {
	srv := cmotest.NewServer(t)
	putUsers(srv, 5)
	c := newClient(t, srv)
	var got []string
	next, pages := "", 0
	for {
		p, err := c.ExportUsersPage(context.Background(), cmo.ExportQuery{PerPage: 2}, next)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, u := range p.Items {
			got = append(got, u.LoginName)
		}
		if p.Next == "" {
			break
		}
		next = p.Next
	}
	if pages != 3 || strings.Join(got, ",") != "u0000,u0001,u0002,u0003,u0004" {
		t.Errorf("%d pages: %v", pages, got)
	}
	for _, bad := range []string{"0", "-1", "two"} {
		if _, err := c.ExportUsersPage(context.Background(), cmo.ExportQuery{}, bad); err == nil {
			t.Errorf("next %q accepted", bad)
		}
	}
}
