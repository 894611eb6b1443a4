package hcmscim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/paging"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// APIError is a call the server refused or failed, or one Bulk operation
// the server failed inside its answer. It is the *apierr.Error every hrbridge
// client returns, so that its fields mean the same in every package:
//
//   - Code is the SCIM error keyword (scimType: invalidFilter, uniqueness,
//     mutability, ...) when the server sent one; otherwise Oracle's message
//     code at the start of the server's text, such as PER_IIP_2410 in
//     "PER_IIP_2410-Error occured while updating MasteredIn Flag" (Oracle
//     sends no scimType).
//   - Message is the server's text (RFC 7644's detail, the SCIM 1.1
//     description, Oracle's Bulk status description), with its message code.
//   - For a Bulk operation, Op is "Bulk", Method and URL are the operation's
//     own method and path, and Attempts is 0.
//
// Its text starts with "hcmscim: " once and is redacted.
type APIError = apierr.Error

// The sentinels every hrbridge client shares (hcmscim.ErrNotFound is
// apierr.ErrNotFound), for errors.Is.
var (
	ErrUnauthorized      = apierr.ErrUnauthorized      // 401
	ErrForbidden         = apierr.ErrForbidden         // 403
	ErrNotFound          = apierr.ErrNotFound          // 404, or FindRole found no role
	ErrConflict          = apierr.ErrConflict          // 409, or scimType uniqueness
	ErrRateLimited       = apierr.ErrRateLimited       // 429, after the retries allowed
	ErrUnavailable       = apierr.ErrUnavailable       // 5xx, or no answer at all
	ErrInvalid           = apierr.ErrInvalid           // the caller's input; nothing was sent
	ErrUnexpectedContent = apierr.ErrUnexpectedContent // an HTML or login page where JSON was expected
)

// The sentinels of this package.
var (
	// ErrInvalidFilter is a 400 answer with scimType invalidFilter: the
	// server refused the filter (an attribute or operator it does not
	// support).
	ErrInvalidFilter = errors.New("filter refused")
	// ErrBadRequest is any other 400 answer: the server refused the request
	// as malformed or invalid (scimType invalidValue, invalidSyntax,
	// mutability, ...).
	ErrBadRequest = errors.New("request refused")
	// ErrNotSent marks the Bulk operations of batches that were not sent
	// because an earlier batch failed as a whole.
	ErrNotSent = errors.New("not sent")
	// ErrNoResult marks a Bulk operation the server's answer says nothing
	// about: whether it was applied is unknown.
	ErrNoResult = errors.New("no result for the operation")
)

// pkg is the package name every error starts with.
const pkg = "hcmscim"

// errorBody holds the error shapes SCIM servers send: RFC 7644's Error
// message ({"scimType", "detail", "status"}) and the SCIM 1.1 "Errors"
// array ({"Errors": [{"code", "description"}]}), which servers of the old
// URN family send.
type errorBody struct {
	SCIMType string          `json:"scimType"`
	Detail   string          `json:"detail"`
	Status   json.RawMessage `json:"status"`
	Errors   []struct {
		Code        json.RawMessage `json:"code"`
		Description string          `json:"description"`
	} `json:"Errors"`
}

// read fills e's Code and Message from a SCIM error body; it reports
// whether b was one.
func (eb *errorBody) read(b []byte) bool {
	return json.Unmarshal(b, eb) == nil && (eb.Detail != "" || eb.SCIMType != "" || len(eb.Errors) > 0)
}

func (eb *errorBody) message() string {
	if eb.Detail == "" && len(eb.Errors) > 0 {
		return eb.Errors[0].Description
	}
	return eb.Detail
}

// oracleCode finds a message code such as PER_IIP_2410 or FND-2345 at the
// start of a description.
var oracleCode = regexp.MustCompile(`^([A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)*[_-][0-9]+)\b`)

// classify sets e's Code (scimType, else Oracle's message code) and the
// Kind a 400 answer's scimType says.
func classify(e *APIError, scimType string) {
	e.Code = scimType
	if e.Code == "" {
		if m := oracleCode.FindStringSubmatch(e.Message); m != nil {
			e.Code = m[1]
		}
	}
	switch {
	case e.Kind != nil:
	case strings.EqualFold(scimType, "uniqueness"):
		e.Kind = ErrConflict
	case strings.EqualFold(scimType, "invalidFilter"):
		e.Kind = ErrInvalidFilter
	case e.StatusCode == http.StatusBadRequest:
		e.Kind = ErrBadRequest
	}
}

// errorOf turns an error of the transport into an *APIError of operation
// op, reading the SCIM error in an error answer's (already redacted and
// bounded) body.
func errorOf(op string, err error) error {
	var he *transport.HTTPError
	if !errors.As(err, &he) {
		return apierr.FromTransport(pkg, op, err)
	}
	e := apierr.FromHTTP(pkg, op, he)
	var eb errorBody
	scimType := ""
	if e.Kind == nil && eb.read(he.Body) {
		scimType, e.Message = eb.SCIMType, apierr.Snippet(eb.message())
	}
	classify(e, scimType)
	return e
}

// wrapError gives err more context, or only this package's prefix, while
// keeping one "hcmscim: " prefix in its text: err may be one of this
// package's errors or one of the shared code's ("hrbridge: ...").
type wrapError struct {
	context string
	err     error
}

func wrapf(err error, format string, args ...any) error {
	return &wrapError{context: fmt.Sprintf(format, args...), err: err}
}

// own gives an error of the shared code (an option refused) this package's
// prefix instead of hrbridge's.
func own(err error) error {
	if strings.HasPrefix(err.Error(), pkg+": ") {
		return err
	}
	return &wrapError{err: err}
}

func (e *wrapError) Error() string {
	inner := strings.TrimPrefix(strings.TrimPrefix(e.err.Error(), pkg+": "), "hrbridge: ")
	if e.context == "" {
		return pkg + ": " + inner
	}
	return pkg + ": " + e.context + ": " + inner
}

func (e *wrapError) Unwrap() error { return e.err }

// parseStatus reads a status given as a JSON number or string ("200").
func parseStatus(raw json.RawMessage) (int, bool) {
	s := strings.TrimSpace(string(raw))
	if uq, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(uq)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 999 {
		return 0, false
	}
	return n, true
}

// ValidationError lists what is wrong with the caller's input; nothing was
// sent. It is ErrInvalid.
type ValidationError struct {
	Problems []string // each names the record and the field
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return pkg + ": " + e.Problems[0]
	}
	return fmt.Sprintf("%s: %d problems: %s", pkg, len(e.Problems), strings.Join(e.Problems, "; "))
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// problems collects validation problems.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Problems: p}
}

// ErrRepeatedPage is in the error of a list whose server sent a page it
// had already sent: following it would never end.
var ErrRepeatedPage = paging.ErrRepeatedPage
