package csf

import (
	"encoding/xml"
	"testing"

	um "github.com/hrbridge/hrbridge/csf/internal/usermanager"
)

// WithRequestContexts makes the client send the RequestContexts next gives,
// for tests that compare the bytes on the wire with the seed's samples.
func WithRequestContexts(next func() string) Option {
	return func(c *config) error {
		c.newRequestID = next
		return nil
	}
}

// EncodeFilter validates f and marshals its filter set as sent.
func EncodeFilter(f Filter) ([]byte, error) {
	if errs := f.check("Filter"); len(errs) > 0 {
		return nil, (&Client{}).invalid(opReadUsers, "", errs)
	}
	return xml.Marshal(f.wire())
}

// DecodeFilter reads a filter set back.
func DecodeFilter(b []byte) (Filter, error) {
	var fs um.FilterSet
	if err := xml.Unmarshal(b, &fs); err != nil {
		return Filter{}, err
	}
	return filterFromWire(&fs)
}

// StartBenchFake is set by bench_fake_test.go (package csf_test, which may
// import csftest).
var StartBenchFake func(b *testing.B, users int) (url, user, pass string, conns func() int)

func startBenchFake(b *testing.B, users int) {
	benchURL, benchUser, benchPass, benchConns = StartBenchFake(b, users)
}
