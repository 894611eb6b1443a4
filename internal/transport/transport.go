// Package transport is the one HTTP stack of hrbridge: every client of every
// system sends its requests through a transport.Client.
//
// It is built on github.com/hashicorp/go-retryablehttp and adds what a
// provisioning SDK must guarantee:
//
//   - retries with jittered exponential back-off on connection errors and on
//     429, 502, 503 and 504, honouring Retry-After (seconds or HTTP date) up
//     to a maximum wait; only requests that are safe to repeat are retried (GET,
//     HEAD, OPTIONS, or a request marked Idempotent): a POST that may have
//     reached the server is never sent twice behind the caller's back;
//   - one pooled, keep-alive connection set per client;
//   - a cap on response bodies, with a clear error when it is hit;
//   - TLS only, unless the caller allows plain HTTP (the test kits' fakes);
//   - redaction of passwords, tokens and keys from every log line and error;
//   - an optional *slog.Logger (silent by default) and a User-Agent naming the
//     SDK and its version;
//   - a typed *HTTPError carrying the status and a bounded, redacted body.
package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Version is the version of hrbridge, sent in the User-Agent header.
const Version = "0.1.0"

// Defaults used when a Config leaves a field zero.
const (
	DefaultRetries      = 3
	DefaultWaitMin      = 500 * time.Millisecond
	DefaultWaitMax      = 30 * time.Second
	DefaultMaxBodyBytes = 32 << 20
	DefaultTimeout      = 2 * time.Minute
	// maxErrorBody bounds how much of an error response is kept.
	maxErrorBody = 64 << 10
	// errorSnippet bounds how much of that body an error message shows.
	errorSnippet = 512
)

// Config configures a Client. The zero value of every field but BaseURL
// selects a default.
type Config struct {
	// BaseURL is the root every request path is joined to, such as
	// "https://acme.cmo-compliance.com". It must be https unless AllowHTTP.
	BaseURL string
	// AllowHTTP permits a plain http:// BaseURL. It exists for the test kits'
	// fakes on loopback; credentials then cross the wire unencrypted.
	AllowHTTP bool
	// HTTPClient is copied, never changed; its Transport and Timeout are
	// used. Nil selects a pooled keep-alive client of the Client's own.
	HTTPClient *http.Client
	// Auth adds credentials to each attempt; nil sends none.
	Auth Authorizer
	// Retries is how many times a failed request may be sent again; a
	// negative value disables retries.
	Retries int
	// WaitMin and WaitMax bound the back-off between attempts. WaitMax also
	// caps a server's Retry-After: a longer wait is shortened to WaitMax.
	WaitMin, WaitMax time.Duration
	// MaxBodyBytes caps the size of a response body.
	MaxBodyBytes int64
	// Logger receives debug records of each attempt; nil logs nothing.
	Logger *slog.Logger
	// UserAgent is put before the SDK's own product token, e.g. "acme-sync/2".
	UserAgent string
	// Secrets are values to redact from logs and errors beyond the ones the
	// Client sees (a password sent in a SOAP body, say).
	Secrets []string
	// RootCAs, when set, are the only certificate authorities the client
	// trusts (a company's own CA, a test server's); nil trusts the system's.
	RootCAs *x509.CertPool
}

// Client sends requests with retries, authentication and redaction. It is
// safe for concurrent use and must not be copied after first use.
type Client struct {
	base      *url.URL
	allowHTTP bool
	rc        *retryablehttp.Client
	auth      Authorizer
	maxBody   int64
	log       *slog.Logger
	userAgent string
	redactor  *Redactor
}

// New returns a Client for cfg, or an error naming what is wrong with it.
func New(cfg Config) (*Client, error) {
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || base.Host == "" {
		return nil, fmt.Errorf("hrbridge: base URL %q is not an absolute URL", redactURL(cfg.BaseURL))
	}
	if err := checkScheme(base, cfg.AllowHTTP); err != nil {
		return nil, err
	}
	if base.User != nil {
		return nil, errors.New("hrbridge: base URL must not carry credentials; use the client's authentication option")
	}
	if base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("hrbridge: base URL %s must not have a query or fragment: its path is the prefix of every request, and nothing else is kept", redactURL(cfg.BaseURL))
	}
	c := &Client{
		base:      base,
		allowHTTP: cfg.AllowHTTP,
		auth:      cfg.Auth,
		maxBody:   cfg.MaxBodyBytes,
		log:       cfg.Logger,
		userAgent: "hrbridge/" + Version + " (+https://github.com/hrbridge/hrbridge)",
		redactor:  &Redactor{},
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if cfg.UserAgent != "" {
		c.userAgent = cfg.UserAgent + " " + c.userAgent
	}
	for _, s := range cfg.Secrets {
		c.redactor.Add(s)
	}
	if h, ok := cfg.Auth.(secretHolder); ok {
		for _, s := range h.secrets() {
			c.redactor.Add(s)
		}
	}

	hc := newHTTPClient()
	if cfg.HTTPClient != nil {
		cp := *cfg.HTTPClient
		hc = &cp
	}
	if cfg.RootCAs != nil {
		if err := trust(hc, cfg.RootCAs); err != nil {
			return nil, err
		}
	}
	hc.CheckRedirect = c.checkRedirect

	retries := cfg.Retries
	switch {
	case retries == 0:
		retries = DefaultRetries
	case retries < 0:
		retries = 0
	}
	c.rc = &retryablehttp.Client{
		HTTPClient:     hc,
		RetryWaitMin:   orDefault(cfg.WaitMin, DefaultWaitMin),
		RetryWaitMax:   orDefault(cfg.WaitMax, DefaultWaitMax),
		RetryMax:       retries,
		CheckRetry:     c.checkRetry,
		Backoff:        Backoff,
		ErrorHandler:   retryablehttp.PassthroughErrorHandler,
		RequestLogHook: c.beforeAttempt,
		PrepareRetry:   c.authorize,
	}
	return c, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// newHTTPClient returns the default client: pooled keep-alive connections,
// bounded dial and handshake times, TLS 1.2 at least.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	t.ResponseHeaderTimeout = time.Minute
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	return &http.Client{Transport: t, Timeout: DefaultTimeout}
}

// trust makes hc's transport (a copy of it) trust only the CAs of pool.
func trust(hc *http.Client, pool *x509.CertPool) error {
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		return fmt.Errorf("hrbridge: WithRootCAs: the HTTP client's transport is a %T, not an *http.Transport; set its TLS configuration there instead", rt)
	}
	t = t.Clone()
	if t.TLSClientConfig == nil {
		t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	t.TLSClientConfig.RootCAs = pool
	hc.Transport = t
	return nil
}

func checkScheme(u *url.URL, allowHTTP bool) error {
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && allowHTTP:
		return nil
	case u.Scheme == "http":
		return fmt.Errorf("hrbridge: refusing plain http:// URL %s: credentials and HR data need TLS (WithInsecureHTTP allows it, for fakes on loopback and tests only)", redactURL(u.String()))
	}
	return fmt.Errorf("hrbridge: unsupported URL scheme %q in %s", u.Scheme, redactURL(u.String()))
}

// checkRedirect refuses redirects that leave TLS or the host the request was
// sent to, and limits their number. net/http drops the Authorization header
// on the way to another host, but a 307 or 308 sends the body again: a SOAP
// header's password, an assertion in a token request.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return &redirectError{"stopped after 10 redirects"}
	}
	if err := checkScheme(req.URL, c.allowHTTP); err != nil {
		return &redirectError{err.Error()}
	}
	if len(via) > 0 && !strings.EqualFold(req.URL.Host, via[0].URL.Host) {
		return &redirectError{"refused a redirect to another host, " + req.URL.Host}
	}
	return nil
}

// BaseURL returns the client's base URL.
func (c *Client) BaseURL() *url.URL { u := *c.base; return &u }

// Redact removes from s every secret the client knows of or recognises.
func (c *Client) Redact(s string) string { return c.redactor.Redact(s) }

// A Request is one logical call, sent in one or more attempts.
type Request struct {
	Method string
	// Path is joined to the base URL's path ("/api/token"); it may carry a
	// query. An absolute URL is accepted if it has the base URL's scheme and
	// host (a "next page" link), so credentials never leave for another host.
	Path   string
	Query  url.Values
	Header http.Header
	// Body is sent as is; being bytes, it can be sent again on a retry.
	Body []byte
	// Idempotent marks a request that is safe to send again even though its
	// method is not GET, HEAD or OPTIONS (a SOAP read, a PUT), so that it is
	// retried like a GET.
	Idempotent bool
	// NoAuth sends the request without the client's Authorizer (the call
	// that obtains a token).
	NoAuth bool
}

// idempotent reports whether r may be sent again after it reached the server.
func (r *Request) idempotent() bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return r.Idempotent
}

// callState travels in the request context so that the shared retry hooks
// know about the call they serve.
type callState struct {
	idempotent bool
	noAuth     bool
	attempts   int
}

type stateKey struct{}

func stateOf(ctx context.Context) *callState {
	s, _ := ctx.Value(stateKey{}).(*callState)
	if s == nil {
		return &callState{}
	}
	return s
}

// Do sends r and returns the response if its status is 2xx. The response
// body is capped at the client's MaxBodyBytes; the caller must close it, and
// closing it early still keeps the connection for reuse.
// Any other status gives an *HTTPError. A 401 answered to a client whose
// Authorizer is an Invalidator is retried once with fresh credentials.
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	u, err := c.resolve(r)
	if err != nil {
		return nil, err
	}
	resp, err := c.send(ctx, r, u)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusUnauthorized && !r.NoAuth {
		if inv, ok := c.auth.(Invalidator); ok {
			drain(resp.Body)
			inv.Invalidate()
			if resp, err = c.send(ctx, r, u); err != nil {
				return nil, err
			}
		}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, c.httpError(r.Method, u, resp, stateOf(resp.Request.Context()).attempts)
	}
	capped := &cappedBody{rc: resp.Body, left: c.maxBody, method: r.Method, url: u, limit: c.maxBody}
	if resp.ContentLength > c.maxBody {
		drain(resp.Body)
		return nil, capped.tooLarge()
	}
	resp.Body = capped
	return resp, nil
}

// send makes the attempts of one call.
func (c *Client) send(ctx context.Context, r *Request, u *url.URL) (*http.Response, error) {
	st := &callState{idempotent: r.idempotent(), noAuth: r.NoAuth}
	ctx = context.WithValue(ctx, stateKey{}, st)
	var body any
	if r.Body != nil {
		body = r.Body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("hrbridge: %s %s: %s", r.Method, redactURL(u.String()), c.Redact(err.Error()))
	}
	for k, vs := range r.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set("User-Agent", c.userAgent)
	if err := c.authorize(req.Request); err != nil {
		return nil, fmt.Errorf("hrbridge: %s %s: authentication: %s", r.Method, redactURL(u.String()), c.Redact(err.Error()))
	}
	start := time.Now()
	resp, err := c.rc.Do(req)
	if err != nil {
		if resp != nil {
			drain(resp.Body)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("hrbridge: %s %s: %w", r.Method, redactURL(u.String()), ctxErr)
		}
		if c.debug(ctx) {
			c.log.DebugContext(ctx, "hrbridge: request failed", "method", r.Method, "url", redactURL(u.String()),
				"attempts", st.attempts, "error", c.Redact(err.Error()))
		}
		return nil, &ConnError{Method: r.Method, URL: redactURL(u.String()), Attempts: st.attempts, err: err, redactor: c.redactor}
	}
	if c.debug(ctx) {
		c.log.DebugContext(ctx, "hrbridge: response", "method", r.Method, "url", redactURL(u.String()),
			"status", resp.StatusCode, "attempts", st.attempts, "elapsed", time.Since(start))
	}
	return resp, nil
}

// debug reports whether debug records are wanted, so that redacting what
// they would show costs nothing when they are not.
func (c *Client) debug(ctx context.Context) bool {
	return c.log.Enabled(ctx, slog.LevelDebug)
}

// authorize applies the client's credentials to an attempt, unless the call
// asked for none, and remembers the credentials for redaction.
func (c *Client) authorize(req *http.Request) error {
	if c.auth == nil || stateOf(req.Context()).noAuth {
		return nil
	}
	if err := c.auth.Authorize(req.Context(), req); err != nil {
		return err
	}
	if h := req.Header.Get("Authorization"); h != "" {
		if _, cred, ok := strings.Cut(h, " "); ok {
			c.redactor.Add(cred)
		}
	}
	return nil
}

// beforeAttempt counts and logs each attempt.
func (c *Client) beforeAttempt(_ retryablehttp.Logger, req *http.Request, attempt int) {
	stateOf(req.Context()).attempts++
	if c.debug(req.Context()) {
		c.log.DebugContext(req.Context(), "hrbridge: request", "method", req.Method,
			"url", redactURL(req.URL.String()), "attempt", attempt+1)
	}
}

// checkRetry decides whether an attempt's outcome calls for another one.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	st := stateOf(ctx)
	if err != nil {
		if permanent(err) {
			return false, err
		}
		// A request that never left may always be sent; one that may have
		// reached the server only if repeating it is harmless.
		return st.idempotent || notSent(err), err
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		// The server refused the request without acting on it.
		return true, nil
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return st.idempotent, nil
	}
	return false, nil
}

// permanent reports errors that no retry can mend: a certificate that does
// not verify, a redirect refused.
func permanent(err error) bool {
	var verify *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var host x509.HostnameError
	var invalid x509.CertificateInvalidError
	var refused *redirectError
	return errors.As(err, &verify) || errors.As(err, &unknownAuth) || errors.As(err, &host) ||
		errors.As(err, &invalid) || errors.As(err, &refused)
}

// redirectError is a redirect the client refused to follow.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

// notSent reports errors that happen before a request is written: the
// connection could not be made.
func notSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// Backoff is the wait before a retry: the server's Retry-After when it sent
// one (seconds or an HTTP date), else WaitMin·2^attempt with full jitter;
// never more than WaitMax.
func Backoff(waitMin, waitMax time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, waitMax)
		}
	}
	ceiling := waitMax
	if attempt < 32 && waitMin<<attempt > 0 && waitMin<<attempt < waitMax {
		ceiling = waitMin << attempt
	}
	// Full jitter between WaitMin/2 and the ceiling spreads clients that
	// failed together.
	lo := waitMin / 2
	if ceiling <= lo {
		return ceiling
	}
	return lo + rand.N(ceiling-lo)
}

// RetryAfter parses a Retry-After header value, in seconds or as an HTTP
// date (relative to now), and reports whether it was valid.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

// DecodeJSON decodes the JSON body of a response returned by Do into v and
// closes the body. A body that is not JSON, or not the JSON v expects, gives
// an error naming the request.
func DecodeJSON(resp *http.Response, v any) error {
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		var tooLarge *BodyTooLargeError
		if errors.As(err, &tooLarge) {
			return tooLarge
		}
		return fmt.Errorf("hrbridge: %s %s: decoding the JSON response: %w", resp.Request.Method, redactURL(resp.Request.URL.String()), err)
	}
	return nil
}

// resolve turns r's path into the absolute URL it targets.
func (c *Client) resolve(r *Request) (*url.URL, error) {
	ref, err := url.Parse(r.Path)
	if err != nil {
		return nil, fmt.Errorf("hrbridge: bad request path %q: %v", c.Redact(r.Path), err)
	}
	var u *url.URL
	if ref.IsAbs() {
		if ref.Scheme != c.base.Scheme || ref.Host != c.base.Host {
			return nil, fmt.Errorf("hrbridge: refusing to send credentials to %s: not the client's host %s", redactURL(ref.String()), c.base.Host)
		}
		u = ref
	} else {
		u = c.base.JoinPath(ref.Path)
		u.RawQuery = ref.RawQuery
	}
	if len(r.Query) > 0 {
		q := u.Query()
		for k, vs := range r.Query {
			q[k] = append(q[k], vs...)
		}
		u.RawQuery = q.Encode()
	}
	return u, nil
}

// redactURL removes user information and secret query parameters from a URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return (*Redactor)(nil).Redact(raw)
	}
	u.User = nil
	return (*Redactor)(nil).Redact(u.String())
}

// drain reads a little of a body and closes it, so that its connection can
// be reused.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 256<<10))
	body.Close()
}

// cappedBody fails with a *BodyTooLargeError once more than limit bytes
// have been read.
type cappedBody struct {
	rc     io.ReadCloser
	left   int64
	method string
	url    *url.URL
	limit  int64
}

// tooLarge builds the error only when it happens: redacting the URL costs
// more than the rest of a request.
func (b *cappedBody) tooLarge() error {
	return &BodyTooLargeError{Method: b.method, URL: redactURL(b.url.String()), Limit: b.limit}
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, b.tooLarge()
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n + int(b.left), b.tooLarge()
	}
	return n, err
}

// Close reads what is left of the body, up to a bound, before closing it:
// a body closed before its end costs its keep-alive connection, and callers
// that decode only what they need (a SOAP Body element, one JSON value)
// should not have to remember that.
func (b *cappedBody) Close() error {
	_, _ = io.Copy(io.Discard, io.LimitReader(b.rc, 256<<10))
	return b.rc.Close()
}
