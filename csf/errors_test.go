package csf_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
	"github.com/hrbridge/hrbridge/internal/paging"
)

// TestResultCodes reaches every result code of the seed through the fake's
// state (or PushResult) and checks its sentinels.
func TestResultCodes(t *testing.T) {
	srv := csftest.NewServer(t, csftest.WithOrganization("Acme.com", "acme.com"))
	c := newClient(t, srv)
	ctx := t.Context()
	create(t, c, "exists@csf.com", nil)
	mk := func(id, org string, groups ...string) error {
		return c.CreateUser(ctx, csf.CreateUserRequest{UserID: id, OrganizationID: org, Password: "pw", Groups: groups})
	}
	for _, tc := range []struct {
		name string
		err  error
		code string
		is   []error
	}{
		{"30000", func() error { srv.PushResult("", 30000, 1); return c.DeleteUser(ctx, "x@csf.com") }(), "30000", []error{csf.ErrValidation, csf.ErrInvalid}},
		{"30001 write", func() error { srv.PushResult("", 30001, 1); return c.DeleteUser(ctx, "x@csf.com") }(), "30001", []error{csf.ErrSystem, csf.ErrUnavailable}},
		{"30008", mk("exists@csf.com", "Customer-TestCustomer.com"), "30008", []error{csf.ErrUserExists, csf.ErrConflict}},
		{"30010", mk("new1@csf.com", "Customer-TestCustomer.com", "NoSuchGroup"), "30010", []error{csf.ErrGroupNotFound, csf.ErrNotFound}},
		{"30011", c.DeleteUser(ctx, "nobody@csf.com"), "30011", []error{csf.ErrUserNotFound, csf.ErrNotFound}},
		{"30014", mk("new2@other.org", "Acme.com"), "30014", []error{csf.ErrBadSuffix, csf.ErrInvalid}},
		{"30015", mk("new3@csf.com", "NoSuchOrg.com"), "30015", []error{csf.ErrOrganizationNotFound, csf.ErrNotFound}},
		{"30029 write", func() error { srv.PushResult("CreateUser", 30029, 1); return mk("new4@csf.com", "Acme.com") }(), "30029", []error{csf.ErrDomainController, csf.ErrUnavailable}},
		{"unknown", func() error { srv.PushResult("", 31234, 1); return c.DeleteUser(ctx, "x@csf.com") }(), "31234", []error{csf.ErrResultCode}},
	} {
		var e *csf.APIError
		if !errors.As(tc.err, &e) || e.Code != tc.code {
			t.Errorf("%s: %v", tc.name, tc.err)
			continue
		}
		for _, want := range tc.is {
			if !errors.Is(tc.err, want) {
				t.Errorf("%s: %v is not %v", tc.name, tc.err, want)
			}
		}
		if strings.Count(tc.err.Error(), "csf") == 0 || !strings.HasPrefix(tc.err.Error(), "csf: ") {
			t.Errorf("%s: text %q", tc.name, tc.err)
		}
	}
	// 30021: the wrong credentials.
	bad, _ := csf.NewClient(srv.URL, csf.WithUsernameToken(srv.Username, "wrong-password"), csf.WithInsecureHTTP())
	if _, err := bad.ReadUser(ctx, "exists@csf.com"); !errors.Is(err, csf.ErrCredentials) || !errors.Is(err, csf.ErrUnauthorized) {
		t.Errorf("30021: %v", err)
	} else if strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("the password is in %q", err)
	}
	// No write was sent twice.
	if n := countOps(srv, "CreateUser"); n != 6 {
		t.Errorf("%d CreateUser requests, want 6 (none repeated)", n)
	}
}

func countOps(srv *csftest.Server, op string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Op == op {
			n++
		}
	}
	return n
}

// TestReadsRetryResultCodes: 30001 and 30029 are retried for reads.
func TestReadsRetryResultCodes(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv)
	create(t, c, "u@csf.com", nil)
	srv.PushResult("ReadUser", 30029, 1)
	srv.PushResult("ReadUser", 30001, 1)
	if _, err := c.ReadUser(t.Context(), "u@csf.com"); err != nil {
		t.Fatal(err)
	}
	if n := countOps(srv, "ReadUser"); n != 3 {
		t.Errorf("%d ReadUser requests, want 3", n)
	}
	srv.PushResult("UserInGroup", 30029, 5)
	_, err := c.UserInGroup(t.Context(), "u@csf.com", "AllUsersLO@senthilRooT.com")
	var e *csf.APIError
	if !errors.As(err, &e) || e.Attempts != 3 || !errors.Is(err, csf.ErrDomainController) {
		t.Errorf("after the retries: %v (%+v)", err, e)
	}
}

// TestBadResponses: every malformed answer is a typed error saying what
// was received, never a panic.
func TestBadResponses(t *testing.T) {
	xmlCT := http.Header{"Content-Type": {"text/xml; charset=utf-8"}}
	env := func(inner string) string {
		return `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` + inner + `</soap:Body></soap:Envelope>`
	}
	for _, tc := range []struct {
		name  string
		fault csftest.Fault
		is    error
		says  string
	}{
		{"no ResultCode", csftest.Fault{Status: 200, Header: xmlCT, Body: env(`<UserManagerDeleteResponse xmlns="http://www.microsoft.com/csf/20/IdentityManager"><RequestContext>rc</RequestContext></UserManagerDeleteResponse>`)}, csf.ErrUnexpectedContent, "no ResultCode"},
		{"unknown code", csftest.Fault{Status: 200, Header: xmlCT, Body: env(`<UserManagerDeleteResponse xmlns="http://www.microsoft.com/csf/20/IdentityManager"><RequestContext>rc</RequestContext><ResultCode>424242</ResultCode><ResultMessage>Odd &amp; new</ResultMessage></UserManagerDeleteResponse>`)}, csf.ErrResultCode, "Odd & new"},
		{"other RequestContext", csftest.Fault{Status: 200, Header: xmlCT, Body: env(`<X><RequestContext>other</RequestContext><ResultCode>0</ResultCode></X>`)}, csf.ErrUnexpectedContent, `"other"`},
		{"no echo", csftest.Fault{Status: 200, Header: xmlCT, Body: env(`<X><ResultCode>0</ResultCode></X>`)}, csf.ErrUnexpectedContent, "does not echo"},
		{"SOAP fault", csftest.Fault{Status: 500, Header: xmlCT, Body: env(`<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Boom</faultstring></soap:Fault>`)}, csf.ErrUnavailable, "Boom"},
		{"unknown operation", csftest.Fault{Status: 500, Header: xmlCT, Body: env(`<soap:Fault><faultcode>soap:Client</faultcode><faultstring>System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header SOAPAction: http://www.microsoft.com/csf/20/IdentityManager/Delete.</faultstring></soap:Fault>`)}, csf.ErrNotFound, "did not recognize"},
		{"HTML page", csftest.Fault{Status: 200, Header: http.Header{"Content-Type": {"text/html"}}, Body: `<!DOCTYPE html><html><head><title>Sign in</title></head></html>`}, csf.ErrUnexpectedContent, "html"},
		{"HTML error", csftest.Fault{Status: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: `<html><head><title>Bad Gateway</title></head></html>`}, csf.ErrUnavailable, "an HTML page (Bad Gateway)"},
		{"truncated", csftest.Fault{Truncate: true}, csf.ErrUnexpectedContent, ""},
		{"dropped", csftest.Fault{Drop: true}, csf.ErrUnavailable, ""},
		{"429", csftest.Fault{Status: 429, RetryAfter: "0", Times: 5}, csf.ErrRateLimited, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := csftest.NewServer(t)
			c := newClient(t, srv, csf.WithRequestContexts(func() string { return "rc" }))
			srv.Faults.Push(tc.fault)
			err := c.DeleteUser(t.Context(), "u@csf.com")
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("%v: want %v saying %q", err, tc.is, tc.says)
			}
			var e *csf.APIError
			if !errors.As(err, &e) {
				t.Errorf("%T is not an *APIError", err)
			}
		})
	}
}

// TestReadRetriesFaults: a read gets through 503 with Retry-After and a
// dropped connection.
func TestReadRetriesFaults(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv)
	create(t, c, "u@csf.com", nil)
	srv.Faults.Push(csftest.Fault{Status: 503, RetryAfter: "0"}, csftest.Fault{Drop: true})
	if _, err := c.ReadUser(t.Context(), "u@csf.com"); err != nil {
		t.Fatal(err)
	}
	// A write is not replayed after a 503.
	srv.Faults.Push(csftest.Fault{Status: 503})
	if err := c.DeleteUser(t.Context(), "u@csf.com"); !errors.Is(err, csf.ErrUnavailable) {
		t.Errorf("DeleteUser after 503: %v", err)
	}
	if _, ok := srv.User("u@csf.com"); !ok {
		t.Error("the user was deleted behind the caller's back")
	}
}

// TestSecretsStayOut: the caller's and the users' passwords appear in no
// error and no log record.
func TestSecretsStayOut(t *testing.T) {
	srv := csftest.NewServer(t)
	var logs bytes.Buffer
	c := newClient(t, srv, csf.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	echo := func(s string) csftest.Fault {
		return csftest.Fault{Status: 500, Header: http.Header{"Content-Type": {"text/xml"}}, Body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>bad ` + s + `</faultstring></soap:Fault></soap:Body></soap:Envelope>`}
	}
	srv.Faults.Push(echo("User-Secret-99 " + srv.Password))
	err1 := c.CreateUser(t.Context(), csf.CreateUserRequest{UserID: "u@csf.com", OrganizationID: "MyTestOrg.com", Password: "User-Secret-99"})
	srv.Faults.Push(echo("New-Secret-77"))
	err2 := c.SetPassword(t.Context(), csf.SetPasswordRequest{UserName: "u@csf.com", Password: "New-Secret-77"})
	for _, s := range []string{err1.Error(), err2.Error(), logs.String()} {
		for _, secret := range []string{"User-Secret-99", "New-Secret-77", srv.Password} {
			if strings.Contains(s, secret) {
				t.Errorf("%q shows a secret", s)
			}
		}
	}
	if !errors.Is(err1, csf.ErrInvalid) {
		t.Errorf("a soap:Client fault is %v", err1)
	}
}

// TestReadUsersPages reads 23 users 5 a page, with a filter of every kind.
func TestReadUsersPages(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv, csf.WithPageSize(5))
	for i := range 23 {
		srv.PutUser(csftest.User{ID: "user" + string(rune('a'+i)) + "@csf.com", Organization: "MyTestOrg.com",
			Properties: csf.Properties{{Name: "department", Values: []string{[]string{"Sales", "R&D <x>", "Ünïcode"}[i%3]}}}})
	}
	q := csf.Query{Organization: "MyTestOrg.com", Filter: csf.And(csf.Present("department"), csf.Not(csf.Eq("department", "Sales"))), Properties: []string{"department"}}
	n := 0
	for u, err := range c.ReadUsers(t.Context(), q) {
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := u.Properties.Get("department"); v == "Sales" {
			t.Errorf("%s is in Sales", u.ID)
		}
		n++
	}
	if n != 15 {
		t.Errorf("%d users, want 15", n)
	}
	p, err := c.ReadUsersPage(t.Context(), q, "")
	if err != nil || len(p.Items) != 5 || p.Next != "2" || p.Total != 15 {
		t.Fatalf("first page: %+v, %v", p, err)
	}
	// A value XML cannot carry is refused, not altered.
	for _, err := range c.ReadUsers(t.Context(), csf.Query{Filter: csf.Eq("department", "a\x00b")}) {
		if !errors.Is(err, csf.ErrInvalid) || !strings.Contains(err.Error(), "U+0000") {
			t.Errorf("NUL in a value: %v", err)
		}
	}
	// Escaped values are read back equal.
	for _, f := range []csf.Filter{csf.Eq("department", "R&D <x>"), csf.HasPrefix("department", "ün"), csf.Contains("department", "&D"), csf.HasSuffix("department", "<x>")} {
		users := 0
		for _, err := range c.ReadUsers(t.Context(), csf.Query{Filter: f}) {
			if err != nil {
				t.Fatal(f, err)
			}
			users++
		}
		if users == 0 {
			t.Errorf("%v found no user", f)
		}
	}
}

// TestRepeatedPage: a server that answers every page with the first stops
// the list with paging.ErrRepeatedPage.
func TestRepeatedPage(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv, csf.WithRequestContexts(func() string { return "rc" }))
	page1 := `<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
		`<UserManagerReadUsersResponse xmlns="http://www.microsoft.com/csf/21/IdentityManager"><RequestContext>rc</RequestContext><ResultCode>0</ResultCode>` +
		`<PagingInfo><CurrentPage>1</CurrentPage><LastPage>3</LastPage><PageSize>2</PageSize><TotalItems>6</TotalItems><UserAccountTable><UserAccounts>` +
		`<UserAccount><UserId>a@csf.com</UserId></UserAccount><UserAccount><UserId>b@csf.com</UserId></UserAccount></UserAccounts></UserAccountTable></PagingInfo>` +
		`</UserManagerReadUsersResponse></soap:Body></soap:Envelope>`
	srv.Faults.Push(csftest.Fault{Status: 200, Header: http.Header{"Content-Type": {"text/xml"}}, Body: page1, Times: 10})
	var ids []string
	var err error
	for u, e := range c.ReadUsers(t.Context(), csf.Query{Filter: csf.Present("objectClass")}) {
		if e != nil {
			err = e
			break
		}
		ids = append(ids, u.ID)
	}
	if !errors.Is(err, paging.ErrRepeatedPage) || len(ids) != 2 {
		t.Errorf("ids %v, err %v", ids, err)
	}
}

// TestWithoutEchoCheck accepts a server that does not echo RequestContext.
func TestWithoutEchoCheck(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv, csf.WithoutEchoCheck())
	srv.Faults.Push(csftest.Fault{Status: 200, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><X><ResultCode>0</ResultCode></X></soap:Body></soap:Envelope>`})
	if err := c.DeleteUser(t.Context(), "u@csf.com"); err != nil {
		t.Errorf("without echo check: %v", err)
	}
}

// TestSlowAnswer: a server slower than the caller's deadline gives an
// *APIError wrapping context.DeadlineExceeded, and nothing is retried.
func TestSlowAnswer(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv)
	srv.Faults.Push(csftest.Fault{Delay: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := c.ReadUser(ctx, "u@csf.com")
	var e *csf.APIError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &e) || e.Op != "ReadUser" {
		t.Errorf("%v", err)
	}
}
