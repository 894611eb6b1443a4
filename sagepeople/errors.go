package sagepeople

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// pkg prefixes every error of the package.
const pkg = "sagepeople"

// APIError is a call Salesforce refused or failed. Code holds Salesforce's
// errorCode (MALFORMED_QUERY, INVALID_FIELD, REQUEST_LIMIT_EXCEEDED,
// INVALID_SESSION_ID, ...) or, for the token endpoint, the OAuth error
// (invalid_grant, invalid_client_id, ...).
type APIError = apierr.Error

// The sentinels every hrbridge package shares. A 403 REQUEST_LIMIT_EXCEEDED
// is also ErrRateLimited; a token request the login host refused is
// ErrUnauthorized, whatever its status.
var (
	ErrUnauthorized      = apierr.ErrUnauthorized
	ErrForbidden         = apierr.ErrForbidden
	ErrNotFound          = apierr.ErrNotFound
	ErrConflict          = apierr.ErrConflict
	ErrRateLimited       = apierr.ErrRateLimited
	ErrUnavailable       = apierr.ErrUnavailable
	ErrInvalid           = apierr.ErrInvalid
	ErrUnexpectedContent = apierr.ErrUnexpectedContent
)

// ErrBadRecord marks a record of an answer that could not be read as a
// TeamMember (a *RecordError): the other records of the list still come.
var ErrBadRecord = errors.New("bad record")

// ErrJobFailed marks a Bulk API 2.0 job that ended Failed or Aborted.
var ErrJobFailed = errors.New("bulk job failed")

// RecordError is one record of an answer that could not be read: it names
// the record (its Id when it has one, else its place in the answer) and the
// field.
type RecordError struct {
	// ID is the record's Id, when it could be read.
	ID string
	// Where is the record's place: "record 12 of the page", "CSV row 40".
	Where string
	// Field is the field's SOQL name ("fHCM2__Current_Employment__r.fHCM2__Start_Date__c").
	Field string
	// Problem says what is wrong.
	Problem string
}

func (e *RecordError) Error() string {
	var b strings.Builder
	b.WriteString("sagepeople: ")
	b.WriteString(e.Where)
	if e.ID != "" {
		fmt.Fprintf(&b, " (Id %s)", e.ID)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Problem)
	return b.String()
}

// Is makes a RecordError ErrBadRecord.
func (e *RecordError) Is(target error) bool { return target == ErrBadRecord }

// sfError is one element of Salesforce's error array.
type sfError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields"`
}

// oauthError is the token endpoint's error (RFC 6749 section 5.2).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// wrap turns an error of the transport into an *APIError for op, reading
// Salesforce's error array or the OAuth error from the body.
func wrap(op string, err error) error {
	var he *transport.HTTPError
	if !errors.As(err, &he) {
		return apierr.FromTransport(pkg, op, err)
	}
	e := apierr.FromHTTP(pkg, op, he)
	if e.Kind == nil {
		decodeErrorBody(e, he.Body)
	}
	return e
}

// decodeErrorBody sets Code and Message from a Salesforce error array
// ([{"message","errorCode","fields"}]) or an OAuth error object.
func decodeErrorBody(e *APIError, body []byte) {
	var arr []sfError
	if json.Unmarshal(body, &arr) == nil && len(arr) > 0 && arr[0].ErrorCode != "" {
		e.Code = arr[0].ErrorCode
		msgs := make([]string, 0, len(arr))
		for _, a := range arr {
			m := a.Message
			if len(a.Fields) > 0 {
				m += " (fields " + strings.Join(a.Fields, ", ") + ")"
			}
			if a.ErrorCode != e.Code {
				m = a.ErrorCode + ": " + m
			}
			msgs = append(msgs, m)
		}
		e.Message = apierr.Snippet(strings.Join(msgs, "; "))
		if e.Code == "REQUEST_LIMIT_EXCEEDED" {
			e.Kind = ErrRateLimited
		}
		return
	}
	var oe oauthError
	if json.Unmarshal(body, &oe) == nil && oe.Error != "" {
		e.Code, e.Message = oe.Error, apierr.Snippet(oe.Description)
		e.Kind = ErrUnauthorized
	}
}

// sessionExpired reports a 401 INVALID_SESSION_ID (or a 401 with no code):
// the session token is no longer good and a new one may be asked for.
func sessionExpired(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == 401 && (e.Code == "" || e.Code == "INVALID_SESSION_ID")
}
