package ohris

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Env is an oHRis environment. Files for it are dropped in depot/<env>/ and
// oHRis archives them in archives/<env>/, the folders the source document
// recommends.
type Env string

// The two environments of the source document.
const (
	Prod Env = "prod" // production
	Test Env = "test" // acceptance ("recette")
)

// Folders of the exchange space, relative to the base folder.
const (
	DepotDir    = "depot"
	ArchivesDir = "archives"
)

// Client delivers flux files to the SFTP exchange space of an oHRis tenant
// and lists what oHRis archived. It keeps one SSH connection, opened on the
// first call and opened again after it breaks, and is safe for concurrent
// use. The server's host key is always verified: NewClient refuses a
// configuration without WithKnownHosts, WithHostKey or
// WithHostKeyFingerprint.
type Client struct {
	addr    string
	user    string
	auth    func() []ssh.AuthMethod // new for each connection
	checks  []hostKeyCheck
	base    string
	tmpDir  string // WithTempDir; "" for depot/<env>/
	logger  *slog.Logger
	timeout time.Duration

	mu   sync.Mutex
	conn *ssh.Client
	sc   *sftp.Client
}

// hostKeyCheck accepts or refuses a host key; known lists the algorithms of
// the keys it expects for the host, to ask for those, or nil when it does
// not know them.
type hostKeyCheck struct {
	accept func(host string, remote net.Addr, key ssh.PublicKey) error
	known  func(host string, remote net.Addr) []string
}

// Option configures a Client.
type Option func(*Client) error

// WithPassword logs in as user with a password: by SSH's "password"
// method, or by "keyboard-interactive" when the server offers only that, as
// servers that check passwords through PAM do (OpenSSH's own client does the
// same). To keyboard-interactive, the password is the answer to the
// server's one hidden prompt ("Password:"); a server that asks for more
// (a one-time code) is refused rather than sent the password again.
func WithPassword(user, password string) Option {
	return func(c *Client) error {
		if user == "" || password == "" {
			return invalid("WithPassword needs a user and a password")
		}
		c.user = user
		c.auth = func() []ssh.AuthMethod {
			return []ssh.AuthMethod{ssh.Password(password), ssh.KeyboardInteractive(passwordPrompt(password))}
		}
		return nil
	}
}

// passwordPrompt answers keyboard-interactive with the password: the first
// round that asks one hidden question gets it; a round with no question
// (an instruction, a banner) gets no answer.
func passwordPrompt(password string) ssh.KeyboardInteractiveChallenge {
	answered := false
	return func(_, _ string, questions []string, echos []bool) ([]string, error) {
		switch {
		case len(questions) == 0:
			return nil, nil
		case len(questions) > 1 || echos[0] || answered:
			return nil, fmt.Errorf("the server asks %q, not only for the password", questions)
		}
		answered = true
		return []string{password}, nil
	}
}

// WithPrivateKey logs in as user with a private key (an *rsa.PrivateKey,
// *ecdsa.PrivateKey or ed25519.PrivateKey).
func WithPrivateKey(user string, key crypto.Signer) Option {
	return func(c *Client) error {
		if user == "" {
			return errors.New("ohris: WithPrivateKey needs a user")
		}
		s, err := ssh.NewSignerFromKey(key)
		if err != nil {
			return fmt.Errorf("ohris: WithPrivateKey: %w", err)
		}
		c.user, c.auth = user, func() []ssh.AuthMethod { return []ssh.AuthMethod{ssh.PublicKeys(s)} }
		return nil
	}
}

// WithPrivateKeyPEM logs in as user with a private key in PEM form (PKCS#1,
// PKCS#8, SEC 1 or OpenSSH), decrypted with passphrase when it is not empty.
func WithPrivateKeyPEM(user string, pemBytes []byte, passphrase string) Option {
	return func(c *Client) error {
		var key any
		var err error
		if passphrase == "" {
			key, err = ssh.ParseRawPrivateKey(pemBytes)
		} else {
			key, err = ssh.ParseRawPrivateKeyWithPassphrase(pemBytes, []byte(passphrase))
		}
		if err != nil {
			return fmt.Errorf("ohris: WithPrivateKeyPEM: the key cannot be read: %w", err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return fmt.Errorf("ohris: WithPrivateKeyPEM: unsupported key type %T", key)
		}
		return WithPrivateKey(user, signer)(c)
	}
}

// WithKnownHosts verifies the server's host key against OpenSSH
// known_hosts files, such as ~/.ssh/known_hosts.
func WithKnownHosts(files ...string) Option {
	return func(c *Client) error {
		if len(files) == 0 {
			return errors.New("ohris: WithKnownHosts needs a file")
		}
		cb, err := knownhosts.New(files...)
		if err != nil {
			return fmt.Errorf("ohris: WithKnownHosts: %w", err)
		}
		c.checks = append(c.checks, hostKeyCheck{
			accept: cb,
			known:  func(host string, remote net.Addr) []string { return knownAlgorithms(cb, host, remote) },
		})
		return nil
	}
}

// WithHostKey pins the server's host key: an ed25519.PublicKey,
// *rsa.PublicKey or *ecdsa.PublicKey. Give it several times to accept any
// of several keys, during a key rotation.
func WithHostKey(key crypto.PublicKey) Option {
	return func(c *Client) error {
		pub, err := ssh.NewPublicKey(key)
		if err != nil {
			return fmt.Errorf("ohris: WithHostKey: %w", err)
		}
		want, algos := pub.Marshal(), algorithmsFor(pub.Type())
		c.checks = append(c.checks, hostKeyCheck{
			accept: func(_ string, _ net.Addr, key ssh.PublicKey) error {
				if !bytes.Equal(key.Marshal(), want) {
					return errors.New("not the pinned key " + ssh.FingerprintSHA256(pub))
				}
				return nil
			},
			known: func(string, net.Addr) []string { return algos },
		})
		return nil
	}
}

// WithHostKeyFingerprint pins the server's host key by its SHA-256
// fingerprint as OpenSSH prints it ("SHA256:" then unpadded base64). A
// fingerprint does not tell the key's type, and a server with several host
// keys (OpenSSH has ECDSA, ed25519 and RSA keys) shows only one per
// connection: when it shows another than the pinned one, the client
// connects again without that key's algorithms, until the server has
// shown the pinned key or all of its keys.
func WithHostKeyFingerprint(fingerprint string) Option {
	return func(c *Client) error {
		if !strings.HasPrefix(fingerprint, "SHA256:") || len(fingerprint) != len("SHA256:")+43 {
			return fmt.Errorf("ohris: WithHostKeyFingerprint: %q is not a SHA256: fingerprint", fingerprint)
		}
		c.checks = append(c.checks, hostKeyCheck{
			accept: func(_ string, _ net.Addr, key ssh.PublicKey) error {
				if ssh.FingerprintSHA256(key) != fingerprint {
					return errors.New("not the pinned fingerprint " + fingerprint)
				}
				return nil
			},
			known: func(string, net.Addr) []string { return nil },
		})
		return nil
	}
}

// WithTempDir sets the folder where uploads are written before they are
// renamed into depot/<env>/: a path relative to the base folder, or an
// absolute one. It must be on the same file system as depot/ for the rename
// to be atomic. By default the temporary file is written in depot/<env>/
// itself, under a name that starts with a dot and ends in .part, which is
// not a flux file name and so is not taken by the connector (it takes
// flux_utilisateurs_YYYYMMDD.xml files): a chrooted server (OpenSSH's
// ChrootDirectory, the usual setup for file drops) lets the user write only
// in the folders below its root-owned landing folder.
func WithTempDir(dir string) Option {
	return func(c *Client) error {
		if dir == "" {
			return invalid("WithTempDir needs a folder")
		}
		c.tmpDir = dir
		return nil
	}
}

// WithLogger logs connections and deliveries to l. Nothing is logged by
// default. No secret is ever logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		c.logger = l
		return nil
	}
}

// WithDialTimeout bounds the time to connect and complete the SSH
// handshake; the default is 30 seconds. A context deadline also applies.
func WithDialTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return errors.New("ohris: WithDialTimeout needs a positive duration")
		}
		c.timeout = d
		return nil
	}
}

// NewClient returns a Client for the SFTP server at baseURL, which is
// sftp://host[:port][/path] (port 22 by default) or host:port. The path is
// the folder that holds depot/ and archives/: an absolute path such as
// /srv/ohris, or /~/ohris for a folder under the one the server logs the
// user into; without a path it is that login folder itself. NewClient
// does not connect yet. It needs a login (WithPassword or WithPrivateKey)
// and a way to verify the host key (WithKnownHosts, WithHostKey or
// WithHostKeyFingerprint): there is no option to skip that check.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	addr, base, err := parseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{addr: addr, base: base, logger: slog.New(slog.DiscardHandler), timeout: 30 * time.Second}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.auth == nil {
		return nil, errors.New("ohris: NewClient: no credentials: use WithPassword, WithPrivateKey or WithPrivateKeyPEM")
	}
	if len(c.checks) == 0 {
		return nil, errors.New("ohris: NewClient: no host key check: use WithKnownHosts, WithHostKey or WithHostKeyFingerprint")
	}
	return c, nil
}

// parseURL splits an sftp:// URL (draft-ietf-secsh-scp-sftp-ssh-uri-04) or
// a host:port into the address to dial and the base folder.
func parseURL(raw string) (addr, base string, err error) {
	if !strings.Contains(raw, "://") {
		if _, _, err := net.SplitHostPort(raw); err != nil {
			return "", "", invalid("NewClient: %q is neither sftp://host[:port][/path] nor host:port", raw)
		}
		return raw, "", nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", "", invalid("NewClient: %q is not a URL", raw)
	case u.Scheme != "sftp":
		return "", "", invalid("NewClient: %q is not an sftp:// URL", u.Redacted())
	case u.User != nil:
		return "", "", invalid("NewClient: %q holds a user: give it with WithPassword or WithPrivateKey", u.Redacted())
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", "", invalid("NewClient: %q has a query or a fragment, which SFTP cannot use", u.Redacted())
	case u.Hostname() == "":
		return "", "", invalid("NewClient: %q has no host", raw)
	}
	port := u.Port()
	if port == "" {
		port = "22"
	}
	base = u.Path
	switch {
	case base == "/~" || strings.HasPrefix(base, "/~/"):
		base = strings.TrimPrefix(strings.TrimPrefix(base, "/~"), "/")
	case base != "":
		base = path.Clean(base)
	}
	return net.JoinHostPort(u.Hostname(), port), base, nil
}

// url returns the sftp:// URL of a path on the server, for errors: a path
// relative to the login folder is written under /~/.
func (c *Client) url(p string) string {
	if p != "" && !strings.HasPrefix(p, "/") {
		p = "/~/" + p
	}
	return "sftp://" + c.addr + p
}

// Close closes the connection, if one is open. The Client can still be
// used: the next call connects again.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == nil {
		return nil
	}
	err := c.conn.Close()
	c.conn, c.sc = nil, nil
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("ohris: closing the SFTP connection: %w", err)
	}
	return nil
}

// session returns the open SFTP session, connecting when there is none.
func (c *Client) session(ctx context.Context) (*sftp.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sc != nil {
		return c.sc, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	// A server with several host keys shows the one whose algorithm comes
	// first in the client's list. When it is not the one expected, ask again
	// without that key's algorithms, until the server has shown every key
	// it holds of the algorithms asked for.
	var algos []string
	var shown []ssh.PublicKey
	var refusals []error
	for {
		client, key, err := c.handshake(ctx, &algos)
		switch {
		case err == nil:
			return c.start(client)
		case key == nil && len(shown) > 0 && strings.Contains(err.Error(), "no common algorithm for host key"):
			return nil, c.hostKeyError(shown, refusals)
		case key == nil:
			return nil, err
		}
		shown, refusals = append(shown, key), append(refusals, err)
		algos = slices.DeleteFunc(algos, func(a string) bool { return slices.Contains(algorithmsFor(key.Type()), a) })
		if len(algos) == 0 {
			return nil, c.hostKeyError(shown, refusals)
		}
	}
}

// handshake connects and logs in, asking for the host key algorithms
// *algos, which it sets on the first call. When the host key is refused it
// returns that key and the check's error.
func (c *Client) handshake(ctx context.Context, algos *[]string) (*ssh.Client, ssh.PublicKey, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return nil, nil, c.sftpError("connect", "", err)
	}
	if *algos == nil {
		*algos = c.hostKeyAlgorithms(nc.RemoteAddr())
	}
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	var refused ssh.PublicKey
	var keyErr error
	cfg := &ssh.ClientConfig{
		User: c.user,
		Auth: c.auth(),
		HostKeyCallback: func(host string, remote net.Addr, key ssh.PublicKey) error {
			if keyErr = c.checkHostKey(host, remote, key); keyErr != nil {
				refused = key
			}
			return keyErr
		},
		HostKeyAlgorithms: *algos,
	}
	conn, chans, reqs, err := ssh.NewClientConn(nc, c.addr, cfg)
	if !stop() {
		err = errors.Join(err, ctx.Err())
	}
	if err != nil {
		nc.Close()
		switch {
		case refused != nil:
			return nil, refused, keyErr
		case strings.Contains(err.Error(), "unable to authenticate"):
			return nil, nil, &APIError{Package: "ohris", Op: "login", URL: c.url(""), Kind: ErrUnauthorized,
				Message: fmt.Sprintf("the server refused user %q", c.user)}
		}
		return nil, nil, c.sftpError("connect", "", err)
	}
	return ssh.NewClient(conn, chans, reqs), nil, nil
}

// start opens the SFTP session on a new connection and keeps both.
func (c *Client) start(client *ssh.Client) (*sftp.Client, error) {
	sc, err := sftp.NewClient(client, sftp.UseConcurrentWrites(true))
	if err != nil {
		client.Close()
		return nil, c.sftpError("start SFTP", "", err)
	}
	c.conn, c.sc = client, sc
	c.logger.Info("ohris: connected", "addr", c.addr, "user", c.user)
	go func() {
		client.Wait()
		c.mu.Lock()
		if c.conn == client {
			c.conn, c.sc = nil, nil
		}
		c.mu.Unlock()
	}()
	return sc, nil
}

// checkHostKey accepts key when one of the checks does, and otherwise
// returns why each refused it.
func (c *Client) checkHostKey(host string, remote net.Addr, key ssh.PublicKey) error {
	var errs []error
	for _, ch := range c.checks {
		err := ch.accept(host, remote, key)
		if err == nil {
			return nil
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// hostKeyError reports that none of the host keys the server showed, one
// for each algorithm asked for, is one expected. Only then may something
// stand between the client and the server; a server that shows another of
// its keys first is not refused.
func (c *Client) hostKeyError(shown []ssh.PublicKey, refusals []error) error {
	keys := make([]string, len(shown))
	for i, k := range shown {
		keys[i] = k.Type() + " " + ssh.FingerprintSHA256(k)
	}
	reasons := slices.Compact(slices.Sorted(func(yield func(string) bool) {
		for _, err := range refusals {
			for line := range strings.Lines(err.Error()) {
				if !yield(strings.TrimSpace(line)) {
					return
				}
			}
		}
	}))
	return &APIError{Package: "ohris", Op: "connect", URL: c.url(""), Kind: ErrHostKey, Message: fmt.Sprintf(
		"%s: the server's host keys of the expected types (%s) are not the expected ones (%s). "+
			"If the server's keys were replaced, update the pin or known_hosts; if they were not, "+
			"something between this program and the server may be answering in its place",
		ErrHostKey, strings.Join(keys, ", "), strings.Join(reasons, "; "))}
}

// hostKeyAlgorithms returns the algorithms of the keys the checks expect, so
// that a server with several host keys shows the expected one; when a
// check does not know (a fingerprint), every algorithm, most secure first.
func (c *Client) hostKeyAlgorithms(remote net.Addr) []string {
	var algos []string
	for _, ch := range c.checks {
		known := ch.known(c.addr, remote)
		if len(known) == 0 {
			return slices.Clone(allHostKeyAlgorithms)
		}
		for _, a := range known {
			if !slices.Contains(algos, a) {
				algos = append(algos, a)
			}
		}
	}
	return algos
}

// allHostKeyAlgorithms are the host key algorithms asked for when no key
// type is known, most secure first.
var allHostKeyAlgorithms = append([]string{ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384,
	ssh.KeyAlgoECDSA521}, algorithmsFor(ssh.KeyAlgoRSA)...)

// knownAlgorithms asks a known_hosts callback which keys it holds for host:
// shown a key it cannot hold, it answers with the list.
func knownAlgorithms(cb ssh.HostKeyCallback, host string, remote net.Addr) []string {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil
	}
	probe, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil
	}
	var ke *knownhosts.KeyError
	if !errors.As(cb(host, remote, probe.PublicKey()), &ke) {
		return nil
	}
	var algos []string
	for _, k := range ke.Want {
		algos = append(algos, algorithmsFor(k.Key.Type())...)
	}
	return algos
}

// algorithmsFor returns the host key algorithms that use a key of type t.
func algorithmsFor(t string) []string {
	if t == ssh.KeyAlgoRSA {
		return []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	}
	return []string{t}
}

// call runs f on the SFTP session. When ctx ends first, the connection is
// closed, which stops f; a call after that, or after f met a lost
// connection, connects again.
func (c *Client) call(ctx context.Context, f func(*sftp.Client) error) error {
	sc, err := c.session(ctx)
	if err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { c.drop(sc) })
	err = f(sc)
	if errors.Is(err, sftp.ErrSSHFxConnectionLost) {
		// The connection is gone: forget it now, so that the next call
		// connects again rather than fail on it before the watcher in
		// start has seen it end.
		c.drop(sc)
	}
	if !stop() {
		return errors.Join(err, ctx.Err())
	}
	return err
}

// drop closes the connection of sc if it is still the current one.
func (c *Client) drop(sc *sftp.Client) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sc == sc {
		c.conn.Close()
		c.conn, c.sc = nil, nil
	}
}

func (c *Client) dir(elem ...string) string {
	return path.Join(append([]string{c.base}, elem...)...)
}

// tempDir returns the folder of env's temporary files.
func (c *Client) tempDir(env Env) string {
	switch {
	case c.tmpDir == "":
		return c.dir(DepotDir, string(env))
	case path.IsAbs(c.tmpDir):
		return path.Clean(c.tmpDir)
	}
	return c.dir(c.tmpDir)
}

// partSuffix ends the name of a temporary file, which is "." + the flux file
// name + "." + 16 hex digits + partSuffix.
const partSuffix = ".part"

// isLeftover reports whether name is the name of a temporary file.
func isLeftover(name string) bool {
	rest, dot := strings.CutPrefix(name, ".")
	rest, part := strings.CutSuffix(rest, partSuffix)
	if !dot || !part || len(rest) < 17 || rest[len(rest)-17] != '.' {
		return false
	}
	_, err := ParseFileName(rest[:len(rest)-17])
	return err == nil && strings.Trim(rest[len(rest)-16:], "0123456789abcdef") == ""
}

func validEnv(env Env) error {
	if env == "" || strings.ContainsAny(string(env), "/\\") || env == "." || env == ".." {
		return invalid("%q is not an environment name", env)
	}
	return nil
}

// uploadChunk is how many bytes an upload hands the SFTP client at once;
// the client sends them as concurrent write requests.
const uploadChunk = 1 << 20

// Upload stores the content of r as depot/<env>/<name> on the server, where
// name is a flux file name (see FileName). The content is written under a
// temporary name (see WithTempDir) and renamed to depot/<env>/<name> only
// once complete and of the right size, so that oHRis never picks up half a
// file. A file of the same name already waiting in depot/ is replaced when
// the server supports the posix-rename extension (OpenSSH does), and is an
// error otherwise.
//
// If the connection breaks during the upload, the temporary file may stay
// behind; Leftovers lists such files and RemoveLeftover removes them.
func (c *Client) Upload(ctx context.Context, env Env, name string, r io.Reader) error {
	return c.put(ctx, env, name, func(w io.Writer) error {
		buf := make([]byte, uploadChunk)
		for {
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				if _, werr := w.Write(buf[:n]); werr != nil {
					return werr
				}
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("ohris: reading the file to upload: %w", err)
			}
		}
	})
}

// Deliver checks the users, writes them as the flux file whose data are
// valid on date, and uploads it to depot/<env>/ as Upload does. Nothing is
// sent when the check refuses the file (see WriteFile for p). It ranges
// over users two or three times, and its memory does not hold them (see
// WriteFile).
func (c *Client) Deliver(ctx context.Context, env Env, date Date, users iter.Seq2[User, error], p WriteParams) (*Report, error) {
	rep, err := checkFile(users, p)
	if err != nil {
		return rep, err
	}
	err = c.put(ctx, env, FileName(date), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, uploadChunk)
		if err := writeChecked(bw, users, rep, p); err != nil {
			return err
		}
		return bw.Flush()
	})
	return rep, err
}

// put writes a file through write under a temporary name, checks its size
// and renames it into depot/<env>/name.
func (c *Client) put(ctx context.Context, env Env, name string, write func(io.Writer) error) error {
	if err := validEnv(env); err != nil {
		return err
	}
	if _, err := ParseFileName(name); err != nil || path.Base(name) != name {
		return invalid("Upload: %q is not a flux file name", name)
	}
	final := c.dir(DepotDir, string(env), name)
	tmp := path.Join(c.tempDir(env), "."+name+"."+randomHex()+partSuffix)
	return c.call(ctx, func(sc *sftp.Client) error {
		start := time.Now()
		f, err := sc.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
		if err != nil {
			return c.sftpError("create", tmp, err)
		}
		cw := &countingWriter{w: f, fail: func(err error) error { return c.sftpError("write", tmp, err) }}
		err = write(cw)
		if err != nil {
			f.Close()
			return c.discard(sc, tmp, err)
		}
		if err := f.Close(); err != nil {
			return c.discard(sc, tmp, c.sftpError("close", tmp, err))
		}
		fi, err := sc.Stat(tmp)
		if err != nil {
			return c.discard(sc, tmp, c.sftpError("stat", tmp, err))
		}
		if fi.Size() != cw.n {
			return c.discard(sc, tmp, &APIError{Package: "ohris", Op: "write", URL: c.url(tmp), Kind: ErrUnavailable,
				Message: fmt.Sprintf("the server holds %d bytes, %d were sent", fi.Size(), cw.n)})
		}
		if _, ok := sc.HasExtension("posix-rename@openssh.com"); ok {
			err = sc.PosixRename(tmp, final)
		} else {
			err = sc.Rename(tmp, final)
		}
		if err != nil {
			return c.discard(sc, tmp, c.sftpError("rename", final, err))
		}
		c.logger.Info("ohris: delivered", "path", final, "bytes", cw.n, "duration", time.Since(start))
		return nil
	})
}

// discard removes the temporary file after a failed upload, when the
// connection still allows it, and returns err.
func (c *Client) discard(sc *sftp.Client, tmp string, err error) error {
	if rerr := sc.Remove(tmp); rerr != nil {
		c.logger.Warn("ohris: temporary file left on the server", "path", tmp, "error", rerr)
	}
	return err
}

func randomHex() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// countingWriter counts the bytes written to w and turns its errors into
// what fail returns.
type countingWriter struct {
	w    io.Writer
	n    int64
	fail func(error) error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil {
		err = c.fail(err)
	}
	return n, err
}

// FileInfo describes a file in a folder of the exchange space.
type FileInfo struct {
	Name    string    // base name
	Path    string    // path on the server
	Size    int64     // bytes
	ModTime time.Time // last modification, as the server reports it
	Date    Date      // date of validity from the name; zero when the name is not a flux file name
}

// Archives lists archives/<env>/, where oHRis moves the files it processed
// and keeps them 32 days, in name order.
func (c *Client) Archives(ctx context.Context, env Env) iter.Seq2[FileInfo, error] {
	return c.list(ctx, env, func() string { return c.dir(ArchivesDir, string(env)) }, nil)
}

// Depot lists depot/<env>/: the files waiting for oHRis, in name order.
// Temporary files of uploads are left out: Leftovers lists them.
func (c *Client) Depot(ctx context.Context, env Env) iter.Seq2[FileInfo, error] {
	return c.list(ctx, env, func() string { return c.dir(DepotDir, string(env)) },
		func(name string) bool { return !isLeftover(name) })
}

// Leftovers lists the temporary files that uploads to env left behind when
// their connection broke, in name order: the files of the temporary folder
// (see WithTempDir) named "." + a flux file name + "." + 16 hex digits +
// ".part". An upload in progress has one too: remove only those older than
// an upload takes, by their ModTime. When WithTempDir gives one folder to
// both environments, their leftovers are listed for each.
func (c *Client) Leftovers(ctx context.Context, env Env) iter.Seq2[FileInfo, error] {
	return c.list(ctx, env, func() string { return c.tempDir(env) }, isLeftover)
}

// RemoveLeftover removes the temporary file name that Leftovers listed
// for env. It refuses any other name, so that it cannot remove a flux file.
func (c *Client) RemoveLeftover(ctx context.Context, env Env, name string) error {
	if err := validEnv(env); err != nil {
		return err
	}
	if !isLeftover(name) || path.Base(name) != name {
		return invalid("RemoveLeftover: %q is not the name of a temporary file", name)
	}
	p := path.Join(c.tempDir(env), name)
	return c.call(ctx, func(sc *sftp.Client) error {
		if err := sc.Remove(p); err != nil {
			return c.sftpError("remove", p, err)
		}
		c.logger.Info("ohris: leftover removed", "path", p)
		return nil
	})
}

// list lists the regular files of a folder whose names keep accepts (all
// when keep is nil), in name order.
func (c *Client) list(ctx context.Context, env Env, folder func() string, keep func(string) bool) iter.Seq2[FileInfo, error] {
	return func(yield func(FileInfo, error) bool) {
		if err := validEnv(env); err != nil {
			yield(FileInfo{}, err)
			return
		}
		dir := folder()
		var fis []os.FileInfo
		err := c.call(ctx, func(sc *sftp.Client) error {
			var err error
			fis, err = sc.ReadDirContext(ctx, dir)
			if err != nil {
				return c.sftpError("list", dir, err)
			}
			return nil
		})
		if err != nil {
			yield(FileInfo{}, err)
			return
		}
		slices.SortFunc(fis, func(a, b os.FileInfo) int { return strings.Compare(a.Name(), b.Name()) })
		for _, fi := range fis {
			if !fi.Mode().IsRegular() || keep != nil && !keep(fi.Name()) {
				continue
			}
			d, _ := ParseFileName(fi.Name())
			info := FileInfo{Name: fi.Name(), Path: path.Join(dir, fi.Name()), Size: fi.Size(), ModTime: fi.ModTime(), Date: d}
			if !yield(info, nil) {
				return
			}
		}
	}
}

// OpenArchive opens archives/<env>/<name> for reading, to compare what oHRis
// processed with what was sent (NewReader reads it). Close the result.
func (c *Client) OpenArchive(ctx context.Context, env Env, name string) (io.ReadCloser, error) {
	if err := validEnv(env); err != nil {
		return nil, err
	}
	if path.Base(name) != name || name == "." || name == ".." {
		return nil, invalid("OpenArchive: %q is not a file name", name)
	}
	p := c.dir(ArchivesDir, string(env), name)
	var f *sftp.File
	err := c.call(ctx, func(sc *sftp.Client) error {
		var err error
		f, err = sc.Open(p)
		if err != nil {
			return c.sftpError("open", p, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}
