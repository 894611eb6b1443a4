package csf_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"
	"testing"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

// FuzzResponse feeds arbitrary answers to every kind of call: each is a
// result or an *APIError, never a panic.
func FuzzResponse(f *testing.F) {
	f.Add(`<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><X><RequestContext>rc</RequestContext><ResultCode>0</ResultCode><IsInGroup>true</IsInGroup><PagingInfo><CurrentPage>1</CurrentPage><LastPage>1</LastPage><UserAccountTable><UserAccounts><UserAccount><UserId>a</UserId><PropertyTable><Properties><Property><Name>n</Name><Values><Value>v</Value></Values></Property></Properties></PropertyTable></UserAccount></UserAccounts></UserAccountTable></PagingInfo><UserAccount><UserId>a</UserId></UserAccount></X></soap:Body></soap:Envelope>`)
	f.Add(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode></soap:Fault></soap:Body></soap:Envelope>`)
	f.Add(`<html><title>x</title></html>`)
	srv := csftest.NewServer(f)
	c := newClient(f, srv, csf.WithRequestContexts(func() string { return "rc" }), csf.WithRetry(0, 1))
	f.Fuzz(func(t *testing.T, body string) {
		srv.Faults.Push(csftest.Fault{Status: 200, Header: http.Header{"Content-Type": {"text/xml"}}, Body: body, Times: 4})
		ctx := t.Context()
		errs := []error{}
		_, err := c.ReadUser(ctx, "a")
		errs = append(errs, err)
		_, err = c.UserInGroup(ctx, "a", "g")
		errs = append(errs, err)
		_, err = c.ReadUsersPage(ctx, csf.Query{Filter: csf.Present("x")}, "")
		errs = append(errs, err)
		errs = append(errs, c.DeleteUser(ctx, "a"))
		srv.Faults.Reset()
		for _, err := range errs {
			var e *csf.APIError
			if err != nil && !errors.As(err, &e) {
				t.Errorf("%T: %v", err, err)
			}
		}
	})
}

// FuzzFilter builds filters of arbitrary names and values: each is refused
// as invalid, or sent so that the fake reads back the same names and values.
func FuzzFilter(f *testing.F) {
	f.Add("samaccountname", "testmonkey1", "<&\"'*()\\ü")
	f.Add("a;lang-en", "", "\x00")
	f.Fuzz(func(t *testing.T, name, v1, v2 string) {
		fl := csf.And(csf.Eq(name, v1), csf.Not(csf.Or(csf.HasPrefix(name, v2), csf.Contains(name, v1, v2))))
		env, err := csf.EncodeFilter(fl)
		if err != nil {
			if !errors.Is(err, csf.ErrInvalid) {
				t.Fatalf("%T %v", err, err)
			}
			return
		}
		back, err := csf.DecodeFilter(env)
		if err != nil {
			t.Fatalf("%v\n%s", err, env)
		}
		if back.String() != fl.String() {
			t.Errorf("sent %s, read back %s", fl, back)
		}
		var x any
		if err := xml.NewDecoder(bytes.NewReader(env)).Decode(&x); err != nil {
			t.Errorf("not well-formed: %v", err)
		}
	})
}
