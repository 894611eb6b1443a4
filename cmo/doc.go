// Package cmo is a client of CMO Compliance (Mitratech): its HR import web
// service, which creates, updates and deactivates users, org units and
// entities, and its user export API.
//
// The source document is Mitratech's "HR Integration Instructions"; docs/cmo.md
// in the repository lists every protocol fact this package relies on with
// its public source, and what no source says.
//
//	c, err := cmo.NewClient("https://acme.cmo-compliance.com", cmo.WithLogin(login, password))
//	res, err := c.ImportUsers(ctx, []cmo.User{{
//		LoginName: "JSmith",
//		FirstName: cmo.Some("John"),
//		LastName:  cmo.Some("Smith"),
//		UserRole:  cmo.Some("Super User"),
//	}})
//	for u, err := range c.ExportUsers(ctx, cmo.ExportQuery{From: since}) { ... }
//
// # The import
//
// HRImport.asmx is a SOAP 1.1 (ASMX) service in the namespace
// http://cmoglobal/WebServices/. Each operation takes the login, the
// password and an xmlData payload holding the records. ImportUsers and
// UpdateUsers send users, ImportOrgUnits org units, ImportEntities entities,
// many per call (WithBatchSize), and return an ImportResult: CMO's outcome
// (True, False or "Partially completed"), the counts of its log, and what
// happened to each record, with CMO's messages. An import succeeds when CMO
// says it saved every record and its counts agree, whatever its outcome
// word (the seed's own successful import answers "Partially completed");
// otherwise the result comes with an *ImportError naming the records not
// saved, or not confirmed.
//
// CMO matches records by key (LoginName, OrgName, EntityName) and leaves a
// field it is not sent unchanged. The models tell "not given" from "given
// empty" with Opt: a zero Opt is not sent, Some("") is sent empty. Every
// record is validated before anything is sent, and every problem of every
// record is reported at once (*ValidationError).
//
// No public WSDL exists. internal/hrimport/HRImport.wsdl is written from the
// seed, with comments saying what is inferred, and the request and response
// models are generated from it with gowsdl v0.5.0 (see generate.go). What the
// seed leaves open is a visible choice: the entities operation's name, a
// guess to check against the tenant's HRImport.asmx?WSDL
// (WithEntitiesOperation), xmlData sent inline or as an escaped string
// (WithXMLDataAsString), the users payload wrapped as in the example call or
// as in the schema (WithBareUsersPayload), Yes/No or True/False
// (WithBoolWords).
//
// # The export
//
// ExportUsers reads GET /api/export/exportusers page after page (at most 300
// users a page) with a JWT from POST /api/token, renewed shortly before its
// exp claim says it expires, and once more when the API answers 401.
// ExportUsersPage reads one page, for a caller that checkpoints.
//
// # Errors
//
// A call CMO refused or failed is an *APIError, the type every hrbridge
// package shares, and matches the shared sentinels: ErrUnauthorized (the
// login refused, in a result document or with 401), ErrNotFound (404, an
// operation the service does not have), ErrUnavailable (5xx, no answer),
// ErrUnexpectedContent (an HTML page where SOAP or JSON was expected), ...
// Records that fail validation give a *ValidationError (ErrInvalid) and
// nothing is sent. The import's own errors are *ImportError
// (ErrImportFailed, ErrCountMismatch) and *RecordError (ErrRejected,
// ErrUnconfirmed, and the reasons CMO gives: ErrOrgUnitNotFound, ...).
//
// # Secrets
//
// The login, the password, user passwords and tokens never appear in an
// error or a log record of this package.
//
// The package cmotest is a fake CMO tenant, for tests and for programs.
package cmo
