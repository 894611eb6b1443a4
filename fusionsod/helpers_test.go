package fusionsod_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
)

// newClient returns a client of srv with quick polling and retries.
func newClient(t testing.TB, srv *fusionsodtest.Server, opts ...fusionsod.Option) *fusionsod.Client {
	t.Helper()
	base := []fusionsod.Option{
		fusionsod.WithInsecureHTTP(),
		fusionsod.WithBasicAuth(srv.Username, srv.Password),
		fusionsod.WithPolling(2*time.Millisecond, 20*time.Millisecond, 10*time.Second),
		fusionsod.WithRetry(2, 10*time.Millisecond),
	}
	c, err := fusionsod.NewClient(srv.URL, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// requestsTo returns the bodies of the requests the fake received at paths
// ending with suffix.
func requestsTo(srv *fusionsodtest.Server, suffix string) []fusionsodtest.Request {
	var out []fusionsodtest.Request
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, suffix) {
			out = append(out, r)
		}
	}
	return out
}

// decode unmarshals a request body into a generic value.
func decode(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %s: %v", b, err)
	}
	return m
}

// req is an access request of user for roles without data access.
func req(user string, roles ...string) fusionsod.AccessRequest {
	r := fusionsod.AccessRequest{ID: "T-" + user, User: user}
	for _, code := range roles {
		r.Roles = append(r.Roles, fusionsod.RoleRequest{Code: code})
	}
	return r
}
