package hcmscim_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"log/slog"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

var (
	certOnce sync.Once
	testKey  *rsa.PrivateKey
	testCert *x509.Certificate
)

// keyPair returns a 2048-bit key and its self-signed certificate, made once.
func keyPair(t testing.TB) (*rsa.PrivateKey, *x509.Certificate) {
	certOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ems"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			panic(err)
		}
		testCert, _ = x509.ParseCertificate(der)
		testKey = key
	})
	return testKey, testCert
}

func TestFusionJWT(t *testing.T) {
	key, cert := keyPair(t)
	srv := hcmscimtest.NewServer(t, hcmscimtest.WithFusionJWT("ems.example", cert))
	seed(srv)
	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithFusionJWT("ems.example", "EMS_INTEGRATION", key, cert))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetUser(context.Background(), maryID); err != nil {
		t.Fatal(err)
	}
	if h := srv.Requests()[0].Header.Get("Authorization"); !strings.HasPrefix(h, "Bearer eyJ") {
		t.Errorf("Authorization %q", h)
	}
	// Basic is refused by a pod set up for JWT only, and a token from an
	// untrusted issuer too.
	basic, _ := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(hcmscimtest.DefaultUsername, hcmscimtest.DefaultPassword))
	if _, err := basic.GetUser(context.Background(), maryID); !errors.Is(err, hcmscim.ErrUnauthorized) {
		t.Errorf("Basic on a JWT pod: %v", err)
	}
	stranger, _ := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithFusionJWT("someone.else", "EMS_INTEGRATION", key, cert))
	if _, err := stranger.GetUser(context.Background(), maryID); !errors.Is(err, hcmscim.ErrUnauthorized) {
		t.Errorf("untrusted issuer: %v", err)
	}
}

func TestBasicAuthRefused(t *testing.T) {
	srv, _ := newPair(t, nil)
	c, _ := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, "wrong-password"))
	_, err := c.GetUser(context.Background(), maryID)
	var ae *hcmscim.APIError
	if !errors.Is(err, hcmscim.ErrUnauthorized) || !errors.As(err, &ae) || ae.StatusCode != 401 {
		t.Errorf("wrong password: %v", err)
	}
	// Credentials are required at construction.
	if _, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP()); err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("no credentials: %v", err)
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	t.Run("429 and 503 with Retry-After are retried", func(t *testing.T) {
		srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
		seed(srv)
		srv.Faults.Push(hcmscimtest.Fault{Status: 429, RetryAfter: "0"}, hcmscimtest.Fault{Status: 503, RetryAfter: "1"})
		u, err := c.GetUser(ctx, maryID)
		if err != nil || u.UserName != "Mary.King" {
			t.Fatalf("%v %v", u, err)
		}
		if n := srv.Faults.Requests(); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
	})
	t.Run("retries run out", func(t *testing.T) {
		srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle), hcmscim.WithRetry(2, time.Millisecond))
		srv.Faults.Push(hcmscimtest.Fault{Status: 503, Times: 5, Body: `{"detail":"PER_X_1-maintenance"}`})
		_, err := c.GetUser(ctx, maryID)
		var ae *hcmscim.APIError
		if !errors.Is(err, hcmscim.ErrUnavailable) || !errors.As(err, &ae) || ae.Attempts != 3 || ae.Code != "PER_X_1" {
			t.Errorf("%v", err)
		}
	})
	t.Run("PATCH is retried on 503", func(t *testing.T) {
		srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
		joeID := seed(srv)
		srv.Faults.Push(hcmscimtest.Fault{Status: 503, RetryAfter: "0"})
		if _, err := c.PatchUser(ctx, joeID, hcmscim.UserPatch{UserName: hcmscim.Some("Joe.Green")}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a password change is not retried", func(t *testing.T) {
		srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
		joeID := seed(srv)
		srv.Faults.Push(hcmscimtest.Fault{Status: 503, RetryAfter: "0"})
		_, err := c.PatchUser(ctx, joeID, hcmscim.UserPatch{Password: hcmscim.Some("N3w-Secret!")})
		var ae *hcmscim.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 503 || srv.Faults.Requests() != 1 {
			t.Errorf("%v after %d requests", err, srv.Faults.Requests())
		}
	})
	t.Run("dropped connection", func(t *testing.T) {
		srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
		seed(srv)
		srv.Faults.Push(hcmscimtest.Fault{Drop: true})
		if _, err := c.GetUser(ctx, maryID); err != nil {
			t.Fatalf("a read is sent again after a drop: %v", err)
		}
		// A Bulk POST that may have reached the server is not sent again:
		// its operations carry the connection error.
		srv.Faults.Push(hcmscimtest.Fault{Drop: true, Times: 2})
		res, err := c.Bulk(ctx, []hcmscim.BulkOp{hcmscim.PatchUserOp("x", maryID, hcmscim.UserPatch{DisplayName: hcmscim.Some("M")})})
		if err == nil || res[0].Err == nil || errors.Is(res[0].Err, hcmscim.ErrNotSent) {
			t.Errorf("dropped Bulk: %+v, %v", res, err)
		}
		if u, _ := srv.User(maryID); u.DisplayName != "Mary King" {
			t.Error("dropped Bulk was applied")
		}
	})
	t.Run("truncated and garbled bodies", func(t *testing.T) {
		srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
		seed(srv)
		for _, f := range []hcmscimtest.Fault{{Truncate: true}, {Garble: true}} {
			srv.Faults.Push(f)
			if _, err := c.GetUser(ctx, maryID); err == nil {
				t.Errorf("%v: no error", f)
			}
			srv.Faults.Push(f)
			for _, err := range c.Users(ctx, hcmscim.Query{}) {
				if err == nil {
					t.Errorf("%v: list gave a user", f)
				}
			}
			srv.Faults.Push(f)
			res, err := c.Bulk(ctx, []hcmscim.BulkOp{hcmscim.PatchUserOp("x", maryID, hcmscim.UserPatch{DisplayName: hcmscim.Some("M")})})
			if err == nil || res[0].Err == nil {
				t.Errorf("%v: bulk %+v", f, res)
			}
		}
	})
	t.Run("slow answer and deadline", func(t *testing.T) {
		srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
		seed(srv)
		srv.Faults.Push(hcmscimtest.Fault{Delay: 5 * time.Second})
		dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if _, err := c.GetUser(dctx, maryID); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%v", err)
		}
	})
	t.Run("body size bound", func(t *testing.T) {
		srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle), hcmscim.WithMaxBodyBytes(200))
		seed(srv)
		if _, err := c.GetUser(ctx, maryID); err == nil || !strings.Contains(err.Error(), "exceeds the limit") {
			t.Errorf("%v", err)
		}
	})
}

// TestSecretsStayOut drives errors and debug logs with a known password,
// JWT and private key, and checks that none appears.
func TestSecretsStayOut(t *testing.T) {
	const password = "S3cret-Basic-Pa55word"
	const newPassword = "N3w-User-Pa55word"
	key, cert := keyPair(t)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := context.Background()
	var texts []string

	srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithBasicAuth("EMS", password)}, hcmscim.WithLogger(logger), hcmscim.WithDialect(hcmscim.DialectOracle))
	joeID := seed(srv)
	// A server that echoes the request's secrets in its error.
	srv.Faults.Push(hcmscimtest.Fault{Status: 400, Body: `{"detail":"bad request: Authorization: Basic RU1TOlMzY3JldC1CYXNpYy1QYTU1d29yZA== password ` + password + ` {\"password\":\"` + newPassword + `\"}"}`})
	_, err := c.PatchUser(ctx, joeID, hcmscim.UserPatch{Password: hcmscim.Some(newPassword)})
	if err == nil {
		t.Fatal("no error")
	}
	texts = append(texts, err.Error())
	// An error answer's body quoting the private key.
	srv.Faults.Push(hcmscimtest.Fault{Status: 500, Body: "key " + pemKey})
	if _, err = c.GetUser(ctx, joeID); err == nil {
		t.Fatal("no error for the 500")
	}
	texts = append(texts, err.Error())
	srv.Faults.Push(hcmscimtest.Fault{Status: 500, Body: `{"Operations":"x"}`})
	if _, err = c.Bulk(ctx, []hcmscim.BulkOp{hcmscim.PatchUserOp("p", joeID, hcmscim.UserPatch{Password: hcmscim.Some(newPassword)})}); err == nil {
		t.Fatal("no error for the failed Bulk")
	}
	texts = append(texts, err.Error())
	wrong, _ := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth("EMS", password+"x"), hcmscim.WithLogger(logger))
	if _, err = wrong.GetUser(ctx, joeID); err == nil {
		t.Fatal("no error for a wrong password")
	}
	texts = append(texts, err.Error())

	jsrv := hcmscimtest.NewServer(t, hcmscimtest.WithFusionJWT("ems.example", cert))
	jc, _ := hcmscim.NewClient(jsrv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithFusionJWT("ems.example", "EMS", key, cert), hcmscim.WithLogger(logger))
	if _, err := jc.UsersPage(ctx, hcmscim.Query{}, ""); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(jsrv.Requests()[0].Header.Get("Authorization"), "Bearer ")
	jsrv.Faults.Push(hcmscimtest.Fault{Status: 403, Body: `{"detail":"token ` + token + ` refused"}`})
	if _, err = jc.GetUser(ctx, joeID); err == nil {
		t.Fatal("no error for the 403")
	}
	texts = append(texts, err.Error())

	// A Bulk answer whose operation's description quotes the password.
	srv.Faults.Push(hcmscimtest.Fault{Status: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"Operations":[{"bulkId":"p","method":"PATCH","status":{"code":"400","description":"password ` + newPassword + ` is too weak"}}]}`})
	if _, err = c.Bulk(ctx, []hcmscim.BulkOp{hcmscim.PatchUserOp("p", joeID, hcmscim.UserPatch{Password: hcmscim.Some(newPassword)})}); err == nil {
		t.Fatal("no error for the refused password")
	}
	texts = append(texts, err.Error())

	texts = append(texts, logs.String())
	all := strings.Join(texts, "\n")
	for _, secret := range []string{password, newPassword, token, "RU1TOlMzY3JldC1CYXNpYy1QYTU1d29yZA==", pemKey[40:80]} {
		if strings.Contains(all, secret) {
			t.Errorf("secret %.12q… appears in:\n%s", secret, all)
		}
	}
	if !strings.Contains(logs.String(), "hrbridge: request") {
		t.Errorf("no debug log written: %s", logs.String())
	}
}

func TestWrongContentTypeAndMethod(t *testing.T) {
	srv, _ := newPair(t, nil)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/hcmRestApi/scim/Users", strings.NewReader("userName=x"))
	req.SetBasicAuth(srv.Username, srv.Password)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("form body: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodDelete, srv.URL+"/hcmRestApi/scim/Roles/X", nil)
	req.SetBasicAuth(srv.Username, srv.Password)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("DELETE: %d", resp.StatusCode)
	}
}
