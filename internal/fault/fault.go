// Package fault is an http.Handler middleware that makes a fake server
// misbehave on command: answer with an error status and Retry-After, answer
// late, drop the connection, cut the body short or garble it.
//
// The test kits (cmotest, hcmatomtest, ...) put it in front of their fakes so
// that the SDK's clients, and the tests of the SDK's users, meet the failures
// a real server and network produce (design.md, "Quality bars": 429 and 503
// with Retry-After, dropped connections, truncated and malformed bodies, slow
// answers). Faults are scripted with Push, applied in order to the next
// matching requests, which keeps a test deterministic; or drawn with Random
// from a seeded generator, which keeps a soak test reproducible.
//
//	in := fault.New()
//	srv := httptest.NewServer(in.Wrap(fake))
//	defer srv.Close()
//	in.Push(fault.Fault{Status: 503, RetryAfter: "1", Times: 2}) // two 503s, then the fake answers
//	in.Push(fault.Fault{Truncate: true})                         // then a body cut in half
//	// ... run the client under test, then check in.Injected() and in.Requests().
//
// Drop and Truncate take the connection over (http.Hijacker), so they need an
// HTTP/1.x server such as httptest.NewServer; elsewhere they answer 500 with
// a text that says why. Note that net/http's client itself sends a GET (or
// any request it may replay) again, once, when a connection it reused from
// its pool is closed before any byte of the answer: a dropped GET on a
// kept-alive connection reaches the server twice and the caller sees only the
// second answer, as it would with a real server.
package fault

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault describes one misbehaviour. Delay combines with any other field.
// Status (with RetryAfter, Header and Body) replaces the wrapped handler's
// answer; Garble and Truncate then corrupt whichever answer was made, the
// handler's or the Status one. Drop excludes the others.
//
// The zero Fault leaves a request untouched but still takes it: in a script
// it lets a request through before the next fault. Match is called with the
// Injector's lock held: it must not call the Injector's methods.
type Fault struct {
	Match      func(*http.Request) bool // nil: any request
	Times      int                      // how many matching requests it applies to; 0 means 1
	Delay      time.Duration            // wait before answering (ends early if the request context is cancelled)
	Status     int                      // non-zero: answer with this status instead of calling the wrapped handler
	RetryAfter string                   // Retry-After header sent with Status (seconds or HTTP date, as given)
	Header     http.Header              // other headers sent with Status (for example a Content-Type)
	Body       string                   // body sent with Status
	Drop       bool                     // close the connection without any answer (hijack and close)
	Truncate   bool                     // call the handler, announce the full Content-Length, send only Keep bytes, then close
	Keep       int                      // bytes kept by Truncate; 0 keeps half of the body
	Garble     bool                     // call the handler, then corrupt the body (same length) before sending
}

// String describes the fault in a few words, for test failure messages.
func (f Fault) String() string {
	var parts []string
	if f.Delay > 0 {
		parts = append(parts, "delay "+f.Delay.String())
	}
	if f.Status != 0 {
		parts = append(parts, "status "+strconv.Itoa(f.Status))
	}
	if f.RetryAfter != "" {
		parts = append(parts, "Retry-After "+f.RetryAfter)
	}
	if f.Drop {
		parts = append(parts, "drop")
	}
	if f.Garble {
		parts = append(parts, "garble")
	}
	if f.Truncate {
		if f.Keep == 0 {
			parts = append(parts, "truncate to half")
		} else {
			parts = append(parts, "truncate to "+strconv.Itoa(f.Keep)+" bytes")
		}
	}
	if len(parts) == 0 {
		return "pass"
	}
	return strings.Join(parts, ", ")
}

// check reports a fault whose fields contradict each other or are out of range.
func (f Fault) check() error {
	switch {
	case f.Times < 0:
		return fmt.Errorf("field Times: %d is negative", f.Times)
	case f.Delay < 0:
		return fmt.Errorf("field Delay: %v is negative", f.Delay)
	case f.Keep < 0:
		return fmt.Errorf("field Keep: %d is negative", f.Keep)
	case f.Status != 0 && (f.Status < 200 || f.Status > 999):
		return fmt.Errorf("field Status: %d is not the status of a final HTTP answer", f.Status)
	case f.Status == 0 && (f.RetryAfter != "" || f.Body != "" || f.Header != nil):
		return errors.New("fields RetryAfter, Header and Body need a Status")
	case f.Drop && (f.Status != 0 || f.Truncate || f.Garble):
		return errors.New("field Drop sends no answer and cannot combine with Status, Truncate or Garble")
	case f.Keep != 0 && !f.Truncate:
		return errors.New("field Keep needs Truncate")
	}
	return nil
}

// applies reports whether f may take r: its Match accepts r, and r is not a
// HEAD request when f needs a body to corrupt.
func (f Fault) applies(r *http.Request) bool {
	if r.Method == http.MethodHead && (f.Truncate || f.Garble) {
		return false
	}
	return f.Match == nil || f.Match(r)
}

// Record is one injected fault.
type Record struct {
	Request int    // number of the request among all that passed through Wrap, from 1
	Method  string // the request's method
	Path    string // the request's URL path
	Fault   Fault  // the fault, as pushed or as chosen by the random mode
	Random  bool   // chosen by the random mode, not taken from the script
}

// String describes the record, for test failure messages.
func (r Record) String() string {
	return fmt.Sprintf("#%d %s %s: %v", r.Request, r.Method, r.Path, r.Fault)
}

// scripted is a fault of the script with the number of requests it still applies to.
type scripted struct {
	f    Fault
	left int
}

// Injector is the middleware. Safe for concurrent use. The zero value is not
// usable; use New.
type Injector struct {
	mu       sync.Mutex
	script   []scripted
	rate     float64
	choices  []Fault
	rng      *rand.Rand // chooses random faults and the bytes Garble corrupts
	records  []Record
	requests int
}

// New returns an Injector that injects nothing until told to.
func New() *Injector {
	in := &Injector{}
	in.reset()
	return in
}

// newRand returns the generator used for a seed. The PCG stream constant is arbitrary.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
}

// Push appends scripted faults, applied in order (FIFO) to the next matching
// requests: deterministic. A request takes the first fault of the script
// whose Match accepts it; a fault leaves the script once it has taken Times
// requests. A fault that needs a body (Truncate, Garble) never takes a HEAD
// request. Push panics on a fault whose fields contradict each other (Drop
// with Status, Keep without Truncate, ...), like regexp.MustCompile: it is a
// mistake in the test, not in the code under test.
func (in *Injector) Push(faults ...Fault) {
	for i, f := range faults {
		if err := f.check(); err != nil {
			panic(fmt.Sprintf("fault: Push: fault %d (%v): %v", i, f, err))
		}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for _, f := range faults {
		in.script = append(in.script, scripted{f: f, left: max(f.Times, 1)})
	}
}

// Random makes each request not taken by the script suffer, with probability
// rate, one of choices picked by a generator seeded with seed: the same seed
// and request sequence give the same faults (concurrent requests are served
// in the order they reach the Injector). The chosen fault is picked among the
// choices that apply to the request (their Match, and no body fault for a
// HEAD); their Times is ignored. A rate of 0 turns the random mode off. A
// later call replaces an earlier one. Random panics if rate is not in [0, 1],
// if a choice is contradictory, or if rate is positive with no choices.
func (in *Injector) Random(seed uint64, rate float64, choices ...Fault) {
	if math.IsNaN(rate) || rate < 0 || rate > 1 {
		panic(fmt.Sprintf("fault: Random: rate %v is not in [0, 1]", rate))
	}
	if rate > 0 && len(choices) == 0 {
		panic("fault: Random: a positive rate needs at least one choice")
	}
	for i, f := range choices {
		if err := f.check(); err != nil {
			panic(fmt.Sprintf("fault: Random: choice %d (%v): %v", i, f, err))
		}
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	in.rate = rate
	in.choices = append([]Fault(nil), choices...)
	in.rng = newRand(seed)
}

// Injected returns a record of what was injected, in order (method, path,
// which fault), for assertions.
func (in *Injector) Injected() []Record {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]Record(nil), in.records...)
}

// Requests returns how many requests passed through Wrap (faulted or not).
func (in *Injector) Requests() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.requests
}

// Reset clears the script, the random mode and the records, and sets the
// request count back to zero: the Injector is as New made it.
func (in *Injector) Reset() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.reset()
}

func (in *Injector) reset() {
	in.script = nil
	in.rate = 0
	in.choices = nil
	in.rng = newRand(0)
	in.records = nil
	in.requests = 0
}

// take counts r and returns the fault it suffers, if any, with the seed for
// Garble. Match functions run with the lock held: they must not call the
// Injector.
func (in *Injector) take(r *http.Request) (f Fault, garbleSeed uint64, ok bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.requests++
	random := false
	for i := range in.script {
		s := &in.script[i]
		if !s.f.applies(r) {
			continue
		}
		f, ok = s.f, true
		if s.left--; s.left == 0 {
			in.script = slices.Delete(in.script, i, i+1)
		}
		break
	}
	if !ok && in.rate > 0 && in.rng.Float64() < in.rate {
		var fit []Fault
		for _, c := range in.choices {
			if c.applies(r) {
				fit = append(fit, c)
			}
		}
		if len(fit) > 0 {
			f, ok, random = fit[in.rng.IntN(len(fit))], true, true
		}
	}
	if !ok {
		return Fault{}, 0, false
	}
	if f.Garble {
		garbleSeed = in.rng.Uint64()
	}
	in.records = append(in.records, Record{
		Request: in.requests, Method: r.Method, Path: r.URL.Path, Fault: f, Random: random,
	})
	return f, garbleSeed, true
}

// Wrap returns a handler that injects the Injector's faults in front of next.
// A request that suffers no fault, or only a Delay, or a Status, reaches next
// (or not) with the original ResponseWriter, so streaming handlers can Flush.
// Truncate and Garble run next on a buffer, which they then send corrupted:
// next must finish its answer.
func (in *Injector) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, seed, ok := in.take(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return // the client is gone: nobody to answer
			}
		}
		switch {
		case f.Drop:
			drop(w, r)
		case f.Truncate || f.Garble:
			corrupt(w, r, next, f, seed)
		case f.Status != 0:
			writeStatus(w, f)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// writeStatus answers with f's Status, headers and Body.
func writeStatus(w http.ResponseWriter, f Fault) {
	h := w.Header()
	for k, v := range f.Header {
		h[k] = append([]string(nil), v...)
	}
	if f.RetryAfter != "" {
		h.Set("Retry-After", f.RetryAfter)
	}
	w.WriteHeader(f.Status)
	io.WriteString(w, f.Body)
}

// hijack takes the connection over, or answers 500 saying why it cannot.
func hijack(w http.ResponseWriter, r *http.Request, what string) (net.Conn, *bufio.ReadWriter, bool) {
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, fmt.Sprintf("fault: cannot %s for %s %s: the connection cannot be hijacked "+
			"(it needs an HTTP/1.x server such as httptest.NewServer): %v", what, r.Method, r.URL.Path, err),
			http.StatusInternalServerError)
		return nil, nil, false
	}
	return conn, brw, true
}

// drop closes the connection with a TCP reset, as a crashed server or a load
// balancer giving up does: the client reads "connection reset by peer".
func drop(w http.ResponseWriter, r *http.Request) {
	conn, _, ok := hijack(w, r, "drop the connection")
	if !ok {
		return
	}
	if tc, isTCP := conn.(interface{ SetLinger(int) error }); isTCP {
		tc.SetLinger(0)
	}
	conn.Close()
}

// corrupt makes the answer (f's Status one, or next's) on a buffer, garbles
// and truncates it as f says, and sends it.
func corrupt(w http.ResponseWriter, r *http.Request, next http.Handler, f Fault, seed uint64) {
	rec := httptest.NewRecorder()
	if f.Status != 0 {
		writeStatus(rec, f)
	} else {
		next.ServeHTTP(rec, r)
	}
	res := rec.Result() // its Header is the snapshot taken when the answer started
	body := rec.Body.Bytes()
	if len(body) == 0 {
		http.Error(w, fmt.Sprintf("fault: cannot apply %q to the answer to %s %s: its body is empty (status %d)",
			f, r.Method, r.URL.Path, res.StatusCode), http.StatusInternalServerError)
		return
	}
	if f.Garble {
		garble(body, newRand(seed))
	}
	h := res.Header
	h.Del("Transfer-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if !f.Truncate {
		for k, v := range h {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		w.Write(body)
		return
	}
	keep := f.Keep
	if keep == 0 {
		keep = len(body) / 2
	}
	keep = min(keep, len(body)-1) // always cut something off
	// Read what is left of the request so that closing the connection sends
	// a FIN after the kept bytes, not a reset that could discard them.
	io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
	conn, brw, ok := hijack(w, r, "truncate the answer")
	if !ok {
		return
	}
	defer conn.Close()
	if h.Get("Date") == "" {
		h.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	fmt.Fprintf(brw, "HTTP/1.1 %03d %s\r\n", res.StatusCode, http.StatusText(res.StatusCode))
	h.Write(brw)
	brw.WriteString("\r\n")
	brw.Write(body[:keep])
	brw.Flush()
}

// garble changes body in place, keeping its length. It flips the high bit of
// the first byte that is not white space, which breaks a JSON or XML document
// at its start, and of up to 8 more bytes (one per 64) at distinct positions
// chosen by rng, which leaves invalid UTF-8 in the text. The result always
// differs from the original.
func garble(body []byte, rng *rand.Rand) {
	first := 0
	for first < len(body)-1 && strings.IndexByte(" \t\r\n", body[first]) >= 0 {
		first++
	}
	flipped := map[int]bool{first: true}
	for n := min(len(body)/64, 8); n > 0; {
		if p := rng.IntN(len(body)); !flipped[p] {
			flipped[p] = true
			n--
		}
	}
	for p := range flipped {
		body[p] ^= 0x80
	}
}
