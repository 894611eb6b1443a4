package ohris

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/pkg/sftp"
)

// Sentinel errors, for errors.Is.
var (
	// ErrInvalid matches a *ValidationError: users that fail the checks.
	ErrInvalid = errors.New("ohris: users fail the checks")
	// ErrHostKey: the SFTP server's host key is not the one expected. The
	// connection is closed before anything is sent.
	ErrHostKey = errors.New("ohris: SFTP host key not accepted")
	// ErrAuth: the SFTP server refused the login.
	ErrAuth = errors.New("ohris: SFTP authentication refused")
	// ErrNotFound: no such file or folder on the SFTP server.
	ErrNotFound = errors.New("ohris: no such file or folder")
	// ErrPermission: the SFTP server refused the operation.
	ErrPermission = errors.New("ohris: permission denied")
)

// SFTP status codes (draft-ietf-secsh-filexfer-02, section 7) that have a
// sentinel.
const (
	codeNoSuchFile       = 2
	codePermissionDenied = 3
)

// APIError is an error status returned by the SFTP server for an operation.
type APIError struct {
	Op      string // what the client was doing: "create", "write", "rename", "list", ...
	Path    string // the path on the server
	Code    uint32 // the SFTP status code (SSH_FX_*)
	Message string // the server's message
}

func (e *APIError) Error() string {
	return fmt.Sprintf("ohris: SFTP %s %s: %s (status %d)", e.Op, e.Path, e.Message, e.Code)
}

// Is makes errors.Is(err, ErrNotFound) and errors.Is(err, ErrPermission)
// true for the matching status codes.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.Code == codeNoSuchFile ||
		target == ErrPermission && e.Code == codePermissionDenied
}

// sftpError turns an error of the sftp package into an *APIError when the
// server answered, or wraps it with the operation when the connection failed.
func sftpError(op, path string, err error) error {
	var st *sftp.StatusError
	switch {
	case errors.As(err, &st):
		return &APIError{Op: op, Path: path, Code: st.Code, Message: st.Error()}
	case errors.Is(err, fs.ErrNotExist):
		return &APIError{Op: op, Path: path, Code: codeNoSuchFile, Message: "no such file"}
	case errors.Is(err, fs.ErrPermission):
		return &APIError{Op: op, Path: path, Code: codePermissionDenied, Message: "permission denied"}
	}
	return fmt.Errorf("ohris: SFTP %s %s: %w", op, path, err)
}
