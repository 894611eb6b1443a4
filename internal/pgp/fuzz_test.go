package pgp

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadKeys feeds arbitrary bytes, seeded with the gpg key files, to the
// key file reader: no panic, and what it accepts has at least one key with
// a fingerprint.
func FuzzReadKeys(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.asc"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := ReadKeys(bytes.NewReader(data))
		if err != nil {
			return
		}
		if len(list) == 0 || len(Fingerprints(list)[0]) < 32 {
			t.Fatalf("accepted %d keys, fingerprints %v", len(list), Fingerprints(list))
		}
		_ = Unlock(list, []byte("x"))
	})
}
