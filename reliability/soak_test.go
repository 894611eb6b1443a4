package reliability_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/fault"
)

var soakSeed = flag.Uint64("soak.seed", 1, "base seed of the soak's faults")

// soakOps is how many operations each client runs in the soak.
func soakOps() int {
	if testing.Short() {
		return 40
	}
	return 300
}

// TestSoak runs every client against its fake failing at random, and checks
// each operation's outcome against what the fake applied (see tally.write).
func TestSoak(t *testing.T) {
	total := newTally("all")
	for i, s := range systems {
		t.Run(s.pkg, func(t *testing.T) {
			seed := *soakSeed*1000 + uint64(i)
			ty := s.soak(t, seed, soakOps())
			t.Logf("seed %d: %v", seed, ty)
			for _, k := range slices.Sorted(maps.Keys(ty.samples)) {
				t.Logf("  first %s: %.300s", k, ty.samples[k])
			}
			total.add(ty)
		})
	}
	t.Logf("total: %v", total)
}

// Outcomes of an operation, as its caller can tell them.
const (
	outOK      = "ok"      // done
	outRefused = "refused" // the system answered that it did not do it
	outUnknown = "unknown" // no answer, or an answer that could not be read: it may have been done
	outUntyped = "untyped" // an error that is not an *APIError: a finding
)

// outcome reads what err tells its caller. An *APIError with no status
// (the request may have gone out, no answer came back) or with a 2xx status
// and no code of the system's own (the answer came but could not be read)
// leaves the outcome unknown; any other status or code is a refusal.
func outcome(err error) string {
	if err == nil {
		return outOK
	}
	var ae *apierr.Error
	if !errors.As(err, &ae) {
		return outUntyped
	}
	if ae.StatusCode == 0 || (ae.StatusCode < 300 && ae.Code == "") {
		return outUnknown
	}
	return outRefused
}

// A tally counts a soak's operations, faults and outcomes, and the
// violations of the promise it found.
type tally struct {
	name     string
	ops      int
	outcomes map[string]int // "write ok", "read unknown", ...
	faults   map[string]int // by kind
	problems []string
	samples  map[string]string // the first error of each outcome, for the log
}

func newTally(name string) *tally {
	return &tally{name: name, outcomes: map[string]int{}, faults: map[string]int{}, samples: map[string]string{}}
}

func (ty *tally) String() string {
	nf := 0
	for _, n := range ty.faults {
		nf += n
	}
	return fmt.Sprintf("%d operations, %d faults %v, outcomes %v, %d violations",
		ty.ops, nf, sorted(ty.faults), sorted(ty.outcomes), len(ty.problems))
}

func sorted(m map[string]int) string {
	var b strings.Builder
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s=%d", k, m[k])
	}
	return "[" + b.String() + "]"
}

func (ty *tally) add(o *tally) {
	ty.ops += o.ops
	for k, n := range o.outcomes {
		ty.outcomes[k] += n
	}
	for k, n := range o.faults {
		ty.faults[k] += n
	}
	ty.problems = append(ty.problems, o.problems...)
}

func (ty *tally) problem(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	ty.problems = append(ty.problems, msg)
	t.Error(msg)
}

// write checks one write: err is what the client reported, applied how many
// times the fake applied it.
func (ty *tally) write(t *testing.T, key string, err error, applied int) {
	t.Helper()
	ty.ops++
	o := outcome(err)
	ty.outcomes["write "+o]++
	ty.sample("write "+o, err)
	if p := checkWrite(err, applied); p != "" {
		ty.problem(t, "%s: write %s: %s", ty.name, key, p)
	}
}

// idempotentWrite checks one write the client may send again by itself:
// applied counts the distinct effects (a state reached), not the requests.
// An error after several attempts leaves the outcome unknown, since an
// earlier attempt may have been applied before its answer was lost.
func (ty *tally) idempotentWrite(t *testing.T, key string, err error, applied int) {
	t.Helper()
	ty.ops++
	o := outcome(err)
	var ae *apierr.Error
	if o == outRefused && errors.As(err, &ae) && ae.Attempts > 1 {
		o = outUnknown
		err = unknownAfterRetries{err}
	}
	ty.outcomes["idempotent write "+o]++
	ty.sample("idempotent write "+o, err)
	if p := checkWrite(err, applied); p != "" {
		ty.problem(t, "%s: idempotent write %s: %s", ty.name, key, p)
	}
}

// unknownAfterRetries is a refusal after several attempts, which leaves the
// outcome of the earlier attempts unknown.
type unknownAfterRetries struct{ error }

func (u unknownAfterRetries) Unwrap() error { return u.error }

// misshapen says how err breaks the one error shape, or "": it must be an
// *APIError that names the request (its Method and URL; an SFTP call has a
// URL and no method), so that a caller can tell which call failed.
func misshapen(err error) string {
	if err == nil {
		return ""
	}
	var ae *apierr.Error
	switch {
	case !errors.As(err, &ae):
		return fmt.Sprintf("error %T is not an *APIError: %v", err, err)
	case ae.URL == "" || ae.Method == "" && !strings.HasPrefix(ae.URL, "sftp://"):
		return fmt.Sprintf("the error does not name the request (method %q, URL %q): %v", ae.Method, ae.URL, err)
	}
	return ""
}

// checkWrite says what is wrong with a write reported as err and applied
// that many times, or "": done means applied once; refused means not
// applied; unknown allows either, but never twice; an error that is not an
// *APIError breaks the one error shape.
func checkWrite(err error, applied int) string {
	o := outcome(err)
	if _, ok := err.(unknownAfterRetries); ok {
		o = outUnknown
	}
	switch {
	case misshapen(err) != "":
		return misshapen(err)
	case applied > 1:
		return fmt.Sprintf("applied %d times (reported %s: %v)", applied, o, err)
	case o == outOK && applied != 1:
		return fmt.Sprintf("reported done, applied %d times", applied)
	case o == outRefused && applied != 0:
		return fmt.Sprintf("reported refused without saying the outcome is unknown, but the fake applied it: %v", err)
	}
	return ""
}

// read checks one read: err is what the client reported; wrong, when not
// empty, says how the data returned differ from the fake's. A read fails
// or not: its outcomes are "ok" and "error" (typed).
func (ty *tally) read(t *testing.T, key string, err error, wrong string) {
	t.Helper()
	ty.ops++
	o := outcome(err)
	if o == outRefused || o == outUnknown {
		o = "error"
	}
	ty.outcomes["read "+o]++
	ty.sample("read "+o, err)
	switch {
	case misshapen(err) != "":
		ty.problem(t, "%s: read %s: %s", ty.name, key, misshapen(err))
	case wrong != "":
		ty.problem(t, "%s: read %s returned wrong data (reported %s): %s", ty.name, key, o, wrong)
	}
}

// TestCheckWrite: the soak's judge catches each way a write can break the
// promise, and lets the honest outcomes through.
func TestCheckWrite(t *testing.T) {
	req := apierr.Error{Package: "x", Method: "POST", URL: "https://x.example/users"}
	refused, noAnswer, unreadable, systemSaid := req, req, req, req
	refused.StatusCode, refused.Attempts = 409, 1
	noAnswer.Err = syscall.ECONNRESET
	unreadable.StatusCode, unreadable.Kind = 201, apierr.ErrUnexpectedContent
	systemSaid.StatusCode, systemSaid.Code = 200, "30008"
	for _, tc := range []struct {
		name    string
		err     error
		applied int
		bad     bool
	}{
		{"done and applied", nil, 1, false},
		{"done, not applied", nil, 0, true},
		{"done, applied twice", nil, 2, true},
		{"refused, not applied", &refused, 0, false},
		{"refused, applied", &refused, 1, true},
		{"the system's own refusal in a 200, applied", &systemSaid, 1, true},
		{"no answer, applied", &noAnswer, 1, false},
		{"no answer, not applied", &noAnswer, 0, false},
		{"no answer, applied twice", &noAnswer, 2, true},
		{"unreadable answer, applied", &unreadable, 1, false},
		{"untyped error", errors.New("boom"), 0, true},
		{"an error that does not name the request", &apierr.Error{Package: "x", StatusCode: 200, Kind: apierr.ErrUnexpectedContent}, 1, true},
	} {
		if got := checkWrite(tc.err, tc.applied); (got != "") != tc.bad {
			t.Errorf("%s: checkWrite = %q, want a violation: %v", tc.name, got, tc.bad)
		}
	}
}

// faultsOf counts the faults an injector injected, by kind.
func (ty *tally) faultsOf(in *fault.Injector) {
	for _, r := range in.Injected() {
		f := r.Fault
		var kind string
		switch {
		case f.Drop:
			kind = "drop"
		case f.Truncate:
			kind = "truncate"
		case f.Garble:
			kind = "garble"
		case f.Status != 0 && strings.Contains(f.RetryAfter, "GMT"):
			kind = fmt.Sprintf("%d+date", f.Status)
		case f.Status != 0:
			kind = fmt.Sprintf("%d+seconds", f.Status)
		default:
			kind = "delay"
		}
		ty.faults[kind]++
	}
}

// soakFaults makes in fail a quarter of the requests, at random from seed,
// with every fault the suite promises to survive. Retry-After asks for a
// second or for an hour (as an HTTP date): the clients' maxWait caps both.
func soakFaults(in *fault.Injector, seed uint64) {
	later := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	in.Random(seed, 0.25,
		fault.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"},
		fault.Fault{Status: http.StatusTooManyRequests, RetryAfter: later},
		fault.Fault{Status: http.StatusServiceUnavailable, RetryAfter: "1"},
		fault.Fault{Status: http.StatusServiceUnavailable, RetryAfter: later},
		fault.Fault{Drop: true},
		fault.Fault{Truncate: true},
		fault.Fault{Garble: true},
		fault.Fault{Delay: time.Millisecond},
	)
}

// A lossy transport loses answers after the server made them: the request
// was read and applied, the caller gets a connection reset. It is the fault
// internal/fault cannot make from inside the server (a drop there happens
// before the fake sees the request), and the one that tests "unknown".
type lossy struct {
	base http.RoundTripper
	mu   sync.Mutex
	rng  *rand.Rand
	rate float64
	lost int
}

func newLossy(seed uint64, rate float64) *lossy {
	return &lossy{base: http.DefaultTransport.(*http.Transport).Clone(), rng: rand.New(rand.NewPCG(seed, 42)), rate: rate}
}

func (l *lossy) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	lose := l.rng.Float64() < l.rate
	if lose {
		l.lost++
	}
	l.mu.Unlock()
	if !lose {
		return resp, nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
}

// client returns an *http.Client sending through l.
func (l *lossy) client() *http.Client { return &http.Client{Transport: l, Timeout: time.Minute} }

// count adds the answers l lost to ty's faults.
func (l *lossy) count(ty *tally) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ty.faults["answer lost after applied"] += l.lost
}

// opContext bounds one operation: a soak must not hang.
func opContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (ty *tally) sample(k string, err error) {
	if _, ok := ty.samples[k]; !ok && err != nil {
		ty.samples[k] = err.Error()
	}
}
