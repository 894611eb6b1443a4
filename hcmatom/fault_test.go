package hcmatom_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
	"github.com/hrbridge/hrbridge/internal/transport"
)

func readFirst(c *hcmatom.Client) (*hcmatom.FeedPage, error) {
	return c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed})
}

func TestFaultsRetriedUntilTheyPass(t *testing.T) {
	for _, f := range []hcmatomtest.Fault{
		{Status: http.StatusTooManyRequests, RetryAfter: "0", Times: 2},
		{Status: http.StatusServiceUnavailable, RetryAfter: "0", Times: 2},
		{Status: http.StatusBadGateway, Times: 2},
		{Drop: true, Times: 2},
	} {
		s := hcmatomtest.NewServer(t)
		addUpdates(s, t0)
		s.Faults.Push(f)
		p, err := readFirst(newClient(t, s))
		if err != nil || len(p.Entries) != 1 {
			t.Errorf("%v: %v", f, err)
		}
		if got := len(s.Faults.Injected()); got != 2 {
			t.Errorf("%v: %d faults injected", f, got)
		}
	}
}

func TestFaultsThatLast(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	addUpdates(s, t0)
	c := newClient(t, s)

	s.Faults.Push(hcmatomtest.Fault{Status: 503, RetryAfter: "0", Body: `{"title":"Service Unavailable","detail":"maintenance"}`, Times: 10})
	_, err := readFirst(c)
	var ae *hcmatom.APIError
	if !errors.As(err, &ae) || !errors.Is(err, hcmatom.ErrUnavailable) || ae.Attempts != 4 || ae.Message != "Service Unavailable: maintenance" {
		t.Errorf("503: %v", err)
	}
	s.Faults.Reset()

	s.Faults.Push(hcmatomtest.Fault{Status: 429, RetryAfter: "0", Times: 10})
	if _, err := readFirst(c); !errors.Is(err, hcmatom.ErrRateLimited) {
		t.Errorf("429: %v", err)
	}
	s.Faults.Reset()

	s.Faults.Push(hcmatomtest.Fault{Drop: true, Times: 10})
	var ce *transport.ConnError
	if _, err := readFirst(c); !errors.As(err, &ce) {
		t.Errorf("drop: %v", err)
	}
	s.Faults.Reset()

	for _, f := range []hcmatomtest.Fault{{Garble: true}, {Truncate: true}, {Truncate: true, Keep: 300}} {
		s.Faults.Push(f)
		_, err := readFirst(c)
		var re *hcmatom.APIError
		if !errors.As(err, &re) || !strings.Contains(re.URL, "/atomservlet/employee/empupdate") || re.Op != "ReadPage" ||
			strings.Count(err.Error(), "hcmatom") != 1 {
			t.Errorf("%v: %v", f, err)
		}
	}

	s.Faults.Push(hcmatomtest.Fault{Delay: time.Second})
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := c.ReadPage(short, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow answer: %v", err)
	}
}

// A garbled or truncated page stops the run; the cursor stays before the
// page, and the next run delivers its events.
func TestSyncAcrossBrokenPages(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	var at []time.Time
	for i := range 25 {
		at = append(at, t0.Add(time.Duration(i)*time.Minute))
	}
	addUpdates(s, at...)
	all := ids(s, hcmatom.PersonUpdateFeed)
	rec := &recorder{}
	sy := &hcmatom.Sync{Client: newClient(t, s), Store: &hcmatom.MemoryStore{}, Feeds: []hcmatom.Collection{hcmatom.PersonUpdateFeed}}
	s.Faults.Push(hcmatomtest.Fault{}, hcmatomtest.Fault{Garble: true}) // the second page is garbled
	if _, err := sy.Run(ctx, rec.handle); err == nil {
		t.Fatal("a garbled page went unnoticed")
	}
	s.Faults.Push(hcmatomtest.Fault{Truncate: true}) // then the first one asked again is cut
	if _, err := sy.Run(ctx, rec.handle); err == nil {
		t.Fatal("a truncated page went unnoticed")
	}
	if _, err := sy.Run(ctx, rec.handle); err != nil {
		t.Fatal(err)
	}
	if strings.Join(rec.got, " ") != strings.Join(all, " ") {
		t.Errorf("delivered\n%v\nwant\n%v", rec.got, all)
	}
}

// A soak: random faults on a third of the requests; runs are repeated
// until one succeeds. Every event arrives, in order, the roster ends right.
func TestSyncUnderRandomFaults(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	want := hcmatom.NewRoster()
	var workers []hcmatomtest.Worker
	for i := range 12 {
		at := t0.Add(time.Duration(i) * time.Hour)
		w := s.Hire(at, hcmatomtest.Worker{JobID: "J1"})
		workers = append(workers, w)
		if i%3 == 0 {
			s.Promote(at.Add(time.Minute), w.AssignmentID, map[string]string{"JobId": "J2"})
		}
		if i%4 == 1 {
			s.Terminate(at.Add(2*time.Minute), w.PeriodOfServiceID, hcmatom.Date{})
		}
	}
	clean := &hcmatom.Sync{Client: newClient(t, s), Store: &hcmatom.MemoryStore{}}
	if _, err := clean.Run(ctx, func(_ context.Context, ev hcmatom.Event) error { _, err := want.Apply(ev); return err }); err != nil {
		t.Fatal(err)
	}
	s.Faults.Random(7, 0.3, hcmatomtest.Fault{Status: 503, RetryAfter: "0"}, hcmatomtest.Fault{Status: 429, RetryAfter: "0"},
		hcmatomtest.Fault{Drop: true}, hcmatomtest.Fault{Garble: true}, hcmatomtest.Fault{Truncate: true})
	got := hcmatom.NewRoster()
	sy := &hcmatom.Sync{Client: newClient(t, s, hcmatom.WithRetry(1, time.Millisecond)), Store: &hcmatom.MemoryStore{}, PageSize: 3}
	failures := 0
	for {
		_, err := sy.Run(ctx, func(_ context.Context, ev hcmatom.Event) error { _, err := got.Apply(ev); return err })
		if err == nil {
			break
		}
		if failures++; failures > 200 {
			t.Fatalf("still failing after %d runs: %v", failures, err)
		}
	}
	if failures == 0 || len(s.Faults.Injected()) == 0 {
		t.Errorf("no fault met (%d failed runs)", failures)
	}
	if a, b := snapshot(got), snapshot(want); len(a) != len(workers) || !reflect.DeepEqual(a, b) {
		t.Errorf("roster after faults differs")
	}
}

// The secrets test: a password, a bearer token and a private key appear in
// no error and no debug log line.
func TestSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	const password = "Tr0ub4dor&3-very-secret"
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := hcmatomtest.NewServer(t, hcmatomtest.WithBasicAuth("HR_API", "other"))
	s.Faults.Push(hcmatomtest.Fault{Status: 503, RetryAfter: "0", Body: "echo: Authorization: Basic " + password})
	c, _ := hcmatom.NewClient(s.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth("HR_API", password), hcmatom.WithLogger(logger),
		hcmatom.WithRetry(1, time.Millisecond))
	var errs []string
	_, err := readFirst(c)
	errs = append(errs, err.Error())
	s.Faults.Push(hcmatomtest.Fault{Drop: true, Times: 5})
	_, err = readFirst(c)
	errs = append(errs, err.Error())

	key, cert := newCert(t)
	js := hcmatomtest.NewServer(t, hcmatomtest.WithFusionJWT("acme", cert))
	jc, _ := hcmatom.NewClient(js.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithFusionJWT("acme", "NOT_A_USER", key, cert), hcmatom.WithLogger(logger))
	_, err = jc.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed})
	errs = append(errs, err.Error())

	text := strings.Join(errs, "\n") + logs.String()
	if !strings.Contains(logs.String(), "hrbridge: request") {
		t.Fatalf("no debug log written: %q", logs.String())
	}
	for _, secret := range []string{password, "eyJ", "PRIVATE KEY", key.D.String()[:20]} {
		if strings.Contains(text, secret) {
			t.Errorf("%q leaked into:\n%s", secret, text)
		}
	}
}
