package hcmscim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

// BenchmarkLookupPersonNumbers resolves 10,000 person numbers against the
// fake: at most ceil(10000/6) = 1667 requests, one request at a time against
// the default concurrency, with the fake answering at once and with 2 ms
// of latency per request (a pod on the network).
func BenchmarkLookupPersonNumbers(b *testing.B) {
	const people = 10000
	const maxRequests = (people + hcmscim.PersonNumbersPerRequest - 1) / hcmscim.PersonNumbersPerRequest
	for _, latency := range []time.Duration{0, 2 * time.Millisecond} {
		for _, workers := range []int{1, hcmscim.DefaultLookupConcurrency} {
			b.Run(fmt.Sprintf("latency=%v/concurrency=%d", latency, workers), func(b *testing.B) {
				srv, c := newPair(b, nil, hcmscim.WithLookupConcurrency(workers), hcmscim.WithDialect(hcmscim.DialectOracle))
				numbers := make([]string, people)
				for i := range numbers {
					numbers[i] = fmt.Sprint(300100000000000 + i)
					srv.AddUser(hcmscim.User{UserName: "u" + numbers[i], FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: numbers[i]}}})
				}
				if latency > 0 {
					srv.Faults.Random(1, 1, hcmscimtest.Fault{Delay: latency})
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					srv.ResetRequests()
					found, missing, err := c.LookupPersonNumbers(context.Background(), numbers)
					if err != nil || len(found) != people || len(missing) != 0 {
						b.Fatalf("found %d, missing %d, %v", len(found), len(missing), err)
					}
					if n := len(srv.Requests()); n > maxRequests {
						b.Fatalf("%d requests, more than %d", n, maxRequests)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(len(srv.Requests())), "requests/op")
			})
		}
	}
}

// BenchmarkUsers lists 2,000 users in pages of 100 from the fake: through
// the client's iterator, and the plain way, with net/http and
// encoding/json and a hand-written paging loop (no retries, redaction,
// content checks or repeated-page guard).
func BenchmarkUsers(b *testing.B) {
	const people, pageSize = 2000, 100
	srv, c := newPair(b, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
	for i := range people {
		srv.AddUser(hcmscim.User{UserName: fmt.Sprintf("user%05d", i), Emails: []hcmscim.Email{hcmscim.WorkEmail(fmt.Sprintf("u%d@acme.example", i))},
			FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: fmt.Sprint(300100000000000 + i)}}})
	}
	b.Run("hcmscim", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			n := 0
			for _, err := range c.Users(context.Background(), hcmscim.Query{Count: pageSize}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != people {
				b.Fatalf("%d users", n)
			}
		}
	})
	b.Run("net-http", func(b *testing.B) {
		b.ReportAllocs()
		hc := &http.Client{}
		for range b.N {
			n := 0
			for start := 1; ; start += pageSize {
				req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s%s/Users?startIndex=%d&count=%d", srv.URL, hcmscim.DefaultPath, start, pageSize), nil)
				req.SetBasicAuth(srv.Username, srv.Password)
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				var page struct{ Resources []hcmscim.User }
				err = json.NewDecoder(resp.Body).Decode(&page)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				n += len(page.Resources)
				if len(page.Resources) < pageSize {
					break
				}
			}
			if n != people {
				b.Fatalf("%d users", n)
			}
		}
	})
}
