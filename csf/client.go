package csf

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/internal/soap"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// The namespaces of the seed's samples. The five operations of CSF 2.0 are in
// NamespaceIdentityManager20, the four CSF 2.5 added in
// NamespaceIdentityManager21, the filters in NamespaceUtilities.
const (
	NamespaceIdentityManager20 = "http://www.microsoft.com/csf/20/IdentityManager"
	NamespaceIdentityManager21 = "http://www.microsoft.com/csf/21/IdentityManager"
	NamespaceUtilities         = "http://www.microsoft.com/csf/21/Utilities"
)

// Client calls the UserManager endpoint of a CSF Identity Manager (or the
// aggregate IdentityManager endpoint, which serves the same methods). It is
// safe for concurrent use.
type Client struct {
	cfg      config
	t        *transport.Client
	soap     *soap.Client
	endpoint string // the endpoint URL, sent as wsa:To
}

type config struct {
	tc           transport.Config
	user, pass   string
	basic        bool
	namespace    string // when set, every operation is sent in it
	noEchoCheck  bool
	pageSize     int
	newRequestID func() string
}

// An Option configures a Client.
type Option func(*config) error

// WithUsernameToken authenticates the caller with a WS-Security 1.0
// UsernameToken (PasswordText) in the SOAP header of every call, as WSE 2.0
// services such as CSF's take it. The seed does not say how CSF
// authenticates callers: this is the default way, and WithBasicAuth the
// other. The password never appears in an error or a log record.
func WithUsernameToken(username, password string) Option {
	return func(c *config) error {
		if username == "" || password == "" {
			return errors.New("csf: WithUsernameToken: the user name and the password must not be empty")
		}
		if c.user != "" {
			return errors.New("csf: WithUsernameToken: the client already has credentials")
		}
		c.user, c.pass = username, password
		return nil
	}
}

// WithBasicAuth authenticates the caller with HTTP Basic instead of a
// WS-Security header, for an endpoint behind IIS Basic authentication.
func WithBasicAuth(username, password string) Option {
	return func(c *config) error {
		if username == "" || password == "" {
			return errors.New("csf: WithBasicAuth: the user name and the password must not be empty")
		}
		if c.user != "" {
			return errors.New("csf: WithBasicAuth: the client already has credentials")
		}
		c.user, c.pass, c.basic = username, password, true
		return nil
	}
}

// WithNamespace sends every operation in the IdentityManager namespace ns
// instead of the seed's: csf/20 for CreateUser, DeleteUser, ReadUser,
// UpdateUser and UserInGroup, csf/21 for the others. The seed's samples use
// both; an installation whose WSDL says otherwise is followed with this.
func WithNamespace(ns string) Option {
	return func(c *config) error {
		if !strings.Contains(ns, ":") || strings.ContainsAny(ns, " \t\r\n<>\"") {
			return fmt.Errorf("csf: WithNamespace(%q): not a namespace URI", ns)
		}
		c.namespace = ns
		return nil
	}
}

// WithoutEchoCheck accepts responses that do not echo the RequestContext the
// client sent. By default a response with another RequestContext, or none,
// is refused (ErrUnexpectedContent): the seed says the context is "returned
// in the response to a request", and an answer without it may belong to
// another request.
func WithoutEchoCheck() Option {
	return func(c *config) error {
		c.noEchoCheck = true
		return nil
	}
}

// WithPageSize sets how many users a ReadUsers page asks for (default 100).
func WithPageSize(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return fmt.Errorf("csf: WithPageSize(%d): must be at least 1", n)
		}
		c.pageSize = n
		return nil
	}
}

// WithHTTPClient sends requests through a copy of hc (its Transport and
// Timeout). The default is a pooled keep-alive client.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.tc.SetHTTPClient(hc) }
}

// WithRetry sets how many more attempts a request that is safe to repeat
// gets (0 turns retries off) and the longest wait between attempts, which
// also caps a server's Retry-After. Reads (ReadUser, ReadUsers, UserInGroup)
// are retried on 429, 502, 503, 504, broken connections and the result codes
// 30001 (system exception) and 30029 (domain controller unreachable); a
// write only on 429, which a server answers without acting: it is never sent
// twice behind the caller's back. The default is 3 retries, 30 s.
func WithRetry(retries int, maxWait time.Duration) Option {
	return func(c *config) error { return c.tc.SetRetry(retries, maxWait) }
}

// WithLogger sends debug records of each attempt to l. Secrets are redacted.
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

// WithRootCAs trusts only the certificate authorities of pool (a company CA,
// the csftest fake's).
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *config) error { return c.tc.SetRootCAs(pool) }
}

// WithInsecureHTTP allows a plain http:// endpoint, for the csftest fake on
// loopback. Credentials then cross the wire unencrypted.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.tc.AllowHTTP = true
		return nil
	}
}

// DefaultPageSize is how many users a ReadUsers page asks for.
const DefaultPageSize = 100

// NewClient returns a client of the UserManager endpoint at endpointURL, such
// as "https://csf.example.com/IdentityManager/UserManager.asmx": every call
// is posted to it. The options must give credentials (WithUsernameToken or
// WithBasicAuth).
func NewClient(endpointURL string, opts ...Option) (*Client, error) {
	cfg := config{pageSize: DefaultPageSize, newRequestID: newRequestID}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.user == "" {
		return nil, errors.New("csf: NewClient: no credentials: use WithUsernameToken or WithBasicAuth")
	}
	tc := cfg.tc
	tc.BaseURL, tc.Secrets = endpointURL, []string{cfg.pass}
	if cfg.basic {
		tc.Auth = transport.Basic(cfg.user, cfg.pass)
	}
	t, err := transport.New(tc)
	if err != nil {
		return nil, fmt.Errorf("csf: %s", strings.TrimPrefix(err.Error(), "hrbridge: "))
	}
	return &Client{cfg: cfg, t: t, soap: soap.New(t, ""), endpoint: t.BaseURL().String()}, nil
}

// newRequestID returns a fresh RequestContext: 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return "hrbridge-" + hex.EncodeToString(b[:])
}

// An operation is one of the nine methods, with what the wire needs of it.
type operation struct {
	method string // the seed's method name: CreateUser, ...
	elem   string // the request element of the seed's sample
	ns     string // the namespace of the seed's sample
	read   bool   // safe to send again
}

var (
	opCreateUser     = operation{"CreateUser", "UserManagerCreate", NamespaceIdentityManager20, false}
	opDeleteUser     = operation{"DeleteUser", "UserManagerDelete", NamespaceIdentityManager20, false}
	opReadUser       = operation{"ReadUser", "UserManagerRead", NamespaceIdentityManager20, true}
	opReadUsers      = operation{"ReadUsers", "UserManagerReadUsers", NamespaceIdentityManager21, true}
	opUpdateUser     = operation{"UpdateUser", "UserManagerUpdate", NamespaceIdentityManager20, false}
	opUpdateUsers    = operation{"UpdateUsers", "UserManagerUpdateUsers", NamespaceIdentityManager21, false}
	opUserInGroup    = operation{"UserInGroup", "UserManagerInGroup", NamespaceIdentityManager20, true}
	opUpdatePassword = operation{"UpdatePassword", "UserManagerUpdatePassword", NamespaceIdentityManager21, false}
	opSetPassword    = operation{"SetPassword", "UserManagerSetPassword", NamespaceIdentityManager21, false}
)

func (c *Client) namespace(op operation) string {
	if c.cfg.namespace != "" {
		return c.cfg.namespace
	}
	return op.ns
}

// result is what every response carries.
type result interface {
	Outcome() (requestContext string, code *int32, message string)
}

// call sends one operation: body is the generated request (its element name
// and namespace are the operation's), out the generated response. It checks
// the echo of requestContext and the ResultCode, and retries a read that
// failed with a retryable code. secrets are values of this call (a user's
// password) to keep out of errors.
func (c *Client) call(ctx context.Context, op operation, requestContext string, body any, out result, secrets ...string) error {
	ns := c.namespace(op)
	call := soap.Call{
		Action:     ns + "/" + op.method,
		Header:     c.header(ns + "/" + op.method),
		Body:       renamed{v: body, name: xml.Name{Space: ns, Local: op.elem}},
		Idempotent: op.read,
	}
	retries, waitMin, waitMax := c.resultRetries(op)
	for attempt := 0; ; attempt++ {
		err := c.soap.Do(ctx, call, &anyRoot{out})
		if err != nil {
			return c.apiError(op, err, secrets)
		}
		err = c.check(op, requestContext, out, secrets)
		if err == nil || attempt >= retries || !retryable(err) {
			if e, ok := err.(*APIError); ok {
				e.Attempts = attempt + 1
			}
			return err
		}
		wait := transport.Backoff(waitMin, waitMax, attempt, nil)
		select {
		case <-ctx.Done():
			return c.apiError(op, ctx.Err(), secrets)
		case <-time.After(wait):
		}
	}
}

// resultRetries returns how many times a failed result code may be retried,
// and the back-off bounds: the transport's, for reads only.
func (c *Client) resultRetries(op operation) (int, time.Duration, time.Duration) {
	if !op.read {
		return 0, 0, 0
	}
	retries := c.cfg.tc.Retries
	switch {
	case retries == 0:
		retries = transport.DefaultRetries
	case retries < 0:
		retries = 0
	}
	waitMin, waitMax := c.cfg.tc.WaitMin, c.cfg.tc.WaitMax
	if waitMax == 0 {
		waitMax = transport.DefaultWaitMax
	}
	if waitMin == 0 {
		waitMin = min(transport.DefaultWaitMin, waitMax)
	}
	return retries, waitMin, waitMax
}

// check turns a response's RequestContext and ResultCode into an error.
func (c *Client) check(op operation, requestContext string, out result, secrets []string) error {
	echo, code, msg := out.Outcome()
	if !c.cfg.noEchoCheck && echo != requestContext {
		what := fmt.Sprintf("the response's RequestContext is %q, not the %q sent", truncate(echo, 80), requestContext)
		if echo == "" {
			what = fmt.Sprintf("the response does not echo the RequestContext %q sent (WithoutEchoCheck accepts that)", requestContext)
		}
		return &APIError{Package: "csf", Op: op.method, Method: http.MethodPost, URL: c.endpoint, StatusCode: http.StatusOK,
			Kind: ErrUnexpectedContent, Err: ErrUnexpectedContent, Message: what}
	}
	if code == nil {
		return &APIError{Package: "csf", Op: op.method, Method: http.MethodPost, URL: c.endpoint, StatusCode: http.StatusOK,
			Kind: ErrUnexpectedContent, Err: ErrUnexpectedContent, Message: "the response has no ResultCode"}
	}
	if *code == 0 {
		return nil
	}
	return c.resultError(op, int(*code), msg, secrets)
}

// apiError turns an error of the SOAP layer or the transport into an
// *APIError.
func (c *Client) apiError(op operation, err error, secrets []string) error {
	var f *soap.Fault
	if errors.As(err, &f) {
		e := &APIError{Package: "csf", Op: op.method, Method: http.MethodPost, URL: c.endpoint, StatusCode: f.HTTPStatus,
			Code: strings.TrimSpace(f.Code), Message: redact(c.t.Redact(truncate(strings.TrimSpace(f.String), 512)), secrets)}
		switch local := f.Code[strings.LastIndex(f.Code, ":")+1:]; {
		case f.UnknownAction():
			// ASMX's answer to an operation it does not have, as cmo's.
			e.Kind = ErrNotFound
		case local == "Client":
			e.Kind, e.Err = ErrInvalid, ErrInvalid
		}
		return e
	}
	var he *transport.HTTPError
	var ce *transport.ConnError
	var tooLarge *transport.BodyTooLargeError
	if errors.As(err, &he) || errors.As(err, &ce) || errors.As(err, &tooLarge) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		e := fromTransport(op.method, err)
		if ae, ok := e.(*APIError); ok {
			ae.Message = redact(ae.Message, secrets)
		}
		return e
	}
	// What is left is a response that is not the SOAP envelope expected.
	msg := redact(c.t.Redact(strings.TrimPrefix(err.Error(), "hrbridge: soap "+c.namespace(op)+"/"+op.method+": ")), secrets)
	return &APIError{Package: "csf", Op: op.method, Method: http.MethodPost, URL: c.endpoint, StatusCode: http.StatusOK,
		Kind: ErrUnexpectedContent, Err: ErrUnexpectedContent, Message: msg}
}

// redact removes the values of one call (a user's password) from s.
func redact(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, "[REDACTED]")
		}
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// renamed marshals v as the element name, whatever v's XMLName says: the
// generated request types carry the seed's namespace, which WithNamespace
// may change.
type renamed struct {
	v    any
	name xml.Name
}

func (r renamed) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return e.EncodeElement(r.v, xml.StartElement{Name: r.name})
}

// anyRoot decodes a response element into v whatever its name and
// namespace: the seed shows no response, so their names are inferred, and
// the client reads the content it needs.
type anyRoot struct{ v result }

func (a *anyRoot) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	start.Name = xmlNameOf(a.v)
	return d.DecodeElement(a.v, &start)
}

// xmlNameOf returns the element name in the XMLName tag of a generated
// type.
func xmlNameOf(v any) xml.Name {
	f, _ := reflect.TypeOf(v).Elem().FieldByName("XMLName")
	tag, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
	if ns, local, ok := strings.Cut(tag, " "); ok {
		return xml.Name{Space: ns, Local: local}
	}
	return xml.Name{Local: tag}
}
