package ohris

import (
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"strings"
)

// checkTwice runs the checks of Check over users that it may range over
// twice, in little memory: the first pass checks each user alone and notes
// a hash of each login and key in a Bloom filter, of about 12 bits a user;
// a value the filter may have seen before is a candidate duplicate. The
// second pass, only when there are candidates, compares the candidates'
// real values as Check does, keeping only theirs. The report is the one
// Check gives. It does not apply the responsable rule, which needs every
// login: refs.ManagersMustExist goes through Check.
func checkTwice(users iter.Seq2[User, error], refs References) (*Report, error) {
	ck := newChecker(refs)
	seed := maphash.MakeSeed()
	var logins, keys seenFilter
	candLogins, candKeys := map[uint64]bool{}, map[uint64]bool{}
	n := 0
	for u, err := range users {
		n++
		given, err := givenProblems(err)
		if err != nil {
			return ck.finish(n - 1), fmt.Errorf("ohris: user %d: %w", n, err)
		}
		ck.problems = append(ck.problems, ck.own(n, &u, given)...)
		if u.Login != "" {
			if h := foldHash(seed, u.Login, ""); logins.testAndAdd(h) {
				candLogins[h] = true
			}
		}
		if u.EmployeeNumber != "" && u.Company != "" {
			if h := foldHash(seed, u.Company, u.EmployeeNumber); keys.testAndAdd(h) {
				candKeys[h] = true
			}
		}
	}
	if len(candLogins) == 0 && len(candKeys) == 0 {
		return ck.finish(n), nil
	}
	ck.sparse = map[int32]*userRec{}
	i := 0
	for u, err := range users {
		i++
		if _, err := givenProblems(err); err != nil {
			return ck.finish(n), fmt.Errorf("ohris: user %d: %w", i, err)
		}
		login := u.Login != "" && candLogins[foldHash(seed, u.Login, "")]
		key := u.EmployeeNumber != "" && u.Company != "" && candKeys[foldHash(seed, u.Company, u.EmployeeNumber)]
		if !login && !key {
			continue
		}
		at := int32(i)
		ck.sparse[at] = &userRec{matricule: u.EmployeeNumber, company: u.Company, login: u.Login}
		if login {
			ck.sameLogin(at, u.Login)
		}
		if key {
			ck.sameKey(at, u.Company, u.EmployeeNumber)
		}
	}
	if i != n {
		return ck.finish(n), fmt.Errorf("ohris: the users changed between two passes: %d, then %d", n, i)
	}
	return ck.finish(n), nil
}

// givenProblems returns the problems a *ValidationError of the users'
// source gives, or the error when it is another one.
func givenProblems(err error) ([]Problem, error) {
	if err == nil {
		return nil, nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	return ve.Report.Problems, nil
}

// foldHash hashes a and b compared without regard to case, as Check
// compares logins and keys.
func foldHash(seed maphash.Seed, a, b string) uint64 {
	return maphash.String(seed, strings.ToLower(a))*0x9e3779b97f4a7c15 ^ maphash.String(seed, strings.ToLower(b))
}

// seenFilter is a Bloom filter that grows: a list of filters of 12 bits per
// value and 8 probes (about 0.3% false positives each when full), each
// twice the size of the one before, the last one taking new values.
type seenFilter struct {
	parts []bloom
}

type bloom struct {
	bits   []uint64
	n, max int
}

const (
	bloomBitsPerValue = 12
	bloomProbes       = 8
	bloomFirst        = 4096
)

// testAndAdd adds h and reports whether it may have been added before.
func (f *seenFilter) testAndAdd(h uint64) bool {
	seen := false
	for i := range f.parts {
		if f.parts[i].has(h) {
			seen = true
			break
		}
	}
	if len(f.parts) == 0 || f.parts[len(f.parts)-1].n == f.parts[len(f.parts)-1].max {
		size := bloomFirst
		if len(f.parts) > 0 {
			size = 2 * f.parts[len(f.parts)-1].max
		}
		f.parts = append(f.parts, bloom{bits: make([]uint64, size*bloomBitsPerValue/64), max: size})
	}
	last := &f.parts[len(f.parts)-1]
	last.add(h)
	return seen
}

// probes returns the bit positions of h (double hashing).
func (b *bloom) probe(h uint64, i int) uint64 {
	h1, h2 := h&0xffffffff, h>>32|1
	return (h1 + uint64(i)*h2) % uint64(len(b.bits)*64)
}

func (b *bloom) has(h uint64) bool {
	for i := range bloomProbes {
		p := b.probe(h, i)
		if b.bits[p/64]&(1<<(p%64)) == 0 {
			return false
		}
	}
	return true
}

func (b *bloom) add(h uint64) {
	for i := range bloomProbes {
		p := b.probe(h, i)
		b.bits[p/64] |= 1 << (p % 64)
	}
	b.n++
}
