package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hrbridge/hrbridge/canonical"
)

// The access policy of the guide's "Overview", as rules: "provide all
// employees with access to email and employee training", "provide all
// managers with manager training". The company adds oHRis modules, HCM's
// line manager role, and Fusion finance roles, which segregation-of-duties
// controls watch: the rule for finance managers asks for the payables and
// the month-end journals, and the gate decides whether each may be given.
var (
	email            = canonical.Entitlement{System: canonical.SystemCSF, Kind: canonical.KindGroup, ID: "Mail Users"}
	employeeTraining = canonical.Entitlement{System: canonical.SystemCMO, Kind: canonical.KindTraining, ID: "Employee Training"}
	managerTraining  = canonical.Entitlement{System: canonical.SystemCMO, Kind: canonical.KindTraining, ID: "Manager Training"}
	absences         = canonical.Entitlement{System: canonical.SystemOHRIS, Kind: canonical.KindApplication, ID: "Absence"}
	interviews       = canonical.Entitlement{System: canonical.SystemOHRIS, Kind: canonical.KindApplication, ID: "Interview"}
	lineManager      = canonical.Entitlement{System: canonical.SystemHCM, Kind: canonical.KindRole, ID: "ORA_PER_LINE_MANAGER_ABSTRACT"}
	financeInquiry   = canonical.Entitlement{System: canonical.SystemHCM, Kind: canonical.KindRole, ID: "GL_FINANCIAL_ANALYST",
		DataAccess: []string{"LEDGER_SET = Acme Ledgers"}}
	payments     = canonical.Entitlement{System: canonical.SystemHCM, Kind: canonical.KindRole, ID: "AP_PAYMENT_MANAGER"}
	journalEntry = canonical.Entitlement{System: canonical.SystemHCM, Kind: canonical.KindRole, ID: "GL_GENERAL_ACCOUNTANT"}
)

// invoiceApprover is the Fusion role HCM's own role provisioning gives a
// finance manager at hire; no rule of the entitlement system gives it, so
// it never revokes it, but the segregation-of-duties analysis sees it.
const invoiceApprover = "AP_INVOICE_APPROVER"

var rules = canonical.Rules{
	{Name: "employees", Description: "every employee gets e-mail, the employee training and the absence module",
		When:  []canonical.Cond{canonical.Is(canonical.AttrWorkerType, string(canonical.WorkerEmployee))},
		Grant: []canonical.Entitlement{email, employeeTraining, absences}},
	{Name: "managers", Description: "managers also get the manager training",
		When:  []canonical.Cond{canonical.Is(canonical.AttrManager, "true")},
		Grant: []canonical.Entitlement{managerTraining, interviews, lineManager}},
	{Name: "finance", Description: "Finance reads the ledgers",
		When:  []canonical.Cond{canonical.Is(canonical.AttrOrganisation, "Finance")},
		Grant: []canonical.Entitlement{financeInquiry}},
	{Name: "finance-managers", Description: "Finance's managers run the payables and the month-end journals",
		When:  []canonical.Cond{canonical.Is(canonical.AttrOrganisation, "Finance"), canonical.Is(canonical.AttrManager, "true")},
		Grant: []canonical.Entitlement{payments, journalEntry}},
}

// withAccess computes what the rules give people on day, and prints who
// gets what and why.
func withAccess(w io.Writer, people []canonical.Person, day canonical.Date, show bool) ([]canonical.Person, error) {
	out, findings, err := rules.Evaluate(people, day)
	if err != nil {
		return nil, err
	}
	if !show {
		return out, nil
	}
	fmt.Fprintf(w, "\nAccess on %s, from the rules:\n%s", day, indent(rules.String()))
	for _, f := range findings {
		fmt.Fprintf(w, "  NOTE %s\n", f)
	}
	for _, p := range out {
		if len(p.Access) == 0 {
			why := "no rule gives any"
			if p.Employment.Status == canonical.Some(canonical.StatusInactive) {
				why = "not employed"
			}
			fmt.Fprintf(w, "  %s (%s): no access (%s)\n", p.Key, p.Name.Display.Or(""), why)
			continue
		}
		var what []string
		for _, g := range p.Access {
			var by []string
			for _, b := range g.Because {
				name, _, _ := strings.Cut(b, ":")
				by = append(by, name)
			}
			what = append(what, fmt.Sprintf("%s (%s)", g.ID, strings.Join(by, ", ")))
		}
		fmt.Fprintf(w, "  %s (%s): %s\n", p.Key, p.Name.Display.Or(""), strings.Join(what, "; "))
	}
	for _, p := range out {
		if g := grantOf(p.Access, managerTraining.ID); g != nil && p.Key == mary.PersonNumber {
			fmt.Fprintf(w, "  Why does Mary have the manager training? %s.\n", g.Why())
		}
	}
	return out, nil
}

func indent(s string) string {
	return "  rule " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n  rule ") + "\n"
}

// outputs writes what a run leaves behind, when asked: each target's plan
// and journal as JSON, and one Markdown report.
type outputs struct {
	dir      string
	markdown strings.Builder
}

// applyPlan applies plan to a target through ap with a journal, prints the
// outcome of each action that was not done, and keeps the plan, journal
// and Markdown report for the outputs.
func (o *outputs) applyPlan(ctx context.Context, w io.Writer, name string, plan *canonical.ActionPlan, ap canonical.Applier) (*canonical.Journal, error) {
	if o.dir != "" {
		if err := os.MkdirAll(o.dir, 0o755); err != nil {
			return nil, err
		}
	}
	var j canonical.Journal
	settled := 0
	err := canonical.Apply(ctx, plan, ap, &j, canonical.ApplyOptions{
		// A real run stores the journal here, so that a run after a crash
		// does what is left and nothing twice.
		Record:   func(*canonical.Journal, canonical.Entry) error { return nil },
		Progress: func(done, total int) { settled = done },
	})
	count := map[canonical.Outcome]int{}
	for i := range plan.Actions {
		e, _ := j.Last(i)
		count[e.Outcome]++
		if e.Outcome != canonical.Done {
			fmt.Fprintf(w, "  %s: %s %s %s: %s\n", strings.ToUpper(string(e.Outcome)), e.Op, e.Key, e.Entitlement, e.Error)
		}
	}
	fmt.Fprintf(w, "  Applied with a journal: %d of %d actions settled: %d done, %d failed, %d skipped\n",
		settled, len(plan.Actions), count[canonical.Done], count[canonical.Failed], count[canonical.Skipped])
	fmt.Fprintf(&o.markdown, "# %s\n\n%s\n", name, plan.Markdown(&j))
	if o.dir != "" {
		for file, v := range map[string]any{"plan-" + ap.Target() + ".json": plan, "journal-" + ap.Target() + ".json": &j} {
			b, merr := json.MarshalIndent(v, "", "  ")
			if merr != nil {
				return nil, merr
			}
			if werr := os.WriteFile(filepath.Join(o.dir, file), b, 0o644); werr != nil {
				return nil, werr
			}
		}
	}
	if err != nil && len(j.Entries) == 0 { // refused before anything was written
		return nil, err
	}
	return &j, nil // what failed is in the journal and printed above
}

// sync plans a target, prints and applies the plan, then plans again to
// show that nothing is left to do.
func (o *outputs) sync(ctx context.Context, w io.Writer, name, short string, plan func(context.Context) (*canonical.ActionPlan, error), ap canonical.Applier) error {
	p, err := plan(ctx)
	if err != nil {
		return err
	}
	fmt.Fprint(w, p)
	if _, err := o.applyPlan(ctx, w, name, p, ap); err != nil {
		return err
	}
	again, err := plan(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  A second plan against %s: %d actions, %d held back\n", short, len(again.Actions), len(again.Held))
	return nil
}

// plannedOnly adds a plan that is not applied to the Markdown report.
func (o *outputs) plannedOnly(name string, plan *canonical.ActionPlan) {
	fmt.Fprintf(&o.markdown, "# %s\n\n%s\n", name, plan.Markdown(nil))
}

// finish writes the Markdown report.
func (o *outputs) finish() error {
	if o.dir == "" {
		return nil
	}
	return os.WriteFile(filepath.Join(o.dir, "report.md"), []byte(o.markdown.String()), 0o644)
}
