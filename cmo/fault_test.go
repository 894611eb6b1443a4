package cmo_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

func isExport(r *http.Request) bool { return r.URL.Path == cmo.ExportUsersPath }

// An import call is retried on 429, which CMO answers without acting, and
// on nothing else: a 503 or a dropped connection may come after CMO acted.
func TestImportRetries(t *testing.T) {
	srv := cmotest.NewServer(t)
	srv.Faults.Push(cmotest.Fault{Status: 429, RetryAfter: "0", Times: 2})
	res, err := newClient(t, srv).ImportUsers(context.Background(), people(3))
	if err != nil || res.Imported != 3 || len(soapCalls(srv)) != 1 || srv.Faults.Requests() != 3 {
		t.Errorf("429: %+v, %v, %d attempts", res, err, srv.Faults.Requests())
	}
	for _, f := range []cmotest.Fault{{Status: 503, RetryAfter: "0"}, {Drop: true}} {
		srv := cmotest.NewServer(t)
		srv.Faults.Push(f)
		res, err := newClient(t, srv).ImportUsers(context.Background(), people(3))
		if err == nil || srv.Faults.Requests() != 1 || res.Records[0].Status != cmo.StatusUnknown {
			t.Errorf("%v: %+v, %v, %d attempts", f, res.Records[0], err, srv.Faults.Requests())
		}
	}
}

func TestImportThrottledOutlastsRetries(t *testing.T) {
	srv := cmotest.NewServer(t)
	srv.Faults.Push(cmotest.Fault{Status: 429, RetryAfter: "0", Body: "Too Many Requests", Times: 10})
	res, err := newClient(t, srv).ImportUsers(context.Background(), people(2))
	var ae *cmo.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 || ae.Message != "Too Many Requests" {
		t.Fatalf("err = %v", err)
	}
	if srv.Faults.Requests() != 4 {
		t.Errorf("%d attempts, want 1 + 3 retries", srv.Faults.Requests())
	}
	if res.Records[0].Status != cmo.StatusUnknown {
		t.Errorf("status %s", res.Records[0].Status)
	}
}

func TestImportBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		fault cmotest.Fault
		want  string
	}{
		{cmotest.Fault{Truncate: true}, "malformed"},
		{cmotest.Fault{Garble: true}, "malformed"},
		{cmotest.Fault{Status: 500, Body: "<html><head><title>Runtime Error</title></head><body>Runtime Error</body></html>"}, "500 Internal Server Error: an HTML page (Runtime Error)"},
		{cmotest.Fault{Status: 404, Body: "Not Found"}, "404 Not Found: Not Found"},
	} {
		srv := cmotest.NewServer(t)
		srv.Faults.Push(tc.fault)
		res, err := newClient(t, srv).ImportUsers(context.Background(), people(2))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.fault, err, tc.want)
			continue
		}
		// The call reached CMO, or may have: what happened is unknown.
		if res.Records[0].Status != cmo.StatusUnknown || res.Outcome != cmo.OutcomeTrue && len(res.Batches) == 0 {
			t.Errorf("%v: %+v", tc.fault, res.Records[0])
		}
		if tc.fault.Status == 404 && !errors.Is(err, cmo.ErrNotFound) {
			t.Errorf("404 is not ErrNotFound: %v", err)
		}
		if n := srv.Faults.Requests(); n != 1 {
			t.Errorf("%v: %d attempts", tc.fault, n)
		}
	}
}

func TestSOAPFaultIsAnAPIError(t *testing.T) {
	srv := cmotest.NewServer(t)
	srv.Faults.Push(cmotest.Fault{Status: 500, Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}},
		Body: `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode><faultstring>Server was unable to process request. ---&gt; Timeout expired.</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>`})
	_, err := newClient(t, srv).ImportOrgUnits(context.Background(), []cmo.OrgUnit{{OrgName: "X"}})
	var ae *cmo.APIError
	if !errors.As(err, &ae) || ae.Code != "soap:Server" || ae.StatusCode != 500 || ae.Message != "Server was unable to process request. ---> Timeout expired." || ae.Op != cmo.OpAsyncGroupsImport {
		t.Errorf("err = %#v", err)
	}
}

func TestImportSlowAnswer(t *testing.T) {
	srv := cmotest.NewServer(t)
	// The server notices the client leaving only once it reads the body,
	// after the delay, which the test's end waits for: keep it short.
	srv.Faults.Push(cmotest.Fault{Delay: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := newClient(t, srv).ImportUsers(ctx, people(1))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}

func TestExportFaults(t *testing.T) {
	for _, tc := range []struct {
		fault  cmotest.Fault
		ok     bool
		detail string
	}{
		{cmotest.Fault{Status: 503, RetryAfter: "0", Match: isExport}, true, ""},
		{cmotest.Fault{Status: 429, RetryAfter: "0", Times: 2, Match: isExport}, true, ""},
		{cmotest.Fault{Status: 503, RetryAfter: "0", Match: func(r *http.Request) bool { return r.URL.Path == cmo.TokenPath }}, true, ""},
		{cmotest.Fault{Drop: true, Match: isExport}, true, ""},
		{cmotest.Fault{Truncate: true, Match: isExport}, false, "page 1"},
		{cmotest.Fault{Garble: true, Match: isExport}, false, "page 1"},
		{cmotest.Fault{Status: 500, Body: `{"Message":"An error has occurred."}`, Match: isExport}, false, `500 Internal Server Error: {"Message":"An error has occurred."}`},
	} {
		srv := cmotest.NewServer(t)
		putUsers(srv, 3)
		srv.Faults.Push(tc.fault)
		users, err := collect(t, newClient(t, srv), cmo.ExportQuery{})
		switch {
		case tc.ok && (err != nil || len(users) != 3):
			t.Errorf("%v: %d users, %v", tc.fault, len(users), err)
		case !tc.ok && (err == nil || !strings.Contains(err.Error(), tc.detail)):
			t.Errorf("%v: err = %v, want %q", tc.fault, err, tc.detail)
		}
	}
}

func TestExportSlowAnswer(t *testing.T) {
	srv := cmotest.NewServer(t)
	srv.Faults.Push(cmotest.Fault{Delay: 5 * time.Second, Match: isExport})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	for _, err := range newClient(t, srv).ExportUsers(ctx, cmo.ExportQuery{}) {
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v", err)
		}
	}
}

func TestAnswerOverTheSizeLimit(t *testing.T) {
	srv := cmotest.NewServer(t)
	_, err := newClient(t, srv, cmo.WithMaxBodyBytes(200)).ImportUsers(context.Background(), people(5))
	if err == nil || !strings.Contains(err.Error(), "exceeds the limit of 200 bytes") {
		t.Errorf("err = %v", err)
	}
}
