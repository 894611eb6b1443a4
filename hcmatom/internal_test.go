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
