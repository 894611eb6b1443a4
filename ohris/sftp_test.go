package ohris_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

const seedName = "flux_utilisateurs_20240131.xml"

func newClient(t *testing.T, srv *ohristest.Server, opts ...ohris.Option) *ohris.Client {
	t.Helper()
	opts = append([]ohris.Option{
		ohris.WithPassword(srv.Username, srv.Password),
		ohris.WithKnownHosts(srv.KnownHostsFile()),
	}, opts...)
	c, err := ohris.NewClient(srv.URL, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// names returns the names of the files of a folder of the server.
func names(t *testing.T, srv *ohristest.Server, dir string) []string {
	t.Helper()
	fis, err := srv.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, fi := range fis {
		out = append(out, fi.Name)
	}
	return out
}

func TestDeliver(t *testing.T) {
	srv := ohristest.NewServer(t)
	c := newClient(t, srv)
	ctx := context.Background()
	rep, err := c.Deliver(ctx, ohris.Prod, date("2024-01-31"), ohris.Users(seedUsers()), ohris.WriteParams{})
	if err != nil || !rep.OK() {
		t.Fatalf("Deliver: %v, %v", err, rep)
	}
	got, err := srv.ReadFile("depot/prod/" + seedName)
	if err != nil {
		t.Fatal(err)
	}
	if want := writeAll(t, seedUsers()); !bytes.Equal(got, want) {
		t.Errorf("delivered file differs from the written one:\n%s", got)
	}
	if n := names(t, srv, "/"); len(n) != 0 {
		t.Errorf("files left in the base folder: %v", n)
	}
	if n := names(t, srv, "depot/test"); len(n) != 0 {
		t.Errorf("files in depot/test: %v", n)
	}
	// A second delivery for the same day replaces the waiting file, on the
	// same connection.
	users := seedUsers()
	users[0].LastName = "DURAND"
	if _, err := c.Deliver(ctx, ohris.Prod, date("2024-01-31"), ohris.Users(users), ohris.WriteParams{}); err != nil {
		t.Fatal(err)
	}
	got, _ = srv.ReadFile("depot/prod/" + seedName)
	if !bytes.Contains(got, []byte("<nom>DURAND</nom>")) {
		t.Errorf("second delivery did not replace the first:\n%s", got)
	}
	if srv.Logins() != 1 {
		t.Errorf("%d logins for two deliveries, want 1 reused connection", srv.Logins())
	}
}

// watchingReader looks at the server while the upload is half done.
type watchingReader struct {
	r       io.Reader
	n, at   int
	watch   func()
	watched bool
}

func (w *watchingReader) Read(p []byte) (int, error) {
	if w.n >= w.at && !w.watched {
		w.watched = true
		w.watch()
	}
	n, err := w.r.Read(p[:min(len(p), 4096)])
	w.n += n
	return n, err
}

// fluxNames returns the names of the flux files of a folder of the server:
// what the connector would take.
func fluxNames(t *testing.T, srv *ohristest.Server, dir string) []string {
	t.Helper()
	var out []string
	for _, n := range names(t, srv, dir) {
		if _, err := ohris.ParseFileName(n); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// While a file is being uploaded it is under a temporary name that is not a
// flux file name, in depot/<env>/ by default; it appears under its name
// whole, by a rename.
func TestUploadIsAtomic(t *testing.T) {
	srv := ohristest.NewServer(t)
	c := newClient(t, srv)
	var big bytes.Buffer
	w := ohris.NewWriter(&big)
	for i := range 3000 {
		u := seedUsers()[1]
		u.EmployeeNumber, u.Login = fmt.Sprint(i), fmt.Sprint("u", i)
		if err := w.Write(u); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	content := big.Bytes()
	var during, temp []string
	r := &watchingReader{r: bytes.NewReader(content), at: 2 << 20, watch: func() {
		during = fluxNames(t, srv, "depot/prod")
		temp = names(t, srv, "depot/prod")
	}}
	if err := c.Upload(context.Background(), ohris.Prod, seedName, r); err != nil {
		t.Fatal(err)
	}
	if !r.watched {
		t.Fatal("the upload was not watched half-way")
	}
	if len(during) != 0 {
		t.Errorf("depot/prod during the upload: %v", during)
	}
	if len(temp) != 1 || !strings.HasPrefix(temp[0], "."+seedName+".") || !strings.HasSuffix(temp[0], ".part") {
		t.Errorf("depot/prod during the upload: %v", temp)
	}
	if name, _, ok := ohris.Newest(temp); ok {
		t.Errorf("the connector would take %s", name)
	}
	got, err := srv.ReadFile("depot/prod/" + seedName)
	if err != nil || !bytes.Equal(got, content) {
		t.Errorf("delivered %d bytes of %d: %v", len(got), len(content), err)
	}
	if n := names(t, srv, "depot/prod"); len(n) != 1 {
		t.Errorf("temporary file left: %v", n)
	}
}

// A connection that breaks in the middle of an upload leaves no flux file
// in depot/, and the next call connects again. The temporary file left
// behind can be listed and removed.
func TestDroppedConnectionLeavesNoFile(t *testing.T) {
	srv := ohristest.NewServer(t)
	c := newClient(t, srv)
	users := make([]ohris.User, 3000)
	for i := range users {
		users[i] = seedUsers()[1]
		users[i].EmployeeNumber, users[i].Login = fmt.Sprint(i), fmt.Sprint("u", i)
	}
	srv.DropConnectionAfter(500_000)
	_, err := c.Deliver(context.Background(), ohris.Prod, date("2024-01-31"), ohris.Users(users), ohris.WriteParams{})
	if err == nil {
		t.Fatal("Deliver succeeded over a dropped connection")
	}
	if n := fluxNames(t, srv, "depot/prod"); len(n) != 0 {
		t.Fatalf("depot/prod after a dropped upload: %v", n)
	}
	if _, err := c.Deliver(context.Background(), ohris.Prod, date("2024-01-31"), ohris.Users(users), ohris.WriteParams{}); err != nil {
		t.Fatalf("Deliver after reconnecting: %v", err)
	}
	if n := fluxNames(t, srv, "depot/prod"); len(n) != 1 || srv.Logins() != 2 {
		t.Errorf("depot/prod %v after %d logins", n, srv.Logins())
	}
	ctx := context.Background()
	var left []ohris.FileInfo
	for fi, err := range c.Leftovers(ctx, ohris.Prod) {
		if err != nil {
			t.Fatal(err)
		}
		left = append(left, fi)
	}
	if len(left) != 1 || left[0].Size == 0 || !strings.HasPrefix(left[0].Name, "."+seedName+".") {
		t.Fatalf("leftovers %+v; depot/prod holds %v", left, names(t, srv, "depot/prod"))
	}
	for fi, err := range c.Depot(ctx, ohris.Prod) {
		if err != nil || fi.Name != seedName {
			t.Errorf("Depot lists %v, %v", fi.Name, err)
		}
	}
	if err := c.RemoveLeftover(ctx, ohris.Prod, seedName); !errors.Is(err, ohris.ErrInvalid) {
		t.Errorf("RemoveLeftover of the flux file: %v", err)
	}
	if err := c.RemoveLeftover(ctx, ohris.Prod, left[0].Name); err != nil {
		t.Fatal(err)
	}
	if n := names(t, srv, "depot/prod"); len(n) != 1 || n[0] != seedName {
		t.Errorf("depot/prod after the clean-up: %v", n)
	}
}

func TestHostKeyAlwaysVerified(t *testing.T) {
	srv := ohristest.NewServer(t)
	pw := ohris.WithPassword(srv.Username, srv.Password)
	if _, err := ohris.NewClient(srv.URL, pw); err == nil || !strings.Contains(err.Error(), "no host key check") {
		t.Errorf("NewClient without a host key check: %v", err)
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	otherSSH, _ := ssh.NewPublicKey(other)
	wrongKnownHosts := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(wrongKnownHosts, []byte(strings.Replace(
		string(ssh.MarshalAuthorizedKey(otherSSH)), "ssh-ed25519", "["+strings.Replace(srv.Addr, ":", "]:", 1)+" ssh-ed25519", 1)), 0o600)
	emptyKnownHosts := filepath.Join(t.TempDir(), "empty")
	os.WriteFile(emptyKnownHosts, nil, 0o600)
	for name, opt := range map[string]ohris.Option{
		"pinned key":        ohris.WithHostKey(other),
		"fingerprint":       ohris.WithHostKeyFingerprint(ssh.FingerprintSHA256(otherSSH)),
		"known_hosts":       ohris.WithKnownHosts(wrongKnownHosts),
		"host not in known": ohris.WithKnownHosts(emptyKnownHosts),
	} {
		t.Run(name, func(t *testing.T) {
			c, err := ohris.NewClient(srv.URL, pw, opt)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x"))
			if !errors.Is(err, ohris.ErrHostKey) {
				t.Errorf("err = %v, want ErrHostKey", err)
			}
			if n := names(t, srv, "/"); len(n) != 0 {
				t.Errorf("files written: %v", n)
			}
		})
	}
	// The right key, pinned or by fingerprint, is accepted.
	rightSSH, _ := ssh.NewPublicKey(srv.HostKey)
	for _, opt := range []ohris.Option{ohris.WithHostKey(srv.HostKey), ohris.WithHostKeyFingerprint(ssh.FingerprintSHA256(rightSSH))} {
		c, err := ohris.NewClient(srv.URL, pw, opt)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Upload(context.Background(), ohris.Test, seedName, strings.NewReader("x")); err != nil {
			t.Errorf("right key refused: %v", err)
		}
		c.Close()
	}
}

// A refused login is ErrUnauthorized, and neither the error nor the log holds the
// password.
func TestAuthRefusedWithoutLeakingSecrets(t *testing.T) {
	srv := ohristest.NewServer(t, ohristest.WithPassword("acme", "right-password"))
	const secret = "Wr0ng-S3cret-Pa55"
	var logs bytes.Buffer
	c, err := ohris.NewClient(srv.URL, ohris.WithPassword("acme", secret),
		ohris.WithKnownHosts(srv.KnownHostsFile()),
		ohris.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x"))
	if !errors.Is(err, ohris.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), secret) || strings.Contains(logs.String(), secret) {
		t.Errorf("the password leaked: %v\n%s", err, logs.String())
	}
	// Nor does a successful delivery log it.
	c2, _ := ohris.NewClient(srv.URL, ohris.WithPassword("acme", "right-password"),
		ohris.WithKnownHosts(srv.KnownHostsFile()),
		ohris.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	defer c2.Close()
	if err := c2.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs.String(), "right-password") || !strings.Contains(logs.String(), "delivered") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func TestKeyLogin(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	srv := ohristest.NewServer(t, ohristest.WithAuthorizedKey("acme", pub))
	block, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("key passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	pemBytes := pem.EncodeToMemory(block)
	for name, opt := range map[string]ohris.Option{
		"crypto.Signer": ohris.WithPrivateKey("acme", priv),
		"PEM":           ohris.WithPrivateKeyPEM("acme", pemBytes, "key passphrase"),
	} {
		c, err := ohris.NewClient(srv.URL, opt, ohris.WithHostKey(srv.HostKey))
		if err != nil {
			t.Fatal(name, err)
		}
		if err := c.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x")); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		c.Close()
	}
	_, err = ohris.NewClient(srv.URL, ohris.WithPrivateKeyPEM("acme", pemBytes, "not it"), ohris.WithHostKey(srv.HostKey))
	if err == nil || strings.Contains(err.Error(), "not it") {
		t.Errorf("wrong passphrase: %v", err)
	}
	_, otherPriv, _ := ed25519.GenerateKey(rand.Reader)
	c, _ := ohris.NewClient(srv.URL, ohris.WithPrivateKey("acme", otherPriv), ohris.WithHostKey(srv.HostKey))
	if err := c.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x")); !errors.Is(err, ohris.ErrUnauthorized) {
		t.Errorf("unknown key: %v", err)
	}
}

// Users that fail the checks stop the delivery before any connection.
func TestDeliverRefusesInvalidUsers(t *testing.T) {
	srv := ohristest.NewServer(t)
	c := newClient(t, srv)
	users := seedUsers()
	users[1].Login = ""
	rep, err := c.Deliver(context.Background(), ohris.Prod, date("2024-01-31"), ohris.Users(users), ohris.WriteParams{})
	if !errors.Is(err, ohris.ErrInvalid) || rep.Ignored() != 1 {
		t.Fatalf("err %v, report %v", err, rep)
	}
	if srv.Logins() != 0 {
		t.Errorf("connected %d times for a refused file", srv.Logins())
	}
}

func TestUploadRefusesBadNames(t *testing.T) {
	srv := ohristest.NewServer(t)
	c := newClient(t, srv)
	for _, tc := range []struct {
		env  ohris.Env
		name string
	}{{ohris.Prod, "flux.xml"}, {ohris.Prod, "../" + seedName}, {"../prod", seedName}, {"", seedName}} {
		if err := c.Upload(context.Background(), tc.env, tc.name, strings.NewReader("x")); err == nil {
			t.Errorf("Upload(%q, %q) succeeded", tc.env, tc.name)
		}
	}
}

func TestArchivesAndDepot(t *testing.T) {
	now := time.Date(2024, 2, 1, 6, 0, 0, 0, time.UTC)
	srv := ohristest.NewServer(t, ohristest.WithClock(func() time.Time { return now }))
	c := newClient(t, srv)
	ctx := context.Background()
	srv.WriteFile("archives/prod/flux_utilisateurs_20240130.xml", []byte("a"))
	srv.WriteFile("archives/prod/flux_utilisateurs_20240129.xml", []byte("bb"))
	srv.WriteFile("archives/prod/notes.txt", []byte("ccc"))
	var got []string
	for fi, err := range c.Archives(ctx, ohris.Prod) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %d %s %s", fi.Name, fi.Size, fi.Date, fi.ModTime.UTC().Format(time.RFC3339)))
	}
	want := "flux_utilisateurs_20240129.xml 2 2024-01-29 2024-02-01T06:00:00Z|" +
		"flux_utilisateurs_20240130.xml 1 2024-01-30 2024-02-01T06:00:00Z|notes.txt 3  2024-02-01T06:00:00Z"
	if strings.Join(got, "|") != want {
		t.Errorf("archives:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	rc, err := c.OpenArchive(ctx, ohris.Prod, "flux_utilisateurs_20240129.xml")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "bb" {
		t.Errorf("archive content %q", b)
	}
	if _, err := c.OpenArchive(ctx, ohris.Prod, "flux_utilisateurs_20000101.xml"); !errors.Is(err, ohris.ErrNotFound) {
		t.Errorf("missing archive: %v", err)
	}
	for _, err := range c.Depot(ctx, ohris.Test) {
		t.Errorf("depot/test is not empty: %v", err)
	}
	for _, err := range c.Archives(ctx, "nowhere") {
		if !errors.Is(err, ohris.ErrNotFound) {
			t.Errorf("missing folder: %v", err)
		}
	}
}

// A context that ends stops the call; the client connects again after.
func TestContextEnds(t *testing.T) {
	srv := ohristest.NewServer(t)
	c := newClient(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	r := &watchingReader{r: io.MultiReader(strings.NewReader(strings.Repeat("x", 3<<20))), at: 1 << 20, watch: cancel}
	if err := c.Upload(ctx, ohris.Prod, seedName, r); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if n := fluxNames(t, srv, "depot/prod"); len(n) != 0 {
		t.Errorf("depot/prod after a cancelled upload: %v", n)
	}
	if err := c.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x")); err != nil {
		t.Errorf("after the cancel: %v", err)
	}
}

// A server that takes passwords by keyboard-interactive only (PAM) logs
// the client in with its password, as OpenSSH's client does; a wrong
// password is still refused.
func TestPasswordByKeyboardInteractive(t *testing.T) {
	srv := ohristest.NewServer(t, ohristest.WithKeyboardInteractive())
	c := newClient(t, srv)
	if err := c.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x")); err != nil {
		t.Fatalf("keyboard-interactive login: %v", err)
	}
	c.Close()
	if err := c.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("y")); err != nil {
		t.Fatalf("second connection: %v", err)
	}
	bad, _ := ohris.NewClient(srv.URL, ohris.WithPassword(srv.Username, "not-it"), ohris.WithHostKey(srv.HostKey))
	if err := bad.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x")); !errors.Is(err, ohris.ErrUnauthorized) {
		t.Errorf("wrong password: %v", err)
	}
}

// A stock OpenSSH server holds ECDSA, ed25519 and RSA host keys and shows
// the one whose algorithm the client lists first. Each of them, pinned by
// key, by fingerprint or by a known_hosts line, is accepted; a key it does
// not hold is refused with a message that names every key it showed.
func TestHostKeyOfAServerWithSeveralKeys(t *testing.T) {
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	srv := ohristest.NewServer(t, ohristest.WithHostKey(ecKey), ohristest.WithHostKey(edKey), ohristest.WithHostKey(rsaKey))
	pw := ohris.WithPassword(srv.Username, srv.Password)
	upload := func(opt ohris.Option) error {
		c, err := ohris.NewClient(srv.URL, pw, opt)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.Upload(context.Background(), ohris.Prod, seedName, strings.NewReader("x"))
	}
	var fps []string
	for _, key := range srv.HostKeys() {
		pub, _ := ssh.NewPublicKey(key)
		fp := ssh.FingerprintSHA256(pub)
		fps = append(fps, fp)
		known := filepath.Join(t.TempDir(), "known_hosts")
		os.WriteFile(known, []byte(knownhosts.Line([]string{srv.Addr}, pub)+"\n"), 0o600)
		for name, opt := range map[string]ohris.Option{
			"key": ohris.WithHostKey(key), "fingerprint": ohris.WithHostKeyFingerprint(fp), "known_hosts": ohris.WithKnownHosts(known),
		} {
			if err := upload(opt); err != nil {
				t.Errorf("%s pinned by %s: %v", pub.Type(), name, err)
			}
		}
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	otherSSH, _ := ssh.NewPublicKey(other)
	err := upload(ohris.WithHostKeyFingerprint(ssh.FingerprintSHA256(otherSSH)))
	if !errors.Is(err, ohris.ErrHostKey) {
		t.Fatalf("unknown fingerprint: %v", err)
	}
	for _, fp := range fps {
		if !strings.Contains(err.Error(), fp) {
			t.Errorf("the error does not name the key %s the server showed: %v", fp, err)
		}
	}
}

// On a chrooted server the landing folder is root-owned: the upload is
// written in depot/<env>/ under a temporary name and renamed there, by
// default, or in the folder WithTempDir names.
func TestDeliverToAChrootedServer(t *testing.T) {
	srv := ohristest.NewServer(t, ohristest.WithChroot())
	ctx := context.Background()
	c := newClient(t, srv)
	if _, err := c.Deliver(ctx, ohris.Prod, date("2024-01-31"), ohris.Users(seedUsers()), ohris.WriteParams{}); err != nil {
		t.Fatalf("Deliver to a chrooted server: %v", err)
	}
	if n := names(t, srv, "depot/prod"); len(n) != 1 || n[0] != seedName {
		t.Errorf("depot/prod: %v", n)
	}
	// The temporary folder the caller chooses: the landing folder is
	// refused by the server, another one works.
	c = newClient(t, srv, ohris.WithTempDir("/"))
	err := c.Upload(ctx, ohris.Test, seedName, strings.NewReader("x"))
	var e *ohris.APIError
	if !errors.Is(err, ohris.ErrForbidden) || !errors.As(err, &e) || e.Op != "create" || e.Code != "SSH_FX_PERMISSION_DENIED (3)" {
		t.Errorf("temporary file in the landing folder: %v", err)
	}
	c = newClient(t, srv, ohris.WithTempDir("depot"))
	if err := c.Upload(ctx, ohris.Test, seedName, strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if n := names(t, srv, "depot/test"); len(n) != 1 || n[0] != seedName || len(names(t, srv, "depot")) != 0 {
		t.Errorf("depot/test %v, depot %v", n, names(t, srv, "depot"))
	}
}
