package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

// Role codes of the demo's access policy: HCM gives every worker the
// employee role; the entitlement system grants managers the line manager
// role, as Mary gets the manager training in Oracle's guide.
const (
	employeeRole = "ORA_PER_EMPLOYEE_ABSTRACT"
	managerRole  = "ORA_PER_LINE_MANAGER_ABSTRACT"
)

// hcmStep writes back to HCM what the entitlement system gave today's
// joiners, as Oracle's guide tells it for Joe and Mary ("Updating HCM"):
// their users are found by person number, then their user name (the
// directory login), work e-mail and roles go back in one Bulk call. A
// joiner whose HCM user does not exist yet (a hire dated in the future) is
// reported and written back on a later run.
func hcmStep(ctx context.Context, w io.Writer, before, today []canonical.Person, runDate canonical.Date) error {
	srv, err := hcmscimtest.Start()
	if err != nil {
		return err
	}
	defer srv.Close()
	seedHCM(srv, today, before, runDate)

	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		return err
	}
	var joiners []canonical.Person
	for _, p := range withPolicyRoles(today) {
		if canonical.Classify(find(before, p.Key), &p).Lifecycle == canonical.Joiner {
			joiners = append(joiners, p)
		}
	}
	numbers := make([]string, len(joiners))
	for i, p := range joiners {
		numbers[i] = p.Key
	}
	users, missing, err := c.LookupPersonNumbers(ctx, numbers)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nOracle HCM Cloud (write-back over SCIM):")
	for _, key := range missing {
		p := find(today, key)
		fmt.Fprintf(w, "  %s (%s): no HCM user yet (starts %s); written back once HCM has it\n",
			key, p.Name.Display.Or(""), p.Employment.Start.Or(canonical.Date{}))
	}

	mapping := canonical.SCIM{LoginSystem: "csf"} // HCM gets the directory login as its user name
	roleIDs := map[string]string{}
	var ops []hcmscim.BulkOp
	for _, p := range joiners {
		u, ok := users[p.Key]
		if !ok {
			continue
		}
		grants := mapping.MissingRoles(&p, &u)
		for _, code := range grants {
			if _, known := roleIDs[code]; !known {
				role, err := c.FindRole(ctx, code)
				if err != nil {
					return err
				}
				roleIDs[code] = role.ID
			}
		}
		pops, err := mapping.WriteBack(&p, &u, roleIDs)
		if err != nil {
			return err
		}
		ops = append(ops, pops...)
		var what []string
		patch, _ := mapping.Patch(&p, &u)
		if name, ok := patch.UserName.Get(); ok {
			what = append(what, fmt.Sprintf("user name %s → %s", u.UserName, name))
		}
		if es, ok := patch.Emails.Get(); ok {
			what = append(what, "work e-mail "+es[0].Value)
		}
		for _, code := range grants {
			what = append(what, "grant "+code)
		}
		fmt.Fprintf(w, "  %s (%s): %s\n", p.Key, p.Name.Display.Or(""), strings.Join(what, "; "))
	}
	if len(ops) == 0 {
		fmt.Fprintln(w, "  HCM is in line: nothing to write back")
		return nil
	}
	results, err := c.Bulk(ctx, ops)
	var bulkErr *hcmscim.BulkError
	if err != nil && !errors.As(err, &bulkErr) {
		return err
	}
	outcomes := make([]string, len(results))
	for i, r := range results {
		outcomes[i] = fmt.Sprintf("%s %d", r.BulkID, r.Status)
		if r.Err != nil {
			outcomes[i] = fmt.Sprintf("%s FAILED (%v)", r.BulkID, r.Err)
		}
	}
	fmt.Fprintf(w, "  Bulk: %s\n", strings.Join(outcomes, ", "))
	for _, p := range joiners {
		if u, ok := users[p.Key]; ok {
			now, _ := c.GetUser(ctx, u.ID)
			var roles []string
			for _, r := range now.Roles {
				roles = append(roles, r.Value)
			}
			fmt.Fprintf(w, "  HCM now holds %s: user %s, e-mail %s, roles %s\n", p.Key, now.UserName, now.Emails[0].Value, strings.Join(roles, ", "))
		}
	}
	return err
}

// withPolicyRoles returns people with the roles the access policy gives
// them on their primary assignment: the employee role to all, the line
// manager role to whoever manages someone.
func withPolicyRoles(people []canonical.Person) []canonical.Person {
	managers := map[string]bool{}
	for _, p := range people {
		for _, m := range p.Managers {
			managers[m] = true
		}
	}
	out := make([]canonical.Person, len(people))
	for i, p := range people {
		p.Assignments = slices.Clone(p.Assignments)
		if len(p.Assignments) > 0 {
			a := &p.Assignments[0]
			a.Roles = []string{employeeRole}
			if managers[p.Key] {
				a.Roles = append(a.Roles, managerRole)
			}
		}
		out[i] = p
	}
	return out
}

// seedHCM fills the HCM fake as HCM stands on the run date: a user for each
// worker who has started, with the entitlement system's user name and
// e-mail for those it has already written back (yesterday's people), and
// HCM's own user name and no e-mail for new hires.
func seedHCM(srv *hcmscimtest.Server, today, before []canonical.Person, runDate canonical.Date) {
	emp := srv.AddRole(hcmscim.Role{Name: employeeRole, DisplayName: "Employee", Category: "ABSTRACT"})
	srv.AddRole(hcmscim.Role{Name: managerRole, DisplayName: "Line Manager", Category: "ABSTRACT"})
	for _, p := range today {
		if p.Employment.Start.Or(canonical.Date{}).After(runDate) {
			continue // HCM creates the user on the hire's effective date
		}
		u := hcmscim.User{UserName: strings.ToUpper(p.Name.Given.Or("") + "." + p.Name.Family.Or("")), DisplayName: p.Name.Display.Or(""),
			Name: hcmscim.Name{GivenName: p.Name.Given.Or(""), FamilyName: p.Name.Family.Or("")},
			FA:   hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: p.Key}, AccountType: "Person"}}
		if find(before, p.Key) != nil {
			u.UserName = p.Logins["csf"]
			u.Emails = []hcmscim.Email{hcmscim.WorkEmail(p.Logins["csf"] + "@acme.example")}
		}
		srv.GrantRole(emp.ID, srv.AddUser(u).ID)
	}
}
