package cmo

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/soap"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// The operations of HRImport.asmx.
const (
	// OpUserControlledImport is the users import of the seed's example call
	// and sample responses; the default of ImportUsers and UpdateUsers.
	OpUserControlledImport = "UserControlledImport"
	// OpUserImport is the users import the seed's text names.
	OpUserImport = "UserImport"
	// OpAsyncUsersImport is the users import of the seed's users schema.
	OpAsyncUsersImport = "AsyncUsersImport"
	// OpAsyncGroupsImport imports org units.
	OpAsyncGroupsImport = "AsyncGroupsImport"
	// OpAsyncAuditeesImport is the default name of the entities import,
	// which the seed does not give: a guess, from CMO's word for entities,
	// "auditees" (CmoAuditeeFeed), and the two other imports' names. Read
	// the tenant's real one in its WSDL (the <wsdl:operation name="...">
	// elements of HRImport.asmx?WSDL) and set it with WithEntitiesOperation;
	// a wrong one fails with ErrNotFound.
	OpAsyncAuditeesImport = "AsyncAuditeesImport"
)

// Endpoint paths, relative to the tenant's base URL.
const (
	// ServicePath is the path of the HR import web service.
	ServicePath = "/webservice/HRImport.asmx"
	// TokenPath is the path of the export API's token endpoint.
	TokenPath = "/api/token"
	// ExportUsersPath is the path of the export API's users endpoint.
	ExportUsersPath = "/api/export/exportusers"
)

// Defaults.
const (
	// DefaultBatchSize is how many records one import call carries.
	DefaultBatchSize = 500
	// DefaultTokenLifetime is the lifetime assumed for an export API token
	// without an exp claim: the server's default Authentication.Jwt.Expire.
	DefaultTokenLifetime = 20 * time.Minute
	// maxBatchBytes bounds the payload of one call below ASP.NET's default
	// maxRequestLength of 4 MiB, whatever the batch size.
	maxBatchBytes = 3 << 20
	// tokenEarly is how long before its expiry a token is renewed.
	tokenEarly = 30 * time.Second
)

// Client calls one CMO Compliance tenant: the HR import web service
// (HRImport.asmx, SOAP 1.1) and the user export API (REST with a JWT). It is
// safe for concurrent use.
type Client struct {
	cfg        config
	t          *transport.Client
	soap       *soap.Client
	bearer     *transport.Bearer
	serviceURL string // the web service's URL, for errors
}

type config struct {
	login, password string
	tc              transport.Config // the common options

	batchSize     int
	usersOp       string
	entitiesOp    string
	asString      bool
	bare          bool
	words         boolWords
	progress      func(done, total int)
	tokenLifetime time.Duration
}

// An Option configures a Client.
type Option func(*config) error

// WithLogin sets the CMO login and password the client authenticates with:
// in the body of every import call (<web:login>, <web:password>) and to
// obtain export API tokens. Required: every call of both services needs
// them, so NewClient fails without it. Neither ever appears in an error or
// a log record.
func WithLogin(login, password string) Option {
	return func(c *config) error {
		if login == "" || password == "" {
			return errors.New("cmo: WithLogin: the login and the password must not be empty")
		}
		c.login, c.password = login, password
		return nil
	}
}

// WithHTTPClient sends requests through hc (copied, not changed), for its
// Transport and Timeout. The default is a pooled keep-alive client.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.tc.SetHTTPClient(hc) }
}

// WithRetry sets how many times a failed request may be sent again
// (WithRetry(0, ...) turns retries off) and the longest wait between attempts, which also caps a
// server's Retry-After. Reads (the export, tokens) are retried on 429, 502,
// 503, 504 and broken connections; an import call only on 429, which CMO
// answers without acting: it is never sent twice behind the caller's back.
// The default is 3 retries, 30 s.
func WithRetry(retries int, maxWait time.Duration) Option {
	return func(c *config) error { return c.tc.SetRetry(retries, maxWait) }
}

// WithLogger sends debug records of each request to l. Secrets are redacted.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.tc.SetLogger(l) }
}

// WithUserAgent puts ua before the SDK's own User-Agent token.
func WithUserAgent(ua string) Option {
	return func(c *config) error { return c.tc.SetUserAgent(ua) }
}

// WithMaxBodyBytes caps the size of a response body (default 32 MiB).
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error { return c.tc.SetMaxBodyBytes(n) }
}

// WithRootCAs makes the client trust only the certificate authorities of
// pool: a company's own CA, or a cmotest server's (Server.RootCAs).
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *config) error { return c.tc.SetRootCAs(pool) }
}

// WithInsecureHTTP allows a plain http:// base URL, for the cmotest fake on
// loopback and tests. Credentials then cross the wire unencrypted.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.tc.AllowHTTP = true
		return nil
	}
}

// WithBatchSize sets how many records one import call carries (default 500).
// A call is also kept under 3 MiB, below ASP.NET's default request limit.
func WithBatchSize(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("cmo: WithBatchSize(%d): must be at least 1", n)
		}
		c.batchSize = n
		return nil
	}
}

// WithUsersOperation chooses the operation ImportUsers and UpdateUsers call:
// OpUserControlledImport (the default, as in the seed's example call),
// OpUserImport or OpAsyncUsersImport.
func WithUsersOperation(op string) Option {
	return func(c *config) error {
		switch op {
		case OpUserControlledImport, OpUserImport, OpAsyncUsersImport:
			c.usersOp = op
			return nil
		}
		return fmt.Errorf("cmo: WithUsersOperation(%q): not %s, %s or %s", op, OpUserControlledImport, OpUserImport, OpAsyncUsersImport)
	}
}

// WithEntitiesOperation sets the name of the entities import operation, which
// the seed does not give; the default, OpAsyncAuditeesImport, is a guess.
// Read the real one from the tenant's WSDL (HRImport.asmx?WSDL, its
// <wsdl:operation> names). Its SOAPAction is Namespace + op. An operation the
// tenant does not have fails with ErrNotFound.
func WithEntitiesOperation(op string) Option {
	return func(c *config) error {
		if !xmlName(op) {
			return fmt.Errorf("cmo: WithEntitiesOperation(%q): not an operation name", op)
		}
		c.entitiesOp = op
		return nil
	}
}

// WithXMLDataAsString sends the xmlData payload as escaped text instead of
// inline XML, for a tenant whose WSDL types xmlData as s:string. The seed's
// example sends it inline, which is the default.
func WithXMLDataAsString() Option {
	return func(c *config) error {
		c.asString = true
		return nil
	}
}

// WithBareUsersPayload sends users as <Users xmlns=""><User>..., the form of
// the seed's users schema, instead of the default <CmoUserFeed
// xmlns="http://schemas.xmlsoap.org/soap/encoding/"><Users><User>... of its
// example call.
func WithBareUsersPayload() Option {
	return func(c *config) error {
		c.bare = true
		return nil
	}
}

// WithBoolWords sets the words a Yes/No field (EmailReminders, MobileAccess,
// IsADUser) is sent as. The default is "Yes" and "No", as the seed's field
// table asks; its example call sends "True".
func WithBoolWords(yes, no string) Option {
	return func(c *config) error {
		if strings.TrimSpace(yes) == "" || strings.TrimSpace(no) == "" || yes == no || !xmlText(yes) || !xmlText(no) {
			return fmt.Errorf("cmo: WithBoolWords(%q, %q): need two different, non-empty words", yes, no)
		}
		c.words = boolWords{yes, no}
		return nil
	}
}

// WithProgress calls f after each import call with the number of records
// sent so far and the total, for a progress bar or a log line.
func WithProgress(f func(done, total int)) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("cmo: WithProgress: nil function")
		}
		c.progress = f
		return nil
	}
}

// WithTokenLifetime sets the lifetime assumed for an export API token that
// carries no exp claim (default 20 minutes). A token with an exp claim is
// renewed shortly before it.
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("cmo: WithTokenLifetime(%v): must be positive", d)
		}
		c.tokenLifetime = d
		return nil
	}
}

// NewClient returns a client of the tenant at baseURL, such as
// "https://acme.cmo-compliance.com" (or "https://acme-staging..."). The
// options must include WithLogin. The base URL's path is the prefix of every
// request ("https://host/cmo" calls "https://host/cmo/webservice/HRImport.asmx");
// a base URL with a query or a fragment is refused, and so is http://
// without WithInsecureHTTP.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg := config{
		batchSize:     DefaultBatchSize,
		usersOp:       OpUserControlledImport,
		entitiesOp:    OpAsyncAuditeesImport,
		words:         boolWords{"Yes", "No"},
		tokenLifetime: DefaultTokenLifetime,
	}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, ownPrefix(err)
		}
	}
	if cfg.login == "" {
		return nil, errors.New("cmo: NewClient: no credentials: use WithLogin (the import and the export both need a CMO login and password)")
	}
	c := &Client{cfg: cfg}
	c.bearer = transport.NewBearer(c.fetchToken, tokenEarly)
	auth := apiAuth{b: c.bearer}
	if u, err := url.Parse(baseURL); err == nil {
		auth.prefix = strings.TrimSuffix(u.Path, "/") + "/api/"
	}
	tc := cfg.tc
	tc.BaseURL, tc.Auth, tc.Secrets = baseURL, auth, []string{cfg.login, cfg.password}
	t, err := transport.New(tc)
	if err != nil {
		return nil, ownPrefix(err)
	}
	c.t = t
	c.soap = soap.New(t, ServicePath)
	c.serviceURL = t.BaseURL().JoinPath(ServicePath).String()
	return c, nil
}

// apiAuth sends the export API's bearer token on the API's requests only:
// the import web service takes its credentials in the SOAP body.
type apiAuth struct {
	b      *transport.Bearer
	prefix string // the base URL's path followed by /api/
}

func (a apiAuth) Authorize(ctx context.Context, req *http.Request) error {
	if a.prefix == "" || !strings.HasPrefix(req.URL.Path, a.prefix) {
		return nil
	}
	return a.b.Authorize(ctx, req)
}

func (a apiAuth) Invalidate() { a.b.Invalidate() }

// ownPrefix gives an error of the shared layers (an option's setter, the
// transport), which start "hrbridge: ", the package's prefix instead.
func ownPrefix(err error) error {
	if msg, ok := strings.CutPrefix(err.Error(), "hrbridge: "); ok {
		return errors.New("cmo: " + msg)
	}
	return err
}

// apiError turns an error of the transport or the SOAP layer into an
// *APIError: a SOAP Fault with its faultcode and faultstring (an operation
// the service does not have is ErrNotFound), an HTTP error with its status
// and a snippet of its body, a request that got no answer with its cause.
func (c *Client) apiError(op string, err error) error {
	var f *soap.Fault
	if errors.As(err, &f) {
		e := &APIError{
			Package: pkg, Op: op, Method: http.MethodPost, URL: c.serviceURL,
			StatusCode: f.HTTPStatus, Code: strings.TrimSpace(f.Code), Message: apierr.Snippet(c.t.Redact(f.String)),
			Attempts: f.Attempts, RequestID: apierr.RequestID(f.Header),
		}
		if f.UnknownAction() {
			e.Kind = ErrNotFound
		}
		return e
	}
	var ae *APIError
	var he *transport.HTTPError
	var ce *transport.ConnError
	var tooLarge *transport.BodyTooLargeError
	if errors.As(err, &ae) || errors.As(err, &he) || errors.As(err, &ce) || errors.As(err, &tooLarge) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return apierr.FromTransport(pkg, op, err)
	}
	// What is left is an answer that is not the SOAP envelope expected
	// (garbled, cut off): it names the request, and the service answered.
	return &APIError{Package: pkg, Op: op, Method: http.MethodPost, URL: c.serviceURL, StatusCode: http.StatusOK,
		Kind: ErrUnexpectedContent, Err: ErrUnexpectedContent,
		Message: apierr.Snippet(strings.TrimPrefix(err.Error(), "hrbridge: soap "+Namespace+op+": "))}
}
