package sagepeople_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

func TestFaults(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     sagepeopletest.Fault
		wantOK    bool
		sentinel  error
		atLeastOn int // attempts the error reports
	}{
		{"429 then an answer", sagepeopletest.Fault{Match: onInstance, Status: 429, RetryAfter: "0", Times: 2}, true, nil, 0},
		{"503 with Retry-After then an answer", sagepeopletest.Fault{Match: onInstance, Status: 503, RetryAfter: "0"}, true, nil, 0},
		{"503 every time", sagepeopletest.Fault{Match: onInstance, Status: 503, RetryAfter: "0", Times: 3}, false, sagepeople.ErrUnavailable, 3},
		{"429 every time", sagepeopletest.Fault{Match: onInstance, Status: 429, Times: 3}, false, sagepeople.ErrRateLimited, 3},
		{"token endpoint down, then up", sagepeopletest.Fault{Match: onToken, Status: 503}, true, nil, 0},
		{"dropped connection", sagepeopletest.Fault{Match: onInstance, Drop: true, Times: 3}, false, sagepeople.ErrUnavailable, 0},
		{"truncated body", sagepeopletest.Fault{Match: onInstance, Truncate: true}, false, sagepeople.ErrUnexpectedContent, 0},
		{"garbled body", sagepeopletest.Fault{Match: onInstance, Garble: true}, false, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sagepeopletest.NewServer(t)
			fill(srv, 3)
			c := newClient(t, srv)
			srv.Faults.Push(tc.fault)
			var got []sagepeople.TeamMember
			var err error
			for m, e := range c.TeamMembers(context.Background(), sagepeople.Query{Via: sagepeople.ViaREST}) {
				if e != nil {
					err = e
					break
				}
				got = append(got, m)
			}
			if tc.wantOK {
				if err != nil || len(got) != 3 {
					t.Fatalf("%d members, %v", len(got), err)
				}
				return
			}
			if err == nil {
				// A garbled body may still be JSON; then the records
				// must have been reported bad or come whole.
				if !tc.fault.Garble || len(got) > 3 {
					t.Fatalf("no error, %d members", len(got))
				}
				return
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Fatalf("error %v, want %v", err, tc.sentinel)
			}
			var ae *sagepeople.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %T %v is not an *APIError", err, err)
			}
			if tc.atLeastOn > 0 && ae.Attempts < tc.atLeastOn {
				t.Errorf("%d attempts, want %d", ae.Attempts, tc.atLeastOn)
			}
		})
	}
}

func TestSlowAnswerAndContext(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 1)
	c := newClient(t, srv, sagepeople.WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}), sagepeople.WithRetry(0, time.Millisecond))
	if _, err := c.Count(context.Background(), sagepeople.Query{}); err != nil {
		t.Fatal(err)
	}
	srv.Faults.Push(sagepeopletest.Fault{Match: onInstance, Delay: time.Second})
	if _, err := c.Count(context.Background(), sagepeople.Query{}); !errors.Is(err, sagepeople.ErrUnavailable) {
		t.Errorf("slow answer: %v, want ErrUnavailable", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Count(ctx, sagepeople.Query{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
