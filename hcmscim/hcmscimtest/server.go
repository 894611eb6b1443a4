// Package hcmscimtest is a fake of Oracle HCM's SCIM API (/hcmRestApi/scim)
// for tests, in the manner of net/http/httptest: NewServer starts it on
// loopback, in memory, and closes it when the test ends; Start runs one
// from any program (an example, a tool another team develops against),
// until Close. It behaves as Oracle's documents and samples describe (see
// docs/hcmscim.md in the repository for the facts and their sources):
//
//   - Users: list with filter, attributes, excludedAttributes, startIndex
//     and count, get, create, PATCH with a partial resource, and PUT and
//     DELETE (204) for RFC clients; faUser extension with the worker's
//     person number, manager, job, business unit and department;
//     timestamps as "yyyy-MM-dd HH:mm:ss.SSS"; list answers without
//     totalResults.
//   - Roles: list and get; PATCH of members with "operation": "ADD" or
//     "REMOVE", answered 204; the users' roles follow.
//   - Bulk: each operation carried out and given its own status, in
//     Oracle's {"code": "500", "description": "..."} form; Server.FailBulk
//     makes chosen operations fail as Oracle's PER_IIP_2410 example does.
//   - Discovery: /ServiceProviderConfig, /ResourceTypes and /Schemas, with
//     RFC 7643's URNs; POST /.search answers 501.
//   - Filters parsed by a real parser (RFC 7644's grammar) and evaluated on
//     the attributes the fake serves; anything else is refused with 400 and
//     scimType invalidFilter, as an RFC 7644 server does.
//   - Authentication: HTTP Basic (Server.Username and Server.Password), an
//     OAuth bearer token (Server.Token, WithBearerToken; another token is
//     refused with 401 "Invalid bearer token") and, with WithFusionJWT,
//     Oracle Fusion JWTs checked as a pod checks them. WithTLS serves HTTPS;
//     RootCAs is the pool for hcmscim.WithRootCAs.
//   - WithDialect(hcmscim.DialectStandard) makes it an RFC 7643/7644 server
//     instead: urn:ietf:params:scim URNs, ListResponse with totalResults,
//     PatchOp (paths qualified by a schema URN accepted; name and active
//     removable), roles as multi-valued attributes with value and display,
//     BulkRequest/BulkResponse.
//   - Faults (an *fault.Injector) makes it misbehave on command;
//     WithStartIndexIgnored answers every startIndex with the first page,
//     and WithMaxCount below the client's count sends short pages, as
//     third-party servers do.
//
// Where the documents are silent the fake chooses, and says so: errors use
// RFC 7644's Error message in both dialects (Oracle documents none); a
// PATCH of emails replaces the address of the same type and keeps the
// others; the largest page is 500 (WithMaxCount); a Bulk request holds at
// most 1000 operations (WithMaxBulkOperations).
package hcmscimtest

import (
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/internal/fault"
	"github.com/hrbridge/hrbridge/internal/fusionjwt"
)

// Fault is a misbehaviour to push onto Server.Faults.
type Fault = fault.Fault

// Default credentials of a server started without WithBasicAuth,
// WithBearerToken or WithFusionJWT.
const (
	DefaultUsername = "EMS_INTEGRATION"
	DefaultPassword = "fake-Welcome1-password"
	DefaultToken    = "fake-Oauth2-access-token"
)

// Defaults of the fake's limits.
const (
	DefaultMaxCount          = 500
	DefaultMaxBulkOperations = 1000
	maxRequestBody           = 4 << 20
)

// Request is a request the fake received (after Faults let it through).
type Request struct {
	Method string
	Path   string // under the SCIM root, e.g. "/Users/FE8B..."
	Query  url.Values
	Header http.Header
	Body   []byte
}

// Server is a running fake.
type Server struct {
	// URL is the server's root (http://127.0.0.1:port); the API is at URL +
	// hcmscim.DefaultPath, which hcmscim.NewClient adds to a URL without a path.
	URL string
	// Faults wraps the fake: push faults onto it to make the next requests
	// fail.
	Faults *fault.Injector
	// Username and Password are the Basic credentials the fake accepts
	// (empty when it accepts only JWTs).
	Username, Password string
	// Token is the OAuth bearer token the fake accepts, for
	// hcmscim.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken:
	// srv.Token})); empty when it accepts only Fusion JWTs.
	Token string

	dialect     hcmscim.Dialect
	verifier    *fusionjwt.Verifier
	maxCount    int
	maxBulkOps  int
	now         func() time.Time
	srv         *httptest.Server
	base        string // URL + DefaultPath
	basicGiven  bool
	tokenGiven  bool
	noBasicAuth bool
	tls         bool
	samePage    bool

	mu           sync.Mutex
	st           store
	requests     []Request
	bulkFailures []*bulkFailure
}

// Option configures a Server.
type Option func(*Server)

// WithDialect makes the fake speak d (DialectOracle by default;
// DialectAuto means Oracle too).
func WithDialect(d hcmscim.Dialect) Option { return func(s *Server) { s.dialect = d } }

// WithBasicAuth sets the Basic credentials the fake accepts.
func WithBasicAuth(user, password string) Option {
	return func(s *Server) { s.Username, s.Password, s.basicGiven = user, password, true }
}

// WithBearerToken sets the OAuth bearer token the fake accepts (Token),
// the server side of hcmscim.WithTokenSource. Another bearer token is
// refused with 401 "Invalid bearer token".
func WithBearerToken(token string) Option {
	return func(s *Server) { s.Token, s.tokenGiven = token, true }
}

// WithFusionJWT makes the fake accept Fusion JWTs whose iss is issuer and
// whose x5t names cert, as a pod with that API Authentication provider
// does. Unless WithBasicAuth or WithBearerToken is given too, Basic
// credentials and other bearer tokens are then refused.
func WithFusionJWT(issuer string, cert *x509.Certificate) Option {
	return func(s *Server) {
		s.verifier = &fusionjwt.Verifier{Issuer: issuer, Certs: []*x509.Certificate{cert}}
		s.noBasicAuth = true
	}
}

// WithMaxCount sets the largest page the fake returns (500 by default); a
// larger count is cut to it.
func WithMaxCount(n int) Option { return func(s *Server) { s.maxCount = n } }

// WithMaxBulkOperations sets how many operations a Bulk request may hold
// (1000 by default); more are refused with 413.
func WithMaxBulkOperations(n int) Option { return func(s *Server) { s.maxBulkOps = n } }

// WithClock sets the fake's clock (the meta timestamps).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTLS serves HTTPS with a certificate of its own; give the client
// hcmscim.WithRootCAs(srv.RootCAs()).
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// WithStartIndexIgnored makes the fake answer every list request with its
// first page, whatever startIndex asks for, while echoing the startIndex
// asked for, as a server met in the field does: a client that does not
// notice pages it has already read never ends its list.
func WithStartIndexIgnored() Option { return func(s *Server) { s.samePage = true } }

// NewServer starts a fake and closes it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake outside a test, for an example or a program that runs
// on the fakes; call Close when done.
func Start(opts ...Option) (*Server, error) {
	s := &Server{
		Faults:     fault.New(),
		Username:   DefaultUsername,
		Password:   DefaultPassword,
		Token:      DefaultToken,
		dialect:    hcmscim.DialectOracle,
		maxCount:   DefaultMaxCount,
		maxBulkOps: DefaultMaxBulkOperations,
		now:        time.Now,
		st:         newStore(),
	}
	for _, o := range opts {
		o(s)
	}
	switch {
	case s.dialect == hcmscim.DialectAuto:
		s.dialect = hcmscim.DialectOracle
	case s.dialect != hcmscim.DialectOracle && s.dialect != hcmscim.DialectStandard:
		return nil, fmt.Errorf("hcmscimtest: unknown dialect %v", s.dialect)
	case s.maxCount < 1 || s.maxBulkOps < 1:
		return nil, fmt.Errorf("hcmscimtest: the largest page (%d) and Bulk request (%d) must hold at least one", s.maxCount, s.maxBulkOps)
	case s.basicGiven && (s.Username == "" || s.Password == ""):
		return nil, fmt.Errorf("hcmscimtest: WithBasicAuth needs a user name and a password")
	case s.tokenGiven && s.Token == "":
		return nil, fmt.Errorf("hcmscimtest: WithBearerToken needs a token")
	}
	if s.noBasicAuth && !s.basicGiven {
		s.Username, s.Password = "", ""
	}
	if s.noBasicAuth && !s.tokenGiven {
		s.Token = ""
	}
	s.srv = httptest.NewUnstartedServer(s.Faults.Wrap(http.HandlerFunc(s.serve)))
	if s.tls {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL
	s.base = s.URL + hcmscim.DefaultPath
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// RootCAs returns a pool holding the certificate of a server started
// WithTLS, for hcmscim.WithRootCAs; nil for a plain HTTP server.
func (s *Server) RootCAs() *x509.CertPool {
	if !s.tls {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.srv.Certificate())
	return pool
}

// Dialect returns the dialect the fake speaks.
func (s *Server) Dialect() hcmscim.Dialect { return s.dialect }

// Requests returns the requests the fake received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// scimError is a SCIM error answer.
type scimError struct {
	status   int
	scimType string
	detail   string
}

func (e *scimError) Error() string { return e.detail }

func errorf(status int, scimType, format string, args ...any) *scimError {
	return &scimError{status: status, scimType: scimType, detail: fmt.Sprintf(format, args...)}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		s.writeError(w, errorf(http.StatusBadRequest, "", "reading the request: %v", err))
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, hcmscim.DefaultPath)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
	s.mu.Unlock()
	switch {
	case !ok:
		s.writeError(w, errorf(http.StatusNotFound, "", "no resource at %s", r.URL.Path))
		return
	case len(body) > maxRequestBody:
		s.writeError(w, errorf(http.StatusRequestEntityTooLarge, "tooLarge", "the request body exceeds %d bytes", maxRequestBody))
		return
	}
	if err := s.authenticate(r); err != nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="hcmRestApi"`)
		s.writeError(w, err)
		return
	}
	if len(body) > 0 {
		ct := strings.ToLower(r.Header.Get("Content-Type"))
		if !strings.HasPrefix(ct, "application/json") && !strings.HasPrefix(ct, "application/scim+json") {
			s.writeError(w, errorf(http.StatusUnsupportedMediaType, "", "Content-Type %q is not JSON", ct))
			return
		}
	}
	status, out, loc, serr := s.route(r.Method, path, r.URL.Query(), body)
	if serr != nil {
		s.writeError(w, serr)
		return
	}
	if loc != "" {
		w.Header().Set("Location", loc)
	}
	if out == nil {
		w.WriteHeader(status)
		return
	}
	writeJSON(w, status, out)
}

// route dispatches a request under the SCIM root; Bulk operations go
// through it too.
func (s *Server) route(method, path string, q url.Values, body []byte) (int, any, string, *scimError) {
	kind, id, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if strings.Contains(id, "/") {
		return 0, nil, "", errorf(http.StatusNotFound, "", "no resource at %s", path)
	}
	switch {
	case method == http.MethodPost && (kind == ".search" || id == ".search"):
		// RFC 7644 section 3.4.3: a server that does not support it
		// answers 501.
		return 0, nil, "", errorf(http.StatusNotImplemented, "", "POST %s is not supported: query with GET", path)
	case kind == "Users" && id == "" && method == http.MethodGet:
		return s.listUsers(q)
	case kind == "Users" && id == "" && method == http.MethodPost:
		return s.locked(func() (int, any, string, *scimError) { return s.createUserLocked(body) })
	case kind == "Users" && id != "" && method == http.MethodGet:
		return s.getUser(id, q)
	case kind == "Users" && id != "" && method == http.MethodPatch:
		return s.locked(func() (int, any, string, *scimError) { return s.patchUserLocked(id, body) })
	case kind == "Users" && id != "" && method == http.MethodPut:
		return s.locked(func() (int, any, string, *scimError) { return s.putUserLocked(id, body) })
	case kind == "Users" && id != "" && method == http.MethodDelete:
		return s.locked(func() (int, any, string, *scimError) { return s.deleteUserLocked(id) })
	case kind == "Roles" && id == "" && method == http.MethodGet:
		return s.listRoles(q)
	case kind == "Roles" && id != "" && method == http.MethodGet:
		return s.getRole(id, q)
	case kind == "Roles" && id != "" && method == http.MethodPatch:
		return s.locked(func() (int, any, string, *scimError) { return s.patchRoleLocked(id, body) })
	case kind == "Bulk" && id == "" && method == http.MethodPost:
		return s.bulk(body)
	case (kind == "Schemas" || kind == "ResourceTypes" || kind == "ServiceProviderConfig") && method == http.MethodGet:
		return s.discovery(kind, id, q)
	case kind == "Users" || kind == "Roles" || kind == "Bulk" || kind == "Schemas" || kind == "ResourceTypes" || kind == "ServiceProviderConfig":
		return 0, nil, "", errorf(http.StatusMethodNotAllowed, "", "%s is not allowed on %s", method, path)
	}
	return 0, nil, "", errorf(http.StatusNotFound, "", "no resource at %s", path)
}

// locked runs a change with the server's lock held.
func (s *Server) locked(change func() (int, any, string, *scimError)) (int, any, string, *scimError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return change()
}

// authenticate checks Basic credentials, a bearer token or a Fusion JWT.
func (s *Server) authenticate(r *http.Request) *scimError {
	h := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	switch {
	case strings.EqualFold(scheme, "Basic") && s.Username != "":
		if u, p, ok := r.BasicAuth(); ok && u == s.Username && p == s.Password {
			return nil
		}
	case strings.EqualFold(scheme, "Bearer") && (s.Token != "" || s.verifier != nil):
		if s.Token != "" && cred == s.Token {
			return nil
		}
		if s.verifier != nil {
			if _, err := s.verifier.Verify(cred); err == nil {
				return nil
			}
		}
		return errorf(http.StatusUnauthorized, "", "Invalid bearer token")
	}
	return errorf(http.StatusUnauthorized, "", "authentication failed")
}
