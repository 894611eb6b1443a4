package ohris_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/ohris"
)

// WriteFile (and so Deliver) finds the same problems as Check, duplicates
// across the whole file included, though it keeps far less of each user.
func TestWriteFileReportIsCheck(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	users := make([]ohris.User, 30000)
	for i := range users {
		u := seedUsers()[1]
		u.Manager = ohris.Some("")
		u.EmployeeNumber = fmt.Sprint(i)
		u.Login = fmt.Sprint("user", i)
		switch r.IntN(200) {
		case 0: // a login already used, in another case
			u.Login = strings.ToUpper(fmt.Sprint("user", r.IntN(i+1)))
		case 1: // a matricule already used in the same société
			u.EmployeeNumber = fmt.Sprint(r.IntN(i + 1))
		case 2:
			u.Gender = "?"
		case 3:
			u.Login = ""
		}
		users[i] = u
	}
	want, err := ohris.Check(ohris.Users(users), ohris.References{})
	if err != nil {
		t.Fatal(err)
	}
	if want.Ignored() < 400 {
		t.Fatalf("only %d users ignored: the test file is too clean", want.Ignored())
	}
	got, err := ohris.WriteFile(io.Discard, ohris.Users(users), ohris.WriteParams{LeaveOutInvalid: true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("WriteFile's report differs from Check's: %d and %d problems", len(got.Problems), len(want.Problems))
	}
}

// The checks across users of WriteFile, and so of Deliver, hold about as
// little memory as the writer: a few bytes a user, not each user's strings.
// The live heap is measured at ten points of each pass over 100,000 users.
func TestWriteFileMemoryStaysSmall(t *testing.T) {
	const n = 100_000
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, uint64(0)
	users := func(yield func(ohris.User, error) bool) {
		i := 0
		for u := range generated(n) {
			if i++; i%(n/10) == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > base {
					peak = max(peak, ms.HeapAlloc-base)
				}
			}
			if !yield(u, nil) {
				return
			}
		}
	}
	if rep, err := ohris.WriteFile(io.Discard, users, ohris.WriteParams{}); err != nil || !rep.OK() {
		t.Fatal(err, rep)
	}
	if peak > 4<<20 {
		t.Errorf("the live heap grew by %.1f MB for %d users", float64(peak)/(1<<20), n)
	}
}
