package reliability_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
	"github.com/hrbridge/hrbridge/internal/fault"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// pw makes a recognisable secret with the characters every encoding
// changes (& < > " ' + / = % and a non-ASCII letter).
func pw(what string) string { return "hrb-" + what + `-Zq7&<x>"y'+/=%é` }

// keyPEM returns an RSA key and a certificate for it, noting the key's PEM
// (PKCS #8 and PKCS #1) as secrets.
func keyPEM(s *leakScan, cn string) (*rsa.PrivateKey, *x509.Certificate) {
	key, cert, err := sagepeopletest.NewKeyPair(cn)
	if err != nil {
		s.t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	s.secret("private key (PKCS #8 PEM)", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	s.secret("private key (PKCS #8 DER body)", base64Lines(der))
	s.secret("private key (PKCS #1 DER body)", base64Lines(x509.MarshalPKCS1PrivateKey(key)))
	s.secret("private exponent", key.D.String())
	return key, cert
}

// base64Lines is the first line of a PEM body: a leak of a key shows it.
func base64Lines(der []byte) string {
	b := pem.EncodeToMemory(&pem.Block{Type: "X", Bytes: der})
	return strings.Split(string(b), "\n")[1]
}

// battery pushes each misbehaviour in turn and records the error of op
// under it: answers echoing the secrets with 400, 401, 403, 500 and 503
// (again and again, past the retries), then a garbled, a truncated and a
// dropped answer. match limits the faults to some requests (nil: all).
func (s *leakScan) battery(name string, w *wire, faults *fault.Injector, match func(*http.Request) bool, op func() error) int {
	s.t.Helper()
	n := 0
	for _, status := range []int{400, 401, 403, 500, 503} {
		for _, ct := range []string{"text/plain", "application/json", "text/xml; charset=utf-8"} {
			faults.Push(fault.Fault{Match: match, Status: status, RetryAfter: "0", Times: 4, Body: w.echo(),
				Header: http.Header{"Content-Type": {ct}}})
			s.err(fmt.Sprintf("%s under %d %s", name, status, ct), op())
			faults.Reset()
			n++
		}
	}
	for _, f := range []fault.Fault{{Garble: true}, {Truncate: true}, {Drop: true}} {
		f.Match, f.Times = match, 4
		faults.Push(f)
		if err := op(); err != nil {
			s.err(name, err)
		}
		faults.Reset()
		n++
	}
	return n
}

func TestSecretsNeverLeak(t *testing.T) {
	ctx := context.Background()
	tried := 0
	run := func(name string, f func(t *testing.T, s *leakScan) int) {
		t.Run(name, func(t *testing.T) {
			s := newLeakScan(t)
			ops := f(t, s)
			lines, secrets := s.check()
			tried += secrets
			t.Logf("%s: %d operations, %d secrets × encodings, %d lines scanned", name, ops, secrets, lines)
		})
	}
	retry := time.Millisecond

	run("hcmatom", func(t *testing.T, s *leakScan) int {
		user, pass := "HCM_FEEDS", pw("hcmatom-password")
		s.secret("hcmatom password", pass)
		srv := hcmatomtest.NewServer(t, hcmatomtest.WithBasicAuth(user, pass))
		client := func(url string, w *wire, opts ...hcmatom.Option) *hcmatom.Client {
			c, err := hcmatom.NewClient(url, append([]hcmatom.Option{hcmatom.WithInsecureHTTP(), hcmatom.WithLogger(s.logger()),
				hcmatom.WithHTTPClient(w.http()), hcmatom.WithRetry(2, retry)}, opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		q := hcmatom.Query{Collection: hcmatom.NewHireFeed}
		w := s.wire(pass)
		c := client(srv.URL, w, hcmatom.WithBasicAuth(user, pass))
		if _, err := c.ReadPage(ctx, q); err != nil {
			t.Fatal(err)
		}
		wrong := pw("hcmatom-wrong")
		s.secret("wrong hcmatom password", wrong)
		_, err := client(srv.URL, s.wire(wrong), hcmatom.WithBasicAuth(user, wrong)).ReadPage(ctx, q)
		s.err("wrong password", err)
		ops := 2 + s.battery("ReadPage", w, srv.Faults, nil, func() error { _, err := c.ReadPage(ctx, q); return err })

		// The Fusion JWT assertion.
		key, cert := keyPEM(s, "hcmatom")
		jsrv := hcmatomtest.NewServer(t, hcmatomtest.WithFusionJWT("ems.example", cert))
		jw := s.wire()
		jc := client(jsrv.URL, jw, hcmatom.WithFusionJWT("ems.example", hcmatomtest.DefaultUsername, key, cert))
		if _, err := jc.ReadPage(ctx, q); err != nil {
			t.Fatal(err)
		}
		other, otherCert := keyPEM(s, "stranger")
		_, err = client(jsrv.URL, s.wire(), hcmatom.WithFusionJWT("ems.example", hcmatomtest.DefaultUsername, other, otherCert)).ReadPage(ctx, q)
		s.err("JWT signed by another key", err)
		ops += 2 + s.battery("ReadPage (JWT)", jw, jsrv.Faults, nil, func() error { _, err := jc.ReadPage(ctx, q); return err })

		// The PGP extract: the key's passphrase and the private key.
		phrase := pw("pgp-passphrase")
		s.secret("PGP passphrase", phrase)
		kp, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "hrbridge", Bits: 2048, Passphrase: []byte(phrase)})
		if err != nil {
			t.Fatal(err)
		}
		s.secret("PGP private key", string(kp.PrivateKey))
		s.secret("PGP private key (a body line)", strings.Split(string(kp.PrivateKey), "\n")[3])
		// A key pair printed or logged, by pointer or by value; printed
		// inside a caller's own struct. (Marshalled to JSON inside a
		// caller's struct it keeps its private key, as a caller storing it
		// in a secret store wants: hiding it there would lose it.)
		log := s.logger()
		for _, v := range []any{kp, *kp, struct{ Keys hcmatom.KeyPair }{*kp}} {
			s.text(fmt.Sprintf("%v %+v %#v %s", v, v, v, v))
		}
		log.Debug("key pair", "pointer", kp, "value", *kp)
		_, err = hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PrivateKey, []byte(pw("pgp-wrong"))))
		s.secret("wrong PGP passphrase", pw("pgp-wrong"))
		s.err("wrong passphrase", err)
		d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PrivateKey, []byte(phrase)))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []any{d, *d} {
			s.text(fmt.Sprintf("%v %+v %#v %s", v, v, v, v))
			log.Debug("decrypter", "d", v)
		}
		var enc bytes.Buffer
		if err := srv.EncryptedExtract(&enc, kp.PublicKey, nil); err != nil {
			t.Fatal(err)
		}
		b := enc.Bytes()
		b[len(b)/2] ^= 0x40
		if p, err := d.Decrypt(bytes.NewReader(b)); err != nil {
			s.err("tampered extract", err)
		} else if r, err := hcmatom.NewExtractReader(p); err != nil {
			s.err("tampered extract", err)
		} else {
			for _, err := range r.Rows() {
				if err != nil {
					s.err("tampered extract", err)
					break
				}
			}
		}
		return ops + 3
	})

	run("hcmscim", func(t *testing.T, s *leakScan) int {
		user, pass, token := "EMS_SCIM", pw("scim-password"), pw("scim-token")
		s.secret("hcmscim password", pass)
		s.secret("hcmscim bearer token", token)
		srv := hcmscimtest.NewServer(t, hcmscimtest.WithBasicAuth(user, pass), hcmscimtest.WithBearerToken(token))
		client := func(url string, w *wire, opts ...hcmscim.Option) *hcmscim.Client {
			c, err := hcmscim.NewClient(url, append([]hcmscim.Option{hcmscim.WithInsecureHTTP(), hcmscim.WithLogger(s.logger()),
				hcmscim.WithHTTPClient(w.http()), hcmscim.WithRetry(2, retry)}, opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		ops := 0
		userPass := pw("scim-user-password")
		s.secret("a SCIM user's password", userPass)
		for cred, auth := range map[string]hcmscim.Option{pass: hcmscim.WithBasicAuth(user, pass),
			token: hcmscim.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token}))} {
			w := s.wire(cred, userPass)
			c := client(srv.URL, w, auth)
			if _, err := c.UsersPage(ctx, hcmscim.Query{}, ""); err != nil {
				t.Fatal(err)
			}
			ops += 1 + s.battery("UsersPage", w, srv.Faults, nil, func() error { _, err := c.UsersPage(ctx, hcmscim.Query{}, ""); return err })
			ops += s.battery("CreateUser", w, srv.Faults, nil, func() error {
				_, err := c.CreateUser(ctx, hcmscim.User{UserName: fmt.Sprintf("u%d@example.com", ops), Password: userPass})
				return err
			})
		}
		for _, wrong := range []hcmscim.Option{hcmscim.WithBasicAuth(user, pw("scim-wrong")),
			hcmscim.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: pw("scim-wrong-token")}))} {
			_, err := client(srv.URL, s.wire(pw("scim-wrong"), pw("scim-wrong-token")), wrong).UsersPage(ctx, hcmscim.Query{}, "")
			s.err("wrong credentials", err)
			ops++
		}
		s.secret("wrong hcmscim password", pw("scim-wrong"))
		s.secret("wrong hcmscim token", pw("scim-wrong-token"))
		key, cert := keyPEM(s, "hcmscim")
		jsrv := hcmscimtest.NewServer(t, hcmscimtest.WithFusionJWT("ems.example", cert))
		jw := s.wire()
		jc := client(jsrv.URL, jw, hcmscim.WithFusionJWT("ems.example", "EMS", key, cert))
		if _, err := jc.UsersPage(ctx, hcmscim.Query{}, ""); err != nil {
			t.Fatal(err)
		}
		ops += 1 + s.battery("UsersPage (JWT)", jw, jsrv.Faults, nil, func() error { _, err := jc.UsersPage(ctx, hcmscim.Query{}, ""); return err })
		return ops
	})

	run("cmo", func(t *testing.T, s *leakScan) int {
		login, pass := "hr-sync-bot", pw("cmo-password")
		s.secret("CMO login password", pass)
		srv := cmotest.NewServer(t, cmotest.WithLogin(login, pass))
		client := func(pass string) (*cmo.Client, *wire) {
			w := s.wire(pass, pw("cmo-user-password"))
			c, err := cmo.NewClient(srv.URL, cmo.WithLogin(login, pass), cmo.WithInsecureHTTP(), cmo.WithLogger(s.logger()),
				cmo.WithHTTPClient(w.http()), cmo.WithRetry(2, retry))
			if err != nil {
				t.Fatal(err)
			}
			return c, w
		}
		c, w := client(pass)
		userPass := pw("cmo-user-password")
		s.secret("a CMO user's password", userPass)
		ann := cmo.User{LoginName: "ann", FirstName: cmo.Some("Ann"), LastName: cmo.Some("Lee"), Email: cmo.Some("ann@example.com"),
			UserRole: cmo.Some("Super User"), Password: cmo.Some(userPass)}
		if _, err := c.ImportUsers(ctx, []cmo.User{ann}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); err != nil {
			t.Fatal(err)
		}
		bad := ann
		bad.Password = cmo.Some(userPass + "\x01")
		_, err := c.ImportUsers(ctx, []cmo.User{bad})
		s.err("invalid user", err)
		wrong, _ := client(pw("cmo-wrong"))
		s.secret("wrong CMO password", pw("cmo-wrong"))
		_, err = wrong.ImportUsers(ctx, []cmo.User{ann})
		s.err("wrong password (SOAP)", err)
		_, err = wrong.ExportUsersPage(ctx, cmo.ExportQuery{}, "")
		s.err("wrong password (REST)", err)
		ops := 5 + s.battery("ImportUsers", w, srv.Faults, nil, func() error { _, err := c.ImportUsers(ctx, []cmo.User{ann}); return err })
		ops += s.battery("ExportUsersPage", w, srv.Faults, nil, func() error { _, err := c.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); return err })
		isToken := func(r *http.Request) bool { return r.URL.Path == cmo.TokenPath }
		tc, tw := client(pass)
		ops += s.battery("token", tw, srv.Faults, isToken, func() error { _, err := tc.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); return err })
		return ops
	})

	run("csf", func(t *testing.T, s *leakScan) int {
		user, pass := "csf-sync", pw("csf-password")
		s.secret("CSF UsernameToken password", pass)
		ops := 0
		userPass := pw("csf-user-password")
		s.secret("a CSF user's password", userPass)
		for _, mode := range []string{"UsernameToken", "Basic"} {
			var srv *csftest.Server
			auth := func(u, p string) csf.Option { return csf.WithUsernameToken(u, p) }
			if mode == "Basic" {
				srv = csftest.NewServer(t, csftest.WithBasicAuth(user, pass))
				auth = csf.WithBasicAuth
			} else {
				srv = csftest.NewServer(t, csftest.WithUsernameToken(user, pass))
			}
			client := func(p string) (*csf.Client, *wire) {
				w := s.wire(p, userPass, userPass+"2")
				c, err := csf.NewClient(srv.URL, auth(user, p), csf.WithInsecureHTTP(), csf.WithLogger(s.logger()),
					csf.WithHTTPClient(w.http()), csf.WithRetry(2, retry))
				if err != nil {
					t.Fatal(err)
				}
				return c, w
			}
			c, w := client(pass)
			req := csf.CreateUserRequest{UserID: "j@csf.com", OrganizationID: csftest.SeedOrganizations[0], Password: userPass}
			if err := c.CreateUser(ctx, req); err != nil {
				t.Fatal(err)
			}
			s.err("CreateUser again", c.CreateUser(ctx, req))
			s.err("SetPassword of nobody", c.SetPassword(ctx, csf.SetPasswordRequest{UserName: "nobody@csf.com", Password: userPass}))
			s.err("UpdatePassword of nobody", c.UpdatePassword(ctx, csf.UpdatePasswordRequest{UserName: "nobody@csf.com", OldPassword: userPass, NewPassword: userPass + "2"}))
			s.secret("a CSF user's new password", userPass+"2")
			wc, _ := client(pw("csf-wrong"))
			_, err := wc.ReadUser(ctx, "j@csf.com")
			s.err("wrong password", err)
			ops += 5 + s.battery("ReadUser", w, srv.Faults, nil, func() error { _, err := c.ReadUser(ctx, "j@csf.com"); return err })
			ops += s.battery("SetPassword", w, srv.Faults, nil, func() error {
				return c.SetPassword(ctx, csf.SetPasswordRequest{UserName: "j@csf.com", Password: userPass})
			})
		}
		s.secret("wrong CSF password", pw("csf-wrong"))
		return ops
	})

	run("fusionsod", func(t *testing.T, s *leakScan) int {
		user, pass := "SOD_SYNC", pw("sod-password")
		s.secret("fusionsod password", pass)
		srv := fusionsodtest.NewServer(t, fusionsodtest.WithBasicAuth(user, pass))
		srv.AddUser("ann")
		client := func(url string, w *wire, opts ...fusionsod.Option) *fusionsod.Client {
			c, err := fusionsod.NewClient(url, append([]fusionsod.Option{fusionsod.WithInsecureHTTP(), fusionsod.WithLogger(s.logger()),
				fusionsod.WithHTTPClient(w.http()), fusionsod.WithRetry(2, retry)}, opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		check := func(c *fusionsod.Client) error {
			_, err := c.CheckRoles(ctx, "ann", []string{"ORA_AP_PAYABLES_MANAGER_JOB"})
			return err
		}
		w := s.wire(pass)
		c := client(srv.URL, w, fusionsod.WithBasicAuth(user, pass))
		if err := check(c); err != nil {
			t.Fatal(err)
		}
		s.secret("wrong fusionsod password", pw("sod-wrong"))
		s.err("wrong password", check(client(srv.URL, s.wire(pw("sod-wrong")), fusionsod.WithBasicAuth(user, pw("sod-wrong")))))
		ops := 2 + s.battery("CheckRoles", w, srv.Faults, nil, func() error { return check(c) })
		key, cert := keyPEM(s, "fusionsod")
		jsrv := fusionsodtest.NewServer(t, fusionsodtest.WithFusionJWT("ems.example", cert))
		jsrv.AddUser("ann")
		jw := s.wire()
		jc := client(jsrv.URL, jw, fusionsod.WithFusionJWT("ems.example", "SOD_SYNC", key, cert))
		if err := check(jc); err != nil {
			t.Fatal(err)
		}
		ops += 1 + s.battery("CheckRoles (JWT)", jw, jsrv.Faults, nil, func() error { return check(jc) })
		return ops
	})

	run("sagepeople", func(t *testing.T, s *leakScan) int {
		key, cert := keyPEM(s, "sagepeople")
		srv := sagepeopletest.NewServer(t, sagepeopletest.WithJWTBearer("3MVG9-consumer-key", "sync@acme.example", cert))
		client := func(key *rsa.PrivateKey) (*sagepeople.Client, *wire) {
			w := s.wire()
			c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(), sagepeople.WithLogger(s.logger()),
				sagepeople.WithHTTPClient(w.http()), sagepeople.WithRetry(2, retry),
				sagepeople.WithJWTBearer("3MVG9-consumer-key", "sync@acme.example", srv.Audience, key))
			if err != nil {
				t.Fatal(err)
			}
			return c, w
		}
		page := func(c *sagepeople.Client) error { _, err := c.TeamMembersPage(ctx, sagepeople.Query{}, ""); return err }
		c, w := client(key)
		if err := page(c); err != nil {
			t.Fatal(err)
		}
		other, _ := keyPEM(s, "stranger")
		oc, _ := client(other)
		s.err("assertion signed by another key", page(oc))
		isToken := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/services/oauth2/token") }
		isData := func(r *http.Request) bool { return !isToken(r) }
		ops := 2 + s.battery("TeamMembersPage", w, srv.Faults, isData, func() error { return page(c) })
		tc, tw := client(key)
		ops += s.battery("token", tw, srv.Faults, isToken, func() error { return page(tc) })
		return ops
	})

	run("ohris", func(t *testing.T, s *leakScan) int {
		user, pass := "ohris-sync", pw("sftp-password")
		s.secret("SFTP password", pass)
		_, edKey, _ := ed25519.GenerateKey(rand.Reader)
		phrase := pw("ssh-key-passphrase")
		s.secret("SSH key passphrase", phrase)
		block, err := ssh.MarshalPrivateKeyWithPassphrase(edKey, "", []byte(phrase))
		if err != nil {
			t.Fatal(err)
		}
		keyPEMBytes := pem.EncodeToMemory(block)
		s.secret("SSH private key", string(keyPEMBytes))
		s.secret("SSH private key (a body line)", strings.Split(string(keyPEMBytes), "\n")[2])
		plain, _ := ssh.MarshalPrivateKey(edKey, "")
		s.secret("SSH private key (unencrypted body)", base64Lines(plain.Bytes))
		srv := ohristest.NewServer(t, ohristest.WithPassword(user, pass), ohristest.WithAuthorizedKey(user, edKey.Public()))
		client := func(opts ...ohris.Option) *ohris.Client {
			c, err := ohris.NewClient(srv.URL, append([]ohris.Option{ohris.WithHostKey(srv.HostKey), ohris.WithLogger(s.logger())}, opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		}
		list := func(c *ohris.Client) error {
			for _, err := range c.Depot(ctx, ohris.Prod) {
				if err != nil {
					return err
				}
			}
			return nil
		}
		ops := 0
		for _, auth := range []ohris.Option{ohris.WithPassword(user, pass), ohris.WithPrivateKeyPEM(user, keyPEMBytes, phrase)} {
			c := client(auth)
			if err := c.Upload(ctx, ohris.Prod, "flux_utilisateurs_20240131.xml", strings.NewReader("<x/>")); err != nil {
				t.Fatal(err)
			}
			if err := list(c); err != nil {
				t.Fatal(err)
			}
			s.err("open a missing archive", func() error { _, err := c.OpenArchive(ctx, ohris.Prod, "flux_utilisateurs_20000101.xml"); return err }())
			ops += 3
		}
		s.secret("wrong SFTP password", pw("sftp-wrong"))
		s.err("wrong password", list(client(ohris.WithPassword(user, pw("sftp-wrong")))))
		_, err = ohris.NewClient(srv.URL, ohris.WithHostKey(srv.HostKey), ohris.WithPrivateKeyPEM(user, keyPEMBytes, pw("ssh-wrong")))
		s.secret("wrong SSH key passphrase", pw("ssh-wrong"))
		s.err("wrong key passphrase", err)
		_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
		stranger, err := ohris.NewClient(srv.URL, ohris.WithHostKey(otherKey.Public()), ohris.WithPassword(user, pass), ohris.WithLogger(s.logger()))
		if err != nil {
			t.Fatal(err)
		}
		defer stranger.Close()
		s.err("wrong host key", list(stranger))
		c := client(ohris.WithPassword(user, pass))
		srv.DropConnectionAfter(100)
		s.err("dropped connection", c.Upload(ctx, ohris.Prod, "flux_utilisateurs_20240201.xml", strings.NewReader(strings.Repeat("<x/>", 1000))))
		return ops + 4
	})
	t.Logf("%d secrets tried, each in up to %d encodings", tried, len(encodings(pw("x"))))
}

// TestExamplesLeakNothing runs every example program and scans what it
// prints for the credentials of the fakes it runs against and for anything
// shaped like a key, a JWT or an Authorization header.
func TestExamplesLeakNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every example; without -short only")
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "../examples/...")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ../examples/...: %v\n%s", err, out)
	}
	bins, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(bins) < 7 {
		t.Fatalf("%d examples built, want every one of examples/*", len(bins))
	}
	shapes := regexp.MustCompile(`PRIVATE KEY|eyJ[A-Za-z0-9_-]{8,}|(?i:authorization)\s*:|(Bearer|Basic) [A-Za-z0-9][a-z]*[A-Z0-9._~+/=-][A-Za-z0-9._~+/=-]{6,}|assertion=|(?i:password)\s*[=:]\s*[^\s\[]`)
	secrets := []string{cmotest.DefaultPassword, csftest.DefaultPassword, fusionsodtest.DefaultPassword,
		hcmatomtest.DefaultPassword, hcmscimtest.DefaultPassword, hcmscimtest.DefaultToken}
	lines := 0
	for _, bin := range bins {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		out, err := exec.CommandContext(ctx, bin).CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("%s: %v\n%s", filepath.Base(bin), err, out)
		}
		for i, line := range strings.Split(string(out), "\n") {
			lines++
			for _, v := range secrets {
				for enc, form := range encodings(v) {
					if strings.Contains(line, form) {
						t.Errorf("%s line %d: a fake's password (%s): %s", filepath.Base(bin), i+1, enc, line)
					}
				}
			}
			if m := shapes.FindString(line); m != "" {
				t.Errorf("%s line %d: %q: %s", filepath.Base(bin), i+1, m, line)
			}
		}
	}
	t.Logf("%d examples, %d lines scanned", len(bins), lines)
}
