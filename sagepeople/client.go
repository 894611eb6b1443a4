package sagepeople

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/internal/paging"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// Date is a calendar date (an employment's start or end), with no time zone.
type Date = civil.Date

// DateOf returns the date on which t falls in t's own location.
func DateOf(t time.Time) Date { return civil.DateOf(t) }

// ParseISODate parses a YYYY-MM-DD date, the form of Salesforce's date
// fields in JSON and in Bulk CSV.
func ParseISODate(s string) (Date, error) { return civil.ParseISO(s) }

// Page is one page of a list, for callers who checkpoint.
type Page[T any] = paging.Page[T]

// Defaults of the client's options.
const (
	// DefaultAPIVersion is the Salesforce REST API version used when
	// WithAPIVersion does not say (Summer '26, the version of Salesforce's
	// own query samples in docs/sagepeople.md).
	DefaultAPIVersion = "67.0"
	// DefaultBulkThreshold: a list of more team members than this is read
	// through Bulk API 2.0 rather than REST pages.
	DefaultBulkThreshold = 50_000
	// DefaultBulkMaxRecords is the maxRecords asked for each Bulk result
	// set, so that a set stays well under the body-size cap.
	DefaultBulkMaxRecords = 20_000
)

// Audiences of the JWT bearer assertion (its aud claim).
const (
	LoginAudience = "https://login.salesforce.com" // production and developer orgs
	TestAudience  = "https://test.salesforce.com"  // sandboxes
)

// assertionLifetime is how long a JWT assertion is valid: Salesforce wants
// exp within 3 minutes; 2 leaves room for a slow clock.
const assertionLifetime = 2 * time.Minute

// Client reads Sage People team members from a Salesforce org. It is safe
// for concurrent use.
type Client struct {
	// config holds the options, fixed by NewClient; its tc configures the
	// instance's transport, its BaseURL set per instance.
	config
	login *transport.Client

	mu      sync.Mutex
	inst    *transport.Client
	instURL string
}

// Option configures a Client.
type Option func(*config) error

type config struct {
	tc             transport.Config
	jwt            *jwtBearer
	tokens         bool
	version        string // "v67.0"
	fields         Fields
	custom         []string
	batchSize      int
	bulkThreshold  int
	bulkMaxRecords int
	pollMin        time.Duration
	pollMax        time.Duration
	progress       func(done, total int)
}

// NewClient returns a client of the Salesforce org that holds Sage People.
//
// With WithJWTBearer, baseURL is the host that issues tokens: the login
// host (LoginAudience, TestAudience) or the org's My Domain
// (https://acme.my.salesforce.com); every other call goes to the
// instance_url of the token answer. With WithTokenSource, the caller's
// flow already knows the instance: baseURL is that instance URL. One of
// the two is required.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg := config{
		tc:             transport.Config{BaseURL: baseURL},
		version:        "v" + DefaultAPIVersion,
		fields:         DefaultFields(),
		bulkThreshold:  DefaultBulkThreshold,
		bulkMaxRecords: DefaultBulkMaxRecords,
		pollMin:        time.Second,
		pollMax:        30 * time.Second,
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.jwt == nil && !cfg.tokens {
		return nil, errors.New("sagepeople: NewClient: no credentials: use WithJWTBearer or WithTokenSource")
	}
	if err := cfg.fields.check(cfg.custom); err != nil {
		return nil, err
	}
	c := &Client{config: cfg}
	tc, err := transport.New(cfg.tc)
	if err != nil {
		return nil, fmt.Errorf("sagepeople: %w", err)
	}
	if c.jwt == nil {
		c.inst, c.instURL = tc, baseURL
		return c, nil
	}
	c.login = tc
	c.tc.Auth = sessionAuth{c.jwt}
	return c, nil
}

// WithHTTPClient sends requests through a copy of hc.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.tc.SetHTTPClient(hc) }
}

// WithRetry sets how many times a failed request that is safe to repeat is
// sent again (0 disables retries) and the longest wait between attempts.
func WithRetry(retries int, maxWait time.Duration) Option {
	return func(c *config) error { return c.tc.SetRetry(retries, maxWait) }
}

// WithLogger logs each attempt at Debug level, redacted.
func WithLogger(l *slog.Logger) Option { return func(c *config) error { return c.tc.SetLogger(l) } }

// WithUserAgent puts product before the SDK's own User-Agent token.
func WithUserAgent(product string) Option {
	return func(c *config) error { return c.tc.SetUserAgent(product) }
}

// WithMaxBodyBytes caps the size of a response body (32 MiB by default);
// a Bulk result set (compressed, when the server compresses) counts as one.
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error { return c.tc.SetMaxBodyBytes(n) }
}

// WithRootCAs trusts only the certificate authorities of pool.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *config) error { return c.tc.SetRootCAs(pool) }
}

// WithInsecureHTTP allows http:// URLs (the login host and the instance),
// for the fake on loopback.
func WithInsecureHTTP() Option {
	return func(c *config) error { c.tc.AllowHTTP = true; return nil }
}

// WithTokenSource authenticates with the caller's own bearer tokens (a
// session id, a token of another OAuth flow). NewClient's baseURL is then the
// org's instance URL, which the caller's flow gave (the instance_url of its
// token answer). A 401 is not retried: the source decides when to renew.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if c.jwt != nil {
			return errors.New("sagepeople: WithTokenSource: WithJWTBearer is given too")
		}
		c.tokens = true
		return c.tc.SetTokenSource(ts)
	}
}

// WithJWTBearer authenticates with Salesforce's OAuth 2.0 JWT bearer flow:
// an assertion signed with key (RS256) whose iss is the connected app's
// client id (consumer key), sub the Salesforce user name, aud the login
// host (LoginAudience, TestAudience, or a community URL), exp two minutes
// ahead. The connected app holds the key's certificate ("Use digital
// signatures") and the user is pre-authorized. The session token it gets is
// kept until Salesforce refuses it (401 INVALID_SESSION_ID), then asked
// for again once.
func WithJWTBearer(clientID, username, audience string, key *rsa.PrivateKey) Option {
	return func(c *config) error {
		switch {
		case c.tokens || c.jwt != nil:
			return errors.New("sagepeople: WithJWTBearer: the client already has an authentication option")
		case clientID == "" || username == "" || audience == "":
			return errors.New("sagepeople: WithJWTBearer: the client id, the user name and the audience must not be empty")
		case key == nil:
			return errors.New("sagepeople: WithJWTBearer: nil private key")
		}
		if u, err := url.Parse(audience); err != nil || u.Host == "" {
			return fmt.Errorf("sagepeople: WithJWTBearer: audience %q is not a URL such as %s", audience, LoginAudience)
		}
		c.jwt = &jwtBearer{clientID: clientID, username: username, audience: audience, key: key, now: time.Now}
		return nil
	}
}

var versionRE = regexp.MustCompile(`^v?[1-9][0-9]*\.[0-9]$`)

// WithAPIVersion sets the REST API version ("62.0" or "v62.0"; 67.0 by
// default). Bulk API 2.0 queries need 47.0 or later.
func WithAPIVersion(v string) Option {
	return func(c *config) error {
		if !versionRE.MatchString(v) {
			return fmt.Errorf("sagepeople: WithAPIVersion(%q): not a version such as 62.0", v)
		}
		c.version = "v" + strings.TrimPrefix(v, "v")
		return nil
	}
}

// WithFields sets the SOQL names of the team member's fields, for an org
// whose fields differ from DefaultFields. An empty name leaves the field
// out of queries.
func WithFields(f Fields) Option { return func(c *config) error { c.fields = f; return nil } }

// WithCustomFields adds fields to every query, by SOQL name (a tenant's own
// "Badge_Number__c", or a relationship path such as
// "fHCM2__Team__r.Name"); their values come in TeamMember.Custom.
func WithCustomFields(names ...string) Option {
	return func(c *config) error { c.custom = append(c.custom, names...); return nil }
}

// WithBatchSize asks for n records per REST page (Sforce-Query-Options:
// batchSize; Salesforce takes 200 to 2,000 and may send fewer). 0 lets the
// server choose (2,000).
func WithBatchSize(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("sagepeople: WithBatchSize(%d): negative", n)
		}
		c.batchSize = n
		return nil
	}
}

// WithBulkThreshold reads lists of more than n team members through Bulk
// API 2.0 (50,000 by default); a list first counts its members.
func WithBulkThreshold(n int) Option {
	return positive("WithBulkThreshold", n, func(c *config) { c.bulkThreshold = n })
}

// WithBulkMaxRecords sets the maxRecords of each Bulk result set (20,000
// by default).
func WithBulkMaxRecords(n int) Option {
	return positive("WithBulkMaxRecords", n, func(c *config) { c.bulkMaxRecords = n })
}

// positive is an option that needs n > 0 and then calls set.
func positive(name string, n int, set func(*config)) Option {
	return func(c *config) error {
		if n <= 0 {
			return fmt.Errorf("sagepeople: %s(%d): must be positive", name, n)
		}
		set(c)
		return nil
	}
}

// WithBulkPoll sets the back-off of a Bulk job's polls: first after min,
// doubling up to max (1 s and 30 s by default).
func WithBulkPoll(min, max time.Duration) Option {
	return func(c *config) error {
		if min <= 0 || max < min {
			return fmt.Errorf("sagepeople: WithBulkPoll(%v, %v): need 0 < min <= max", min, max)
		}
		c.pollMin, c.pollMax = min, max
		return nil
	}
}

// WithProgress calls f as a list advances: the members read so far and the
// total Salesforce announced (-1 when unknown).
func WithProgress(f func(done, total int)) Option {
	return func(c *config) error { c.progress = f; return nil }
}

// jwtBearer runs the JWT bearer flow and keeps the session it gets.
type jwtBearer struct {
	clientID, username, audience string
	key                          *rsa.PrivateKey
	now                          func() time.Time

	mu       sync.Mutex
	token    string
	instance string
}

// sessionAuth sends the session token the client obtained. It is not a
// transport.Invalidator: the client itself renews a refused session, so
// that the token endpoint's errors keep their type.
type sessionAuth struct{ j *jwtBearer }

func (a sessionAuth) Authorize(_ context.Context, req *http.Request) error {
	a.j.mu.Lock()
	tok := a.j.token
	a.j.mu.Unlock()
	if tok == "" {
		return errors.New("no session: the token was refused")
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// tokenAnswer is the token endpoint's answer.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	InstanceURL string `json:"instance_url"`
	TokenType   string `json:"token_type"`
}

// session returns the session token and instance URL, asking the login host
// for them when there is none.
func (c *Client) session(ctx context.Context) (string, string, error) {
	j := c.jwt
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.token != "" {
		return j.token, j.instance, nil
	}
	const op = "Token"
	claims := jwt.MapClaims{"iss": j.clientID, "sub": j.username, "aud": j.audience,
		"exp": j.now().Add(assertionLifetime).Unix()}
	assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(j.key)
	if err != nil {
		return "", "", &APIError{Package: pkg, Op: op, Kind: ErrInvalid, Message: "signing the JWT assertion: " + err.Error()}
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}
	resp, err := c.login.Do(ctx, &transport.Request{Method: http.MethodPost, Path: "/services/oauth2/token",
		Header:     http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}},
		Body:       []byte(form.Encode()),
		Idempotent: true, // a token request changes nothing: it may be sent again
		NoAuth:     true})
	if err != nil {
		err = wrap(op, err)
		var e *APIError
		if errors.As(err, &e) {
			e.Message = strings.ReplaceAll(e.Message, assertion, transport.Redacted)
			if e.StatusCode == http.StatusBadRequest && e.Code != "" {
				e.Kind = ErrUnauthorized
			}
		}
		return "", "", err
	}
	if err := apierr.CheckContent(pkg, op, resp, "JSON"); err != nil {
		return "", "", err
	}
	var ta tokenAnswer
	if err := transport.DecodeJSON(resp, &ta); err != nil {
		return "", "", &APIError{Package: pkg, Op: op, Method: http.MethodPost, Kind: ErrUnexpectedContent, Err: err}
	}
	bad := func(msg string) error {
		return &APIError{Package: pkg, Op: op, Method: http.MethodPost, URL: resp.Request.URL.Redacted(),
			StatusCode: resp.StatusCode, Kind: ErrUnexpectedContent, Message: msg}
	}
	switch {
	case ta.AccessToken == "":
		return "", "", bad("the token answer has no access_token")
	case ta.InstanceURL == "":
		return "", "", bad("the token answer has no instance_url: the client cannot know where the org is")
	case ta.TokenType != "" && !strings.EqualFold(ta.TokenType, "Bearer"):
		return "", "", bad(fmt.Sprintf("the token answer's token_type %q is not Bearer", ta.TokenType))
	}
	if u, err := url.Parse(ta.InstanceURL); err != nil || u.Host == "" || u.RawQuery != "" || (u.Scheme != "https" && !(u.Scheme == "http" && c.tc.AllowHTTP)) {
		return "", "", bad(fmt.Sprintf("the token answer's instance_url %q is not an https URL", apierr.Snippet(ta.InstanceURL)))
	}
	j.token, j.instance = ta.AccessToken, ta.InstanceURL
	return j.token, j.instance, nil
}

// forget drops the session token tok, if it is still the current one, so
// that the next call asks for a new one.
func (j *jwtBearer) forget(tok string) {
	j.mu.Lock()
	if j.token == tok {
		j.token = ""
	}
	j.mu.Unlock()
}

// api returns the transport of the org's instance and the session token it
// will send ("" with WithTokenSource).
func (c *Client) api(ctx context.Context) (*transport.Client, string, error) {
	if c.jwt == nil {
		return c.inst, "", nil
	}
	tok, instance, err := c.session(ctx)
	if err != nil {
		return nil, "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inst == nil || c.instURL != instance {
		cfg := c.tc
		cfg.BaseURL = instance
		tc, err := transport.New(cfg)
		if err != nil {
			return nil, "", &APIError{Package: pkg, Op: "Token", Kind: ErrUnexpectedContent, Err: err}
		}
		c.inst, c.instURL = tc, instance
	}
	return c.inst, tok, nil
}

// do sends r to the org's instance. A 401 INVALID_SESSION_ID makes it ask
// for a new session and send r once more. The answer's body is checked to
// be no HTML page.
func (c *Client) do(ctx context.Context, op string, r *transport.Request, want string) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		tc, tok, err := c.api(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := tc.Do(ctx, r)
		if err != nil {
			err = wrap(op, err)
			if attempt == 0 && c.jwt != nil && sessionExpired(err) {
				c.jwt.forget(tok)
				continue
			}
			return nil, err
		}
		if err := apierr.CheckContent(pkg, op, resp, want); err != nil {
			return nil, err
		}
		return resp, nil
	}
}

// path returns the REST path of the client's API version under
// /services/data.
func (c *Client) path(elem ...string) string {
	return "/services/data/" + c.version + "/" + strings.Join(elem, "/")
}
