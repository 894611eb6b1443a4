// Package sagepeople reads Sage People's team members from the Salesforce
// org that holds them: the HR source of a sync (the user integration's
// field list, preferences and filters, and the Salesforce protocols it
// rests on, are in docs/sagepeople.md, with their public sources).
//
// It covers what such a source needs:
//
//   - Authentication by Salesforce's OAuth 2.0 JWT bearer flow
//     (WithJWTBearer): an RS256 assertion for the connected app and the
//     integration user, sent to the login host; every later call goes to
//     the instance_url of the answer, and a session Salesforce refuses
//     (401 INVALID_SESSION_ID) is replaced once. Or the caller's own token
//     and instance URL (WithTokenSource).
//   - TeamMember: every field of the integration's list (addresses, city,
//     country, e-mail, employment active and name, end date, names, HR
//     department, id, job title, postal code, region, start date, work
//     location) from fHCM2__Team_Member__c and its current
//     fHCM2__Employment__c, the manager, and a tenant's own fields by name
//     (WithCustomFields). Field names are an option (WithFields).
//   - TeamMembers, an iterator over REST query pages (nextRecordsUrl until
//     done), or over the CSV result sets of a Bulk API 2.0 query job
//     (Sforce-Locator, gzip) for lists above a threshold; TeamMembersPage
//     for callers who checkpoint; Deleted for queryAll.
//   - A SOQL builder (Eq, In, Like, And, Or, ...) that escapes every
//     literal, so that no value can change what a query means.
//   - Sync: the members changed since a stored cursor (SystemModstamp,
//     then Id), which never skips members that share a time stamp at a
//     page edge, in a CursorStore (FileStore, MemoryStore).
//
// Salesforce's error arrays come as *APIError with the errorCode in Code
// (MALFORMED_QUERY, INVALID_FIELD, REQUEST_LIMIT_EXCEEDED, ...), the token
// endpoint's OAuth errors (invalid_grant, ...) as ErrUnauthorized
// *APIErrors, and a record that cannot be read as a *RecordError naming the
// record and the field, while the list goes on.
//
// Quick start:
//
//	c, err := sagepeople.NewClient("https://acme.my.salesforce.com",
//		sagepeople.WithJWTBearer(consumerKey, "integration@acme.com", sagepeople.LoginAudience, key))
//	for m, err := range c.TeamMembers(ctx, sagepeople.Query{
//		Where: sagepeople.Eq("fHCM2__Employment_Status__c", "Current"),
//	}) {
//		...
//	}
//
// The package sagepeopletest is a fake of the org for tests.
package sagepeople
