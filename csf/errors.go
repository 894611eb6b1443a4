package csf

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/hrbridge/hrbridge/internal/apierr"
)

// APIError is every failure of a call CSF answered, or could not answer: a
// ResultCode other than 0 (Code holds it, "30008"; Message the server's
// ResultMessage, else the seed's description), a SOAP Fault (Code holds the
// faultcode), an HTTP error, no response. Its text has secrets removed.
type APIError = apierr.Error

// The sentinels every hrbridge package shares.
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

// The result codes of the seed, each a sentinel for errors.Is, which also
// matches the shared sentinel named in its comment.
var (
	// ErrValidation is 30000, "Input message validation failed"; also ErrInvalid.
	ErrValidation error = &resultKind{30000, "input message validation failed", ErrInvalid}
	// ErrSystem is 30001, "Unexpected system exception encountered"; also
	// ErrUnavailable. Reads are retried on it.
	ErrSystem error = &resultKind{30001, "unexpected system exception encountered", ErrUnavailable}
	// ErrUserExists is 30008, "User already exists"; also ErrConflict. A
	// CreateUser whose answer was lost and that the caller sends again gets
	// it: EnsureUser treats it as success.
	ErrUserExists error = &resultKind{30008, "user already exists", ErrConflict}
	// ErrGroupNotFound is 30010, "Group does not exist"; also ErrNotFound.
	ErrGroupNotFound error = &resultKind{30010, "group does not exist", ErrNotFound}
	// ErrUserNotFound is 30011, "User does not exist"; also ErrNotFound.
	ErrUserNotFound error = &resultKind{30011, "user does not exist", ErrNotFound}
	// ErrBadSuffix is 30014, "Invalid suffix for the organization"; also
	// ErrInvalid.
	ErrBadSuffix error = &resultKind{30014, "invalid suffix for the organization", ErrInvalid}
	// ErrOrganizationNotFound is 30015, "Organization does not exist"; also
	// ErrNotFound.
	ErrOrganizationNotFound error = &resultKind{30015, "organization does not exist", ErrNotFound}
	// ErrCredentials is 30021, "Message header does not contain proper
	// credential"; also ErrUnauthorized.
	ErrCredentials error = &resultKind{30021, "message header does not contain proper credential", ErrUnauthorized}
	// ErrDomainController is 30029, "Domain controller is not reachable";
	// also ErrUnavailable. Reads are retried on it.
	ErrDomainController error = &resultKind{30029, "domain controller is not reachable", ErrUnavailable}
	// ErrResultCode is any other ResultCode than 0 and the above: Code keeps
	// its number, Message the server's words.
	ErrResultCode error = &resultKind{-1, "unknown result code", nil}
)

// The result codes, as CSF sends them in ResultCode.
const (
	CodeSuccess            = 0
	CodeValidation         = 30000
	CodeSystem             = 30001
	CodeUserExists         = 30008
	CodeGroupNotFound      = 30010
	CodeUserNotFound       = 30011
	CodeBadSuffix          = 30014
	CodeOrganizationAbsent = 30015
	CodeCredentials        = 30021
	CodeDomainController   = 30029
)

// kindOf returns the sentinel of a documented result code, or nil.
func kindOf(code int) *resultKind {
	for _, err := range []error{ErrValidation, ErrSystem, ErrUserExists, ErrGroupNotFound, ErrUserNotFound,
		ErrBadSuffix, ErrOrganizationNotFound, ErrCredentials, ErrDomainController} {
		if k := err.(*resultKind); k.code == code {
			return k
		}
	}
	return nil
}

// resultKind is a sentinel for a result code.
type resultKind struct {
	code int
	text string
	also error // the shared sentinel it also is
}

func (k *resultKind) Error() string { return "csf: " + k.text }

func (k *resultKind) Is(target error) bool { return k.also != nil && target == k.also }

// Description returns the seed's description of a result code, or "".
func Description(code int) string {
	if k := kindOf(code); k != nil {
		return k.text
	}
	if code == 0 {
		return "success"
	}
	return ""
}

// resultError is the *APIError of a ResultCode other than 0.
func (c *Client) resultError(op operation, code int, msg string, secrets []string) *APIError {
	kind := error(ErrResultCode)
	if k := kindOf(code); k != nil {
		kind = k
	}
	if msg == "" {
		msg = Description(code)
		if msg == "" {
			msg = fmt.Sprintf("result code %d, which the documentation does not list", code)
		}
	}
	return &APIError{Package: "csf", Op: op.method, Method: http.MethodPost, URL: c.endpoint, StatusCode: http.StatusOK,
		Code: strconv.Itoa(code), Message: redact(c.t.Redact(truncate(msg, 512)), secrets), Kind: kind, Err: kind}
}

// retryable reports a result code on which a read may be sent again.
func retryable(err error) bool {
	e, ok := err.(*APIError)
	return ok && (e.Kind == ErrSystem || e.Kind == ErrDomainController)
}

// fromTransport is apierr.FromTransport for this package.
func fromTransport(op string, err error) error { return apierr.FromTransport("csf", op, err) }
