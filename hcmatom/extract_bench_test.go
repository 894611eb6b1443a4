package hcmatom_test

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/internal/extractgen"
	"github.com/hrbridge/hrbridge/internal/pgp"
)

// benchExtract is a synthetic extract, in clear and encrypted (ZLIB, to the
// customer key of the gpg vectors, as HCM would send it), made once per
// size.
type benchExtract struct {
	plain, sealed []byte
	persons       int
}

var (
	benchMu       sync.Mutex
	benchExtracts = map[int]*benchExtract{}
)

func makeBenchExtract(b *testing.B, rows int) *benchExtract {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if e := benchExtracts[rows]; e != nil {
		return e
	}
	var plain bytes.Buffer
	persons, err := extractgen.Write(&plain, rows)
	if err != nil {
		b.Fatal(err)
	}
	pub, err := pgp.ReadKeys(bytes.NewReader(vector(b, "customer.pub.asc")))
	if err != nil {
		b.Fatal(err)
	}
	var sealed bytes.Buffer
	w, err := pgp.Encrypt(&sealed, pgp.EncryptOptions{To: pub, Compression: pgp.CompressZLIB})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := w.Write(plain.Bytes()); err != nil {
		b.Fatal(err)
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	e := &benchExtract{plain: plain.Bytes(), sealed: sealed.Bytes(), persons: persons}
	benchExtracts[rows] = e
	return e
}

// BenchmarkExtractReader: CSV parsing and row building alone.
func BenchmarkExtractReader(b *testing.B) {
	e := makeBenchExtract(b, 100_000)
	b.SetBytes(int64(len(e.plain)))
	b.ReportAllocs()
	for b.Loop() {
		x, err := hcmatom.NewExtractReader(bytes.NewReader(e.plain))
		if err != nil {
			b.Fatal(err)
		}
		for _, err := range x.Rows() {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkDecrypt: decryption (RSA session key, AES-256, MDC, ZLIB) alone;
// MB/s are of plaintext.
func BenchmarkDecrypt(b *testing.B) {
	decrypters(b)
	e := makeBenchExtract(b, 100_000)
	b.SetBytes(int64(len(e.plain)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := customerDec.Decrypt(bytes.NewReader(e.sealed))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecryptAndRead: the two together, as an upload is read.
func BenchmarkDecryptAndRead(b *testing.B) {
	decrypters(b)
	e := makeBenchExtract(b, 100_000)
	b.SetBytes(int64(len(e.plain)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := customerDec.Decrypt(bytes.NewReader(e.sealed))
		if err != nil {
			b.Fatal(err)
		}
		x, err := hcmatom.NewExtractReader(p)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, err := range x.Rows() {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_000 {
			b.Fatal(errors.New("rows missing"))
		}
	}
}
