package hcmatom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"time"
)

// DefaultMaxUploadBytes bounds an extract upload unless
// ExtractIntake.MaxUploadBytes says otherwise: a compressed, encrypted
// extract of a million rows is about 30 MB.
const DefaultMaxUploadBytes = 1 << 30

// ExtractIntake is an http.Handler that takes an encrypted extract upload
// and loads it into a roster: the REST upload the integration guide lists
// among the ways an integration may offer to import the file ("Initial
// Sync": FTP, a user interface for manual upload, or a REST API).
//
// It accepts POST or PUT with the OpenPGP message as the body (binary or
// ASCII armored), or a multipart/form-data form whose first file is the
// message. The upload is streamed to a temporary file, never held in
// memory; only once it has been received in full is it decrypted and
// loaded, with Roster.LoadExtract: all of it or nothing. The temporary
// file holds only the encrypted upload and is removed before the answer.
//
// The answer is JSON: the ExtractSummary with 200 OK, or
//
//	{"error": "...", "code": "...", "badRows": [...]}
//
// with 400 (not an OpenPGP message, not encrypted, malformed; a bad
// extract or bad rows), 405, 409 (the extract conflicts with the roster:
// persons already loaded), 413 (upload or plaintext too large), 422 (no
// key given opens it, no integrity protection, integrity check failed,
// signature missing or invalid) or 500. The code is one of not-pgp,
// malformed, not-encrypted, no-integrity, wrong-key, integrity, signature,
// too-large, bad-extract, bad-rows, conflict, method, canceled, internal.
//
// Authenticating the uploader is the caller's business: wrap the handler.
type ExtractIntake struct {
	Roster    *Roster
	Decrypter *Decrypter
	// MaxUploadBytes bounds the upload; DefaultMaxUploadBytes if zero.
	MaxUploadBytes int64
	// TempDir is where uploads are spooled; os.TempDir() if empty.
	TempDir string
	// Options are passed to LoadExtract (WithMaxBadRows, ...).
	Options []ExtractOption
	// Logger, if set, gets one line per upload: its outcome, counts and
	// duration (never the data nor the keys).
	Logger *slog.Logger
}

type intakeError struct {
	Error   string      `json:"error"`
	Code    string      `json:"code"`
	BadRows []*RowError `json:"badRows,omitempty"`
}

func (h *ExtractIntake) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	start := time.Now()
	sum, status, err := h.serve(w, req)
	if err != nil {
		body := intakeError{Error: err.Error(), Code: intakeCode(err)}
		var re *RowError
		if errors.As(err, &re) {
			body.BadRows = []*RowError{re}
		}
		if h.Logger != nil {
			h.Logger.LogAttrs(req.Context(), slog.LevelWarn, "hcmatom: extract upload refused",
				slog.Int("status", status), slog.String("code", body.Code), slog.Duration("took", time.Since(start)))
		}
		writeJSON(w, status, body)
		return
	}
	if h.Logger != nil {
		h.Logger.LogAttrs(req.Context(), slog.LevelInfo, "hcmatom: extract loaded",
			slog.Int("rows", sum.Rows), slog.Int("persons", sum.Persons), slog.Int("badRows", len(sum.BadRows)),
			slog.Duration("took", time.Since(start)))
	}
	writeJSON(w, http.StatusOK, sum)
}

func (h *ExtractIntake) serve(w http.ResponseWriter, req *http.Request) (*ExtractSummary, int, error) {
	if req.Method != http.MethodPost && req.Method != http.MethodPut {
		w.Header().Set("Allow", "POST, PUT")
		return nil, http.StatusMethodNotAllowed, errMethod
	}
	if h.Roster == nil || h.Decrypter == nil {
		return nil, http.StatusInternalServerError, errors.New("hcmatom: ExtractIntake needs a Roster and a Decrypter")
	}
	max := h.MaxUploadBytes
	if max <= 0 {
		max = DefaultMaxUploadBytes
	}
	body := http.MaxBytesReader(w, req.Body, max)
	upload, err := uploadedFile(req, body)
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	f, err := os.CreateTemp(h.TempDir, "hcmatom-extract-*.pgp")
	if err != nil {
		return nil, http.StatusInternalServerError, fmt.Errorf("hcmatom: spooling the upload: %w", err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	if _, err := io.Copy(f, upload); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, fmt.Errorf("%w: the upload is larger than %d bytes", errUploadTooLarge, max)
		}
		return nil, http.StatusBadRequest, fmt.Errorf("hcmatom: receiving the upload: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, http.StatusInternalServerError, fmt.Errorf("hcmatom: spooling the upload: %w", err)
	}
	sum, err := h.Roster.LoadExtract(req.Context(), h.Decrypter, f, h.Options...)
	if err != nil {
		return nil, intakeStatus(err), err
	}
	return sum, http.StatusOK, nil
}

var (
	errMethod         = errors.New("hcmatom: an extract is uploaded with POST or PUT")
	errUploadTooLarge = errors.New("hcmatom: upload too large")
	errNoFile         = errors.New("hcmatom: the form holds no file")
)

// uploadedFile returns the uploaded message: the body, or the first file
// of a multipart form, read as it arrives.
func uploadedFile(req *http.Request, body io.Reader) (io.Reader, error) {
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return body, nil
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil, errNoFile
		}
		if err != nil {
			return nil, fmt.Errorf("hcmatom: reading the form: %w", err)
		}
		if part.FileName() != "" {
			return part, nil
		}
	}
}

func intakeStatus(err error) int {
	switch intakeCode(err) {
	case "too-large":
		return http.StatusRequestEntityTooLarge
	case "wrong-key", "no-integrity", "integrity", "signature":
		return http.StatusUnprocessableEntity
	case "conflict":
		return http.StatusConflict
	case "canceled":
		return 499 // the client went away; nobody reads this answer
	case "internal":
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func intakeCode(err error) string {
	var le *LoadError
	for _, c := range []struct {
		target error
		code   string
	}{
		{ErrIntegrity, "integrity"}, {ErrSignature, "signature"}, {ErrNoIntegrity, "no-integrity"},
		{ErrWrongKey, "wrong-key"}, {ErrNotEncrypted, "not-encrypted"}, {ErrNotPGP, "not-pgp"},
		{ErrMalformedPGP, "malformed"}, {ErrPlaintextTooLarge, "too-large"}, {errUploadTooLarge, "too-large"},
		{ErrBadRow, "bad-rows"}, {ErrBadExtract, "bad-extract"}, {errMethod, "method"}, {errNoFile, "bad-extract"},
		{context.Canceled, "canceled"}, {context.DeadlineExceeded, "canceled"},
	} {
		if errors.Is(err, c.target) {
			return c.code
		}
	}
	if errors.As(err, &le) {
		return "conflict"
	}
	return "internal"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
