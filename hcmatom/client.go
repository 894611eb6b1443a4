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

	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/internal/fusionjwt"
	"github.com/hrbridge/hrbridge/internal/opt"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// Date is a calendar date (hire date, effective date), with no time zone.
type Date = civil.Date

// Opt is a value that may not have been given.
type Opt[T any] = opt.Value[T]

func optOf[T any](v T) Opt[T] { return opt.Of(v) }

// DefaultPathPrefix is the path before /atomservlet on current pods. Older
// pods and documents use "/hcmCoreApi" (see WithPathPrefix).
const DefaultPathPrefix = "/hcmRestApi"

// DefaultPageSize is Oracle's page size when a request names none.
const DefaultPageSize = 10

// Errors that errors.Is finds in the errors of this package.
var (
	ErrUnauthorized = errors.New("hrbridge: hcmatom: authentication refused (401)")
	ErrForbidden    = errors.New("hrbridge: hcmatom: access denied (403): the user needs the privilege \"Use ATOM Feed\" for the workspace")
	ErrNotFound     = errors.New("hrbridge: hcmatom: not found (404)")
	ErrRateLimited  = errors.New("hrbridge: hcmatom: rate limited (429)")
	ErrUnavailable  = errors.New("hrbridge: hcmatom: service unavailable")
	// ErrBadFeed is a response that is not a readable Atom feed (*FeedError).
	ErrBadFeed = errors.New("hrbridge: hcmatom: bad feed")
	// ErrBadEntry is an entry whose content cannot be used (*EntryError).
	ErrBadEntry = errors.New("hrbridge: hcmatom: bad entry")
)

// APIError is an answer from the feed server with a status other than 2xx,
// after the retries the request was allowed. Its texts are redacted.
type APIError struct {
	Method     string
	URL        string
	StatusCode int
	Status     string
	Code       string // Oracle's error code, when the body carries one ("o:errorCode")
	Message    string // the body's title or detail, or its first bytes
	Attempts   int
}

// Error gives the request, the status, Oracle's code and message.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hrbridge: hcmatom: %s %s: %s", e.Method, e.URL, e.Status)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " [%s]", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Is maps the status to this package's sentinel errors.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnavailable:
		return e.StatusCode == http.StatusServiceUnavailable || e.StatusCode == http.StatusBadGateway ||
			e.StatusCode == http.StatusGatewayTimeout
	}
	return false
}

// apiError turns the transport's HTTPError into an APIError.
func apiError(he *transport.HTTPError) *APIError {
	e := &APIError{Method: he.Method, URL: he.URL, StatusCode: he.StatusCode, Status: he.Status, Attempts: he.Attempts}
	var body struct {
		Title     string `json:"title"`
		Detail    string `json:"detail"`
		ErrorCode string `json:"o:errorCode"`
	}
	text := strings.TrimSpace(string(he.Body))
	if json.Unmarshal(he.Body, &body) == nil && (body.Title != "" || body.Detail != "") {
		e.Code = body.ErrorCode
		text = strings.TrimSpace(body.Title + ": " + body.Detail)
		text = strings.Trim(text, ": ")
	}
	if len(text) > 512 {
		text = strings.ToValidUTF8(text[:512], "") + "…"
	}
	e.Message = text
	return e
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

// WithBasicAuth authenticates with HTTP Basic, as every Oracle sample does.
func WithBasicAuth(user, password string) Option {
	return func(c *config) error {
		if user == "" || password == "" {
			return errors.New("hrbridge: hcmatom: WithBasicAuth: user and password must not be empty")
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
		return fmt.Errorf("hrbridge: hcmatom: %s: authentication already set by %s", name, c.auth)
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
			return fmt.Errorf("hrbridge: hcmatom: WithPathPrefix(%q): want an absolute path such as /hcmRestApi", prefix)
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
// "https://acme.fa.us2.oraclecloud.com".
func NewClient(baseURL string, opts ...Option) (*Client, error) {
	cfg := config{prefix: DefaultPathPrefix}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	cfg.tc.BaseURL = baseURL
	tc, err := transport.New(cfg.tc)
	if err != nil {
		return nil, err
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
		return nil, fmt.Errorf("hrbridge: hcmatom: unknown order %d", int(o))
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
		return fmt.Errorf("hrbridge: hcmatom: unknown order %q", b)
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
		return fmt.Errorf("hrbridge: hcmatom: unknown order %d", int(q.Order))
	case q.Page < 0 || q.PageSize < 0:
		return fmt.Errorf("hrbridge: hcmatom: page %d and page size %d must not be negative", q.Page, q.PageSize)
	case !q.Until.IsZero() && !q.After.IsZero() && q.Until.Before(q.After):
		return fmt.Errorf("hrbridge: hcmatom: Until %v is before After %v", q.Until, q.After)
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

// Page is one page of a feed.
type Page struct {
	Query   Query
	Feed    FeedInfo
	Entries []Entry
	// Next is the feed's rel="next" link, made absolute; "" when the page
	// has none (Oracle does not document one: paging is by page number).
	Next string
}

// More reports whether another page may follow: this one is full, or it
// links to a next one.
func (p *Page) More() bool {
	return len(p.Entries) >= p.Query.pageSize() || p.Next != ""
}

// ReadPage reads one page of a feed, as Oracle's "Reading a Feed" and
// "Polling a Feed" pages describe: entries after q.After, oldest first,
// page q.Page of q.PageSize entries. The entries' content is not decoded:
// see Decode.
func (c *Client) ReadPage(ctx context.Context, q Query) (*Page, error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	return c.readPage(ctx, q, &transport.Request{Method: http.MethodGet, Path: c.path(q.Collection), Query: q.values()})
}

// NextPage reads the page after p: the one its next link names, else
// page number p.Query.Page+1 of the same query. Call it while p.More().
func (c *Client) NextPage(ctx context.Context, p *Page) (*Page, error) {
	q := p.Query
	if q.Page <= 0 {
		q.Page = 1
	}
	q.Page++
	return c.follow(ctx, q, p.Next)
}

// follow reads page q, at the link next when there is one.
func (c *Client) follow(ctx context.Context, q Query, next string) (*Page, error) {
	if next == "" {
		return c.ReadPage(ctx, q)
	}
	u, err := url.Parse(next)
	want := c.tc.BaseURL().JoinPath(c.path(q.Collection)).Path
	if !strings.HasPrefix(want, "/") {
		want = "/" + want // JoinPath on a base URL without a path
	}
	if err != nil || u.Path != want {
		return nil, &FeedError{Msg: fmt.Sprintf("the next link %q does not lead to the same feed", c.tc.Redact(next))}
	}
	return c.readPage(ctx, q, &transport.Request{Method: http.MethodGet, Path: next})
}

// ReadEntry reads one entry at its own URL, as Oracle's "Reading an Entry"
// page shows (/atomservlet/employee/empupdate/EMP300100305842893).
func (c *Client) ReadEntry(ctx context.Context, col Collection, id string) (Entry, error) {
	if err := col.check(); err != nil {
		return Entry{}, err
	}
	if id == "" || strings.ContainsAny(id, "/?#") {
		return Entry{}, fmt.Errorf("hrbridge: hcmatom: entry id %q cannot be put in a URL path", id)
	}
	p, err := c.readPage(ctx, Query{Collection: col}, &transport.Request{Method: http.MethodGet, Path: c.path(col) + "/" + url.PathEscape(id)})
	if err != nil {
		return Entry{}, err
	}
	if len(p.Entries) != 1 {
		return Entry{}, &FeedError{Msg: fmt.Sprintf("the answer for entry %q holds %d entries, not one", id, len(p.Entries))}
	}
	return p.Entries[0], nil
}

// readPage sends req and reads the feed document it answers.
func (c *Client) readPage(ctx context.Context, q Query, req *transport.Request) (*Page, error) {
	req.Header = http.Header{"Accept": {"application/atom+xml, application/xml;q=0.9"}}
	resp, err := c.tc.Do(ctx, req)
	if err != nil {
		var he *transport.HTTPError
		if errors.As(err, &he) {
			return nil, apiError(he)
		}
		return nil, err
	}
	defer resp.Body.Close()
	p := &Page{Query: q}
	fr := NewFeedReader(resp.Body, c.maxBody)
	for {
		e, err := fr.Next()
		if err != nil {
			if err == io.EOF {
				break
			}
			return nil, c.readError(resp, err)
		}
		p.Entries = append(p.Entries, e)
	}
	p.Feed = fr.Feed()
	if next := p.Feed.Link("next"); next != "" {
		u, err := resp.Request.URL.Parse(next)
		if err != nil {
			return nil, c.readError(resp, &FeedError{Msg: fmt.Sprintf("the next link %q is not a URL", c.tc.Redact(next))})
		}
		if u.String() == resp.Request.URL.String() {
			return nil, c.readError(resp, &FeedError{Msg: "the next link leads to the same page"})
		}
		p.Next = u.String()
	}
	return p, nil
}

// readError names the request in an error met while reading its answer.
func (c *Client) readError(resp *http.Response, err error) error {
	u := *resp.Request.URL
	u.User = nil
	return &ReadError{Method: resp.Request.Method, URL: c.tc.Redact(u.String()), Err: err}
}

// ReadError is an answer that could not be read: cut short, larger than
// the limit, or not a readable feed (its Err is then a *FeedError).
type ReadError struct {
	Method, URL string
	Err         error
}

// Error names the request and what went wrong reading its answer.
func (e *ReadError) Error() string {
	return fmt.Sprintf("hrbridge: hcmatom: %s %s: reading the answer: %v", e.Method, e.URL, e.Err)
}

// Unwrap returns the underlying error.
func (e *ReadError) Unwrap() error { return e.Err }
