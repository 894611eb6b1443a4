// Command jml is hrbridge's joiner/mover/leaver run: it compares two
// snapshots of a company's HR data, names what happened to each person, and
// plans the changes that bring a target system in line, printing a report.
//
// For now the snapshots and the target are built in code (company.go); each
// system package adds its step here as it comes, until this is the end-to-end
// run on the fakes. The HCM step (hcmatom.go) loads yesterday's company from
// Oracle HCM's PGP-encrypted extract, reads today's story from its ATOM
// feeds into the same roster, and checks that it classifies alike.
package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/canonical"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(w io.Writer) error {
	before, after, target := snapshots()

	fmt.Fprintln(w, "What HR says happened between 2024-03-03 and 2024-03-04:")
	for _, key := range keys(before, after) {
		b, a := find(before, key), find(after, key)
		c := canonical.Classify(b, a)
		var why []string
		for _, ch := range c.Changes {
			why = append(why, ch.String())
		}
		if c.Lifecycle == canonical.Joiner {
			why = []string{"starts on " + a.Employment.Start.Or(canonical.Date{}).String()}
		}
		fmt.Fprintf(w, "  %-7s %s (%s)", c.Lifecycle, key, cmp.Or(a, b).Name.Display.Or(""))
		if len(why) > 0 {
			fmt.Fprint(w, ": ", strings.Join(why, "; "))
		}
		fmt.Fprintln(w)
	}

	if err := hcmFeedStep(context.Background(), w, before, after, date(2024, 3, 4)); err != nil {
		return err
	}

	policy := canonical.Policy{
		RunDate:              date(2024, 3, 4),
		FullList:             true, // HR sends everyone, every day
		DeactivateMissing:    true,
		ReplaceAssignments:   true, // HR is the truth for assignments and managers
		ReplaceManagers:      true,
		MaxDeactivations:     3,   // a small company: a bad extract would
		MaxDeactivationShare: 0.5, // still be caught
	}
	plan, err := canonical.Plan(after, target, policy)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nWhat the target needs:")
	fmt.Fprint(w, plan)

	if err := ohrisStep(context.Background(), w, after, target, time.Date(2024, 3, 4, 6, 0, 0, 0, time.UTC)); err != nil {
		return err
	}
	if err := hcmStep(context.Background(), w, before, after, date(2024, 3, 4)); err != nil {
		return err
	}
	return cmoStep(context.Background(), w, after, target, policy)
}

// keys returns the keys of both snapshots, sorted, each once.
func keys(a, b []canonical.Person) []string {
	var out []string
	for _, p := range append(slices.Clip(a), b...) {
		out = append(out, p.Key)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// find returns the person with key in s, or nil.
func find(s []canonical.Person, key string) *canonical.Person {
	if i := slices.IndexFunc(s, func(p canonical.Person) bool { return p.Key == key }); i >= 0 {
		return &s[i]
	}
	return nil
}
