package hcmscim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

func TestRoles(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(d)})
		joeID := seed(srv)
		ctx := context.Background()

		r, err := c.FindRole(ctx, hrJobName)
		if err != nil {
			t.Fatal(err)
		}
		if r.ID != hrJobID || r.Category != "JOB" || r.DisplayName != "Human Resource Analyst" || !r.Meta.Created.Equal(clock) {
			t.Errorf("role %+v", r)
		}
		if got := srv.Requests()[len(srv.Requests())-1].Query.Get("filter"); got != `name eq "ORA_PER_HUMAN_RESOURCE_ANALYST_JOB"` {
			t.Errorf("filter sent %q", got)
		}
		if _, err := c.FindRole(ctx, "ORA_NO_SUCH_ROLE"); !errors.Is(err, hcmscim.ErrNotFound) {
			t.Errorf("unknown role: %v", err)
		}

		if err := c.AddRoleMembers(ctx, hrJobID, joeID, maryID); err != nil {
			t.Fatal(err)
		}
		last := srv.Requests()[len(srv.Requests())-1]
		if d == hcmscim.DialectOracle {
			sameJSON(t, "ADD body", last.Body, fmt.Sprintf(`{"schemas":["urn:oracle:apps:scim:schemas:fa:1.0:Role"],"members":[{"value":%q,"operation":"ADD"},{"value":%q,"operation":"ADD"}]}`, joeID, maryID))
		} else {
			sameJSON(t, "add body", last.Body, fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":%q},{"value":%q}]}]}`, joeID, maryID))
		}
		r, err = c.GetRole(ctx, hrJobID)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Members) != 2 || r.Members[0].Value != joeID || r.Members[1].Value != maryID {
			t.Errorf("members %+v", r.Members)
		}
		joe, _ := c.GetUser(ctx, joeID)
		if !slices.ContainsFunc(joe.Roles, func(ur hcmscim.UserRole) bool { return ur.Value == hrJobName }) {
			t.Errorf("Joe's roles %+v lack the granted role", joe.Roles)
		}
		// Adding again changes nothing and fails nothing.
		if err := c.AddRoleMembers(ctx, hrJobID, joeID); err != nil {
			t.Fatal(err)
		}
		if err := c.RemoveRoleMembers(ctx, hrJobID, joeID); err != nil {
			t.Fatal(err)
		}
		if d == hcmscim.DialectStandard {
			last = srv.Requests()[len(srv.Requests())-1]
			sameJSON(t, "remove body", last.Body, fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"%s\"]"}]}`, joeID))
		}
		if r, _ := srv.Role(hrJobID); len(r.Members) != 1 || r.Members[0].Value != maryID {
			t.Errorf("after REMOVE: %+v", r.Members)
		}
		if err := c.AddRoleMembers(ctx, hrJobID, "NOT_A_USER"); !errors.Is(err, hcmscim.ErrBadRequest) {
			t.Errorf("unknown member: %v", err)
		}
		if err := c.AddRoleMembers(ctx, "NO_ROLE", joeID); !errors.Is(err, hcmscim.ErrNotFound) {
			t.Errorf("unknown role: %v", err)
		}
		n := len(srv.Requests())
		if err := c.AddRoleMembers(ctx, hrJobID); err == nil {
			t.Error("no members: no error")
		}
		if err := c.RemoveRoleMembers(ctx, hrJobID, "a/../b"); err == nil {
			t.Error("bad member id: no error")
		}
		if len(srv.Requests()) != n {
			t.Error("bad input reached the server")
		}
		var names []string
		for r, err := range c.Roles(ctx, hcmscim.Query{Count: 1}) {
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, r.Name)
		}
		if len(names) != 2 {
			t.Errorf("roles %v", names)
		}
	})
}

// bulkSeedRequest and bulkSeedAnswer are the Bulk example of Oracle's guide.
const bulkSeedRequest = `{ "Operations":[ { "method":"PATCH", "path":"/Users/FE8B6B1DE81922FFE053A3561BACA0B5", "bulkId":"clientBulkId1", "data":{ "schemas":[ "urn:scim:schemas:core:2.0:User" ], "userName":"Rachel.Goode" } }, { "method":"PATCH", "path":"/Users/FE8B6B1DE81922FFE053A3561BACA0B5", "bulkId":"clientBulkId1", "data":{ "schemas":[ "urn:scim:schemas:core:2.0:User" ], "emails":[ { "value":"rachel.goode@adcdat05.us.oracle.com", "type":"W", "primary": true } ] } } ] }`

const perIIP2410 = "PER_IIP_2410-Error occured while updating MasteredIn Flag"

// TestBulkSeedExample replays the guide's Bulk example: one operation
// answered 200, the other 500 with PER_IIP_2410, in one 200 answer.
func TestBulkSeedExample(t *testing.T) {
	srv, c := newPair(t, nil)
	seed(srv)
	srv.AddUser(hcmscim.User{UserName: "Rachel.Old"}) // unrelated
	srv.FailBulk(hcmscimtest.BulkFailure{
		Match:       func(op hcmscimtest.BulkOperation) bool { return bytes.Contains(op.Data, []byte(`"emails"`)) },
		Status:      500,
		Description: perIIP2410,
	})
	if _, err := c.PatchUser(context.Background(), rachelID, hcmscim.UserPatch{UserName: hcmscim.Some("R.GOODE")}); err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()

	res, err := c.Bulk(context.Background(), []hcmscim.BulkOp{
		hcmscim.PatchUserOp("clientBulkId1", rachelID, hcmscim.UserPatch{UserName: hcmscim.Some("Rachel.Goode")}),
		hcmscim.PatchUserOp("clientBulkId1", rachelID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("rachel.goode@adcdat05.us.oracle.com")})}),
	})
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Path != "/Bulk" {
		t.Fatalf("requests %+v", reqs)
	}
	sameJSON(t, "Bulk request", reqs[0].Body, bulkSeedRequest)

	if len(res) != 2 {
		t.Fatalf("%d results", len(res))
	}
	if res[0].Err != nil || res[0].Status != 200 || res[0].Index != 0 || !strings.HasSuffix(res[0].Location, "/hcmRestApi/scim/Users/"+rachelID) {
		t.Errorf("first operation: %+v", res[0])
	}
	var ae *hcmscim.APIError
	if !errors.As(res[1].Err, &ae) || ae.StatusCode != 500 || ae.Code != "PER_IIP_2410" || ae.Message != perIIP2410 || res[1].Status != 500 {
		t.Errorf("second operation: %+v (%v)", res[1], res[1].Err)
	}
	var be *hcmscim.BulkError
	if !errors.As(err, &be) || be.Total != 2 || len(be.Failed) != 1 || be.Failed[0].Index != 1 {
		t.Fatalf("error %v", err)
	}
	if !errors.Is(err, hcmscim.ErrUnavailable) || !strings.Contains(err.Error(), "operation 2 (bulkId clientBulkId1, PATCH /Users/"+rachelID+")") ||
		!strings.Contains(err.Error(), perIIP2410) || strings.Count(err.Error(), "hcmscim:") != 1 {
		t.Errorf("error text %q", err)
	}
	// The first operation was applied; the failed one changed nothing.
	if u, _ := srv.User(rachelID); u.UserName != "Rachel.Goode" {
		t.Errorf("user name %q", u.UserName)
	}
}

// TestBulkAnswerParsing reads the guide's Bulk answer, as the server sends
// it, through the client.
func TestBulkAnswerParsing(t *testing.T) {
	const answer = `{ "schemas": [ "urn:scim:schemas:core:2.0:Bulk" ], "Operations": [ { "location": "https://fa-eqmp-pintlabfadev.fa.ocs.oc-test.com:443/hcmRestApi/scim/Users/FE8B6B1DE81922FFE053A3561BACA0B5", "method": "PATCH", "bulkId": "clientBulkId1", "status": { "code": "200" } }, { "location": "https://fa-eqmp-pintlabfadev.fa.ocs.oc-test.com:443/hcmRestApi/scim/Users/FE8B6B1DE81922FFE053A3561BACA0B5", "method": "PATCH", "bulkId": "clientBulkId1", "status": { "code": "500", "description": "PER_IIP_2410-Error occured while updating MasteredIn Flag" } } ] }`
	srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
	srv.Faults.Push(hcmscimtest.Fault{Status: 200, Body: answer, Header: http.Header{"Content-Type": {"application/json"}}})
	res, err := c.Bulk(context.Background(), []hcmscim.BulkOp{
		hcmscim.PatchUserOp("clientBulkId1", rachelID, hcmscim.UserPatch{UserName: hcmscim.Some("Rachel.Goode")}),
		hcmscim.PatchUserOp("clientBulkId1", rachelID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("rachel.goode@adcdat05.us.oracle.com")})}),
	})
	var ae *hcmscim.APIError
	if res[0].Err != nil || !errors.As(res[1].Err, &ae) || ae.Code != "PER_IIP_2410" || err == nil {
		t.Errorf("results %+v, error %v", res, err)
	}
}

func TestBulkStandardDialect(t *testing.T) {
	srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(hcmscim.DialectStandard)})
	joeID := seed(srv)
	srv.FailBulk(hcmscimtest.BulkFailure{Match: func(op hcmscimtest.BulkOperation) bool { return op.BulkID == "mail" },
		Status: 400, SCIMType: "invalidValue", Description: "the address is refused"})
	res, err := c.Bulk(context.Background(), []hcmscim.BulkOp{
		hcmscim.CreateUserOp("new", hcmscim.User{UserName: "New.Hire"}),
		hcmscim.PatchUserOp("name", joeID, hcmscim.UserPatch{UserName: hcmscim.Some("Joe.Green")}),
		hcmscim.PatchUserOp("mail", joeID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{{Value: "joe.green@mail.com", Type: "work"}})}),
		hcmscim.AddRoleMembersOp("grant", hrJobID, joeID),
	})
	if res[0].Status != 201 || res[0].Err != nil || !strings.Contains(res[0].Location, "/Users/") {
		t.Errorf("create: %+v", res[0])
	}
	if res[1].Err != nil || res[3].Err != nil {
		t.Errorf("results %+v", res)
	}
	var ae *hcmscim.APIError
	if !errors.As(res[2].Err, &ae) || ae.StatusCode != 400 || ae.Code != "invalidValue" || ae.Message != "the address is refused" {
		t.Errorf("failed op: %v", res[2].Err)
	}
	if !errors.Is(err, hcmscim.ErrBadRequest) {
		t.Errorf("error %v", err)
	}
	var sent struct {
		Schemas    []string
		Operations []struct{ Data json.RawMessage }
	}
	json.Unmarshal(srv.Requests()[len(srv.Requests())-1].Body, &sent)
	if len(sent.Schemas) != 1 || sent.Schemas[0] != hcmscim.BulkRequestSchema || !bytes.Contains(sent.Operations[1].Data, []byte(hcmscim.PatchOpSchema)) {
		t.Errorf("request %+v", sent)
	}
	if r, _ := srv.Role(hrJobID); len(r.Members) != 1 {
		t.Errorf("grant not applied: %+v", r)
	}
}

func TestBulkBatches(t *testing.T) {
	srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithMaxBulkOperations(50)})
	var ops []hcmscim.BulkOp
	for i := range 120 {
		u := srv.AddUser(hcmscim.User{UserName: fmt.Sprintf("u%03d", i)})
		ops = append(ops, hcmscim.PatchUserOp("", u.ID, hcmscim.UserPatch{DisplayName: hcmscim.Some(fmt.Sprintf("User %d", i))}))
	}
	srv.FailBulk(hcmscimtest.BulkFailure{Match: func(op hcmscimtest.BulkOperation) bool { return op.BulkID == "op77" }, Description: "FND_X_1-boom"})
	srv.ResetRequests()
	res, err := c.Bulk(context.Background(), ops)
	var sizes []int
	for _, r := range srv.Requests() {
		if r.Path != "/Bulk" {
			continue
		}
		var b struct{ Operations []json.RawMessage }
		json.Unmarshal(r.Body, &b)
		sizes = append(sizes, len(b.Operations))
	}
	if fmt.Sprint(sizes) != "[50 50 20]" {
		t.Errorf("batches %v, want [50 50 20]", sizes)
	}
	var be *hcmscim.BulkError
	if !errors.As(err, &be) || len(be.Failed) != 1 || be.Failed[0].Index != 76 || be.Failed[0].BulkID != "op77" {
		t.Fatalf("error %v", err)
	}
	for i, r := range res {
		if r.Index != i || (i != 76 && (r.Err != nil || r.Status != 200)) {
			t.Errorf("result %d: %+v", i, r)
		}
	}
	if ops[0].BulkID != "" {
		t.Error("Bulk changed the caller's operations")
	}
	if u := srv.Users()[76]; u.DisplayName != "" {
		t.Errorf("failed operation applied: %+v", u)
	}
	if u := srv.Users()[119]; u.DisplayName != "User 119" {
		t.Errorf("last operation not applied: %+v", u)
	}
}

// TestBulkBatchFailure: a batch that fails as a whole marks its operations
// with that error (their outcome is unknown) and the later ones as not sent.
func TestBulkBatchFailure(t *testing.T) {
	srv, c := newPair(t, nil, hcmscim.WithBulkBatchSize(2), hcmscim.WithDialect(hcmscim.DialectOracle))
	joeID := seed(srv)
	srv.Faults.Push(hcmscimtest.Fault{}, hcmscimtest.Fault{Status: 503, RetryAfter: "0", Body: `{"detail":"down"}`})
	var ops []hcmscim.BulkOp
	for i := range 5 {
		ops = append(ops, hcmscim.PatchUserOp(fmt.Sprint("b", i), joeID, hcmscim.UserPatch{DisplayName: hcmscim.Some(fmt.Sprint("Joe ", i))}))
	}
	srv.ResetRequests()
	res, err := c.Bulk(context.Background(), ops)
	if err == nil {
		t.Fatal("no error")
	}
	if res[0].Err != nil || res[1].Err != nil {
		t.Errorf("first batch: %+v", res[:2])
	}
	for _, r := range res[2:4] {
		var ae *hcmscim.APIError
		if !errors.As(r.Err, &ae) || ae.StatusCode != 503 || ae.Attempts != 1 {
			t.Errorf("second batch (a POST is not sent twice): %+v", r)
		}
	}
	if !errors.Is(res[4].Err, hcmscim.ErrNotSent) {
		t.Errorf("third batch: %+v", res[4])
	}
	if got := srv.Faults.Requests(); got != 2 {
		t.Errorf("%d requests, want 2 (the third batch is not sent)", got)
	}
}

func TestBulkValidation(t *testing.T) {
	srv, c := newPair(t, nil)
	_, err := c.Bulk(context.Background(), []hcmscim.BulkOp{
		hcmscim.PatchUserOp("a", "", hcmscim.UserPatch{}),
		hcmscim.CreateUserOp("b", hcmscim.User{}),
		hcmscim.AddRoleMembersOp("c", "R/1"),
		hcmscim.RawBulkOp("d", "GET", "Users", json.RawMessage(`{`)),
		{Method: http.MethodPatch, Path: "/Users/1"},
	})
	var ve *hcmscim.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) < 8 {
		t.Fatalf("error %v", err)
	}
	for _, want := range []string{"bulk operation 1 (bulkId a)", "bulk operation 2 (bulkId b): userName is empty", "bulk operation 3 (bulkId c)", "not POST, PUT, PATCH or DELETE", "bulk operation 5: no data"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if _, err := c.Bulk(context.Background(), nil); err == nil {
		t.Error("no operations: no error")
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for bad input", n)
	}
}

// TestBulkCancelled: batches after the context ends are not sent, and say so.
func TestBulkCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle), hcmscim.WithBulkBatchSize(1),
		hcmscim.WithProgress(func(done, total int) { cancel() }))
	joeID := seed(srv)
	res, err := c.Bulk(ctx, []hcmscim.BulkOp{
		hcmscim.PatchUserOp("a", joeID, hcmscim.UserPatch{DisplayName: hcmscim.Some("A")}),
		hcmscim.PatchUserOp("b", joeID, hcmscim.UserPatch{DisplayName: hcmscim.Some("B")}),
	})
	if res[0].Err != nil || !errors.Is(res[1].Err, hcmscim.ErrNotSent) || !errors.Is(res[1].Err, context.Canceled) || err == nil {
		t.Errorf("results %+v, error %v", res, err)
	}
	if u, _ := srv.User(joeID); u.DisplayName != "A" {
		t.Errorf("display name %q", u.DisplayName)
	}
}
