package statefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type state struct {
	Cursor string `json:"cursor"`
	N      int    `json:"n"`
}

// A crash in the middle of writing the state leaves the old state, and a
// temporary file a real crash left behind does not matter.
func TestSurvivesACrashMidWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cursors.json")
	old := state{Cursor: "2023-06-29", N: 1}
	if err := Save(path, old); err != nil {
		t.Fatal(err)
	}
	crash := errors.New("power cut")
	halfway := func(f *os.File, data []byte) error {
		f.Write(data[:len(data)/2]) // half the new state reaches the disk
		return crash
	}
	next := state{Cursor: "2023-07-01", N: 2}
	if err := save(path, next, halfway); !errors.Is(err, crash) {
		t.Fatalf("save = %v", err)
	}
	var got state
	if ok, err := Load(path, &got); !ok || err != nil || got != old {
		t.Errorf("after the crash: %+v, %v, %v", got, ok, err)
	}
	os.WriteFile(filepath.Join(filepath.Dir(path), ".cursors.json.tmp123"), []byte(`{"cursor":"20`), 0o600)
	if err := Save(path, next); err != nil {
		t.Fatal(err)
	}
	if ok, err := Load(path, &got); !ok || err != nil || got != next {
		t.Errorf("after a good save: %+v, %v, %v", got, ok, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".cursors.json.tmp") && e.Name() != ".cursors.json.tmp123" {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestLoadRefusesWhatIsNotAStateFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"junk": "not json", "big": strings.Repeat(" ", MaxBytes+1)} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		var s state
		if _, err := Load(p, &s); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: %v", name, err)
		}
	}
	var s state
	if ok, err := Load(filepath.Join(dir, "none"), &s); ok || err != nil {
		t.Errorf("missing file: %v, %v", ok, err)
	}
}
