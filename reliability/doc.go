// Package reliability is the suite that holds every hrbridge client to the
// promise a user buys: under a bad network, a crash or a server that does
// not trust the client, every operation ends in success or a typed error,
// nothing is lost, nothing is written twice, and nothing is read wrong.
//
// It has no code of its own: its tests run every client of the module
// against its fake (the ...test package beside it).
//
//   - TestSoak runs a bounded number of operations of each client while the
//     fake fails requests at random, from a seed (internal/fault: 429 and
//     503 with Retry-After in seconds and as an HTTP date, connections
//     dropped before the request reaches the fake, answers lost after the
//     fake applied the request, truncated and garbled bodies, latency). It
//     compares each operation's reported outcome with what the fake
//     applied: a write reported refused must not have been applied, a write
//     reported done must have been applied once, a write never applied
//     twice, a read never returning wrong data. An error whose outcome the
//     caller cannot know (no answer, or an answer that could not be read) is
//     "unknown": it is allowed, and counted.
//   - TestCrashRestart stops hcmatom.Sync at random points over a feed of
//     thousands of events (a cancelled context, a failing handler, a cursor
//     store that cannot write) and restarts it, many times, then compares
//     the roster with the one a single clean run builds.
//   - TestTLS starts each HTTP fake with TLS and checks that its client
//     works given the fake's certificate authority (WithRootCAs) and
//     refuses it without, at once (a certificate error is not retried);
//     for oHRis, over SFTP, a host key not the server's is refused.
//   - TestEveryClientInSuite fails when a package of the module has a fake
//     (a ...test sub-package) but no row in the suite's table: a new client
//     cannot land without joining the suite.
//
// Run it with
//
//	go test ./reliability            # the whole suite, about half a minute
//	go test -short ./reliability     # fewer operations and restarts
//	go test -v -run Soak ./reliability   # the figures: operations, faults, outcomes
//
// The seeds are fixed, so a run is reproducible; -soak.seed picks another
// base seed.
package reliability
