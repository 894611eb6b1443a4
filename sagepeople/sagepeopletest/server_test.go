package sagepeopletest_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// token asks srv for a session with an assertion of the given claims.
func token(t *testing.T, srv *sagepeopletest.Server, claims jwt.MapClaims, method jwt.SigningMethod) (int, map[string]any) {
	t.Helper()
	var key any = srv.Key
	if method == jwt.SigningMethodHS256 {
		key = []byte("secret")
	}
	a, err := jwt.NewWithClaims(method, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {a}}
	resp, err := http.PostForm(srv.URL+"/services/oauth2/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestTokenEndpoint(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": srv.ClientID, "sub": srv.Username, "aud": srv.Audience, "exp": time.Now().Add(time.Minute).Unix()}
	}
	status, out := token(t, srv, good(), jwt.SigningMethodRS256)
	if status != 200 || out["instance_url"] != srv.InstanceURL || out["token_type"] != "Bearer" || out["access_token"] == "" || out["refresh_token"] != nil {
		t.Fatalf("%d %v", status, out)
	}
	for name, edit := range map[string]func(jwt.MapClaims){
		"exp too far":  func(c jwt.MapClaims) { c["exp"] = time.Now().Add(10 * time.Minute).Unix() },
		"expired":      func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Minute).Unix() },
		"no exp":       func(c jwt.MapClaims) { delete(c, "exp") },
		"wrong aud":    func(c jwt.MapClaims) { c["aud"] = sagepeople.TestAudience },
		"wrong iss":    func(c jwt.MapClaims) { c["iss"] = "x" },
		"wrong sub":    func(c jwt.MapClaims) { c["sub"] = "x" },
		"two audience": func(c jwt.MapClaims) { c["aud"] = []string{srv.Audience, "https://x"} },
	} {
		c := good()
		edit(c)
		if status, out := token(t, srv, c, jwt.SigningMethodRS256); status != 400 || out["error"] == nil {
			t.Errorf("%s: %d %v", name, status, out)
		}
	}
	if status, _ := token(t, srv, good(), jwt.SigningMethodHS256); status != 400 {
		t.Errorf("HS256 accepted: %d", status)
	}
	resp, _ := http.PostForm(srv.URL+"/services/oauth2/token", url.Values{"grant_type": {"password"}})
	if resp.StatusCode != 400 {
		t.Errorf("password grant: %d", resp.StatusCode)
	}
	resp.Body.Close()
}

// session returns a session token of srv.
func session(t *testing.T, srv *sagepeopletest.Server) string {
	_, out := token(t, srv, jwt.MapClaims{"iss": srv.ClientID, "sub": srv.Username, "aud": srv.Audience,
		"exp": time.Now().Add(time.Minute).Unix()}, jwt.SigningMethodRS256)
	return out["access_token"].(string)
}

func call(t *testing.T, srv *sagepeopletest.Server, tok, method, path, body string, h http.Header) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, srv.InstanceURL+path, strings.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestSessionsAndErrors(t *testing.T) {
	now := time.Now()
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithSessionTTL(time.Hour), sagepeopletest.WithClock(func() time.Time { return now }))
	tok := session(t, srv)
	q := "/services/data/v67.0/query?q=" + url.QueryEscape("SELECT Id FROM fHCM2__Team_Member__c")
	if resp := call(t, srv, tok, "GET", q, "", nil); resp.StatusCode != 200 {
		t.Fatalf("%d", resp.StatusCode)
	}
	for _, tc := range []struct {
		tok, path string
		status    int
		code      string
	}{
		{"nope", q, 401, "INVALID_SESSION_ID"},
		{tok, "/services/data/v67.0/query?q=SELECT+Id+FROM", 400, "MALFORMED_QUERY"},
		{tok, "/services/data/v67.0/query?q=SELECT+Nope__c+FROM+fHCM2__Team_Member__c", 400, "INVALID_FIELD"},
		{tok, "/services/data/v67.0/query?q=SELECT+Id+FROM+Account", 400, "INVALID_TYPE"},
		{tok, "/services/data/v67.0/query/01gNOPE-2", 400, "INVALID_QUERY_LOCATOR"},
		{tok, "/services/data/v67.0/sobjects", 404, "NOT_FOUND"},
		{tok, "/services/data/v46.0/jobs/query", 404, "NOT_FOUND"},
	} {
		resp := call(t, srv, tc.tok, "GET", tc.path, "", nil)
		var errs []map[string]any
		json.NewDecoder(resp.Body).Decode(&errs)
		if resp.StatusCode != tc.status || len(errs) != 1 || errs[0]["errorCode"] != tc.code || errs[0]["message"] == "" {
			t.Errorf("%s: %d %v", tc.path, resp.StatusCode, errs)
		}
	}
	now = now.Add(2 * time.Hour)
	if resp := call(t, srv, tok, "GET", q, "", nil); resp.StatusCode != 401 {
		t.Errorf("an expired session: %d", resp.StatusCode)
	}
}

func TestQueryPagesAndRelationships(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	boss := srv.AddTeamMember(sagepeople.TeamMember{FullName: "Boss"})
	for range 450 {
		srv.AddTeamMember(sagepeople.TeamMember{FullName: "Worker", Manager: &sagepeople.Manager{ID: boss}})
	}
	tok := session(t, srv)
	q := "/services/data/v67.0/query?q=" + url.QueryEscape("SELECT Name, fHCM2__Manager__r.Name FROM fHCM2__Team_Member__c ORDER BY Name")
	resp := call(t, srv, tok, "GET", q, "", http.Header{"Sforce-Query-Options": {"batchSize=10"}})
	var page struct {
		TotalSize      int
		Done           bool
		NextRecordsURL string
		Records        []map[string]any
	}
	json.NewDecoder(resp.Body).Decode(&page)
	// batchSize is at least 200, and the next pages keep it.
	if page.TotalSize != 451 || page.Done || len(page.Records) != 200 || !strings.HasPrefix(page.NextRecordsURL, "/services/data/v67.0/query/") {
		t.Fatalf("first page: %d %v %d %q", page.TotalSize, page.Done, len(page.Records), page.NextRecordsURL)
	}
	if r := page.Records[0]; r["fHCM2__Manager__r"] != nil || r["attributes"].(map[string]any)["type"] != "fHCM2__Team_Member__c" {
		t.Errorf("the boss: %v", r)
	}
	if m := page.Records[1]["fHCM2__Manager__r"].(map[string]any); m["Name"] != "Boss" || m["attributes"] == nil {
		t.Errorf("a worker's manager: %v", m)
	}
	resp = call(t, srv, tok, "GET", page.NextRecordsURL, "", nil)
	json.NewDecoder(resp.Body).Decode(&page)
	if len(page.Records) != 200 || page.Done {
		t.Errorf("second page: %d records, done %v", len(page.Records), page.Done)
	}
}

func TestBulkJob(t *testing.T) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithBulkPolls(1))
	srv.AddTeamMember(sagepeople.TeamMember{FullName: "A, \"B\""})
	srv.AddTeamMember(sagepeople.TeamMember{FullName: "C"})
	tok := session(t, srv)
	resp := call(t, srv, tok, "POST", "/services/data/v67.0/jobs/query", `{"operation":"query","query":"SELECT Id, Name FROM fHCM2__Team_Member__c ORDER BY Name"}`, nil)
	var job map[string]any
	json.NewDecoder(resp.Body).Decode(&job)
	id, _ := job["id"].(string)
	if job["state"] != "UploadComplete" || job["contentType"] != "CSV" || job["lineEnding"] != "LF" || id == "" {
		t.Fatalf("job %v", job)
	}
	results := "/services/data/v67.0/jobs/query/" + id + "/results"
	if resp := call(t, srv, tok, "GET", results, "", nil); resp.StatusCode != 400 {
		t.Errorf("results before JobComplete: %d", resp.StatusCode)
	}
	for _, want := range []string{"InProgress", "JobComplete", "JobComplete"} {
		json.NewDecoder(call(t, srv, tok, "GET", "/services/data/v67.0/jobs/query/"+id, "", nil).Body).Decode(&job)
		if job["state"] != want {
			t.Errorf("state %v, want %s", job["state"], want)
		}
	}
	if resp := call(t, srv, tok, "GET", strings.Replace(results, "v67.0", "v66.0", 1), "", nil); resp.StatusCode != 409 {
		t.Errorf("results with another version: %d", resp.StatusCode)
	}
	resp = call(t, srv, tok, "GET", results+"?maxRecords=1", "", http.Header{"Accept-Encoding": {"gzip"}})
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Sforce-NumberOfRecords") != "1" {
		t.Fatalf("headers %v", resp.Header)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !bytes.HasSuffix(body, []byte(",\"A, \"\"B\"\"\"\n")) || !bytes.HasPrefix(body, []byte("Id,Name\n")) {
		t.Errorf("first set %q", body)
	}
	loc := resp.Header.Get("Sforce-Locator")
	resp = call(t, srv, tok, "GET", results+"?maxRecords=1&locator="+loc, "", nil)
	body, _ = io.ReadAll(resp.Body)
	if resp.Header.Get("Sforce-Locator") != "null" || !bytes.HasSuffix(body, []byte(",C\n")) {
		t.Errorf("last set %q, locator %q", body, resp.Header.Get("Sforce-Locator"))
	}
	if resp := call(t, srv, tok, "PATCH", "/services/data/v67.0/jobs/query/"+id, `{"state":"Aborted"}`, nil); resp.StatusCode != 400 {
		t.Errorf("aborting a complete job: %d", resp.StatusCode)
	}
	if resp := call(t, srv, tok, "DELETE", "/services/data/v67.0/jobs/query/"+id, "", nil); resp.StatusCode != 204 {
		t.Errorf("delete: %d", resp.StatusCode)
	}
	if resp := call(t, srv, tok, "GET", results, "", nil); resp.StatusCode != 404 {
		t.Errorf("results of a deleted job: %d", resp.StatusCode)
	}
}
