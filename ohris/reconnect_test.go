package ohris_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

// TestCallAfterDroppedConnection: an upload whose connection breaks fails;
// the next call connects again at once, instead of failing on the dead
// connection before the client has noticed it is gone. Several rounds, as
// the failure it guards against was a race.
func TestCallAfterDroppedConnection(t *testing.T) {
	srv := ohristest.NewServer(t)
	c := newClient(t, srv)
	ctx := context.Background()
	content := bytes.Repeat([]byte("<utilisateur/>\n"), 4000)
	dropped := 0
	for i := range 20 {
		name := ohris.FileName(ohris.Date{Year: 2024, Month: 1, Day: 1 + i})
		srv.DropConnectionAfter(1000)
		if err := c.Upload(ctx, ohris.Test, name, bytes.NewReader(content)); err != nil {
			dropped++
		}
		srv.DropConnectionAfter(-1) // off, if the cut did not come (the fake's writes race it now and then)
		if err := c.Upload(ctx, ohris.Test, name, bytes.NewReader(content)); err != nil {
			t.Fatalf("round %d: the call after a dropped connection: %v", i, err)
		}
	}
	if dropped < 10 {
		t.Errorf("the connection was cut in %d rounds of 20: the test did not test", dropped)
	}
}
