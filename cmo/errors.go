package cmo

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hrbridge/hrbridge/internal/apierr"
)

// APIError is a call CMO refused or failed: a SOAP Fault, an HTTP error
// status, an HTML page where a SOAP envelope or JSON was expected
// (ErrUnexpectedContent), or a result document refusing the login and
// password (StatusCode 200, Code "False", Kind ErrUnauthorized). Its Op is the
// SOAP operation ("UserControlledImport") or the REST call ("POST
// /api/token"); its text starts with "cmo: " and has secrets removed. It is
// the same type in every hrbridge package.
type APIError = apierr.Error

// The sentinels every hrbridge package shares, for errors.Is; an *APIError is
// one of them by its HTTP status or by its Kind.
var (
	// ErrUnauthorized: CMO refused the login and password ("Login or
	// password is incorrect." in a result document), or the export API
	// refused them or the token (401).
	ErrUnauthorized = apierr.ErrUnauthorized
	// ErrForbidden: the login lacks a permission (403); the export needs
	// "Allow Edit Users" and "Allow Edit User Assignments".
	ErrForbidden = apierr.ErrForbidden
	// ErrNotFound: no such endpoint (404), or an operation the service does
	// not have (ASP.NET's Fault "Server did not recognize the value of HTTP
	// Header SOAPAction"), such as an entities operation of another name.
	ErrNotFound = apierr.ErrNotFound
	// ErrConflict: HTTP 409.
	ErrConflict = apierr.ErrConflict
	// ErrRateLimited: HTTP 429, after the retries allowed.
	ErrRateLimited = apierr.ErrRateLimited
	// ErrUnavailable: HTTP 5xx (a SOAP Fault comes with 500), or no
	// response at all, after the retries allowed.
	ErrUnavailable = apierr.ErrUnavailable
	// ErrInvalid: records failed validation; nothing was sent
	// (*ValidationError).
	ErrInvalid = apierr.ErrInvalid
	// ErrUnexpectedContent: an HTML page (a login page, a proxy, a wrong
	// URL) where a SOAP envelope or JSON was expected.
	ErrUnexpectedContent = apierr.ErrUnexpectedContent
)

// The sentinels of CMO's imports, beside the shared ones.
var (
	// ErrImportFailed: CMO did not save every record of an import, or its
	// counts contradict its records (*ImportError). An import is judged by
	// what CMO says of each record and by its counts, not by its outcome
	// word: the seed's own successful import answers "Partially completed".
	ErrImportFailed = errors.New("cmo: import not completed")
	// ErrCountMismatch: CMO's "Total" differs from the number of records
	// sent in a call, or its "Imported" from the records its log says it
	// saved (*ImportError).
	ErrCountMismatch = errors.New("cmo: CMO's counts differ from the records sent")

	// ErrRejected: CMO did not save a record (*RecordError). The errors
	// below say why, when CMO's message tells.
	ErrRejected = errors.New("cmo: record not saved")
	// ErrUnconfirmed: CMO answered without saying what became of a record
	// (its log does not name it, as an asynchronous import may not): it may
	// or may not be saved (*RecordError).
	ErrUnconfirmed = errors.New("cmo: CMO did not say whether the record was saved")
	// ErrMissingName: "First Name/ LastName field missing".
	ErrMissingName = errors.New("cmo: first or last name missing")
	// ErrBadDate: a date CMO could not read ("Data in incorrect format").
	ErrBadDate = errors.New("cmo: date in incorrect format")
	// ErrOrgUnitNotFound: "Org Unit ... not found".
	ErrOrgUnitNotFound = errors.New("cmo: org unit not found")
	// ErrEntityNotFound: "Entity ... not found".
	ErrEntityNotFound = errors.New("cmo: entity not found")
	// ErrRoleNotFound: a UserRole CMO does not have.
	ErrRoleNotFound = errors.New("cmo: role not found")
	// ErrUserGroupNotFound: a UserGroup CMO does not have.
	ErrUserGroupNotFound = errors.New("cmo: user group not found")
)

// pkg is the package name every APIError carries, its text's prefix.
const pkg = "cmo"

// RecordError says why a record is not known to be saved: CMO did not save
// it (StatusFailed, ErrRejected), in CMO's own words; CMO did not say, or
// the call got no answer (StatusUnknown, ErrUnconfirmed); the call was not
// made (StatusNotSent).
type RecordError struct {
	Kind   string // "user", "org unit" or "entity"
	Key    string // LoginName, OrgName or EntityName
	Status Status // StatusFailed, StatusUnknown or StatusNotSent
	// Messages are the lines CMO logged for the record.
	Messages []string

	reasons []error
}

func (e *RecordError) Error() string {
	switch e.Status {
	case StatusUnknown:
		return fmt.Sprintf("cmo: %s %q: not known to be saved: CMO's answer does not say", e.Kind, e.Key)
	case StatusNotSent:
		return fmt.Sprintf("cmo: %s %q: not sent, as an earlier call failed", e.Kind, e.Key)
	}
	msg := strings.Join(e.Messages, "; ")
	if msg == "" {
		msg = "no reason given"
	}
	return fmt.Sprintf("cmo: %s %q not saved: %s", e.Kind, e.Key, msg)
}

// Is reports whether target is ErrRejected (a record CMO did not save),
// ErrUnconfirmed (a record CMO said nothing of) or a reason CMO's messages
// give (ErrOrgUnitNotFound, ErrBadDate, ...).
func (e *RecordError) Is(target error) bool {
	switch {
	case target == ErrRejected:
		return e.Status == StatusFailed
	case target == ErrUnconfirmed:
		return e.Status == StatusUnknown
	}
	for _, r := range e.reasons {
		if r == target {
			return true
		}
	}
	return false
}

// reasonsOf recognises CMO's messages. The seed names the errors ("Org Unit or
// Entity not found", "Data in incorrect format (i.e. date fields)", "First
// Name/ LastName field missing") but not their exact wording, so words are
// matched, not sentences.
func reasonsOf(messages []string) []error {
	var out []error
	add := func(err error) {
		for _, e := range out {
			if e == err {
				return
			}
		}
		out = append(out, err)
	}
	for _, m := range messages {
		l := strings.ToLower(m)
		notFound := strings.Contains(l, "not found") || strings.Contains(l, "does not exist")
		switch {
		case notFound && (strings.Contains(l, "org unit") || strings.Contains(l, "orgunit")):
			add(ErrOrgUnitNotFound)
		case notFound && strings.Contains(l, "entity"):
			add(ErrEntityNotFound)
		case notFound && (strings.Contains(l, "group")):
			add(ErrUserGroupNotFound)
		case notFound && strings.Contains(l, "role"):
			add(ErrRoleNotFound)
		case strings.Contains(l, "date"):
			add(ErrBadDate)
		case strings.Contains(l, "missing") && (strings.Contains(l, "name")):
			add(ErrMissingName)
		}
	}
	return out
}

// ImportError reports an import whose records CMO did not all save, or
// whose counts contradict its records. Result holds every record's outcome;
// Unwrap gives the *RecordError of each record not known to be saved, so
// errors.Is(err, ErrOrgUnitNotFound) works on the whole import. It matches
// ErrImportFailed, and ErrCountMismatch when a call's counts are wrong.
type ImportError struct {
	Result *ImportResult
}

func (e *ImportError) Error() string {
	r := e.Result
	var b strings.Builder
	fmt.Fprintf(&b, "cmo: %s (CMO answered %q)", r.Operation, r.Outcome)
	failed := r.failed()
	if len(failed) > 0 {
		rejected := 0
		for _, err := range failed {
			if errors.Is(err, ErrRejected) {
				rejected++
			}
		}
		fmt.Fprintf(&b, ": of %d %s, %d not saved", len(r.Records), plural(r.kind, len(r.Records)), rejected)
		if n := len(failed) - rejected; n > 0 {
			fmt.Fprintf(&b, ", %d not confirmed", n)
		}
		for i, err := range failed {
			if i == 3 {
				b.WriteString(", ...")
				break
			}
			sep := " ("
			if i > 0 {
				sep = ", "
			}
			b.WriteString(sep)
			b.WriteString(strings.TrimPrefix(err.Error(), "cmo: "))
		}
		b.WriteString(")")
	}
	for _, bt := range r.Batches {
		if bt.mismatch() {
			fmt.Fprintf(&b, "; call %d sent %d %s and its log says %d saved, but CMO counted Imported: %d Total: %d", bt.Call, bt.Sent, plural(r.kind, bt.Sent), bt.saved, bt.Imported, bt.Total)
		}
		for _, m := range bt.Messages {
			fmt.Fprintf(&b, "; %s", m)
		}
	}
	return b.String()
}

// Is reports whether target is ErrImportFailed (always) or ErrCountMismatch
// (when a call's counts are wrong).
func (e *ImportError) Is(target error) bool {
	switch target {
	case ErrImportFailed:
		return true
	case ErrCountMismatch:
		for _, b := range e.Result.Batches {
			if b.mismatch() {
				return true
			}
		}
	}
	return false
}

// Unwrap returns the errors of the records not known to be saved.
func (e *ImportError) Unwrap() []error { return e.Result.failed() }

func plural(kind string, n int) string {
	if n == 1 {
		return kind
	}
	if kind == "entity" {
		return "entities"
	}
	return kind + "s"
}
