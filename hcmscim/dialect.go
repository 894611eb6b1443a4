package hcmscim

import (
	"fmt"
	"slices"
	"strings"
)

// Dialect is the flavour of SCIM a server speaks.
type Dialect int

const (
	// DialectAuto asks the server: the first time the client needs to know,
	// it reads the answer to a list request (its own or one the caller made)
	// and picks DialectStandard if the answer is an RFC 7644 ListResponse
	// (its schemas name urn:ietf:params:scim:api:messages:2.0:ListResponse
	// or it carries totalResults), DialectOracle otherwise. The choice is
	// kept for the life of the client.
	DialectAuto Dialect = iota
	// DialectOracle is Oracle Fusion's SCIM: old-style schema URNs
	// (urn:scim:schemas:core:2.0:User), list answers without totalResults
	// (paging stops at a short page), PATCH bodies that are partial
	// resources, role members changed with "operation": "ADD" / "REMOVE",
	// and Bulk statuses of the form {"code": "500", "description": "..."}.
	DialectOracle
	// DialectStandard is RFC 7643/7644: urn:ietf:params:scim URNs,
	// ListResponse with totalResults, PATCH with PatchOp operations, Bulk
	// with BulkRequest and BulkResponse messages. Roles keep Oracle's Role
	// resource at /Roles (RFC 7643 defines none); their members are changed
	// with PatchOp "add" and "remove" on "members".
	DialectStandard
)

func (d Dialect) String() string {
	switch d {
	case DialectAuto:
		return "auto"
	case DialectOracle:
		return "oracle"
	case DialectStandard:
		return "standard"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// Schema URNs.
const (
	// OracleUserSchema is the core User schema of Oracle's SCIM.
	OracleUserSchema = "urn:scim:schemas:core:2.0:User"
	// StandardUserSchema is the core User schema of RFC 7643.
	StandardUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
	// FAUserSchema is Oracle's Fusion Applications user extension.
	FAUserSchema = "urn:scim:schemas:extension:fa:2.0:faUser"
	// RoleSchema is Oracle's Role resource.
	RoleSchema = "urn:oracle:apps:scim:schemas:fa:1.0:Role"
	// OracleBulkSchema is the schema Oracle names in Bulk answers.
	OracleBulkSchema = "urn:scim:schemas:core:2.0:Bulk"
	// ListResponseSchema, PatchOpSchema, BulkRequestSchema,
	// BulkResponseSchema and ErrorSchema are the messages of RFC 7644.
	ListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	PatchOpSchema      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	BulkRequestSchema  = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
	BulkResponseSchema = "urn:ietf:params:scim:api:messages:2.0:BulkResponse"
	ErrorSchema        = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// userSchemas returns the schemas a user body names in dialect d.
func userSchemas(d Dialect, withFA bool) []string {
	core := OracleUserSchema
	if d == DialectStandard {
		core = StandardUserSchema
	}
	if withFA {
		return []string{core, FAUserSchema}
	}
	return []string{core}
}

// listHead is the part of a list answer that is not the resources.
type listHead struct {
	Schemas      []string `json:"schemas"`
	TotalResults Opt[int] `json:"totalResults,omitzero"`
	ItemsPerPage int      `json:"itemsPerPage"`
	StartIndex   int      `json:"startIndex"`
}

func (h *listHead) dialect() Dialect {
	if h.TotalResults.IsSet() || slices.ContainsFunc(h.Schemas, func(s string) bool { return strings.EqualFold(s, ListResponseSchema) }) {
		return DialectStandard
	}
	return DialectOracle
}
