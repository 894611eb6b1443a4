package hcmscim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/internal/transport"
)

// Sentinel errors, for errors.Is. An *APIError is each one that its status
// or SCIM error type says.
var (
	ErrNotFound      = errors.New("hcmscim: not found")                    // 404, or no resource matches
	ErrUnauthorized  = errors.New("hcmscim: authentication refused")       // 401
	ErrForbidden     = errors.New("hcmscim: not allowed")                  // 403
	ErrConflict      = errors.New("hcmscim: conflicts with existing data") // 409, scimType uniqueness
	ErrInvalidFilter = errors.New("hcmscim: filter refused")               // 400 with scimType invalidFilter
	ErrBadRequest    = errors.New("hcmscim: request refused")              // any other 400
	ErrRateLimited   = errors.New("hcmscim: too many requests")            // 429, after the retries allowed
	ErrServer        = errors.New("hcmscim: server error")                 // 5xx
	// ErrNotSent marks the Bulk operations of batches that were not sent
	// because an earlier batch failed as a whole.
	ErrNotSent = errors.New("hcmscim: not sent")
	// ErrNoResult marks a Bulk operation the server's answer says nothing
	// about: whether it was applied is unknown.
	ErrNoResult = errors.New("hcmscim: no result for the operation")
)

// APIError is an answer of the server that reports a failure: a whole
// request's, or one Bulk operation's. Its text is redacted.
type APIError struct {
	Method     string // the request's method, or the Bulk operation's
	URL        string // the request's URL, or the Bulk operation's path
	StatusCode int
	// SCIMType is RFC 7644's error keyword (invalidFilter, uniqueness,
	// mutability, invalidValue, ...), when the server sent one.
	SCIMType string
	// Code is Oracle's own message code when the text starts with one, such
	// as PER_IIP_2410 in "PER_IIP_2410-Error occured while updating
	// MasteredIn Flag".
	Code string
	// Message is the server's description (RFC 7644 detail).
	Message  string
	Attempts int // how many times the request was sent; 0 for a Bulk operation
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hcmscim: %s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.SCIMType != "" {
		fmt.Fprintf(&b, " (%s)", e.SCIMType)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Is reports whether the error is the sentinel target.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrConflict:
		return e.StatusCode == http.StatusConflict || strings.EqualFold(e.SCIMType, "uniqueness")
	case ErrInvalidFilter:
		return strings.EqualFold(e.SCIMType, "invalidFilter")
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

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

// oracleCode finds a message code such as PER_IIP_2410 or FND-2345 at the
// start of a description.
var oracleCode = regexp.MustCompile(`^([A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)*[_-][0-9]+)\b`)

func codeOf(msg string) string {
	if m := oracleCode.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

// errorFromHTTP turns a transport error into an *APIError, reading the SCIM
// error in its (already redacted and bounded) body.
func errorFromHTTP(he *transport.HTTPError) *APIError {
	e := &APIError{Method: he.Method, URL: he.URL, StatusCode: he.StatusCode, Attempts: he.Attempts}
	var eb errorBody
	if json.Unmarshal(he.Body, &eb) == nil && (eb.Detail != "" || eb.SCIMType != "" || len(eb.Errors) > 0) {
		e.SCIMType, e.Message = eb.SCIMType, eb.Detail
		if e.Message == "" && len(eb.Errors) > 0 {
			e.Message = eb.Errors[0].Description
		}
	} else {
		e.Message = snippet(string(he.Body))
	}
	e.Code = codeOf(e.Message)
	return e
}

// snippet bounds a text put in an error.
func snippet(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 512 {
		s = strings.ToValidUTF8(s[:512], "") + "…"
	}
	return s
}

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
// sent.
type ValidationError struct {
	Problems []string // each names the record and the field
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "hcmscim: " + e.Problems[0]
	}
	return fmt.Sprintf("hcmscim: %d problems: %s", len(e.Problems), strings.Join(e.Problems, "; "))
}

// problems collects validation problems.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Problems: p}
}
