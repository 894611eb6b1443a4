package extractgen

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing"
)

func TestWrite(t *testing.T) {
	for _, rows := range []int{0, 1, 7, 1000} {
		var buf bytes.Buffer
		persons, err := Write(&buf, rows)
		if err != nil {
			t.Fatal(err)
		}
		r := csv.NewReader(&buf)
		r.FieldsPerRecord = 18
		n := -1
		seen := map[string]bool{}
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("rows=%d: %v", rows, err)
			}
			n++
			if n > 0 {
				seen[rec[0]] = true
			}
		}
		if n != rows || len(seen) != persons {
			t.Errorf("rows=%d: read %d rows, %d persons, Write said %d", rows, n, len(seen), persons)
		}
	}
	var a, b bytes.Buffer
	Write(&a, 500)
	Write(&b, 500)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("not deterministic")
	}
}
