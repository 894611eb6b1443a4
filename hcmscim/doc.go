// Package hcmscim is a client for the SCIM REST API of Oracle HCM Cloud
// (/hcmRestApi/scim): the way an entitlement management system writes a
// worker's user name, work e-mail and roles back to HCM ("Updating HCM" in
// Oracle's "Integrate Oracle HCM Cloud with Entitlement Management Systems",
// and section 3 of protocol-notes.md).
//
// It covers what that integration needs:
//
//   - Users: list (Users, UsersPage) with a filter, attributes and paging,
//     get, create, and PATCH with a partial resource as Oracle does
//     (PatchUser); Oracle's faUser extension (person number, manager, job,
//     business unit, department, user category, account type) and its
//     "yyyy-MM-dd HH:mm:ss.SSS" timestamps are typed.
//   - LookupPersonNumbers: person numbers to users, six per request as
//     Oracle advises, several requests at a time.
//   - Roles: find by name, get, add and remove members.
//   - Bulk: many operations in batches of 50, with the outcome of each one:
//     Oracle answers 200 to a Bulk call whose operations failed, and says so
//     only inside the answer.
//   - A filter builder (Eq, Or, And, Not, ...) that escapes every value, so
//     that no person number or user name can change what a filter means.
//
// Oracle's API is an early SCIM 2.0 draft: schema URNs of the form
// urn:scim:schemas:core:2.0:User, list answers without totalResults, PATCH
// bodies that are partial resources and role memberships changed with
// "operation": "ADD" or "REMOVE". A server of the final RFC 7643/7644 (URNs
// urn:ietf:params:scim:..., ListResponse with totalResults, PatchOp) is
// spoken to in its own way. WithDialect chooses; by default the client asks
// the server once and remembers (see DialectAuto).
//
// Quick start:
//
//	c, err := hcmscim.NewClient("https://acme.fa.us2.oraclecloud.com",
//		hcmscim.WithFusionJWT(issuer, "EMS_INTEGRATION", key, cert))
//	found, missing, err := c.LookupPersonNumbers(ctx, []string{"966169008890736"})
//	u := found["966169008890736"]
//	res, err := c.Bulk(ctx, []hcmscim.BulkOp{
//		hcmscim.PatchUserOp("joe-name", u.ID, hcmscim.UserPatch{UserName: hcmscim.Some("Joe.Green")}),
//		hcmscim.PatchUserOp("joe-mail", u.ID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("joe.green@mail.com")})}),
//	})
//	// err lists the operations that failed; res[i] is the outcome of operation i.
//
// The package hcmscimtest is a fake of the API for tests.
package hcmscim
