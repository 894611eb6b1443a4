package fault_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/internal/fault"
)

// fake is a wrapped handler that counts its calls and answers body.
type fake struct {
	calls atomic.Int32
	body  string
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, f.body)
}

// start serves h behind a new Injector on an HTTP/1.1 loopback server closed
// at the end of the test.
func start(t *testing.T, h http.Handler) (*fault.Injector, *httptest.Server) {
	t.Helper()
	in := fault.New()
	srv := httptest.NewServer(in.Wrap(h))
	t.Cleanup(srv.Close)
	return in, srv
}

// answer is what a client got: status, Retry-After, body, and the error of reading the body.
type answer struct {
	status     int
	retryAfter string
	body       string
	readErr    error
}

// do sends one request with the server's client; a transport error fails the test.
func do(t *testing.T, srv *httptest.Server, method, path string) answer {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header.Get("Retry-After"), string(b), err}
}

func records(in *fault.Injector) []string {
	var s []string
	for _, r := range in.Injected() {
		s = append(s, r.String())
	}
	return s
}

func TestStatusTimesThenPassThrough(t *testing.T) {
	for _, retryAfter := range []string{"2", "Wed, 21 Oct 2015 07:28:00 GMT"} {
		t.Run(retryAfter, func(t *testing.T) {
			h := &fake{body: `{"ok":true}`}
			in, srv := start(t, h)
			in.Push(fault.Fault{Status: 503, RetryAfter: retryAfter, Body: "busy", Times: 3})
			for i := range 3 {
				got := do(t, srv, "GET", "/users")
				want := answer{503, retryAfter, "busy", nil}
				if got != want {
					t.Fatalf("request %d: got %+v, want %+v", i+1, got, want)
				}
			}
			if got := do(t, srv, "GET", "/users"); got.status != 200 || got.body != h.body || got.retryAfter != "" {
				t.Fatalf("request 4: got %+v, want the handler's answer", got)
			}
			if n := h.calls.Load(); n != 1 {
				t.Errorf("handler called %d times, want 1", n)
			}
			if n := in.Requests(); n != 4 {
				t.Errorf("Requests() = %d, want 4", n)
			}
			recs := in.Injected()
			if len(recs) != 3 {
				t.Fatalf("Injected() = %v, want 3 records", records(in))
			}
			for i, r := range recs {
				if r.Request != i+1 || r.Method != "GET" || r.Path != "/users" || r.Fault.Status != 503 || r.Random {
					t.Errorf("record %d = %+v", i, r)
				}
			}
		})
	}
}

func TestStatusHeaderAndHEAD(t *testing.T) {
	in, srv := start(t, &fake{body: "x"})
	soapFault := `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault/></soap:Body></soap:Envelope>`
	in.Push(
		fault.Fault{Status: 500, Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}}, Body: soapFault},
		fault.Fault{Status: 429, RetryAfter: "1", Body: "slow down"},
	)
	res, err := srv.Client().Post(srv.URL+"/soap", "text/xml", strings.NewReader("<x/>"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 500 || res.Header.Get("Content-Type") != "text/xml; charset=utf-8" || string(b) != soapFault {
		t.Errorf("got %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	if got := do(t, srv, "HEAD", "/users"); got.status != 429 || got.retryAfter != "1" || got.body != "" {
		t.Errorf("HEAD: got %+v, want 429 with Retry-After and no body", got)
	}
}

func TestScriptOrderAndMatch(t *testing.T) {
	h := &fake{body: "ok"}
	in, srv := start(t, h)
	onB := func(r *http.Request) bool { return r.URL.Path == "/b" }
	in.Push(
		fault.Fault{Match: onB, Status: 404, Times: 2},
		fault.Fault{}, // lets one request through
		fault.Fault{Status: 503},
	)
	var got []int
	for _, p := range []string{"/a", "/b", "/a", "/a", "/b", "/b"} {
		got = append(got, do(t, srv, "GET", p).status)
	}
	// /a takes the pass, /b takes the first 404, /a takes the 503, /a passes
	// (script empty for it), /b takes the second 404, /b passes.
	want := []int{200, 404, 503, 200, 404, 200}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	wantRecs := []string{"#1 GET /a: pass", "#2 GET /b: status 404", "#3 GET /a: status 503", "#5 GET /b: status 404"}
	if fmt.Sprint(records(in)) != fmt.Sprint(wantRecs) {
		t.Errorf("records %q, want %q", records(in), wantRecs)
	}
	if n := h.calls.Load(); n != 3 {
		t.Errorf("handler called %d times, want 3", n)
	}
}

func TestTruncate(t *testing.T) {
	body := strings.Repeat("0123456789", 100)
	streaming := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// No Content-Length: net/http would send this chunked.
		for i := 0; i < len(body); i += 100 {
			io.WriteString(w, body[i:i+100])
			http.NewResponseController(w).Flush()
		}
	})
	tests := []struct {
		name    string
		h       http.Handler
		f       fault.Fault
		status  int
		full    string
		keptLen int
	}{
		{"half", &fake{body: body}, fault.Fault{Truncate: true}, 200, body, 500},
		{"keep 10 of a streamed body", streaming, fault.Fault{Truncate: true, Keep: 10}, 200, body, 10},
		{"keep more than the body", &fake{body: "abc"}, fault.Fault{Truncate: true, Keep: 99}, 200, "abc", 2},
		{"one byte", &fake{body: "a"}, fault.Fault{Truncate: true}, 200, "a", 0},
		{"status body", &fake{}, fault.Fault{Status: 503, Body: "service unavailable", Truncate: true}, 503, "service unavailable", 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, srv := start(t, tt.h)
			in.Push(tt.f)
			res, err := srv.Client().Get(srv.URL + "/feed")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tt.status || res.ContentLength != int64(len(tt.full)) {
				t.Errorf("status %d, Content-Length %d; want %d, %d", res.StatusCode, res.ContentLength, tt.status, len(tt.full))
			}
			got, err := io.ReadAll(res.Body)
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("reading the body: err = %v, want io.ErrUnexpectedEOF", err)
			}
			if string(got) != tt.full[:tt.keptLen] {
				t.Errorf("got %d bytes %q, want the first %d bytes", len(got), got, tt.keptLen)
			}
			// The server is fine afterwards: the client's next request, on a new connection, passes.
			if a := do(t, srv, "GET", "/feed"); a.status != 200 || a.readErr != nil {
				t.Errorf("next request: %+v", a)
			}
		})
	}
}

func TestDrop(t *testing.T) {
	t.Run("new connection", func(t *testing.T) {
		h := &fake{body: "ok"}
		in, srv := start(t, h)
		in.Push(fault.Fault{Drop: true})
		res, err := srv.Client().Get(srv.URL + "/users")
		if err == nil {
			res.Body.Close()
			t.Fatalf("got status %d, want a transport error", res.StatusCode)
		}
		var ue *url.Error
		if !errors.As(err, &ue) || !(errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)) {
			t.Errorf("err = %v, want a *url.Error for a reset or closed connection", err)
		}
		if h.calls.Load() != 0 {
			t.Error("the wrapped handler was called")
		}
		if got := do(t, srv, "GET", "/users"); got.status != 200 {
			t.Errorf("next request: %+v", got)
		}
	})
	t.Run("POST on a reused connection", func(t *testing.T) {
		h := &fake{body: "ok"}
		in, srv := start(t, h)
		do(t, srv, "GET", "/warm") // leaves a kept-alive connection in the client's pool
		in.Push(fault.Fault{Drop: true})
		res, err := srv.Client().Post(srv.URL+"/users", "application/json", strings.NewReader(`{}`))
		if err == nil {
			res.Body.Close()
			t.Fatalf("got status %d, want a transport error", res.StatusCode)
		}
		if n := in.Requests(); n != 2 {
			t.Errorf("Requests() = %d, want 2: net/http must not replay a POST", n)
		}
	})
	t.Run("GET on a reused connection is replayed by net/http", func(t *testing.T) {
		// Not a property of this package but of net/http's client, which a
		// test counting attempts must know about (see the package comment).
		h := &fake{body: "ok"}
		in, srv := start(t, h)
		do(t, srv, "GET", "/warm")
		in.Push(fault.Fault{Drop: true})
		if got := do(t, srv, "GET", "/users"); got.status != 200 {
			t.Fatalf("got %+v, want net/http's replay to succeed", got)
		}
		if n := in.Requests(); n != 3 {
			t.Errorf("Requests() = %d, want 3 (warm-up, dropped, replayed)", n)
		}
	})
}

func TestHijackUnsupported(t *testing.T) {
	for _, f := range []fault.Fault{{Drop: true}, {Truncate: true}} {
		t.Run(f.String(), func(t *testing.T) {
			h := &fake{body: "some body"}
			in := fault.New()
			in.Push(f)
			rec := httptest.NewRecorder() // cannot hijack, like an HTTP/2 ResponseWriter
			in.Wrap(h).ServeHTTP(rec, httptest.NewRequest("GET", "/users", nil))
			if rec.Code != 500 || !strings.Contains(rec.Body.String(), "cannot be hijacked") ||
				!strings.Contains(rec.Body.String(), "GET /users") {
				t.Errorf("got %d %q, want a 500 that says why", rec.Code, rec.Body)
			}
		})
	}
}

const usersJSON = `{"users":[{"id":1,"name":"Zoë Durand","email":"zoe@example.com"},{"id":2,"name":"Ana","email":"ana@example.com"}]}`
const usersXML = `<?xml version="1.0" encoding="UTF-8"?>
<users><user id="1"><name>Zoë Durand</name></user><user id="2"><name>Ana</name></user></users>`

func TestGarble(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		parse      func([]byte) error
	}{
		{"json", usersJSON, func(b []byte) error { var v any; return json.Unmarshal(b, &v) }},
		{"json with leading space", "\n  " + usersJSON, func(b []byte) error { var v any; return json.Unmarshal(b, &v) }},
		{"xml", usersXML, func(b []byte) error {
			var v struct {
				Users []string `xml:"user>name"`
			}
			return xml.Unmarshal(b, &v)
		}},
		{"short", `{}`, func(b []byte) error { var v any; return json.Unmarshal(b, &v) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.parse([]byte(tt.body)); err != nil {
				t.Fatalf("the original does not parse: %v", err)
			}
			in, srv := start(t, &fake{body: tt.body})
			in.Push(fault.Fault{Garble: true})
			res, err := srv.Client().Get(srv.URL + "/users")
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.body) || res.ContentLength != int64(len(tt.body)) {
				t.Errorf("length %d, Content-Length %d; want %d", len(got), res.ContentLength, len(tt.body))
			}
			if string(got) == tt.body {
				t.Error("the body was not changed")
			}
			if err := tt.parse(got); err == nil {
				t.Errorf("the garbled body parses: %q", got)
			}
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want the handler's", ct)
			}
		})
	}
}

func TestGarbleIsDeterministic(t *testing.T) {
	body := strings.Repeat(usersJSON, 10)
	garbled := func(push func(*fault.Injector)) string {
		in := fault.New()
		push(in)
		rec := httptest.NewRecorder()
		in.Wrap(&fake{body: body}).ServeHTTP(rec, httptest.NewRequest("GET", "/users", nil))
		return rec.Body.String()
	}
	script := func(in *fault.Injector) { in.Push(fault.Fault{Garble: true}) }
	seeded := func(seed uint64) func(*fault.Injector) {
		return func(in *fault.Injector) { in.Random(seed, 1, fault.Fault{Garble: true}) }
	}
	a, b := garbled(script), garbled(script)
	if a != b {
		t.Error("two fresh Injectors garble the same body differently")
	}
	diff := 0
	for i := range a {
		if a[i] != body[i] {
			diff++
		}
	}
	if diff < 2 {
		t.Errorf("%d bytes changed, want the first one and more in a %d-byte body", diff, len(body))
	}
	if a, b := garbled(seeded(7)), garbled(seeded(7)); a != b {
		t.Error("the same seed garbles differently")
	}
	if garbled(seeded(7)) == garbled(seeded(8)) {
		t.Error("seeds 7 and 8 garble the same bytes")
	}
}

func TestBodyFaultsSkipHEAD(t *testing.T) {
	in, srv := start(t, &fake{body: usersJSON})
	in.Push(fault.Fault{Garble: true})
	if got := do(t, srv, "HEAD", "/users"); got.status != 200 {
		t.Errorf("HEAD: got %+v", got)
	}
	if len(in.Injected()) != 0 {
		t.Errorf("HEAD took %v", records(in))
	}
	if got := do(t, srv, "GET", "/users"); got.body == usersJSON {
		t.Error("the GET after the HEAD was not garbled")
	}
}

func TestBodyFaultOnEmptyBody(t *testing.T) {
	for _, f := range []fault.Fault{{Garble: true}, {Truncate: true}} {
		t.Run(f.String(), func(t *testing.T) {
			in, srv := start(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(http.StatusNoContent)
			}))
			in.Push(f)
			got := do(t, srv, "DELETE", "/users/1")
			if got.status != 500 || !strings.Contains(got.body, "body is empty") {
				t.Errorf("got %+v, want a 500 that says the body is empty", got)
			}
		})
	}
}

func TestDelay(t *testing.T) {
	t.Run("then the handler", func(t *testing.T) {
		h := &fake{body: "ok"}
		in, srv := start(t, h)
		in.Push(fault.Fault{Delay: time.Millisecond})
		if got := do(t, srv, "GET", "/users"); got.status != 200 || got.body != "ok" || h.calls.Load() != 1 {
			t.Errorf("got %+v after %d calls", got, h.calls.Load())
		}
	})
	t.Run("then a status", func(t *testing.T) {
		in, srv := start(t, &fake{body: "ok"})
		in.Push(fault.Fault{Delay: time.Millisecond, Status: 504})
		if got := do(t, srv, "GET", "/users"); got.status != 504 {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		h := &fake{body: "ok"}
		in := fault.New()
		wrapped := in.Wrap(h)
		returned := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer close(returned)
			wrapped.ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		waiting := make(chan struct{})
		in.Push(fault.Fault{Delay: time.Hour, Match: func(*http.Request) bool { close(waiting); return true }})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-waiting; cancel() }()
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/users", nil)
		res, err := srv.Client().Do(req)
		if err == nil {
			res.Body.Close()
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		<-returned // an hour-long delay that ignored the cancellation would hang here
		if h.calls.Load() != 0 {
			t.Error("the handler was called after the cancelled delay")
		}
	})
}

// run sends n sequential requests to alternating paths and returns what
// each one got (status and body) and the records.
func run(in *fault.Injector, n int) (got []string, recs []string) {
	h := in.Wrap(&fake{body: usersJSON})
	for i := range n {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/p"+strconv.Itoa(i%3), nil))
		got = append(got, strconv.Itoa(rec.Code)+" "+rec.Body.String())
	}
	return got, records(in)
}

func TestRandom(t *testing.T) {
	choices := []fault.Fault{{Status: 503, RetryAfter: "1"}, {Status: 429}, {Garble: true}}
	outcome := func(seed uint64) ([]string, []string) {
		in := fault.New()
		in.Random(seed, 0.5, choices...)
		return run(in, 60)
	}
	got1, recs1 := outcome(1)
	again, recsAgain := outcome(1)
	if fmt.Sprint(got1) != fmt.Sprint(again) || fmt.Sprint(recs1) != fmt.Sprint(recsAgain) {
		t.Error("the same seed gave different faults")
	}
	if len(recs1) == 0 || len(recs1) == 60 {
		t.Errorf("rate 0.5 faulted %d of 60 requests", len(recs1))
	}
	kinds := map[string]bool{}
	for _, r := range recs1 {
		kinds[r[strings.Index(r, ": ")+2:]] = true
	}
	if len(kinds) != len(choices) {
		t.Errorf("seed 1 used %v, want all %d choices", kinds, len(choices))
	}
	if _, recs2 := outcome(2); fmt.Sprint(recs1) == fmt.Sprint(recs2) {
		t.Error("seeds 1 and 2 gave the same faults")
	}
}

func TestRandomWithScriptAndMatch(t *testing.T) {
	in := fault.New()
	in.Push(fault.Fault{Status: 418})
	onP1 := func(r *http.Request) bool { return r.URL.Path == "/p1" }
	in.Random(3, 1, fault.Fault{Match: onP1, Status: 503})
	_, recs := run(in, 6) // paths p0 p1 p2 p0 p1 p2
	want := []string{"#1 GET /p0: status 418", "#2 GET /p1: status 503", "#5 GET /p1: status 503"}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("records %q, want %q", recs, want)
	}
	r := in.Injected()
	if r[0].Random || !r[1].Random {
		t.Errorf("Random flags: %+v", r)
	}
	in.Random(3, 0) // off
	if _, recs := run(in, 3); len(recs) != 3 {
		t.Errorf("rate 0 still injects: %q", recs)
	}
}

func TestReset(t *testing.T) {
	in := fault.New()
	in.Push(fault.Fault{Status: 503, Times: 5})
	in.Random(1, 1, fault.Fault{Status: 429})
	run(in, 2)
	in.Reset()
	if in.Requests() != 0 || len(in.Injected()) != 0 {
		t.Fatalf("after Reset: %d requests, records %q", in.Requests(), records(in))
	}
	if got, recs := run(in, 3); len(recs) != 0 || !strings.HasPrefix(got[0], "200 ") {
		t.Errorf("after Reset: got %q, records %q", got, recs)
	}
}

func TestConcurrent(t *testing.T) {
	h := &fake{body: "ok"}
	in, srv := start(t, h)
	in.Push(fault.Fault{Status: 503, Times: 50})
	in.Random(9, 0.2, fault.Fault{Status: 429})
	var mu sync.Mutex
	count := map[int]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 25 {
				res, err := srv.Client().Get(srv.URL + "/users")
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				mu.Lock()
				count[res.StatusCode]++
				mu.Unlock()
				in.Injected()
				in.Requests()
			}
		}()
	}
	wg.Wait()
	random := 0
	for _, r := range in.Injected() {
		if r.Random {
			random++
		}
	}
	if count[503] != 50 || count[429] != random || count[200] != 150-random || int(h.calls.Load()) != count[200] {
		t.Errorf("statuses %v, %d random faults, %d handler calls", count, random, h.calls.Load())
	}
	if in.Requests() != 200 || len(in.Injected()) != 50+random {
		t.Errorf("Requests() = %d, %d records", in.Requests(), len(in.Injected()))
	}
}

func TestInvalidFaultsPanic(t *testing.T) {
	for _, f := range []fault.Fault{
		{Times: -1},
		{Delay: -time.Second},
		{Status: 42},
		{Status: 103},
		{RetryAfter: "1"},
		{Body: "x"},
		{Drop: true, Status: 503},
		{Drop: true, Garble: true},
		{Keep: 3},
		{Truncate: true, Keep: -1},
	} {
		t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
			for name, call := range map[string]func(*fault.Injector){
				"Push":   func(in *fault.Injector) { in.Push(fault.Fault{Status: 503}, f) },
				"Random": func(in *fault.Injector) { in.Random(1, 0.5, f) },
			} {
				in := fault.New()
				func() {
					defer func() {
						if recover() == nil {
							t.Errorf("%s did not panic", name)
						}
					}()
					call(in)
				}()
				if _, recs := run(in, 1); len(recs) != 0 {
					t.Errorf("%s kept part of a rejected call: %q", name, recs)
				}
			}
		})
	}
	for _, rate := range []float64{-0.1, 1.5} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Random with rate %v did not panic", rate)
				}
			}()
			fault.New().Random(1, rate, fault.Fault{Status: 503})
		}()
	}
}

// BenchmarkWrap measures what the middleware costs a request that it lets
// through, against the bare handler: every request to a test-kit fake pays it.
func BenchmarkWrap(b *testing.B) {
	h := &fake{body: usersJSON}
	in := fault.New()
	in.Push(fault.Fault{Match: func(*http.Request) bool { return false }, Status: 503})
	for _, bb := range []struct {
		name string
		h    http.Handler
	}{{"bare", h}, {"wrapped", in.Wrap(h)}} {
		b.Run(bb.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", "/users", nil)
			b.ReportAllocs()
			for b.Loop() {
				bb.h.ServeHTTP(discard{}, req)
			}
		})
	}
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}
