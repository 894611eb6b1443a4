package reliability_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

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
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// A system is one client of the module in the suite: every package with a
// fake beside it has a row, which TestEveryClientInSuite checks.
type system struct {
	pkg string // the package's directory, with its fake in pkg/pkg+"test"
	// tls starts the fake serving TLS and returns its CA and a call of the
	// client made with WithRootCAs(roots) (nil: without the option). For
	// a system that does not speak TLS, tls is nil and trust checks the
	// system's own peer verification.
	tls   func(t *testing.T) (ca *x509.CertPool, call func(roots *x509.CertPool) error)
	trust func(t *testing.T)
	// soak runs ops operations against the fake failing at random from
	// seed, and checks each outcome against what the fake applied.
	soak func(t *testing.T, seed uint64, ops int) *tally
}

// systems is the suite's table: one row per client.
var systems = []system{
	{pkg: "cmo", tls: tlsCMO, soak: soakCMO},
	{pkg: "csf", tls: tlsCSF, soak: soakCSF},
	{pkg: "fusionsod", tls: tlsFusionSOD, soak: soakFusionSOD},
	{pkg: "hcmatom", tls: tlsHCMAtom, soak: soakHCMAtom},
	{pkg: "hcmscim", tls: tlsHCMSCIM, soak: soakHCMSCIM},
	{pkg: "ohris", trust: hostKeyOHRIS, soak: soakOHRIS},
	{pkg: "sagepeople", tls: tlsSagePeople, soak: soakSagePeople},
}

// TestEveryClientInSuite lists the packages of the module that have a fake
// (a directory pkg holding pkg/pkgtest) and fails for any that has no row in
// systems: a new client joins the suite when it lands.
func TestEveryClientInSuite(t *testing.T) {
	root := ".."
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module root is not the suite's parent: %v", err)
	}
	var found []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if name := d.Name(); path != root && (name == "testdata" || name[0] == '.' || name[0] == '_') {
			return filepath.SkipDir
		}
		if fi, err := os.Stat(filepath.Join(path, d.Name()+"test")); err == nil && fi.IsDir() {
			rel, _ := filepath.Rel(root, path)
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) == 0 {
		t.Fatal("no package with a fake found: the walk is wrong")
	}
	var listed []string
	for _, s := range systems {
		listed = append(listed, s.pkg)
	}
	for _, p := range found {
		if !slices.Contains(listed, p) {
			t.Errorf("package %s has a fake (%s/%stest) but no row in the reliability suite's systems table: add its soak and TLS checks",
				p, p, filepath.Base(p))
		}
	}
	for _, p := range listed {
		if !slices.Contains(found, p) {
			t.Errorf("the table lists %s, which has no fake any more", p)
		}
	}
	t.Logf("packages with a fake: %v", found)
}

// Fast retries: the suite tests what happens, not how long it waits.
const (
	retries = 3
	maxWait = 5 * time.Millisecond
)

func tlsHCMAtom(t *testing.T) (*x509.CertPool, func(*x509.CertPool) error) {
	srv := hcmatomtest.NewServer(t, hcmatomtest.WithTLS())
	srv.Hire(time.Now().Add(-time.Hour), hcmatomtest.Worker{Name: "Doe, Jane"})
	return srv.RootCAs(), func(roots *x509.CertPool) error {
		opts := []hcmatom.Option{hcmatom.WithBasicAuth(srv.Username, srv.Password), hcmatom.WithRetry(retries, maxWait)}
		if roots != nil {
			opts = append(opts, hcmatom.WithRootCAs(roots))
		}
		c, err := hcmatom.NewClient(srv.URL, opts...)
		if err != nil {
			return err
		}
		p, err := c.EntriesPage(t.Context(), hcmatom.Query{Collection: hcmatom.NewHireFeed}, "")
		if err == nil && len(p.Items) != 1 {
			t.Errorf("hcmatom over TLS: %d entries, want 1", len(p.Items))
		}
		return err
	}
}

func tlsHCMSCIM(t *testing.T) (*x509.CertPool, func(*x509.CertPool) error) {
	srv := hcmscimtest.NewServer(t, hcmscimtest.WithTLS())
	u := srv.AddUser(hcmscim.User{UserName: "jane.doe"})
	return srv.RootCAs(), func(roots *x509.CertPool) error {
		opts := []hcmscim.Option{hcmscim.WithBasicAuth(srv.Username, srv.Password), hcmscim.WithRetry(retries, maxWait)}
		if roots != nil {
			opts = append(opts, hcmscim.WithRootCAs(roots))
		}
		c, err := hcmscim.NewClient(srv.URL, opts...)
		if err != nil {
			return err
		}
		got, err := c.GetUser(t.Context(), u.ID)
		if err == nil && got.UserName != "jane.doe" {
			t.Errorf("hcmscim over TLS: user %q", got.UserName)
		}
		return err
	}
}

func tlsCMO(t *testing.T) (*x509.CertPool, func(*x509.CertPool) error) {
	srv := cmotest.NewServer(t, cmotest.WithTLS())
	return srv.RootCAs(), func(roots *x509.CertPool) error {
		opts := []cmo.Option{cmo.WithLogin(srv.Username, srv.Password), cmo.WithRetry(retries, maxWait)}
		if roots != nil {
			opts = append(opts, cmo.WithRootCAs(roots))
		}
		c, err := cmo.NewClient(srv.URL, opts...)
		if err != nil {
			return err
		}
		_, err = c.ImportUsers(t.Context(), []cmo.User{{LoginName: "JDoe", FirstName: cmo.Some("Jane"), LastName: cmo.Some("Doe")}})
		if _, ok := srv.User("JDoe"); err == nil && !ok {
			t.Error("cmo over TLS: the import succeeded but the fake holds no JDoe")
		}
		return err
	}
}

func tlsCSF(t *testing.T) (*x509.CertPool, func(*x509.CertPool) error) {
	srv := csftest.NewServer(t, csftest.WithTLS())
	srv.PutUser(csftest.User{ID: "test1@TestCustomer.com", Organization: "Customer-TestCustomer.com"})
	return srv.RootCAs(), func(roots *x509.CertPool) error {
		opts := []csf.Option{csf.WithUsernameToken(srv.Username, srv.Password), csf.WithRetry(retries, maxWait)}
		if roots != nil {
			opts = append(opts, csf.WithRootCAs(roots))
		}
		c, err := csf.NewClient(srv.URL, opts...)
		if err != nil {
			return err
		}
		u, err := c.ReadUser(t.Context(), "test1@TestCustomer.com")
		if err == nil && u.ID != "test1@TestCustomer.com" {
			t.Errorf("csf over TLS: user %q", u.ID)
		}
		return err
	}
}

func tlsFusionSOD(t *testing.T) (*x509.CertPool, func(*x509.CertPool) error) {
	srv := fusionsodtest.NewServer(t, fusionsodtest.WithTLS())
	srv.AddRole("AP_PAYER", "Payer")
	return srv.RootCAs(), func(roots *x509.CertPool) error {
		opts := []fusionsod.Option{fusionsod.WithBasicAuth(srv.Username, srv.Password), fusionsod.WithRetry(retries, maxWait)}
		if roots != nil {
			opts = append(opts, fusionsod.WithRootCAs(roots))
		}
		c, err := fusionsod.NewClient(srv.URL, opts...)
		if err != nil {
			return err
		}
		_, err = c.CheckRoles(t.Context(), "AP_Manager", []string{"AP_PAYER"})
		return err
	}
}

func tlsSagePeople(t *testing.T) (*x509.CertPool, func(*x509.CertPool) error) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithTLS())
	srv.AddTeamMember(sagepeople.TeamMember{UniqueID: "E0001", FirstName: "Jane", LastName: "Doe"})
	return srv.RootCAs(), func(roots *x509.CertPool) error {
		opts := []sagepeople.Option{sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key),
			sagepeople.WithRetry(retries, maxWait)}
		if roots != nil {
			opts = append(opts, sagepeople.WithRootCAs(roots))
		}
		c, err := sagepeople.NewClient(srv.URL, opts...)
		if err != nil {
			return err
		}
		n, err := c.Count(t.Context(), sagepeople.Query{})
		if err == nil && n != 1 {
			t.Errorf("sagepeople over TLS: count %d, want 1", n)
		}
		return err
	}
}

// hostKeyOHRIS is the SFTP analogue of TLS trust: the client works with the
// server's host key and refuses another one, with ErrHostKey.
func hostKeyOHRIS(t *testing.T) {
	srv := ohristest.NewServer(t)
	connect := func(opt ohris.Option) error {
		c, err := ohris.NewClient(srv.URL, ohris.WithPassword(srv.Username, srv.Password), opt)
		if err != nil {
			return err
		}
		defer c.Close()
		for _, err := range c.Depot(t.Context(), ohris.Test) {
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := connect(ohris.WithKnownHosts(srv.KnownHostsFile())); err != nil {
		t.Errorf("ohris with the server's host key: %v", err)
	}
	other, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	logins := srv.Logins()
	err = connect(ohris.WithHostKey(other))
	if !errorsIs(err, ohris.ErrHostKey) {
		t.Errorf("ohris with another host key: %v, want ErrHostKey", err)
	}
	if srv.Logins() != logins {
		t.Errorf("ohris logged in to a server whose host key it refused")
	}
}
