package csf_test

import (
	"fmt"
	"testing"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

func init() {
	csf.StartBenchFake = func(b *testing.B, users int) (string, string, string, func() int) {
		srv := csftest.NewServer(b)
		for i := range users {
			srv.PutUser(csftest.User{ID: fmt.Sprintf("bench%d@csf.com", i), Organization: "MyTestOrg.com"})
		}
		return srv.URL, srv.Username, srv.Password, srv.Connections
	}
}
