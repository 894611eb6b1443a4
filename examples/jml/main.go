// Command jml is hrbridge's joiner/mover/leaver run, end to end on the
// fakes: Oracle HCM Cloud is the source, CMO Compliance, oHRis and a CSF
// Identity Manager directory are the targets, and HCM gets the directory
// login and e-mail of its new hires back over SCIM.
//
// HR enters the company's story in HCM (company.go). The integration loads
// yesterday's company from HCM's PGP-encrypted extract and provisions the
// targets from it; then it reads today's ATOM feeds into the same roster,
// names what happened to each person, and plans and applies, target by
// target, what brings each in line. Every person it plans comes from the
// roster: no field is written by hand on the integration's side.
//
//	go run ./examples/jml
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

	"github.com/hrbridge/hrbridge/canonical"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, w io.Writer) error {
	yesterday, runDate := date(2024, 3, 3), date(2024, 3, 4)
	policy := canonical.Policy{
		RunDate:              runDate,
		FullList:             true, // HR sends everyone, every day
		DeactivateMissing:    true,
		ReplaceAssignments:   true, // HR is the truth for assignments and managers
		ReplaceManagers:      true,
		MaxDeactivations:     3,   // a small company: a bad extract would
		MaxDeactivationShare: 0.5, // still be caught
	}

	source, err := startHCM(runDate)
	if err != nil {
		return err
	}
	defer source.Close()
	cmoT, err := startCMO()
	if err != nil {
		return err
	}
	defer cmoT.Close()
	csfT, err := startCSF()
	if err != nil {
		return err
	}
	defer csfT.Close()
	ohrisT, err := startOHRIS(dayAt(runDate, 6))
	if err != nil {
		return err
	}
	defer ohrisT.Close()

	before, err := source.initialSync(ctx, w, yesterday)
	if err != nil {
		return err
	}
	// The targets as yesterday's run left them.
	initial := policy
	initial.RunDate = yesterday
	if err := cmoT.load(ctx, before, initial); err != nil {
		return err
	}
	if err := csfT.load(ctx, before, initial); err != nil {
		return err
	}
	if err := ohrisT.load(before); err != nil {
		return err
	}

	after, err := source.today(ctx, w, runDate)
	if err != nil {
		return err
	}
	classify(w, before, after, yesterday, runDate)

	if err := cmoT.sync(ctx, w, after, policy); err != nil {
		return err
	}
	if err := ohrisT.sync(ctx, w, after); err != nil {
		return err
	}
	if err := csfT.sync(ctx, w, after, policy); err != nil {
		return err
	}
	return hcmStep(ctx, w, before, after, runDate)
}

// classify prints what happened to each person between the two days, as
// the roster's persons say.
func classify(w io.Writer, before, after []canonical.Person, from, to canonical.Date) {
	fmt.Fprintf(w, "\nWhat happened to each person between %s and %s:\n", from, to)
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
		fmt.Fprintf(w, "  %-9s %s (%s)", c.Lifecycle, key, cmp.Or(a, b).Name.Display.Or(""))
		if len(why) > 0 {
			fmt.Fprint(w, ": ", strings.Join(why, "; "))
		}
		fmt.Fprintln(w)
	}
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
