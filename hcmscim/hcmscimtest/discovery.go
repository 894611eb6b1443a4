package hcmscimtest

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/hrbridge/hrbridge/hcmscim"
)

// The RFC 7643 URNs of the discovery resources. The fake uses them in both
// dialects: Oracle documents no URN of its own for them.
const (
	resourceTypeSchema = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	schemaSchema       = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	spcSchema          = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
)

// discovery answers GET /ServiceProviderConfig, /ResourceTypes[/name] and
// /Schemas[/urn] (RFC 7644 section 4), describing what the fake serves.
func (s *Server) discovery(kind, id string, q url.Values) (int, any, string, *scimError) {
	var all []*jsonObject
	switch kind {
	case "ServiceProviderConfig":
		if id != "" {
			break
		}
		return http.StatusOK, s.serviceProviderConfig(), "", nil
	case "ResourceTypes":
		all = s.resourceTypes()
	case "Schemas":
		all = s.schemas()
	}
	if id == "" && kind != "ServiceProviderConfig" {
		start, count, serr := s.paging(q)
		if serr != nil {
			return 0, nil, "", serr
		}
		return http.StatusOK, s.listAnswer(len(all), start, count, func(i int) any { return all[i] }), "", nil
	}
	for _, o := range all {
		if strings.EqualFold(o.vals["id"].(string), id) {
			return http.StatusOK, o, "", nil
		}
	}
	return 0, nil, "", errorf(http.StatusNotFound, "", "no resource at /%s/%s", kind, id)
}

func (s *Server) serviceProviderConfig() *jsonObject {
	supported := func(b bool) *jsonObject { return newObject().set("supported", b) }
	schemes := []any{
		newObject().set("type", "httpbasic").set("name", "HTTP Basic").set("description", "User name and password"),
		newObject().set("type", "oauthbearertoken").set("name", "OAuth Bearer Token").set("description", "An OAuth bearer token, or an Oracle Fusion JWT"),
	}
	return newObject().set("schemas", []string{spcSchema}).
		set("patch", supported(true)).
		set("bulk", supported(true).set("maxOperations", s.maxBulkOps).set("maxPayloadSize", maxRequestBody)).
		set("filter", supported(true).set("maxResults", s.maxCount)).
		set("changePassword", supported(true)).
		set("sort", supported(false)).
		set("etag", supported(false)).
		set("authenticationSchemes", schemes).
		set("meta", newObject().set("resourceType", "ServiceProviderConfig").set("location", s.base+"/ServiceProviderConfig"))
}

func (s *Server) resourceTypes() []*jsonObject {
	rt := func(name, endpoint, schema, desc string) *jsonObject {
		return newObject().set("schemas", []string{resourceTypeSchema}).set("id", name).set("name", name).
			set("endpoint", endpoint).set("description", desc).set("schema", schema)
	}
	user := rt("User", "/Users", s.coreURN(), "User Account").
		set("schemaExtensions", []any{newObject().set("schema", hcmscim.FAUserSchema).set("required", false)})
	role := rt("Role", "/Roles", hcmscim.RoleSchema, "Role (Oracle Fusion)")
	for _, o := range []*jsonObject{user, role} {
		o.set("meta", newObject().set("resourceType", "ResourceType").set("location", s.base+"/ResourceTypes/"+o.vals["id"].(string)))
	}
	return []*jsonObject{user, role}
}

// attr describes an attribute as RFC 7643 section 7 does.
func attr(name, typ string, multi, required bool, mutability, returned string, subs ...*jsonObject) *jsonObject {
	o := newObject().set("name", name).set("type", typ).set("multiValued", multi).set("description", "").
		set("required", required)
	if typ == "string" {
		o.set("caseExact", false)
	}
	o.set("mutability", mutability).set("returned", returned).set("uniqueness", "none")
	if len(subs) > 0 {
		o.set("subAttributes", subs)
	}
	return o
}

func (s *Server) schemas() []*jsonObject {
	str := func(name string) *jsonObject { return attr(name, "string", false, false, "readWrite", "default") }
	ro := func(name string) *jsonObject { return attr(name, "string", false, false, "readOnly", "default") }
	userName := attr("userName", "string", false, true, "readWrite", "default")
	userName.set("uniqueness", "server")
	user := []*jsonObject{
		userName,
		attr("name", "complex", false, false, "readWrite", "default", str("givenName"), str("familyName"), str("middleName"), str("formatted")),
		str("displayName"),
		str("preferredLanguage"),
		attr("active", "boolean", false, false, "readWrite", "default"),
		attr("password", "string", false, false, "writeOnly", "never"),
		attr("emails", "complex", true, false, "readWrite", "default", str("value"), str("type"), attr("primary", "boolean", false, false, "readWrite", "default")),
		attr("roles", "complex", true, false, "readOnly", "default", ro("value"), ro("display")),
	}
	fa := []*jsonObject{
		attr("workerInformation", "complex", false, false, "readOnly", "default",
			ro("personNumber"), ro("manager"), ro("job"), ro("businessUnit"), ro("department")),
		str("userCategory"),
		ro("accountType"),
	}
	role := []*jsonObject{
		attr("name", "string", false, true, "readOnly", "default"),
		ro("displayName"), ro("description"), ro("category"),
		attr("members", "complex", true, false, "readWrite", "default", attr("value", "string", false, true, "immutable", "default")),
	}
	schema := func(id, name, desc string, attrs []*jsonObject) *jsonObject {
		return newObject().set("schemas", []string{schemaSchema}).set("id", id).set("name", name).set("description", desc).
			set("attributes", attrs).set("meta", newObject().set("resourceType", "Schema").set("location", s.base+"/Schemas/"+id))
	}
	return []*jsonObject{
		schema(s.coreURN(), "User", "User Account", user),
		schema(hcmscim.FAUserSchema, "faUser", "Oracle Fusion Applications user extension (field names from Oracle's samples)", fa),
		schema(hcmscim.RoleSchema, "Role", "Oracle Fusion role", role),
	}
}
