package canonical

import (
	"reflect"

	"github.com/google/go-cmp/cmp"
	"github.com/hrbridge/hrbridge/internal/civil"
)

// day parses a YYYY-MM-DD date known to be good.
func day(s string) Date {
	d, err := civil.ParseISO(s)
	if err != nil {
		panic(err)
	}
	return d
}

// worker returns an active employee who started on 2020-01-01, with one
// primary assignment in dept and the given managers.
func worker(key, dept string, managers ...string) Person {
	return Person{
		Key:      key,
		Name:     Name{Given: Some("Given" + key), Family: Some("Family" + key)},
		Emails:   []Email{{Type: "work", Address: key + "@example.com", Primary: true}},
		Phones:   []Phone{{Type: "work", Number: "+1 555 0100"}},
		Managers: append([]string{}, managers...),
		Employment: Employment{
			WorkerType: Some(WorkerEmployee),
			Status:     Some(StatusActive),
			Start:      Some(day("2020-01-01")),
		},
		Assignments: []Assignment{{ID: key + "-1", Primary: Some(true), Department: Some(dept)}},
	}
}

// with returns p changed by f; p's slices are copied first so that f cannot
// change the original.
func with(p Person, f func(*Person)) Person {
	p.Managers = clone(p.Managers)
	p.Emails = clone(p.Emails)
	p.Phones = clone(p.Phones)
	p.Groups = clone(p.Groups)
	p.Assignments = clone(p.Assignments)
	f(&p)
	return p
}

func clone[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

func left(end string) func(*Person) {
	return func(p *Person) {
		p.Employment.Status = Some(StatusInactive)
		p.Employment.End = Some(day(end))
	}
}

func ptr(p Person) *Person { return &p }

// paths returns the paths of changes.
func paths(changes []Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.Path)
	}
	return out
}

// exportOpt lets go-cmp compare opt.Value, whose fields are unexported.
var exportOpt = cmp.Exporter(func(t reflect.Type) bool {
	return t.PkgPath() == "github.com/hrbridge/hrbridge/internal/opt"
})
