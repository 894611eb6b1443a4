// Package reliability is the suite that holds every hrbridge client to the
// promise a user buys: under a bad network, a crash, hostile input or a
// server that does not trust the client, every operation ends in success or
// a typed error, nothing is lost, nothing is written twice, nothing is read
// wrong, and no secret reaches a log line or an error.
//
// It has no code of its own: its tests run every client of the module
// against its fake (the ...test package beside it).
//
//   - TestSoak runs a bounded number of operations of each client while the
//     fake fails a quarter of the requests at random, from a seed
//     (internal/fault: 429 and 503 with Retry-After in seconds and as an
//     HTTP date, connections dropped before the request reaches the fake,
//     truncated and garbled bodies, latency), and a transport in the client
//     loses some answers after the fake applied the request. It compares
//     each operation's reported outcome with what the fake applied: a
//     write reported refused must not have been applied, a write reported
//     done must have been applied once, no write is applied twice, no read
//     returns wrong data, and every error is an *APIError that names its
//     request. An error that leaves the outcome unknown to the caller is
//     allowed, and counted: no status (the request may have gone out, no
//     answer came back), a 2xx status without a code of the system's own
//     (the answer came and could not be read), or, for a write the client
//     repeats by itself, a refusal after several attempts (an earlier one
//     may have been applied).
//   - TestCrashRestart stops hcmatom.Sync at random points over feeds of
//     10,000 entries (a cancelled context, a failing handler, a cursor store
//     that cannot write, a killed process that saves nothing more), and
//     restarts it, 200 times; no entry may be passed by a stored cursor
//     without having been handled, none lost, and the roster must equal the
//     one a single clean run builds. TestCrashRestartSagePeople does the
//     same for sagepeople.Sync.
//   - TestTLS starts each HTTP fake with TLS and checks that its client
//     works given the fake's certificate authority (WithRootCAs) and
//     refuses it without, at once (a certificate error is not retried);
//     for oHRis, over SFTP, a host key not the server's is refused.
//   - TestSecretsNeverLeak runs every client with debug logging against its
//     fake, on its success and failure paths, with recognisable secrets
//     (passwords, tokens, keys, assertions), and scans every log line and
//     error for them in every encoding a leak takes (raw, base64, URL-,
//     XML-, JSON-escaped, Go-quoted); TestExamplesLeakNothing scans what
//     the examples print.
//   - TestHostileInput is one table of threats (XML bombs and external
//     entities, deep nesting, bodies past the cap, invalid UTF-8, duplicate
//     keys, huge numbers, filter and SOQL injection, forged JWTs, a tampered
//     PGP extract, a wrong host key, an untrusted certificate, redirects to
//     plain HTTP or another host), each row tried on every client and every
//     fake's verifier that can receive it.
//   - TestEveryClientInSuite fails when a package of the module has a fake
//     (a ...test sub-package) but no row in the suite's table: a new client
//     cannot land without joining the suite.
//
// Run it with
//
//	go test ./reliability                     # the whole suite, about 15 seconds
//	go test -short ./reliability              # fewer operations and stops, about a second
//	go test -v -run 'Soak|Crash' ./reliability  # with the figures: operations, faults, outcomes, stops
//	scripts/fuzz -x 10000                     # every fuzz target of the module, 10,000 executions each
//
// The seeds are fixed, so a run is reproducible; -soak.seed picks another
// base seed.
package reliability
