package main

import (
	"bufio"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/sagepeople"
)

// TestHRFakes starts the command as a user would (with -json), calls each
// fake once over the network with hrbridge's own clients and the printed
// URLs and credentials, and stops it.
func TestHRFakes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, pw, []string{"-json"})
		pw.Close()
	}()

	fakes := map[string]fake{}
	lines := bufio.NewScanner(pr)
	for len(fakes) < len(starters()) && lines.Scan() {
		var f fake
		if err := json.Unmarshal(lines.Bytes(), &f); err != nil {
			t.Fatalf("line %q: %v", lines.Text(), err)
		}
		fakes[f.Name] = f
	}
	if len(fakes) != len(starters()) {
		t.Fatalf("printed %d fakes, want %d: %v", len(fakes), len(starters()), lines.Err())
	}
	go io.Copy(io.Discard, pr)

	calls := map[string]func(f fake) error{
		"hcmatom": func(f fake) error {
			c, err := hcmatom.NewClient(f.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(f.Username, f.Password))
			if err != nil {
				return err
			}
			n := 0
			for _, err := range c.Events(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed}) {
				if err != nil {
					return err
				}
				n++
			}
			if n != len(demo) {
				t.Errorf("hcmatom: %d newhire entries, want %d", n, len(demo))
			}
			return nil
		},
		"hcmscim": func(f fake) error {
			c, err := hcmscim.NewClient(f.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(f.Username, f.Password))
			if err != nil {
				return err
			}
			users, missing, err := c.LookupPersonNumbers(ctx, []string{demo[0].PersonNumber})
			if err == nil && (len(users) != 1 || len(missing) != 0) {
				t.Errorf("hcmscim: users %v, missing %v", users, missing)
			}
			return err
		},
		"cmo": func(f fake) error {
			c, err := cmo.NewClient(f.URL, cmo.WithInsecureHTTP(), cmo.WithLogin(f.Username, f.Password))
			if err != nil {
				return err
			}
			_, err = c.ImportUsers(ctx, []cmo.User{{LoginName: "jgreen", FirstName: cmo.Some("Joe"), LastName: cmo.Some("Green"), Email: cmo.Some("joe.green@acme.example")}})
			return err
		},
		"csf": func(f fake) error {
			c, err := csf.NewClient(f.URL, csf.WithInsecureHTTP(), csf.WithUsernameToken(f.Username, f.Password))
			if err != nil {
				return err
			}
			return c.CreateUser(ctx, csf.CreateUserRequest{UserID: "joe.green@acme.example", OrganizationID: "acme.example",
				Password: "Welcome-1", Groups: []string{"Employees@acme.example"}})
		},
		"ohris": func(f fake) error {
			pub, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(strings.SplitN(f.Extra["known_hosts"], " ", 2)[1]))
			if err != nil || len(rest) != 0 {
				t.Fatalf("ohris: known_hosts line %q: %v", f.Extra["known_hosts"], err)
			}
			c, err := ohris.NewClient(f.URL, ohris.WithPassword(f.Username, f.Password), ohris.WithHostKey(pub.(ssh.CryptoPublicKey).CryptoPublicKey()))
			if err != nil {
				return err
			}
			defer c.Close()
			for _, err := range c.Depot(ctx, ohris.Prod) {
				if err != nil {
					return err
				}
			}
			return nil
		},
		"sagepeople": func(f fake) error {
			pemBytes, err := os.ReadFile(f.Extra["private key file"])
			if err != nil {
				return err
			}
			block, _ := pem.Decode(pemBytes)
			key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
			if err != nil {
				return err
			}
			c, err := sagepeople.NewClient(f.URL, sagepeople.WithInsecureHTTP(),
				sagepeople.WithJWTBearer(f.Extra["client id"], f.Username, f.Extra["audience"], key.(*rsa.PrivateKey)))
			if err != nil {
				return err
			}
			n := 0
			for _, err := range c.TeamMembers(ctx, sagepeople.Query{}) {
				if err != nil {
					return err
				}
				n++
			}
			if n != len(demo) {
				t.Errorf("sagepeople: %d team members, want %d", n, len(demo))
			}
			return nil
		},
		"fusionsod": func(f fake) error {
			c, err := fusionsod.NewClient(f.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(f.Username, f.Password))
			if err != nil {
				return err
			}
			check, err := c.CheckRoles(ctx, "JGREEN", []string{"ORA_AP_ACCOUNTS_PAYABLE_MANAGER_JOB", "ORA_AP_ACCOUNTS_PAYABLE_SUPERVISOR_JOB"})
			if err == nil && check.OK() {
				t.Error("fusionsod: the demo control found no conflict")
			}
			return err
		},
	}
	for name, f := range fakes {
		call, ok := calls[name]
		if !ok {
			t.Errorf("no call for fake %s", name)
			continue
		}
		if err := call(f); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
	if _, err := os.Stat(fakes["sagepeople"].Extra["private key file"]); !os.IsNotExist(err) {
		t.Errorf("the private key file outlived the fakes: %v", err)
	}
}

func TestHRFakesRefusesAnUnknownName(t *testing.T) {
	err := run(context.Background(), io.Discard, []string{"-only", "cmo,nope"})
	if err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Fatalf("err = %v", err)
	}
}
