package transport

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// HTTPError is a response whose status is not 2xx, after every retry the
// request was allowed. Body holds the first 64 KiB of the response with
// secrets redacted, so that a system package can decode its own error
// format (a SOAP Fault, a SCIM error) from it.
type HTTPError struct {
	Method     string
	URL        string // secrets and user information removed
	StatusCode int
	Status     string      // e.g. "503 Service Unavailable"
	Header     http.Header // the response's headers (Retry-After, WWW-Authenticate, ...)
	Body       []byte
	Attempts   int
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hrbridge: %s %s: %s", e.Method, e.URL, e.Status)
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if snippet := strings.TrimSpace(string(e.Body)); snippet != "" {
		if len(snippet) > errorSnippet {
			snippet = strings.ToValidUTF8(snippet[:errorSnippet], "") + "…"
		}
		b.WriteString(": ")
		b.WriteString(snippet)
	}
	return b.String()
}

// httpError reads a bounded, redacted snippet of resp's body into an
// *HTTPError and closes the body.
func (c *Client) httpError(method string, u *url.URL, resp *http.Response, attempts int) *HTTPError {
	buf := make([]byte, maxErrorBody)
	n, _ := io.ReadFull(resp.Body, buf)
	drain(resp.Body)
	return &HTTPError{
		Method:     method,
		URL:        redactURL(u.String()),
		StatusCode: resp.StatusCode,
		Status:     resp.Status,
		Header:     resp.Header,
		Body:       []byte(c.Redact(string(buf[:n]))),
		Attempts:   attempts,
	}
}

// ConnError is a request that got no HTTP response: the connection could
// not be made, broke, or timed out, after every retry the request was
// allowed. Its text is redacted; Unwrap gives the underlying error for
// errors.Is and errors.As.
type ConnError struct {
	Method   string
	URL      string
	Attempts int
	err      error
	redactor *Redactor
}

func (e *ConnError) Error() string {
	s := fmt.Sprintf("hrbridge: %s %s: no response", e.Method, e.URL)
	if e.Attempts > 1 {
		s += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	return s + ": " + e.redactor.Redact(e.err.Error())
}

func (e *ConnError) Unwrap() error { return e.err }

// Reason says, redacted, why no response came ("dial tcp 127.0.0.1:1:
// connect: connection refused", "unexpected EOF"), without the request's
// method and URL, which the error's other fields hold.
func (e *ConnError) Reason() string {
	err := e.err
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return e.redactor.Redact(err.Error())
}

// BodyTooLargeError is returned, by Do or while reading a response body,
// when the body exceeds the client's MaxBodyBytes.
type BodyTooLargeError struct {
	Method string
	URL    string
	Limit  int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("hrbridge: response to %s %s exceeds the limit of %d bytes (raise it with the client's body-size option)", e.Method, e.URL, e.Limit)
}
