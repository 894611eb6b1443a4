package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/internal/fault"
)

// newTestClient starts h behind a fault injector and returns a client for it
// with short back-off, so retries cost milliseconds.
func newTestClient(t *testing.T, h http.Handler, cfg Config) (*Client, *fault.Injector, *httptest.Server) {
	t.Helper()
	inj := fault.New()
	srv := httptest.NewServer(inj.Wrap(h))
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL
	cfg.AllowHTTP = true
	if cfg.WaitMin == 0 {
		cfg.WaitMin = time.Millisecond
	}
	if cfg.WaitMax == 0 {
		cfg.WaitMax = 5 * time.Millisecond
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, inj, srv
}

func okHandler(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		io.WriteString(w, body)
	})
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRetriesTransientStatuses(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		c, inj, _ := newTestClient(t, okHandler("done"), Config{})
		inj.Push(fault.Fault{Status: status, RetryAfter: "0", Times: 2})
		resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/x"})
		if err != nil {
			t.Fatalf("status %d: %v", status, err)
		}
		if got := readAll(t, resp); got != "done" {
			t.Errorf("status %d: body %q", status, got)
		}
		if n := inj.Requests(); n != 3 {
			t.Errorf("status %d: server saw %d requests, want 3", status, n)
		}
	}
}

func TestGivesUpAfterRetriesWithLastStatusAndBody(t *testing.T) {
	c, inj, _ := newTestClient(t, okHandler("done"), Config{Retries: 2})
	inj.Push(fault.Fault{Status: 503, Body: "maintenance until noon", Times: 10})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/x"})
	var he *HTTPError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v, want *HTTPError", err)
	}
	if he.StatusCode != 503 || he.Attempts != 3 || !strings.Contains(string(he.Body), "maintenance") {
		t.Errorf("HTTPError = %+v", he)
	}
	if inj.Requests() != 3 {
		t.Errorf("server saw %d requests, want 3", inj.Requests())
	}
	if !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "after 3 attempts") {
		t.Errorf("error text %q", err)
	}
}

func TestNoRetryOnClientErrors(t *testing.T) {
	c, inj, _ := newTestClient(t, okHandler("done"), Config{})
	inj.Push(fault.Fault{Status: 400, Body: "bad", Times: 5})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/x"})
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 400 || inj.Requests() != 1 {
		t.Fatalf("err = %v after %d requests", err, inj.Requests())
	}
}

func TestPostIsNotReplayedUnlessIdempotent(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fault      fault.Fault
		idempotent bool
		requests   int
		ok         bool
	}{
		{"503 post", fault.Fault{Status: 503}, false, 1, false},
		{"504 post", fault.Fault{Status: 504}, false, 1, false},
		{"dropped post", fault.Fault{Drop: true}, false, 1, false},
		{"503 idempotent post", fault.Fault{Status: 503}, true, 2, true},
		{"dropped idempotent post", fault.Fault{Drop: true}, true, 2, true},
		// 429 means the server refused without acting: safe to resend.
		{"429 post", fault.Fault{Status: 429, RetryAfter: "0"}, false, 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var received atomic.Int32
			h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				if string(b) == "payload" {
					received.Add(1)
				}
				io.WriteString(w, "ok")
			})
			c, inj, _ := newTestClient(t, h, Config{})
			inj.Push(tc.fault)
			resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/import", Body: []byte("payload"), Idempotent: tc.idempotent})
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v, want ok=%v", err, tc.ok)
			}
			if err == nil {
				readAll(t, resp)
				if received.Load() != 1 {
					t.Errorf("handler got the full body %d times, want 1", received.Load())
				}
			}
			if inj.Requests() != tc.requests {
				t.Errorf("server saw %d requests, want %d", inj.Requests(), tc.requests)
			}
		})
	}
}

// A connection that cannot be made never reached the server, so even a POST
// is tried again.
func TestConnectionRefusedIsRetriedEvenForPost(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := New(Config{BaseURL: "http://" + addr, AllowHTTP: true, Retries: 2, WaitMin: time.Millisecond, WaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Method: "POST", Path: "/", Body: []byte("x")})
	var ce *ConnError
	if !errors.As(err, &ce) || ce.Attempts != 3 {
		t.Fatalf("err = %#v, want *ConnError after 3 attempts", err)
	}
}

func TestBackoffHonoursRetryAfterAndCap(t *testing.T) {
	resp := func(v string) *http.Response {
		return &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {v}}}
	}
	if d := Backoff(time.Millisecond, time.Minute, 0, resp("7")); d != 7*time.Second {
		t.Errorf("Retry-After: 7 gave %v", d)
	}
	if d := Backoff(time.Millisecond, 2*time.Second, 0, resp("7")); d != 2*time.Second {
		t.Errorf("Retry-After: 7 capped at 2s gave %v", d)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	date := now.Add(90 * time.Second).Format(http.TimeFormat)
	if d, ok := RetryAfter(date, now); !ok || d != 90*time.Second {
		t.Errorf("RetryAfter(%q) = %v, %v", date, d, ok)
	}
	if d, ok := RetryAfter(now.Add(-time.Hour).Format(http.TimeFormat), now); !ok || d != 0 {
		t.Errorf("past date gave %v, %v", d, ok)
	}
	for _, bad := range []string{"", "-1", "soon", "1.5"} {
		if _, ok := RetryAfter(bad, now); ok {
			t.Errorf("RetryAfter(%q) accepted", bad)
		}
	}
	for attempt := range 40 {
		d := Backoff(100*time.Millisecond, 3*time.Second, attempt, nil)
		if d < 50*time.Millisecond || d > 3*time.Second {
			t.Errorf("attempt %d: back-off %v out of bounds", attempt, d)
		}
	}
}

// The wait a server asks for is used between attempts: with a Retry-After
// of one hour and a cap of one hour, a short context deadline ends the call
// while it waits, proving the wait came from the header and not the jitter.
func TestRetryAfterIsObeyed(t *testing.T) {
	c, inj, _ := newTestClient(t, okHandler("done"), Config{WaitMax: time.Hour})
	inj.Push(fault.Fault{Status: 429, RetryAfter: "3600"})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, &Request{Method: "GET", Path: "/"})
	if !errors.Is(err, context.DeadlineExceeded) || inj.Requests() != 1 {
		t.Fatalf("err = %v after %d requests, want deadline exceeded during the wait", err, inj.Requests())
	}
}

func TestBodyCap(t *testing.T) {
	big := strings.Repeat("x", 2048)
	c, _, _ := newTestClient(t, okHandler(big), Config{MaxBodyBytes: 1024})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
	var tl *BodyTooLargeError
	if !errors.As(err, &tl) || tl.Limit != 1024 {
		t.Fatalf("declared length: err = %v", err)
	}

	streamed := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 4 {
			io.WriteString(w, big[:512])
			w.(http.Flusher).Flush()
		}
	})
	c, _, _ = newTestClient(t, streamed, Config{MaxBodyBytes: 1024})
	resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if !errors.As(err, &tl) || len(b) != 1024 {
		t.Fatalf("streamed: read %d bytes, err = %v", len(b), err)
	}

	c, _, _ = newTestClient(t, okHandler(big[:1024]), Config{MaxBodyBytes: 1024})
	resp, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, resp); len(got) != 1024 {
		t.Errorf("a body of exactly the limit was cut to %d", len(got))
	}
}

func TestTLSOnlyUnlessAllowed(t *testing.T) {
	if _, err := New(Config{BaseURL: "http://hr.example.com"}); err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("http:// accepted: %v", err)
	}
	if _, err := New(Config{BaseURL: "ftp://hr.example.com"}); err == nil {
		t.Error("ftp:// accepted")
	}
	if _, err := New(Config{BaseURL: "https://user:pw@hr.example.com"}); err == nil || strings.Contains(err.Error(), "pw") {
		t.Errorf("credentials in URL: %v", err)
	}
	if _, err := New(Config{BaseURL: "https://hr.example.com"}); err != nil {
		t.Error(err)
	}

	c, _, srv := newTestClient(t, okHandler("x"), Config{})
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "http://elsewhere.example.com/steal"})
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("absolute URL to another host: %v", err)
	}
	resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: srv.URL + "/next?page=2"})
	if err != nil {
		t.Errorf("absolute URL to the same host: %v", err)
	} else {
		resp.Body.Close()
	}
}

func TestRedirectOffTLSRefused(t *testing.T) {
	plain := httptest.NewServer(okHandler("leaked"))
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/x", http.StatusFound)
	}))
	defer tlsSrv.Close()
	c, err := New(Config{BaseURL: tlsSrv.URL, HTTPClient: tlsSrv.Client(), Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
	if err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Fatalf("redirect to http followed: %v", err)
	}
}

func TestUserAgentAndHeaders(t *testing.T) {
	var ua, custom string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua, custom = r.UserAgent(), r.Header.Get("X-Custom")
	})
	c, _, _ := newTestClient(t, h, Config{UserAgent: "acme-sync/2"})
	resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/", Header: http.Header{"X-Custom": {"v"}}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(ua, "acme-sync/2 hrbridge/"+Version) || custom != "v" {
		t.Errorf("User-Agent %q, X-Custom %q", ua, custom)
	}
}

func TestInvalidatedTokenRenewedOnceOn401(t *testing.T) {
	var issued atomic.Int32
	bearer := NewBearer(func(ctx context.Context) (string, time.Time, error) {
		n := issued.Add(1)
		return "token-" + string(rune('0'+n)), time.Now().Add(time.Hour), nil
	}, time.Minute)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer token-2" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "ok")
	})
	c, inj, _ := newTestClient(t, h, Config{Auth: bearer})
	resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if issued.Load() != 2 || inj.Requests() != 2 {
		t.Errorf("tokens issued %d, requests %d; want 2 and 2", issued.Load(), inj.Requests())
	}
	// A server that refuses every token is asked once more, not forever.
	h2 := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	c, inj, _ = newTestClient(t, h2, Config{Auth: bearer})
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != 401 || inj.Requests() != 2 {
		t.Errorf("err = %v after %d requests", err, inj.Requests())
	}
}

func TestBearerKeepsTokenUntilNearExpiry(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var fetched int
	b := NewBearer(func(ctx context.Context) (string, time.Time, error) {
		fetched++
		return "t", now.Add(20 * time.Minute), nil
	}, time.Minute)
	b.now = func() time.Time { return now }
	for range 3 {
		if _, err := b.Token(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	now = now.Add(19*time.Minute + 30*time.Second)
	b.Token(context.Background())
	if fetched != 2 {
		t.Errorf("fetched %d tokens, want 2 (one renewal a minute before expiry)", fetched)
	}
}

// Errors and debug logs are driven with a known password and token, and
// neither appears in any of them.
func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	const password = "Pa55w0rd-Hunter2"
	const token = "opaque-token-5f9d8e7c"
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusInternalServerError)
		// A careless server echoes everything it was sent.
		io.WriteString(w, "Authorization: "+r.Header.Get("Authorization")+"\n"+string(body)+"\npassword="+password+"&next=1")
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	bearer := NewBearer(func(ctx context.Context) (string, time.Time, error) { return token, time.Time{}, nil }, 0)
	for name, auth := range map[string]Authorizer{"basic": Basic("svc", password), "bearer": bearer} {
		c, _, _ := newTestClient(t, echo, Config{Auth: auth, Logger: logger, Secrets: []string{password}})
		body := `<soap:Envelope><soap:Body><web:login>svc</web:login><web:password>` + password + `</web:password></soap:Body></soap:Envelope>`
		_, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/?token=" + token, Body: []byte(body)})
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		var he *HTTPError
		errors.As(err, &he)
		for _, text := range []string{err.Error(), string(he.Body), logs.String()} {
			if strings.Contains(text, password) || strings.Contains(text, token) {
				t.Errorf("%s: secret leaked in %q", name, text)
			}
		}
		if !strings.Contains(logs.String(), "hrbridge: request") {
			t.Errorf("%s: debug log is empty: %q", name, logs.String())
		}
	}
	// Connection errors too.
	c, err := New(Config{BaseURL: "http://127.0.0.1:1", AllowHTTP: true, Retries: -1, Auth: Basic("svc", password), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Method: "GET", Path: "/?password=" + password})
	if err == nil || strings.Contains(err.Error(), password) || strings.Contains(logs.String(), password) {
		t.Errorf("connection error leaked: %v", err)
	}
}

func TestRedactor(t *testing.T) {
	var r Redactor
	r.Add("s3cr3t-value")
	r.Add("ab") // too short to redact safely
	for _, tc := range []struct{ in, mustNot string }{
		{"x s3cr3t-value y", "s3cr3t-value"},
		{"Authorization: Basic c3ZjOnB3ZA==", "c3ZjOnB3ZA=="},
		{`{"Authorization":"Bearer abc.def-ghi"}`, "abc.def-ghi"},
		{"token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl in text", "eyJzdWIiOiJ4In0"},
		{"<web:password>hunter22</web:password>", "hunter22"},
		{"<Password><![CDATA[a<b]]>c]]></Password>", "a<b"},
		{"<NewPassword attr='1'>hunter22</NewPassword>", "hunter22"},
		{"&lt;Password&gt;hunter22&lt;/Password&gt;", "hunter22"},
		{`{"password": "hu\"nter22", "user":"x"}`, "nter22"},
		{`{"access_token":"00Dxx!AQ4AQ"}`, "00Dxx"},
		{"grant=x&client_secret=abc123&assertion=zzz.yyy", "abc123"},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"},
		{"-----BEGIN PRIVATE KEY-----\nMIIEvQ cut off", "MIIEvQ"},
	} {
		got := r.Redact(tc.in)
		if strings.Contains(got, tc.mustNot) || !strings.Contains(got, Redacted) {
			t.Errorf("Redact(%q) = %q", tc.in, got)
		}
	}
	if got := r.Redact("ab cd <user>ab</user>"); got != "ab cd <user>ab</user>" {
		t.Errorf("harmless text changed: %q", got)
	}
}

// Sequential requests to one host share one TCP connection.
func TestConnectionReuse(t *testing.T) {
	var conns atomic.Int32
	mux := http.NewServeMux()
	mux.Handle("/", okHandler(strings.Repeat("y", 4096)))
	mux.Handle("/missing", http.NotFoundHandler())
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/", Body: []byte("b")})
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
	}
	// Error responses are drained too, so they do not cost a connection.
	for range 5 {
		if _, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/missing"}); err == nil {
			t.Fatal("404 gave no error")
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("opened %d connections for 55 sequential requests, want 1", n)
	}
}

func TestDecodeJSON(t *testing.T) {
	c, _, _ := newTestClient(t, okHandler(`{"a":1}`), Config{})
	resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ A int }
	if err := DecodeJSON(resp, &v); err != nil || v.A != 1 {
		t.Errorf("DecodeJSON = %v, %+v", err, v)
	}
	c, _, _ = newTestClient(t, okHandler(`{"a":`), Config{})
	resp, _ = c.Do(context.Background(), &Request{Method: "GET", Path: "/p"})
	if err := DecodeJSON(resp, &v); err == nil || !strings.Contains(err.Error(), "GET") {
		t.Errorf("truncated JSON: %v", err)
	}
}

func TestGarbledAndTruncatedBodiesSurfaceAsErrors(t *testing.T) {
	c, inj, _ := newTestClient(t, okHandler(`{"name":"a long enough body to cut"}`), Config{})
	inj.Push(fault.Fault{Truncate: true})
	resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]string
	if err := DecodeJSON(resp, &v); err == nil {
		t.Error("truncated body decoded without error")
	}
}

func TestCommonOptionSetters(t *testing.T) {
	var cfg Config
	for name, err := range map[string]error{
		"nil client":    cfg.SetHTTPClient(nil),
		"negative":      cfg.SetRetry(-1, time.Second),
		"no wait":       cfg.SetRetry(1, 0),
		"nil logger":    cfg.SetLogger(nil),
		"empty UA":      cfg.SetUserAgent(" "),
		"multi-line UA": cfg.SetUserAgent("a\r\nX-Evil: 1"),
		"zero body":     cfg.SetMaxBodyBytes(0),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if cfg.HTTPClient != nil || cfg.Retries != 0 || cfg.WaitMax != 0 || cfg.Logger != nil || cfg.UserAgent != "" || cfg.MaxBodyBytes != 0 {
		t.Errorf("refused options changed the config: %+v", cfg)
	}
	if err := cfg.SetRetry(0, 100*time.Millisecond); err != nil || cfg.Retries != -1 || cfg.WaitMax != 100*time.Millisecond || cfg.WaitMin != 100*time.Millisecond {
		t.Errorf("SetRetry(0, 100ms) = %v, %+v", err, cfg)
	}
}

// A caller that reads only part of a body and closes it keeps the connection.
func TestEarlyCloseKeepsConnection(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(okHandler(strings.Repeat("z", 8192)))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 10)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("20 partly read responses opened %d connections, want 1", n)
	}
}

func TestRedactKeepsTheServersWords(t *testing.T) {
	for in, want := range map[string]string{
		"Invalid bearer token":                 "Invalid bearer token",
		"Basic authentication required":        "Basic authentication required",
		"Authorization failed: Bearer x9Yz.ab": "Authorization failed: Bearer " + Redacted,
		"bearer abcdefGHIJ":                    "bearer " + Redacted,
		"basic dXNlcjpwYXNz":                   "basic " + Redacted,
	} {
		if got := (*Redactor)(nil).Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
