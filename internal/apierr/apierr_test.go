package apierr

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/internal/transport"
)

func TestStatusesAreSentinels(t *testing.T) {
	for status, want := range map[int]error{
		401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound, 410: ErrNotFound,
		409: ErrConflict, 429: ErrRateLimited, 500: ErrUnavailable, 503: ErrUnavailable,
	} {
		h := http.Header{"Retry-After": {"7"}, "X-Request-Id": {"rq-1"}}
		err := FromTransport("cmo", "Op", &transport.HTTPError{Method: "GET", URL: "https://x/y", StatusCode: status, Header: h, Body: []byte("nope"), Attempts: 2})
		if !errors.Is(err, want) {
			t.Errorf("%d: %v is not %v", status, err, want)
		}
		var e *Error
		if !errors.As(err, &e) || e.RetryAfter.Seconds() != 7 || e.RequestID != "rq-1" || e.Attempts != 2 || e.Message != "nope" {
			t.Errorf("%d: fields %+v", status, e)
		}
		if got := err.Error(); !strings.HasPrefix(got, "cmo: Op: GET https://x/y: ") || strings.Count(got, "cmo:") != 1 || !strings.Contains(got, "(request id rq-1)") {
			t.Errorf("%d: text %q", status, got)
		}
		for _, other := range []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited, ErrUnavailable, ErrInvalid, ErrUnexpectedContent} {
			if other != want && errors.Is(err, other) {
				t.Errorf("%d is also %v", status, other)
			}
		}
	}
}

func TestOtherErrorsAreKept(t *testing.T) {
	err := FromTransport("hcmscim", "GetUser", context.Canceled)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrUnavailable) {
		t.Errorf("%v: want context.Canceled kept, not unavailable", err)
	}
	conn := &transport.ConnError{Method: "GET", URL: "https://x", Attempts: 4}
	if err := FromTransport("hcmscim", "GetUser", conn); !errors.Is(err, ErrUnavailable) {
		t.Errorf("%v: want ErrUnavailable for no response", err)
	}
	if FromTransport("x", "y", nil) != nil {
		t.Error("nil became an error")
	}
}

func TestHTMLIsUnexpectedContent(t *testing.T) {
	page := "<!DOCTYPE html><html><head><title>Sign In</title></head><body>...</body></html>"
	resp := &http.Response{
		StatusCode: 200,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(page)),
		Request:    &http.Request{Method: "GET", URL: &url.URL{Scheme: "https", Host: "h", Path: "/p"}},
	}
	err := CheckContent("hcmscim", "ListUsers", resp, "JSON")
	if !errors.Is(err, ErrUnexpectedContent) || !strings.Contains(err.Error(), "Sign In") {
		t.Fatalf("err = %v", err)
	}
	resp.Body = io.NopCloser(strings.NewReader(`{"a":1}`))
	if err := CheckContent("hcmscim", "ListUsers", resp, "JSON"); err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(resp.Body); string(b) != `{"a":1}` {
		t.Errorf("body after the check = %q", b)
	}
	he := &transport.HTTPError{StatusCode: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte(page)}
	if err := FromHTTP("cmo", "Import", he); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "Sign In") {
		t.Errorf("502 page: %v", err)
	}
	// A Kind replaces the status's sentinel: a SOAP client fault comes
	// with a 500 and is not the service being unavailable.
	fault := &Error{Package: "cmo", StatusCode: 500, Kind: ErrNotFound}
	if !errors.Is(fault, ErrNotFound) || errors.Is(fault, ErrUnavailable) {
		t.Errorf("a kinded 500: %v", fault)
	}
}

// A request that got no answer is named once, with the reason.
func TestNoResponseNamesTheRequestOnce(t *testing.T) {
	c, err := transport.New(transport.Config{BaseURL: "http://127.0.0.1:1", AllowHTTP: true, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &transport.Request{Method: "GET", Path: "/x"})
	err = FromTransport("cmo", "Export", err)
	got := err.Error()
	if !errors.Is(err, ErrUnavailable) || strings.Count(got, "127.0.0.1:1/x") != 1 || !strings.Contains(got, "no response: ") || !strings.Contains(got, "refused") {
		t.Errorf("%q", got)
	}
}
