// Package hcmscim is a client for the SCIM REST API of Oracle HCM Cloud
// (/hcmRestApi/scim): the way an entitlement management system writes a
// worker's user name, work e-mail and roles back to HCM ("Updating HCM" in
// Oracle's "Integrate Oracle HCM Cloud with Entitlement Management
// Systems"). The protocol facts it relies on, with their public sources,
// are in docs/hcmscim.md of the repository.
//
// It covers what that integration needs:
//
//   - Users: list (Users, and UsersPage for callers who checkpoint) with a
//     filter, attributes and paging, get, create, and PATCH with a partial
//     resource as Oracle does (PatchUser); Oracle's faUser extension
//     (person number, manager, job, business unit, department, user
//     category, account type) and its "yyyy-MM-dd HH:mm:ss.SSS" timestamps
//     are typed.
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
// # Shape
//
// NewClient requires credentials: WithBasicAuth, WithFusionJWT (the JWTs
// Oracle's guide prescribes) or WithTokenSource (OAuth bearer tokens from
// any golang.org/x/oauth2 source). The other options (WithRetry,
// WithRootCAs, WithInsecureHTTP, ...) mean what they mean in every hrbridge
// client.
//
// Every failure of a call is an *APIError (the error type all hrbridge
// clients share) and matches the shared sentinels with errors.Is:
// ErrUnauthorized, ErrForbidden, ErrNotFound, ErrConflict, ErrRateLimited,
// ErrUnavailable (5xx, no answer), ErrUnexpectedContent (an HTML sign-in
// page where JSON was expected), and this package's ErrInvalidFilter and
// ErrBadRequest (400s). APIError.Code is the SCIM scimType, or Oracle's
// message code (PER_IIP_2410) when the server sends no scimType. Input that
// fails validation is a *ValidationError, ErrInvalid, and nothing is sent.
//
// Lists are iter.Seq2 iterators over every resource; a server that sends a
// page again stops the list with an error wrapping ErrRepeatedPage. Page
// (UsersPage, RolesPage) is the page shape all hrbridge clients share; its
// Next is the next startIndex.
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
// The package hcmscimtest is a fake of the API, for tests and for programs
// developed without a pod.
package hcmscim
