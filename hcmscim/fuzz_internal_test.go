package hcmscim

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/internal/transport"
)

// FuzzListResponse feeds list answers to the decoder and the paging logic:
// nothing panics, and a page either ends the list or moves forward.
func FuzzListResponse(f *testing.F) {
	f.Add([]byte(`{ "itemsPerPage": 2, "startIndex": 1, "Resources": [ { "id": "FE8B6B1DE81A22FFE053A3561BACA0B5", "meta": { "resourceType": "User", "created": "2023-06-30 18:05:51.000", "lastModified": "2023-07-04 09:07:17.000" }, "schemas": [ "urn:scim:schemas:core:2.0:User", "urn:scim:schemas:extension:fa:2.0:faUser" ], "userName": "Mary.King", "active": true, "urn:scim:schemas:extension:fa:2.0:faUser": { "workerInformation": { "personNumber": "966169008890236", "manager": "null" }, "userCategory": "DEFAULT", "accountType": "Person" } } ] }`), 1, 2)
	f.Add([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3,"itemsPerPage":1,"startIndex":3,"Resources":[{"id":"x","meta":{"created":"2023-07-10T21:21:08.361Z"}}]}`), 3, 1)
	f.Add([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":9,"itemsPerPage":1,"startIndex":2,"Resources":[{"id":"y","roles":[{"value":"ORA_X","display":"X"}]}]}`), 2, 5)
	f.Add([]byte(`{"Resources":[]}`), 1, 100)
	f.Add([]byte(`{"startIndex":"1"}`), 1, 1)
	f.Add([]byte(`{"Resources":[{"meta":{"created":"yesterday"}}]}`), 1, 1)
	f.Fuzz(func(t *testing.T, data []byte, start, count int) {
		if start < 1 || count < 1 || start > 1<<30 || count > 1<<20 {
			return
		}
		var lr listResponse[User]
		if err := json.Unmarshal(data, &lr); err != nil {
			return
		}
		page, err := pageOf("UsersPage", "Users", &lr, start, count)
		if err != nil {
			return
		}
		if page.Next != "" && page.Next != strconv.Itoa(start+len(page.Items)) {
			t.Fatalf("next %s after %d resources from %d", page.Next, len(page.Items), start)
		}
		if page.Next != "" && len(page.Items) == 0 {
			t.Fatal("an empty page does not end the list")
		}
		if total, ok := lr.TotalResults.Get(); (ok && page.Total != total) || (!ok && page.Total != -1) {
			t.Fatalf("total %d from %v", page.Total, lr.TotalResults)
		}
		_ = pageKey(page.Items)
		_ = lr.dialect()
	})
}

// FuzzBulkResponse feeds Bulk answers to the decoder and the matching of
// results to operations: every operation gets exactly one outcome.
func FuzzBulkResponse(f *testing.F) {
	f.Add([]byte(`{ "schemas": [ "urn:scim:schemas:core:2.0:Bulk" ], "Operations": [ { "location": "https://x/hcmRestApi/scim/Users/FE8B", "method": "PATCH", "bulkId": "clientBulkId1", "status": { "code": "200" } }, { "location": "https://x/hcmRestApi/scim/Users/FE8B", "method": "PATCH", "bulkId": "clientBulkId1", "status": { "code": "500", "description": "PER_IIP_2410-Error occured while updating MasteredIn Flag" } } ] }`), true)
	f.Add([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkResponse"],"Operations":[{"bulkId":"b","method":"POST","status":"409","response":{"scimType":"uniqueness","detail":"taken","status":"409"}},{"bulkId":"a","status":201}]}`), false)
	f.Add([]byte(`{"Operations":[{"status":{"code":true}},{"status":null},{}]}`), false)
	f.Add([]byte(`{"Operations":[]}`), true)
	f.Fuzz(func(t *testing.T, data []byte, sameIDs bool) {
		var resp bulkResponse
		if err := json.Unmarshal(data, &resp); err != nil {
			return
		}
		ops := []BulkOp{
			PatchUserOp("a", "U1", UserPatch{UserName: Some("x")}),
			PatchUserOp("b", "U1", UserPatch{Active: Some(false)}),
			CreateUserOp("c", User{UserName: "y"}),
		}
		if sameIDs {
			for i := range ops {
				ops[i].BulkID = "clientBulkId1"
			}
		}
		results := make([]BulkResult, len(ops))
		for i := range results {
			results[i] = BulkResult{Index: i}
		}
		matchBulk(ops, results, &resp)
		for i, r := range results {
			switch {
			case r.Err == nil && (r.Status < 200 || r.Status > 299):
				t.Fatalf("operation %d: success with status %d", i, r.Status)
			case r.Err != nil:
				var ae *APIError
				if !errors.As(r.Err, &ae) && !errors.Is(r.Err, ErrNoResult) {
					t.Fatalf("operation %d: error %v is neither an APIError nor ErrNoResult", i, r.Err)
				}
				_ = r.Err.Error()
			}
		}
	})
}

// FuzzErrorBody feeds error answers to the decoder of SCIM errors: nothing
// panics, the error keeps its status, and its text has one prefix.
func FuzzErrorBody(f *testing.F) {
	f.Add([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"scimType":"invalidFilter","detail":"bad","status":"400"}`), 400, "application/json")
	f.Add([]byte(`{"Errors":[{"code":"500","description":"PER_IIP_2410-Error occured while updating MasteredIn Flag"}]}`), 500, "application/json")
	f.Add([]byte(`<!DOCTYPE html><html><head><title>Sign In</title></head></html>`), 401, "text/html")
	f.Add([]byte(`{"detail":`), 503, "")
	f.Fuzz(func(t *testing.T, body []byte, status int, contentType string) {
		if status < 400 || status > 599 {
			return
		}
		he := &transport.HTTPError{Method: "GET", URL: "https://x/hcmRestApi/scim/Users", StatusCode: status,
			Header: http.Header{"Content-Type": {contentType}}, Body: body}
		err := errorOf("GetUser", he)
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != status {
			t.Fatalf("%v", err)
		}
		if s := err.Error(); !strings.HasPrefix(s, "hcmscim: GetUser: ") || len(ae.Message) > 600 {
			t.Fatalf("text %q", s)
		}
	})
}
