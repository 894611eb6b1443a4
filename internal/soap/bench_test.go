package soap

import (
	"context"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/hrbridge/hrbridge/internal/soap/internal/greeter"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// BenchmarkCall measures one SOAP round trip on loopback: encode, send,
// decode.
func BenchmarkCall(b *testing.B) {
	var n atomic.Int32
	srv := httptest.NewServer(greeterServer(nil, &n, nil))
	defer srv.Close()
	tc, err := transport.New(transport.Config{BaseURL: srv.URL, AllowHTTP: true})
	if err != nil {
		b.Fatal(err)
	}
	c := New(tc, "/Greeter.asmx")
	call := Call{Action: greetAction, Body: &greeter.Greet{Name: "Ada", Password: "correct horse"}}
	b.ReportAllocs()
	for b.Loop() {
		var out greeter.GreetResponse
		if err := c.Do(context.Background(), call, &out); err != nil {
			b.Fatal(err)
		}
	}
}
