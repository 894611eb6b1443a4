package hcmscim

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/fusionjwt"
	"github.com/hrbridge/hrbridge/internal/opt"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// Opt is a value that may be "not given": a PATCH sends only the fields
// that are given.
type Opt[T any] = opt.Value[T]

// Some returns a given Opt holding v, even when v is empty.
func Some[T any](v T) Opt[T] { return opt.Of(v) }

// DefaultPath is the SCIM root of an Oracle Fusion pod, added to a base URL
// that has no path of its own.
const DefaultPath = "/hcmRestApi/scim"

// Defaults of the client's options.
const (
	DefaultPageSize          = 100
	DefaultBulkBatchSize     = 50
	DefaultLookupConcurrency = 4
	// PersonNumbersPerRequest is how many person numbers one lookup request
	// asks for: Oracle's integration guide says "make calls in sets of 6".
	PersonNumbersPerRequest = 6
)

// Client calls one SCIM server. It is safe for concurrent use.
type Client struct {
	tc          *transport.Client
	dialect     Dialect      // as configured
	detected    atomic.Int32 // Dialect found by DialectAuto; 0 while unknown
	detectMu    sync.Mutex
	pageSize    int
	batchSize   int
	concurrency int
	progress    func(done, total int)
}

// Option configures a Client.
type Option func(*config) error

type config struct {
	tc          transport.Config
	dialect     Dialect
	pageSize    int
	batchSize   int
	concurrency int
	progress    func(done, total int)
	auth        bool
}

// NewClient returns a client for the SCIM server at baseURL. A base URL
// without a path (https://acme.fa.us2.oraclecloud.com) gets Oracle's
// /hcmRestApi/scim; one with a path (https://idp.example.com/scim/v2) is the
// prefix of every request as it is. A base URL with a query or a fragment
// is refused, and so is http:// without WithInsecureHTTP. Credentials are
// required: WithBasicAuth, WithTokenSource or WithFusionJWT.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg := config{
		tc:          transport.Config{BaseURL: baseURL},
		pageSize:    DefaultPageSize,
		batchSize:   DefaultBulkBatchSize,
		concurrency: DefaultLookupConcurrency,
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, own(err)
		}
	}
	if !cfg.auth {
		return nil, errors.New("hcmscim: NewClient: no credentials: use WithBasicAuth, WithFusionJWT or WithTokenSource")
	}
	if u, err := url.Parse(baseURL); err == nil && (u.Path == "" || u.Path == "/") {
		u.Path = DefaultPath
		cfg.tc.BaseURL = u.String()
	}
	tc, err := transport.New(cfg.tc)
	if err != nil {
		return nil, own(err)
	}
	return &Client{tc: tc, dialect: cfg.dialect, pageSize: cfg.pageSize, batchSize: cfg.batchSize,
		concurrency: cfg.concurrency, progress: cfg.progress}, nil
}

// WithHTTPClient sends requests through a copy of hc (its Transport and
// Timeout); hc itself is not changed.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.tc.SetHTTPClient(hc) }
}

// WithRetry sets how many times a failed request that is safe to repeat is
// sent again (0 disables retries) and the longest wait between attempts,
// which also caps a server's Retry-After.
func WithRetry(retries int, maxWait time.Duration) Option {
	return func(c *config) error { return c.tc.SetRetry(retries, maxWait) }
}

// WithLogger logs each attempt at Debug level, with secrets redacted.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.tc.SetLogger(l) }
}

// WithUserAgent puts product before the SDK's own User-Agent token.
func WithUserAgent(product string) Option {
	return func(c *config) error { return c.tc.SetUserAgent(product) }
}

// WithMaxBodyBytes caps the size of a response body (32 MiB by default).
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error { return c.tc.SetMaxBodyBytes(n) }
}

// WithRootCAs makes the client trust only the certificate authorities of
// pool: a company's own CA, or a fake's (hcmscimtest's Server.RootCAs).
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *config) error { return c.tc.SetRootCAs(pool) }
}

// WithInsecureHTTP allows a plain http:// base URL, for fakes on loopback
// and tests only. Credentials then cross the wire unencrypted.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.tc.AllowHTTP = true
		return nil
	}
}

// WithBasicAuth authenticates with a user name and password (HTTP Basic).
func WithBasicAuth(user, password string) Option {
	return func(c *config) error {
		if c.auth {
			return errors.New("hcmscim: more than one authentication option")
		}
		if user == "" || password == "" {
			return errors.New("hcmscim: WithBasicAuth: the user name and the password must not be empty")
		}
		c.auth = true
		c.tc.Auth = transport.Basic(user, password)
		return nil
	}
}

// WithTokenSource authenticates with OAuth bearer tokens ("Authorization:
// Bearer <token>") from ts: a static token (oauth2.StaticTokenSource), a
// token of Oracle's identity domain obtained by the caller's own flow, or
// any golang.org/x/oauth2 source (wrap one that fetches tokens in
// oauth2.ReuseTokenSource so that it caches them). The token is redacted
// from errors and logs.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if c.auth {
			return errors.New("hcmscim: more than one authentication option")
		}
		if err := c.tc.SetTokenSource(ts); err != nil {
			return err
		}
		c.auth = true
		return nil
	}
}

// WithFusionJWT authenticates with JSON Web Tokens signed by key, as Oracle
// Fusion's Security Console "API Authentication" trusts them: issuer is the
// trusted issuer registered with cert, user the Fusion user the calls run
// as. Tokens are signed again shortly before they expire.
func WithFusionJWT(issuer, user string, key *rsa.PrivateKey, cert *x509.Certificate) Option {
	return func(c *config) error {
		if c.auth {
			return errors.New("hcmscim: more than one authentication option")
		}
		a, err := fusionjwt.NewAuthorizer(fusionjwt.Config{Issuer: issuer, Username: user, Key: key, Cert: cert})
		if err != nil {
			return err
		}
		c.auth = true
		c.tc.Auth = a
		return nil
	}
}

// WithDialect fixes the dialect instead of asking the server.
func WithDialect(d Dialect) Option {
	return func(c *config) error {
		if d < DialectAuto || d > DialectStandard {
			return fmt.Errorf("hcmscim: WithDialect(%d): unknown dialect", int(d))
		}
		c.dialect = d
		return nil
	}
}

// WithPageSize sets the count asked for in each list request when the
// Query does not say (100 by default). Oracle's list answers carry no
// total, so there the client stops at the first page shorter than the count
// it asked for: do not set more than the server's largest page.
func WithPageSize(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("hcmscim: WithPageSize(%d): must be positive", n)
		}
		c.pageSize = n
		return nil
	}
}

// WithBulkBatchSize sets how many operations one Bulk request carries (50
// by default, Oracle's example).
func WithBulkBatchSize(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("hcmscim: WithBulkBatchSize(%d): must be positive", n)
		}
		c.batchSize = n
		return nil
	}
}

// WithLookupConcurrency sets how many lookup requests LookupPersonNumbers
// has in flight at once (4 by default).
func WithLookupConcurrency(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("hcmscim: WithLookupConcurrency(%d): must be positive", n)
		}
		c.concurrency = n
		return nil
	}
}

// WithProgress calls f as long work advances: after each Bulk batch with
// the operations done so far, and after each lookup request of
// LookupPersonNumbers with the person numbers resolved so far, out of
// total. Calls come one at a time, from the goroutine doing the work.
func WithProgress(f func(done, total int)) Option {
	return func(c *config) error {
		c.progress = f
		return nil
	}
}

// report calls the progress callback, if any.
func (c *Client) report(done, total int) {
	if c.progress != nil {
		c.progress(done, total)
	}
}

// request is one SCIM call.
type request struct {
	op     string // the client's method, for errors ("GetUser")
	method string
	path   string
	query  url.Values
	body   any // marshalled to JSON; nil sends no body
	// idempotent marks a write that is safe to repeat (a PATCH that sets
	// values), so that it is retried like a read.
	idempotent bool
	// secrets are values the body carries (a user's new password) that the
	// transport does not know of: an error quoting them has them removed.
	secrets []string
}

// do sends r and decodes a JSON answer into out (if out is not nil and the
// answer has a body). It returns the HTTP status. Every failure is an
// *APIError: an error status, no answer, an HTML page or a body that is
// not the JSON asked for (ErrUnexpectedContent).
func (c *Client) do(ctx context.Context, d Dialect, r request, out any) (int, error) {
	h := http.Header{}
	h.Set("Accept", "application/json")
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return 0, &APIError{Package: pkg, Op: r.op, Method: r.method, URL: r.path, Kind: ErrInvalid, Err: fmt.Errorf("encoding the request: %w", err)}
		}
		h.Set("Content-Type", "application/json")
	}
	if d == DialectStandard {
		h.Set("Accept", "application/scim+json, application/json")
		if body != nil {
			h.Set("Content-Type", "application/scim+json")
		}
	}
	resp, err := c.tc.Do(ctx, &transport.Request{
		Method: r.method, Path: r.path, Query: r.query, Header: h, Body: body, Idempotent: r.idempotent,
	})
	if err != nil {
		return 0, scrub(errorOf(r.op, err), r.secrets)
	}
	if err := apierr.CheckContent(pkg, r.op, resp, "JSON"); err != nil {
		return resp.StatusCode, err
	}
	defer resp.Body.Close() // reads what is left, for the connection's reuse
	if out == nil || resp.StatusCode == http.StatusNoContent {
		return resp.StatusCode, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		e := &APIError{Package: pkg, Op: r.op, Method: r.method, URL: c.tc.Redact(resp.Request.URL.String()),
			StatusCode: resp.StatusCode, RequestID: apierr.RequestID(resp.Header), Err: err}
		var tooLarge *transport.BodyTooLargeError
		if !errors.As(err, &tooLarge) {
			e.Kind = ErrUnexpectedContent
			e.Message = scrubText(c.tc.Redact("the answer is not the JSON a SCIM server sends: "+err.Error()), r.secrets)
		}
		return resp.StatusCode, e
	}
	return resp.StatusCode, nil
}

// scrub removes secrets from the server's text in an *APIError.
func scrub(err error, secrets []string) error {
	var ae *APIError
	if errors.As(err, &ae) {
		ae.Message = scrubText(ae.Message, secrets)
	}
	return err
}

func scrubText(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, transport.Redacted)
		}
	}
	return s
}

// Dialect returns the dialect the client speaks: the one configured, or,
// with DialectAuto, the one the server showed, asking it once with a list
// request of one user if nothing has shown it yet.
func (c *Client) Dialect(ctx context.Context) (Dialect, error) {
	if c.dialect != DialectAuto {
		return c.dialect, nil
	}
	if d := Dialect(c.detected.Load()); d != DialectAuto {
		return d, nil
	}
	c.detectMu.Lock()
	defer c.detectMu.Unlock()
	if d := Dialect(c.detected.Load()); d != DialectAuto {
		return d, nil
	}
	var lr listResponse[json.RawMessage]
	_, err := c.do(ctx, DialectAuto, request{op: "Dialect", method: http.MethodGet, path: "Users", query: url.Values{"count": {"1"}}}, &lr)
	if err != nil {
		return DialectAuto, wrapf(err, "finding the server's SCIM dialect")
	}
	c.learn(&lr.listHead)
	return Dialect(c.detected.Load()), nil
}

// learn records the dialect a list answer shows, when the client was told
// to find it.
func (c *Client) learn(h *listHead) {
	if c.dialect != DialectAuto {
		return
	}
	c.detected.CompareAndSwap(int32(DialectAuto), int32(h.dialect()))
}
