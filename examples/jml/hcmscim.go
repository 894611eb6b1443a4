package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

// employeeRole is the role HCM gives every worker itself; no rule gives
// it, so no plan takes it away.
const employeeRole = "ORA_PER_EMPLOYEE_ABSTRACT"

// hcmStep writes back to HCM what the entitlement system gave today's
// people, as Oracle's guide tells it for Joe and Mary ("Updating HCM"):
// their users, found by person number, get the directory login as user
// name and the new work e-mail; the Fusion roles the rules give them are
// granted through /Roles, and those no rule gives any more are revoked.
// The role grants first go through the segregation-of-duties gate of
// Fusion's Advanced Controls (package fusionsod): a role whose conflicts the
// finance controller refuses is not granted, one they accept is, with the
// justification recorded on Fusion's incidents.
func hcmStep(ctx context.Context, w io.Writer, out *outputs, had, today []canonical.Person, policy canonical.Policy) error {
	srv, err := hcmscimtest.Start()
	if err != nil {
		return err
	}
	defer srv.Close()
	sod, err := fusionsodtest.Start()
	if err != nil {
		return err
	}
	defer sod.Close()
	seedHCM(srv, sod, had, today, policy.RunDate)

	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		return err
	}
	keys := make([]string, len(today))
	for i, p := range today {
		keys[i] = p.Key
	}
	users, _, err := c.LookupPersonNumbers(ctx, keys)
	if err != nil {
		return err
	}
	var desired, current []canonical.Person
	for _, p := range today {
		desired = append(desired, canonical.Person{Key: p.Key, Name: canonical.Name{Display: p.Name.Display},
			UserName: canonical.Some(p.Logins["csf"]), Emails: workOnly(p.Emails),
			Employment: canonical.Employment{Status: p.Employment.Status, End: p.Employment.End},
			Access:     canonical.AccessOf(p.Access, canonical.SystemHCM)})
		if u, ok := users[p.Key]; ok {
			current = append(current, fromHCM(&u, p.Name.Display))
		}
	}
	plan, err := canonical.Plan(desired, current, policy)
	if err != nil {
		return err
	}

	// The gate: the finance controller reviews the roles whose analysis
	// finds conflicts.
	sc, err := fusionsod.NewClient(sod.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(sod.Username, sod.Password))
	if err != nil {
		return err
	}
	gate, err := fusionsod.NewGate(sc, fusionsod.WithApprover(fusionsod.ApproverFunc(controller)))
	if err != nil {
		return err
	}
	hcmUser := func(p *canonical.Person) string { u := users[p.Key]; return u.UserName }
	if err := (canonical.SoD{Gate: gate, System: canonical.SystemHCM, User: hcmUser}).Check(ctx, plan); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nOracle HCM Cloud (write-back over SCIM, roles through the segregation-of-duties gate):")
	fmt.Fprint(w, plan)
	ap := &canonical.SCIMApplier{Client: c}
	if _, err := out.applyPlan(ctx, w, "Oracle HCM Cloud", plan, ap); err != nil {
		return err
	}
	for _, inc := range sod.Incidents() {
		for _, cm := range inc.Comments {
			fmt.Fprintf(w, "  Fusion incident %d (%s, %s for %s): %s by %s: %q\n", inc.ID, inc.ControlName, inc.Role, inc.User, inc.Status, inc.Investigator, cm.Text)
		}
	}
	for _, key := range []string{joe.PersonNumber, mary.PersonNumber} {
		now, err := c.GetUser(ctx, users[key].ID)
		if err != nil {
			return err
		}
		var roles []string
		for _, r := range now.Roles {
			roles = append(roles, r.Value)
		}
		slices.Sort(roles)
		fmt.Fprintf(w, "  HCM now holds %s: user %s, e-mail %s, roles %s\n", key, now.UserName, now.Emails[0].Value, strings.Join(roles, ", "))
	}
	return nil
}

// controller is the finance controller, the process owner who reviews
// conflicting roles: who approves invoices does not pay them; a finance
// manager may enter the month-end journals, with the reason on record.
func controller(_ context.Context, r fusionsod.Review) (fusionsod.Verdict, error) {
	switch r.Role.Code {
	case payments.ID:
		return fusionsod.Verdict{Decision: fusionsod.Deny, By: "FIN_CONTROLLER", Justification: "who approves invoices does not pay them"}, nil
	case journalEntry.ID:
		return fusionsod.Verdict{Decision: fusionsod.Approved, By: "FIN_CONTROLLER",
			Justification: "the finance manager enters the month-end journals until a second accountant joins; reviewed monthly"}, nil
	}
	return fusionsod.Verdict{}, nil // undecided: held for approval
}

// workOnly returns the work addresses of es.
func workOnly(es []canonical.Email) []canonical.Email {
	out := []canonical.Email{}
	for _, e := range es {
		if e.Type == "work" {
			out = append(out, e)
		}
	}
	return out
}

// fromHCM returns the person an HCM user stands for: the user name, the
// work e-mail, whether the user is active, and the roles the rules govern
// (HCM's own, such as the employee role, are left out).
func fromHCM(u *hcmscim.User, display canonical.Opt[string]) canonical.Person {
	p := canonical.Person{Key: u.FA.WorkerInformation.PersonNumber, Name: canonical.Name{Display: display},
		UserName: canonical.Some(u.UserName), Emails: []canonical.Email{}, Access: []canonical.Grant{}}
	for _, e := range u.Emails {
		if e.Type == hcmscim.EmailTypeWork {
			p.Emails = append(p.Emails, canonical.Email{Type: "work", Address: e.Value, Primary: e.Primary})
		}
	}
	status := canonical.StatusInactive
	if u.Active.Or(true) {
		status = canonical.StatusActive
	}
	p.Employment.Status = canonical.Some(status)
	for _, r := range u.Roles {
		p.Access = append(p.Access, canonical.Grant{Entitlement: canonical.Entitlement{System: canonical.SystemHCM, Kind: canonical.KindRole, ID: r.Value}})
	}
	p.Access = rules.Governed(p.Access)
	if d := grantOf(p.Access, financeInquiry.ID); d != nil {
		d.DataAccess = financeInquiry.DataAccess // SCIM does not show data access; Fusion's security context holds it
	}
	return p
}

func grantOf(gs []canonical.Grant, id string) *canonical.Grant {
	for i := range gs {
		if gs[i].ID == id {
			return &gs[i]
		}
	}
	return nil
}

// seedHCM fills the HCM and Fusion fakes as they stand on the run date: a
// user for each worker, with the entitlement system's user name, e-mail
// and roles for yesterday's people, and HCM's own user name (the tenant's
// rule makes it the person number) and no e-mail for the new hires; every worker has HCM's employee role, and Mary, a
// finance manager, the invoice approver role HCM's own role provisioning
// gives her job. Fusion's Advanced Controls know the same users and roles,
// and two controls on invoice approval.
func seedHCM(srv *hcmscimtest.Server, sod *fusionsodtest.Server, had, today []canonical.Person, runDate canonical.Date) {
	roleIDs := map[string]string{}
	for _, code := range []string{employeeRole, lineManager.ID, financeInquiry.ID, payments.ID, journalEntry.ID, invoiceApprover} {
		roleIDs[code] = srv.AddRole(hcmscim.Role{Name: code, DisplayName: code, Category: "JOB"}).ID
		sod.AddRole(code, code)
	}
	sod.AddControl(fusionsodtest.Control{Name: "Approve and pay invoices", Roles: [2]string{payments.ID, invoiceApprover}})
	sod.AddControl(fusionsodtest.Control{Name: "Enter journals and approve invoices", Roles: [2]string{journalEntry.ID, invoiceApprover}})
	for _, p := range today {
		u := hcmscim.User{UserName: p.Key, DisplayName: p.Name.Display.Or(""),
			Name:   hcmscim.Name{GivenName: p.Name.Given.Or(""), FamilyName: p.Name.Family.Or("")},
			Active: hcmscim.Some(true),
			FA:     hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: p.Key}, AccountType: "Person"}}
		roles := []string{employeeRole}
		var grants []fusionsodtest.Grant
		if before := find(had, p.Key); before != nil {
			u.UserName = p.Logins["csf"]
			u.Emails = []hcmscim.Email{hcmscim.WorkEmail(p.Logins["csf"] + "@" + mailDomain)}
			for _, g := range canonical.AccessOf(before.Access, canonical.SystemHCM) {
				roles = append(roles, g.ID)
				grants = append(grants, fusionsodtest.Grant{Role: g.ID, DataAccess: g.DataAccess})
			}
		}
		if p.Key == mary.PersonNumber {
			roles = append(roles, invoiceApprover)
			grants = append(grants, fusionsodtest.Grant{Role: invoiceApprover})
		}
		id := srv.AddUser(u).ID
		for _, r := range roles {
			srv.GrantRole(roleIDs[r], id)
		}
		sod.AddUser(u.UserName, grants...)
	}
}
