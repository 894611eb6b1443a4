package csf_test

import (
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

// newClient returns a client of srv with fast retries.
func newClient(t testing.TB, srv *csftest.Server, opts ...csf.Option) *csf.Client {
	t.Helper()
	base := []csf.Option{csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP(), csf.WithRetry(2, 5*time.Millisecond)}
	c, err := csf.NewClient(srv.URL, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// create makes the user id in the seed's organisation.
func create(t testing.TB, c *csf.Client, id string, props csf.Properties, groups ...string) {
	t.Helper()
	err := c.CreateUser(t.Context(), csf.CreateUserRequest{
		UserID: id, Properties: props, OrganizationID: "Customer-TestCustomer.com", Password: "passw0rd!", Groups: groups,
	})
	if err != nil {
		t.Fatal(err)
	}
}
