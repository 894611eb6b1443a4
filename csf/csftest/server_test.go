package csftest_test

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

func rawPost(t *testing.T, srv *csftest.Server, contentType, action, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", srv.URL, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if action != "" {
		req.Header.Set("SOAPAction", `"`+action+`"`)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const deleteEnv = `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
	`<UserManagerDelete xmlns="NS"><RequestContext>rc</RequestContext><UserId>x@csf.com</UserId></UserManagerDelete></soap:Body></soap:Envelope>`

// TestProtocolErrors: what an ASMX service refuses before it reads a call.
func TestProtocolErrors(t *testing.T) {
	srv := csftest.NewServer(t)
	env := strings.Replace(deleteEnv, "NS", csf.NamespaceIdentityManager20, 1)
	for _, tc := range []struct {
		name, ct, action, body string
		status                 int
		says                   string
	}{
		{"content type", "application/json", "", env, 415, "Unsupported"},
		{"not XML", "text/xml", "", "<soap:Envelope", 500, "soap:Client"},
		{"not an envelope", "text/xml", "", "<Envelope/>", 500, "not a SOAP 1.1 Envelope"},
		{"unknown element", "text/xml", "", strings.Replace(env, "UserManagerDelete", "UserManagerPurge", 2), 500, "UserManagerPurge"},
		{"csf/21 namespace", "text/xml", "", strings.Replace(deleteEnv, "NS", csf.NamespaceIdentityManager21, 1), 500, "namespace"},
		{"SOAPAction", "text/xml", "urn:other", env, 500, "SOAPAction"},
		{"no credentials", "text/xml", csf.NamespaceIdentityManager20 + "/DeleteUser", env, 200, "<ResultCode>30021</ResultCode>"},
	} {
		status, answer := rawPost(t, srv, tc.ct, tc.action, tc.body)
		if status != tc.status || !strings.Contains(answer, tc.says) {
			t.Errorf("%s: %d %s", tc.name, status, answer)
		}
	}
	if status, _ := rawPost(t, srv, "text/xml", "", ""); status != 500 {
		t.Errorf("empty body: %d", status)
	}
}

// TestNamespaceOption: a fake told to expect one namespace serves a client
// told to send it, and refuses the seed's.
func TestNamespaceOption(t *testing.T) {
	const ns = "http://www.microsoft.com/csf/30/IdentityManager"
	srv := csftest.NewServer(t, csftest.WithNamespace(ns))
	c, _ := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP(), csf.WithNamespace(ns))
	if err := c.CreateUser(t.Context(), csf.CreateUserRequest{UserID: "a@csf.com", OrganizationID: "MyTestOrg.com", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ReadUsersPage(t.Context(), csf.Query{Filter: csf.Present("objectClass")}, ""); err != nil {
		t.Fatal(err)
	}
	seed, _ := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP())
	if err := seed.DeleteUser(t.Context(), "a@csf.com"); !errors.Is(err, csf.ErrInvalid) || !strings.Contains(err.Error(), "soap:Client") {
		t.Errorf("seed namespace: %v", err)
	}
}

// TestBasicAuthAndTLS: a fake on HTTPS with HTTP Basic; the client trusts its
// CA and sends no UsernameToken.
func TestBasicAuthAndTLS(t *testing.T) {
	srv := csftest.NewServer(t, csftest.WithTLS(), csftest.WithBasicAuth("svc", "Basic-Secret-1"))
	c, err := csf.NewClient(srv.URL, csf.WithBasicAuth("svc", "Basic-Secret-1"), csf.WithRootCAs(srv.RootCAs()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UserInGroup(t.Context(), "nobody@csf.com", "AllUsersLO@senthilRooT.com"); !errors.Is(err, csf.ErrUserNotFound) {
		t.Fatalf("through TLS and Basic: %v", err)
	}
	if body := string(srv.Requests()[0].Body); strings.Contains(body, "UsernameToken") || strings.Contains(body, "Basic-Secret-1") {
		t.Errorf("a token in the body with Basic: %s", body)
	}
	bad, _ := csf.NewClient(srv.URL, csf.WithBasicAuth("svc", "wrong-one"), csf.WithRootCAs(srv.RootCAs()))
	if err := bad.DeleteUser(t.Context(), "x@csf.com"); !errors.Is(err, csf.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-one") {
		t.Errorf("wrong Basic password: %v", err)
	}
	untrusted, _ := csf.NewClient(srv.URL, csf.WithBasicAuth("svc", "Basic-Secret-1"))
	if err := untrusted.DeleteUser(t.Context(), "x@csf.com"); err == nil {
		t.Error("the fake's certificate was trusted without WithRootCAs")
	}
}

// TestHeader: the UsernameToken and WS-Addressing headers on the wire.
func TestHeader(t *testing.T) {
	srv := csftest.NewServer(t)
	c, _ := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, srv.Password), csf.WithInsecureHTTP())
	c.DeleteUser(t.Context(), "x@csf.com")
	r := srv.Requests()[0]
	body := string(r.Body)
	for _, want := range []string{
		`<Action xmlns="http://schemas.xmlsoap.org/ws/2004/03/addressing">http://www.microsoft.com/csf/20/IdentityManager/DeleteUser</Action>`,
		`<To xmlns="http://schemas.xmlsoap.org/ws/2004/03/addressing">` + srv.URL + `</To>`,
		`">` + srv.Username + `</Username>`,
		`soap:mustUnderstand="1"`,
		`#PasswordText">` + srv.Password + `</Password>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s in\n%s", want, body)
		}
	}
	if got := r.Header.Get("SOAPAction"); got != `"http://www.microsoft.com/csf/20/IdentityManager/DeleteUser"` {
		t.Errorf("SOAPAction %s", got)
	}
}

func TestOptions(t *testing.T) {
	if _, err := csftest.Start(csftest.WithUsernameToken("", "")); err == nil {
		t.Error("empty credentials accepted")
	}
	if _, err := csf.NewClient("https://h/x"); err == nil || !strings.Contains(err.Error(), "WithUsernameToken") {
		t.Errorf("no credentials: %v", err)
	}
	if _, err := csf.NewClient("http://h/x", csf.WithUsernameToken("a", "b")); err == nil || !strings.Contains(err.Error(), "WithInsecureHTTP") {
		t.Errorf("http: %v", err)
	}
	if _, err := csf.NewClient("https://h/x", csf.WithUsernameToken("a", "b"), csf.WithBasicAuth("a", "b")); err == nil {
		t.Error("two credentials accepted")
	}
}
