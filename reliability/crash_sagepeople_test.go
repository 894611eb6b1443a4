package reliability_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

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

	store := &crashStore[sagepeople.Cursor]{clone: func(c sagepeople.Cursor) sagepeople.Cursor { return c }}
	copied := map[string]sagepeople.TeamMember{} // the application's copy, which survives the stops
	f := crashLoop(t, seed, stops, members/(2*stops)+1, store, func(ctx context.Context, deliver deliverFunc) error {
		_, err := newSync(store).Run(ctx, func(ctx context.Context, m sagepeople.TeamMember) error {
			return deliver(ctx, m.ID, func() error { copied[m.ID] = m; return nil })
		})
		return err
	}, func(accepted map[string]int) string {
		cur, _ := store.Load(t.Context())
		for id, m := range clean {
			if !cur.IsZero() && cmp.Or(m.SystemModstamp.Compare(cur.SystemModstamp), strings.Compare(id, cur.ID)) <= 0 && accepted[id] == 0 {
				return fmt.Sprintf("the cursor %+v stands past member %s (%v), which the handler never accepted", cur, id, m.SystemModstamp)
			}
		}
		return ""
	})
	lost := 0
	for id := range clean {
		if f.accepted[id] == 0 {
			lost++
			t.Errorf("member %s lost: never accepted", id)
		}
	}
	if !reflect.DeepEqual(copied, clean) {
		t.Errorf("the copy after %d stops differs from the clean run's (%d members, want %d)", f.restarts, len(copied), len(clean))
	}
	t.Logf("seed %d: %d members; %v; %d lost, 0 skipped", seed, members, f, lost)
}
