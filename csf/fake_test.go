package csf_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/csf/csftest"
)

// post sends body in a SOAP envelope with the fake's UsernameToken (unless
// header is given) and returns the status and the answer.
func post(t *testing.T, srv *csftest.Server, header, body string) (int, string) {
	t.Helper()
	if header == "" {
		header = `<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><wsse:UsernameToken><wsse:Username>` +
			srv.Username + `</wsse:Username><wsse:Password>` + srv.Password + `</wsse:Password></wsse:UsernameToken></wsse:Security>`
	}
	env := `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header>` +
		header + `</soap:Header><soap:Body>` + body + `</soap:Body></soap:Envelope>`
	resp, err := http.Post(srv.URL, "text/xml; charset=utf-8", strings.NewReader(env))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
