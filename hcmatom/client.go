package hcmatom

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/internal/fusionjwt"
	"github.com/hrbridge/hrbridge/internal/opt"
	"github.com/hrbridge/hrbridge/internal/transport"
	"golang.org/x/oauth2"
)

// Date is a calendar date (hire date, effective date), with no time zone.
type Date = civil.Date

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return civil.DateOf(t) }

// ParseISODate reads a date in HCM's layout, YYYY-MM-DD (the feeds' and the
// extract's). A day that does not exist (2024-02-30) is an error, never
// another day.
func ParseISODate(s string) (Date, error) {
	d, err := civil.ParseISO(s)
	if err != nil {
		return Date{}, invalidf("%v", err)
	}
	return d, nil
}

// Opt is a value that may not have been given.
type Opt[T any] = opt.Value[T]

func optOf[T any](v T) Opt[T] { return opt.Of(v) }

// DefaultPathPrefix is the path before /atomservlet on current pods. Older
// pods and documents use "/hcmCoreApi" (see WithPathPrefix).
const DefaultPathPrefix = "/hcmRestApi"

// DefaultPageSize is Oracle's page size when a request names none.
const DefaultPageSize = 10

// The sentinels every hrbridge package shares (hcmatom.ErrNotFound ==
// cmo.ErrNotFound), for errors.Is on an *APIError.
var (
	// ErrUnauthorized: the credentials were refused (401).
	ErrUnauthorized = apierr.ErrUnauthorized
	// ErrForbidden: authenticated but not allowed (403): the user needs
	// the privilege "Use ATOM Feed" for the workspace.
	ErrForbidden = apierr.ErrForbidden
	// ErrNotFound: no such feed, collection or entry (404, 410).
	ErrNotFound = apierr.ErrNotFound
	// ErrConflict is never returned by the feeds, which are read only;
	// it is here as in every package.
	ErrConflict = apierr.ErrConflict
	// ErrRateLimited: 429, after the retries allowed.
	ErrRateLimited = apierr.ErrRateLimited
	// ErrUnavailable: 5xx or no response, after the retries allowed.
	ErrUnavailable = apierr.ErrUnavailable
	// ErrInvalid: the caller's input failed validation (a query, a key
	// spec, an option); nothing was sent.
	ErrInvalid = apierr.ErrInvalid
	// ErrUnexpectedContent: an HTML page (a single sign-on login page, a
	// proxy's page) where the Atom feed was expected.
	ErrUnexpectedContent = apierr.ErrUnexpectedContent
)

// This package's own sentinels.
var (
	// ErrBadFeed is a response that is not a readable Atom feed (its
	// *APIError wraps a *FeedError).
	ErrBadFeed = errors.New("bad feed")
	// ErrBadEntry is an entry whose content cannot be used (*EntryError).
	ErrBadEntry = errors.New("bad entry")
)

// APIError is a feed request the server refused or failed, or whose answer
// could not be read (Kind ErrBadFeed, Err the *FeedError or the read
// error), after the retries the request was allowed. Its texts are
// redacted. Code is Oracle's error code when the body carries one
// ("o:errorCode"), Message the body's title and detail, or its first bytes.
type APIError = apierr.Error

// pkg is the prefix of this package's errors.
const pkg = "hcmatom"

// apiError turns an error of the transport into an *APIError of operation
// op, reading Oracle's REST error body when there is one.
func apiError(op string, err error) error {
	var he *transport.HTTPError
	if !errors.As(err, &he) {
		return apierr.FromTransport(pkg, op, err)
	}
	e := apierr.FromHTTP(pkg, op, he)
	var body struct {
		Title     string `json:"title"`
		Detail    string `json:"detail"`
		ErrorCode string `json:"o:errorCode"`
	}
	if e.Kind == nil && json.Unmarshal(he.Body, &body) == nil && (body.Title != "" || body.Detail != "") {
		e.Code = body.ErrorCode
		e.Message = apierr.Snippet(strings.Trim(strings.TrimSpace(body.Title+": "+body.Detail), ": "))
	}
	return e
}

// invalidError is input refused before anything was sent: ErrInvalid.
type invalidError struct{ msg string }

func (e *invalidError) Error() string        { return pkg + ": " + e.msg }
func (e *invalidError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &invalidError{msg: fmt.Sprintf(format, args...)}
}

// prefixed gives an error of the shared internals (an option's check) this
// package's prefix in place of "hrbridge: ", keeping it for errors.Is.
type prefixed struct{ err error }

func (e *prefixed) Error() string {
	return pkg + ": " + strings.TrimPrefix(e.err.Error(), "hrbridge: ")
}
func (e *prefixed) Unwrap() error { return e.err }

// wrapped is err in the context msg, with this package's prefix once even
// when err has it too.
type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return pkg + ": " + e.msg + ": " + unprefixed(e.err) }
func (e *wrapped) Unwrap() error { return e.err }

func wrap(msg string, err error) error { return &wrapped{msg, err} }

// unprefixed is err's text without this package's or hrbridge's prefix.
func unprefixed(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, pkg+": ")
	return strings.TrimPrefix(s, "hrbridge: ")
}

func ownErr(err error) error {
	if err == nil || strings.HasPrefix(err.Error(), pkg+": ") {
		return err
	}
	return &prefixed{err}
}

// Option configures a Client.
type Option func(*config) error

type config struct {
	tc     transport.Config
	prefix string
	auth   string // the option that set the authentication, to refuse two
}

// WithHTTPClient sends requests with a copy of hc (its Transport and
// Timeout), instead of the client's own pooled one.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error { return c.tc.SetHTTPClient(hc) }
}

// WithRetry sets how many times a failed read is sent again (0 disables
// retries) and the longest wait between attempts, which also caps a
// server's Retry-After. The default is 3 retries and 30 seconds.
func WithRetry(retries int, maxWait time.Duration) Option {
	return func(c *config) error { return c.tc.SetRetry(retries, maxWait) }
}

// WithLogger logs each attempt at debug level (redacted) to l.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { return c.tc.SetLogger(l) }
}

// WithUserAgent puts ua before the SDK's own User-Agent product token.
func WithUserAgent(ua string) Option {
	return func(c *config) error { return c.tc.SetUserAgent(ua) }
}

// WithMaxBodyBytes caps the size of a feed page (DefaultMaxFeedBytes by
// default).
func WithMaxBodyBytes(n int64) Option {
	return func(c *config) error { return c.tc.SetMaxBodyBytes(n) }
}

// WithInsecureHTTP allows a plain http:// base URL. It exists for the fake
// server of hcmatomtest on loopback: credentials then cross unencrypted.
func WithInsecureHTTP() Option {
	return func(c *config) error {
		c.tc.AllowHTTP = true
		return nil
	}
}

// WithRootCAs trusts only the certificate authorities of pool (a company
// CA, or the fake's: hcmatomtest's Server.RootCAs).
func WithRootCAs(pool *x509.CertPool) Option {
	return func(c *config) error { return c.tc.SetRootCAs(pool) }
}

// WithTokenSource authenticates with the OAuth bearer tokens of ts (a
// static token from oauth2.StaticTokenSource, or the caller's own flow):
// Oracle's REST endpoints, the feeds among them, take OAuth 2.0 access
// tokens. The token is redacted from errors and logs.
func WithTokenSource(ts oauth2.TokenSource) Option {
	return func(c *config) error {
		if err := c.setAuth("WithTokenSource"); err != nil {
			return err
		}
		return c.tc.SetTokenSource(ts)
	}
}

// WithBasicAuth authenticates with HTTP Basic, as every Oracle sample does.
func WithBasicAuth(user, password string) Option {
	return func(c *config) error {
		if user == "" || password == "" {
			return invalidf("WithBasicAuth: user and password must not be empty")
		}
		if err := c.setAuth("WithBasicAuth"); err != nil {
			return err
		}
		c.tc.Auth = transport.Basic(user, password)
		c.tc.Secrets = append(c.tc.Secrets, password)
		return nil
	}
}

// WithFusionJWT authenticates with a JSON Web Token that the client signs
// with key (RS256) and sends as a bearer token: issuer is the trusted
// issuer and cert the certificate registered under Security Console > API
// Authentication (the token names it by its SHA-1 thumbprint, x5t), user
// the Fusion user the calls run as. Tokens are re-signed before they expire
// and when the server answers 401.
func WithFusionJWT(issuer, user string, key *rsa.PrivateKey, cert *x509.Certificate) Option {
	return func(c *config) error {
		if err := c.setAuth("WithFusionJWT"); err != nil {
			return err
		}
		a, err := fusionjwt.NewAuthorizer(fusionjwt.Config{Issuer: issuer, Username: user, Key: key, Cert: cert})
		if err != nil {
			return err
		}
		c.tc.Auth = a
		return nil
	}
}

func (c *config) setAuth(name string) error {
	if c.auth != "" {
		return invalidf("%s: authentication already set by %s", name, c.auth)
	}
	c.auth = name
	return nil
}

// WithPathPrefix sets the path before /atomservlet: "/hcmRestApi" by
// default, "/hcmCoreApi" on older pods.
func WithPathPrefix(prefix string) Option {
	return func(c *config) error {
		p := strings.TrimRight(prefix, "/")
		if p != "" && (!strings.HasPrefix(p, "/") || strings.Contains(p, "..") || strings.ContainsAny(p, "?#")) {
			return invalidf("WithPathPrefix(%q): want an absolute path such as /hcmRestApi", prefix)
		}
		c.prefix = p
		return nil
	}
}

// Client reads Oracle HCM Cloud ATOM feeds. It is safe for concurrent use.
type Client struct {
	tc      *transport.Client
	prefix  string
	maxBody int64
	log     *slog.Logger
}

// NewClient returns a client for the pod at baseURL, such as
// "https://acme.fa.us2.oraclecloud.com". The base URL's path is put before
// the path prefix (https://host/tenant reads
// https://host/tenant/hcmRestApi/atomservlet/...); a query or a fragment is
// refused. The feeds require authentication: one of WithBasicAuth,
// WithFusionJWT and WithTokenSource must be given.
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg := config{prefix: DefaultPathPrefix}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, ownErr(err)
		}
	}
	if cfg.auth == "" {
		return nil, invalidf("NewClient: no credentials: use WithBasicAuth, WithFusionJWT or WithTokenSource")
	}
	cfg.tc.BaseURL = baseURL
	tc, err := transport.New(cfg.tc)
	if err != nil {
		return nil, ownErr(err)
	}
	max := cfg.tc.MaxBodyBytes
	if max <= 0 {
		max = DefaultMaxFeedBytes
	}
	log := cfg.tc.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{tc: tc, prefix: cfg.prefix, maxBody: max, log: log}, nil
}

// path returns the URL path of a collection.
func (c *Client) path(col Collection) string {
	return c.prefix + "/atomservlet/" + string(col)
}

// Order chooses the timestamp a feed is read by.
type Order int

const (
	// ByUpdated reads by <updated> (updated-min, orderBy=updated:asc):
	// future-dated changes arrive once they take effect.
	ByUpdated Order = iota
	// ByPublished reads by <published> (published-min,
	// orderBy=published:asc): changes arrive when they are entered.
	ByPublished
)

// String returns "updated" or "published".
func (o Order) String() string {
	switch o {
	case ByUpdated:
		return "updated"
	case ByPublished:
		return "published"
	}
	return "Order(" + strconv.Itoa(int(o)) + ")"
}

// MarshalText encodes the order as "updated" or "published".
func (o Order) MarshalText() ([]byte, error) {
	if o != ByUpdated && o != ByPublished {
		return nil, invalidf("unknown order %d", int(o))
	}
	return []byte(o.String()), nil
}

// UnmarshalText decodes "updated" or "published".
func (o *Order) UnmarshalText(b []byte) error {
	switch string(b) {
	case "updated", "":
		*o = ByUpdated
	case "published":
		*o = ByPublished
	default:
		return invalidf("unknown order %q", b)
	}
	return nil
}

// at returns an entry's timestamp in this order.
func (o Order) at(e *Entry) time.Time {
	if o == ByPublished {
		return e.Published
	}
	return e.Updated
}

// Query selects a page of a feed.
type Query struct {
	Collection Collection
	Order      Order
	// After is the exclusive lower bound (updated-min or published-min):
	// only entries strictly later are read. Zero reads from the start.
	// Read by published, future-dated entries are read when entered; read
	// by updated, when they take effect.
	After time.Time
	// Until is the inclusive upper bound (updated-max or published-max);
	// zero sets none. By default Oracle returns no entry whose <updated>
	// is in the future; an updated-max past it returns it.
	Until    time.Time
	Page     int // from 1; 0 means 1
	PageSize int // 0 means DefaultPageSize
}

func (q Query) pageSize() int {
	if q.PageSize <= 0 {
		return DefaultPageSize
	}
	return q.PageSize
}

func (q Query) check() error {
	if err := q.Collection.check(); err != nil {
		return err
	}
	switch {
	case q.Order != ByUpdated && q.Order != ByPublished:
		return invalidf("unknown order %d", int(q.Order))
	case q.Page < 0 || q.PageSize < 0:
		return invalidf("page %d and page size %d must not be negative", q.Page, q.PageSize)
	case !q.Until.IsZero() && !q.After.IsZero() && q.Until.Before(q.After):
		return invalidf("Until %v is before After %v", q.Until, q.After)
	}
	return nil
}

// timestampLayout is how Oracle writes feed timestamps (milliseconds, UTC).
const timestampLayout = "2006-01-02T15:04:05.000Z07:00"

// values returns the query parameters of q. A lower bound is rounded down
// to the millisecond (entries it then lets through again are dropped by the
// reader), an upper bound up. Read by published, the lower bound is always
// sent (the Unix epoch when After is zero): Oracle hides future-dated
// entries unless a published bound is given, and a reader that met them
// only once they took effect would have moved past their published time.
func (q Query) values() url.Values {
	v := url.Values{}
	by := q.Order.String()
	switch {
	case !q.After.IsZero():
		v.Set(by+"-min", q.After.UTC().Truncate(time.Millisecond).Format(timestampLayout))
	case q.Order == ByPublished:
		v.Set(by+"-min", time.Unix(0, 0).UTC().Format(timestampLayout))
	}
	if !q.Until.IsZero() {
		u := q.Until.UTC()
		if t := u.Truncate(time.Millisecond); t.Before(u) {
			u = t.Add(time.Millisecond)
		}
		v.Set(by+"-max", u.Format(timestampLayout))
	}
	v.Set("orderBy", by+":asc")
	page := q.Page
	if page <= 0 {
		page = 1
	}
	v.Set("page", strconv.Itoa(page))
	v.Set("page-size", strconv.Itoa(q.pageSize()))
	return v
}

// FeedPage is one page of a feed document, as the server sent it.
type FeedPage struct {
	Query   Query
	Feed    FeedInfo
	Entries []Entry
	// Next is the feed's rel="next" link, made absolute; "" when the page
	// has none (Oracle does not document one: paging is by page number).
	Next string
}

// More reports whether another page may follow: this one is full, or it
// links to a next one.
func (p *FeedPage) More() bool {
	return len(p.Entries) >= p.Query.pageSize() || p.Next != ""
}

// ReadPage reads one page of a feed, as Oracle's "Reading a Feed" and
// "Polling a Feed" pages describe: entries after q.After, oldest first,
// page q.Page of q.PageSize entries. The entries' content is not decoded:
// see Decode. It is the raw page of the server; EntriesPage and Events
// read a feed without losing the entries that share a timestamp across a
// page edge.
func (c *Client) ReadPage(ctx context.Context, q Query) (*FeedPage, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	return c.readPage(ctx, "ReadPage", q, &transport.Request{Method: http.MethodGet, Path: c.path(q.Collection), Query: q.values()})
}

// NextPage reads the page after p: the one its next link names, else
// page number p.Query.Page+1 of the same query. Call it while p.More().
func (c *Client) NextPage(ctx context.Context, p *FeedPage) (*FeedPage, error) {
	q := p.Query
	if q.Page <= 0 {
		q.Page = 1
	}
	q.Page++
	return c.follow(ctx, q, p.Next)
}

// follow reads page q, at the link next when there is one.
func (c *Client) follow(ctx context.Context, q Query, next string) (*FeedPage, error) {
	if next == "" {
		return c.ReadPage(ctx, q)
	}
	u, err := url.Parse(next)
	want := c.tc.BaseURL().JoinPath(c.path(q.Collection)).Path
	if !strings.HasPrefix(want, "/") {
		want = "/" + want // JoinPath on a base URL without a path
	}
	if err != nil || u.Path != want {
		return nil, &APIError{Package: pkg, Op: "ReadPage", Kind: ErrBadFeed,
			Err: &FeedError{Msg: fmt.Sprintf("the next link %q does not lead to the same feed", c.tc.Redact(next))}}
	}
	return c.readPage(ctx, "ReadPage", q, &transport.Request{Method: http.MethodGet, Path: next})
}

// ReadEntry reads one entry at its own URL, as Oracle's "Reading an Entry"
// page shows (/atomservlet/employee/empupdate/EMP300100305842893). id is
// the entry's <id> or its key (see EntryKey).
func (c *Client) ReadEntry(ctx context.Context, col Collection, id string) (Entry, error) {
	if err := col.check(); err != nil {
		return Entry{}, err
	}
	id = EntryKey(id)
	if id == "" || strings.ContainsAny(id, "/?#") {
		return Entry{}, invalidf("entry id %q cannot be put in a URL path", id)
	}
	p, err := c.readPage(ctx, "ReadEntry", Query{Collection: col}, &transport.Request{Method: http.MethodGet, Path: c.path(col) + "/" + url.PathEscape(id)})
	if err != nil {
		return Entry{}, err
	}
	if len(p.Entries) != 1 {
		return Entry{}, &APIError{Package: pkg, Op: "ReadEntry", Kind: ErrBadFeed,
			Err: &FeedError{Msg: fmt.Sprintf("the answer for entry %q holds %d entries, not one", id, len(p.Entries))}}
	}
	return p.Entries[0], nil
}

// EntryKey returns what names an entry in its URL: the last segment of an
// <id> that is an IRI ("EMP300100305842893" of Oracle's form
// "atomservlet:empupdate:EMP300100305842893", or of a URL ending in it),
// else the id itself.
func EntryKey(id string) string {
	if i := strings.LastIndexAny(id, "/:"); i >= 0 && strings.Contains(id, ":") {
		return id[i+1:]
	}
	return id
}

// readPage sends req and reads the feed document it answers.
func (c *Client) readPage(ctx context.Context, op string, q Query, req *transport.Request) (*FeedPage, error) {
	req.Header = http.Header{"Accept": {"application/atom+xml, application/xml;q=0.9"}}
	resp, err := c.tc.Do(ctx, req)
	if err != nil {
		return nil, apiError(op, err)
	}
	defer resp.Body.Close()
	if err := apierr.CheckContent(pkg, op, resp, "an Atom feed"); err != nil {
		return nil, err
	}
	p := &FeedPage{Query: q}
	fr := NewFeedReader(resp.Body, c.maxBody)
	for {
		e, err := fr.Next()
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, c.readError(op, resp, err)
		}
		p.Entries = append(p.Entries, e)
	}
	p.Feed = fr.Feed()
	if next := p.Feed.Link("next"); next != "" {
		u, err := resp.Request.URL.Parse(next)
		if err != nil {
			return nil, c.readError(op, resp, &FeedError{Msg: fmt.Sprintf("the next link %q is not a URL", c.tc.Redact(next))})
		}
		if u.String() == resp.Request.URL.String() {
			return nil, c.readError(op, resp, &FeedError{Msg: "the next link leads to the same page"})
		}
		p.Next = u.String()
	}
	return p, nil
}

// readError is an answer that could not be read (cut short, larger than
// the limit, not a readable feed): an *APIError naming the request, of
// Kind ErrBadFeed when the document itself is bad.
func (c *Client) readError(op string, resp *http.Response, err error) error {
	u := *resp.Request.URL
	u.User = nil
	e := &APIError{Package: pkg, Op: op, Method: resp.Request.Method, URL: c.tc.Redact(u.String()),
		StatusCode: resp.StatusCode, RequestID: apierr.RequestID(resp.Header), Err: err}
	var fe *FeedError
	if errors.As(err, &fe) {
		e.Kind = ErrBadFeed
	}
	return e
}
