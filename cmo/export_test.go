package cmo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
	"github.com/hrbridge/hrbridge/internal/paging"
)

// putUsers stores n users in srv directly.
func putUsers(srv *cmotest.Server, n int) {
	for i := range n {
		srv.PutUser(cmotest.User{LoginName: fmt.Sprintf("u%04d", i), Fields: map[string]string{"FirstName": "F", "LastName": "L"}})
	}
}

func collect(t *testing.T, c *cmo.Client, q cmo.ExportQuery) ([]cmo.ExportedUser, error) {
	t.Helper()
	var users []cmo.ExportedUser
	for u, err := range c.ExportUsers(context.Background(), q) {
		if err != nil {
			return users, err
		}
		users = append(users, u)
	}
	return users, nil
}

func TestExportPagination(t *testing.T) {
	for _, tc := range []struct {
		users, perPage, requests int
	}{
		{0, 300, 1},
		{1, 300, 1},
		{300, 300, 2}, // a full page may be followed by more: one more request, empty
		{301, 300, 2},
		{250, 0, 3}, // the default perPage is 100
		{5, 1, 6},
	} {
		srv := cmotest.NewServer(t)
		putUsers(srv, tc.users)
		c := newClient(t, srv)
		users, err := collect(t, c, cmo.ExportQuery{PerPage: tc.perPage})
		if err != nil {
			t.Fatalf("%d users, perPage %d: %v", tc.users, tc.perPage, err)
		}
		if len(users) != tc.users {
			t.Errorf("%d users, perPage %d: got %d", tc.users, tc.perPage, len(users))
		}
		for i, u := range users {
			if u.LoginName != fmt.Sprintf("u%04d", i) || u.FirstName != "F" {
				t.Fatalf("user %d: %+v", i, u)
			}
		}
		calls := exportCalls(srv)
		if len(calls) != tc.requests {
			t.Errorf("%d users, perPage %d: %d requests, want %d", tc.users, tc.perPage, len(calls), tc.requests)
		}
		perPage := tc.perPage
		if perPage == 0 {
			perPage = 100
		}
		if len(calls) > 0 && calls[len(calls)-1].Query != fmt.Sprintf("page=%d&perPage=%d", tc.requests, perPage) {
			t.Errorf("last query %q", calls[len(calls)-1].Query)
		}
		if srv.TokensIssued() != 1 || srv.Connections() != 1 {
			t.Errorf("%d tokens, %d connections", srv.TokensIssued(), srv.Connections())
		}
	}
}

func TestExportStopsWhenTheCallerDoes(t *testing.T) {
	srv := cmotest.NewServer(t)
	putUsers(srv, 30)
	n := 0
	for _, err := range newClient(t, srv).ExportUsers(context.Background(), cmo.ExportQuery{PerPage: 10}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 15 {
			break
		}
	}
	if calls := exportCalls(srv); len(calls) != 2 {
		t.Errorf("%d pages fetched for 15 users", len(calls))
	}
}

func TestExportFilter(t *testing.T) {
	srv := cmotest.NewServer(t)
	c := newClient(t, srv)
	ctx := context.Background()
	t0 := srv.Now()
	if _, err := c.ImportUsers(ctx, people(2)); err != nil {
		t.Fatal(err)
	}
	srv.Advance(2 * time.Hour)
	t1 := srv.Now()
	if _, err := c.UpdateUsers(ctx, []cmo.User{{LoginName: "user00001", Phone: cmo.Some("5")}}); err != nil {
		t.Fatal(err)
	}
	users, err := collect(t, c, cmo.ExportQuery{From: t1.Add(-time.Second)})
	if err != nil || len(users) != 1 || users[0].LoginName != "user00001" || users[0].Phone != "5" || users[0].Modified.Before(t1.Truncate(time.Second)) {
		t.Errorf("since t1: %+v, %v", users, err)
	}
	// The bounds are sent in UTC whatever their zone.
	zone := time.FixedZone("AEST", 10*3600)
	users, err = collect(t, c, cmo.ExportQuery{From: t0.Add(-time.Second).In(zone), To: t1.Add(-time.Hour).In(zone)})
	if err != nil || len(users) != 1 || users[0].LoginName != "user00000" {
		t.Errorf("t0..t1-1h: %+v, %v", users, err)
	}
	q := exportCalls(srv)[1].Query
	if want := "from=" + strings.ReplaceAll(strings.ReplaceAll(t0.Add(-time.Second).UTC().Format(cmo.TimeLayout), " ", "+"), ":", "%3A"); !strings.Contains(q, want) {
		t.Errorf("query %q does not contain %q", q, want)
	}
	if u := users[0]; u.Email != "user00000@example.com" || u.UserRole != "Super User" || len(u.Raw) == 0 {
		t.Errorf("exported %+v", u)
	}
}

func TestExportQueryValidation(t *testing.T) {
	srv := cmotest.NewServer(t)
	c := newClient(t, srv)
	now := time.Now()
	for _, q := range []cmo.ExportQuery{{PerPage: 301}, {PerPage: -1}, {From: now, To: now.Add(-time.Second)}} {
		if _, err := collect(t, c, q); err == nil {
			t.Errorf("%+v accepted", q)
		}
	}
	if _, err := c.ExportUsersPage(context.Background(), cmo.ExportQuery{}, "0"); err == nil {
		t.Error("page 0 accepted")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests made", n)
	}
}

// TestTokenRenewedBeforeExpiry: a token about to expire (its exp claim is
// sooner than the client's margin) is renewed before a request, not after a
// refusal.
func TestTokenRenewedBeforeExpiry(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithTokenLifetime(10*time.Second))
	putUsers(srv, 5)
	if _, err := collect(t, newClient(t, srv), cmo.ExportQuery{PerPage: 2}); err != nil {
		t.Fatal(err)
	}
	pages := len(exportCalls(srv))
	if pages != 3 || srv.TokensIssued() != 3 {
		t.Errorf("%d page requests, %d tokens; want a fresh token for each of 3 pages and no 401", pages, srv.TokensIssued())
	}
}

// TestExpiredToken: a token the server takes as expired (its clock is ahead)
// is refused with 401; the client renews it once and goes on.
func TestExpiredToken(t *testing.T) {
	srv := cmotest.NewServer(t)
	putUsers(srv, 4)
	c := newClient(t, srv)
	ctx := context.Background()
	if _, err := c.ExportUsersPage(ctx, cmo.ExportQuery{PerPage: 2}, ""); err != nil {
		t.Fatal(err)
	}
	srv.Advance(cmotest.DefaultTokenLifetime + time.Minute)
	p, err := c.ExportUsersPage(ctx, cmo.ExportQuery{PerPage: 2}, "2")
	if err != nil || len(p.Items) != 2 || p.Items[0].LoginName != "u0002" {
		t.Fatalf("%+v, %v", p, err)
	}
	if calls := exportCalls(srv); len(calls) != 3 || srv.TokensIssued() != 2 {
		t.Errorf("%d requests, %d tokens; want page 1, a 401, page 2 again, and two tokens", len(calls), srv.TokensIssued())
	}
}

// TestRejectedToken: a token signed with a secret the server no longer has.
func TestRejectedToken(t *testing.T) {
	srv := cmotest.NewServer(t)
	putUsers(srv, 3)
	c := newClient(t, srv)
	ctx := context.Background()
	if _, err := c.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); err != nil {
		t.Fatal(err)
	}
	srv.RotateSecret()
	if _, err := c.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); err != nil {
		t.Fatal(err)
	}
	if srv.TokensIssued() != 2 {
		t.Errorf("%d tokens", srv.TokensIssued())
	}
}

// TestTokenRefusedTwice: a 401 with a fresh token is final.
func TestTokenRefusedTwice(t *testing.T) {
	srv := cmotest.NewServer(t)
	c := newClient(t, srv)
	srv.Faults.Push(cmotest.Fault{Status: 401, Body: `{"Message":"Authorization has been denied for this request."}`, Times: 2,
		Match: func(r *http.Request) bool { return r.URL.Path == cmo.ExportUsersPath }})
	_, err := c.ExportUsersPage(context.Background(), cmo.ExportQuery{}, "")
	var ae *cmo.APIError
	if !errors.As(err, &ae) || !errors.Is(err, cmo.ErrUnauthorized) || ae.StatusCode != 401 || ae.Op != "ExportUsers" {
		t.Errorf("err = %v", err)
	}
	if srv.TokensIssued() != 2 {
		t.Errorf("%d tokens", srv.TokensIssued())
	}
}

func TestExportWrongCredentials(t *testing.T) {
	srv := cmotest.NewServer(t)
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, "not-the-password"), cmo.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	_, err = collect(t, c, cmo.ExportQuery{})
	var ae *cmo.APIError
	if !errors.As(err, &ae) || !errors.Is(err, cmo.ErrUnauthorized) || ae.Op != "Token" || ae.StatusCode != 401 {
		t.Errorf("err = %v", err)
	}
	if strings.Contains(err.Error(), "not-the-password") {
		t.Errorf("password in %q", err)
	}
	if len(exportCalls(srv)) != 0 {
		t.Error("the export was called without a token")
	}
}

func TestExportForbidden(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithAccount("reader", "reader-pass", false))
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin("reader", "reader-pass"), cmo.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := collect(t, c, cmo.ExportQuery{}); !errors.Is(err, cmo.ErrForbidden) {
		t.Errorf("err = %v", err)
	}
}

// TestExportRepeatedPage: a server that ignores the page parameter would
// make the iterator loop for ever; it stops with an error instead.
func TestExportRepeatedPage(t *testing.T) {
	const tok = `"eyJhbGciOiJIUzI1NiJ9.eyJzdWJqZWN0IjoxfQ.c2lnbmF0dXJl"`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == cmo.TokenPath {
			fmt.Fprint(w, tok)
			return
		}
		fmt.Fprint(w, `[{"LoginName":"a"},{"LoginName":"b"}]`)
	}))
	defer srv.Close()
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin("a", "password"), cmo.WithInsecureHTTP())
	if err != nil {
		t.Fatal(err)
	}
	users, err := collect(t, c, cmo.ExportQuery{PerPage: 2})
	if !errors.Is(err, paging.ErrRepeatedPage) || !strings.Contains(err.Error(), "page 2") || len(users) != 2 {
		t.Errorf("%d users, err %v", len(users), err)
	}
}
