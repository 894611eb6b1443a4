package fusionsod

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hrbridge/hrbridge/internal/apierr"
)

// APIError is a call the pod refused or failed, or an answer that is not
// what the API sends. Its texts are redacted.
type APIError = apierr.Error

// The sentinels every hrbridge package shares, for errors.Is.
var (
	ErrUnauthorized      = apierr.ErrUnauthorized      // 401: credentials refused (a JWT is re-signed once first)
	ErrForbidden         = apierr.ErrForbidden         // 403: the user lacks the REST privilege
	ErrNotFound          = apierr.ErrNotFound          // 404, 410
	ErrConflict          = apierr.ErrConflict          // 409
	ErrRateLimited       = apierr.ErrRateLimited       // 429, after the retries allowed
	ErrUnavailable       = apierr.ErrUnavailable       // 5xx, or no response
	ErrInvalid           = apierr.ErrInvalid           // the caller's input; nothing was sent
	ErrUnexpectedContent = apierr.ErrUnexpectedContent // an HTML login page, a body that is not the API's JSON
)

// This package's own sentinels. An analysis that failed, one that did not
// end, and one whose status the client does not know are three different
// outcomes: the first is Fusion's verdict on the job, the second a matter
// of waiting longer, the third a server speaking a form the client was not
// told about (see WithStatusText).
var (
	// ErrAnalysisFailed: getRequestStatus answered Failed.
	ErrAnalysisFailed = errors.New("fusionsod: the analysis failed")
	// ErrAnalysisTimeout: the analysis had not ended when the wait of
	// WithPolling, or the context's deadline, ran out.
	ErrAnalysisTimeout = errors.New("fusionsod: the analysis did not end in time")
	// ErrUnknownStatus: getRequestStatus answered a status that is none of
	// Queued, Started, Completed and Failed in any known form.
	ErrUnknownStatus = errors.New("fusionsod: unknown analysis status")
	// ErrTooManyResults: a list went on past WithMaxResults items (a
	// server whose hasMore never turns false).
	ErrTooManyResults = errors.New("fusionsod: the list does not end")
)

// AnalysisError is an analysis that did not complete: it is
// ErrAnalysisFailed, ErrAnalysisTimeout or ErrUnknownStatus (its Kind), and
// wraps the context's error when the context ended the wait.
type AnalysisError struct {
	RequestID RequestID
	// Status is the last status the pod answered, as it wrote it.
	Status string
	// Polls is how many times the status was asked for.
	Polls int
	Kind  error
	Err   error // the context's error, or nil
}

func (e *AnalysisError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "fusionsod: analysis %s: %s (", e.RequestID, strings.TrimPrefix(e.Kind.Error(), "fusionsod: "))
	if e.Status != "" {
		fmt.Fprintf(&b, "last status %q, ", e.Status)
	}
	fmt.Fprintf(&b, "%d polls)", e.Polls)
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Is reports whether target is the error's Kind.
func (e *AnalysisError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the context's error, if the context ended the wait.
func (e *AnalysisError) Unwrap() error { return e.Err }
