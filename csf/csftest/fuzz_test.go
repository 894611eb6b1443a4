package csftest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/csf/csftest"
)

// FuzzRequest posts arbitrary bodies to the fake: each gets a SOAP answer
// (a result, or a Fault with 500), never a panic or a hang.
func FuzzRequest(f *testing.F) {
	f.Add(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><UserManagerReadUsers xmlns="http://www.microsoft.com/csf/21/IdentityManager"><PagingInfo><PageSize>1</PageSize><FilterSet><Filters xmlns="http://www.microsoft.com/csf/21/Utilities"><NOTFilter><FilterMatchCriteria><FilterMatch xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="SubstringMatch"><Name>a</Name><Any>b</Any></FilterMatch></FilterMatchCriteria></NOTFilter></Filters></FilterSet></PagingInfo></UserManagerReadUsers></soap:Body></soap:Envelope>`)
	f.Add(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><UserManagerCreate xmlns="http://www.microsoft.com/csf/20/IdentityManager"><UserAccount><UserId>a@b</UserId></UserAccount></UserManagerCreate></soap:Body></soap:Envelope>`)
	srv := csftest.NewServer(f)
	f.Fuzz(func(t *testing.T, body string) {
		resp, err := http.Post(srv.URL, "text/xml", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != 500 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
}
