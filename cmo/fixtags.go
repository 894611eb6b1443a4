//go:build ignore

// Fixtags removes the space gowsdl v0.5.0 writes before the element name in
// the XMLName tags of a schema without a target namespace (xml:" Entity"),
// which go vet reports as a malformed struct tag. encoding/xml reads
// xml:" Entity" and xml:"Entity" alike: no namespace, element Entity.
//
// Usage: go run fixtags.go DIR... (every .go file of each DIR; go run
// would take file names ending in .go as its own sources).
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	var files []string
	for _, dir := range os.Args[1:] {
		m, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		files = append(files, m...)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		b = bytes.ReplaceAll(b, []byte("`xml:\" "), []byte("`xml:\""))
		if err := os.WriteFile(name, b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
