// Package hcmatomtest is a fake Oracle HCM Cloud ATOM feed server, in the
// manner of net/http/httptest, for testing code that uses hcmatom without a
// pod: NewServer in a test, Start from any program (a tool in another
// language can be pointed at its URL, with Username and Password). The
// protocol facts it models are in docs/hcmatom.md.
//
// It is a model of the documented server (Oracle's "Reading a Feed",
// "Navigating a Feed", "Polling a Feed" and "Reading an Entry" pages, and
// the integration guide for entitlement management systems): it holds
// entries per collection under /hcmRestApi/atomservlet (or another prefix)
// and answers feed requests with Oracle's query semantics:
//
//   - updated-min and published-min are exclusive lower bounds,
//     updated-max and published-max inclusive upper bounds;
//   - entries whose <updated> is later than now are hidden, unless an
//     updated-max past them or a published bound is given;
//   - orderBy=updated:asc or published:asc, and newest first when no order
//     is asked; entries with equal timestamps keep the order they were
//     added in;
//   - page (from 1) and page-size (10 by default);
//   - a single entry at .../<collection>/<entry id>;
//   - HTTP Basic authentication, Oracle Fusion JWTs (RS256, x5t of a
//     registered certificate, trusted issuer, expiry) when configured
//     (WithFusionJWT), and a static OAuth bearer token (WithBearerToken);
//   - plain HTTP on loopback, or HTTPS with WithTLS (RootCAs for the
//     client's WithRootCAs);
//   - entry ids in Oracle's form, atomservlet:<collection>:<key>, absolute
//     IRIs as Atom requires (see Add).
//
// Helpers add realistic entries in Oracle's format (Hire, Promote,
// Terminate, ...), keeping a small model of the workers so that old values
// are right. Faults makes the server misbehave (429, 503, dropped
// connections, garbled bodies, ...).
package hcmatomtest

import (
	"bytes"
	"crypto/subtle"
	"crypto/x509"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/internal/fault"
	"github.com/hrbridge/hrbridge/internal/fusionjwt"
)

// Fault is a misbehaviour to push on Server.Faults.
type Fault = fault.Fault

// The credentials the server accepts unless WithBasicAuth says otherwise.
const (
	DefaultUsername = "HCM_INTEGRATION"
	DefaultPassword = "fake-password-Welcome1"
)

// Option configures a Server.
type Option func(*Server)

// WithBasicAuth sets the user and password the server accepts.
func WithBasicAuth(user, password string) Option {
	return func(s *Server) { s.Username, s.Password = user, password }
}

// WithFusionJWT makes the server accept bearer JWTs from the trusted
// issuer, signed with the key of cert (the certificate registered in the
// Security Console), naming the server's user in prn or sub.
func WithFusionJWT(issuer string, cert *x509.Certificate) Option {
	return func(s *Server) {
		s.issuer = issuer
		s.certs = append(s.certs, cert)
	}
}

// WithBearerToken makes the server accept this OAuth access token
// ("Authorization: Bearer"), as for the user Username: what a client given
// hcmatom.WithTokenSource with a static token sends.
func WithBearerToken(token string) Option {
	return func(s *Server) { s.token = token }
}

// WithClock sets the server's clock (time.Now by default): entries updated
// later than it are hidden, as Oracle hides future-dated changes until they
// take effect, and Fusion JWTs are checked against it (iat, exp). A test
// that moves the clock far from the real time should use Basic
// authentication: the client signs its tokens with the real time.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithTLS serves HTTPS with a certificate of its own; give RootCAs to the
// client (hcmatom.WithRootCAs) to trust it.
func WithTLS() Option { return func(s *Server) { s.tls = true } }

// WithPathPrefix serves the feeds under prefix instead of /hcmRestApi
// (older pods use /hcmCoreApi).
func WithPathPrefix(prefix string) Option {
	return func(s *Server) { s.prefix = strings.TrimRight(prefix, "/") }
}

// WithNextLinks makes feed pages carry a rel="next" link when more entries
// follow. Oracle does not document one; some clients meet one.
func WithNextLinks() Option { return func(s *Server) { s.nextLinks = true } }

// WithEscapedContent writes <content> as escaped text instead of in a
// CDATA section.
func WithEscapedContent() Option { return func(s *Server) { s.escaped = true } }

// WithMaxPageSize caps page-size at n, as a server might.
func WithMaxPageSize(n int) Option { return func(s *Server) { s.maxPageSize = n } }

// Request is a request the server received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	User   string // the authenticated user; "" when authentication failed
	Status int    // the status the server answered (before any fault)
}

// stored is an entry in a collection, with the order it was added in.
type stored struct {
	e   hcmatom.Entry
	seq int
}

// Server is the fake feed server. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the server, e.g. http://127.0.0.1:12345.
	URL string
	// Faults wraps the server's handler: push faults on it.
	Faults *fault.Injector
	// Username and Password are the Basic credentials accepted.
	Username, Password string

	tb          testing.TB
	srv         *httptest.Server
	prefix      string
	issuer      string
	token       string
	certs       []*x509.Certificate
	now         func() time.Time
	tls         bool
	nextLinks   bool
	escaped     bool
	maxPageSize int

	mu       sync.Mutex
	feeds    map[hcmatom.Collection][]stored
	seq      int
	requests []Request
	world    world
}

// NewServer starts a server that t closes when the test ends.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := newServer(opts)
	s.tb = t
	t.Cleanup(s.Close)
	return s
}

// Start starts a server on loopback outside a test (a program, an example,
// a tool written in another language pointed at it); call Close when done.
// Helpers panic on misuse where a test's server would fail the test.
func Start(opts ...Option) (*Server, error) {
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("hcmatomtest: Start: nil option")
		}
	}
	return newServer(opts), nil
}

func newServer(opts []Option) *Server {
	s := &Server{Username: DefaultUsername, Password: DefaultPassword, prefix: hcmatom.DefaultPathPrefix,
		now: time.Now, feeds: map[hcmatom.Collection][]stored{}, Faults: fault.New()}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.world.init()
	s.srv = httptest.NewUnstartedServer(s.Faults.Wrap(s))
	if s.tls {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	s.URL = s.srv.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// RootCAs returns the certificate authority of a server started WithTLS,
// for hcmatom.WithRootCAs; nil for a plain HTTP server.
func (s *Server) RootCAs() *x509.CertPool {
	if !s.tls {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.srv.Certificate())
	return pool
}

// Client returns an http.Client for the server, which trusts its
// certificate when it serves HTTPS.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// fatalf reports a misuse of a helper.
func (s *Server) fatalf(format string, args ...any) {
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("hcmatomtest: "+format, args...)
	}
	panic(fmt.Sprintf("hcmatomtest: "+format, args...))
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Add appends an entry to a collection and returns it as stored. An entry
// without an ID gets one; without Published, it is Updated's. Timestamps are
// kept to the millisecond, as Oracle's are.
//
// Entry ids are absolute IRIs, as Atom requires (RFC 4287, 4.2.6), in the
// form of Oracle's own sample entry ("Oracle Applications Cloud as
// Source": <id>atomservlet:userRequests:userRequests300100089891619</id>):
// "atomservlet:<collection>:<key>", where the key is the last segment of
// the entry's URL, which the entry links to with rel="edit" as that sample
// does, and which Oracle's "Reading an Entry" page reads an entry by
// (.../empupdate/EMP300100305842893). An ID given that is not an absolute
// IRI is taken as that key.
func (s *Server) Add(c hcmatom.Collection, e hcmatom.Entry) hcmatom.Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.add(c, e)
}

func (s *Server) add(c hcmatom.Collection, e hcmatom.Entry) hcmatom.Entry {
	s.seq++
	if e.ID == "" {
		prefix := "EMP"
		if c.Workspace() != "employee" {
			prefix = "WS"
		}
		e.ID = fmt.Sprintf("%s%d", prefix, 300100900000000+int64(s.seq))
	}
	if u, err := url.Parse(e.ID); err != nil || !u.IsAbs() {
		key := url.PathEscape(e.ID)
		e.ID = "atomservlet:" + c.Name() + ":" + key
		e.Links = append([]hcmatom.Link{{Rel: "edit", Href: s.URL + s.prefix + "/atomservlet/" + string(c) + "/" + key}}, e.Links...)
	}
	e.Updated = e.Updated.UTC().Truncate(time.Millisecond)
	if e.Published.IsZero() {
		e.Published = e.Updated
	}
	e.Published = e.Published.UTC().Truncate(time.Millisecond)
	e.XML = ""
	s.feeds[c] = append(s.feeds[c], stored{e: e, seq: s.seq})
	return e
}

// Entries returns the entries of a collection in the order they were added.
func (s *Server) Entries(c hcmatom.Collection) []hcmatom.Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hcmatom.Entry
	for _, st := range s.feeds[c] {
		out = append(out, st.e)
	}
	return out
}

// feedTitle returns a feed's title, as Oracle's pages give it, or "" for a
// collection Oracle does not document.
func feedTitle(c hcmatom.Collection) string {
	switch c {
	case hcmatom.NewHireFeed:
		return "New Hire"
	case hcmatom.TerminationFeed:
		return "Person Terminated"
	case hcmatom.AssignmentFeed:
		return "Person Assignment Changed"
	case hcmatom.PersonUpdateFeed:
		return "Person Basic Information Changed"
	case hcmatom.PayrollFeed:
		return "Person Payroll Details Updated"
	case hcmatom.WorkRelationshipFeed:
		return "Employee Work Relationship Updated"
	case hcmatom.CancelWorkRelationshipFeed:
		return "Person Work Relationship Cancelled"
	case hcmatom.OrganizationsFeed:
		return "Workstructure Organization Changed"
	case hcmatom.JobsFeed:
		return "Workstructure Job Changed"
	case hcmatom.LocationsFeed:
		return "Workstructure Location Changed"
	case hcmatom.PositionsFeed:
		return "Workstructure Position Changed"
	case hcmatom.GradesFeed:
		return "Workstructure Grade Changed"
	}
	return ""
}

// ServeHTTP answers feed requests. It is the handler Faults wraps.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query()}
	status := s.serve(w, r, &rec)
	rec.Status = status
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
}

// problem answers an error in the JSON shape of Oracle's REST errors.
func problem(w http.ResponseWriter, status int, detail string) int {
	w.Header().Set("Content-Type", "application/vnd.oracle.adf.error+json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"type":"http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4.%d","title":%q,"status":"%d","detail":%q}`,
		status-399, http.StatusText(status), status, detail)
	return status
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rec *Request) int {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return problem(w, http.StatusMethodNotAllowed, "feeds are read with GET")
	}
	user, ok := s.authenticate(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Basic realm="Oracle HCM Cloud"`)
		return problem(w, http.StatusUnauthorized, "authentication failed")
	}
	rec.User = user
	rest, ok := strings.CutPrefix(r.URL.Path, s.prefix+"/atomservlet/")
	if !ok {
		return problem(w, http.StatusNotFound, "no such resource")
	}
	parts := strings.Split(rest, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return problem(w, http.StatusNotFound, "no such feed")
	}
	col := hcmatom.Collection(parts[0] + "/" + parts[1])
	s.mu.Lock()
	defer s.mu.Unlock()
	if feedTitle(col) == "" && s.feeds[col] == nil {
		return problem(w, http.StatusNotFound, "no such collection: "+string(col))
	}
	if len(parts) == 3 {
		for _, st := range s.feeds[col] {
			if st.e.ID == parts[2] || hcmatom.EntryKey(st.e.ID) == parts[2] {
				var b bytes.Buffer
				b.WriteString("<?xml version='1.0' encoding='UTF-8'?>\n")
				s.writeEntry(&b, &st.e, ` xmlns="http://www.w3.org/2005/Atom"`)
				return writeXML(w, r, b.Bytes())
			}
		}
		return problem(w, http.StatusNotFound, "no such entry: "+parts[2])
	}
	q, err := parseQuery(r.URL.Query())
	if err != nil {
		return problem(w, http.StatusBadRequest, err.Error())
	}
	if s.maxPageSize > 0 && q.size > s.maxPageSize {
		q.size = s.maxPageSize
	}
	entries := s.selectEntries(col, q)
	from := (q.page - 1) * q.size
	var page []stored
	if from < len(entries) {
		page = entries[from:min(from+q.size, len(entries))]
	}
	next := ""
	if s.nextLinks && from+q.size < len(entries) {
		u := *r.URL
		u.Scheme, u.Host = s.scheme(), r.Host
		v := u.Query()
		v.Set("page", strconv.Itoa(q.page+1))
		v.Set("page-size", strconv.Itoa(q.size))
		u.RawQuery = v.Encode()
		next = u.String()
	}
	self := *r.URL
	self.Scheme, self.Host = s.scheme(), r.Host
	return writeXML(w, r, s.feedXML(col, page, self.String(), next))
}

func (s *Server) scheme() string {
	if s.tls {
		return "https"
	}
	return "http"
}

func writeXML(w http.ResponseWriter, r *http.Request, body []byte) int {
	w.Header().Set("Content-Type", "application/atom+xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
	return http.StatusOK
}

// authenticate checks Basic credentials or a Fusion JWT.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
		tok = strings.TrimSpace(tok)
		if s.token != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) == 1 {
			return s.Username, true
		}
		if s.issuer == "" {
			return "", false
		}
		v := fusionjwt.Verifier{Issuer: s.issuer, Certs: s.certs, Now: s.now}
		user, err := v.Verify(tok)
		if err != nil || user != s.Username {
			return "", false
		}
		return user, true
	}
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(s.Username)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(s.Password)) != 1 {
		return "", false
	}
	return user, true
}

// query is a parsed feed request.
type query struct {
	updatedMin, updatedMax, publishedMin, publishedMax time.Time
	orderBy                                            string // "", "updated" or "published"
	page, size                                         int
}

func parseQuery(v url.Values) (query, error) {
	q := query{page: 1, size: hcmatom.DefaultPageSize}
	for name, dst := range map[string]*time.Time{"updated-min": &q.updatedMin, "updated-max": &q.updatedMax,
		"published-min": &q.publishedMin, "published-max": &q.publishedMax} {
		if s := v.Get(name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return q, fmt.Errorf("%s=%q is not an ISO 8601 timestamp such as 2017-07-14T14:04:00.000Z", name, s)
			}
			*dst = t
		}
	}
	switch o := v.Get("orderBy"); o {
	case "":
	case "updated:asc", "published:asc":
		q.orderBy, _, _ = strings.Cut(o, ":")
	default:
		return q, fmt.Errorf("orderBy=%q: use updated:asc or published:asc", o)
	}
	for name, dst := range map[string]*int{"page": &q.page, "page-size": &q.size} {
		if s := v.Get(name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return q, fmt.Errorf("%s=%q is not a positive number", name, s)
			}
			*dst = n
		}
	}
	if v.Get("archive") != "" {
		return q, fmt.Errorf("archive feeds are not served by this fake")
	}
	return q, nil
}

// selectEntries filters and orders a collection's entries. Called with
// s.mu held.
func (s *Server) selectEntries(c hcmatom.Collection, q query) []stored {
	now := s.now()
	var out []stored
	for _, st := range s.feeds[c] {
		e := &st.e
		switch {
		case !q.updatedMin.IsZero() && !e.Updated.After(q.updatedMin),
			!q.updatedMax.IsZero() && e.Updated.After(q.updatedMax),
			!q.publishedMin.IsZero() && !e.Published.After(q.publishedMin),
			!q.publishedMax.IsZero() && e.Published.After(q.publishedMax):
			continue
		}
		// Future-dated entries appear once effective, unless an
		// updated-max past them or a published bound asks for them.
		if q.updatedMax.IsZero() && q.publishedMin.IsZero() && q.publishedMax.IsZero() && e.Updated.After(now) {
			continue
		}
		out = append(out, st)
	}
	key := func(st *stored) time.Time {
		if q.orderBy == "published" {
			return st.e.Published
		}
		return st.e.Updated
	}
	slices.SortStableFunc(out, func(a, b stored) int {
		if c := key(&a).Compare(key(&b)); c != 0 {
			return c
		}
		return a.seq - b.seq
	})
	if q.orderBy == "" {
		slices.Reverse(out) // newest first
	}
	return out
}

const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// feedXML writes a feed document.
func (s *Server) feedXML(c hcmatom.Collection, page []stored, self, next string) []byte {
	var b bytes.Buffer
	title := feedTitle(c)
	if title == "" {
		title = c.Name()
	}
	b.WriteString("<?xml version='1.0' encoding='UTF-8'?>\n")
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:app="http://www.w3.org/2007/app">` + "\n")
	b.WriteString("<author><name>SEED_DATA_FROM_APPLICATION</name></author>\n")
	fmt.Fprintf(&b, "<subtitle type=\"text\">%s</subtitle>\n", esc(strings.ReplaceAll(title, " ", "")))
	fmt.Fprintf(&b, "<title type=\"text\">%s</title>\n", esc(title))
	fmt.Fprintf(&b, "<id>atomservlet:%s:%s</id>\n", c.Workspace(), c.Name())
	fmt.Fprintf(&b, "<updated>%s</updated>\n", s.now().UTC().Format(timeLayout))
	fmt.Fprintf(&b, "<link href=\"%s\" rel=\"self\"/>\n", esc(self))
	if next != "" {
		fmt.Fprintf(&b, "<link href=\"%s\" rel=\"next\"/>\n", esc(next))
	}
	for i := range page {
		s.writeEntry(&b, &page[i].e, "")
		b.WriteByte('\n')
	}
	b.WriteString("</feed>\n")
	return b.Bytes()
}

// writeEntry writes an entry in Oracle's layout: title and summary in
// CDATA, the content JSON in CDATA (or escaped).
func (s *Server) writeEntry(b *bytes.Buffer, e *hcmatom.Entry, attrs string) {
	fmt.Fprintf(b, "<entry%s>\n<id>%s</id>\n", attrs, esc(e.ID))
	fmt.Fprintf(b, "<title type=\"text\">%s</title>\n", cdata(e.Title))
	fmt.Fprintf(b, "<updated>%s</updated>\n", e.Updated.UTC().Format(timeLayout))
	if e.Author != "" {
		fmt.Fprintf(b, "<author><name>%s</name></author>\n", esc(e.Author))
	}
	fmt.Fprintf(b, "<summary type=\"text\">%s</summary>\n", cdata(e.Summary))
	fmt.Fprintf(b, "<published>%s</published>\n", e.Published.UTC().Format(timeLayout))
	for _, l := range e.Links {
		fmt.Fprintf(b, "<link href=\"%s\" rel=\"%s\"", esc(l.Href), esc(l.Rel))
		if l.Type != "" {
			fmt.Fprintf(b, " type=\"%s\"", esc(l.Type))
		}
		b.WriteString("/>\n")
	}
	if s.escaped {
		fmt.Fprintf(b, "<content type=\"text\">%s</content>\n", esc(e.Content))
	} else {
		fmt.Fprintf(b, "<content type=\"text\">%s</content>\n", cdata(e.Content))
	}
	b.WriteString("</entry>")
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// cdata wraps s in a CDATA section, splitting any "]]>" it holds.
func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}
