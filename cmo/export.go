package cmo

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/internal/paging"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// Export API limits and formats ("Call the API", "Supported Parameters").
const (
	// TimeLayout is the layout of the from and to parameters, yyyy-MM-dd
	// HH:mm:ss in UTC, in the notation of the time package.
	TimeLayout = "2006-01-02 15:04:05"
	// DefaultPerPage and MaxPerPage bound perPage: "from 1 to 300, default is
	// 100".
	DefaultPerPage = 100
	MaxPerPage     = 300
	// maxTokenBytes bounds the token endpoint's answer.
	maxTokenBytes = 64 << 10
)

// ExportQuery selects the users of an export by the time of their last
// modification.
type ExportQuery struct {
	// From and To bound the time of last modification; a zero time leaves
	// that side open. They are sent in UTC whatever their location.
	From, To time.Time
	// PerPage is the number of users per page, 1 to 300; 0 means 100.
	PerPage int
}

func (q ExportQuery) perPage() (int, error) {
	switch {
	case !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From):
		return 0, fmt.Errorf("cmo: export: To %s is before From %s: %w", q.To.UTC().Format(TimeLayout), q.From.UTC().Format(TimeLayout), ErrInvalid)
	case q.PerPage == 0:
		return DefaultPerPage, nil
	case q.PerPage < 1 || q.PerPage > MaxPerPage:
		return 0, fmt.Errorf("cmo: export: PerPage %d is not between 1 and %d: %w", q.PerPage, MaxPerPage, ErrInvalid)
	}
	return q.PerPage, nil
}

// ExportedUser is one user of the export API.
//
// The seed does not document the export's JSON. The client reads a page as
// a JSON array of user objects (or an object holding that array under
// "users", "items", "data" or "value") whose members carry the import's
// field names in any letter case; values may be strings, numbers, booleans
// or null. Dates may be DD.MM.YYYY, YYYY-MM-DD or an ISO date-time; Yes/No
// fields may be Yes/No, True/False, 1/0 or JSON booleans; the time of last
// modification is read from "LastModified" (or "Modified", "ModifiedDate",
// "LastModifiedDate") as yyyy-MM-dd HH:mm:ss or RFC 3339, in UTC. Raw keeps
// the object as CMO sent it, for the fields this type does not carry.
type ExportedUser struct {
	LoginName         string
	FirstName         string
	LastName          string
	Email             string
	UserRole          string
	JobTitle          string
	Classification    string
	ADLogin           string
	Phone             string
	Mobile            string
	EmailReminders    bool
	MobileAccess      bool
	ManagerLoginNames []string
	UserGroups        []string
	IsADUser          bool
	ADUserObjectID    string
	DeactivationStart Date
	DeactivationEnd   Date
	Assignments       []Assignment
	Modified          time.Time
	Raw               json.RawMessage
}

// DeactivatedOn reports whether u is deactivated on day: within its
// deactivation period, whose end (if any) is taken as its last day.
func (u *ExportedUser) DeactivatedOn(day Date) bool {
	return !u.DeactivationStart.IsZero() && !day.Before(u.DeactivationStart) &&
		(u.DeactivationEnd.IsZero() || !day.After(u.DeactivationEnd))
}

// Page is one page of a list: its items, what asks for the next page ("" after
// the last), and the list's total (-1: the export API gives none).
type Page[T any] = paging.Page[T]

// ExportUsers returns every user of the export, page after page as the
// caller ranges (GET /api/export/exportusers). It stops at the first error,
// which it yields. A page the server has already sent stops it with an error
// wrapping paging's ErrRepeatedPage: a server ignoring the page parameter
// would otherwise make it loop for ever.
//
// The client obtains a token (POST /api/token with its login and password),
// renews it shortly before the expiry its exp claim gives, and once more when
// the API answers 401. Source: "HR Integration Instructions", "Call the API".
func (c *Client) ExportUsers(ctx context.Context, q ExportQuery) iter.Seq2[ExportedUser, error] {
	return func(yield func(ExportedUser, error) bool) {
		var guard paging.Guard
		for next := ""; ; {
			if err := ctx.Err(); err != nil {
				yield(ExportedUser{}, &APIError{Package: pkg, Op: opExport, Err: err})
				return
			}
			p, err := c.ExportUsersPage(ctx, q, next)
			if err != nil {
				yield(ExportedUser{}, err)
				return
			}
			if err := guard.Seen(pageKey(p.Items)); err != nil {
				yield(ExportedUser{}, fmt.Errorf("cmo: %s: page %s: %w", opExport, pageNumber(next), err))
				return
			}
			for _, u := range p.Items {
				if !yield(u, nil) {
					return
				}
			}
			if p.Next == "" {
				return
			}
			next = p.Next
		}
	}
}

// opExport is the Op of the export's errors.
const opExport = "ExportUsers"

// pageKey identifies a page by its users' login names, the export's keys.
func pageKey(users []ExportedUser) string {
	if len(users) == 0 {
		return ""
	}
	return fmt.Sprintf("%d:%q:%q", len(users), users[0].LoginName, users[len(users)-1].LoginName)
}

// pageNumber is the page number next asks for: "1" for "".
func pageNumber(next string) string {
	if next == "" {
		return "1"
	}
	return next
}

// ExportUsersPage returns one page of the export, for a caller that
// checkpoints page by page: next is "" for the first page, then the Next of
// the page before (the export API's page number), until a page's Next is "".
// A page shorter than PerPage is the last; the API gives no total, so Total
// is -1, and the page after the last full one may be empty.
func (c *Client) ExportUsersPage(ctx context.Context, q ExportQuery, next string) (*Page[ExportedUser], error) {
	perPage, err := q.perPage()
	if err != nil {
		return nil, err
	}
	page := 1
	if next != "" {
		if page, err = strconv.Atoi(next); err != nil || page < 1 {
			return nil, fmt.Errorf("cmo: export: next %q is not a page number (pages count from 1): %w", truncate(next, 40), ErrInvalid)
		}
	}
	query := url.Values{"page": {strconv.Itoa(page)}, "perPage": {strconv.Itoa(perPage)}}
	if !q.From.IsZero() {
		query.Set("from", q.From.UTC().Format(TimeLayout))
	}
	if !q.To.IsZero() {
		query.Set("to", q.To.UTC().Format(TimeLayout))
	}
	// fetchToken leaves its typed error here: the transport reports a
	// failure to authorize as text.
	slot := new(tokenError)
	ctx = context.WithValue(ctx, tokenErrorKey{}, slot)
	resp, err := c.t.Do(ctx, &transport.Request{Method: http.MethodGet, Path: ExportUsersPath, Query: query, Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		if slot.err != nil {
			return nil, slot.err
		}
		return nil, c.apiError(opExport, err)
	}
	defer resp.Body.Close()
	if err := apierr.CheckContent(pkg, opExport, resp, "JSON"); err != nil {
		return nil, err
	}
	users, err := decodeExportPage(resp.Body)
	if err != nil {
		return nil, c.badAnswer(opExport, resp, fmt.Sprintf("page %d", page), err)
	}
	p := &Page[ExportedUser]{Items: users, Total: -1}
	if len(users) >= perPage {
		p.Next = strconv.Itoa(page + 1)
	}
	return p, nil
}

// badAnswer is the *APIError of a successful response whose body could not
// be read: ErrUnexpectedContent, or the body's *transport.BodyTooLargeError.
func (c *Client) badAnswer(op string, resp *http.Response, what string, err error) *APIError {
	e := &APIError{
		Package: pkg, Op: op, StatusCode: resp.StatusCode, RequestID: apierr.RequestID(resp.Header),
		Message: apierr.Snippet(what + ": " + c.t.Redact(err.Error())), Kind: ErrUnexpectedContent,
	}
	if resp.Request != nil {
		e.Method, e.URL = resp.Request.Method, resp.Request.URL.Redacted()
	}
	var tl *transport.BodyTooLargeError
	if errors.As(err, &tl) {
		e.Kind, e.Err, e.Message = nil, tl, ""
	}
	return e
}

type tokenErrorKey struct{}

type tokenError struct{ err error }

// fetchToken obtains a token from POST /api/token, with its expiry.
func (c *Client) fetchToken(ctx context.Context) (tok string, exp time.Time, err error) {
	const op = "Token"
	defer func() {
		if slot, ok := ctx.Value(tokenErrorKey{}).(*tokenError); ok && err != nil {
			slot.err = err
		}
	}()
	body, err := json.Marshal(struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}{c.cfg.login, c.cfg.password})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("cmo: %s: %v", op, err)
	}
	resp, err := c.t.Do(ctx, &transport.Request{
		Method: http.MethodPost, Path: TokenPath, Body: body, NoAuth: true,
		// Obtaining a token changes nothing: safe to repeat.
		Idempotent: true,
		Header:     http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
	})
	if err != nil {
		return "", time.Time{}, c.apiError(op, err)
	}
	defer resp.Body.Close()
	if err := apierr.CheckContent(pkg, op, resp, "a token"); err != nil {
		return "", time.Time{}, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBytes+1))
	if err != nil {
		return "", time.Time{}, c.apiError(op, err)
	}
	if len(b) > maxTokenBytes {
		err = fmt.Errorf("the answer exceeds %d bytes", maxTokenBytes)
	} else {
		tok, err = parseToken(b)
	}
	if err != nil {
		return "", time.Time{}, c.badAnswer(op, resp, "the token", err)
	}
	exp, ok := tokenExpiry(tok)
	if !ok {
		exp = time.Now().Add(c.cfg.tokenLifetime)
	}
	return tok, exp, nil
}

// parseToken reads the token endpoint's answer, which the seed does not
// show: a JSON string, a JSON object with a "token" (or "access_token",
// "accessToken", "jwt") member, or the bare token. The token must have the
// shape of a JWT.
func parseToken(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	var tok string
	switch {
	case len(b) > 0 && b[0] == '"':
		if err := json.Unmarshal(b, &tok); err != nil {
			return "", fmt.Errorf("the answer is not a JSON string: %v", err)
		}
	case len(b) > 0 && b[0] == '{':
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return "", fmt.Errorf("the answer is not a JSON object: %v", err)
		}
		found := false
		for k, v := range m {
			switch strings.ToLower(k) {
			case "token", "access_token", "accesstoken", "jwt":
				if err := json.Unmarshal(v, &tok); err != nil {
					return "", fmt.Errorf("the answer's %q is not a string", k)
				}
				found = true
			}
		}
		if !found {
			return "", errors.New("the answer holds no token member")
		}
	default:
		tok = string(b)
	}
	tok = strings.TrimSpace(tok)
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || !base64URL(parts[0]) || !base64URL(parts[1]) || !base64URL(parts[2]) {
		return "", errors.New("the answer is not a JWT")
	}
	return tok, nil
}

func base64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '=') {
			return false
		}
	}
	return true
}

// tokenExpiry reads the exp claim of a JWT, without verifying it (the
// secret is the server's). The seed's sample token writes it as a float
// ("exp":1495795178.0).
func tokenExpiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil || claims.Exp == "" {
		return time.Time{}, false
	}
	f, err := claims.Exp.Float64()
	if err != nil || math.IsNaN(f) || f <= 0 || f > 1e11 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)), true
}

// decodeExportPage reads one page of the export (see ExportedUser).
func decodeExportPage(r io.Reader) ([]ExportedUser, error) {
	var raw json.RawMessage
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		var tooLarge *transport.BodyTooLargeError
		if errors.As(err, &tooLarge) {
			return nil, tooLarge
		}
		return nil, fmt.Errorf("the page is not JSON: %v", err)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("the page: %v", err)
		}
		raw = nil
		for k, v := range m {
			switch strings.ToLower(k) {
			case "users", "items", "data", "value":
				raw = bytes.TrimSpace(v)
			}
		}
		if raw == nil {
			return nil, errors.New("the page is an object without a users array")
		}
	}
	if len(raw) == 0 || raw[0] != '[' {
		return nil, errors.New("the page is not an array of users")
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, fmt.Errorf("the page: %v", err)
	}
	users := make([]ExportedUser, 0, len(elems))
	for i, el := range elems {
		u, err := decodeExportedUser(el)
		if err != nil {
			key := u.LoginName
			return nil, fmt.Errorf("user #%d (LoginName %q): %v", i, truncate(key, 80), err)
		}
		users = append(users, u)
	}
	return users, nil
}

// decodeExportedUser reads one user object of the export.
func decodeExportedUser(el json.RawMessage) (ExportedUser, error) {
	u := ExportedUser{Raw: append(json.RawMessage(nil), el...)}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(el, &m); err != nil || m == nil {
		return u, errors.New("not a JSON object")
	}
	fields := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		fields[strings.ToLower(k)] = v
	}
	var errs []error
	text := func(name string) string {
		s, err := scalar(fields[strings.ToLower(name)])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", name, err))
		}
		return s
	}
	flag := func(name string) bool {
		s := text(name)
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "", "no", "false", "0", "n":
			return false
		case "yes", "true", "1", "y":
			return true
		}
		errs = append(errs, fmt.Errorf("%s: %q is not Yes or No", name, truncate(s, 40)))
		return false
	}
	date := func(name string) Date {
		d, err := parseExportDate(text(name))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", name, err))
		}
		return d
	}
	list := func(name string) []string {
		var out []string
		for _, s := range strings.Split(text(name), ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	u.LoginName = text("LoginName")
	u.FirstName = text("FirstName")
	u.LastName = text("LastName")
	u.Email = text("Email")
	u.UserRole = text("UserRole")
	u.JobTitle = text("JobTitle")
	u.Classification = text("Classification")
	u.ADLogin = text("ADLogin")
	u.Phone = text("Phone")
	u.Mobile = text("Mobile")
	u.EmailReminders = flag("EmailReminders")
	u.MobileAccess = flag("MobileAccess")
	u.ManagerLoginNames = list("ManagerLoginName")
	u.UserGroups = list("UserGroup")
	u.IsADUser = flag("IsADUser")
	u.ADUserObjectID = text("ADUserObjectID")
	u.DeactivationStart = date("DeactivationStart")
	u.DeactivationEnd = date("DeactivationEnd")
	for _, name := range [...]string{"LastModified", "Modified", "ModifiedDate", "LastModifiedDate"} {
		if s := text(name); s != "" {
			t, err := parseExportTime(s)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", name, err))
			}
			u.Modified = t
			break
		}
	}
	if a, ok := fields["assignments"]; ok && !bytes.Equal(bytes.TrimSpace(a), []byte("null")) {
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(a, &list); err != nil {
			errs = append(errs, errors.New("field Assignments: not an array of objects"))
		}
		for j, am := range list {
			lower := make(map[string]json.RawMessage, len(am))
			for k, v := range am {
				lower[strings.ToLower(k)] = v
			}
			var as Assignment
			var err [3]error
			as.UserRole, err[0] = scalar(lower["userrole"])
			as.OrgUnit, err[1] = scalar(lower["orgunit"])
			as.Entity, err[2] = scalar(lower["entity"])
			if e := errors.Join(err[:]...); e != nil {
				errs = append(errs, fmt.Errorf("field Assignments[%d]: %v", j, e))
			}
			u.Assignments = append(u.Assignments, as)
		}
	}
	if strings.TrimSpace(u.LoginName) == "" {
		errs = append(errs, errors.New("LoginName: missing"))
	}
	return u, errors.Join(errs...)
}

// scalar returns a JSON scalar as text: a string as is, a number as
// written, a boolean as True or False, null or nothing as "".
func scalar(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || bytes.Equal(v, []byte("null")) {
		return "", nil
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", err
		}
		return s, nil
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return "", err
		}
		if b {
			return "True", nil
		}
		return "False", nil
	case '{', '[':
		return "", errors.New("not a single value")
	}
	var n json.Number
	if err := json.Unmarshal(v, &n); err != nil {
		return "", err
	}
	return n.String(), nil
}

// parseExportDate reads a date of the export: DD.MM.YYYY, YYYY-MM-DD, or the
// date of an ISO date-time; "" is no date.
func parseExportDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return Date{}, nil
	case len(s) == 10 && s[2] == '.':
		return ParseDMYDate(s)
	case len(s) > 10 && (s[10] == 'T' || s[10] == ' '):
		s = s[:10]
	}
	d, err := civil.ParseISO(s)
	if err != nil {
		return Date{}, fmt.Errorf("%q is not DD.MM.YYYY, YYYY-MM-DD or an ISO date-time", truncate(s, 40))
	}
	return d, nil
}

// parseExportTime reads the time of last modification, in UTC.
func parseExportTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range [...]string{TimeLayout, time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not yyyy-MM-dd HH:mm:ss or RFC 3339", truncate(s, 40))
}
