package ohris_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

// The errors have the shape every hrbridge client shares.
func TestErrorsShared(t *testing.T) {
	if ohris.ErrNotFound != apierr.ErrNotFound || ohris.ErrUnauthorized != apierr.ErrUnauthorized ||
		ohris.ErrForbidden != apierr.ErrForbidden || ohris.ErrInvalid != apierr.ErrInvalid {
		t.Fatal("the sentinels are not the shared ones")
	}
	srv := ohristest.NewServer(t)
	c := newClient(t, srv)
	_, err := c.OpenArchive(context.Background(), ohris.Prod, "flux_utilisateurs_20000101.xml")
	var e *ohris.APIError
	if !errors.As(err, &e) || !errors.Is(err, ohris.ErrNotFound) {
		t.Fatalf("err = %#v", err)
	}
	want := srv.URL + "/~/archives/prod/flux_utilisateurs_20000101.xml"
	if e.Package != "ohris" || e.Op != "open" || e.URL != want || e.Code != "SSH_FX_NO_SUCH_FILE (2)" || e.Message == "" {
		t.Errorf("fields %+v, want URL %s", e, want)
	}
	if got := err.Error(); strings.Count(got, "ohris") != 1 || !strings.HasPrefix(got, "ohris: open: "+want) {
		t.Errorf("text %q", got)
	}
	// A login refused.
	bad, _ := ohris.NewClient(srv.URL, ohris.WithPassword(srv.Username, "not-it"), ohris.WithHostKey(srv.HostKey))
	err = bad.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x"))
	if !errors.As(err, &e) || !errors.Is(err, ohris.ErrUnauthorized) || e.Op != "login" || strings.Contains(err.Error(), "not-it") {
		t.Errorf("login refused: %v", err)
	}
	// Validation.
	if err := c.Upload(context.Background(), "../x", seedName, strings.NewReader("x")); !errors.Is(err, ohris.ErrInvalid) {
		t.Errorf("bad env: %v", err)
	}
}

func TestNewClientURL(t *testing.T) {
	srv := ohristest.NewServer(t)
	pw, hk := ohris.WithPassword(srv.Username, srv.Password), ohris.WithHostKey(srv.HostKey)
	for _, bad := range []string{"sftp://u:secret@h/x", "sftp://h/x?a=b", "sftp://h/x#f", "https://h/x", "sftp:///x", "h"} {
		if _, err := ohris.NewClient(bad, pw, hk); !errors.Is(err, ohris.ErrInvalid) || strings.Contains(err.Error(), "secret") {
			t.Errorf("NewClient(%q) = %v", bad, err)
		}
	}
	// The URL's path is the base folder; /~/ is under the login folder.
	srv.WriteFile("/depot/prod/base", nil)
	for _, base := range []string{"", "/", "/~", "/~/"} {
		c, err := ohris.NewClient(srv.URL+base, pw, hk)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range c.Depot(context.Background(), ohris.Prod) {
			if err != nil {
				t.Fatalf("%q: %v", base, err)
			}
			n++
		}
		if n != 1 {
			t.Errorf("%q: %d files", base, n)
		}
		c.Close()
	}
	c, _ := ohris.NewClient(srv.URL+"/elsewhere", pw, hk)
	for _, err := range c.Depot(context.Background(), ohris.Prod) {
		var e *ohris.APIError
		if !errors.As(err, &e) || e.URL != srv.URL+"/elsewhere/depot/prod" {
			t.Errorf("under /elsewhere: %v", err)
		}
	}
	c.Close()
	// host:port still works.
	if _, err := ohris.NewClient(srv.Addr, pw, hk); err != nil {
		t.Error(err)
	}
}

func TestDates(t *testing.T) {
	d, err := ohris.ParseISODate("2024-02-29")
	if err != nil || d != (ohris.Date{Year: 2024, Month: 2, Day: 29}) {
		t.Errorf("2024-02-29: %v %v", d, err)
	}
	for _, bad := range []string{"2024-02-30", "2023-02-29", "31/01/2024", "20240131", ""} {
		if _, err := ohris.ParseISODate(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	at := time.Date(2024, 1, 31, 23, 30, 0, 0, time.UTC)
	if got := ohris.DateOf(at.In(paris)); got.String() != "2024-02-01" {
		t.Errorf("DateOf in Paris = %s", got)
	}
}

// The fake has the fields and options of every fake.
func TestFakeShape(t *testing.T) {
	now := time.Date(2024, 2, 5, 7, 0, 0, 0, time.UTC)
	srv, err := ohristest.Start(ohristest.WithPassword("acme", "pw"), ohristest.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.URL != "sftp://"+srv.Addr || srv.Username != "acme" || srv.Password != "pw" || srv.HostKey == nil {
		t.Errorf("fields %q %q %q %q %v", srv.URL, srv.Addr, srv.Username, srv.Password, srv.HostKey)
	}
	def := ohristest.NewServer(t)
	if def.Username != ohristest.DefaultUser || len(def.Password) < 16 {
		t.Errorf("defaults %q %q", def.Username, def.Password)
	}
}
