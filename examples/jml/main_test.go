package main

import (
	"context"
	"strings"
	"testing"
)

// TestRun checks the report's key lines, so that a change to a client, a
// fake or the canonical model that changes the run shows up here, and its
// wording ("1 account", not "1 accounts").
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	want := []string{
		// The source: yesterday from the encrypted extract, the work
		// structures' names from their feeds, today from the employee feeds.
		"Oracle HCM Cloud (source): the initial extract of 2024-03-03, PGP-encrypted, decrypted and loaded: 6 rows, 6 workers; 5 work structures named by the feeds.\n",
		"Oracle HCM Cloud (source): what the feeds say happened on 2024-03-04:\n",
		"  joiner    1008 (Sato, Hana) ← newhire: Employee Period of Service Created\n",
		"  rehire    1009 (Costa, Ines) ← newhire: Employee Period of Service Created\n",
		"  mover     1003 (Dubois, Claire) ← empassignment: Person Assignment Updated\n",
		"  leaver    1004 (Evans, David) ← termination: Employee Terminated\n",
		"  update    1005 (Novak-Hill, Emma) ← empupdate: Person Basic Information Changed\n",
		// What happened, from the roster's persons: names, not ids.
		"  unchanged 1001 (Alice Martin)\n",
		"department: Finance → Sales\n",
		"  leaver    1004 (David Evans): employment.status: active → inactive; employment.end: (none) → 2024-02-29\n",
		"  joiner    1007 (Diego Ruiz): starts on 2024-03-11\n",
		// CMO: its export planned against the full list (Felix, whom HR no
		// longer lists, is deactivated), sent through the HR import, whose
		// successful answers say "Partially completed" as the seed's do.
		"CMO Compliance (target), planned against its export:\nPlan for 2024-03-04: 3 to create, 0 to reactivate, 2 to update, 2 to deactivate, 0 held back\n",
		// Hana is created before Diego, who reports to her.
		"  create     1008 (Hana Sato): joined on 2024-03-01\n  create     1007 (Diego Ruiz): pending worker, joins on 2024-03-11\n",
		"  deactivate cmo:fwagner (Felix Wagner): missing from the full HR list\n",
		"  ImportUsers: Partially completed, 3 of 3 imported: hsato saved; druiz saved; icosta saved;\n",
		"  A second plan against CMO: 0 actions, 0 held back\n",
		// oHRis: the preview, the delivery, the connector doing what the
		// preview said.
		"oHRis (target), what its connector will do:\nrun of 2024-03-04: 2 to create, 4 to update, 2 unchanged, 0 to ignore; 0 accounts not in the file\n",
		`login cdubois): services "Finance (Finance)" → "Sales (Sales)"; responsable "bkeller" → "hsato"`,
		`login icosta): dateDebutContrat "2020-01-06" → "2024-03-04"; dateFinContrat "2023-06-30" → ""; reactivated`,
		"  Delivered flux_utilisateurs_20240304.xml (8 users) to depot/prod/ over SFTP.\n",
		"2 created, 4 updated, 2 unchanged, 1 deactivated, 1 reactivated, 1 with services changed, 0 ignored\n",
		// CSF: a leaver's user deleted, as UserManager cannot disable one.
		"CSF Identity Manager (target), planned against its users:\nPlan for 2024-03-04: 3 to create, 0 to reactivate, 2 to update, 1 to deactivate, 0 held back\n",
		"  UserManager: create druiz; create hsato; create icosta; update cdubois; update enovak; deactivate devans\n",
		"  A second plan against CSF: 0 actions, 0 held back\n",
		// The write-back to HCM: Hana's user found by person number and given
		// her directory login, e-mail and the manager role; Diego's user
		// does not exist before his start date.
		"Oracle HCM Cloud (write-back over SCIM):\n  1007 (Diego Ruiz): no HCM user yet (starts 2024-03-11); written back once HCM has it\n",
		"  1008 (Hana Sato): user name HANA.SATO → hsato; work e-mail hsato@acme.example; grant ORA_PER_LINE_MANAGER_ABSTRACT\n",
		"  HCM now holds 1008: user hsato, e-mail hsato@acme.example, roles ORA_PER_EMPLOYEE_ABSTRACT, ORA_PER_LINE_MANAGER_ABSTRACT\n",
	}
	for _, w := range want {
		if !strings.Contains(report, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
	for _, bad := range []string{"HELD BACK", "CYCLE", " 1 accounts", " 1 users", "30010003765"} {
		if strings.Contains(report, bad) {
			t.Errorf("the report has %q", bad)
		}
	}
	if t.Failed() {
		t.Logf("the report:\n%s", report)
	}
}
