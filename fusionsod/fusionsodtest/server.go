// Package fusionsodtest is a fake of Oracle Fusion's Advanced Access
// Controls REST API (the segregation-of-duties analysis of role
// provisioning, and access incidents) for tests, in the manner of
// net/http/httptest: NewServer starts it on loopback, in memory; Start runs
// one outside a test, for examples and programs. It behaves as
// docs/fusionsod.md describes the API:
//
//   - runUserProvisioningAnalysis takes the map of roles under either name
//     (provisioningInfo or roleAndAttributes) with the ADF action content
//     type, and answers a request id; getRequestStatus takes the id as a
//     number or a string. By default the fake answers as the tutorial's
//     samples do ({"result": "1"}, "Job Completed>"); WithForm(FormReference)
//     makes it answer as Oracle's reference does ({"result": 1},
//     "Completed").
//   - An analysis moves Queued → Started → Completed over WithAnalysisTime
//     on the fake's clock (WithClock), or ends Failed (FailAnalyses). Its
//     results are the SoD controls (AddControl: two roles that conflict,
//     optionally only with some data access) that the roles asked for break,
//     counting the user's existing roles (AddUser), as Oracle says the
//     analysis does. They are listed by the finder
//     getUserProvisioningAnalysisIncidents;requestId=… with ADF limit,
//     offset, hasMore and totalResults.
//   - approveProvisioningRequest creates the incidents of the approved
//     roles' conflicts with the status Accepted; incidents are listed per
//     control with q (GlobalUserName, Role, Status), updated by PATCH
//     (Status, ResultInvestigator) and commented (UserComment, at most 2,000
//     characters).
//   - runUserRoleCheck answers "No Violations" or a map of the roles to add
//     to the role codes they conflict with.
//   - Authentication: HTTP Basic (Username, Password) and, with
//     WithFusionJWT, Oracle Fusion JWTs checked as a pod checks them.
//   - Faults (an *fault.Injector) makes it misbehave on command.
//
// Where the documents are silent the fake chooses, and says so: errors are
// ADF error documents ({"title", "detail", "o:errorCode"}); the fake knows
// no Security Console, so any user name and role code is accepted (a role's
// name is its code unless AddRole names it); approveProvisioningRequest
// takes the role code from each approvedRoles item's first string value
// (the item's fields are not documented) and answers {"result":
// "SUCCESS"}; the tutorial's form of the statuses other than Completed
// ("Job Queued>", "Job Started>", "Job Failed>") is inferred from its one
// sample.
package fusionsodtest

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/internal/fault"
	"github.com/hrbridge/hrbridge/internal/fusionjwt"
)

// Fault is a misbehaviour to push onto Server.Faults.
type Fault = fault.Fault

// Default credentials of a server started without WithBasicAuth or
// WithFusionJWT.
const (
	DefaultUsername = "SOD_INTEGRATION"
	DefaultPassword = "fake-Welcome1-password"
)

// Limits of the fake, as Oracle's ADF framework has them.
const (
	DefaultLimit   = 25  // items of a page when the request gives no limit
	MaxLimit       = 500 // the largest page
	maxRequestBody = 1 << 20
)

// Form is how the fake writes request ids and statuses.
type Form int

const (
	// FormSeed answers as the tutorial's samples: {"result": "1"} and
	// "Job Completed>". The default.
	FormSeed Form = iota
	// FormReference answers as Oracle's REST reference: {"result": 1} and
	// "Completed".
	FormReference
)

// Request is a request the fake received (after Faults let it through).
type Request struct {
	Method string
	Path   string // under fusionsod.DefaultPath, e.g. "/advancedControlsRolesProvisioning/action/getRequestStatus"
	Query  url.Values
	Header http.Header
	Body   []byte
}

// Server is a running fake.
type Server struct {
	// URL is the server's root; the API is at URL + fusionsod.DefaultPath,
	// which fusionsod.NewClient adds to a URL without a path.
	URL string
	// Username and Password are the Basic credentials the fake accepts
	// (empty when it accepts only JWTs).
	Username, Password string
	// Faults wraps the fake: push faults onto it to make the next requests
	// fail.
	Faults *fault.Injector

	form        Form
	analysis    time.Duration
	now         func() time.Time
	verifier    *fusionjwt.Verifier
	tls         bool
	basicGiven  bool
	noBasicAuth bool
	srv         *httptest.Server

	mu       sync.Mutex
	st       state
	requests []Request
}

// Option configures a Server.
type Option func(*Server)

// WithBasicAuth sets the Basic credentials the fake accepts.
func WithBasicAuth(user, password string) Option {
	return func(s *Server) { s.Username, s.Password, s.basicGiven = user, password, true }
}

// WithFusionJWT makes the fake accept Fusion JWTs whose iss is issuer and
// whose x5t names cert, as a pod with that API Authentication provider
// does. Unless WithBasicAuth is given too, Basic credentials are then
// refused.
func WithFusionJWT(issuer string, cert *x509.Certificate) Option {
	return func(s *Server) {
		s.verifier = &fusionjwt.Verifier{Issuer: issuer, Certs: []*x509.Certificate{cert}}
		s.noBasicAuth = true
	}
}

// WithClock sets the fake's clock: analyses' progress, incidents' and
// comments' dates, and the validity of JWTs.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithAnalysisTime sets how long an analysis runs on the fake's clock: it
// is Queued for the first half, Started for the second, then Completed (or
// Failed). Zero, the default, completes it at once.
func WithAnalysisTime(d time.Duration) Option { return func(s *Server) { s.analysis = d } }

// WithForm sets how the fake writes request ids and statuses (FormSeed by
// default). It reads both forms whatever this says.
func WithForm(f Form) Option { return func(s *Server) { s.form = f } }

// WithTLS serves HTTPS with a certificate of the fake's own; give the
// client RootCAs.
func WithTLS() Option { return func(s *Server) { s.tls = true } }

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
	s := &Server{Faults: fault.New(), Username: DefaultUsername, Password: DefaultPassword, now: time.Now, st: newState()}
	for _, o := range opts {
		o(s)
	}
	switch {
	case s.basicGiven && (s.Username == "" || s.Password == ""):
		return nil, fmt.Errorf("fusionsodtest: WithBasicAuth needs a user name and a password")
	case s.analysis < 0:
		return nil, fmt.Errorf("fusionsodtest: WithAnalysisTime(%v): negative", s.analysis)
	case s.form != FormSeed && s.form != FormReference:
		return nil, fmt.Errorf("fusionsodtest: WithForm(%d): unknown form", int(s.form))
	case s.now == nil:
		return nil, fmt.Errorf("fusionsodtest: WithClock(nil)")
	}
	if s.noBasicAuth && !s.basicGiven {
		s.Username, s.Password = "", ""
	}
	if s.verifier != nil {
		s.verifier.Now = s.now
	}
	s.srv = httptest.NewUnstartedServer(s.Faults.Wrap(http.HandlerFunc(s.serve)))
	if s.tls {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// RootCAs returns a pool holding the certificate of a fake started
// WithTLS, for the client's WithRootCAs; nil otherwise.
func (s *Server) RootCAs() *x509.CertPool {
	if !s.tls {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.srv.Certificate())
	return pool
}

// Requests returns the requests the fake received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// adfError is an error answer.
type adfError struct {
	status int
	code   string
	detail string
}

func errorf(status int, code, format string, args ...any) *adfError {
	return &adfError{status: status, code: code, detail: fmt.Sprintf(format, args...)}
}

func writeError(w http.ResponseWriter, e *adfError) {
	w.Header().Set("Content-Type", "application/vnd.oracle.adf.error+json")
	w.WriteHeader(e.status)
	json.NewEncoder(w).Encode(map[string]any{
		"type": "http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html", "title": http.StatusText(e.status),
		"status": fmt.Sprint(e.status), "detail": e.detail, "o:errorCode": e.code,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
	if err != nil {
		writeError(w, errorf(http.StatusBadRequest, "", "reading the request: %v", err))
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, fusionsod.DefaultPath)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
	s.mu.Unlock()
	switch {
	case !ok:
		writeError(w, errorf(http.StatusNotFound, "", "no resource at %s", r.URL.Path))
		return
	case len(body) > maxRequestBody:
		writeError(w, errorf(http.StatusRequestEntityTooLarge, "", "the request body exceeds %d bytes", maxRequestBody))
		return
	}
	user, aerr := s.authenticate(r)
	if aerr != nil {
		w.Header().Set("WWW-Authenticate", `Basic realm="fscmRestApi"`)
		writeError(w, aerr)
		return
	}
	s.mu.Lock()
	status, out, rerr := s.route(r, strings.Trim(path, "/"), body, user)
	s.mu.Unlock()
	switch {
	case rerr != nil:
		writeError(w, rerr)
	case out == nil:
		w.WriteHeader(status)
	default:
		writeJSON(w, status, out)
	}
}

// authenticate checks Basic credentials or a Fusion JWT and returns the
// user.
func (s *Server) authenticate(r *http.Request) (string, *adfError) {
	scheme, cred, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	switch {
	case strings.EqualFold(scheme, "Basic") && s.Username != "":
		if u, p, ok := r.BasicAuth(); ok && u == s.Username && p == s.Password {
			return u, nil
		}
	case strings.EqualFold(scheme, "Bearer") && s.verifier != nil:
		if u, err := s.verifier.Verify(strings.TrimSpace(cred)); err == nil {
			return u, nil
		}
	}
	return "", errorf(http.StatusUnauthorized, "", "authentication failed")
}

// checkType refuses a body whose Content-Type is not want (ADF answers
// 415).
func checkType(r *http.Request, want ...string) *adfError {
	ct := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))
	for _, w := range want {
		if ct == w {
			return nil
		}
	}
	return errorf(http.StatusUnsupportedMediaType, "", "Content-Type %q is not %s", ct, strings.Join(want, " or "))
}

// route dispatches a request under the API root.
func (s *Server) route(r *http.Request, path string, body []byte, user string) (int, any, *adfError) {
	seg := strings.Split(path, "/")
	q := r.URL.Query()
	action := func(name string) bool {
		return len(seg) == 3 && seg[1] == "action" && seg[2] == name && r.Method == http.MethodPost
	}
	switch {
	case len(seg) == 1 && seg[0] == "advancedControlsRolesProvisioning" && r.Method == http.MethodGet:
		return s.listResults(q)
	case seg[0] == "advancedControlsRolesProvisioning" && action("runUserProvisioningAnalysis"),
		seg[0] == "advancedControlsRolesProvisioning" && action("getRequestStatus"),
		seg[0] == "advancedControlsRolesProvisioning" && action("approveProvisioningRequest"),
		seg[0] == "advancedControlsRoleSegregations" && action("runUserRoleCheck"):
		if err := checkType(r, fusionsod.ActionContentType); err != nil {
			return 0, nil, err
		}
		switch seg[2] {
		case "runUserProvisioningAnalysis":
			return s.runAnalysis(body)
		case "getRequestStatus":
			return s.requestStatus(body)
		case "approveProvisioningRequest":
			return s.approve(body, user)
		default:
			return s.roleCheck(body)
		}
	case len(seg) == 4 && seg[0] == "advancedControls" && seg[2] == "child" && seg[3] == "incidents" && r.Method == http.MethodGet:
		return s.listIncidents(seg[1], q)
	case len(seg) == 5 && seg[0] == "advancedControls" && seg[2] == "child" && seg[3] == "incidents":
		switch r.Method {
		case http.MethodGet:
			return s.getIncident(seg[1], seg[4], q)
		case http.MethodPatch:
			if err := checkType(r, fusionsod.ItemContentType, "application/json"); err != nil {
				return 0, nil, err
			}
			return s.patchIncident(seg[1], seg[4], body, user)
		}
	case len(seg) == 7 && seg[0] == "advancedControls" && seg[3] == "incidents" && seg[5] == "child" && seg[6] == "comments" && r.Method == http.MethodPost:
		if err := checkType(r, fusionsod.ItemContentType, "application/json"); err != nil {
			return 0, nil, err
		}
		return s.addComment(seg[1], seg[4], body, user)
	}
	return 0, nil, errorf(http.StatusNotFound, "", "no resource or action at /%s for %s", path, r.Method)
}
