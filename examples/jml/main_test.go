package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/canonical"
)

// TestRun checks the report's key lines, so that a change to a client, a
// fake or the canonical model that changes the run shows up here, and its
// wording ("1 account", not "1 accounts").
func TestRun(t *testing.T) {
	var out strings.Builder
	dir := t.TempDir()
	if err := run(context.Background(), &out, dir, "hcm"); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	want := []string{
		// The source: yesterday from the encrypted extract, the work
		// structures' names from their feeds, today from the employee feeds.
		"Oracle HCM Cloud (source): the initial extract of 2023-07-31, PGP-encrypted, decrypted and loaded: 6 rows, 6 workers; 10 work structures named by the feeds.\n",
		"Oracle HCM Cloud (source): what the feeds say happened on 2023-08-01:\n",
		"  joiner    966169008890236 (King, Mary) ← newhire: Employee Period of Service Created\n",
		"  joiner    966169008890736 (Green, Joe) ← newhire: Employee Period of Service Created\n",
		"  rehire    1009 (Costa, Ines) ← newhire: Employee Period of Service Created\n",
		"  mover     1003 (Dubois, Claire) ← empassignment: Person Assignment Updated\n",
		"  leaver    1004 (Evans, David) ← termination: Employee Terminated\n",
		"  update    1005 (Novak-Hill, Emma) ← empupdate: Person Basic Information Changed\n",
		"  unchanged 1001 (Alice Martin)\n",
		"  leaver    1004 (David Evans): employment.status: active → inactive; employment.end: (none) → 2023-07-31\n",
		// The rules: both joiners get e-mail and the employee training,
		// Mary, Joe's manager, the manager training too, and why.
		"  966169008890736 (Joe Green): Employee Training (rule employees); Mail Users (rule employees); GL_FINANCIAL_ANALYST (rule finance); Absence (rule employees)\n",
		"  966169008890236 (Mary King): Employee Training (rule employees); Manager Training (rule managers); Mail Users (rule employees);",
		"  Why does Mary have the manager training? rule managers: managers also get the manager training (manager is true).\n",
		"  1004 (David Evans): no access (not employed)\n",
		// CMO: accounts before their trainings, the leaver's and Felix's
		// trainings revoked before they are switched off.
		"CMO Compliance (target: accounts and trainings), planned against its export:\nPlan for 2023-08-01: 3 to create, 0 to reactivate, 2 to update, 2 to deactivate, 4 to grant, 2 to revoke, 0 denied, 0 waiting for approval, 0 held back\n",
		"  revoke     1004 (David Evans): cmo/training/Employee Training: left on 2023-07-31: loses every grant\n",
		"  grant      966169008890236 (Mary King): cmo/training/Manager Training: rule managers: managers also get the manager training (manager is true)\n",
		"  deactivate cmo:fwagner (Felix Wagner): missing from the full HR list\n",
		"  Applied with a journal: 13 of 13 actions settled: 13 done, 0 failed, 0 skipped\n  A second plan against CMO: 0 actions, 0 held back\n",
		// CSF, the e-mail provider: mailboxes for the joiners, the leaver's
		// user deleted.
		"  grant      966169008890736 (Joe Green): csf/group/Mail Users: rule employees:",
		"  Applied with a journal: 10 of 10 actions settled: 10 done, 0 failed, 0 skipped\n  A second plan against CSF: 0 actions, 0 held back\n",
		// oHRis: the preview, the modules, the file, the connector.
		"run of 2023-08-01: 2 to create, 4 to update, 2 unchanged, 0 to ignore; 0 accounts not in the file\n",
		"  grant      966169008890236 (Mary King): ohris/application/Interview: rule managers:",
		"  Delivered flux_utilisateurs_20230801.xml (8 users) to depot/prod/ over SFTP.\n",
		"2 created, 4 updated, 2 unchanged, 1 deactivated, 1 reactivated, 1 with services changed, 0 ignored\n",
		// HCM: the e-mails written back, the roles through the gate: one
		// of Mary's finance roles denied, the other approved with its
		// justification, recorded on Fusion's incident.
		"  update     966169008890736 (Joe Green): changed: userName: 966169008890736 → joe.green; emails[work]: (none) → joe.green@mail.com (primary)\n",
		"  revoke     1003 (Claire Dubois): hcm/role/GL_FINANCIAL_ANALYST [LEDGER_SET = Acme Ledgers]: no rule gives it any more\n",
		"             SoD approved: conflicts accepted by FIN_CONTROLLER",
		"DENIED by the segregation-of-duties gate:\n  grant      966169008890236 (Mary King): hcm/role/AP_PAYMENT_MANAGER:",
		`SoD deny: denied by FIN_CONTROLLER ("who approves invoices does not pay them"); conflicts: control 86731 "Approve and pay invoices"`,
		`(Enter journals and approve invoices, GL_GENERAL_ACCOUNTANT for 966169008890236): Accepted by FIN_CONTROLLER: "the finance manager enters the month-end journals`,
		"  HCM now holds 966169008890736: user joe.green, e-mail joe.green@mail.com, roles GL_FINANCIAL_ANALYST, ORA_PER_EMPLOYEE_ABSTRACT\n",
		"  HCM now holds 966169008890236: user mary.king, e-mail mary.king@mail.com, roles AP_INVOICE_APPROVER, GL_FINANCIAL_ANALYST, GL_GENERAL_ACCOUNTANT, ORA_PER_EMPLOYEE_ABSTRACT, ORA_PER_LINE_MANAGER_ABSTRACT\n",
		// The bad feed: held back, deactivations with their revokes.
		"HELD BACK: 4 deactivation(s) held back, more than the limit of 3 (at most 3 by count, and 50% of the 7 active people by share), with the 6 revoke(s) of their access;",
	}
	for _, w := range want {
		if !strings.Contains(report, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
	for _, bad := range []string{"CYCLE", " 1 accounts", " 1 users", "FAILED", "SKIPPED", "WAITING"} {
		if strings.Contains(report, bad) {
			t.Errorf("the report has %q", bad)
		}
	}

	// The outputs: each plan and its journal as JSON, the journal naming
	// its plan, and a Markdown report.
	for _, target := range []string{canonical.SystemCMO, canonical.SystemCSF, canonical.SystemOHRIS, canonical.SystemHCM} {
		var plan canonical.ActionPlan
		var j canonical.Journal
		for file, v := range map[string]any{"plan-" + target + ".json": &plan, "journal-" + target + ".json": &j} {
			b, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
		}
		if j.Plan != plan.Digest() || j.Target != target || len(j.Entries) == 0 {
			t.Errorf("%s: journal of plan %s (target %s, %d entries), plan %s", target, j.Plan, j.Target, len(j.Entries), plan.Digest())
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"# Oracle HCM Cloud\n",
		"| # | Who | What | Why | Outcome |\n|---:|---|---|---|---|\n",
		"| 10 | Mary King (966169008890236) | grant `cmo/training/Manager Training` | rule managers: managers also get the manager training (manager is true) | done |\n",
		"### Denied by the segregation-of-duties gate\n",
		"# CMO Compliance, a bad feed (not applied)\n",
		"### Held back\n",
	} {
		if !strings.Contains(string(md), w) {
			t.Errorf("report.md lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("the report:\n%s", report)
	}
}

// TestRunFromSagePeople runs the same company with Sage People as the HR
// source: the same lifecycles, and CMO and the CSF directory brought in line.
func TestRunFromSagePeople(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), &out, "", "sagepeople"); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	for _, w := range []string{
		"Sage People (source): 6 team members read on 2023-07-31, over the REST query, signed in with the JWT bearer flow.\n",
		"Sage People (source): 8 team members read on 2023-08-01.\n",
		"  mover     a0T000000000000003 (Claire Dubois): managers: a0T000000000000002 → a0T000000000000001; assignments[EMP-1003].department: Finance → Sales",
		"  leaver    a0T000000000000004 (David Evans): employment.status: active → inactive; employment.end: (none) → 2023-07-31",
		"  rehire    a0T000000000000006 (Ines Costa): employment.status: inactive → active",
		"  joiner    a0T000000000000007 (Mary King): starts on 2023-08-01\n",
		"  create     a0T000000000000007 (Mary King): joined on 2023-08-01\n",
		"  deactivate a0T000000000000004 (David Evans): left on 2023-07-31\n",
		"  A second plan against CMO: 0 actions, 0 held back\n",
		"  A second plan against CSF: 0 actions, 0 held back\n",
	} {
		if !strings.Contains(report, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
	for _, absent := range []string{"oHRis (target", "write-back over SCIM"} {
		if strings.Contains(report, absent) {
			t.Errorf("the report has %q, which a Sage People run cannot feed", absent)
		}
	}
	if _, err := startSource("workday", canonical.Date{}); err == nil {
		t.Error("an unknown source was accepted")
	}
	if t.Failed() {
		t.Logf("the report:\n%s", report)
	}
}
