// Command hrfakes starts every hrbridge fake on loopback ports and keeps them
// running until it is interrupted (Ctrl-C) or terminated, so that tools and
// services outside Go tests — SoapUI, Postman, curl, a Python script,
// another team's service — can be developed against them:
//
//	go run ./cmd/hrfakes            # a table of URLs and credentials
//	go run ./cmd/hrfakes -json      # one JSON object per fake, for scripts
//	go run ./cmd/hrfakes -only cmo,ohris
//
// Each fake is the one the package's tests use (cmotest, hcmscimtest, ...),
// started with xxxtest.Start and seeded with a small demo company: Oracle's
// guide's Joe Green and Mary King, hired in HCM and as Sage People team
// members, with their users in HCM's SCIM API and the roles, org units and
// entities CMO needs. Everything is
// in memory and gone when the command stops.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, os.Args[1:]); err != nil {
		log.Fatal(err)
	}
}

// A fake is one started fake, as printed.
type fake struct {
	Name     string            `json:"name"`     // the package: "cmo"
	System   string            `json:"system"`   // what it stands for
	URL      string            `json:"url"`      // what a client is pointed at
	Username string            `json:"username"` // the credentials it accepts
	Password string            `json:"password"`
	Extra    map[string]string `json:"extra,omitempty"` // host key, client id, paths...

	close func()
}

// starter starts one fake.
type starter struct {
	name  string
	start func() (*fake, error)
}

// starters lists every fake, in the order they are printed.
func starters() []starter {
	return []starter{
		{"hcmatom", startHCMAtom},
		{"hcmscim", startHCMSCIM},
		{"cmo", startCMO},
		{"csf", startCSF},
		{"ohris", startOHRIS},
		{"fusionsod", startFusionSoD},
		{"sagepeople", startSagePeople},
	}
}

// run starts the fakes the flags ask for, prints them to w, waits for ctx
// to end, and stops them.
func run(ctx context.Context, w io.Writer, args []string) error {
	flags := flag.NewFlagSet("hrfakes", flag.ContinueOnError)
	flags.SetOutput(w)
	asJSON := flags.Bool("json", false, "print one JSON object per fake, then nothing else")
	only := flags.String("only", "", "comma-separated fakes to start (default: all): "+names())
	if err := flags.Parse(args); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			if !slices.ContainsFunc(starters(), func(s starter) bool { return s.name == n }) {
				return fmt.Errorf("hrfakes: -only: no fake named %q (there are %s)", n, names())
			}
			want[n] = true
		}
	}

	var fakes []*fake
	defer func() {
		for _, f := range fakes {
			f.close()
		}
	}()
	for _, s := range starters() {
		if len(want) > 0 && !want[s.name] {
			continue
		}
		f, err := s.start()
		if err != nil {
			return fmt.Errorf("hrfakes: starting %s: %w", s.name, err)
		}
		fakes = append(fakes, f)
	}

	if *asJSON {
		enc := json.NewEncoder(w)
		for _, f := range fakes {
			if err := enc.Encode(f); err != nil {
				return err
			}
		}
	} else {
		printTable(w, fakes)
	}
	<-ctx.Done()
	if !*asJSON {
		fmt.Fprintln(w, "hrfakes: stopping")
	}
	return nil
}

func names() string {
	var out []string
	for _, s := range starters() {
		out = append(out, s.name)
	}
	return strings.Join(out, ", ")
}

func printTable(w io.Writer, fakes []*fake) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FAKE\tSYSTEM\tURL\tUSER\tPASSWORD")
	for _, f := range fakes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Name, f.System, f.URL, f.Username, f.Password)
	}
	tw.Flush()
	for _, f := range fakes {
		keys := make([]string, 0, len(f.Extra))
		for k := range f.Extra {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "%s %s: %s\n", f.Name, k, f.Extra[k])
		}
	}
	fmt.Fprintln(w, "The fakes run on plain HTTP on loopback: clients need WithInsecureHTTP. Ctrl-C stops them.")
}
