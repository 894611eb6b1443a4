package fusionjwt

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"
)

func newCert(t testing.TB, bits int) (*rsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hrbridge-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

func TestSignHasOracleShape(t *testing.T) {
	key, cert := newCert(t, 2048)
	now := time.Unix(1549016937, 0)
	tok, exp, err := Sign(Config{Issuer: "hrbridge", Username: "HR_INTEGRATION", Key: key, Cert: cert, Lifetime: 4 * time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	var header, claims map[string]any
	for i, v := range []*map[string]any{&header, &claims} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(b, v)
	}
	if header["alg"] != "RS256" || header["typ"] != "JWT" || header["x5t"] != Thumbprint(cert) {
		t.Errorf("header = %v", header)
	}
	if strings.ContainsAny(Thumbprint(cert), "+/=") || len(Thumbprint(cert)) != 27 {
		t.Errorf("x5t %q is not unpadded base64url of 20 bytes", Thumbprint(cert))
	}
	want := map[string]any{"iss": "hrbridge", "sub": "HR_INTEGRATION", "prn": "HR_INTEGRATION", "iat": 1549016937.0, "exp": 1549031337.0}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s = %v, want %v", k, claims[k], v)
		}
	}
	if _, ok := claims["aud"]; ok || !exp.Equal(time.Unix(1549031337, 0)) {
		t.Errorf("aud present or expiry %v wrong", exp)
	}

	v := Verifier{Issuer: "hrbridge", Certs: []*x509.Certificate{cert}, Now: func() time.Time { return now.Add(time.Hour) }}
	if user, err := v.Verify(tok); err != nil || user != "HR_INTEGRATION" {
		t.Errorf("Verify = %q, %v", user, err)
	}
	v.Now = func() time.Time { return now.Add(5 * time.Hour) }
	if _, err := v.Verify(tok); err == nil {
		t.Error("expired token verified")
	}
	_, other := newCert(t, 2048)
	v = Verifier{Issuer: "hrbridge", Certs: []*x509.Certificate{other}, Now: func() time.Time { return now }}
	if _, err := v.Verify(tok); err == nil {
		t.Error("token verified with an unregistered certificate")
	}
	v = Verifier{Issuer: "someone-else", Certs: []*x509.Certificate{cert}, Now: func() time.Time { return now }}
	if _, err := v.Verify(tok); err == nil {
		t.Error("token verified for another issuer")
	}
}

func TestConfigChecks(t *testing.T) {
	key, cert := newCert(t, 2048)
	otherKey, _ := newCert(t, 2048)
	smallKey, smallCert := newCert(t, 1024)
	for name, cfg := range map[string]Config{
		"no issuer": {Username: "u", Key: key, Cert: cert},
		"no user":   {Issuer: "i", Key: key, Cert: cert},
		"no key":    {Issuer: "i", Username: "u", Cert: cert},
		"wrong key": {Issuer: "i", Username: "u", Key: otherKey, Cert: cert},
		"small key": {Issuer: "i", Username: "u", Key: smallKey, Cert: smallCert},
	} {
		if _, err := NewAuthorizer(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), key.D.String()) {
			t.Errorf("%s: private key in error", name)
		}
	}
}

func TestAuthorizerResignsBeforeExpiry(t *testing.T) {
	key, cert := newCert(t, 2048)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a, err := NewAuthorizer(Config{Issuer: "i", Username: "u", Key: key, Cert: cert, Lifetime: 10 * time.Minute, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	header := func() string {
		req, _ := http.NewRequest("GET", "https://x", nil)
		if err := a.Authorize(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		return req.Header.Get("Authorization")
	}
	first := header()
	if !strings.HasPrefix(first, "Bearer ey") || header() != first {
		t.Fatalf("token not reused: %q", first)
	}
	now = now.Add(9*time.Minute + 30*time.Second)
	if header() == first {
		t.Error("token not re-signed within a minute of its expiry")
	}
}
