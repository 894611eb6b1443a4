// Package apierr is the one shape of the errors every hrbridge client returns
// when the system it talks to refuses or fails a call: an *Error with the same
// fields in every package, and the same sentinels for the common cases, which
// each public package re-exports (cmo.ErrNotFound is apierr.ErrNotFound), so
// that errors.Is(err, cmo.ErrNotFound) and errors.Is(err, hcmscim.ErrNotFound)
// mean the same thing.
package apierr

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/internal/transport"
)

// The sentinels every package shares. An *Error is one of them by its HTTP
// status, or by the Kind its package gave it.
var (
	// ErrUnauthorized: the credentials were refused (HTTP 401, a SOAP
	// login refused, an SSH login refused).
	ErrUnauthorized = errors.New("authentication refused")
	// ErrForbidden: authenticated, but not allowed (HTTP 403).
	ErrForbidden = errors.New("permission denied")
	// ErrNotFound: no such resource or operation (HTTP 404 or 410).
	ErrNotFound = errors.New("not found")
	// ErrConflict: the request conflicts with what the system holds (HTTP
	// 409, a record that already exists).
	ErrConflict = errors.New("conflicts with existing data")
	// ErrRateLimited: too many requests (HTTP 429), after the retries
	// the client was allowed.
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable: the system failed or could not be reached (HTTP 5xx,
	// no response at all), after the retries the client was allowed.
	ErrUnavailable = errors.New("service unavailable")
	// ErrInvalid: the caller's input failed validation; nothing was sent.
	ErrInvalid = errors.New("invalid input")
	// ErrUnexpectedContent: the answer was not what the protocol sends,
	// such as an HTML login or proxy page where XML or JSON was expected.
	ErrUnexpectedContent = errors.New("unexpected content")
)

// Error is a call the system refused or failed. Its texts are redacted: no
// password, token or key appears in them.
type Error struct {
	// Package is the hrbridge package that made the call ("cmo"), the
	// prefix of the error's text.
	Package string
	// Op is the operation: a SOAP operation ("UserControlledImport"), an
	// API call ("ListUsers"), an SFTP action ("rename").
	Op string
	// Method and URL are the request's; URL has no user information or
	// secret query parameters. For SFTP, Method is empty and URL is the
	// sftp:// URL of the path.
	Method, URL string
	// StatusCode is the HTTP status; 0 when no response came.
	StatusCode int
	// Code is the system's own error code: a SOAP faultcode, a SCIM
	// scimType, a Salesforce errorCode, a CSF result code, an SFTP status.
	Code string
	// Message is the system's own explanation, bounded.
	Message string
	// Attempts is how many times the request was sent.
	Attempts int
	// RetryAfter is the wait the server asked for (Retry-After), if any.
	RetryAfter time.Duration
	// RequestID is the id the server gave the request, when it sends one
	// (X-Request-Id, Oracle's ECID, ...): quote it to the vendor's support.
	RequestID string
	// Kind is the sentinel the package chose beyond what the status says
	// (ErrUnexpectedContent on a 200, ErrUnauthorized for a login refused
	// in a SOAP answer); nil when the status says it all.
	Kind error
	// Err is the underlying cause (a connection error, a context error),
	// for errors.Is and errors.As; nil when the server answered.
	Err error
}

// Error gives the package, operation, request, status, code and message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Package)
	if e.Op != "" {
		b.WriteString(": ")
		b.WriteString(e.Op)
	}
	if e.Method != "" || e.URL != "" {
		b.WriteString(": ")
		b.WriteString(strings.TrimSpace(e.Method + " " + e.URL))
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d %s", e.StatusCode, http.StatusText(e.StatusCode))
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " [%s]", e.Code)
	}
	var ce *transport.ConnError
	switch {
	case e.Message != "":
		b.WriteString(": ")
		b.WriteString(e.Message)
	case errors.As(e.Err, &ce) && (e.Method != "" || e.URL != ""):
		// The request is named above: say only why no answer came.
		b.WriteString(": no response: ")
		b.WriteString(ce.Reason())
	case e.Err != nil:
		b.WriteString(": ")
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "hrbridge: "))
	case e.Kind != nil:
		b.WriteString(": ")
		b.WriteString(e.Kind.Error())
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request id %s)", e.RequestID)
	}
	return b.String()
}

// Is reports whether target is the error's Kind when its package set one, or
// else the sentinel its status says: 401 ErrUnauthorized, 403 ErrForbidden,
// 404 and 410 ErrNotFound, 409 ErrConflict, 429 ErrRateLimited, 5xx and no
// response ErrUnavailable. A Kind replaces the status's sentinel: SOAP 1.1
// sends every fault with a 500, so a client fault ("no such operation") must
// not also read as the service being unavailable.
func (e *Error) Is(target error) bool {
	if e.Kind != nil {
		return target == e.Kind
	}
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusGone
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrUnavailable:
		var ce *transport.ConnError
		return e.StatusCode >= 500 || errors.As(e.Err, &ce)
	}
	return false
}

// Unwrap returns the underlying cause, if any.
func (e *Error) Unwrap() error { return e.Err }

// FromTransport turns an error of internal/transport into an *Error of
// package pkg for operation op: an *HTTPError's status, headers and a
// snippet of its body (the package decodes its own error format from
// he.Body and overwrites Code and Message), a *ConnError's attempts. Other
// errors (a context error, a body too large) are kept as Err, so that
// errors.Is(err, context.Canceled) still holds. A nil err gives nil.
func FromTransport(pkg, op string, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	var he *transport.HTTPError
	if errors.As(err, &he) {
		return FromHTTP(pkg, op, he)
	}
	e := &Error{Package: pkg, Op: op, Err: err}
	var ce *transport.ConnError
	if errors.As(err, &ce) {
		e.Method, e.URL, e.Attempts = ce.Method, ce.URL, ce.Attempts
	}
	return e
}

// FromHTTP turns an HTTP error status into an *Error. Message is a snippet
// of the body, or what an HTML page is ("an HTML page (Sign In), not the
// service's answer..."); the sentinel is the status's.
func FromHTTP(pkg, op string, he *transport.HTTPError) *Error {
	e := &Error{
		Package:    pkg,
		Op:         op,
		Method:     he.Method,
		URL:        he.URL,
		StatusCode: he.StatusCode,
		Attempts:   he.Attempts,
		RequestID:  RequestID(he.Header),
		Message:    Snippet(string(he.Body)),
	}
	if d, ok := transport.RetryAfter(he.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	if IsHTML(he.Header.Get("Content-Type"), he.Body) {
		// The status says what happened (a proxy's 502 is the service
		// being unavailable); the message says what came.
		e.Message = describeHTML(he.Body)
	}
	return e
}

// requestIDHeaders are the headers servers put their request id in, most
// specific first.
var requestIDHeaders = []string{"X-Request-Id", "Request-Id", "X-Oracle-Dms-Ecid", "X-Ms-Request-Id", "X-Correlation-Id", "X-Amzn-Requestid"}

// RequestID returns the server's id for the request from h, or "".
func RequestID(h http.Header) string {
	for _, name := range requestIDHeaders {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			return Snippet(v)
		}
	}
	return ""
}

// maxSnippet bounds a message taken from a body.
const maxSnippet = 512

// Snippet trims s and bounds it to 512 bytes of valid UTF-8, for a message.
func Snippet(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxSnippet {
		s = strings.ToValidUTF8(s[:maxSnippet], "") + "…"
	}
	return s
}

// IsHTML reports whether a body is an HTML page, by its Content-Type or, when
// the server sent none or a wrong one, by its first bytes.
func IsHTML(contentType string, head []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.HasPrefix(ct, "text/html") || strings.HasPrefix(ct, "application/xhtml") {
		return true
	}
	t := bytes.ToLower(bytes.TrimLeft(head, " \t\r\n\ufeff"))
	return bytes.HasPrefix(t, []byte("<!doctype html")) || bytes.HasPrefix(t, []byte("<html"))
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// describeHTML says what an HTML page is, by its title.
func describeHTML(body []byte) string {
	if m := titleRE.FindSubmatch(body); m != nil {
		if title := strings.Join(strings.Fields(string(m[1])), " "); title != "" {
			return Snippet("an HTML page (" + title + "), not the service's answer: a login page, a proxy or a wrong URL")
		}
	}
	return "an HTML page, not the service's answer: a login page, a proxy or a wrong URL"
}

// sniffBytes is how much of a body CheckContent looks at.
const sniffBytes = 4096

// CheckContent makes sure a successful response carries what the protocol
// sends (want names it in the error: "JSON", "XML", "an Atom feed") and not
// an HTML page, which a single sign-on proxy or a wrong URL answers with a
// 200. It peeks at the body without consuming it: resp.Body still reads
// from the start. On an HTML page it closes the body and returns an
// ErrUnexpectedContent *Error.
func CheckContent(pkg, op string, resp *http.Response, want string) error {
	br := bufio.NewReaderSize(resp.Body, sniffBytes)
	head, _ := br.Peek(sniffBytes)
	resp.Body = struct {
		io.Reader
		io.Closer
	}{br, resp.Body}
	if !IsHTML(resp.Header.Get("Content-Type"), head) {
		return nil
	}
	resp.Body.Close()
	e := &Error{
		Package:    pkg,
		Op:         op,
		StatusCode: resp.StatusCode,
		RequestID:  RequestID(resp.Header),
		Kind:       ErrUnexpectedContent,
		Message:    describeHTML(head) + "; " + want + " was expected",
	}
	if resp.Request != nil {
		e.Method, e.URL = resp.Request.Method, resp.Request.URL.Redacted()
	}
	return e
}
