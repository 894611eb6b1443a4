package csf

import (
	"context"
	"encoding/xml"
	"fmt"
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
// client: requests, connections opened, allocations per user.
func BenchmarkReadUsers10k(b *testing.B) {
	startBenchFake(b, 10000)
	c, err := NewClient(benchURL, WithUsernameToken(benchUser, benchPass), WithInsecureHTTP(), WithPageSize(500))
	if err != nil {
		b.Fatal(err)
	}
	conns0 := benchConns()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range c.ReadUsers(context.Background(), Query{Filter: Eq("objectClass", "user"), Properties: []string{"samaccountname"}}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 10000 {
			b.Fatalf("%d users", n)
		}
	}
	b.ReportMetric(float64(benchConns()-conns0), "conns")
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
