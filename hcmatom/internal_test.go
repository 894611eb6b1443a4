package hcmatom

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/internal/statefile"
)

// entriesReader streams a feed of n entries without building it in memory.
type entriesReader struct {
	n, i int
	cur  *strings.Reader
}

func (r *entriesReader) Read(p []byte) (int, error) {
	for {
		if r.cur != nil && r.cur.Len() > 0 {
			return r.cur.Read(p)
		}
		switch {
		case r.i == 0:
			r.cur = strings.NewReader("<feed>")
		case r.i <= r.n:
			r.cur = strings.NewReader(`<entry><id>E</id><updated>2023-01-01T00:00:00Z</updated><content><![CDATA[` +
				strings.Repeat(`{ "Context" : [ { "PersonNumber" : "1" } ] }`, 20) + `]]></content></entry>`)
		case r.i == r.n+1:
			r.cur = strings.NewReader("</feed>")
		default:
			return 0, io.EOF
		}
		r.i++
	}
}

// The reader holds one entry at a time: its buffer does not grow with the
// number of entries.
func TestFeedReaderMemoryDoesNotGrowWithTheFeed(t *testing.T) {
	fr := NewFeedReader(&entriesReader{n: 20000}, 1<<30)
	n := 0
	for {
		_, err := fr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 20000 || cap(fr.buf) > 64<<10 {
		t.Errorf("read %d entries with a buffer of %d bytes", n, cap(fr.buf))
	}
}

func TestFileStoreRefusesWhatIsNotACursorFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"junk": "not json", "big": strings.Repeat(" ", statefile.MaxBytes+1),
		"badfeed": `{"order":"updated","cursors":{"../etc":"2023-01-01T00:00:00Z"}}`, "badorder": `{"order":"sideways"}`} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		if _, err := NewFileStore(p).Load(context.Background()); err == nil || !strings.Contains(err.Error(), p) && name != "badorder" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if s, err := NewFileStore(filepath.Join(dir, "none")).Load(context.Background()); err != nil || s.Cursors != nil {
		t.Errorf("missing file: %+v, %v", s, err)
	}
}

func TestRowEstimator(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("header\n")
	for range 1000 {
		csv.WriteString("a row of about forty bytes, give or take\n")
	}
	for name, src := range map[string]io.Reader{
		"strings.Reader": strings.NewReader(csv.String()),
		"SectionReader":  io.NewSectionReader(strings.NewReader(csv.String()), 0, int64(csv.Len())),
	} {
		e := newRowEstimator(src)
		buf := make([]byte, csv.Len()/4)
		if _, err := io.ReadFull(e, buf); err != nil {
			t.Fatal(err)
		}
		// A quarter of the file read, 250 rows in it: about 1,000 rows
		// in all, plus a tenth.
		if got := e.rows(250); got < 1000 || got > 1200 {
			t.Errorf("%s: estimate %d rows, want 1,000 to 1,200", name, got)
		}
	}
	f := filepath.Join(t.TempDir(), "x.csv")
	if err := os.WriteFile(f, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if e := newRowEstimator(file); e.size != int64(csv.Len()) {
		t.Errorf("file: size %d, want %d", e.size, csv.Len())
	}
	// A source of unknown size gives no estimate.
	e := newRowEstimator(io.MultiReader(strings.NewReader(csv.String())))
	if _, err := io.ReadFull(e, make([]byte, 100)); err != nil {
		t.Fatal(err)
	}
	if got := e.rows(2); got != 0 {
		t.Errorf("unknown size: estimate %d, want 0", got)
	}
}
