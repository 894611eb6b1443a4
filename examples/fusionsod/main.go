// Command fusionsod runs the segregation-of-duties steps of Oracle's
// integration guide against the fake of fusionsodtest: HR events ask for
// Fusion roles (step 1), each request is analysed with the roles the user
// already holds (step 2), and the gate grants the roles without conflict,
// sends the others to a process owner, approves the accepted conflicts in
// Fusion with the justification on the incidents, and denies the rest
// (step 3). One request ends with some roles granted and one denied.
//
//	go run ./examples/fusionsod
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) error {
	// Fusion's side: roles, two SoD controls (one only for Vision China),
	// and what the users hold already. Analyses take 200 ms.
	srv, err := fusionsodtest.Start(fusionsodtest.WithAnalysisTime(200 * time.Millisecond))
	if err != nil {
		return err
	}
	defer srv.Close()
	for code, name := range map[string]string{"AP_PAYER": "Payables Payer", "AP_APPROVER": "Payables Approver",
		"SUPPLIER_ADMIN": "Supplier Administrator", "GL_VIEWER": "General Ledger Viewer"} {
		srv.AddRole(code, name)
	}
	srv.AddControl(fusionsodtest.Control{Name: "Pay and approve invoices", Roles: [2]string{"AP_PAYER", "AP_APPROVER"}})
	srv.AddControl(fusionsodtest.Control{Name: "Create suppliers and pay them", Roles: [2]string{"SUPPLIER_ADMIN", "AP_PAYER"},
		DataAccess: []string{"BUSINESS_UNIT = Vision China"}})
	srv.AddUser("MARY.KING", fusionsodtest.Grant{Role: "AP_APPROVER"})

	c, err := fusionsod.NewClient(srv.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		return err
	}
	// The process owner: accepts a payer who approves during the month-end
	// close, never a supplier administrator.
	owner := fusionsod.ApproverFunc(func(_ context.Context, r fusionsod.Review) (fusionsod.Verdict, error) {
		if r.Role.Code == "AP_PAYER" {
			return fusionsod.Verdict{Decision: fusionsod.Approved, By: "FIN.CONTROLLER",
				Justification: "Clôture mensuelle : remplacement temporaire, revue par l'audit interne (" + r.Request.ID + ")."}, nil
		}
		return fusionsod.Verdict{Decision: fusionsod.Deny, By: "FIN.CONTROLLER", Justification: "supplier administration stays with procurement"}, nil
	})
	g, err := fusionsod.NewGate(c, fusionsod.WithApprover(owner))
	if err != nil {
		return err
	}
	china := []fusionsod.DataAccess{{Kind: fusionsod.BusinessUnit, Value: "Vision China"}}
	requests := []fusionsod.AccessRequest{
		{ID: "HR-1001 joiner", User: "JOE.GREEN", Roles: []fusionsod.RoleRequest{{Code: "GL_VIEWER"}}},
		{ID: "HR-1002 mover", User: "MARY.KING", Roles: []fusionsod.RoleRequest{{Code: "GL_VIEWER"}, {Code: "AP_PAYER", DataAccess: china}}},
		{ID: "HR-1003 mover", User: "ANA.LOPEZ", Roles: []fusionsod.RoleRequest{{Code: "AP_PAYER", DataAccess: china}, {Code: "SUPPLIER_ADMIN", DataAccess: china}}},
	}
	var outcomes []fusionsod.Outcome
	for o, err := range g.DecideAll(ctx, slices.Values(requests)) {
		if err != nil {
			fmt.Println("error:", err)
		}
		outcomes = append(outcomes, o)
	}
	slices.SortFunc(outcomes, func(a, b fusionsod.Outcome) int { return strings.Compare(a.ID, b.ID) })
	for _, o := range outcomes {
		fmt.Println(o)
		fmt.Println("  → grant in Fusion:", o.Granted())
	}
	fmt.Println("\nincidents with their justification:")
	for _, inc := range srv.Incidents() {
		fmt.Printf("  control %d, %s, %s with %s: %s by %s: %q\n", inc.ControlID, inc.User, inc.Role, inc.ConflictingRole, inc.Status, inc.Investigator, inc.Comments[0].Text)
	}
	fmt.Println("\nthe outcome of HR-1003, as stored:")
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(outcomes[2])
}
