package hcmscim_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

// Issue 13, item 5: RFC 7644 lets a server send fewer resources than the
// count asked for. A page shorter than count is not the last one when
// totalResults says more follow.
func TestShortPageTrustsTotalResults(t *testing.T) {
	// The fake's largest page (2) is below the count asked for (10), as on
	// the third-party server that showed the fault.
	srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(hcmscim.DialectStandard), hcmscimtest.WithMaxCount(2)})
	for i := range 5 {
		srv.AddUser(hcmscim.User{UserName: fmt.Sprintf("user%02d", i)})
	}
	var names []string
	for u, err := range c.Users(context.Background(), hcmscim.Query{Count: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, u.UserName)
	}
	if len(names) != 5 {
		t.Errorf("got %d users of 5: %v", len(names), names)
	}
	page, err := c.UsersPage(context.Background(), hcmscim.Query{Count: 10}, "")
	if err != nil || len(page.Items) != 2 || page.Next != "3" || page.Total != 5 {
		t.Errorf("first page %+v, %v", page, err)
	}
}

// Issue 13, item 6: a server that answers every startIndex with the same
// page stops the list with ErrRepeatedPage instead of looping for ever.
func TestRepeatedPageStopsTheList(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(d), hcmscimtest.WithStartIndexIgnored()}, hcmscim.WithDialect(d))
		for i := range 5 {
			srv.AddUser(hcmscim.User{UserName: fmt.Sprintf("user%02d", i)})
		}
		var got []string
		var err error
		for u, e := range c.Users(context.Background(), hcmscim.Query{Count: 2}) {
			if e != nil {
				err = e
				break
			}
			got = append(got, u.UserName)
			if len(got) > 100 {
				break
			}
		}
		if !errors.Is(err, hcmscim.ErrRepeatedPage) || !errors.Is(err, hcmscim.ErrUnexpectedContent) {
			t.Fatalf("error %v after %d users", err, len(got))
		}
		if len(got) != 2 || len(srv.Requests()) != 2 {
			t.Errorf("%d users from %d requests, want the first page only, from 2", len(got), len(srv.Requests()))
		}
		if strings.Count(err.Error(), "hcmscim:") != 1 {
			t.Errorf("text %q", err)
		}
	})
}

// Issue 13, item 7: UserPatch.Emails sets the addresses of the types it
// gives and keeps the others, in both dialects; the RFC 7644 request says
// so (a "replace" of emails would replace the whole list).
func TestPatchEmailsKeepsOtherTypes(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		work, home := "W", "H"
		if d == hcmscim.DialectStandard {
			work, home = "work", "home"
		}
		srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(d)})
		u := srv.AddUser(hcmscim.User{UserName: "Joe.Green", Emails: []hcmscim.Email{
			{Value: "joe@old.example", Type: work, Primary: true}, {Value: "joe@home.example", Type: home}}})
		got, err := c.PatchUser(context.Background(), u.ID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{{Value: "joe.green@mail.com", Type: work, Primary: true}})})
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := srv.User(u.ID)
		for _, v := range []*hcmscim.User{got, &stored} {
			if len(v.Emails) != 2 || !hasEmail(v.Emails, "joe.green@mail.com", work) || !hasEmail(v.Emails, "joe@home.example", home) {
				t.Errorf("emails %+v, want the new %s address and the %s one kept", v.Emails, work, home)
			}
		}
		// An address without a type cannot say which to replace.
		_, err = c.PatchUser(context.Background(), u.ID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{{Value: "x@y.example"}})})
		if !errors.Is(err, hcmscim.ErrInvalid) || !strings.Contains(err.Error(), "emails[0].type") {
			t.Errorf("untyped address: %v", err)
		}
	})
}

func hasEmail(es []hcmscim.Email, value, typ string) bool {
	for _, e := range es {
		if e.Value == value && e.Type == typ {
			return true
		}
	}
	return false
}

// Issue 13, items 8 and 9: a bearer token from an oauth2.TokenSource; the
// server's own words ("Invalid bearer token") stay readable while the token
// itself is redacted from errors and logs.
func TestTokenSource(t *testing.T) {
	const token = "hcm-Access.Token-0123456789"
	const wrong = "stale-Access.Token-9876543210"
	srv := hcmscimtest.NewServer(t, hcmscimtest.WithBearerToken(token))
	seed(srv)
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()

	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithLogger(logger),
		hcmscim.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUser(ctx, maryID); err != nil {
		t.Fatal(err)
	}
	if h := srv.Requests()[0].Header.Get("Authorization"); h != "Bearer "+token {
		t.Errorf("Authorization %q", h)
	}
	// The server echoes the token in an error.
	srv.Faults.Push(hcmscimtest.Fault{Status: 400, Body: `{"detail":"token ` + token + ` is not for this pod"}`})
	_, err = c.GetUser(ctx, maryID)
	texts := []string{fmt.Sprint(err)}

	stale, _ := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithLogger(logger),
		hcmscim.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: wrong})))
	_, err = stale.GetUser(ctx, maryID)
	var ae *hcmscim.APIError
	if !errors.Is(err, hcmscim.ErrUnauthorized) || !errors.As(err, &ae) || ae.Message != "Invalid bearer token" {
		t.Errorf("stale token: %v", err)
	}
	if !strings.Contains(err.Error(), "Invalid bearer token") {
		t.Errorf("the server's words are lost: %v", err)
	}
	texts = append(texts, err.Error(), logs.String())
	all := strings.Join(texts, "\n")
	for _, secret := range []string{token, wrong} {
		if strings.Contains(all, secret) {
			t.Errorf("token %.10q… appears in:\n%s", secret, all)
		}
	}
	if !strings.Contains(texts[0], "[REDACTED]") {
		t.Errorf("echoed token: %s", texts[0])
	}
}

// An HTML page (a single sign-on login page, a proxy's) where JSON was
// expected is ErrUnexpectedContent, on every call, with a 200 or an error
// status.
func TestHTMLPageIsUnexpectedContent(t *testing.T) {
	srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
	joeID := seed(srv)
	ctx := context.Background()
	login := hcmscimtest.Fault{Status: 200, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}},
		Body: `<!DOCTYPE html><html><head><title>Oracle Applications Cloud - Sign In</title></head><body>...</body></html>`}
	calls := map[string]func() error{
		"GetUser": func() error { _, err := c.GetUser(ctx, joeID); return err },
		"Users": func() error {
			for _, err := range c.Users(ctx, hcmscim.Query{}) {
				return err
			}
			return nil
		},
		"PatchUser": func() error {
			_, err := c.PatchUser(ctx, joeID, hcmscim.UserPatch{DisplayName: hcmscim.Some("J")})
			return err
		},
		"AddRoleMembers": func() error { return c.AddRoleMembers(ctx, hrJobID, joeID) },
		"Bulk": func() error {
			_, err := c.Bulk(ctx, []hcmscim.BulkOp{hcmscim.PatchUserOp("j", joeID, hcmscim.UserPatch{DisplayName: hcmscim.Some("J")})})
			return err
		},
	}
	for name, call := range calls {
		for _, status := range []int{200, 401} {
			f := login
			f.Status = status
			srv.Faults.Push(f)
			err := call()
			// On a 200 the page is what is wrong; on an error status, the
			// status says what happened and the message what came.
			want := hcmscim.ErrUnexpectedContent
			if status == 401 {
				want = hcmscim.ErrUnauthorized
			}
			if !errors.Is(err, want) || !strings.Contains(err.Error(), "Sign In") {
				t.Errorf("%s, HTML page with %d: %v, want %v", name, status, err, want)
			}
		}
	}
}

// Errors carry the shared fields and one prefix.
func TestErrorShape(t *testing.T) {
	srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle), hcmscim.WithRetry(0, time.Millisecond))
	seed(srv)
	ctx := context.Background()
	srv.Faults.Push(hcmscimtest.Fault{Status: 503, RetryAfter: "7", Header: http.Header{"X-Oracle-Dms-Ecid": {"005xYz"}},
		Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"PER_X_1-maintenance","status":"503"}`})
	_, err := c.GetUser(ctx, maryID)
	var ae *hcmscim.APIError
	if !errors.As(err, &ae) || !errors.Is(err, hcmscim.ErrUnavailable) {
		t.Fatalf("%v", err)
	}
	if ae.Package != "hcmscim" || ae.Op != "GetUser" || ae.Method != "GET" || !strings.HasSuffix(ae.URL, "/Users/"+maryID) ||
		ae.StatusCode != 503 || ae.Code != "PER_X_1" || ae.Message != "PER_X_1-maintenance" || ae.Attempts != 1 ||
		ae.RetryAfter != 7*time.Second || ae.RequestID != "005xYz" {
		t.Errorf("fields %+v", ae)
	}
	if s := err.Error(); !strings.HasPrefix(s, "hcmscim: GetUser: GET ") || strings.Count(s, "hcmscim:")+strings.Count(s, "hrbridge:") != 1 {
		t.Errorf("text %q", s)
	}
	// scimType is the Code.
	for _, err := range c.Users(ctx, hcmscim.Query{Filter: hcmscim.Eq("favouriteColour", "blue")}) {
		if !errors.As(err, &ae) || ae.Code != "invalidFilter" || !errors.Is(err, hcmscim.ErrInvalidFilter) || ae.Op != "Users" {
			t.Errorf("filter refused: %v", err)
		}
		break
	}
	// The lookups wrap their errors with one prefix too.
	srv.Faults.Push(hcmscimtest.Fault{Status: 500, Body: `{"detail":"down"}`})
	_, _, err = c.LookupPersonNumbers(ctx, []string{maryPN})
	if !errors.Is(err, hcmscim.ErrUnavailable) || strings.Count(err.Error(), "hcmscim:") != 1 {
		t.Errorf("lookup: %v", err)
	}
	// A garbled answer is unexpected content, not a bare JSON error.
	srv.Faults.Push(hcmscimtest.Fault{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"id": 12`})
	if _, err := c.GetUser(ctx, maryID); !errors.Is(err, hcmscim.ErrUnexpectedContent) || !errors.As(err, &ae) || ae.Op != "GetUser" {
		t.Errorf("garbled: %v", err)
	}
	if _, err := c.FindRole(ctx, "ORA_NOPE"); !errors.Is(err, hcmscim.ErrNotFound) || !strings.HasPrefix(err.Error(), "hcmscim: FindRole: ") {
		t.Errorf("no role: %v", err)
	}
}

// WithRetry(0, …) sends a request once.
func TestRetryOff(t *testing.T) {
	srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle), hcmscim.WithRetry(0, time.Millisecond))
	seed(srv)
	srv.Faults.Push(hcmscimtest.Fault{Status: 503, RetryAfter: "0", Times: 2})
	_, err := c.GetUser(context.Background(), maryID)
	if !errors.Is(err, hcmscim.ErrUnavailable) || srv.Faults.Requests() != 1 {
		t.Errorf("%v after %d requests", err, srv.Faults.Requests())
	}
}

// A fake on HTTPS is trusted through WithRootCAs, and only through it.
func TestTLS(t *testing.T) {
	srv := hcmscimtest.NewServer(t, hcmscimtest.WithTLS())
	seed(srv)
	if !strings.HasPrefix(srv.URL, "https://") || srv.RootCAs() == nil {
		t.Fatalf("URL %s", srv.URL)
	}
	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithBasicAuth(srv.Username, srv.Password), hcmscim.WithRootCAs(srv.RootCAs()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUser(context.Background(), maryID); err != nil {
		t.Fatal(err)
	}
	untrusting, _ := hcmscim.NewClient(srv.URL, hcmscim.WithBasicAuth(srv.Username, srv.Password))
	if _, err := untrusting.GetUser(context.Background(), maryID); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("a fake's certificate trusted without WithRootCAs: %v", err)
	}
}
