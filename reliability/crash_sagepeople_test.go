package reliability_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// spStore is sagepeople's cursor store that can fail to write and die
// (see crashStore).
type spStore struct {
	mu        sync.Mutex
	saved     sagepeople.Cursor
	dead      bool
	failAfter int
	saves     int
}

func (s *spStore) Load(context.Context) (sagepeople.Cursor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.saved, nil
}

func (s *spStore) Save(_ context.Context, c sagepeople.Cursor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dead {
		return nil
	}
	if s.saves++; s.saves == s.failAfter {
		return errors.New("crash test: disk full")
	}
	s.saved = c
	return nil
}

func (s *spStore) restart(failAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dead, s.failAfter, s.saves = false, failAfter, 0
}

func (s *spStore) die() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dead = true
}

// TestCrashRestartSagePeople is TestCrashRestart for sagepeople.Sync: team
// members, many sharing a time stamp, read in pages that split them, the
// run stopped at random points and restarted; the copy the handler keeps
// must end equal to a clean run's, with no member skipped or lost.
func TestCrashRestartSagePeople(t *testing.T) {
	members, stops := 2000, 100
	if testing.Short() {
		members, stops = 300, 20
	}
	seed := *soakSeed
	rng := rand.New(rand.NewPCG(seed, 5))
	// The fake's clock stays within a minute of the client's, or it
	// refuses the JWT assertions as a real org would.
	var clk atomic.Int64
	now := func() time.Time { return time.Unix(0, clk.Load()).UTC() }
	clk.Store(time.Now().Add(-50 * time.Second).Truncate(time.Second).UnixNano())
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithPageSize(20), sagepeopletest.WithClock(now))
	for i := range members {
		srv.AddTeamMember(sagepeople.TeamMember{UniqueID: fmt.Sprintf("E%05d", i), FirstName: "Pat", LastName: fmt.Sprint(i),
			Email: fmt.Sprintf("p%d@acme.example", i), EmploymentStatus: "Current"})
		if rng.IntN(members/30) == 0 { // about 30 distinct seconds: dozens of members share each
			clk.Add(int64(time.Second))
		}
	}
	clk.Add(int64(2 * time.Second))
	c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(), sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key),
		sagepeople.WithRetry(retries, maxWait))
	if err != nil {
		t.Fatal(err)
	}
	newSync := func(store sagepeople.CursorStore) *sagepeople.Sync {
		return &sagepeople.Sync{Client: c, Store: store, Lag: time.Second, Now: now}
	}

	clean := map[string]sagepeople.TeamMember{}
	if _, err := newSync(&sagepeople.MemoryStore{}).Run(t.Context(), func(_ context.Context, m sagepeople.TeamMember) error {
		clean[m.ID] = m
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(clean) != members {
		t.Fatalf("the clean run read %d members of %d", len(clean), members)
	}

	store := &spStore{}
	copied := map[string]sagepeople.TeamMember{} // the application's copy, which survives the stops
	accepted := map[string]int{}
	var byKind [stopKinds]int
	restarts, delivered := 0, 0
	for i := 0; ; i++ {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		kind, at, applyFirst := rng.IntN(stopKinds), 1+rng.IntN(members/(2*stops)+1), rng.IntN(2) == 0
		last := restarts == stops
		failAfter := 0
		if kind == stopStore && !last {
			failAfter = 1 + rng.IntN(2)
		}
		store.restart(failAfter)
		ctx, cancel := context.WithCancel(t.Context())
		n := 0
		_, err := newSync(store).Run(ctx, func(ctx context.Context, m sagepeople.TeamMember) error {
			delivered++
			if n++; n == at && !last {
				if applyFirst {
					copied[m.ID] = m
				}
				switch kind {
				case stopCancel:
					cancel()
					return ctx.Err()
				case stopHandler:
					return errors.New("crash test: the target is down")
				case stopKill:
					store.die()
					cancel()
					return ctx.Err()
				}
			}
			copied[m.ID] = m
			accepted[m.ID]++
			return nil
		})
		cancel()
		cur, _ := store.Load(t.Context())
		for id, m := range clean {
			if !cur.IsZero() && cmp.Or(m.SystemModstamp.Compare(cur.SystemModstamp), strings.Compare(id, cur.ID)) <= 0 && accepted[id] == 0 {
				t.Fatalf("stop %d (%s after %d members): the cursor %+v stands past member %s (%v), which the handler never accepted",
					i, stopNames[kind], at, cur, id, m.SystemModstamp)
			}
		}
		if last {
			if err != nil {
				t.Fatalf("the last run, not stopped: %v", err)
			}
			break
		}
		if err == nil {
			break
		}
		byKind[kind]++
		restarts++
	}
	lost, dups := 0, 0
	for id := range clean {
		if accepted[id] == 0 {
			lost++
			t.Errorf("member %s lost: never accepted", id)
		}
		dups += max(accepted[id]-1, 0)
	}
	if !reflect.DeepEqual(copied, clean) {
		t.Errorf("the copy after %d stops differs from the clean run's (%d members, want %d)", restarts, len(copied), len(clean))
	}
	t.Logf("seed %d: %d members; %d stops and restarts (%s %d, %s %d, %s %d, %s %d); %d deliveries, %d duplicates, %d lost, 0 skipped",
		seed, members, restarts, stopNames[0], byKind[0], stopNames[1], byKind[1], stopNames[2], byKind[2], stopNames[3], byKind[3],
		delivered, dups, lost)
}
