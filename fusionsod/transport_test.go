package fusionsod_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
)

func TestNewClientNeedsCredentials(t *testing.T) {
	if _, err := fusionsod.NewClient("https://acme.fa.us2.oraclecloud.com"); err == nil || !strings.Contains(err.Error(), "WithBasicAuth") {
		t.Errorf("no credentials: %v", err)
	}
	if _, err := fusionsod.NewClient("http://acme", fusionsod.WithBasicAuth("u", "p")); err == nil || !strings.Contains(err.Error(), "WithInsecureHTTP") {
		t.Errorf("http: %v", err)
	}
	if _, err := fusionsod.NewClient("https://acme", fusionsod.WithBasicAuth("u", "p"), fusionsod.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"}))); err == nil {
		t.Error("two credentials accepted")
	}
	if _, err := fusionsod.NewClient("https://acme", fusionsod.WithBasicAuth("u", "p"), fusionsod.WithRolesField("roles")); err == nil {
		t.Error("unknown roles field accepted")
	}
}

// certificate returns a key and a self-signed certificate, as a customer
// registers in the Security Console.
func certificate(t *testing.T) (*rsa.PrivateKey, *x509.Certificate) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sod"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

func TestFusionJWTOverTLS(t *testing.T) {
	key, cert := certificate(t)
	srv := fusionsodtest.NewServer(t, fusionsodtest.WithTLS(), fusionsodtest.WithFusionJWT("acme-idm", cert))
	c, err := fusionsod.NewClient(srv.URL, fusionsod.WithRootCAs(srv.RootCAs()), fusionsod.WithFusionJWT("acme-idm", "SOD_INTEGRATION", key, cert),
		fusionsod.WithPolling(time.Millisecond, 5*time.Millisecond, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// A token the pod refuses (expired, revoked) is signed again once.
	srv.Faults.Push(fusionsodtest.Fault{Status: http.StatusUnauthorized, Body: `{"title":"Unauthorized","detail":"JWT expired"}`})
	if _, err := c.Analyse(ctx, req("U", "A")); err != nil {
		t.Fatal(err)
	}
	if n := len(requestsTo(srv, "/runUserProvisioningAnalysis")); n != 1 {
		t.Errorf("%d analyses run: the 401 was answered by the fault, the retry by the fake", n)
	}
	// A refusal that lasts is ErrUnauthorized.
	srv.Faults.Push(fusionsodtest.Fault{Status: http.StatusUnauthorized, Times: 2, Body: `{"title":"Unauthorized","detail":"JWT expired"}`})
	if _, err := c.RunAnalysis(ctx, req("U", "A")); !errors.Is(err, fusionsod.ErrUnauthorized) || !strings.Contains(err.Error(), "JWT expired") {
		t.Errorf("err = %v", err)
	}
	// Basic credentials are refused by a pod that takes JWTs.
	b, _ := fusionsod.NewClient(srv.URL, fusionsod.WithRootCAs(srv.RootCAs()), fusionsod.WithBasicAuth("SOD_INTEGRATION", "secret-pw-123"))
	_, err = b.RunAnalysis(ctx, req("U", "A"))
	if !errors.Is(err, fusionsod.ErrUnauthorized) || strings.Contains(err.Error(), "secret-pw-123") {
		t.Errorf("basic on a JWT pod: %v", err)
	}
	// Without the fake's CA the certificate does not verify.
	u, _ := fusionsod.NewClient(srv.URL, fusionsod.WithFusionJWT("acme-idm", "SOD_INTEGRATION", key, cert), fusionsod.WithRetry(0, time.Millisecond))
	if _, err := u.RunAnalysis(ctx, req("U", "A")); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: %v", err)
	}
}

func TestFaults(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	c := newClient(t, srv)
	ctx := context.Background()
	id, err := c.RunAnalysis(ctx, req("U", "A"))
	if err != nil {
		t.Fatal(err)
	}
	status := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/getRequestStatus") }
	run := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/runUserProvisioningAnalysis") }

	// getRequestStatus is safe to repeat: 429 and 503 with Retry-After,
	// and a dropped connection, are retried.
	srv.Faults.Push(
		fusionsodtest.Fault{Match: status, Status: 429, RetryAfter: "0"},
		fusionsodtest.Fault{Match: status, Status: 503, RetryAfter: "0"},
	)
	if s, err := c.RequestStatus(ctx, id); err != nil || s != fusionsod.StatusCompleted {
		t.Errorf("after 429 and 503: %v, %v", s, err)
	}
	srv.Faults.Push(fusionsodtest.Fault{Match: status, Drop: true})
	if _, err := c.RequestStatus(ctx, id); err != nil {
		t.Errorf("after a dropped connection: %v", err)
	}
	// Starting an analysis is not repeated after a 503: it may have run.
	srv.Faults.Push(fusionsodtest.Fault{Match: run, Status: 503, RetryAfter: "0", Body: "Service Unavailable"})
	before := len(requestsTo(srv, "/runUserProvisioningAnalysis"))
	_, err = c.RunAnalysis(ctx, req("U", "A"))
	var ae *fusionsod.APIError
	if !errors.Is(err, fusionsod.ErrUnavailable) || !errors.As(err, &ae) || ae.Attempts != 1 || ae.Op != "runUserProvisioningAnalysis" {
		t.Errorf("503 on run: %v", err)
	}
	if len(requestsTo(srv, "/runUserProvisioningAnalysis")) != before {
		t.Error("the 503 reached the fake")
	}
	// Truncated and garbled answers are errors, never a status.
	for _, f := range []fusionsodtest.Fault{{Match: status, Truncate: true, Times: 3}, {Match: status, Garble: true}} {
		srv.Faults.Push(f)
		if s, err := c.RequestStatus(ctx, id); err == nil {
			t.Errorf("%v: status %q without error", f, s)
		}
		srv.Faults.Reset()
	}
	// An ADF error document gives the code and detail.
	srv.Faults.Push(fusionsodtest.Fault{Match: run, Status: 400, Header: http.Header{"Content-Type": {"application/vnd.oracle.adf.error+json"}},
		Body: `{"title":"Bad Request","detail":"The user AP_Manager is not valid.","o:errorCode":"GRC-1234"}`})
	_, err = c.RunAnalysis(ctx, req("U", "A"))
	if !errors.As(err, &ae) || ae.Code != "GRC-1234" || ae.Message != "The user AP_Manager is not valid." || ae.StatusCode != 400 {
		t.Errorf("ADF error: %v", err)
	}
}

func TestHTMLLoginPage(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	c := newClient(t, srv)
	page := "<!DOCTYPE html><html><head><title>Oracle Applications Cloud Sign In</title></head><body>…</body></html>"
	srv.Faults.Push(fusionsodtest.Fault{Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: page})
	_, err := c.RunAnalysis(context.Background(), req("U", "A"))
	if !errors.Is(err, fusionsod.ErrUnexpectedContent) || !strings.Contains(err.Error(), "Sign In") {
		t.Errorf("err = %v", err)
	}
	// Even labelled JSON, a login page is not an answer.
	srv.Faults.Push(fusionsodtest.Fault{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: page})
	g, _ := fusionsod.NewGate(c)
	o, err := g.Decide(context.Background(), req("U", "A"))
	if !errors.Is(err, fusionsod.ErrUnexpectedContent) || len(o.Granted()) != 0 {
		t.Errorf("gate on a login page: %v\n%s", err, o)
	}
}

func TestSecretsStayOut(t *testing.T) {
	const pw = "Sup3r-Secret-Passw0rd"
	srv := fusionsodtest.NewServer(t, fusionsodtest.WithBasicAuth("SOD", pw))
	c := newClient(t, srv)
	// A server that echoes the credentials in its error.
	srv.Faults.Push(fusionsodtest.Fault{Status: 500, Body: "bad login SOD/" + pw + " Authorization: Basic U09EOlN1cDNyLVNlY3JldC1QYXNzdzByZA=="})
	_, err := c.RunAnalysis(context.Background(), req("U", "A"))
	if err == nil || strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "U09EOlN1cDNy") {
		t.Errorf("err = %v", err)
	}
}

// TestSeedBodies checks the tutorial's own example bodies: what the client
// sends in the seed's form, and how it reads the seed's answers.
func TestSeedBodies(t *testing.T) {
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	srv := fusionsodtest.NewServer(t)
	c := newClient(t, srv, fusionsod.WithRolesField(fusionsod.RolesFieldSeed), fusionsod.WithRequestIDForm(fusionsod.IDString))
	ctx := context.Background()
	seedReq := fusionsod.AccessRequest{User: "AP_Manager", Roles: []fusionsod.RoleRequest{
		{Code: "GTG_ENTERPRISE_RISK_AND_CONTROL_MANAGER_JOB", DataAccess: []fusionsod.DataAccess{{Kind: fusionsod.BusinessUnit, Value: "Vision China"}, {Kind: fusionsod.LedgerSet, Value: "Vision Italy"}}},
		{Code: "ORA_GTG_APPLICATION_ACCESS_AUDITOR_JOB", DataAccess: []fusionsod.DataAccess{{Kind: fusionsod.LedgerSet, Value: "FR Ledger"}, {Kind: fusionsod.LedgerSet, Value: "Progress FR"}, {Kind: "Location", Value: "NA"}}},
	}}
	a, err := c.Analyse(ctx, seedReq)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := decode(t, requestsTo(srv, "/runUserProvisioningAnalysis")[0].Body), decode(t, read("seed_run_request.json")); !equalJSON(got, want) {
		t.Errorf("run body\n got %v\nwant %v", got, want)
	}
	if got, want := decode(t, requestsTo(srv, "/getRequestStatus")[0].Body), decode(t, read("seed_status_request.json")); !equalJSON(got, want) {
		t.Errorf("status body\n got %v\nwant %v", got, want)
	}
	// The fake answers the seed's own answers, byte for byte.
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	srv.Faults.Push(fusionsodtest.Fault{Status: 200, Header: jsonCT, Body: string(read("seed_run_response.json"))})
	if id, err := c.RunAnalysis(ctx, seedReq); err != nil || id != "1" {
		t.Errorf("seed run answer: %q, %v", id, err)
	}
	srv.Faults.Push(fusionsodtest.Fault{Status: 200, Header: jsonCT, Body: string(read("seed_status_response.json"))})
	if s, err := c.RequestStatus(ctx, a.RequestID); err != nil || s != fusionsod.StatusCompleted {
		t.Errorf("seed status answer: %q, %v", s, err)
	}
	// The seed's result sample lacks a quote ("inputRoleName": Prov Test
	// Role2"): as it is, it is refused, never half read.
	result := string(read("seed_result.txt"))
	srv.Faults.Push(fusionsodtest.Fault{Status: 200, Header: jsonCT, Body: `{"items":[` + result + `],"hasMore":false}`})
	if _, err := c.ConflictsPage(ctx, a.RequestID, ""); !errors.Is(err, fusionsod.ErrUnexpectedContent) {
		t.Errorf("the seed's broken sample: %v", err)
	}
	// With the quote restored it reads as the typed conflict.
	fixed := strings.Replace(result, `"inputRoleName": Prov`, `"inputRoleName": "Prov`, 1)
	srv.Faults.Push(fusionsodtest.Fault{Status: 200, Header: jsonCT, Body: `{"items":[` + fixed + `],"hasMore":false}`})
	p, err := c.ConflictsPage(ctx, a.RequestID, "")
	want := fusionsod.Conflict{ID: "14", ControlID: "86731", ControlName: "Enter journal and view risk", InputRoleCode: "PROV_TEST_ROLE2",
		InputRoleName: "Prov Test Role2", IncidentPath: "Enter Journal By Spreadsheet", ConflictingRole: "Prov Test Role1"}
	if err != nil || len(p.Items) != 1 || p.Items[0] != want {
		t.Errorf("the seed's sample: %v, %+v", err, p)
	}
}

func equalJSON(a, b map[string]any) bool {
	return jsonText(a) == jsonText(b)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
