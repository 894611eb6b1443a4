package transport

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

func TestRootCAsTrustsOnlyTheGivenCA(t *testing.T) {
	srv := httptest.NewTLSServer(okHandler("ok"))
	defer srv.Close()
	get := func(cfg Config) error {
		cfg.BaseURL = srv.URL
		cfg.Retries = -1
		c, err := New(cfg)
		if err != nil {
			return err
		}
		resp, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/"})
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	var unknown x509.UnknownAuthorityError
	if err := get(Config{}); !errors.As(err, &unknown) {
		t.Fatalf("without the CA: %v, want an unknown authority", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	if err := get(Config{RootCAs: pool}); err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	// The caller's own client is copied, never changed, and trusts the CA too.
	own := &http.Client{Transport: &http.Transport{}}
	if err := get(Config{RootCAs: pool, HTTPClient: own}); err != nil {
		t.Fatalf("with the CA and an own client: %v", err)
	}
	if tc := own.Transport.(*http.Transport).TLSClientConfig; tc != nil && tc.RootCAs != nil {
		t.Error("the caller's transport was changed")
	}
}

func TestTokenSourceSendsAndRedactsTheToken(t *testing.T) {
	const token = "tok-9f8e7d6c5b4a"
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "bad "+r.Header.Get("Authorization"), http.StatusUnauthorized)
			return
		}
		http.Error(w, "no such thing as "+token, http.StatusNotFound)
	})
	var cfg Config
	if err := cfg.SetTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})); err != nil {
		t.Fatal(err)
	}
	if err := cfg.SetTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})); err == nil {
		t.Error("a second authentication option was accepted")
	}
	c, _, _ := newTestClient(t, h, cfg)
	_, err := c.Do(context.Background(), &Request{Method: "GET", Path: "/x"})
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusNotFound {
		t.Fatalf("err = %v, want the server's 404 (the token was sent)", err)
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("the token leaked: %v", err)
	}
}

func TestBaseURLWithQueryIsRefused(t *testing.T) {
	for _, u := range []string{"https://h.example/api?tenant=1", "https://h.example/api#x"} {
		if _, err := New(Config{BaseURL: u}); err == nil {
			t.Errorf("New(%q) accepted a query or fragment", u)
		}
	}
	_, err := New(Config{BaseURL: "http://h.example"})
	if err == nil || !strings.Contains(err.Error(), "WithInsecureHTTP") {
		t.Errorf("plain http: %v, want the refusal to name WithInsecureHTTP", err)
	}
}
