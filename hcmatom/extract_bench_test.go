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

// benchLoop runs read over a 100,000-row extract (about 21 MB of CSV) per
// iteration; MB/s are of plaintext. read gets the plaintext, or the
// encrypted extract when decrypt is set.
func benchLoop(b *testing.B, decrypt bool, read func(io.Reader) error) {
	decrypters(b)
	e := makeBenchExtract(b, 100_000)
	in := e.plain
	if decrypt {
		in = e.sealed
	}
	b.SetBytes(int64(len(e.plain)))
	b.ReportAllocs()
	for b.Loop() {
		if err := read(bytes.NewReader(in)); err != nil {
			b.Fatal(err)
		}
	}
}

// readRows reads every row of the plaintext extract r.
func readRows(r io.Reader) error {
	x, err := hcmatom.NewExtractReader(r)
	if err != nil {
		return err
	}
	n := 0
	for _, err := range x.Rows() {
		if err != nil {
			return err
		}
		n++
	}
	if n != 100_000 {
		return errors.New("rows missing")
	}
	return nil
}

// BenchmarkExtractReader: CSV parsing and row building alone.
func BenchmarkExtractReader(b *testing.B) { benchLoop(b, false, readRows) }

// BenchmarkDecrypt: decryption (RSA session key, AES-256, MDC, ZLIB) alone.
func BenchmarkDecrypt(b *testing.B) {
	benchLoop(b, true, func(r io.Reader) error {
		p, err := customerDec.Decrypt(r)
		if err == nil {
			_, err = io.Copy(io.Discard, p)
		}
		return err
	})
}

// BenchmarkDecryptAndRead: the two together, one after the other on one
// goroutine.
func BenchmarkDecryptAndRead(b *testing.B) {
	benchLoop(b, true, func(r io.Reader) error {
		p, err := customerDec.Decrypt(r)
		if err != nil {
			return err
		}
		return readRows(p)
	})
}
