package csf

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedModelsAreCurrent runs the //go:generate commands of
// generate.go with their output sent to a temporary directory, and fails when
// the committed models differ: the WSDL changed without a go generate. It
// needs no network: the module proxy is turned off, and gowsdl is built from
// the module cache, as in CI.
func TestGeneratedModelsAreCurrent(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		goCmd = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	tmp := t.TempDir()
	f, err := os.Open("generate.go")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ran := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "//go:generate ")
		if !ok {
			continue
		}
		args := strings.Fields(line)
		if args[0] != "go" {
			t.Fatalf("generate.go: %q: only go commands are run here", line)
		}
		for i, a := range args {
			if rest, ok := strings.CutPrefix(a, "internal"); ok && (rest == "" || rest[0] == '/') {
				args[i] = filepath.Join(tmp, rest)
			}
		}
		cmd := exec.Command(goCmd, args[1:]...)
		cmd.Env = append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		ran++
	}
	if ran == 0 {
		t.Fatal("generate.go has no //go:generate line")
	}
	want, err := os.ReadFile(filepath.Join(tmp, "usermanager", "usermanager.go"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("internal", "usermanager", "usermanager.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("internal/usermanager/usermanager.go is stale: run go generate in csf/ and commit the result")
	}
}
