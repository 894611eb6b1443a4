package transport

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A 307 or 308 sends the body again, so a redirect to another host would
// hand it a SOAP header's password or a token request's assertion; net/http
// drops only the Authorization header.
func TestRedirectToAnotherHostRefused(t *testing.T) {
	var reached atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	defer other.Close()
	// localhost is another host than 127.0.0.1 for net/http, as for a browser.
	elsewhere := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/same" {
			http.Redirect(w, r, "/moved", http.StatusTemporaryRedirect)
			return
		}
		if r.URL.Path == "/moved" {
			return
		}
		http.Redirect(w, r, elsewhere+"/stolen", http.StatusPermanentRedirect)
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, AllowHTTP: true, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), &Request{Method: "POST", Path: "/", Body: []byte("<Password>secret</Password>")})
	if err == nil || !strings.Contains(err.Error(), "another host") {
		t.Errorf("redirect to another host: %v", err)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the other host received %d requests", n)
	}
	resp, err := c.Do(context.Background(), &Request{Method: "POST", Path: "/same", Body: []byte("x")})
	if err != nil {
		t.Fatalf("a redirect on the same host: %v", err)
	}
	resp.Body.Close()
}
