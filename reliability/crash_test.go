package reliability_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

// pod fills srv with at least n feed entries of a company's life, drawn
// from seed: hires, pending workers converted, transfers, promotions,
// second assignments, person updates, payroll, terminations, rehires,
// workstructure changes. Many entries share a timestamp, which puts some
// of them across page edges.
func pod(srv *hcmatomtest.Server, seed uint64, n int) {
	rng := rand.New(rand.NewPCG(seed, 11))
	at := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	type worker struct {
		number, pos, asg string
		left             bool
	}
	var staff []*worker
	active := func() *worker {
		for range 8 {
			if w := staff[rng.IntN(len(staff))]; !w.left {
				return w
			}
		}
		return nil
	}
	hire := func() {
		w := srv.Hire(at, hcmatomtest.Worker{Name: fmt.Sprintf("Worker%d, Pat", len(staff)),
			BusinessUnitID: fmt.Sprintf("BU%d", rng.IntN(5)), JobID: fmt.Sprintf("J%d", rng.IntN(20))})
		staff = append(staff, &worker{number: w.PersonNumber, pos: w.PeriodOfServiceID, asg: w.AssignmentID})
	}
	for i := 0; ; i++ {
		entries := 0
		for _, c := range hcmatom.AllFeeds() {
			entries += len(srv.Entries(c))
		}
		if entries >= n {
			return
		}
		if rng.IntN(3) > 0 {
			at = at.Add(time.Duration(rng.IntN(3)) * time.Minute) // a third share the timestamp before
		}
		if len(staff) < 20 {
			hire()
			continue
		}
		w := active()
		switch k := rng.IntN(20); {
		case k < 5 || w == nil:
			hire()
		case k == 5:
			p := srv.AddPendingWorker(at, hcmatomtest.Worker{Name: fmt.Sprintf("Pending%d, Sam", i)})
			at = at.Add(time.Minute)
			c := srv.ConvertPendingWorker(at, p.PersonNumber)
			staff = append(staff, &worker{number: c.PersonNumber, pos: c.PeriodOfServiceID, asg: c.AssignmentID})
		case k < 9:
			srv.Transfer(at, w.asg, map[string]string{"BusinessUnitId": fmt.Sprintf("BU%d", rng.IntN(5)),
				"OrganizationId": fmt.Sprintf("ORG%d", rng.IntN(9))})
		case k < 11:
			srv.Promote(at, w.asg, map[string]string{"JobId": fmt.Sprintf("J%d", rng.IntN(20)), "GradeId": fmt.Sprintf("G%d", rng.IntN(6))})
		case k < 13:
			srv.UpdatePerson(at, w.number, map[string]string{"WorkEmail": fmt.Sprintf("w%d.%d@example.com", i, rng.IntN(100))})
		case k == 13:
			srv.AddAssignment(at, w.number, map[string]string{"JobId": fmt.Sprintf("J%d", rng.IntN(20))})
		case k == 14:
			srv.AssignPayroll(at, w.asg, fmt.Sprintf("PAY%d", rng.IntN(3)))
		case k == 15:
			srv.ChangeWorkstructure(at, hcmatom.OrganizationsFeed, fmt.Sprintf("ORG%d", rng.IntN(9)), fmt.Sprintf("Department %d", i))
		case k < 18:
			srv.Terminate(at, w.pos, hcmatom.DateOf(at))
			w.left = true
		default:
			for _, l := range staff {
				if l.left {
					at = at.Add(24 * time.Hour)
					r := srv.Rehire(at, hcmatomtest.Worker{PersonNumber: l.number, Start: hcmatom.DateOf(at)})
					l.pos, l.asg, l.left = r.PeriodOfServiceID, r.AssignmentID, false
					break
				}
			}
		}
	}
}

// crashStore is a cursor store that can fail to write, and can die: after
// a crash nothing is saved any more, as when the process is killed. clone
// copies a state, so that the store keeps its own.
type crashStore[S any] struct {
	mu        sync.Mutex
	saved     S
	clone     func(S) S
	dead      bool
	failAfter int // the save that fails, counted from 1; 0: none
	saves     int
}

func (s *crashStore[S]) Load(context.Context) (S, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clone(s.saved), nil
}

func (s *crashStore[S]) Save(_ context.Context, st S) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dead {
		return nil // the process is gone: nothing reaches the disk, nobody hears of it
	}
	if s.saves++; s.saves == s.failAfter {
		return errors.New("crash test: disk full")
	}
	s.saved = s.clone(st)
	return nil
}

// restart brings the store back as a new process finds it.
func (s *crashStore[S]) restart(failAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dead, s.failAfter, s.saves = false, failAfter, 0
}

func (s *crashStore[S]) die() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dead = true
}

// How a run is stopped.
const (
	stopCancel  = iota // the context is cancelled (a shutdown)
	stopHandler        // the handler fails (the application's database is down)
	stopStore          // the cursor store fails to write
	stopKill           // the process is killed: nothing is saved after that point
	stopKinds
)

var stopNames = [stopKinds]string{"context cancelled", "handler failed", "store failed to write", "process killed"}

// A deliverFunc is what a sync's handler calls for each item: id names
// it, apply applies it to the application's state (which survives stops).
type deliverFunc func(ctx context.Context, id string, apply func() error) error

// crashFigures are what a crash loop did.
type crashFigures struct {
	byKind    [stopKinds]int
	restarts  int
	delivered int
	accepted  map[string]int // item id → times the handler accepted it
}

func (f *crashFigures) String() string {
	dups := 0
	for _, n := range f.accepted {
		dups += n - 1
	}
	var kinds []string
	for k, n := range f.byKind {
		kinds = append(kinds, fmt.Sprintf("%s %d", stopNames[k], n))
	}
	return fmt.Sprintf("%d stops and restarts (%s); %d deliveries, %d duplicates", f.restarts, strings.Join(kinds, ", "), f.delivered, dups)
}

// crashLoop runs a sync (run, whose handler calls deliver), stops it at a
// point drawn from seed (within span deliveries) in one of the stop kinds,
// and restarts it, until stops stops have come or the sync reached the end;
// then it runs it once more without a stop, which must succeed. skipped is
// called after every run with the store as it stands, and reports an item
// the stored cursor has passed but the handler never accepted.
func crashLoop[S any](t *testing.T, seed uint64, stops, span int, store *crashStore[S],
	run func(ctx context.Context, deliver deliverFunc) error, skipped func(accepted map[string]int) string) *crashFigures {
	t.Helper()
	f := &crashFigures{accepted: map[string]int{}}
	for i := 0; ; i++ {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		kind, at, applyFirst := rng.IntN(stopKinds), 1+rng.IntN(span), rng.IntN(2) == 0
		last := f.restarts == stops // then one run to the end, not stopped
		failAfter := 0
		if kind == stopStore && !last {
			failAfter = 1 + rng.IntN(2)
		}
		store.restart(failAfter)
		ctx, cancel := context.WithCancel(t.Context())
		n := 0
		err := run(ctx, func(ctx context.Context, id string, apply func() error) error {
			f.delivered++
			if n++; n == at && !last {
				if applyFirst {
					// Stopped after the application took the item,
					// before the handler returned: it will come again.
					apply()
				}
				switch kind {
				case stopCancel:
					cancel()
					return ctx.Err()
				case stopHandler:
					return errors.New("crash test: the application's database is down")
				case stopKill:
					store.die()
					cancel()
					return ctx.Err()
				}
			}
			if err := apply(); err != nil {
				return err
			}
			f.accepted[id]++
			return nil
		})
		cancel()
		if what := skipped(f.accepted); what != "" {
			t.Fatalf("stop %d (%s after %d deliveries): %s", i, stopNames[kind], at, what)
		}
		switch {
		case last && err != nil:
			t.Fatalf("the last run, not stopped: %v", err)
		case last || err == nil: // err == nil: the sync reached the end before the stop came
			return f
		}
		f.byKind[kind]++
		f.restarts++
	}
}

// TestCrashRestart runs hcmatom.Sync over a pod's feeds of 10,000 entries,
// stops it at random points in each of the ways a run ends early, and
// restarts it, 200 times; the handler applies each event to a roster that
// survives the stops (the application's own database). At every restart no
// entry at or before a stored cursor may be one the handler never accepted
// (none skipped); at the end every entry must have been accepted (none
// lost), and the roster must equal the one a single clean run builds (every
// duplicate delivery harmless).
func TestCrashRestart(t *testing.T) {
	entries, stops := 10000, 200
	if testing.Short() {
		entries, stops = 1500, 30
	}
	seed := *soakSeed
	srv := hcmatomtest.NewServer(t)
	pod(srv, seed, entries)
	all := map[string]hcmatom.Entry{}
	for _, c := range hcmatom.AllFeeds() {
		for _, e := range srv.Entries(c) {
			all[e.ID] = e
		}
	}
	c, err := hcmatom.NewClient(srv.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(srv.Username, srv.Password),
		hcmatom.WithRetry(retries, maxWait))
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 50

	clean := hcmatom.NewRoster()
	sy := &hcmatom.Sync{Client: c, Store: &hcmatom.MemoryStore{}, PageSize: pageSize}
	st, err := sy.Run(t.Context(), func(_ context.Context, ev hcmatom.Event) error {
		_, err := clean.Apply(ev)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Events != len(all) {
		t.Fatalf("the clean run handled %d events of %d entries", st.Events, len(all))
	}

	store := &crashStore[hcmatom.State]{clone: func(s hcmatom.State) hcmatom.State {
		return hcmatom.State{Order: s.Order, Cursors: maps.Clone(s.Cursors)}
	}}
	roster := hcmatom.NewRoster()
	f := crashLoop(t, seed, stops, entries/(2*stops), store, func(ctx context.Context, deliver deliverFunc) error {
		sy := &hcmatom.Sync{Client: c, Store: store, PageSize: pageSize}
		_, err := sy.Run(ctx, func(ctx context.Context, ev hcmatom.Event) error {
			return deliver(ctx, ev.Raw().Entry.ID, func() error { _, err := roster.Apply(ev); return err })
		})
		return err
	}, func(accepted map[string]int) string {
		saved, _ := store.Load(t.Context())
		for col, cur := range saved.Cursors {
			for _, e := range srv.Entries(col) {
				if !e.Updated.After(cur) && accepted[e.ID] == 0 {
					return fmt.Sprintf("the %s cursor stands at %v, past entry %s (%v), which the handler never accepted", col, cur, e.ID, e.Updated)
				}
			}
		}
		return ""
	})

	lost := 0
	for id := range all {
		if f.accepted[id] == 0 {
			lost++
			if lost < 5 {
				t.Errorf("entry %s (%s, %v) lost: never accepted", id, all[id].Title, all[id].Updated)
			}
		}
	}
	want, got := slices.Collect(clean.Persons()), slices.Collect(roster.Persons())
	if !reflect.DeepEqual(got, want) {
		diff := 0
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				if diff++; diff < 4 {
					t.Errorf("person %s after the stops:\n%+v\nafter one clean run:\n%+v", want[i].PersonNumber, got[i], want[i])
				}
			}
		}
		t.Errorf("the roster after %d stops differs from the clean run's: %d persons (want %d), %d differ", f.restarts, len(got), len(want), diff)
	}
	t.Logf("seed %d: %d entries, %d persons; %v; %d lost, 0 skipped", seed, len(all), len(want), f, lost)
}
