package fusionsod

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/fusionjwt"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// DefaultPath is the root of Oracle Fusion's Risk Management REST resources,
// added to a base URL that has no path of its own.
const DefaultPath = "/fscmRestApi/resources/11.13.18.05"

// Content types of Oracle's ADF REST framework: actions
// (runUserProvisioningAnalysis, getRequestStatus, ...) take the first,
// item updates the second.
const (
	ActionContentType = "application/vnd.oracle.adf.action+json"
	ItemContentType   = "application/vnd.oracle.adf.resourceitem+json"
)

// Defaults of the client's options.
const (
	DefaultPageSize     = 100
	DefaultMaxResults   = 100_000
	DefaultPollFirst    = 100 * time.Millisecond
	DefaultPollMax      = 15 * time.Second
	DefaultAnalysisWait = 15 * time.Minute
)

// pkg is the prefix of every error.
const pkg = "fusionsod"

// Client calls one Oracle Fusion pod's Advanced Access Controls REST API. It
// is immutable and safe for concurrent use.
type Client struct {
	tc *transport.Client
	settings
}

// settings are what the options set beside the transport's configuration.
type settings struct {
	rolesField RolesField
	idForm     IDForm
	statuses   map[string]Status
	approveKey string
	pageSize   int
	maxResults int
	pollFirst  time.Duration
	pollMax    time.Duration
	wait       time.Duration
}

// Option configures a Client.
type Option func(*config) error

type config struct {
	tc transport.Config
	settings
}

// NewClient returns a client for the pod at baseURL. A base URL without a
// path (https://acme.fa.us2.oraclecloud.com) gets DefaultPath; one with a
// path is used as it is. Credentials are required: WithBasicAuth,
// WithFusionJWT or WithTokenSource.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg := config{tc: transport.Config{BaseURL: baseURL}, settings: settings{
		rolesField: RolesFieldReference,
		idForm:     IDNumber,
		approveKey: DefaultApprovedRoleKey,
		pageSize:   DefaultPageSize,
		maxResults: DefaultMaxResults,
		pollFirst:  DefaultPollFirst,
		pollMax:    DefaultPollMax,
		wait:       DefaultAnalysisWait,
	}}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.tc.Auth == nil {
		return nil, errors.New("fusionsod: NewClient: no credentials: use WithBasicAuth, WithFusionJWT or WithTokenSource")
	}
	if u, err := url.Parse(baseURL); err == nil && (u.Path == "" || u.Path == "/") {
		u.Path = DefaultPath
		cfg.tc.BaseURL = u.String()
	}
	tc, err := transport.New(cfg.tc)
	if err != nil {
		return nil, err
	}
	return &Client{tc: tc, settings: cfg.settings}, nil
}

// WithHTTPClient sends requests through a copy of hc (its Transport and
// Timeout); hc itself is not changed.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.tc.SetHTTPClient(hc) }
}

// WithRetry sets how many more times a request that is safe to repeat is
// sent (0 disables retries) and the longest wait between attempts, which
// also caps a server's Retry-After. getRequestStatus, the result lists and
// incident updates are repeated; runUserProvisioningAnalysis,
// approveProvisioningRequest and comments are not, except after a 429.
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

// WithRootCAs trusts only the certificate authorities of pool (a company
// CA, a fake's).
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *config) error { return c.tc.SetRootCAs(pool) }
}

// WithInsecureHTTP allows a plain http:// base URL, for the fake on
// loopback. Credentials then cross the wire unencrypted.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.tc.AllowHTTP = true
		return nil
	}
}

// WithBasicAuth authenticates with a user name and password (HTTP Basic).
func WithBasicAuth(user, password string) Option {
	return func(c *config) error {
		if c.tc.Auth != nil {
			return errors.New("fusionsod: more than one authentication option")
		}
		if user == "" || password == "" {
			return errors.New("fusionsod: WithBasicAuth: the user name and the password must not be empty")
		}
		c.tc.Auth = transport.Basic(user, password)
		return nil
	}
}

// WithFusionJWT authenticates with JSON Web Tokens signed by key, as Oracle
// Fusion's Security Console "API Authentication" trusts them: issuer is the
// trusted issuer registered with cert, user the Fusion user the calls run
// as. Tokens are signed again shortly before they expire, and once more
// when the pod answers 401.
func WithFusionJWT(issuer, user string, key *rsa.PrivateKey, cert *x509.Certificate) Option {
	return func(c *config) error {
		if c.tc.Auth != nil {
			return errors.New("fusionsod: more than one authentication option")
		}
		a, err := fusionjwt.NewAuthorizer(fusionjwt.Config{Issuer: issuer, Username: user, Key: key, Cert: cert})
		if err != nil {
			return err
		}
		c.tc.Auth = a
		return nil
	}
}

// WithTokenSource sends "Authorization: Bearer" with the tokens of ts (an
// OAuth access token from Oracle Identity Cloud, a static token).
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error { return c.tc.SetTokenSource(ts) }
}

// WithPageSize sets the limit asked for in each page of results and
// incidents (100 by default; Oracle's ADF default is 25 and its largest
// page 500).
func WithPageSize(n int) Option {
	return func(c *config) error {
		if n <= 0 || n > 500 {
			return fmt.Errorf("fusionsod: WithPageSize(%d): must be between 1 and 500", n)
		}
		c.pageSize = n
		return nil
	}
}

// WithMaxResults bounds how many items one list yields (100,000 by
// default): a server whose hasMore never turns false stops with
// ErrTooManyResults instead of running for ever.
func WithMaxResults(n int) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("fusionsod: WithMaxResults(%d): must be positive", n)
		}
		c.maxResults = n
		return nil
	}
}

// WithPolling sets how Wait polls getRequestStatus: first is the wait
// before the first poll, doubled after each one up to max; an analysis
// that has not ended after wait fails with ErrAnalysisTimeout (the
// context can end it sooner). Defaults: 100 ms, 15 s, 15 minutes.
func WithPolling(first, max, wait time.Duration) Option {
	return func(c *config) error {
		if first <= 0 || max < first || wait <= 0 {
			return fmt.Errorf("fusionsod: WithPolling(%v, %v, %v): want 0 < first <= max and a positive wait", first, max, wait)
		}
		c.pollFirst, c.pollMax, c.wait = first, max, wait
		return nil
	}
}

// request is one call.
type request struct {
	op          string // the operation, for errors
	method      string
	path        string
	query       url.Values
	body        any    // marshalled to JSON; nil sends no body
	contentType string // of the body
	idempotent  bool
}

// do sends r and decodes the JSON answer into out (nil discards it).
func (c *Client) do(ctx context.Context, r request, out any) error {
	h := http.Header{"Accept": {"application/json"}}
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return &APIError{Package: pkg, Op: r.op, Kind: ErrInvalid, Message: "encoding the request: " + err.Error()}
		}
		h.Set("Content-Type", r.contentType)
	}
	resp, err := c.tc.Do(ctx, &transport.Request{Method: r.method, Path: r.path, Query: r.query, Header: h, Body: body, Idempotent: r.idempotent})
	if err != nil {
		return c.wrap(r.op, err)
	}
	if err := apierr.CheckContent(pkg, r.op, resp, "JSON"); err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		// The server answered and the body broke off (or passed the
		// cap): the error names the request and the status it had.
		return &APIError{Package: pkg, Op: r.op, Method: r.method, URL: resp.Request.URL.Redacted(), StatusCode: resp.StatusCode,
			RequestID: apierr.RequestID(resp.Header), Err: err}
	}
	if out == nil || (resp.StatusCode == http.StatusNoContent && len(bytes.TrimSpace(data)) == 0) {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &APIError{Package: pkg, Op: r.op, Method: r.method, URL: resp.Request.URL.Redacted(), StatusCode: resp.StatusCode,
			RequestID: apierr.RequestID(resp.Header), Kind: ErrUnexpectedContent,
			Message: "decoding the JSON answer: " + err.Error() + ": " + apierr.Snippet(c.tc.Redact(string(data)))}
	}
	return nil
}

// adfError is the JSON error body of Oracle's REST framework
// (application/vnd.oracle.adf.error+json): a title, a detail and an
// o:errorCode, sometimes nested under o:errorDetails.
type adfError struct {
	Title   string `json:"title"`
	Detail  string `json:"detail"`
	Code    string `json:"o:errorCode"`
	Details []struct {
		Detail string `json:"detail"`
		Code   string `json:"o:errorCode"`
	} `json:"o:errorDetails"`
}

// wrap turns a transport error into an *APIError, reading Oracle's JSON
// error body when there is one (Oracle often answers plain text, which
// stays the message).
func (c *Client) wrap(op string, err error) error {
	var he *transport.HTTPError
	if !errors.As(err, &he) {
		return apierr.FromTransport(pkg, op, err)
	}
	e := apierr.FromHTTP(pkg, op, he)
	var ae adfError
	if e.Kind == nil && json.Unmarshal(he.Body, &ae) == nil {
		msg, code := ae.Detail, ae.Code
		if msg == "" {
			msg = ae.Title
		}
		for _, d := range ae.Details {
			if msg == "" || msg == ae.Title {
				msg = d.Detail
			}
			if code == "" {
				code = d.Code
			}
		}
		if msg != "" {
			e.Message = apierr.Snippet(msg)
		}
		e.Code = code
	}
	return e
}

// invalid returns a validation error of op listing problems.
func invalid(op string, problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	msg := problems[0]
	if len(problems) > 1 {
		msg = fmt.Sprintf("%d problems: %s", len(problems), strings.Join(problems, "; "))
	}
	return &APIError{Package: pkg, Op: op, Kind: ErrInvalid, Message: msg}
}
