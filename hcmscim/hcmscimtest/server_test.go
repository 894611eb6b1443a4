package hcmscimtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

// call sends a raw request to the fake and returns the status and body.
func call(t *testing.T, srv *hcmscimtest.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL+hcmscim.DefaultPath+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(srv.Username, srv.Password)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s: answer %q is not JSON", method, path, b)
		}
	}
	return resp.StatusCode, out
}

func newFake(t *testing.T, opts ...hcmscimtest.Option) (*hcmscimtest.Server, string) {
	srv := hcmscimtest.NewServer(t, opts...)
	u := srv.AddUser(hcmscim.User{UserName: "Joe.Green", Emails: []hcmscim.Email{hcmscim.WorkEmail("joe@w.example"), {Value: "joe@h.example", Type: "H"}},
		FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: "1"}}})
	return srv, u.ID
}

func TestOracleShapes(t *testing.T) {
	srv, id := newFake(t)
	status, out := call(t, srv, "GET", "/Users?filter="+url.QueryEscape(`personNumber eq "1"`), "")
	if status != 200 || out["totalResults"] != nil || out["schemas"] != nil || out["itemsPerPage"] != 1.0 || out["startIndex"] != 1.0 {
		t.Errorf("list answer %d %v", status, out)
	}
	res := out["Resources"].([]any)[0].(map[string]any)
	meta := res["meta"].(map[string]any)
	if _, err := hcmscim.ParseTime(meta["created"].(string)); err != nil || !strings.Contains(meta["created"].(string), " ") {
		t.Errorf("created %v", meta["created"])
	}
	fa := res[hcmscim.FAUserSchema].(map[string]any)
	if w := fa["workerInformation"].(map[string]any); w["manager"] != "null" || w["department"] != "null" || fa["userCategory"] != "DEFAULT" {
		t.Errorf("faUser %v", fa)
	}
	// attributes keeps id and what was asked.
	_, out = call(t, srv, "GET", "/Users?attributes=userName,"+url.QueryEscape(hcmscim.FAUserSchema+":workerInformation.personNumber"), "")
	res = out["Resources"].([]any)[0].(map[string]any)
	if res["id"] != id || res["userName"] != "Joe.Green" || res[hcmscim.FAUserSchema] == nil || res["emails"] != nil || res["meta"] != nil {
		t.Errorf("projected %v", res)
	}
	// count=0 returns no resources; a start past the end an empty page.
	if _, out = call(t, srv, "GET", "/Users?count=0", ""); len(out["Resources"].([]any)) != 0 {
		t.Errorf("count=0: %v", out)
	}
	if _, out = call(t, srv, "GET", "/Users?startIndex=5", ""); len(out["Resources"].([]any)) != 0 || out["startIndex"] != 5.0 {
		t.Errorf("startIndex=5: %v", out)
	}
	if status, out = call(t, srv, "GET", "/Users?count=x", ""); status != 400 || out["scimType"] != "invalidValue" {
		t.Errorf("count=x: %d %v", status, out)
	}
}

func TestPatchRules(t *testing.T) {
	srv, id := newFake(t)
	for _, tc := range []struct {
		body     string
		status   int
		scimType string
	}{
		{`{"schemas":["urn:scim:schemas:core:2.0:User"],"nickName":"J"}`, 400, "invalidPath"},
		{`{"schemas":["urn:scim:schemas:core:2.0:User"],"urn:scim:schemas:extension:fa:2.0:faUser":{"workerInformation":{"personNumber":"2"}}}`, 400, "mutability"},
		{`{"userName":"x"}`, 400, "invalidSyntax"},
		{`{"schemas":["urn:scim:schemas:core:2.0:User"],"active":"no"}`, 400, "invalidValue"},
		{`{"schemas":["urn:scim:schemas:core:2.0:User"],"emails":[{"value":"nope","type":"W"}]}`, 400, "invalidValue"},
		{`[1]`, 400, "invalidSyntax"},
		{`{"schemas":["urn:scim:schemas:core:2.0:User"],"urn:scim:schemas:extension:fa:2.0:faUser":{"userCategory":"EMS"},"id":"ignored"}`, 200, ""},
	} {
		status, out := call(t, srv, "PATCH", "/Users/"+id, tc.body)
		if status != tc.status || (tc.scimType != "" && out["scimType"] != tc.scimType) {
			t.Errorf("%s: %d %v, want %d %s", tc.body, status, out, tc.status, tc.scimType)
		}
	}
	if u, _ := srv.User(id); u.FA.UserCategory != "EMS" || u.FA.WorkerInformation.PersonNumber != "1" || u.ID != id {
		t.Errorf("user %+v", u)
	}
	// A refused PATCH changes nothing, even the attributes it got right.
	call(t, srv, "PATCH", "/Users/"+id, `{"schemas":["urn:scim:schemas:core:2.0:User"],"userName":"Changed","nickName":"J"}`)
	if u, _ := srv.User(id); u.UserName != "Joe.Green" {
		t.Errorf("partial PATCH applied: %q", u.UserName)
	}
	// Roles: only members change, with ADD or REMOVE.
	role := srv.AddRole(hcmscim.Role{Name: "R"})
	for body, want := range map[string]int{
		`{"schemas":["urn:oracle:apps:scim:schemas:fa:1.0:Role"],"members":[{"value":"` + id + `","operation":"add"}]}`: 400,
		`{"schemas":["urn:oracle:apps:scim:schemas:fa:1.0:Role"],"displayName":"X"}`:                                    400,
		`{"schemas":["urn:oracle:apps:scim:schemas:fa:1.0:Role"],"members":[{"value":"` + id + `","operation":"ADD"}]}`: 204,
	} {
		if status, out := call(t, srv, "PATCH", "/Roles/"+role.ID, body); status != want {
			t.Errorf("%s: %d %v", body, status, out)
		}
	}
}

func TestStandardPatchOp(t *testing.T) {
	srv, id := newFake(t, hcmscimtest.WithDialect(hcmscim.DialectStandard))
	body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
		{"op":"remove","path":"emails[type eq \"H\"]"},
		{"op":"replace","path":"displayName","value":"Joe G."},
		{"op":"add","path":"emails","value":[{"value":"joe@o.example","type":"other"}]}]}`
	if status, out := call(t, srv, "PATCH", "/Users/"+id, body); status != 200 {
		t.Fatalf("%d %v", status, out)
	}
	u, _ := srv.User(id)
	if u.DisplayName != "Joe G." || len(u.Emails) != 2 || u.Emails[0].Type != "W" || u.Emails[1].Type != "other" {
		t.Errorf("user %+v", u)
	}
	for _, bad := range []string{
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"move","path":"userName"}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove"}]}`,
		`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}`,
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"x"}`,
	} {
		if status, _ := call(t, srv, "PATCH", "/Users/"+id, bad); status != 400 {
			t.Errorf("%s: %d", bad, status)
		}
	}
	_, out := call(t, srv, "GET", "/Users", "")
	if out["totalResults"] != 1.0 || out["schemas"].([]any)[0] != hcmscim.ListResponseSchema {
		t.Errorf("list %v", out)
	}
}

func TestBulkLimits(t *testing.T) {
	srv, id := newFake(t, hcmscimtest.WithMaxBulkOperations(2))
	op := `{"method":"PATCH","path":"/Users/` + id + `","bulkId":"b","data":{"schemas":["urn:scim:schemas:core:2.0:User"],"displayName":"x"}}`
	if status, out := call(t, srv, "POST", "/Bulk", `{"Operations":[`+op+`,`+op+`,`+op+`]}`); status != 413 || out["scimType"] != "tooMany" {
		t.Errorf("3 operations: %d %v", status, out)
	}
	bad := `{"method":"PATCH","path":"/Users/NOPE","bulkId":"n","data":{"schemas":["urn:scim:schemas:core:2.0:User"],"displayName":"x"}}`
	status, out := call(t, srv, "POST", "/Bulk", `{"failOnErrors":1,"Operations":[`+bad+`,`+op+`]}`)
	ops := out["Operations"].([]any)
	if status != 200 || len(ops) != 1 || ops[0].(map[string]any)["status"].(map[string]any)["code"] != "404" {
		t.Errorf("failOnErrors: %d %v", status, out)
	}
	if status, _ := call(t, srv, "POST", "/Bulk", `{"Operations":[]}`); status != 400 {
		t.Errorf("no operations: %d", status)
	}
	status, out = call(t, srv, "POST", "/Bulk", `{"Operations":[{"method":"DELETE","path":"/Users/`+id+`","bulkId":"d"}]}`)
	if status != 200 || out["Operations"].([]any)[0].(map[string]any)["status"].(map[string]any)["code"] != "204" {
		t.Errorf("DELETE: %d %v", status, out)
	}
	if _, ok := srv.User(id); ok {
		t.Error("the user is still there after DELETE")
	}
}

func TestAuthentication(t *testing.T) {
	srv, _ := newFake(t)
	req, _ := http.NewRequest("GET", srv.URL+hcmscim.DefaultPath+"/Users", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("no credentials: %d", resp.StatusCode)
	}
	req.SetBasicAuth(srv.Username, "bad")
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("bad password: %d", resp.StatusCode)
	}
	req.Header.Set("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.")
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("unsigned JWT on a Basic fake: %d", resp.StatusCode)
	}
}
