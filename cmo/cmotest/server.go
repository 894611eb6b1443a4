// Package cmotest is a fake CMO Compliance tenant, in memory on loopback, for
// testing code that uses package cmo, in the manner of net/http/httptest.
//
// It serves what the seed document, Mitratech's "HR Integration
// Instructions", describes:
//
//   - the HR import web service at /webservice/HRImport.asmx, SOAP 1.1 as
//     ASMX serves it: it checks the content type, the SOAPAction and the
//     envelope (and answers a SOAP Fault with HTTP 500 when they are wrong),
//     the login and password in the body ("Login or password is incorrect."),
//     then imports users (UserControlledImport, UserImport, AsyncUsersImport),
//     org units (AsyncGroupsImport) and entities (a configurable operation,
//     AsyncAuditeesImport by default) into memory. A record is matched by its
//     key (LoginName, OrgName, EntityName, without regard to case); a field
//     not sent is left unchanged. Each record is validated as CMO does: a new
//     user needs a first and last name, dates are DD.MM.YYYY, Yes/No fields
//     are Yes or No (True or False, as the seed's example sends, pass too),
//     roles, user groups, org units and entities must exist. A record that
//     fails is not saved and the others are: the outcome is then "Partially
//     completed". The answer is the seed's result document, with its log
//     lines ("Begin Processing user: ...", "Imported: 1 Selected: 1 Total: 1",
//     "Users imported: 1").
//   - the WSDL at /webservice/HRImport.asmx?WSDL (the seed: "available by
//     appending ?WSDL"), the one the cmo models are generated from, with the
//     server's own address and entities operation: SoapUI, Python's zeep or
//     another team's service can be pointed at the fake. It describes xmlData
//     as .NET describes an XmlNode (mixed content holding any element), so
//     that a toolkit sends the users inline. GET HRImport.asmx lists the
//     operations, as ASMX's help page does.
//   - the export API: POST /api/token issues an HS256 JWT whose claims are
//     those of the seed's sample token ({"subject":2,"exp":1495795178.0}),
//     signed with the server's secret and expiring after the configured time
//     (20 minutes by default); GET /api/export/exportusers checks the token
//     (signature, expiry, the account's export permission) and returns the
//     users modified between from and to, page by page (perPage 1 to 300,
//     default 100), ordered by creation.
//
// What the seed does not say is the fake's choice, written where it is made:
// the exact wording of the error lines, the JSON of the token and export
// answers, the log of org units and entities. The Faults injector makes the
// server misbehave (status codes, Retry-After, dropped connections,
// truncated or garbled bodies, delays).
package cmotest

import (
	"crypto/rand"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/internal/fault"
)

// Fault describes one misbehaviour of the server; push it to Server.Faults.
type Fault = fault.Fault

// The account every Server accepts: the login and password of the seed's
// example call. It may use the export API.
const (
	DefaultLogin    = "cmoadmin"
	DefaultPassword = "cmoadmin15!"
)

// Defaults of a Server.
const (
	// DefaultTokenLifetime is the lifetime of a token: the
	// Authentication.Jwt.Expire of the seed's web.config sample.
	DefaultTokenLifetime = 20 * time.Minute
	// DefaultMaxRequestBytes is ASP.NET's default maxRequestLength, 4 MiB.
	DefaultMaxRequestBytes = 4 << 20
)

// Server is a fake CMO tenant. Its methods are safe for concurrent use.
type Server struct {
	// URL is the tenant's base URL, such as http://127.0.0.1:41234 (https
	// with WithTLS): what cmo.NewClient takes.
	URL string
	// Username and Password are the credentials of the account the server
	// accepts (DefaultLogin and DefaultPassword unless WithLogin); it may
	// use the export API. They are what cmo.WithLogin takes.
	Username, Password string
	// Faults wraps the handler: push faults to it to make the server
	// misbehave.
	Faults *fault.Injector

	srv *httptest.Server
	tls bool

	mu          sync.Mutex
	accounts    []account
	roles       names
	groups      names
	infoFields  names
	entitiesOp  string
	asString    bool
	replaceAsg  bool // User Assignment Logic: fully redefined
	appendMgrs  bool // User Manager Logic: appended
	tokenExpiry time.Duration
	maxRequest  int64
	secret      []byte
	clock       func() time.Time
	offset      time.Duration
	trueOutcome bool
	resultNames map[string]string // the result document's name prefix by kind
	optErr      error

	users    []*User
	byLogin  map[string]*User // by lower-case LoginName
	orgUnits []*named
	entities []*named
	nextID   int

	requests []Request
	conns    int
	tokens   int
}

type account struct {
	id              int
	login, password string
	canExport       bool
}

// names is a set of names compared without regard to case.
type names map[string]bool

func newNames(list ...string) names {
	n := names{}
	n.add(list...)
	return n
}

func (n names) add(list ...string) {
	for _, s := range list {
		n[strings.ToLower(strings.TrimSpace(s))] = true
	}
}

func (n names) has(s string) bool { return n[strings.ToLower(strings.TrimSpace(s))] }

// User is a user as the fake stores it.
type User struct {
	ID        int
	LoginName string
	// Fields holds every field last sent for the user (every element of
	// <User> but LoginName and Assignments, additional info fields
	// included), by element name, as sent. A field never sent is absent.
	Fields      map[string]string
	Assignments []cmo.Assignment
	// Modified is the time of the last import that saved the user, on the
	// server's clock; the export filters on it.
	Modified time.Time
}

// OrgUnit is an org unit as the fake stores it.
type OrgUnit struct {
	OrgName  string
	Fields   map[string]string // every other element last sent, by name
	Modified time.Time
}

// Entity is an entity as the fake stores it.
type Entity struct {
	EntityName string
	Fields     map[string]string // every other element last sent, by name
	Modified   time.Time
}

// Request is a request the server received (and was not failed by Faults
// before reaching it).
type Request struct {
	Method string
	Path   string
	Query  string
	// Action is the SOAPAction, unquoted.
	Action string
	Header http.Header
	Body   []byte
}

// An Option configures a Server.
type Option func(*Server)

// WithLogin sets the login and password of the server's account (Username
// and Password), the option named like cmo.WithLogin. The default is the
// seed's example call's, DefaultLogin and DefaultPassword.
func WithLogin(login, password string) Option {
	return func(s *Server) {
		if login == "" || password == "" {
			s.fail(fmt.Errorf("cmotest: WithLogin(%q, ...): empty login or password", login))
		}
		s.accounts[0].login, s.accounts[0].password = login, password
	}
}

// WithClock sets the server's clock (time.Now by default), which tokens
// expire by and the export filters on; Advance moves it further.
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now == nil {
			s.fail(fmt.Errorf("cmotest: WithClock: nil function"))
		}
		s.clock = now
	}
}

// WithTLS serves HTTPS, with a certificate for 127.0.0.1 from a CA of the
// server's own: give the client cmo.WithRootCAs(s.RootCAs()).
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// WithTrueOutcome makes the server answer "True" to an import whose every
// record it saved, as a tenant may. By default it answers as the seed's
// successful sample does, "Partially completed", whenever it saved a record
// (and "False" when it saved none).
func WithTrueOutcome() Option { return func(s *Server) { s.trueOutcome = true } }

// WithResultNames names the result document of the org units and entities
// imports <{orgUnits}ImportResults><{orgUnits}ImportResult>... and
// <{entities}ImportResults>..., as a tenant may (WithResultNames("Groups",
// "Auditees")). The seed shows only the users import's,
// <UsersImportResults><UsersImportResult>, which every import answers by
// default.
func WithResultNames(orgUnits, entities string) Option {
	return func(s *Server) {
		for _, n := range []string{orgUnits, entities} {
			if !xmlName(n) {
				s.fail(fmt.Errorf("cmotest: WithResultNames(%q, %q): not element names", orgUnits, entities))
			}
		}
		s.resultNames = map[string]string{"org unit": orgUnits, "entity": entities}
	}
}

// xmlName reports whether s is a plain XML element name.
func xmlName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '_' || i > 0 && (r >= '0' && r <= '9' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// WithAccount adds an account, which may use the export API if canExport
// (the permissions "Allow Edit Users" and "Allow Edit User Assignments").
func WithAccount(login, password string, canExport bool) Option {
	return func(s *Server) {
		if login == "" || password == "" {
			s.fail(fmt.Errorf("cmotest: WithAccount(%q, ...): empty login or password", login))
		}
		s.accounts = append(s.accounts, account{id: len(s.accounts) + 1, login: login, password: password, canExport: canExport})
	}
}

// WithRoles adds CMO roles users may be given. "Super User" is there by
// default.
func WithRoles(roles ...string) Option { return func(s *Server) { s.roles.add(roles...) } }

// WithUserGroups adds CMO user groups. "Administrators" is there by default.
func WithUserGroups(groups ...string) Option { return func(s *Server) { s.groups.add(groups...) } }

// WithOrgUnits adds org units that exist from the start. "QLD" is there by
// default; imported org units are added as they are saved.
func WithOrgUnits(orgNames ...string) Option {
	return func(s *Server) {
		for _, n := range orgNames {
			put(&s.orgUnits, n, nil, s.now())
		}
	}
}

// WithEntities adds entities that exist from the start. "Western Village" is
// there by default.
func WithEntities(entityNames ...string) Option {
	return func(s *Server) {
		for _, n := range entityNames {
			put(&s.entities, n, nil, s.now())
		}
	}
}

// WithInfoFields declares the tenant's additional user info fields: the
// elements of <User> it accepts beyond the standard ones. Any other element
// makes the user fail ("Unknown field").
func WithInfoFields(fields ...string) Option { return func(s *Server) { s.infoFields.add(fields...) } }

// WithEntitiesOperation names the entities import operation (default
// cmo.OpAsyncAuditeesImport).
func WithEntitiesOperation(op string) Option {
	return func(s *Server) {
		if strings.TrimSpace(op) == "" || strings.ContainsAny(op, " <>/\"") {
			s.fail(fmt.Errorf("cmotest: WithEntitiesOperation(%q): not an operation name", op))
		}
		s.entitiesOp = op
	}
}

// WithAssignmentsReplaced makes the server redefine a user's assignments
// fully with each <Assignments> block it is sent: the answer "fully
// redefined" to the seed's "User Assignment Logic". By default a block's
// assignments are added to the user's, as the seed's users schema notes say.
func WithAssignmentsReplaced() Option { return func(s *Server) { s.replaceAsg = true } }

// WithManagersAppended makes the server add the managers of
// ManagerLoginName to the user's instead of replacing them: the answer
// "appended" to the seed's "User Manager Logic".
func WithManagersAppended() Option { return func(s *Server) { s.appendMgrs = true } }

// WithXMLDataAsString makes the server behave as a tenant whose WSDL types
// xmlData and the results as s:string, the counterpart of the client's
// option of that name: it expects the payload escaped in text (inline
// elements are a Fault) and answers the result escaped.
func WithXMLDataAsString() Option { return func(s *Server) { s.asString = true } }

// WithTokenLifetime sets the lifetime of export API tokens (the tenant's
// Authentication.Jwt.Expire), the counterpart of the client's option of that
// name.
func WithTokenLifetime(d time.Duration) Option {
	return func(s *Server) {
		if d <= 0 {
			s.fail(fmt.Errorf("cmotest: WithTokenLifetime(%v): must be positive", d))
		}
		s.tokenExpiry = d
	}
}

// WithMaxRequestBytes sets the largest request body the server reads
// (default 4 MiB, ASP.NET's); a larger one gets HTTP 500.
func WithMaxRequestBytes(n int64) Option {
	return func(s *Server) {
		if n <= 0 {
			s.fail(fmt.Errorf("cmotest: WithMaxRequestBytes(%d): must be positive", n))
		}
		s.maxRequest = n
	}
}

// fail records the first bad option.
func (s *Server) fail(err error) {
	if s.optErr == nil {
		s.optErr = err
	}
}

// NewServer starts a fake CMO tenant on loopback and closes it when the test
// ends. A bad option fails the test.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake CMO tenant outside a test, for a program or an
// Example that runs on the fakes; call Close when done.
func Start(opts ...Option) (*Server, error) {
	s := &Server{
		byLogin:     map[string]*User{},
		Faults:      fault.New(),
		roles:       names{},
		groups:      names{},
		infoFields:  names{},
		entitiesOp:  cmo.OpAsyncAuditeesImport,
		tokenExpiry: DefaultTokenLifetime,
		maxRequest:  DefaultMaxRequestBytes,
		secret:      newSecret(),
		clock:       time.Now,
	}
	s.accounts = []account{{id: 1, login: DefaultLogin, password: DefaultPassword, canExport: true}}
	s.roles.add("Super User")
	s.groups.add("Administrators")
	put(&s.orgUnits, "QLD", nil, s.now())
	put(&s.entities, "Western Village", nil, s.now())
	for _, o := range opts {
		o(s)
	}
	if s.optErr != nil {
		return nil, s.optErr
	}
	for _, n := range append(slices.Clone(s.orgUnits), s.entities...) {
		n.modified = s.now() // on the clock WithClock gave
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", s.route)
	s.srv = httptest.NewUnstartedServer(s.Faults.Wrap(mux))
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
	s.URL = s.srv.URL
	s.Username, s.Password = s.accounts[0].login, s.accounts[0].password
	return s, nil
}

// RootCAs returns the certificate authority of a server started WithTLS,
// for cmo.WithRootCAs; nil without WithTLS.
func (s *Server) RootCAs() *x509.CertPool {
	if !s.tls {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.srv.Certificate())
	return pool
}

// Close shuts the server down, closing its connections.
func (s *Server) Close() { s.srv.Close() }

func newSecret() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}

// route dispatches a request; paths are matched without regard to case,
// as IIS does.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	switch p := strings.ToLower(r.URL.Path); p {
	case strings.ToLower(cmo.ServicePath):
		switch {
		case r.Method == http.MethodGet && strings.EqualFold(r.URL.RawQuery, "wsdl"):
			s.serveWSDL(w, r)
			return
		case r.Method == http.MethodGet:
			s.serveHelp(w, r)
			return
		}
		s.serveSOAP(w, r)
	case strings.ToLower(cmo.TokenPath):
		s.serveToken(w, r)
	case strings.ToLower(cmo.ExportUsersPath):
		s.serveExport(w, r)
	default:
		http.NotFound(w, r)
	}
}

// record keeps a copy of a request.
func (s *Server) record(r *http.Request, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, Request{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Action: strings.Trim(r.Header.Get("SOAPAction"), `"`),
		Header: r.Header.Clone(), Body: body,
	})
}

// Requests returns the requests the server received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Connections returns how many connections clients opened to the server.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// TokensIssued returns how many tokens POST /api/token issued.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokens
}

// Now returns the time on the server's clock (WithClock), which Advance
// moves.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

func (s *Server) now() time.Time { return s.clock().Add(s.offset).UTC() }

// Advance moves the server's clock forward by d: tokens expire, later
// imports are later for the export's filter.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// RotateSecret replaces the secret tokens are signed with, as an
// administrator changing Authentication.Jwt.Secret would: every token issued
// before is rejected (401).
func (s *Server) RotateSecret() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secret = newSecret()
}

// User returns a copy of the user with that login name (without regard to
// case).
func (s *Server) User(loginName string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.findUser(loginName); u != nil {
		return u.clone(), true
	}
	return User{}, false
}

// Users returns copies of every user, in the order they were created.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, len(s.users))
	for i, u := range s.users {
		out[i] = u.clone()
	}
	return out
}

// PutUser stores u as it is (creating or replacing the user with its login
// name), modified now on the server's clock, to set up a test. Its ID is
// assigned.
func (s *Server) PutUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u.clone()
	c.Modified = s.now()
	if old := s.findUser(u.LoginName); old != nil {
		c.ID = old.ID
		*old = c
		return
	}
	s.addUser(&c)
}

// addUser stores a new user under the next ID. s.mu is held.
func (s *Server) addUser(u *User) {
	s.nextID++
	u.ID = s.nextID
	s.users = append(s.users, u)
	s.byLogin[strings.ToLower(u.LoginName)] = u
}

// OrgUnit returns a copy of the org unit with that name.
func (s *Server) OrgUnit(orgName string) (OrgUnit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := find(s.orgUnits, orgName); o != nil {
		return OrgUnit{OrgName: o.name, Fields: cloneMap(o.fields), Modified: o.modified}, true
	}
	return OrgUnit{}, false
}

// Entity returns a copy of the entity with that name.
func (s *Server) Entity(entityName string) (Entity, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := find(s.entities, entityName); e != nil {
		return Entity{EntityName: e.name, Fields: cloneMap(e.fields), Modified: e.modified}, true
	}
	return Entity{}, false
}

func (u *User) clone() User {
	c := *u
	c.Fields = cloneMap(u.Fields)
	c.Assignments = slices.Clone(u.Assignments)
	return c
}

func cloneMap(m map[string]string) map[string]string {
	c := make(map[string]string, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (s *Server) findUser(login string) *User {
	return s.byLogin[strings.ToLower(strings.TrimSpace(login))]
}

// named is an org unit or an entity: a name and fields.
type named struct {
	name     string
	fields   map[string]string
	modified time.Time
}

// find returns the record of list with that name (without regard to case).
func find(list []*named, name string) *named {
	for _, n := range list {
		if strings.EqualFold(n.name, strings.TrimSpace(name)) {
			return n
		}
	}
	return nil
}

// put creates or updates the record of list with that name, setting the
// fields given and leaving the others.
func put(list *[]*named, name string, fields map[string]string, now time.Time) {
	n := find(*list, name)
	if n == nil {
		n = &named{name: strings.TrimSpace(name), fields: map[string]string{}}
		*list = append(*list, n)
	}
	for k, v := range fields {
		n.fields[k] = v
	}
	n.modified = now
}

// checkLogin reports the account with that login and password.
func (s *Server) checkLogin(login, password string) (account, bool) {
	for _, a := range s.accounts {
		if strings.EqualFold(a.login, login) && a.password == password {
			return a, true
		}
	}
	return account{}, false
}
