// Package statefile keeps a small JSON state (a sync's cursor) in a file,
// replaced atomically: a crash at any point leaves the old state or the new
// one, never a mix.
package statefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// MaxBytes bounds a state file.
const MaxBytes = 1 << 20

// Load decodes the file at path into v and reports whether it exists; a
// missing file leaves v alone.
func Load(path string, v any) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > MaxBytes {
		return false, fmt.Errorf("%s is larger than %d bytes: not a state file", path, MaxBytes)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("%s is not a state file: %w", path, err)
	}
	return true, nil
}

// Save writes v as JSON to a temporary file in path's directory, flushes
// it, renames it over path and flushes the directory.
func Save(path string, v any) error { return save(path, v, writeAll) }

func writeAll(f *os.File, data []byte) error {
	_, err := f.Write(data)
	return err
}

// save is Save with the write of the temporary file given, so that a test
// can cut it short as a crash would.
func save(path string, v any, write func(*os.File, []byte) error) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	if err := write(tmp, data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("flushing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("flushing the directory %s: %w", dir, err)
	}
	return nil
}
