package transport

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkLoopback compares one GET through the transport with one GET
// through a bare net/http client, both on keep-alive loopback connections,
// to show what retries, redaction and the body cap cost per request.
func BenchmarkLoopback(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"ok":true}`)
	}))
	defer srv.Close()

	b.Run("net-http", func(b *testing.B) {
		hc := newHTTPClient()
		b.ReportAllocs()
		for b.Loop() {
			resp, err := hc.Get(srv.URL + "/x")
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.Run("transport", func(b *testing.B) {
		c, err := New(Config{BaseURL: srv.URL, AllowHTTP: true})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.Do(ctx, &Request{Method: "GET", Path: "/x"})
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
