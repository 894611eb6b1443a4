package main

import (
	"strings"
	"testing"
)

// TestRun checks the report's key lines, so that a change to the canonical
// model that changes the run shows up here.
func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	report := out.String()
	want := []string{
		"  unchanged 1001 (Alice Martin)\n",
		"  mover   1003 (Claire Dubois): managers: 1002 → 1008; assignments[1003-1].department: Finance → Sales\n",
		"  leaver  1004 (David Evans): employment.status: active → inactive; employment.end: (none) → 2024-02-29\n",
		"  update  1005 (Emma Novak-Hill): name.family: Novak → Novak-Hill;",
		"  joiner  1007 (Diego Ruiz): starts on 2024-03-11\n",
		"  rehire  1009 (Ines Costa): employment.status: inactive → active;",
		// The HCM step: yesterday's company from HCM's encrypted extract,
		// today's story from the ATOM feeds, each event with what it
		// meant, and the roster classifying as the snapshots.
		"HCM's initial extract of 2024-03-03 (PGP-encrypted, decrypted and loaded): 6 rows, 6 workers in the roster.\n",
		"  joiner  1007 (Ruiz, Diego) ← newhire: Employee Period of Service Created\n",
		"  rehire  1009 (Costa, Ines) ← newhire: Employee Period of Service Created\n",
		"  mover   1003 (Dubois, Claire) ← empassignment: Person Assignment Updated\n",
		"  leaver  1004 (Evans, David) ← termination: Employee Terminated\n",
		"  update  1005 (Novak-Hill, Emma) ← empupdate: Person Basic Information Changed\n",
		"Classified from the roster, 8 of 8 persons agree with the snapshots.\n",
		"Plan for 2024-03-04: 2 to create, 1 to reactivate, 2 to update, 2 to deactivate, 0 held back\n",
		// Hana is created before Diego, who reports to her.
		"  create     1008 (Hana Sato): joined on 2024-03-01\n  create     1007 (Diego Ruiz): joins on 2024-03-11\n",
		"  reactivate 1009 (Ines Costa): rehired on 2024-03-04\n",
		"  update     1003 (Claire Dubois): moved: managers: 1002 → 1008;",
		"  deactivate 1004 (David Evans): left on 2024-02-29\n",
		"  deactivate 1010 (Felix Wagner): missing from the full HR list\n",
		// The oHRis step: the preview, the delivery, and the fake connector
		// doing what the preview said.
		"run of 2024-03-04: 2 create, 4 update, 2 unchanged, 0 ignore; 1 accounts not in the file\n",
		`login cdubois): services "Finance (Finance)" → "Sales (Sales)"; responsable "bkeller" → "hsato"; services changed`,
		`login devans): dateFinContrat "" → "2024-02-29"; deactivated: the contract ended before the run date`,
		"login druiz): created inactive: no contract in progress on the run date\n",
		"Delivered flux_utilisateurs_20240304.xml (8 users) to depot/prod/ over SFTP.\n",
		"2 created, 4 updated, 2 unchanged, 1 deactivated, 1 reactivated, 1 services changed, 0 ignored\n",
		// The HCM write-back: Hana's user found by person number and given
		// her user name, e-mail and the manager role; Diego's user does not
		// exist before his start date.
		"  1007 (Diego Ruiz): no HCM user yet (starts 2024-03-11); written back once HCM has it\n",
		"  1008 (Hana Sato): user name HANA.SATO → hsato; work e-mail hsato@acme.example; grant ORA_PER_LINE_MANAGER_ABSTRACT\n",
		"  Bulk: 1008-user 200, 1008-role-ORA_PER_LINE_MANAGER_ABSTRACT 200\n",
		"  HCM now holds 1008: user hsato, e-mail hsato@acme.example, roles ORA_PER_EMPLOYEE_ABSTRACT, ORA_PER_LINE_MANAGER_ABSTRACT\n",
		// The CMO step: CMO's export planned against the full list (Felix,
		// whom HR no longer lists, is deactivated), sent through the HR
		// import, after which CMO is in line.
		"CMO Compliance, planned against its export:\nPlan for 2024-03-04: 2 to create, 1 to reactivate, 2 to update, 2 to deactivate, 0 held back\n",
		"  deactivate cmo:fwagner (Felix Wagner): missing from the full HR list\n",
		"  ImportUsers: True, 2 of 2 imported: hsato saved; druiz saved;\n",
		"  UpdateUsers: True, 5 of 5 imported: icosta updated; cdubois updated; enovak updated; devans updated; fwagner updated;\n",
		"  A second plan against CMO: 0 actions, 0 held back\n",
	}
	for _, w := range want {
		if !strings.Contains(report, w) {
			t.Errorf("the report lacks %q", w)
		}
	}
	if strings.Contains(report, "HELD BACK") || strings.Contains(report, "CYCLE") {
		t.Error("the demo company should need no hold and have no manager cycle")
	}
	if t.Failed() {
		t.Log(report)
	}
}
