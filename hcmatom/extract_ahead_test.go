package hcmatom

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"testing"
	"testing/iotest"
)

func TestAheadReader(t *testing.T) {
	data := make([]byte, 100_003)
	rand.New(rand.NewSource(1)).Read(data)
	for _, src := range []io.Reader{
		bytes.NewReader(data),
		iotest.OneByteReader(bytes.NewReader(data)),
		iotest.HalfReader(bytes.NewReader(data)),
		iotest.DataErrReader(bytes.NewReader(data)),
	} {
		a := newAheadReader(src, 4096, 3)
		got, err := io.ReadAll(iotest.HalfReader(a))
		a.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("%T: %d bytes, %v", src, len(got), err)
		}
	}
	if err := iotest.TestReader(newAheadReader(bytes.NewReader(data), 1000, 2), data); err != nil {
		t.Fatal(err)
	}

	// The source's error comes after all the data read before it.
	boom := errors.New("integrity check failed")
	a := newAheadReader(io.MultiReader(bytes.NewReader(data[:5000]), iotest.ErrReader(boom)), 4096, 2)
	got, err := io.ReadAll(a)
	if !errors.Is(err, boom) || !bytes.Equal(got, data[:5000]) {
		t.Fatalf("error: %d bytes, %v", len(got), err)
	}
	if _, err := a.Read(make([]byte, 1)); !errors.Is(err, boom) {
		t.Errorf("error not sticky: %v", err)
	}
	a.Close()

	// Close while the goroutine waits for a free buffer, twice.
	a = newAheadReader(bytes.NewReader(data), 1024, 2)
	a.Read(make([]byte, 10))
	a.Close()
	a.Close()
	// Reading after Close may still give what was read before, then
	// fails: it never blocks.
	var err2 error
	for i := 0; i < 10 && err2 == nil; i++ {
		_, err2 = a.Read(make([]byte, 4096))
	}
	if !errors.Is(err2, io.ErrClosedPipe) {
		t.Errorf("read after Close: %v", err2)
	}
}
