package csf

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	gowsdl "github.com/hooklift/gowsdl/soap"
	um "github.com/hrbridge/hrbridge/csf/internal/usermanager"
)

// The benchmarks run against the csftest fake, which csf's in-package tests
// cannot import; bench_fake_test.go (package csf_test) starts it and sets
// these.
var (
	benchURL, benchUser, benchPass string
	benchConns                     func() int
)

// BenchmarkReadUsers10k reads 10,000 users in pages of 500 through this
// client from a server that answers prepared pages, so that the
// allocations counted are the client's: requests, connections opened and
// allocations per user are reported.
func BenchmarkReadUsers10k(b *testing.B) {
	const users, size = 10000, 500
	pages := make([][]byte, users/size)
	for p := range pages {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>`+
			`<UserManagerReadUsersResponse xmlns="http://www.microsoft.com/csf/21/IdentityManager"><RequestContext>rc</RequestContext><ResultCode>0</ResultCode><ResultMessage>Success</ResultMessage>`+
			`<PagingInfo><CurrentPage>%d</CurrentPage><LastPage>%d</LastPage><PageSize>%d</PageSize><PageIsVolatile>false</PageIsVolatile><FirstItem>%d</FirstItem><LastItem>%d</LastItem><TotalItems>%d</TotalItems><UserAccountTable><UserAccounts>`,
			p+1, len(pages), size, p*size+1, (p+1)*size, users)
		for i := p * size; i < (p+1)*size; i++ {
			fmt.Fprintf(&buf, `<UserAccount><UserId>bench%d@csf.com</UserId><PropertyTable><Properties><Property OperationType="OverWrite"><Name>samaccountname</Name><Values><Value>bench%d</Value></Values></Property></Properties></PropertyTable></UserAccount>`, i, i)
		}
		buf.WriteString(`</UserAccounts></UserAccountTable></PagingInfo></UserManagerReadUsersResponse></soap:Body></soap:Envelope>`)
		pages[p] = buf.Bytes()
	}
	var requests, conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		body, _ := io.ReadAll(r.Body)
		_, rest, _ := bytes.Cut(body, []byte("<CurrentPage>"))
		n, _, _ := bytes.Cut(rest, []byte("<"))
		p, err := strconv.Atoi(string(n))
		if err != nil || p < 1 || p > len(pages) {
			http.Error(w, "bad page", 400)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Write(pages[p-1])
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := NewClient(srv.URL, WithUsernameToken("u", "p"), WithInsecureHTTP(), WithPageSize(size),
		WithRequestContexts(func() string { return "rc" }))
	if err != nil {
		b.Fatal(err)
	}
	q := Query{Filter: And(Eq("objectCategory", "person"), Eq("objectClass", "user")), Properties: []string{"samaccountname"}}
	report := func(b *testing.B) {
		b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
		b.ReportMetric(float64(conns.Load())/float64(b.N), "conns/op")
		requests.Store(0)
		conns.Store(0)
	}
	b.Run("hrbridge", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range c.ReadUsers(context.Background(), q) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != users {
				b.Fatalf("%d users", n)
			}
		}
		report(b)
	})
	// The plain way: gowsdl's generated client, page after page.
	b.Run("gowsdl", func(b *testing.B) {
		svc := um.NewUserManagerSoap(gowsdl.NewClient(srv.URL))
		fs := q.Filter.wire()
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for page := int32(1); ; page++ {
				sz := int32(size)
				resp, err := svc.ReadUsers(&um.UserManagerReadUsers{PagingInfo: &um.PagingInfo{CurrentPage: &page, PageSize: &sz, FilterSet: fs}})
				if err != nil {
					b.Fatal(err)
				}
				n += len(resp.PagingInfo.UserAccountTable.UserAccounts.UserAccount)
				if page >= *resp.PagingInfo.LastPage {
					break
				}
			}
			if n != users {
				b.Fatalf("%d users", n)
			}
		}
		report(b)
	})
}

// BenchmarkUpdateUser1000 sends 1,000 sequential UpdateUser calls through
// this client and through gowsdl's own generated client.
func BenchmarkUpdateUser1000(b *testing.B) {
	startBenchFake(b, 1)
	props := Properties{}.Set(PropCompany, "Amazon1")
	b.Run("hrbridge", func(b *testing.B) {
		c, _ := NewClient(benchURL, WithUsernameToken(benchUser, benchPass), WithInsecureHTTP())
		conns0 := benchConns()
		for b.Loop() {
			for range 1000 {
				if err := c.UpdateUser(context.Background(), "bench0@csf.com", props); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(benchConns()-conns0)/float64(b.N), "conns/1000")
	})
	b.Run("gowsdl", func(b *testing.B) {
		gc := gowsdl.NewClient(benchURL)
		gc.AddHeader(&struct {
			XMLName xml.Name `xml:"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd Security"`
			security
		}{security: security{MustUnderstand: "1", UsernameToken: usernameToken{Username: benchUser, Password: password{Type: passwordText, Value: benchPass}}}})
		svc := um.NewUserManagerSoap(gc)
		op := um.OperationTypeOverWrite
		conns0 := benchConns()
		for b.Loop() {
			for i := range 1000 {
				rc := fmt.Sprint(i)
				resp, err := svc.UpdateUser(&um.UserManagerUpdate{UserAccount: &um.UserAccount{UserId: "bench0@csf.com", RequestContext: rc,
					PropertyTable: &um.PropertyTable{Properties: &um.ArrayOfPropertyElement{PropertyElement: []*um.PropertyElement{{Name: "company", Value: "Amazon1", OperationType: &op}}}}}})
				if err != nil || resp.Result == nil || resp.ResultCode == nil || *resp.ResultCode != 0 {
					b.Fatal(err, resp)
				}
			}
		}
		b.ReportMetric(float64(benchConns()-conns0)/float64(b.N), "conns/1000")
	})
}
