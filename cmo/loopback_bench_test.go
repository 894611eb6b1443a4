package cmo_test

import (
	"context"
	"testing"

	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// BenchmarkImportUsersLoopback imports 10,000 users into the fake over
// loopback, with the default batch size (500): validation, encoding, the
// calls, the fake's work, the parsing of its answers.
func BenchmarkImportUsersLoopback(b *testing.B) {
	srv := cmotest.NewServer(b)
	c := newClient(b, srv)
	users := people(10000)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.ImportUsers(ctx, users)
		if err != nil || res.Imported != len(users) {
			b.Fatalf("%d imported, %v", res.Imported, err)
		}
	}
	calls := soapCalls(srv)
	sent := 0
	for _, r := range calls {
		sent += len(r.Body)
	}
	b.SetBytes(int64(sent / b.N))
	b.ReportMetric(float64(len(calls))/float64(b.N), "requests/op")
	b.ReportMetric(float64(srv.Connections()), "connections")
}
