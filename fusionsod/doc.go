// Package fusionsod is a client for Oracle Fusion's Advanced Access
// Controls REST API (Risk Management, /fscmRestApi/resources/11.13.18.05):
// the segregation-of-duties (SoD) analysis of a role request before the
// roles are granted, the approval of accepted conflicts, and the access
// incidents where the justification is recorded. It follows the three steps
// of "Segregation of Duties (SoD)" in Oracle's tutorial "Integrate Oracle
// HCM Cloud with Entitlement Management Systems"; the facts it relies on,
// with their sources, are in docs/fusionsod.md of this repository.
//
//   - Analysis: RunAnalysis (runUserProvisioningAnalysis: a user and role
//     codes, each with its data access: BUSINESS_UNIT, LEDGER_SET,
//     DATA_ACCESS_SET, ASSET_BOOK, REFERENCE_DATA_SET), Wait (getRequestStatus
//     polled with a doubling back-off, bounded by WithPolling and the
//     context), Conflicts and ConflictsPage (the finder
//     getUserProvisioningAnalysisIncidents, every page of ADF limit, offset
//     and hasMore) as typed Conflicts; Analyse does the three. A Failed
//     analysis, one that does not end and an unknown status are three
//     errors: ErrAnalysisFailed, ErrAnalysisTimeout, ErrUnknownStatus.
//   - CheckRoles: the provisioning rules check (runUserRoleCheck).
//   - Approve: approveProvisioningRequest for the roles whose conflicts were
//     accepted.
//   - Incidents: a control's incidents (Incidents, IncidentsPage),
//     UpdateIncident (Status and investigator), AddComment (UserComment, at
//     most 2,000 characters: a longer text is refused before sending).
//   - Gate: the tutorial's third step. Gate.Decide analyses an access
//     request and decides each role: Grant (no conflict), Approved (an
//     Approver accepted its conflicts; Fusion approved them; the
//     justification is on the incidents), Deny, NeedsApproval or
//     Undecided. Only Grant and Approved grant. Gate.DecideAll decides many
//     requests, a bounded number at once. An Outcome prints as reasons and
//     stores as JSON.
//
// # The tutorial and the reference
//
// The tutorial and Oracle's REST reference disagree on three points. The
// client reads both forms in every answer; for what it sends it defaults to
// the reference, which is Oracle's current contract (the 24c and 25c
// reference pages) and what the public clients of the API send, where the
// tutorial is a single worked example with a visibly hand-edited sample
// (its result body lacks a quote):
//
//   - the map of roles is provisioningInfo in the reference,
//     roleAndAttributes in the tutorial: WithRolesField, default
//     RolesFieldReference;
//   - requestId is a number in the reference ({"requestId": 1}), a string in
//     the tutorial ({"requestId": "1"}): WithRequestIDForm, default
//     IDNumber; the answer {"result": ...} is read in either form;
//   - the status is Queued, Started, Completed or Failed in the reference,
//     "Job Completed>" in the tutorial: both are read (ParseStatus), and
//     WithStatusText teaches the client a pod's other texts.
//
// Where the documents are silent the client chooses, and says so: each
// approvedRoles item is {"roleCode": code} (WithApprovedRoleKey changes the
// key; the reference documents only "object"); values in finders and in the
// q filter of incidents are written between double quotes with \ escapes
// when they hold spaces, quotes or separators.
//
// Quick start:
//
//	c, err := fusionsod.NewClient("https://acme.fa.us2.oraclecloud.com",
//		fusionsod.WithFusionJWT(issuer, "SOD_INTEGRATION", key, cert))
//	g, err := fusionsod.NewGate(c, fusionsod.WithApprover(processOwners))
//	o, err := g.Decide(ctx, fusionsod.AccessRequest{User: "AP_Manager", Roles: []fusionsod.RoleRequest{
//		{Code: "AP_PAYER", DataAccess: []fusionsod.DataAccess{{Kind: fusionsod.BusinessUnit, Value: "Vision China"}}},
//	}})
//	fmt.Println(o)          // one line per role, with its reason
//	grant(o.Granted())      // never a role denied or undecided
//
// The package fusionsodtest is a fake of the API for tests.
package fusionsod
