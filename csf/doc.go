// Package csf is a client of the UserManager endpoint of the Identity
// Manager of Microsoft Connected Services Framework (CSF) 2.5 / 3.0, the
// SOAP service that creates, reads, updates and deletes users, checks group
// membership and sets passwords. The same methods are served by the
// aggregate IdentityManager endpoint.
//
//	c, err := csf.NewClient("https://csf.example.com/IdentityManager/UserManager.asmx",
//		csf.WithUsernameToken(user, password))
//	err = c.CreateUser(ctx, csf.CreateUserRequest{
//		UserID: "test1@csf.com", OrganizationID: "Customer-TestCustomer.com", Password: pw,
//		Properties: csf.Properties{}.Set(csf.PropCompany, "Amazon"),
//	})
//	for u, err := range c.ReadUsers(ctx, csf.Query{Filter: csf.Eq("samaccountname", "testmonkey1")}) { ... }
//
// The source document is MSDN's "Identity Manager connector - UserManager
// endpoint" (https://msdn.microsoft.com/en-us/library/aa306129.aspx); the
// facts this package relies on, with their sources, are in docs/csf.md. No
// public WSDL exists: wsdl/UserManager.wsdl is written from the document,
// and the request and response models are generated from it with gowsdl
// (see generate.go), then sent through hrbridge's own SOAP layer.
//
// # The nine methods
//
// CreateUser, DeleteUser, ReadUser, ReadUsers (with ReadUsersPage),
// UpdateUser, UpdateUsers, UserInGroup, UpdatePassword and SetPassword each
// send a RequestContext and check that the response echoes it. A ResultCode
// other than 0 is an *APIError whose Code is the number and whose sentinels
// say what it means: ErrValidation (30000), ErrSystem (30001),
// ErrUserExists (30008), ErrGroupNotFound (30010), ErrUserNotFound (30011),
// ErrBadSuffix (30014), ErrOrganizationNotFound (30015), ErrCredentials
// (30021), ErrDomainController (30029), ErrResultCode for any other; each is
// also one of the shared sentinels (ErrInvalid, ErrUnavailable, ErrConflict,
// ErrNotFound, ErrUnauthorized). Reads are retried on 30001 and 30029;
// writes never are. EnsureUser creates a user or, when it exists, brings its
// properties up to date, so that a CreateUser retried after a lost answer
// is harmless.
//
// # What was taken as written, what was inferred
//
// Taken as written from the document's samples: the request elements
// (UserManagerCreate, UserManagerReadUsers, ...), their children and
// order; the namespaces, csf/20 for the five methods of CSF 2.0 and csf/21
// for the four CSF 2.5 added, as each sample has it; RequestContext inside
// UserAccount for ReadUser and UpdateUser and at the top elsewhere;
// OrganizationName as an attribute of ReadUsers and UpdateUsers and as an
// element of UpdatePassword and SetPassword; the two property shapes
// (PropertyElement with one Value in the 2.0 methods, Property with Values
// and an OperationType attribute in the 2.5 ones); the filter set with
// FilterMatch xsi:type="EqualityMatch" in the csf/21 Utilities namespace;
// PagingInfo's fields; ServerTimeLimitInSecs="-1" in ReadUsers.
//
// Inferred, where the document is silent: every response (the document has
// no response sample; the client reads RequestContext, ResultCode,
// ResultMessage and the data whatever the response element is called); the
// matches other than EqualityMatch and the OR and NOT groups (named after
// LDAP's); a multi-valued property in a 2.0 method sent as one
// PropertyElement per value, the later ones as Append; the SOAPAction
// (namespace/method); how the caller authenticates: a WS-Security
// UsernameToken (WithUsernameToken), as WSE 2.0 services take it, or HTTP
// Basic (WithBasicAuth), with WS-Addressing headers.
//
// Where the document contradicts itself: it uses two namespaces for one
// endpoint (WithNamespace sends every method in one, for an installation
// that does); it places RequestContext in two places; its CreateUser sample
// is not well-formed XML ("/PropertyElement>"), and its samples are indented
// with no-break spaces, which are text, not XML white space; the UserInGroup
// response is called both UserInGroupResponse and CheckuserInGroupResponse.
// The golden tests compare the client's requests with every sample
// (CreateUser's repaired).
//
// # Secrets
//
// The caller's password and the users' passwords never appear in an error or
// a log record of this package.
//
// The package csftest is a fake UserManager endpoint for tests.
package csf
