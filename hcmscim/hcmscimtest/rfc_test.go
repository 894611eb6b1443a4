package hcmscimtest_test

import (
	"net/url"
	"testing"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

// dialects runs f on a fake of each dialect.
func dialects(t *testing.T, f func(t *testing.T, d hcmscim.Dialect)) {
	for _, d := range []hcmscim.Dialect{hcmscim.DialectOracle, hcmscim.DialectStandard} {
		t.Run(d.String(), func(t *testing.T) { f(t, d) })
	}
}

// coreURN is the User schema of dialect d.
func coreURN(d hcmscim.Dialect) string {
	if d == hcmscim.DialectStandard {
		return hcmscim.StandardUserSchema
	}
	return hcmscim.OracleUserSchema
}

func TestDiscovery(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, _ := newFake(t, hcmscimtest.WithDialect(d))
		core := coreURN(d)
		status, out := call(t, srv, "GET", "/ResourceTypes", "")
		if status != 200 || len(out["Resources"].([]any)) != 2 {
			t.Fatalf("ResourceTypes: %d %v", status, out)
		}
		user := out["Resources"].([]any)[0].(map[string]any)
		if user["endpoint"] != "/Users" || user["schema"] != core || user["schemaExtensions"].([]any)[0].(map[string]any)["schema"] != hcmscim.FAUserSchema {
			t.Errorf("User resource type %v", user)
		}
		if d == hcmscim.DialectStandard && (out["totalResults"] != 2.0 || out["schemas"].([]any)[0] != hcmscim.ListResponseSchema) {
			t.Errorf("RFC list %v", out)
		}
		status, out = call(t, srv, "GET", "/Schemas", "")
		if status != 200 || len(out["Resources"].([]any)) != 3 {
			t.Fatalf("Schemas: %d %v", status, out)
		}
		status, out = call(t, srv, "GET", "/Schemas/"+url.PathEscape(core), "")
		if status != 200 || out["id"] != core {
			t.Fatalf("Schemas/%s: %d %v", core, status, out)
		}
		attrs := map[string]map[string]any{}
		for _, a := range out["attributes"].([]any) {
			attrs[a.(map[string]any)["name"].(string)] = a.(map[string]any)
		}
		if attrs["userName"]["required"] != true || attrs["name"]["required"] != false || attrs["active"]["required"] != false || attrs["password"]["returned"] != "never" {
			t.Errorf("User schema %v", attrs)
		}
		if status, out = call(t, srv, "GET", "/ResourceTypes/Role", ""); status != 200 || out["schema"] != hcmscim.RoleSchema {
			t.Errorf("ResourceTypes/Role: %d %v", status, out)
		}
		if status, _ = call(t, srv, "GET", "/Schemas/urn:nope", ""); status != 404 {
			t.Errorf("unknown schema: %d", status)
		}
		if status, out = call(t, srv, "GET", "/ServiceProviderConfig", ""); status != 200 || out["patch"].(map[string]any)["supported"] != true ||
			out["bulk"].(map[string]any)["maxOperations"] != float64(hcmscimtest.DefaultMaxBulkOperations) {
			t.Errorf("ServiceProviderConfig: %d %v", status, out)
		}
	})
}

func TestPutAndDelete(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, id := newFake(t, hcmscimtest.WithDialect(d))
		core := coreURN(d)
		role := srv.AddRole(hcmscim.Role{Name: "R"})
		srv.GrantRole(role.ID, id)
		// PUT replaces: displayName set, emails replaced, name cleared;
		// the read-only workerInformation sent is ignored.
		body := `{"schemas":["` + core + `"],"id":"` + id + `","userName":"Joe.Green2","displayName":"Joe G","emails":[{"value":"j@x.example","type":"W"}],` +
			`"` + hcmscim.FAUserSchema + `":{"workerInformation":{"personNumber":"999"}}}`
		status, out := call(t, srv, "PUT", "/Users/"+id, body)
		if status != 200 || out["userName"] != "Joe.Green2" {
			t.Fatalf("PUT: %d %v", status, out)
		}
		u, _ := srv.User(id)
		if u.DisplayName != "Joe G" || len(u.Emails) != 1 || u.FA.WorkerInformation.PersonNumber != "1" || u.Active.IsSet() {
			t.Errorf("after PUT: %+v", u)
		}
		if status, out = call(t, srv, "PUT", "/Users/"+id, `{"schemas":["`+core+`"],"displayName":"x"}`); status != 400 || out["scimType"] != "invalidValue" {
			t.Errorf("PUT without userName: %d %v", status, out)
		}
		if status, _ = call(t, srv, "PUT", "/Users/NOPE", body); status != 404 {
			t.Errorf("PUT of no user: %d", status)
		}
		// DELETE answers 204; the user and its memberships are gone.
		if status, out = call(t, srv, "DELETE", "/Users/"+id, ""); status != 204 || out != nil {
			t.Errorf("DELETE: %d %v", status, out)
		}
		if status, _ = call(t, srv, "GET", "/Users/"+id, ""); status != 404 {
			t.Errorf("GET after DELETE: %d", status)
		}
		if r, _ := srv.Role(role.ID); len(r.Members) != 0 {
			t.Errorf("role members after DELETE: %v", r.Members)
		}
		if status, _ = call(t, srv, "DELETE", "/Users/"+id, ""); status != 404 {
			t.Errorf("second DELETE: %d", status)
		}
	})
}

func TestSearchNotImplemented(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, _ := newFake(t, hcmscimtest.WithDialect(d))
		for _, path := range []string{"/.search", "/Users/.search"} {
			status, out := call(t, srv, "POST", path, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName pr"}`)
			if status != 501 || out["schemas"].([]any)[0] != hcmscim.ErrorSchema || out["status"] != "501" {
				t.Errorf("POST %s: %d %v", path, status, out)
			}
		}
	})
}

// Error answers use RFC 7644's error message in both dialects.
func TestErrorSchema(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, _ := newFake(t, hcmscimtest.WithDialect(d))
		status, out := call(t, srv, "GET", "/Users?filter="+url.QueryEscape("nickName eq 1"), "")
		if status != 400 || out["schemas"].([]any)[0] != hcmscim.ErrorSchema || out["scimType"] != "invalidFilter" || out["status"] != "400" || out["detail"] == "" {
			t.Errorf("%d %v", status, out)
		}
	})
}

func TestRFCUserShapes(t *testing.T) {
	srv, id := newFake(t, hcmscimtest.WithDialect(hcmscim.DialectStandard))
	role := srv.AddRole(hcmscim.Role{Name: "ORA_PER_EMPLOYEE_ABSTRACT", DisplayName: "Employee"})
	srv.GrantRole(role.ID, id)
	// Roles are RFC 7643 multi-valued attributes: value and display.
	_, out := call(t, srv, "GET", "/Users/"+id, "")
	r := out["roles"].([]any)[0].(map[string]any)
	if r["value"] != "ORA_PER_EMPLOYEE_ABSTRACT" || r["display"] != "Employee" || r["displayName"] != nil || r["id"] != nil {
		t.Errorf("role item %v", r)
	}
	// excludedAttributes leaves attributes out (never id), in lists and
	// on a single resource.
	for _, path := range []string{"/Users/" + id + "?excludedAttributes=emails,name,roles,id", "/Users?excludedAttributes=emails,name,roles,id"} {
		_, out := call(t, srv, "GET", path, "")
		res := out
		if rs, ok := out["Resources"]; ok {
			res = rs.([]any)[0].(map[string]any)
		}
		if res["emails"] != nil || res["roles"] != nil || res["id"] != id || res["userName"] != "Joe.Green" {
			t.Errorf("%s: %v", path, res)
		}
	}
	// The Oracle fake keeps Oracle's role items.
	osrv, oid := newFake(t)
	orole := osrv.AddRole(hcmscim.Role{Name: "ORA_PER_EMPLOYEE_ABSTRACT", DisplayName: "Employee"})
	osrv.GrantRole(orole.ID, oid)
	_, out = call(t, osrv, "GET", "/Users/"+oid, "")
	if r := out["roles"].([]any)[0].(map[string]any); r["displayName"] != "Employee" || r["id"] != orole.ID {
		t.Errorf("Oracle role item %v", r)
	}
}

func TestPatchOpPaths(t *testing.T) {
	srv, id := newFake(t, hcmscimtest.WithDialect(hcmscim.DialectStandard))
	patch := func(ops string) (int, map[string]any) {
		return call(t, srv, "PATCH", "/Users/"+id, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[`+ops+`]}`)
	}
	// Paths qualified by their schema's URN.
	status, out := patch(`{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:displayName","value":"Joe G."},` +
		`{"op":"replace","path":"urn:scim:schemas:extension:fa:2.0:faUser:userCategory","value":"EMS"},` +
		`{"op":"replace","path":"name.givenName","value":"Joseph"},` +
		`{"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName","value":"Green"}`)
	if status != 200 {
		t.Fatalf("%d %v", status, out)
	}
	u, _ := srv.User(id)
	if u.DisplayName != "Joe G." || u.FA.UserCategory != "EMS" || u.Name.GivenName != "Joseph" || u.Name.FamilyName != "Green" {
		t.Errorf("after URN paths: %+v", u)
	}
	// name and active may be removed: the schema does not require them.
	if status, out = patch(`{"op":"remove","path":"name"},{"op":"remove","path":"urn:ietf:params:scim:schemas:core:2.0:User:active"}`); status != 200 {
		t.Fatalf("remove: %d %v", status, out)
	}
	if out["name"] != nil || out["active"] != nil {
		t.Errorf("after remove: %v", out)
	}
	u, _ = srv.User(id)
	if u.Name != (hcmscim.Name{}) || u.Active.IsSet() {
		t.Errorf("after remove: %+v", u)
	}
	for ops, scimType := range map[string]string{
		`{"op":"remove","path":"userName"}`:                                                   "mutability",
		`{"op":"remove","path":"urn:scim:schemas:extension:fa:2.0:faUser:workerInformation"}`: "mutability",
		`{"op":"replace","path":"urn:example:other:nickName","value":"J"}`:                    "invalidPath",
	} {
		if status, out := patch(ops); status != 400 || out["scimType"] != scimType {
			t.Errorf("%s: %d %v", ops, status, out)
		}
	}
}
