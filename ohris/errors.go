package ohris

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/pkg/sftp"
)

// APIError is a call the SFTP server refused or failed: Op is what the
// client was doing ("connect", "login", "create", "write", "rename",
// "list", ...), URL the sftp:// URL of the path, Code the SFTP status by
// name and number ("SSH_FX_PERMISSION_DENIED (3)") and Message the
// server's own words. Method and StatusCode are empty: SFTP has neither.
type APIError = apierr.Error

// The sentinels every hrbridge package shares, for errors.Is.
var (
	// ErrUnauthorized: the SSH server refused the login.
	ErrUnauthorized = apierr.ErrUnauthorized
	// ErrForbidden: the SFTP server refused the operation
	// (SSH_FX_PERMISSION_DENIED).
	ErrForbidden = apierr.ErrForbidden
	// ErrNotFound: no such file or folder (SSH_FX_NO_SUCH_FILE), or an
	// operation the server does not have (SSH_FX_OP_UNSUPPORTED).
	ErrNotFound = apierr.ErrNotFound
	// ErrUnavailable: the server could not be reached or the connection
	// was lost.
	ErrUnavailable = apierr.ErrUnavailable
	// ErrInvalid: the input failed validation (a *ValidationError, a bad
	// environment or file name; nothing was sent), or a flux file read
	// back cannot be read (its line and column are in the error).
	ErrInvalid = apierr.ErrInvalid
)

// ErrHostKey: the SFTP server did not show the host key expected. The
// connection is closed before the login, so no password is sent.
var ErrHostKey = errors.New("SFTP host key not accepted")

// SFTP status codes (draft-ietf-secsh-filexfer-02, section 7).
var statusNames = []string{"SSH_FX_OK", "SSH_FX_EOF", "SSH_FX_NO_SUCH_FILE", "SSH_FX_PERMISSION_DENIED",
	"SSH_FX_FAILURE", "SSH_FX_BAD_MESSAGE", "SSH_FX_NO_CONNECTION", "SSH_FX_CONNECTION_LOST",
	"SSH_FX_OP_UNSUPPORTED"}

const (
	codeNoSuchFile       = 2
	codePermissionDenied = 3
	codeNoConnection     = 6
	codeConnectionLost   = 7
	codeOpUnsupported    = 8
)

// statusCode names an SFTP status as APIError.Code: "SSH_FX_NO_SUCH_FILE (2)".
func statusCode(code uint32) string {
	name := "SSH_FX_" + strconv.FormatUint(uint64(code), 10)
	if int(code) < len(statusNames) {
		name = statusNames[code]
	}
	return name + " (" + strconv.FormatUint(uint64(code), 10) + ")"
}

// statusKind is the sentinel of an SFTP status, or nil.
func statusKind(code uint32) error {
	switch code {
	case codeNoSuchFile, codeOpUnsupported:
		return ErrNotFound
	case codePermissionDenied:
		return ErrForbidden
	case codeNoConnection, codeConnectionLost:
		return ErrUnavailable
	}
	return nil
}

// sftpError turns an error of the sftp package into an *APIError for op on
// path: the server's status when it answered, the cause otherwise.
func (c *Client) sftpError(op, path string, err error) error {
	var already *APIError
	if errors.As(err, &already) {
		return err
	}
	e := &APIError{Package: "ohris", Op: op, URL: c.url(path)}
	var st *sftp.StatusError
	switch {
	case errors.As(err, &st):
		e.Code, e.Kind, e.Message = statusCode(st.Code), statusKind(st.Code), statusMessage(st)
	case errors.Is(err, fs.ErrNotExist): // the sftp client drops the server's words for these two
		e.Code, e.Kind, e.Message = statusCode(codeNoSuchFile), ErrNotFound, "no such file"
	case errors.Is(err, fs.ErrPermission):
		e.Code, e.Kind, e.Message = statusCode(codePermissionDenied), ErrForbidden, "permission denied"
	default:
		e.Err = err
		if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			e.Kind = ErrUnavailable
		}
	}
	return e
}

// statusMessage returns the server's message of a status, which the sftp
// package only gives inside its own text: sftp: "message" (SSH_FX_...).
func statusMessage(st *sftp.StatusError) string {
	s := strings.TrimPrefix(st.Error(), "sftp: ")
	if q, err := strconv.QuotedPrefix(s); err == nil {
		if m, err := strconv.Unquote(q); err == nil {
			return apierr.Snippet(m)
		}
	}
	return apierr.Snippet(s)
}

// invalid returns a validation error, errors.Is ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("ohris: "+format+": %w", append(args, ErrInvalid)...)
}
