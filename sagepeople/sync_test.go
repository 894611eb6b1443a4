package sagepeople_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// clock is a settable clock for the fake.
type clock struct{ t atomic.Int64 }

func (c *clock) set(t time.Time)  { c.t.Store(t.UnixNano()) }
func (c *clock) now() time.Time   { return time.Unix(0, c.t.Load()).UTC() }
func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }

// TestSyncPageEdgesAndRestarts: members that share a time stamp are split
// by page edges and by a handler that fails; every one is delivered, none
// skipped, and a run after a failure starts where the cursor stands.
func TestSyncPageEdgesAndRestarts(t *testing.T) {
	// The fake's clock stays within a minute of the client's, or the
	// fake would refuse the JWT assertions as a real org would.
	clk := newClock(time.Now().Add(-30 * time.Second).Truncate(time.Second))
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithPageSize(2), sagepeopletest.WithClock(clk.now))
	fill(srv, 5) // all five share one time stamp (with their employments)
	clk.set(clk.now().Add(2 * time.Second))
	c := newClient(t, srv)
	store := sagepeople.NewFileStore(filepath.Join(t.TempDir(), "cursor.json"))
	sync := &sagepeople.Sync{Client: c, Store: store, Lag: time.Second, Now: clk.now}
	seen := map[string]int{}
	failOn := member(3).ID
	handler := func(_ context.Context, m sagepeople.TeamMember) error {
		if m.ID == failOn {
			failOn = ""
			return errors.New("target down")
		}
		seen[m.ID]++
		return nil
	}
	ctx := context.Background()
	st, err := sync.Run(ctx, handler)
	var he *sagepeople.HandlerError
	if !errors.As(err, &he) || he.ID != member(3).ID || st.Members != 3 {
		t.Fatalf("first run: %+v, %v; want a HandlerError after 3 members", st, err)
	}
	cur, _ := store.Load(ctx)
	if cur.ID != member(2).ID {
		t.Errorf("cursor %+v, want at member 2", cur)
	}
	st, err = sync.Run(ctx, handler)
	if err != nil || st.Members != 2 {
		t.Fatalf("second run: %+v, %v; want the 2 members left", st, err)
	}
	for i := range 5 {
		if seen[member(i).ID] != 1 {
			t.Errorf("member %d delivered %d times", i, seen[member(i).ID])
		}
	}
	// Nothing changed: nothing comes.
	if st, err = sync.Run(ctx, handler); err != nil || st.Members != 0 {
		t.Errorf("idle run: %+v, %v", st, err)
	}
	// Two changes and a deletion in one second; the deletion comes too
	// with Deleted. A change in a second not over by Lag waits.
	if err := srv.Update(member(1).ID, sagepeopletest.Record{"fHCM2__Job_Title__c": "Lead"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Update(member(4).ID, sagepeopletest.Record{"fHCM2__Job_Title__c": "Lead"}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Delete(member(2).ID); err != nil {
		t.Fatal(err)
	}
	sync.Query.Deleted = true
	if st, err = sync.Run(ctx, handler); err != nil || st.Members != 0 {
		t.Errorf("a run within Lag of the changes: %+v, %v", st, err)
	}
	clk.set(clk.now().Add(2 * time.Second))
	var got []sagepeople.TeamMember
	st, err = sync.Run(ctx, func(_ context.Context, m sagepeople.TeamMember) error { got = append(got, m); return nil })
	if err != nil || len(got) != 3 || got[0].JobTitle != "Lead" || !got[1].Deleted || got[2].ID != member(4).ID {
		t.Fatalf("changes: %+v, %v: %+v", st, err, got)
	}
}

// TestSyncSubSecondCursor: a cursor with a fraction of a second reads its
// second again and drops what it had.
func TestSyncSubSecondCursor(t *testing.T) {
	clk := newClock(time.Now().Add(-30 * time.Second).Truncate(time.Second))
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithClock(clk.now))
	fill(srv, 3)
	store := &sagepeople.MemoryStore{}
	store.Save(context.Background(), sagepeople.Cursor{SystemModstamp: clk.now().Add(500 * time.Millisecond), ID: member(1).ID})
	sync := &sagepeople.Sync{Client: newClient(t, srv), Store: store, Lag: -1}
	st, err := sync.Run(context.Background(), func(context.Context, sagepeople.TeamMember) error { return nil })
	if err != nil || st.Members != 0 || st.Repeated != 3 {
		t.Errorf("%+v, %v; want the 3 members of the cursor's second dropped", st, err)
	}
}

func TestSyncBadRecord(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 2)
	emp := srv.Insert("fHCM2__Employment__c", sagepeopletest.Record{"fHCM2__Active__c": "maybe"})
	srv.Insert("fHCM2__Team_Member__c", sagepeopletest.Record{"Id": "a0TZZZZZZZZZZZZZZZ", "fHCM2__Current_Employment__c": emp})
	sync := &sagepeople.Sync{Client: newClient(t, srv), Store: &sagepeople.MemoryStore{}, Lag: -1}
	ok := func(context.Context, sagepeople.TeamMember) error { return nil }
	if _, err := sync.Run(context.Background(), ok); !errors.Is(err, sagepeople.ErrBadRecord) {
		t.Fatalf("error %v, want ErrBadRecord", err)
	}
	var reported []string
	sync.OnBadRecord = func(_ context.Context, e *sagepeople.RecordError) error {
		reported = append(reported, e.ID)
		return nil
	}
	st, err := sync.Run(context.Background(), ok)
	if err != nil || st.BadRecords != 1 || len(reported) != 1 || reported[0] != "a0TZZZZZZZZZZZZZZZ" {
		t.Fatalf("%+v, %v, reported %v", st, err, reported)
	}
}
