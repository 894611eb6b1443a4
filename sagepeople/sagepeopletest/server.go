// Package sagepeopletest is a fake of a Salesforce org holding Sage People,
// for tests, in the manner of net/http/httptest: Start runs one on
// loopback, in memory; NewServer does the same in a test and closes it at
// the test's end. It behaves as docs/sagepeople.md describes Salesforce:
//
//   - Two hosts, as Salesforce has: URL, the login host, whose token
//     endpoint (/services/oauth2/token) runs the OAuth 2.0 JWT bearer flow,
//     checking the assertion's RS256 signature against the certificate it
//     trusts, its iss (ClientID), sub (Username), aud (Audience) and exp
//     (at most 3 minutes ahead); and InstanceURL, the instance_url of the
//     token answer, which serves the API to the session tokens it issued.
//   - REST queries (query, queryAll) in a real subset of SOQL over the
//     records in memory (fHCM2__Team_Member__c, fHCM2__Employment__c and
//     any object Insert creates): SELECT of fields and relationship fields,
//     COUNT(), WHERE with AND, OR, NOT and comparisons, ORDER BY, LIMIT;
//     answers of at most 2,000 records paged by nextRecordsUrl
//     (Sforce-Query-Options: batchSize from 200 to 2,000).
//   - Bulk API 2.0 query jobs: create, poll (UploadComplete, InProgress,
//     JobComplete), CSV results in sets with Sforce-Locator and
//     Sforce-NumberOfRecords, gzip on Accept-Encoding, abort and delete.
//   - Salesforce's error arrays ([{"message","errorCode","fields"}]):
//     MALFORMED_QUERY, INVALID_FIELD, INVALID_SESSION_ID, NOT_FOUND, ...;
//     ExpireSessions and WithSessionTTL make sessions expire.
//   - Faults (an *fault.Injector, in front of both hosts) make it misbehave
//     on command.
//
// Where the documents are silent the fake chooses, and says so: OAuth
// error messages; time stamps in whole seconds; Ids of 18 characters with a
// prefix per object; a Bulk job completes after WithBulkPolls polls; a Bulk
// result set holds at most 50,000 rows.
package sagepeopletest

import (
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/hrbridge/hrbridge/internal/fault"
	"github.com/hrbridge/hrbridge/sagepeople"
)

// Fault is a misbehaviour to push onto Server.Faults.
type Fault = fault.Fault

// Defaults of a fake started without options.
const (
	DefaultUsername   = "integration@acme.example"
	DefaultClientID   = "3MVG9fake.consumer.key"
	DefaultSessionTTL = 2 * time.Hour
	maxBatch          = 2000
	minBatch          = 200
	maxResultSet      = 50_000
	maxRequestBody    = 1 << 20
)

// Request is a request the fake received (after Faults let it through).
type Request struct {
	Host   string // "login" or "instance"
	Method string
	Path   string
	Query  map[string][]string
	Header http.Header
	Body   []byte
}

// Server is a running fake.
type Server struct {
	// URL is the login host: what sagepeople.NewClient takes with
	// WithJWTBearer.
	URL string
	// InstanceURL is the org's instance, the token answer's instance_url:
	// what sagepeople.NewClient takes with WithTokenSource.
	InstanceURL string
	// Username, ClientID and Audience are the sub, iss and aud the token
	// endpoint accepts.
	Username, ClientID, Audience string
	// Certificate is the certificate the token endpoint verifies
	// assertions with; Key is its private key (nil when the certificate
	// came from WithJWTBearer).
	Certificate *x509.Certificate
	Key         *rsa.PrivateKey
	// Faults wraps both hosts: push faults onto it to make the next
	// requests fail.
	Faults *fault.Injector

	now        func() time.Time
	tls        bool
	pageSize   int
	ttl        time.Duration
	bulkPolls  int
	login, api *httptest.Server

	mu       sync.Mutex
	st       *store
	sessions map[string]time.Time // token → expiry
	cursors  map[string]*cursor
	jobs     map[string]*job
	requests []Request
	seq      int
}

// cursor is a REST query's remaining records.
type cursor struct {
	records []json.RawMessage
	total   int
	batch   int // the page size the query asked for
}

// job is a Bulk API 2.0 query job.
type job struct {
	id, operation, object, query, version, state string
	polls                                        int
	rows                                         [][]string // header first
	errMsg                                       string
}

// Option configures a Server.
type Option func(*Server)

// WithJWTBearer sets the client id (iss) and user name (sub) the token
// endpoint accepts and the certificate it verifies assertions with, as a
// connected app with "Use digital signatures" holds it. Without it the fake
// makes a key pair of its own (Server.Key).
func WithJWTBearer(clientID, username string, cert *x509.Certificate) Option {
	return func(s *Server) { s.ClientID, s.Username, s.Certificate = clientID, username, cert }
}

// WithAudience sets the aud the token endpoint accepts
// (sagepeople.LoginAudience by default).
func WithAudience(aud string) Option { return func(s *Server) { s.Audience = aud } }

// WithClock sets the fake's clock: time stamps, token and session expiry.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithTLS serves both hosts over HTTPS; RootCAs gives the pool to trust.
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// WithPageSize makes every REST page hold at most n records, whatever
// batchSize the client asks for (for tests of page edges).
func WithPageSize(n int) Option { return func(s *Server) { s.pageSize = n } }

// WithSessionTTL sets how long a session token lives (2 hours by default).
func WithSessionTTL(d time.Duration) Option { return func(s *Server) { s.ttl = d } }

// WithBulkPolls sets how many polls a Bulk job answers InProgress before
// JobComplete (1 by default).
func WithBulkPolls(n int) Option { return func(s *Server) { s.bulkPolls = n } }

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

// Start starts a fake outside a test; call Close when done.
func Start(opts ...Option) (*Server, error) {
	s := &Server{Username: DefaultUsername, ClientID: DefaultClientID, Audience: sagepeople.LoginAudience,
		Faults: fault.New(), now: time.Now, ttl: DefaultSessionTTL, bulkPolls: 1, st: newStore(),
		sessions: map[string]time.Time{}, cursors: map[string]*cursor{}, jobs: map[string]*job{}}
	for _, o := range opts {
		o(s)
	}
	if s.ClientID == "" || s.Username == "" || s.Audience == "" {
		return nil, fmt.Errorf("sagepeopletest: the client id, user name and audience must not be empty")
	}
	if s.pageSize < 0 || s.ttl <= 0 || s.bulkPolls < 0 {
		return nil, fmt.Errorf("sagepeopletest: bad page size %d, session TTL %v or Bulk polls %d", s.pageSize, s.ttl, s.bulkPolls)
	}
	if s.Certificate == nil {
		key, cert, err := NewKeyPair("sagepeopletest connected app")
		if err != nil {
			return nil, err
		}
		s.Key, s.Certificate = key, cert
	}
	if _, ok := s.Certificate.PublicKey.(*rsa.PublicKey); !ok {
		return nil, fmt.Errorf("sagepeopletest: the certificate's key is a %T, not RSA: Salesforce signs with RS256 only", s.Certificate.PublicKey)
	}
	s.login = httptest.NewUnstartedServer(s.Faults.Wrap(s.handler("login", s.serveLogin)))
	s.api = httptest.NewUnstartedServer(s.Faults.Wrap(s.handler("instance", s.serveAPI)))
	if s.tls {
		s.login.StartTLS()
		s.api.StartTLS()
	} else {
		s.login.Start()
		s.api.Start()
	}
	s.URL, s.InstanceURL = s.login.URL, s.api.URL
	return s, nil
}

// NewKeyPair makes an RSA key and a self-signed certificate for it, as one
// makes for a connected app's "Use digital signatures".
func NewKeyPair(commonName string) (*rsa.PrivateKey, *x509.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: commonName},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return key, cert, err
}

// Close shuts both hosts down.
func (s *Server) Close() {
	s.login.Close()
	s.api.Close()
}

// RootCAs returns the pool that trusts the fake's TLS certificate (with
// WithTLS), for sagepeople.WithRootCAs.
func (s *Server) RootCAs() *x509.CertPool {
	pool := x509.NewCertPool()
	if c := s.api.Certificate(); c != nil {
		pool.AddCert(c)
	}
	return pool
}

// Requests returns the requests the fake received, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ExpireSessions ends every session: the next call with one is answered
// 401 INVALID_SESSION_ID.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}

// Insert adds a record of object with fields (by API name) and returns
// its Id; Id, IsDeleted and SystemModstamp are set unless given. Fields
// unknown to the object become known.
func (s *Server) Insert(object string, fields Record) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.insert(object, fields)
}

func (s *Server) insert(object string, fields Record) string {
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	s.st.define(object, names...)
	r := &record{object: object, fields: Record{}}
	for k, v := range fields {
		r.fields[s.st.schema[object][strings.ToLower(k)]] = normalize(v)
	}
	id, _ := r.fields["Id"].(string)
	if id == "" {
		id = s.st.newID(object)
	}
	r.id = id
	r.fields["Id"] = id
	if _, ok := r.fields["IsDeleted"]; !ok {
		r.fields["IsDeleted"] = false
	}
	if _, ok := r.fields["SystemModstamp"]; !ok {
		r.fields["SystemModstamp"] = s.stamp()
	}
	if _, ok := r.fields["CreatedDate"]; !ok {
		r.fields["CreatedDate"] = r.fields["SystemModstamp"]
	}
	s.st.byID[id] = r
	s.st.objects[object] = append(s.st.objects[object], r)
	return id
}

// stamp is the fake's time in whole seconds.
func (s *Server) stamp() time.Time { return s.now().UTC().Truncate(time.Second) }

func normalize(v any) any {
	switch x := v.(type) {
	case int:
		return float64(x)
	case time.Time:
		return x.UTC()
	}
	return v
}

// Update changes fields of the record id and moves its SystemModstamp to
// now.
func (s *Server) Update(id string, fields Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.st.byID[id]
	if !ok {
		return fmt.Errorf("sagepeopletest: no record %s", id)
	}
	for k, v := range fields {
		s.st.define(r.object, k)
		r.fields[s.st.schema[r.object][strings.ToLower(k)]] = normalize(v)
	}
	r.fields["SystemModstamp"] = s.stamp()
	return nil
}

// Delete marks the record id deleted (in the recycle bin): only queryAll
// sees it, with IsDeleted true.
func (s *Server) Delete(id string) error {
	return s.Update(id, Record{"IsDeleted": true})
}

// AddTeamMember adds m as a team member (with DefaultFields' names), with
// an employment record for m.Employment, and returns its Id (m.ID when
// given). m.Manager.ID names the manager's team member.
func (s *Server) AddTeamMember(m sagepeople.TeamMember) string {
	f := sagepeople.DefaultFields()
	s.mu.Lock()
	defer s.mu.Unlock()
	tm := Record{f.UniqueID: m.UniqueID, "Name": m.FullName, f.FirstName: m.FirstName, f.LastName: m.LastName,
		f.Email: m.Email, f.JobTitle: m.JobTitle, f.Department: m.Department,
		f.AddressLine1: m.Address.Line1, f.AddressLine2: m.Address.Line2, f.AddressLine3: m.Address.Line3,
		f.City: m.Address.City, f.Region: m.Address.Region, f.PostalCode: m.Address.PostalCode,
		f.Country: m.Address.Country, f.WorkLocation: m.WorkLocation, f.EmploymentStatus: m.EmploymentStatus}
	for k, v := range tm {
		if v == "" {
			tm[k] = nil
		}
	}
	if m.ID != "" {
		tm["Id"] = m.ID
	}
	if m.Manager != nil {
		tm[f.ManagerID] = m.Manager.ID
	}
	for k, v := range m.Custom {
		tm[k] = v
	}
	id := s.insert(sagepeople.TeamMemberObject, tm)
	if e := m.Employment; e != nil {
		er := Record{"Name": e.Name, f.EmploymentActive: e.Active, f.StartDate: nil, f.EndDate: nil,
			"fHCM2__Team_Member__c": id}
		if !e.Start.IsZero() {
			er[f.StartDate] = e.Start
		}
		if !e.End.IsZero() {
			er[f.EndDate] = e.End
		}
		eid := s.insert(employmentObject, er)
		s.st.byID[id].fields["fHCM2__Current_Employment__c"] = eid
	}
	return id
}

// handler records a request and hands it to serve.
func (s *Server) handler(host string, serve func(w http.ResponseWriter, r *http.Request, body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
		if err != nil || len(body) > maxRequestBody {
			writeErrors(w, &sfError{400, "JSON_PARSER_ERROR", "the request body cannot be read or is too large"})
			return
		}
		s.mu.Lock()
		s.requests = append(s.requests, Request{Host: host, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
			Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		serve(w, r, body)
	})
}

// serveLogin is the login host: the token endpoint only.
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request, body []byte) {
	if r.URL.Path != "/services/oauth2/token" {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<html><head><title>Login | Salesforce</title></head><body>Page not found</body></html>")
		return
	}
	oauthErr := func(status int, code, desc string) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if r.Method != http.MethodPost {
		oauthErr(http.StatusMethodNotAllowed, "invalid_request", "must use HTTP POST")
		return
	}
	form, err := parseForm(body)
	if err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthErr(http.StatusBadRequest, "invalid_request", "the body must be application/x-www-form-urlencoded")
		return
	}
	if form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "grant type not supported")
		return
	}
	now := s.now()
	var claims jwt.RegisteredClaims
	_, err = jwt.ParseWithClaims(form.Get("assertion"), &claims, func(*jwt.Token) (any, error) { return s.Certificate.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return now }))
	switch {
	case err != nil && strings.Contains(err.Error(), "expired"):
		oauthErr(http.StatusBadRequest, "invalid_grant", "expired authorization code")
		return
	case err != nil:
		oauthErr(http.StatusBadRequest, "invalid_grant", "invalid assertion")
		return
	case claims.Issuer != s.ClientID:
		oauthErr(http.StatusBadRequest, "invalid_client_id", "client identifier invalid")
		return
	case len(claims.Audience) != 1 || strings.TrimSuffix(claims.Audience[0], "/") != strings.TrimSuffix(s.Audience, "/"):
		oauthErr(http.StatusBadRequest, "invalid_grant", "audience is invalid")
		return
	case claims.Subject != s.Username:
		oauthErr(http.StatusBadRequest, "invalid_grant", "user hasn't approved this consumer")
		return
	case claims.ExpiresAt.Time.After(now.Add(3*time.Minute + 5*time.Second)):
		oauthErr(http.StatusBadRequest, "invalid_grant", "the assertion's exp is more than 3 minutes ahead")
		return
	}
	tok := make([]byte, 24)
	rand.Read(tok)
	session := "00Dfake0000001!" + hex.EncodeToString(tok)
	s.mu.Lock()
	s.sessions[session] = now.Add(s.ttl)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"access_token": session, "scope": "api", "instance_url": s.InstanceURL,
		"id": s.URL + "/id/00Dfake0000001/005fake0000001", "token_type": "Bearer",
		"issued_at": strconv.FormatInt(now.UnixMilli(), 10)})
}

func parseForm(body []byte) (interface{ Get(string) string }, error) {
	req, err := http.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := req.ParseForm(); err != nil {
		return nil, err
	}
	return req.PostForm, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func writeErrors(w http.ResponseWriter, e *sfError) {
	writeJSON(w, e.status, []map[string]any{{"message": e.msg, "errorCode": e.code}})
}

// serveAPI is the instance: /services/data/vXX.X/...
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, body []byte) {
	if err := s.authenticate(r); err != nil {
		writeErrors(w, err)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/services/data/")
	version, rest, _ := strings.Cut(rest, "/")
	v, err := strconv.ParseFloat(strings.TrimPrefix(version, "v"), 64)
	if !ok || !strings.HasPrefix(version, "v") || err != nil || v < 20 {
		writeErrors(w, &sfError{404, "NOT_FOUND", "The requested resource does not exist"})
		return
	}
	parts := strings.Split(rest, "/")
	var serr *sfError
	switch {
	case (parts[0] == "query" || parts[0] == "queryAll") && len(parts) == 1 && r.Method == http.MethodGet:
		serr = s.startQuery(w, r, version, parts[0] == "queryAll")
	case (parts[0] == "query" || parts[0] == "queryAll") && len(parts) == 2 && r.Method == http.MethodGet:
		serr = s.moreResults(w, version, parts[0], parts[1])
	case parts[0] == "jobs" && len(parts) >= 2 && parts[1] == "query" && v < 47:
		serr = &sfError{404, "NOT_FOUND", "Bulk API 2.0 query jobs need version 47.0 or later"}
	case parts[0] == "jobs" && len(parts) == 2 && parts[1] == "query" && r.Method == http.MethodPost:
		serr = s.createJob(w, version, body)
	case parts[0] == "jobs" && len(parts) == 3 && parts[1] == "query":
		serr = s.jobRequest(w, r, version, parts[2], body)
	case parts[0] == "jobs" && len(parts) == 4 && parts[1] == "query" && parts[3] == "results" && r.Method == http.MethodGet:
		serr = s.results(w, r, version, parts[2])
	default:
		serr = &sfError{404, "NOT_FOUND", "The requested resource does not exist"}
	}
	if serr != nil {
		writeErrors(w, serr)
	}
}

// authenticate checks the session token.
func (s *Server) authenticate(r *http.Request) *sfError {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	s.mu.Lock()
	exp, ok := s.sessions[tok]
	s.mu.Unlock()
	if !strings.EqualFold(scheme, "Bearer") || !ok || !s.now().Before(exp) {
		return &sfError{401, "INVALID_SESSION_ID", "Session expired or invalid"}
	}
	return nil
}

// startQuery runs a SOQL query and answers its first page.
func (s *Server) startQuery(w http.ResponseWriter, r *http.Request, version string, all bool) *sfError {
	q, err := parse(r.URL.Query().Get("q"))
	if err != nil {
		return err.(*sfError)
	}
	s.mu.Lock()
	recs, rerr := s.st.run(q, all)
	if rerr != nil {
		s.mu.Unlock()
		return rerr.(*sfError)
	}
	if q.count {
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"totalSize": len(recs), "done": true, "records": []any{}})
		return nil
	}
	rendered := make([]json.RawMessage, len(recs))
	for i, rec := range recs {
		rendered[i], _ = json.Marshal(s.st.render(rec, q.fields, version))
	}
	s.seq++
	locator := fmt.Sprintf("01gFAKE%011d", s.seq)
	batch := s.batch(r)
	s.cursors[locator] = &cursor{records: rendered, total: len(rendered), batch: batch}
	s.mu.Unlock()
	s.page(w, version, pathOf(all), locator, 0, batch)
	return nil
}

func pathOf(all bool) string {
	if all {
		return "queryAll"
	}
	return "query"
}

// batch returns the page size for r.
func (s *Server) batch(r *http.Request) int {
	if s.pageSize > 0 {
		return s.pageSize
	}
	n := maxBatch
	if opt := r.Header.Get("Sforce-Query-Options"); opt != "" {
		for _, kv := range strings.Split(opt, ",") {
			if k, v, ok := strings.Cut(strings.TrimSpace(kv), "="); ok && strings.EqualFold(k, "batchSize") {
				if b, err := strconv.Atoi(v); err == nil {
					n = min(max(b, minBatch), maxBatch)
				}
			}
		}
	}
	return n
}

// page answers the records of a query from offset.
func (s *Server) page(w http.ResponseWriter, version, kind, locator string, offset, size int) {
	s.mu.Lock()
	c := s.cursors[locator]
	end := min(offset+size, len(c.records))
	recs := c.records[offset:end]
	s.mu.Unlock()
	out := map[string]any{"totalSize": c.total, "done": end == len(c.records), "records": recs}
	if end < len(c.records) {
		out["nextRecordsUrl"] = fmt.Sprintf("/services/data/%s/%s/%s-%d", version, kind, locator, end)
	}
	writeJSON(w, http.StatusOK, out)
}

// moreResults answers a nextRecordsUrl.
func (s *Server) moreResults(w http.ResponseWriter, version, kind, id string) *sfError {
	locator, off, ok := strings.Cut(id, "-")
	offset, err := strconv.Atoi(off)
	s.mu.Lock()
	c, found := s.cursors[locator]
	s.mu.Unlock()
	if !ok || err != nil || !found || offset < 0 || offset > len(c.records) {
		return &sfError{400, "INVALID_QUERY_LOCATOR", "invalid query locator"}
	}
	s.page(w, version, kind, locator, offset, c.batch)
	return nil
}

// jobInfo is a job as the API shows it.
func (j *job) info() map[string]any {
	return map[string]any{"id": j.id, "operation": j.operation, "object": j.object, "createdById": "005fake0000001",
		"state": j.state, "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": apiVersion(j.version),
		"lineEnding": "LF", "columnDelimiter": "COMMA", "numberRecordsProcessed": max(len(j.rows)-1, 0),
		"errorMessage": j.errMsg}
}

// apiVersion is a version's number ("v67.0" is 67.0), as a job shows it.
func apiVersion(v string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimPrefix(v, "v"), 64)
	return f
}

func (s *Server) createJob(w http.ResponseWriter, version string, body []byte) *sfError {
	var in struct{ Operation, Query string }
	if err := json.Unmarshal(body, &in); err != nil {
		return &sfError{400, "JSON_PARSER_ERROR", "the body is not a job: " + err.Error()}
	}
	if in.Operation != "query" && in.Operation != "queryAll" {
		return &sfError{400, "INVALIDJOB", "operation must be query or queryAll"}
	}
	q, err := parse(in.Query)
	if err != nil {
		return err.(*sfError)
	}
	if q.count {
		return malformed("COUNT() is not supported by Bulk API 2.0 query jobs")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs, rerr := s.st.run(q, in.Operation == "queryAll")
	if rerr != nil {
		return rerr.(*sfError)
	}
	s.seq++
	j := &job{id: fmt.Sprintf("750FAKE%011d", s.seq), operation: in.Operation, object: q.object, query: in.Query,
		version: version, state: "UploadComplete", rows: s.st.csvRows(recs, q.fields)}
	s.jobs[j.id] = j
	writeJSON(w, http.StatusOK, j.info())
	return nil
}

// jobRequest is GET (poll), PATCH (abort) or DELETE of a job.
func (s *Server) jobRequest(w http.ResponseWriter, r *http.Request, version, id string, body []byte) *sfError {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[id]
	if !ok {
		return &sfError{404, "NOT_FOUND", "The requested resource does not exist"}
	}
	switch r.Method {
	case http.MethodGet:
		if j.state == "UploadComplete" || j.state == "InProgress" {
			if j.polls >= s.bulkPolls {
				j.state = "JobComplete"
			} else {
				j.state = "InProgress"
			}
			j.polls++
		}
	case http.MethodPatch:
		var in struct{ State string }
		if json.Unmarshal(body, &in) != nil || in.State != "Aborted" {
			return &sfError{400, "INVALIDJOBSTATE", "a query job can only be set to Aborted"}
		}
		if j.state == "JobComplete" || j.state == "Failed" {
			return &sfError{400, "INVALIDJOBSTATE", "the job is " + j.state + " and cannot be aborted"}
		}
		j.state = "Aborted"
	case http.MethodDelete:
		delete(s.jobs, id)
		w.WriteHeader(http.StatusNoContent)
		return nil
	default:
		return &sfError{405, "METHOD_NOT_ALLOWED", "HTTP method not allowed"}
	}
	writeJSON(w, http.StatusOK, j.info())
	return nil
}

// results answers one CSV result set.
func (s *Server) results(w http.ResponseWriter, r *http.Request, version, id string) *sfError {
	s.mu.Lock()
	j, ok := s.jobs[id]
	s.mu.Unlock()
	switch {
	case !ok:
		return &sfError{404, "NOT_FOUND", "The requested resource does not exist"}
	case j.version != version:
		return &sfError{409, "INVALIDVERSION", "the results must be read with the version the job was created with, " + j.version}
	case j.state != "JobComplete":
		return &sfError{400, "INVALIDJOBSTATE", "the job is " + j.state + ", not JobComplete"}
	}
	offset := 0
	if loc := r.URL.Query().Get("locator"); loc != "" {
		b, err := base64.RawStdEncoding.DecodeString(loc)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 || n > len(j.rows)-1 {
			return &sfError{400, "INVALIDLOCATOR", "invalid locator"}
		}
		offset = n
	}
	size := maxResultSet
	if m := r.URL.Query().Get("maxRecords"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n <= 0 {
			return &sfError{400, "INVALIDPARAMETER", "maxRecords must be a positive integer"}
		}
		size = min(n, maxResultSet)
	}
	data := j.rows[1:]
	end := min(offset+size, len(data))
	rows := append([][]string{j.rows[0]}, data[offset:end]...)
	next := "null"
	if end < len(data) {
		next = base64.RawStdEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Sforce-Locator", next)
	w.Header().Set("Sforce-NumberOfRecords", strconv.Itoa(end-offset))
	out := writeCSV(rows)
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(http.StatusOK)
		zw := gzip.NewWriter(w)
		zw.Write(out)
		zw.Close()
		return nil
	}
	w.WriteHeader(http.StatusOK)
	w.Write(out)
	return nil
}
