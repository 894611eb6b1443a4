package hcmatom

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// A crash in the middle of writing the cursor file leaves the old state.
func TestFileStoreSurvivesACrashMidWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cursors.json")
	fs := NewFileStore(path)
	old := State{Cursors: map[Collection]time.Time{NewHireFeed: time.Date(2023, 6, 29, 0, 0, 0, 0, time.UTC)}}
	if err := fs.Save(ctx, old); err != nil {
		t.Fatal(err)
	}
	crash := errors.New("power cut")
	fs.writeHook = func(f *os.File, data []byte) error {
		f.Write(data[:len(data)/2]) // half the new state reaches the disk
		return crash
	}
	next := State{Cursors: map[Collection]time.Time{NewHireFeed: time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC), TerminationFeed: time.Now()}}
	if err := fs.Save(ctx, next); !errors.Is(err, crash) {
		t.Fatalf("Save = %v", err)
	}
	got, err := NewFileStore(path).Load(ctx)
	if err != nil || !got.Cursors[NewHireFeed].Equal(old.Cursors[NewHireFeed]) || len(got.Cursors) != 1 {
		t.Errorf("after the crash: %+v, %v", got, err)
	}
	// A temporary file a real crash would leave behind does not matter.
	os.WriteFile(filepath.Join(filepath.Dir(path), ".cursors.json.tmp123"), []byte(`{"cursors":{"employee/newhire":"20`), 0o600)
	fs.writeHook = nil
	if err := fs.Save(ctx, next); err != nil {
		t.Fatal(err)
	}
	if got, err := fs.Load(ctx); err != nil || len(got.Cursors) != 2 {
		t.Errorf("after a good save: %+v, %v", got, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".cursors.json.tmp") && e.Name() != ".cursors.json.tmp123" {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestFileStoreRefusesWhatIsNotACursorFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"junk": "not json", "big": strings.Repeat(" ", maxStateBytes+1),
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
