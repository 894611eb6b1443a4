package hcmatom_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

// recorder is a handler that records what it is handed and fails when told.
type recorder struct {
	got    []string // collection:entry id
	failAt map[string]error
}

func (r *recorder) handle(_ context.Context, ev hcmatom.Event) error {
	raw := ev.Raw()
	key := raw.Entry.ID
	if err := r.failAt[key]; err != nil {
		delete(r.failAt, key)
		return err
	}
	r.got = append(r.got, key)
	return nil
}

func ids(s *hcmatomtest.Server, c hcmatom.Collection) []string {
	var out []string
	for _, e := range s.Entries(c) {
		out = append(out, e.ID)
	}
	return out
}

func TestSyncOrderWorkstructuresFirstThenByTime(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	// Employee entries first in time, a workstructure entry later: the
	// workstructure still comes first.
	w := s.Hire(t0, hcmatomtest.Worker{Name: "Meyerson, Barbara"})
	s.Promote(t0.Add(2*time.Hour), w.AssignmentID, map[string]string{"JobId": "J2"})
	s.Terminate(t0.Add(time.Hour), w.PeriodOfServiceID, date("2023-06-29")) // between the hire and the promotion
	s.ChangeWorkstructure(t0.Add(3*time.Hour), hcmatom.JobsFeed, "J2", "Senior Engineer")
	var got []string
	sy := &hcmatom.Sync{Client: newClient(t, s), Store: &hcmatom.MemoryStore{}}
	st, err := sy.Run(ctx, func(_ context.Context, ev hcmatom.Event) error {
		got = append(got, ev.Raw().Collection.Name())
		return nil
	})
	// At t0, newhire and empassignment tie: newhire first (EmployeeFeeds'
	// order). Then the termination, then the promotion's two entries.
	want := "jobs newhire empassignment termination empassignment empupdate"
	if err != nil || strings.Join(got, " ") != want || st.Events != 6 || st.Pages != len(hcmatom.AllFeeds()) {
		t.Errorf("order %q, stats %+v, %v", got, st, err)
	}
}

// A handler that fails in the middle of a page, then a restart: no event
// is lost, none is skipped, including across equal timestamps.
func TestSyncHandlerErrorMidPageThenRestart(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	addUpdates(s, minutes(1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 13, 14)...)
	all := ids(s, hcmatom.PersonUpdateFeed)
	path := filepath.Join(t.TempDir(), "cursors.json")
	store := hcmatom.NewFileStore(path)
	boom := errors.New("target system down")
	rec := &recorder{failAt: map[string]error{all[10]: boom}} // P11, the third of the four at minute 9
	sy := &hcmatom.Sync{Client: newClient(t, s), Store: store, Feeds: []hcmatom.Collection{hcmatom.PersonUpdateFeed}}
	_, err := sy.Run(ctx, rec.handle)
	var he *hcmatom.HandlerError
	if !errors.As(err, &he) || !errors.Is(err, boom) || he.EntryID != all[10] || he.Collection != hcmatom.PersonUpdateFeed {
		t.Fatalf("Run = %v", err)
	}
	// The cursor stands before the group of minute 9: resuming from P10's
	// timestamp, which the bound excludes, would lose P11 and P12.
	st, _ := store.Load(ctx)
	if got := st.Cursors[hcmatom.PersonUpdateFeed]; !got.Equal(t0.Add(8 * time.Minute)) {
		t.Errorf("cursor %v, want minute 8", got)
	}
	// A new process with the same store.
	sy2 := &hcmatom.Sync{Client: newClient(t, s), Store: hcmatom.NewFileStore(path), Feeds: sy.Feeds}
	if _, err := sy2.Run(ctx, rec.handle); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, id := range rec.got {
		seen[id]++
	}
	for i, id := range all {
		if seen[id] == 0 {
			t.Errorf("entry %d (%s) lost", i+1, id)
		}
	}
	// P9 and P10 were handled before the failure and come again.
	if seen[all[8]] != 2 || seen[all[9]] != 2 || len(rec.got) != len(all)+2 {
		t.Errorf("deliveries %v", seen)
	}
	st, _ = store.Load(ctx)
	if got := st.Cursors[hcmatom.PersonUpdateFeed]; !got.Equal(t0.Add(14 * time.Minute)) {
		t.Errorf("final cursor %v", got)
	}
	// Nothing new: a run hands out nothing.
	rec.got = nil
	if st, err := sy2.Run(ctx, rec.handle); err != nil || st.Events != 0 || len(rec.got) != 0 {
		t.Errorf("idle run: %+v %v %v", st, err, rec.got)
	}
}

// Duplicate deliveries: the roster applied from a cursor store reset to
// zero sees every event again and changes nothing.
func TestSyncDuplicateDeliveriesLeaveTheRosterAlone(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	jane := s.Hire(t0, hcmatomtest.Worker{Name: "Doe, Jane", BusinessUnitID: "BU1", JobID: "J1"})
	pw := s.AddPendingWorker(t0.Add(time.Minute), hcmatomtest.Worker{Name: "Gainsboro, Jennifer"})
	s.ConvertPendingWorker(t0.Add(2*time.Minute), pw.PersonNumber)
	s.Transfer(t0.Add(3*time.Minute), jane.AssignmentID, map[string]string{"BusinessUnitId": "BU2", "JobId": "J7"})
	s.AddAssignment(t0.Add(4*time.Minute), jane.PersonNumber, map[string]string{"JobId": "J9"})
	s.UpdatePerson(t0.Add(5*time.Minute), jane.PersonNumber, map[string]string{"WorkEmail": "jane.doe@example.com"})
	s.AssignPayroll(t0.Add(6*time.Minute), jane.AssignmentID, "PAY1")
	s.Terminate(t0.Add(7*time.Minute), jane.PeriodOfServiceID, date("2023-07-31"))
	s.Rehire(t0.Add(8*time.Minute), hcmatomtest.Worker{PersonNumber: jane.PersonNumber, Start: date("2023-09-01")})

	r := hcmatom.NewRoster()
	var meanings []string
	apply := func(_ context.Context, ev hcmatom.Event) error {
		out, err := r.Apply(ev)
		meanings = append(meanings, out.Lifecycle.String())
		return err
	}
	sy := &hcmatom.Sync{Client: newClient(t, s), Store: &hcmatom.MemoryStore{}}
	if _, err := sy.Run(ctx, apply); err != nil {
		t.Fatal(err)
	}
	want := "joiner update joiner update mover update mover unchanged mover update update leaver rehire update"
	if got := strings.Join(meanings, " "); got != want {
		t.Errorf("meanings\n got %s\nwant %s", got, want)
	}
	before := snapshot(r)
	jp, _ := r.Person(jane.PersonNumber)
	if jp.WorkEmail != "jane.doe@example.com" || len(jp.WorkRelationships) != 2 || jp.Terminated {
		t.Errorf("jane %+v", jp)
	}
	meanings = nil
	sy.Store = &hcmatom.MemoryStore{} // everything again
	if _, err := sy.Run(ctx, apply); err != nil {
		t.Fatal(err)
	}
	for i, m := range meanings {
		if m != "unchanged" {
			t.Errorf("event %d delivered again meant %s", i, m)
		}
	}
	if !reflect.DeepEqual(snapshot(r), before) {
		t.Error("delivering every event again changed the roster")
	}
}

func TestSyncBadEntries(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	addUpdates(s, minutes(1)...)
	bad := s.Add(hcmatom.PersonUpdateFeed, hcmatom.Entry{Updated: t0.Add(2 * time.Minute), Content: `{"Context": "oops"}`})
	addUpdates(s, minutes(3)...)
	store := &hcmatom.MemoryStore{}
	rec := &recorder{}
	sy := &hcmatom.Sync{Client: newClient(t, s), Store: store, Feeds: []hcmatom.Collection{hcmatom.PersonUpdateFeed}}
	_, err := sy.Run(ctx, rec.handle)
	var ee *hcmatom.EntryError
	if !errors.As(err, &ee) || ee.ID != bad.ID || len(rec.got) != 1 {
		t.Fatalf("Run = %v, handled %v", err, rec.got)
	}
	if st, _ := store.Load(ctx); !st.Cursors[hcmatom.PersonUpdateFeed].Equal(t0.Add(time.Minute)) {
		t.Errorf("cursor moved past the bad entry: %v", st)
	}
	var parked []string
	sy.OnBadEntry = func(_ context.Context, e *hcmatom.EntryError) error {
		parked = append(parked, e.ID)
		return nil
	}
	st, err := sy.Run(ctx, rec.handle)
	if err != nil || st.BadEntries != 1 || st.Events != 1 || len(parked) != 1 || parked[0] != bad.ID || len(rec.got) != 2 {
		t.Errorf("%+v %v %v %v", st, err, parked, rec.got)
	}
}

func TestSyncStartOrderAndStore(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	addUpdates(s, minutes(1, 2, 3)...)
	rec := &recorder{}
	store := &hcmatom.MemoryStore{}
	sy := &hcmatom.Sync{Client: newClient(t, s), Store: store, Feeds: []hcmatom.Collection{hcmatom.PersonUpdateFeed}, Start: t0.Add(time.Minute)}
	if st, err := sy.Run(ctx, rec.handle); err != nil || st.Events != 2 {
		t.Fatalf("%+v %v", st, err)
	}
	sy.Order = hcmatom.ByPublished
	if _, err := sy.Run(ctx, rec.handle); err == nil || !strings.Contains(err.Error(), "cannot be mixed") {
		t.Errorf("changing the order: %v", err)
	}
	if _, err := (&hcmatom.Sync{Client: sy.Client}).Run(ctx, rec.handle); err == nil {
		t.Error("a Sync without a store ran")
	}
	twice := &hcmatom.Sync{Client: sy.Client, Store: &hcmatom.MemoryStore{}, Feeds: []hcmatom.Collection{hcmatom.NewHireFeed, hcmatom.NewHireFeed}}
	if _, err := twice.Run(ctx, rec.handle); err == nil || !strings.Contains(err.Error(), "names employee/newhire twice") {
		t.Errorf("a feed named twice: %v", err)
	}
}

// failingStore fails its n-th save.
type failingStore struct {
	hcmatom.MemoryStore
	n int
}

func (f *failingStore) Save(ctx context.Context, s hcmatom.State) error {
	if f.n--; f.n == 0 {
		return errors.New("disk full")
	}
	return f.MemoryStore.Save(ctx, s)
}

func TestSyncReportsStoreErrors(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	addUpdates(s, minutes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)...)
	sy := &hcmatom.Sync{Client: newClient(t, s), Store: &failingStore{n: 1}, Feeds: []hcmatom.Collection{hcmatom.PersonUpdateFeed}}
	if _, err := sy.Run(ctx, (&recorder{}).handle); err == nil || !strings.Contains(err.Error(), "saving the cursors: disk full") {
		t.Errorf("%v", err)
	}
}

func TestSyncPoll(t *testing.T) {
	s := hcmatomtest.NewServer(t)
	addUpdates(s, minutes(1)...)
	c, cancel := context.WithCancel(ctx)
	defer cancel()
	n := 0
	sy := &hcmatom.Sync{Client: newClient(t, s), Store: &hcmatom.MemoryStore{}, Feeds: []hcmatom.Collection{hcmatom.PersonUpdateFeed}}
	err := sy.Poll(c, time.Millisecond, func(context.Context, hcmatom.Event) error {
		if n++; n == 1 {
			addUpdates(s, minutes(2)...) // arrives for the next poll
		} else {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 2 {
		t.Errorf("%v after %d events", err, n)
	}
	if err := sy.Poll(ctx, 0, nil); err == nil {
		t.Error("zero interval accepted")
	}
}

// A server that ignores orderBy answers newest first: refused, rather
// than moving the cursor past entries not yet read.
func TestEventsRefusesAFeedOutOfOrder(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<feed><entry><id>E2</id><updated>2023-06-29T08:02:00Z</updated><content>{"Context":[{"PersonNumber":"2"}]}</content></entry>`+
			`<entry><id>E1</id><updated>2023-06-29T08:01:00Z</updated><content>{"Context":[{"PersonNumber":"1"}]}</content></entry></feed>`)
	}))
	defer srv.Close()
	c, _ := hcmatom.NewClient(srv.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth("u", "p"))
	n := 0
	for ev, err := range c.Events(ctx, hcmatom.Query{Collection: hcmatom.PersonUpdateFeed}) {
		if ev != nil {
			n++
		}
		if err != nil {
			if !strings.Contains(err.Error(), `entry "E1": entries are not in ascending <updated> order`) {
				t.Errorf("err = %v", err)
			}
			break
		}
	}
	if n != 0 {
		t.Errorf("%d events handed out from a page in the wrong order", n)
	}
}
