// Package ohristest runs, in memory and on loopback, what sits on the other
// side of an oHRis flux: the SFTP exchange space and the oHRis connector
// that processes the files dropped on it.
//
// NewServer starts an SFTP server (SSH with a host key of its own and a
// password or key login; Start does the same outside a test) whose file system is in memory and holds the four
// folders the oHRis documentation recommends: depot/prod/, depot/test/,
// archives/prod/ and archives/test/. NewConnector simulates the connector:
// each Run takes the newest file of depot/<env>/, applies the
// documentation's rules to an in-memory user base, archives the file, keeps
// archives 32 days and writes an error report. Time comes from a clock the
// test sets (WithClock), so a test can cover weeks without sleeping.
//
// The server records what each session did (Requests: logins, opens,
// renames, removes, ...) and keeps the attributes a client sets (chmod,
// times, size) as OpenSSH's sftp-server does. Options make it behave like
// the servers the client meets: several host keys (WithHostKey), a
// chrooted account (WithChroot), passwords by keyboard-interactive only
// (WithKeyboardInteractive).
//
// The facts it follows, with their sources, are in docs/ohris.md in this
// repository.
package ohristest

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Folders is the layout of the exchange space that NewServer creates.
var folders = []string{"/depot", "/depot/prod", "/depot/test", "/archives", "/archives/prod", "/archives/test"}

// Server is an SFTP server on loopback with an in-memory exchange space.
type Server struct {
	// URL is what ohris.NewClient takes: sftp://127.0.0.1:port, whose
	// login folder holds depot/ and archives/.
	URL string
	// Addr is the server's address, host:port on 127.0.0.1.
	Addr string
	// Username and Password are the password login the server accepts:
	// the first WithPassword, or DefaultUser with a random password.
	Username, Password string
	// HostKey is the server's first host key, to pin it with
	// ohris.WithHostKey.
	HostKey crypto.PublicKey

	hostKeys   []ssh.Signer
	passwords  map[string]string
	authorized map[string][][]byte // user → marshalled public keys
	now        func() time.Time
	fs         *memFS
	ln         net.Listener
	wg         sync.WaitGroup

	mu       sync.Mutex
	conns    map[net.Conn]bool
	requests []Request
	tmpDirs  []string
	optErr   error

	keyboardInteractive bool // passwords by keyboard-interactive only
	chroot              bool // the root folder is root-owned

	dropAfter atomic.Int64 // bytes of file data before the connection is cut; <0: never
	logins    atomic.Int64
}

// Option configures a Server.
type Option func(*Server)

// WithPassword lets user log in with password; give it several times for
// several users. Without it, the server accepts DefaultUser with a random
// password. The first one given is the Server's Username and Password.
func WithPassword(user, password string) Option {
	return func(s *Server) {
		if s.Username == "" {
			s.Username, s.Password = user, password
		}
		s.passwords[user] = password
	}
}

// WithKeyboardInteractive makes the server take passwords by SSH's
// "keyboard-interactive" method only, asking "Password: " with echo off,
// as an OpenSSH server that checks passwords through PAM does
// (KbdInteractiveAuthentication yes, PasswordAuthentication no).
func WithKeyboardInteractive() Option {
	return func(s *Server) { s.keyboardInteractive = true }
}

// WithChroot makes the exchange space look like a chrooted OpenSSH account
// (ChrootDirectory, the usual setup for file drops): the folder the user
// lands in is owned by root and not writable, so that no file can be
// created, renamed or removed in it (SSH_FX_PERMISSION_DENIED), while the
// folders below it (depot/, archives/ and theirs) are the user's.
func WithChroot() Option {
	return func(s *Server) { s.chroot = true }
}

// WithAuthorizedKey lets user log in with the private key of pub.
func WithAuthorizedKey(user string, pub crypto.PublicKey) Option {
	return func(s *Server) {
		k, err := ssh.NewPublicKey(pub)
		if err != nil {
			s.optErr = errors.Join(s.optErr, fmt.Errorf("ohristest: WithAuthorizedKey: %w", err))
			return
		}
		s.authorized[user] = append(s.authorized[user], k.Marshal())
	}
}

// WithHostKey adds a host key to the server; by default it has one new
// ed25519 key. Give it several times to offer several keys, as a stock
// OpenSSH server offers its ECDSA, ed25519 and RSA keys: the server then
// shows the key whose algorithm comes first in the client's list that it
// holds.
func WithHostKey(key crypto.Signer) Option {
	return func(s *Server) {
		signer, err := ssh.NewSignerFromKey(key)
		if err != nil {
			s.optErr = errors.Join(s.optErr, fmt.Errorf("ohristest: WithHostKey: %w", err))
			return
		}
		s.hostKeys = append(s.hostKeys, signer)
	}
}

// WithClock sets the clock that dates files and drives the connector; by
// default it is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// DefaultUser is the user NewServer accepts when no login is configured.
const DefaultUser = "ohris"

// NewServer starts a Server and stops it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a Server outside a test, for a program that runs on the
// fakes; call Close when done.
func Start(opts ...Option) (*Server, error) {
	s := &Server{passwords: map[string]string{}, authorized: map[string][][]byte{},
		now: time.Now, conns: map[net.Conn]bool{}}
	s.dropAfter.Store(-1)
	for _, o := range opts {
		o(s)
	}
	if s.optErr != nil {
		return nil, s.optErr
	}
	if s.Username == "" {
		WithPassword(DefaultUser, rand.Text())(s)
	}
	if len(s.hostKeys) == 0 {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		WithHostKey(priv)(s)
		if s.optErr != nil {
			return nil, s.optErr
		}
	}
	s.HostKey = s.hostKeys[0].PublicKey().(ssh.CryptoPublicKey).CryptoPublicKey()
	s.fs = newMemFS(func() time.Time { return s.now() })
	for _, dir := range folders {
		if err := s.fs.mkdir(dir); err != nil {
			return nil, err
		}
	}
	if s.chroot {
		s.fs.chroot()
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("ohristest: %w", err)
	}
	s.ln, s.Addr = ln, ln.Addr().String()
	s.URL = "sftp://" + s.Addr
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// HostKeys returns every host key of the server, in the order given.
func (s *Server) HostKeys() []crypto.PublicKey {
	out := make([]crypto.PublicKey, len(s.hostKeys))
	for i, k := range s.hostKeys {
		out[i] = k.PublicKey().(ssh.CryptoPublicKey).CryptoPublicKey()
	}
	return out
}

// KnownHostsLine returns the server's lines for an OpenSSH known_hosts
// file, one per host key.
func (s *Server) KnownHostsLine() string {
	lines := make([]string, len(s.hostKeys))
	for i, k := range s.hostKeys {
		lines[i] = knownhosts.Line([]string{s.Addr}, k.PublicKey())
	}
	return strings.Join(lines, "\n")
}

// KnownHostsFile writes a known_hosts file that holds the server's host key
// in a temporary folder, removed by Close, and returns its path.
func (s *Server) KnownHostsFile() string {
	dir, err := os.MkdirTemp("", "ohristest")
	if err == nil {
		s.mu.Lock()
		s.tmpDirs = append(s.tmpDirs, dir)
		s.mu.Unlock()
		err = os.WriteFile(filepath.Join(dir, "known_hosts"), []byte(s.KnownHostsLine()+"\n"), 0o600)
	}
	if err != nil {
		panic("ohristest: writing a known_hosts file: " + err.Error())
	}
	return filepath.Join(dir, "known_hosts")
}

// Logins returns how many SSH logins succeeded, to see whether a client
// reuses its connection.
func (s *Server) Logins() int { return int(s.logins.Load()) }

// DropConnectionAfter makes the server cut the connection that is writing
// a file once n more bytes of file data have arrived, as a network failure
// in the middle of an upload would. It happens once; n = 0 cuts at the first
// byte, and a negative n turns a pending cut off.
func (s *Server) DropConnectionAfter(n int64) { s.dropAfter.Store(n) }

// ReadFile returns the content of a file of the exchange space, such as
// "depot/prod/flux_utilisateurs_20240131.xml".
func (s *Server) ReadFile(name string) ([]byte, error) { return s.fs.readFile(name) }

// WriteFile puts a file in the exchange space, dated now by the clock.
func (s *Server) WriteFile(name string, data []byte) error {
	return s.fs.writeFile(name, data, s.now())
}

// FileInfo describes a file of the exchange space.
type FileInfo struct {
	Name    string
	Size    int64
	ModTime time.Time
	// Mode holds the permission bits: 0644 for a new file until a client
	// sets them (chmod), as with OpenSSH's default umask.
	Mode fs.FileMode
	// AccessTime is the access time a client set (SFTP setstat), or the
	// zero time. Over SFTP the server reports ModTime in its place, as
	// pkg/sftp's server does.
	AccessTime time.Time
}

// Stat describes a file or folder of the exchange space.
func (s *Server) Stat(name string) (FileInfo, error) {
	fi, err := s.fs.stat(name)
	if err != nil {
		return FileInfo{}, err
	}
	return publicInfo(fi), nil
}

func publicInfo(fi fileInfo) FileInfo {
	return FileInfo{Name: fi.name, Size: fi.size, ModTime: fi.mod, Mode: fi.Mode(), AccessTime: fi.atime}
}

// List returns the files of a folder of the exchange space, such as
// "depot/prod", in name order; subfolders are left out.
func (s *Server) List(dir string) ([]FileInfo, error) {
	fis, err := s.fs.list(dir)
	var out []FileInfo
	for _, fi := range fis {
		if !fi.dir {
			out = append(out, publicInfo(fi))
		}
	}
	return out, err
}

// Close stops the server and closes its connections.
func (s *Server) Close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	for _, d := range s.tmpDirs {
		os.RemoveAll(d)
	}
	s.tmpDirs = nil
	s.mu.Unlock()
	s.wg.Wait()
}

// Request is one thing a client did on the server: a login attempt or an
// SFTP request, in the order the server received them.
type Request struct {
	// Session numbers the SSH connections from 1, in the order the server
	// accepted them.
	Session int
	// User is the user the connection logs in as.
	User string
	// Op is "login" or the SFTP request: "open", "rename", "posix-rename",
	// "remove", "mkdir", "rmdir", "setstat", "list", "stat", "lstat".
	Op string
	// Path is the path the request names; Target the new path of a rename.
	Path, Target string
	// Detail is the SSH method of a login ("password", "keyboard-interactive",
	// "publickey"), the flags of an open ("write,create,excl"), the
	// attributes a setstat sets ("mode=0640 mtime=2024-01-31T06:00:00Z").
	Detail string
	// Err is why the server refused it; "" when it did it.
	Err string
	// Time is when it arrived, by the server's clock.
	Time time.Time
}

// Requests returns what the clients did so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *Server) record(r Request, err error) {
	r.Time = s.now()
	if err != nil {
		r.Err = err.Error()
	}
	s.mu.Lock()
	s.requests = append(s.requests, r)
	s.mu.Unlock()
}

// config returns the SSH configuration of the connection numbered session.
func (s *Server) config(session int) *ssh.ServerConfig {
	login := func(c ssh.ConnMetadata, method string, ok bool, why string) (*ssh.Permissions, error) {
		var err error
		if !ok {
			err = errors.New(why)
		}
		s.record(Request{Session: session, User: c.User(), Op: "login", Detail: method}, err)
		return nil, err
	}
	checkPassword := func(c ssh.ConnMetadata, method, pw string) (*ssh.Permissions, error) {
		want, ok := s.passwords[c.User()]
		return login(c, method, ok && want == pw, "wrong user or password")
	}
	cfg := &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, pw []byte) (*ssh.Permissions, error) {
			return checkPassword(c, "password", string(pw))
		},
		PublicKeyCallback: func(c ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			found := slices.ContainsFunc(s.authorized[c.User()], func(k []byte) bool { return string(k) == string(key.Marshal()) })
			return login(c, "publickey", found, "key not authorized")
		},
	}
	if s.keyboardInteractive {
		cfg.PasswordCallback = nil
		cfg.KeyboardInteractiveCallback = func(c ssh.ConnMetadata, ask ssh.KeyboardInteractiveChallenge) (*ssh.Permissions, error) {
			answers, err := ask("", "", []string{"Password: "}, []bool{false})
			if err != nil {
				return nil, err
			}
			if len(answers) != 1 {
				return nil, errors.New("no password")
			}
			return checkPassword(c, "keyboard-interactive", answers[0])
		}
	}
	for _, k := range s.hostKeys {
		cfg.AddHostKey(k)
	}
	return cfg
}

func (s *Server) serve() {
	defer s.wg.Done()
	for session := 1; ; session++ {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[nc] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				s.mu.Lock()
				delete(s.conns, nc)
				s.mu.Unlock()
				nc.Close()
			}()
			s.serveConn(nc, s.config(session), session)
		}()
	}
}

func (s *Server) serveConn(nc net.Conn, cfg *ssh.ServerConfig, session int) {
	conn, chans, reqs, err := ssh.NewServerConn(nc, cfg)
	if err != nil {
		return
	}
	defer conn.Close()
	s.logins.Add(1)
	go ssh.DiscardRequests(reqs)
	var wg sync.WaitGroup
	defer wg.Wait()
	for nch := range chans {
		if nch.ChannelType() != "session" {
			nch.Reject(ssh.UnknownChannelType, "only sessions")
			continue
		}
		ch, requests, err := nch.Accept()
		if err != nil {
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer ch.Close()
			for req := range requests {
				if req.Type != "subsystem" || len(req.Payload) < 4 || string(req.Payload[4:]) != "sftp" {
					req.Reply(false, nil)
					continue
				}
				req.Reply(true, nil)
				go ssh.DiscardRequests(requests)
				h := &handlers{fs: s.fs, written: func(n int) error { return s.written(n, nc) },
					record: func(r Request, err error) {
						r.Session, r.User = session, conn.User()
						s.record(r, err)
					}}
				rs := sftp.NewRequestServer(ch, h.sftpHandlers(), sftp.WithStartDirectory("/"))
				rs.Serve()
				rs.Close()
				return
			}
		}()
	}
}

// written counts file data towards DropConnectionAfter and cuts nc when
// the count is reached.
func (s *Server) written(n int, nc net.Conn) error {
	left := s.dropAfter.Load()
	if left < 0 {
		return nil
	}
	if left > int64(n) {
		s.dropAfter.Add(-int64(n))
		return nil
	}
	if !s.dropAfter.CompareAndSwap(left, -1) {
		return nil
	}
	nc.Close()
	return fmt.Errorf("ohristest: connection dropped")
}
