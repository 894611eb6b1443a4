// Package csftest is a fake CSF Identity Manager UserManager endpoint, in
// memory on loopback, for testing code that uses package csf, in the manner
// of net/http/httptest.
//
// It serves the nine methods of the seed document (MSDN's "Identity Manager
// connector - UserManager endpoint"; docs/csf.md in the repository) over
// SOAP 1.1 at URL, with in-memory organisations, groups and users:
//
//   - requests are read as the seed's samples send them: the root elements
//     UserManagerCreate, UserManagerReadUsers, ..., each in the namespace of
//     its sample (csf/20 for the five CSF 2.0 methods, csf/21 for the four of
//     CSF 2.5; WithNamespace changes that), RequestContext where each sample
//     puts it, the two property shapes, the filter set with xsi:type matches;
//     a request that is not well-formed, or in another namespace, gets a SOAP
//     Fault with HTTP 500, as an ASMX service answers;
//   - the caller is authenticated by a WS-Security UsernameToken (Username
//     and Password) or, with WithBasicAuth, HTTP Basic; a missing or wrong
//     token gets ResultCode 30021;
//   - every answer carries the RequestContext sent, ResultCode and
//     ResultMessage (the seed's description of the code), in the inferred
//     response element (UserManagerCreateResponse, ...);
//   - the result codes come from the state: 30000 for a required field
//     missing, 30008 for a user that exists, 30010 for a group, 30011 for a
//     user, 30015 for an organisation that does not exist, 30014 for a UserId
//     whose suffix the organisation does not accept; 30001, 30029 and any
//     other code on command (PushResult);
//   - ReadUsers and UpdateUsers evaluate the filter (EqualityMatch and the
//     inferred matches, And, Or, Not) over the users, property names without
//     regard to case; every user has objectCategory "person", objectClass
//     "user" and a samaccountname (the local part of its UserId unless set),
//     so that the seed's sample filter finds it; ReadUsers pages by PageSize
//     and CurrentPage, filling in LastPage, FirstItem, LastItem and
//     TotalItems. Scope baseObject selects the organisation itself, hence no
//     user.
//
// What the seed does not say is the fake's choice, written where it is made.
// The Faults injector makes the server misbehave (status codes, Retry-After,
// dropped connections, truncated or garbled bodies, delays).
package csftest

import (
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/internal/fault"
)

// Fault describes one misbehaviour of the server; push it to Server.Faults.
type Fault = fault.Fault

// The credentials a Server accepts unless an option gives others.
const (
	DefaultUsername = "csfadmin"
	DefaultPassword = "csf-Secret-2!"
)

// ServicePath is where the fake serves the UserManager endpoint.
const ServicePath = "/IdentityManager/UserManager.asmx"

// The organisations and groups of the seed's samples, which every Server
// has unless WithOrganization or WithGroups replace them.
var (
	SeedOrganizations = []string{"Customer-TestCustomer.com", "MyTestOrg.com"}
	SeedGroups        = []string{"AllUsersLO@senthilRooT.com", "Developers@Customer-TestCustomer.com", "AllUsers@Customer-TestCustomer.com"}
)

// Server is a fake UserManager endpoint. Its methods are safe for concurrent
// use.
type Server struct {
	// URL is the endpoint URL, what csf.NewClient takes.
	URL string
	// Username and Password are the credentials the fake accepts.
	Username, Password string
	// Faults wraps the handler: push faults to make the server misbehave.
	Faults *fault.Injector

	srv   *httptest.Server
	tls   bool
	basic bool
	ns    string
	now   func() time.Time

	mu       sync.Mutex
	orgs     map[string]*org   // by lower-case name
	groups   map[string]string // lower-case name → name
	users    map[string]*User  // by lower-case UserId
	order    []string          // lower-case UserIds in creation order
	results  []forced
	requests []Request
	conns    int
}

type org struct {
	name     string
	suffixes []string // lower-case UPN suffixes the organisation accepts
}

type forced struct {
	op    string
	code  int
	times int
}

// User is a user as the fake stores it.
type User struct {
	ID           string
	UserName     string
	Organization string
	Password     string
	Groups       []string
	Properties   csf.Properties
	Created      time.Time
}

// Request is one request the fake received.
type Request struct {
	// Op is the method (CreateUser, ...), or "" when it was not recognised.
	Op     string
	Header http.Header
	Body   []byte
}

// Option configures a Server.
type Option func(*Server)

// WithUsernameToken sets the credentials the fake accepts in a WS-Security
// UsernameToken (csf.WithUsernameToken).
func WithUsernameToken(username, password string) Option {
	return func(s *Server) { s.Username, s.Password = username, password }
}

// WithBasicAuth makes the fake authenticate callers with HTTP Basic instead
// (csf.WithBasicAuth): a request without them gets 401.
func WithBasicAuth(username, password string) Option {
	return func(s *Server) { s.Username, s.Password, s.basic = username, password, true }
}

// WithNamespace makes the fake expect every method in the IdentityManager
// namespace ns (csf.WithNamespace) instead of the seed's.
func WithNamespace(ns string) Option { return func(s *Server) { s.ns = ns } }

// WithOrganization adds an organisation, with the UPN suffixes its users'
// UserIds may have (besides the organisation's own name). The seed's two
// organisations accept "csf.com", as its samples' UserIds have.
func WithOrganization(name string, suffixes ...string) Option {
	return func(s *Server) { s.addOrg(name, suffixes...) }
}

// WithGroups adds groups.
func WithGroups(names ...string) Option {
	return func(s *Server) {
		for _, n := range names {
			s.groups[strings.ToLower(n)] = n
		}
	}
}

// WithClock sets the fake's clock (the users' creation times).
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTLS serves HTTPS with a certificate of the fake's own; pass RootCAs()
// to csf.WithRootCAs.
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// NewServer starts a fake on loopback and closes it when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake outside a test, for a program or an Example; call
// Close when done.
func Start(opts ...Option) (*Server, error) {
	s := &Server{
		Username: DefaultUsername,
		Password: DefaultPassword,
		Faults:   fault.New(),
		now:      time.Now,
		orgs:     map[string]*org{},
		groups:   map[string]string{},
		users:    map[string]*User{},
	}
	for _, o := range SeedOrganizations {
		s.addOrg(o, "csf.com")
	}
	WithGroups(SeedGroups...)(s)
	for _, o := range opts {
		o(s)
	}
	if s.Username == "" || s.Password == "" {
		return nil, fmt.Errorf("csftest: empty user name or password")
	}
	if s.now == nil {
		return nil, fmt.Errorf("csftest: WithClock(nil)")
	}
	mux := http.NewServeMux()
	mux.HandleFunc(ServicePath, s.serve)
	s.srv = httptest.NewUnstartedServer(s.Faults.Wrap(mux))
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // a client refusing the certificate is a test's business
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.mu.Lock()
			s.conns++
			s.mu.Unlock()
		}
	}
	if s.tls {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL + ServicePath
	return s, nil
}

// Close shuts the server down, closing its connections.
func (s *Server) Close() { s.srv.Close() }

// RootCAs returns a pool that trusts the fake's certificate (WithTLS), for
// csf.WithRootCAs; nil without WithTLS.
func (s *Server) RootCAs() *x509.CertPool {
	if !s.tls {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.srv.Certificate())
	return pool
}

func (s *Server) addOrg(name string, suffixes ...string) {
	o := &org{name: name, suffixes: []string{strings.ToLower(name)}}
	for _, x := range suffixes {
		o.suffixes = append(o.suffixes, strings.ToLower(x))
	}
	s.orgs[strings.ToLower(name)] = o
}

// PushResult makes the next times calls of the method op (CreateUser, ...;
// "" for any) answer ResultCode code and change nothing: 30001 and 30029,
// which no state produces, or any other code.
func (s *Server) PushResult(op string, code, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = append(s.results, forced{op, code, max(times, 1)})
}

// takeResult returns a code pushed for op, if any. s.mu is held.
func (s *Server) takeResult(op string) (int, bool) {
	for i := range s.results {
		f := &s.results[i]
		if f.op == "" || f.op == op {
			code := f.code
			if f.times--; f.times == 0 {
				s.results = slices.Delete(s.results, i, i+1)
			}
			return code, true
		}
	}
	return 0, false
}

// Requests returns the requests received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Connections returns how many connections clients opened.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// PutUser stores u (replacing a user of the same UserId), for a test's
// starting state. Its organisation and groups are not checked.
func (s *Server) PutUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.putUser(&u)
}

func (s *Server) putUser(u *User) {
	k := strings.ToLower(u.ID)
	if _, ok := s.users[k]; !ok {
		s.order = append(s.order, k)
	}
	if u.Created.IsZero() {
		u.Created = s.now()
	}
	s.users[k] = u
}

// User returns a copy of the user userID.
func (s *Server) User(userID string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[strings.ToLower(userID)]
	if !ok {
		return User{}, false
	}
	return u.clone(), true
}

// Users returns copies of every user, in creation order.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.order))
	for _, k := range s.order {
		out = append(out, s.users[k].clone())
	}
	return out
}

func (u *User) clone() User {
	c := *u
	c.Groups = slices.Clone(u.Groups)
	c.Properties = make(csf.Properties, len(u.Properties))
	for i, p := range u.Properties {
		c.Properties[i] = csf.Property{Name: p.Name, Values: slices.Clone(p.Values)}
	}
	return c
}
