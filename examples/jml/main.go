// Command jml is hrbridge's joiner/mover/leaver run, end to end on the
// fakes, telling the "Overview" of Oracle's entitlement integration guide:
// Joe Green and Mary King join; the access rules give both e-mail and the
// employee training, and Mary, a manager, the manager training; Fusion
// finance roles the rules ask for Mary go through the segregation-of-duties
// gate, which denies one and lets another through on an approval with its
// justification; their accounts and access are applied to CMO Compliance,
// the CSF directory (the e-mail provider) and oHRis; their new e-mail
// addresses are written back to HCM over SCIM; a leaver loses every grant;
// and a bad feed that would switch off half the company is held back.
//
// HR enters the company's story in HCM (company.go). The integration loads
// yesterday's company from HCM's PGP-encrypted extract and provisions the
// targets from it; then it reads today's ATOM feeds into the same roster,
// names what happened to each person, computes their access from the rules
// (access.go), and plans and applies, target by target, what brings each in
// line, recording each action's outcome in a journal. Every person it plans
// comes from the roster: no field is written by hand on the integration's
// side.
//
//	go run ./examples/jml                    # the report
//	go run ./examples/jml -out /tmp/jml      # also each plan and journal as JSON, and report.md
//	go run ./examples/jml -source sagepeople # the same company, with Sage People as the HR source
//
// With Sage People as the source, the targets are CMO and the CSF
// directory: the seed's Sage People field list has no gender and no
// company, which oHRis requires (a tenant would add them as custom fields),
// and HCM, which is not the HR system then, gets no write-back. Nor do its
// fields carry a worker type, so the rule for every employee gives nothing:
// the report shows what each source's data lets the rules decide.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/canonical"
)

func main() {
	out := flag.String("out", "", "a directory to write each target's plan and journal as JSON, and report.md, into")
	from := flag.String("source", "hcm", "the HR source: hcm (Oracle HCM Cloud) or sagepeople (Sage People)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *out, *from); err != nil {
		log.Fatal(err)
	}
}

// A source is the HR system of the run: yesterday's people, then today's.
type source interface {
	initialSync(ctx context.Context, w io.Writer, day canonical.Date) ([]canonical.Person, error)
	today(ctx context.Context, w io.Writer, runDate canonical.Date) ([]canonical.Person, error)
	Close()
}

func startSource(name string, runDate canonical.Date) (source, error) {
	switch name {
	case "hcm":
		return startHCM(runDate)
	case "sagepeople":
		return startSagePeople()
	}
	return nil, fmt.Errorf("-source %q: hcm or sagepeople", name)
}

func run(ctx context.Context, w io.Writer, dir, from string) error {
	yesterday, runDate := date(2023, 7, 31), date(2023, 8, 1)
	policy := canonical.Policy{
		RunDate:              runDate,
		FullList:             true, // HR sends everyone, every day
		DeactivateMissing:    true,
		ReplaceAssignments:   true, // HR is the truth for assignments and managers
		ReplaceManagers:      true,
		MaxDeactivations:     3,   // a small company: a bad extract would
		MaxDeactivationShare: 0.5, // still be caught
		MaxRevokes:           10,
		MaxRevokeShare:       0.5,
	}
	out := &outputs{dir: dir}

	source, err := startSource(from, runDate)
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
	// The targets as yesterday's run left them, access included.
	initial := policy
	initial.RunDate = yesterday
	hadAccess, err := withAccess(w, before, yesterday, false)
	if err != nil {
		return err
	}
	if err := cmoT.load(ctx, hadAccess, initial); err != nil {
		return err
	}
	if err := csfT.load(ctx, hadAccess, initial); err != nil {
		return err
	}
	if from == "hcm" {
		if err := ohrisT.load(hadAccess); err != nil {
			return err
		}
	}

	after, err := source.today(ctx, w, runDate)
	if err != nil {
		return err
	}
	classify(w, before, after, yesterday, runDate)
	today, err := withAccess(w, provisionEmail(after), runDate, true)
	if err != nil {
		return err
	}

	if err := cmoT.sync(ctx, w, out, today, policy); err != nil {
		return err
	}
	if err := csfT.sync(ctx, w, out, today, policy); err != nil {
		return err
	}
	if from == "hcm" {
		if err := ohrisT.sync(ctx, w, out, today, policy); err != nil {
			return err
		}
		if err := hcmStep(ctx, w, out, hadAccess, today, policy); err != nil {
			return err
		}
	}
	if err := cmoT.badFeed(ctx, w, out, today, policy); err != nil {
		return err
	}
	return out.finish()
}

// provisionEmail gives each person without a work e-mail address the one
// the e-mail provider makes of their login (joe.green@mail.com), as the
// entitlement system of the guide does before writing it back to HCM.
func provisionEmail(people []canonical.Person) []canonical.Person {
	out := slices.Clone(people)
	for i := range out {
		p := &out[i]
		if canonical.LoginFromEmail(p) != "" || p.Logins["csf"] == "" {
			continue
		}
		p.Emails = append(slices.Clip(p.Emails), canonical.Email{Type: "work", Address: p.Logins["csf"] + "@" + mailDomain, Primary: true})
	}
	return out
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
