package hcmatom_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/hcmatom"
)

type intakeAnswer struct {
	hcmatom.ExtractSummary
	Error   string              `json:"error"`
	Code    string              `json:"code"`
	BadRows []*hcmatom.RowError `json:"badRows"`
}

func postUpload(t *testing.T, url, contentType string, body io.Reader) (int, intakeAnswer) {
	t.Helper()
	resp, err := http.Post(url, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	var a intakeAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, a
}

func newIntake(t *testing.T, d *hcmatom.Decrypter) (*hcmatom.ExtractIntake, *httptest.Server, string) {
	t.Helper()
	dir := t.TempDir()
	h := &hcmatom.ExtractIntake{Roster: hcmatom.NewRoster(), Decrypter: d, TempDir: dir, Options: []hcmatom.ExtractOption{asOf}}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return h, srv, dir
}

func assertNoSpool(t *testing.T, dir string) {
	t.Helper()
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestExtractIntake(t *testing.T) {
	decrypters(t)
	h, srv, dir := newIntake(t, signedDec)

	status, a := postUpload(t, srv.URL, "application/pgp-encrypted", bytes.NewReader(vector(t, "signed-zlib-aes256.gpg")))
	if status != http.StatusOK || a.Rows != 7 || a.Persons != 5 || a.Decryption == nil || a.Decryption.Signer == "" {
		t.Fatalf("%d %+v", status, a)
	}
	if h.Roster.Len() != 5 {
		t.Fatalf("roster has %d persons", h.Roster.Len())
	}
	assertNoSpool(t, dir)

	// The same again: every person is already there.
	status, a = postUpload(t, srv.URL, "application/pgp-encrypted", bytes.NewReader(vector(t, "signed-zip-aes128.asc")))
	if status != http.StatusConflict || a.Code != "conflict" || h.Roster.Len() != 5 {
		t.Fatalf("second upload: %d %+v", status, a)
	}
	assertNoSpool(t, dir)
}

func TestExtractIntakeMultipart(t *testing.T) {
	decrypters(t)
	h, srv, dir := newIntake(t, customerDec)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("comment", "initial sync")
	fw, _ := mw.CreateFormFile("file", "extract.csv.asc")
	fw.Write(vector(t, "zlib-aes128.asc"))
	mw.Close()
	status, a := postUpload(t, srv.URL, mw.FormDataContentType(), &body)
	if status != http.StatusOK || a.Rows != 7 || h.Roster.Len() != 5 {
		t.Fatalf("%d %+v", status, a)
	}
	assertNoSpool(t, dir)

	body.Reset()
	mw = multipart.NewWriter(&body)
	mw.WriteField("comment", "no file")
	mw.Close()
	if status, a := postUpload(t, srv.URL, mw.FormDataContentType(), &body); status != http.StatusBadRequest || a.Code != "bad-extract" {
		t.Fatalf("form without a file: %d %+v", status, a)
	}
}

func TestExtractIntakeRefusals(t *testing.T) {
	decrypters(t)
	for _, tc := range []struct {
		file   string
		d      **hcmatom.Decrypter
		status int
		code   string
	}{
		{"tampered.gpg", &customerDec, 422, "integrity"},
		{"truncated.gpg", &customerDec, 422, "integrity"},
		{"bad-signature.gpg", &signedDec, 422, "signature"},
		{"impostor-signed.gpg", &signedDec, 422, "signature"},
		{"no-mdc.gpg", &customerDec, 422, "no-integrity"},
		{"stranger.gpg", &customerDec, 422, "wrong-key"},
		{"signed-only.gpg", &customerDec, 400, "not-encrypted"},
		{"extract.csv", &customerDec, 400, "not-pgp"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			h, srv, dir := newIntake(t, *tc.d)
			status, a := postUpload(t, srv.URL, "application/octet-stream", bytes.NewReader(vector(t, tc.file)))
			if status != tc.status || a.Code != tc.code || a.Error == "" || h.Roster.Len() != 0 {
				t.Fatalf("%d %+v, roster %d", status, a, h.Roster.Len())
			}
			if strings.Contains(a.Error, keyPassphrase) {
				t.Errorf("the answer reveals the key's passphrase: %s", a.Error)
			}
			assertNoSpool(t, dir)
		})
	}
}

func TestExtractIntakeLimitsAndMethods(t *testing.T) {
	decrypters(t)
	h, srv, dir := newIntake(t, customerDec)
	h.MaxUploadBytes = 500
	status, a := postUpload(t, srv.URL, "application/octet-stream", bytes.NewReader(vector(t, "zip-aes256.gpg")))
	if status != http.StatusRequestEntityTooLarge || a.Code != "too-large" || h.Roster.Len() != 0 {
		t.Fatalf("%d %+v", status, a)
	}
	assertNoSpool(t, dir)

	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST, PUT" {
		t.Errorf("GET: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestExtractIntakeBadRows(t *testing.T) {
	d, err := hcmatom.NewDecrypter(hcmatom.WithPassphrase([]byte("p")))
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h, srv, _ := newIntake(t, d)
	h.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	csv := seedHeader + "\n" + seedRow + "\n" + strings.Replace(seedRow, "2023-08-01", "2023-02-30", 1) + "\n"
	status, a := postUpload(t, srv.URL, "application/octet-stream", bytes.NewReader(encryptWithPassphrase(t, csv, "p")))
	if status != http.StatusBadRequest || a.Code != "bad-rows" || len(a.BadRows) != 1 || a.BadRows[0].Line != 3 ||
		a.BadRows[0].Problems[0].Column != "EffectiveStartDate" || h.Roster.Len() != 0 {
		t.Fatalf("%d %+v", status, a)
	}
	if !strings.Contains(logs.String(), "code=bad-rows") || strings.Contains(logs.String(), "Green") {
		t.Errorf("log: %s", logs.String())
	}

	h.Options = append(h.Options, hcmatom.WithMaxBadRows(1))
	status, a = postUpload(t, srv.URL, "application/octet-stream", bytes.NewReader(encryptWithPassphrase(t, csv, "p")))
	if status != http.StatusOK || a.Rows != 1 || len(a.BadRows) != 1 || h.Roster.Len() != 1 {
		t.Fatalf("%d %+v", status, a)
	}
}
