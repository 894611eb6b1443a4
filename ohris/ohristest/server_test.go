package ohristest_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

// dial opens an SFTP session with the plain golang.org/x/crypto/ssh and
// pkg/sftp clients, as another team's tool would.
func dial(t *testing.T, srv *ohristest.Server, password string) (*sftp.Client, error) {
	t.Helper()
	hk, _ := ssh.NewPublicKey(srv.HostKey)
	conn, err := ssh.Dial("tcp", srv.Addr, &ssh.ClientConfig{User: srv.Username,
		Auth: []ssh.AuthMethod{ssh.Password(password)}, HostKeyCallback: ssh.FixedHostKey(hk)})
	if err != nil {
		return nil, err
	}
	sc, err := sftp.NewClient(conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	t.Cleanup(func() { sc.Close(); conn.Close() })
	return sc, nil
}

// The attributes a client sets are kept, as OpenSSH's sftp-server keeps
// them: permission bits (chmod), access and modification times, size.
func TestSetstatIsKept(t *testing.T) {
	c := &clock{}
	c.set(2024, 2, 5, 7)
	srv := ohristest.NewServer(t, ohristest.WithClock(c.now))
	sc, err := dial(t, srv, srv.Password)
	if err != nil {
		t.Fatal(err)
	}
	f, err := sc.Create("depot/prod/notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("hello world"))
	f.Close()
	mtime := time.Date(2024, 1, 31, 6, 0, 0, 0, time.UTC)
	atime := time.Date(2024, 1, 30, 5, 0, 0, 0, time.UTC)
	if err := sc.Chmod("depot/prod/notes.txt", 0o640); err != nil {
		t.Fatal(err)
	}
	if err := sc.Chtimes("depot/prod/notes.txt", atime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := sc.Truncate("depot/prod/notes.txt", 5); err != nil {
		t.Fatal(err)
	}
	fi, err := sc.Stat("depot/prod/notes.txt")
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o640 || !fi.ModTime().Equal(mtime) || fi.Size() != 5 {
		t.Errorf("over SFTP: mode %v, mtime %v, size %d", fi.Mode(), fi.ModTime().UTC(), fi.Size())
	}
	got, err := srv.Stat("depot/prod/notes.txt")
	if err != nil || got.Mode != 0o640 || !got.AccessTime.Equal(atime) || !got.ModTime.Equal(mtime) {
		t.Errorf("on the server: %+v, %v", got, err)
	}
	if data, _ := srv.ReadFile("depot/prod/notes.txt"); string(data) != "hello" {
		t.Errorf("content after truncation: %q", data)
	}
	// A change of owner is refused, as to a user who is not root.
	if err := sc.Chown("depot/prod/notes.txt", 0, 0); err == nil {
		t.Error("chown accepted")
	}
	// A new file has the mode of OpenSSH's default umask.
	srv.WriteFile("depot/prod/new.txt", nil)
	if fi, _ := sc.Stat("depot/prod/new.txt"); fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v", fi.Mode())
	}
}

// The server records what each session did, in order: logins (refused
// ones too), opens, renames, removes and the rest.
func TestRequestsAreRecorded(t *testing.T) {
	c := &clock{}
	c.set(2024, 2, 5, 7)
	srv := ohristest.NewServer(t, ohristest.WithClock(c.now))
	if _, err := dial(t, srv, "wrong"); err == nil {
		t.Fatal("wrong password accepted")
	}
	cl, err := ohris.NewClient(srv.URL, ohris.WithPassword(srv.Username, srv.Password), ohris.WithHostKey(srv.HostKey))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	if err := cl.Upload(ctx, ohris.Prod, "flux_utilisateurs_20240205.xml", strings.NewReader("<utilisateurs/>")); err != nil {
		t.Fatal(err)
	}
	sc, err := dial(t, srv, srv.Password)
	if err != nil {
		t.Fatal(err)
	}
	sc.Remove("depot/prod/flux_utilisateurs_20240205.xml")
	sc.Rename("depot/prod/missing", "depot/prod/other")

	var got []string
	for _, r := range srv.Requests() {
		if r.Op == "stat" || r.Op == "lstat" || r.Op == "realpath" {
			continue
		}
		line := fmt.Sprintf("%d %s %s %s", r.Session, r.User, r.Op, r.Detail)
		if r.Path != "" {
			line += " " + strings.TrimPrefix(r.Path, "/")
		}
		if r.Target != "" {
			line += " -> " + r.Target
		}
		line = random.ReplaceAllString(line, ".*.part")
		if r.Err != "" {
			line += " refused"
		}
		if !r.Time.Equal(c.now()) {
			line += " at " + r.Time.String()
		}
		got = append(got, line)
	}
	want := []string{
		"1 ohris login password refused",
		"2 ohris login password",
		"2 ohris open write,create,excl depot/prod/.flux_utilisateurs_20240205.xml.*.part",
		"2 ohris posix-rename  depot/prod/.flux_utilisateurs_20240205.xml.*.part -> /depot/prod/flux_utilisateurs_20240205.xml",
		"3 ohris login password",
		"3 ohris remove  depot/prod/flux_utilisateurs_20240205.xml",
		"3 ohris rename  depot/prod/missing -> /depot/prod/other refused",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

var random = regexp.MustCompile(`\.[0-9a-f]{16}\.part`)
