package hcmatom_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hrbridge/hrbridge/hcmatom"
)

// FuzzExtractReader feeds arbitrary bytes to the CSV reader: it must never
// panic, every good row must have its keys and valid UTF-8, and lines must
// go forward.
func FuzzExtractReader(f *testing.F) {
	if b, err := os.ReadFile(sampleExtract); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		seedHeader + "\n" + seedRow + "\n",
		seedHeader + ",PrimaryFlag,X\r\n" + seedRow + ",Y,\"a\"\"b\"\r\n\r\n",
		seedHeader + "\n" + `1,"S1` + "\n" + `",A1,n,,,EMP,,,,,,2023-08-01` + "\n",
		"\xEF\xBB\xBF" + seedHeader + ",\n" + seedRow + ",\n",
		seedHeader + "\n" + `1,S1,A1,"x"y,,,,,,,,,2023-02-30` + "\n",
		"\xFF\xFE", "", "\n\n", `"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := hcmatom.NewExtractReader(bytes.NewReader(data), hcmatom.WithMaxBadRows(3), hcmatom.WithMaxRowBytes(4096))
		if err != nil {
			return
		}
		last := 1
		for row, err := range x.Rows() {
			var re *hcmatom.RowError
			if err != nil && !errors.As(err, &re) {
				continue // the end: the file cannot be read on
			}
			if row.Line <= last {
				t.Fatalf("line %d after line %d", row.Line, last)
			}
			last = row.Line
			if err != nil {
				if re.Line != row.Line {
					t.Fatalf("RowError line %d, row line %d", re.Line, row.Line)
				}
				continue
			}
			if row.PersonNumber == "" || row.PeriodOfServiceID == "" || row.AssignmentID == "" || row.EffectiveStartDate.IsZero() {
				t.Fatalf("good row without its keys: %+v", row)
			}
			for _, s := range []string{row.PersonNumber, row.PersonName, row.WorkEmail, row.JobID} {
				if !utf8.ValidString(s) || s != strings.TrimSpace(s) {
					t.Fatalf("value %q not valid UTF-8 or not trimmed", s)
				}
			}
			for k, v := range row.Extra {
				if !utf8.ValidString(k) || !utf8.ValidString(v) {
					t.Fatalf("extra %q=%q not valid UTF-8", k, v)
				}
			}
		}
		if len(x.BadRows()) > 4 {
			t.Fatalf("%d bad rows reported past the limit of 3", len(x.BadRows()))
		}
	})
}

// FuzzDecryptExtract feeds arbitrary bytes, seeded with every gpg vector,
// through decryption and the CSV reader: no panic, and a read that ends
// without error was opened by a key given and, when a signer is required,
// verified. It decrypts with the second recipient's Curve25519 key: RSA
// under the fuzzer's coverage instrumentation runs too slowly to explore.
func FuzzDecryptExtract(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(vectors, "*.gpg"))
	asc, _ := filepath.Glob(filepath.Join(vectors, "*.asc"))
	for _, name := range append(files, asc...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	key := vector(f, "second.asc")
	plain, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(key, nil))
	if err != nil {
		f.Fatal(err)
	}
	signed, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(key, nil), hcmatom.WithSigner(vector(f, "hcm-signer.pub.asc")))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range []*hcmatom.Decrypter{plain, signed} {
			p, err := d.Decrypt(bytes.NewReader(data))
			if err != nil {
				continue
			}
			x, err := hcmatom.NewExtractReader(p, hcmatom.WithMaxBadRows(3))
			if err != nil {
				continue
			}
			var end error
			for _, err := range x.Rows() {
				if err != nil && !errors.Is(err, hcmatom.ErrBadRow) {
					end = err
				}
			}
			info := p.Info()
			if end == nil && info.DecryptedWith == "" {
				t.Fatalf("read to the end without a key: %+v", info)
			}
			if end == nil && d == signed && info.Signer == "" {
				t.Fatalf("read to the end without a verified signer: %+v", info)
			}
		}
	})
}
