package fusionsod_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
)

// The gate decides each role of an access request: a role without
// conflict is granted, a conflicting one goes to the approver.
func ExampleGate_Decide() {
	srv, err := fusionsodtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddRole("AP_PAYER", "Payables Payer")
	srv.AddRole("AP_APPROVER", "Payables Approver")
	srv.AddControl(fusionsodtest.Control{Name: "Pay and approve invoices", Roles: [2]string{"AP_PAYER", "AP_APPROVER"}})
	srv.AddUser("AP_Manager", fusionsodtest.Grant{Role: "AP_APPROVER"})

	c, err := fusionsod.NewClient(srv.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		log.Fatal(err)
	}
	owner := fusionsod.ApproverFunc(func(_ context.Context, r fusionsod.Review) (fusionsod.Verdict, error) {
		return fusionsod.Verdict{Decision: fusionsod.Deny, By: "CONTROLLER", Justification: "approvers do not pay"}, nil
	})
	g, err := fusionsod.NewGate(c, fusionsod.WithApprover(owner))
	if err != nil {
		log.Fatal(err)
	}
	o, err := g.Decide(context.Background(), fusionsod.AccessRequest{ID: "HR-42", User: "AP_Manager", Roles: []fusionsod.RoleRequest{
		{Code: "GL_VIEWER"},
		{Code: "AP_PAYER", DataAccess: []fusionsod.DataAccess{{Kind: fusionsod.BusinessUnit, Value: "Vision China"}}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(o)
	fmt.Println("grant:", o.Granted())
	// Output:
	// access request HR-42 for AP_Manager (analysis 1): 1 of 2 roles granted
	//   GL_VIEWER: grant: no segregation-of-duties conflict
	//   AP_PAYER: deny: denied by CONTROLLER ("approvers do not pay"); conflicts: control 86731 "Pay and approve invoices": conflicts with "Payables Approver" through "Pay and approve invoices"
	// grant: [GL_VIEWER]
}

// Analyse runs the three calls of an analysis: run, wait, read the
// results.
func ExampleClient_Analyse() {
	srv, err := fusionsodtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddControl(fusionsodtest.Control{Name: "Enter journal and view risk", Roles: [2]string{"PROV_TEST_ROLE1", "PROV_TEST_ROLE2"}, Path: "Enter Journal By Spreadsheet"})
	c, err := fusionsod.NewClient(srv.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		log.Fatal(err)
	}
	a, err := c.Analyse(context.Background(), fusionsod.AccessRequest{User: "AP_Manager", Roles: []fusionsod.RoleRequest{{Code: "PROV_TEST_ROLE1"}, {Code: "PROV_TEST_ROLE2"}}})
	if err != nil {
		log.Fatal(err)
	}
	for _, cf := range a.Conflicts {
		fmt.Println(cf.InputRoleCode, "→", cf)
	}
	// Output:
	// PROV_TEST_ROLE1 → control 86731 "Enter journal and view risk": conflicts with "PROV_TEST_ROLE2" through "Enter Journal By Spreadsheet"
	// PROV_TEST_ROLE2 → control 86731 "Enter journal and view risk": conflicts with "PROV_TEST_ROLE1" through "Enter Journal By Spreadsheet"
}

// A justification is posted on an incident; one longer than 2,000
// characters is refused before anything is sent.
func ExampleClient_AddComment() {
	srv, err := fusionsodtest.Start()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	srv.AddIncident(fusionsodtest.Incident{ControlID: 86731, ControlName: "Pay and approve invoices", User: "AP_Manager", Role: "Payables Payer"})
	c, err := fusionsod.NewClient(srv.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for inc, err := range c.Incidents(ctx, "86731", fusionsod.IncidentQuery{User: "AP_Manager"}) {
		if err != nil {
			log.Fatal(err)
		}
		if _, err := c.UpdateIncident(ctx, &inc, fusionsod.IncidentUpdate{Status: fusionsod.IncidentAccepted, Investigator: "CONTROLLER"}); err != nil {
			log.Fatal(err)
		}
		if err := c.AddComment(ctx, &inc, "Month-end cover, reviewed by internal audit."); err != nil {
			log.Fatal(err)
		}
	}
	inc := srv.Incidents()[0]
	fmt.Println(inc.Status, inc.Investigator, inc.Comments[0].Text)
	// Output:
	// Accepted CONTROLLER Month-end cover, reviewed by internal audit.
}
