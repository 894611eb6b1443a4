package sagepeople_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// TestBulkGivesWhatRESTGives: the same typed members through a Bulk API
// 2.0 job (three result sets, gzip) as through REST pages, with values that
// need CSV quoting (commas, quotes, new lines).
func TestBulkGivesWhatRESTGives(t *testing.T) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithBulkPolls(2))
	fill(srv, 7)
	odd := member(99)
	odd.Address.Line1 = "Flat 2, \"The Mill\"\nCanal Street"
	odd.Employment.End = sagepeople.Date{Year: 2026, Month: 3, Day: 31}
	srv.AddTeamMember(odd)
	c := newClient(t, srv, sagepeople.WithBulkMaxRecords(3), sagepeople.WithCustomFields("fHCM2__Current_Employment__r.fHCM2__Team_Member__c"))
	q := sagepeople.Query{OrderBy: []string{"Id"}}
	q.Via = sagepeople.ViaREST
	rest := collect(t, c, q)
	q.Via = sagepeople.ViaBulk
	bulk := collect(t, c, q)
	if diff := cmp.Diff(rest, bulk); diff != "" || len(bulk) != 8 {
		t.Errorf("Bulk and REST differ (-rest +bulk):\n%s", diff)
	}
	if bulk[7].Address.Line1 != odd.Address.Line1 {
		t.Errorf("quoted CSV value %q", bulk[7].Address.Line1)
	}
	var polls, sets, deleted int
	for _, r := range srv.Requests() {
		switch {
		case r.Method == "GET" && strings.HasSuffix(r.Path, "/results"):
			sets++
			if r.Header.Get("Accept-Encoding") != "gzip" {
				t.Errorf("results asked for without gzip")
			}
		case r.Method == "GET" && strings.Contains(r.Path, "/jobs/query/"):
			polls++
		case r.Method == "DELETE":
			deleted++
		}
	}
	if polls != 3 || sets != 3 || deleted != 1 {
		t.Errorf("%d polls, %d result sets, %d deletions; want 3, 3, 1", polls, sets, deleted)
	}
}

func TestBulkChosenAboveThreshold(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 5)
	for _, tc := range []struct {
		threshold int
		bulk      bool
	}{{4, true}, {5, false}} {
		c := newClient(t, srv, sagepeople.WithBulkThreshold(tc.threshold))
		before := len(srv.Requests())
		if got := collect(t, c, sagepeople.Query{}); len(got) != 5 {
			t.Errorf("%d members", len(got))
		}
		usedBulk := false
		for _, r := range srv.Requests()[before:] {
			usedBulk = usedBulk || strings.Contains(r.Path, "/jobs/query")
		}
		if usedBulk != tc.bulk {
			t.Errorf("threshold %d: Bulk used %v, want %v", tc.threshold, usedBulk, tc.bulk)
		}
	}
}

func TestBulkJobFailed(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 2)
	c := newClient(t, srv)
	srv.Faults.Push(sagepeopletest.Fault{Match: func(r *http.Request) bool { return r.Method == "GET" && strings.Contains(r.URL.Path, "/jobs/query/") },
		Status: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"id":"750x","state":"Failed","errorMessage":"InvalidBatch : Failed to process query"}`})
	var err error
	for _, err = range c.TeamMembers(context.Background(), sagepeople.Query{Via: sagepeople.ViaBulk}) {
		if err != nil {
			break
		}
	}
	if !errors.Is(err, sagepeople.ErrJobFailed) || !strings.Contains(err.Error(), "Failed to process query") {
		t.Fatalf("error %v, want ErrJobFailed", err)
	}
}

// TestBulkStoppedEarlyAbortsNothingButDeletes: a caller that stops ranging
// leaves no job behind.
func TestBulkCallerStops(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 5)
	c := newClient(t, srv, sagepeople.WithBulkMaxRecords(2))
	for range c.TeamMembers(context.Background(), sagepeople.Query{Via: sagepeople.ViaBulk}) {
		break
	}
	deleted := 0
	for _, r := range srv.Requests() {
		if r.Method == "DELETE" {
			deleted++
		}
	}
	if deleted != 1 {
		t.Errorf("%d job deletions, want 1", deleted)
	}
}

func TestBulkCancelledWhilePollingAborts(t *testing.T) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithBulkPolls(1000))
	fill(srv, 2)
	c := newClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	polls := 0
	srv.Faults.Push(sagepeopletest.Fault{Match: func(r *http.Request) bool {
		if r.Method == "GET" && strings.Contains(r.URL.Path, "/jobs/query/") {
			if polls++; polls == 3 {
				cancel()
			}
		}
		return false
	}})
	var err error
	for _, err = range c.TeamMembers(ctx, sagepeople.Query{Via: sagepeople.ViaBulk}) {
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	var aborted, deleted bool
	for _, r := range srv.Requests() {
		aborted = aborted || r.Method == "PATCH" && strings.Contains(string(r.Body), "Aborted")
		deleted = deleted || r.Method == "DELETE"
	}
	if !aborted || !deleted {
		t.Errorf("aborted %v, deleted %v", aborted, deleted)
	}
}

func TestBulkBadCSV(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 1)
	c := newClient(t, srv, sagepeople.WithFields(sagepeople.Fields{FullName: "Name"}))
	results := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/results") }
	csvHeader := http.Header{"Content-Type": {"text/csv"}, "Sforce-Locator": {"null"}}
	for _, tc := range []struct {
		name, body string
		good, bad  int
		fatal      bool
	}{
		{"a row with too many columns", "Id,SystemModstamp,IsDeleted,Name\na0T1,2024-01-02T03:04:05.000Z,false,Ann\na0T2,2024-01-02T03:04:05.000Z,false,Bob,extra\na0T3,2024-01-02T03:04:05.000Z,false,\"Cy\nDe\"\n", 2, 1, false},
		{"a bad date-time", "Id,SystemModstamp,IsDeleted,Name\na0T1,yesterday,false,Ann\n", 0, 1, false},
		{"a header without Id", "SystemModstamp,IsDeleted,Name\n", 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.Faults.Push(sagepeopletest.Fault{Match: results, Status: 200, Header: csvHeader, Body: tc.body})
			good, bad := 0, 0
			var fatal error
			for _, err := range c.TeamMembers(context.Background(), sagepeople.Query{Via: sagepeople.ViaBulk}) {
				switch {
				case errors.Is(err, sagepeople.ErrBadRecord):
					bad++
				case err != nil:
					fatal = err
				default:
					good++
				}
			}
			if good != tc.good || bad != tc.bad || (fatal != nil) != tc.fatal {
				t.Errorf("%d good, %d bad, error %v", good, bad, fatal)
			}
		})
	}
}

// TestBulkInflatedSetRefused: a gzip result set that inflates past its
// bound is refused, not read.
func TestBulkInflatedSetRefused(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 1)
	c := newClient(t, srv, sagepeople.WithMaxBodyBytes(4000), sagepeople.WithFields(sagepeople.Fields{FullName: "Name"}))
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	io.WriteString(zw, "Id,SystemModstamp,IsDeleted,Name\n")
	for range 10_000 {
		io.WriteString(zw, "a0T1,2024-01-02T03:04:05.000Z,false,Ann\n")
	}
	zw.Close()
	srv.Faults.Push(sagepeopletest.Fault{Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/results") },
		Status: 200, Header: http.Header{"Content-Type": {"text/csv"}, "Content-Encoding": {"gzip"}, "Sforce-Locator": {"null"}},
		Body: zipped.String()})
	var err error
	n := 0
	for _, err = range c.TeamMembers(context.Background(), sagepeople.Query{Via: sagepeople.ViaBulk}) {
		if err != nil {
			break
		}
		n++
	}
	if zipped.Len() > 4000 || !errors.Is(err, sagepeople.ErrUnexpectedContent) || !strings.Contains(err.Error(), "decompressed") {
		t.Fatalf("%d bytes zipped, %d members, error %v; want the inflated set refused", zipped.Len(), n, err)
	}
}
