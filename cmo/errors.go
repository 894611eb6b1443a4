package cmo

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, for errors.Is.
var (
	// ErrInvalid: records failed validation; nothing was sent (*ValidationError).
	ErrInvalid = errors.New("cmo: invalid records")
	// ErrUnauthorized: CMO refused the login and password ("Login or password
	// is incorrect."), or the export API refused them or the token (401).
	ErrUnauthorized = errors.New("cmo: login or password refused")
	// ErrForbidden: the login lacks a permission (403); the export needs
	// "Allow Edit Users" and "Allow Edit User Assignments".
	ErrForbidden = errors.New("cmo: permission denied")
	// ErrNotFound: no such endpoint (404), such as an operation a tenant
	// does not have.
	ErrNotFound = errors.New("cmo: not found")

	// ErrPartiallyCompleted: an import's outcome was "Partially completed"
	// (*ImportError).
	ErrPartiallyCompleted = errors.New("cmo: import partially completed")
	// ErrImportFailed: an import's outcome was False (*ImportError).
	ErrImportFailed = errors.New("cmo: import failed")
	// ErrCountMismatch: CMO's "Total" differs from the number of records
	// sent in a call: some records were not read (*ImportError).
	ErrCountMismatch = errors.New("cmo: CMO did not count every record sent")

	// ErrRejected: CMO did not save a record (*RecordError). The errors
	// below say why, when CMO's message tells.
	ErrRejected = errors.New("cmo: record not saved")
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

// APIError is a refusal by CMO: a SOAP Fault, an HTTP error status, or a
// result document refusing the credentials. Its text has secrets removed.
type APIError struct {
	// Op is the SOAP operation ("UserControlledImport") or the REST call
	// ("POST /api/token").
	Op string
	// StatusCode is the HTTP status; 200 for a refusal in a result document.
	StatusCode int
	// Code is the SOAP faultcode ("soap:Client"), or the result of the
	// import ("False").
	Code string
	// Message is the server's explanation: the faultstring, the result's
	// log line, or the start of the response body.
	Message string

	sentinel error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cmo: %s: ", e.Op)
	switch {
	case e.Code != "" && e.StatusCode != 200:
		fmt.Fprintf(&b, "HTTP %d, %s", e.StatusCode, e.Code)
	case e.Code != "":
		b.WriteString(e.Code)
	default:
		fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Is reports whether e is an instance of target: ErrUnauthorized,
// ErrForbidden or ErrNotFound.
func (e *APIError) Is(target error) bool {
	if e.sentinel != nil && target == e.sentinel {
		return true
	}
	switch e.StatusCode {
	case 401:
		return target == ErrUnauthorized
	case 403:
		return target == ErrForbidden
	case 404:
		return target == ErrNotFound
	}
	return false
}

// RecordError says why CMO did not save one record, in CMO's own words.
type RecordError struct {
	Kind string // "user", "org unit" or "entity"
	Key  string // LoginName, OrgName or EntityName
	// Messages are the lines CMO logged for the record.
	Messages []string

	reasons []error
}

func (e *RecordError) Error() string {
	msg := strings.Join(e.Messages, "; ")
	if msg == "" {
		msg = "no reason given"
	}
	return fmt.Sprintf("cmo: %s %q not saved: %s", e.Kind, e.Key, msg)
}

// Is reports whether target is ErrRejected or a reason CMO's messages give
// (ErrOrgUnitNotFound, ErrBadDate, ...).
func (e *RecordError) Is(target error) bool {
	if target == ErrRejected {
		return true
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

// ImportError reports an import CMO did not fully complete. Result holds
// every record's outcome; Unwrap gives the *RecordError of each record not
// saved, so errors.Is(err, ErrOrgUnitNotFound) works on the whole import.
type ImportError struct {
	Result *ImportResult
}

func (e *ImportError) Error() string {
	r := e.Result
	var b strings.Builder
	fmt.Fprintf(&b, "cmo: %s: %s", r.Operation, r.Outcome)
	failed := r.failed()
	if len(failed) > 0 {
		fmt.Fprintf(&b, ": %d of %d %s not saved", len(failed), len(r.Records), plural(r.kind, len(r.Records)))
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
		if len(failed) > 0 {
			b.WriteString(")")
		}
	}
	for _, bt := range r.Batches {
		if bt.mismatch() {
			fmt.Fprintf(&b, "; call %d sent %d %s, CMO counted Total: %d", bt.Call, bt.Sent, plural(r.kind, bt.Sent), bt.Total)
		}
		for _, m := range bt.Messages {
			fmt.Fprintf(&b, "; %s", m)
		}
	}
	return b.String()
}

// Is reports whether target is ErrPartiallyCompleted, ErrImportFailed or
// ErrCountMismatch, as the result says.
func (e *ImportError) Is(target error) bool {
	switch target {
	case ErrPartiallyCompleted:
		return e.Result.Outcome == OutcomePartial
	case ErrImportFailed:
		return e.Result.Outcome == OutcomeFalse
	case ErrCountMismatch:
		for _, b := range e.Result.Batches {
			if b.mismatch() {
				return true
			}
		}
	}
	return false
}

// Unwrap returns the errors of the records CMO did not save.
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
