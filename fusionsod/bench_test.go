package fusionsod_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
)

// benchFake is a fake whose analyses take 50 ms, with one user in ten
// asking for a role that conflicts with one they hold.
func benchFake(b *testing.B, n int) (*fusionsodtest.Server, []fusionsod.AccessRequest) {
	srv := fusionsodtest.NewServer(b, fusionsodtest.WithAnalysisTime(50*time.Millisecond))
	srv.AddControl(fusionsodtest.Control{Name: "Pay and approve invoices", Roles: [2]string{"AP_PAYER", "AP_APPROVER"}})
	reqs := make([]fusionsod.AccessRequest, n)
	for i := range reqs {
		user := fmt.Sprintf("USER%04d", i)
		if i%10 == 0 {
			srv.AddUser(user, fusionsodtest.Grant{Role: "AP_APPROVER"})
		}
		reqs[i] = fusionsod.AccessRequest{ID: user, User: user, Roles: []fusionsod.RoleRequest{
			{Code: "GL_VIEWER"}, {Code: "AP_PAYER", DataAccess: []fusionsod.DataAccess{{Kind: fusionsod.BusinessUnit, Value: "Vision China"}}},
		}}
	}
	return srv, reqs
}

func benchSize() int {
	if testing.Short() {
		return 40
	}
	return 1000
}

// BenchmarkGate sends 1,000 access requests through the gate against the
// fake (50 ms of analysis each; one in ten conflicting, approved with a
// justification), with the default concurrency and one at a time, with the
// client's default polling.
func BenchmarkGate(b *testing.B) {
	n := benchSize()
	for _, conc := range []int{fusionsod.DefaultGateConcurrency, 1} {
		b.Run(fmt.Sprintf("requests=%d/concurrency=%d", n, conc), func(b *testing.B) {
			for b.Loop() {
				srv, reqs := benchFake(b, n)
				c, err := fusionsod.NewClient(srv.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(srv.Username, srv.Password))
				if err != nil {
					b.Fatal(err)
				}
				g, err := fusionsod.NewGate(c, fusionsod.WithConcurrency(conc), fusionsod.WithApprover(fusionsod.ApproverFunc(
					func(context.Context, fusionsod.Review) (fusionsod.Verdict, error) {
						return fusionsod.Verdict{Decision: fusionsod.Approved, By: "CONTROLLER", Justification: "month-end cover"}, nil
					})))
				if err != nil {
					b.Fatal(err)
				}
				granted := 0
				for o, err := range g.DecideAll(context.Background(), func(yield func(fusionsod.AccessRequest) bool) {
					for _, r := range reqs {
						if !yield(r) {
							return
						}
					}
				}) {
					if err != nil {
						b.Fatal(err)
					}
					granted += len(o.Granted())
				}
				if granted != 2*n {
					b.Fatalf("%d roles granted, want %d", granted, 2*n)
				}
				b.ReportMetric(float64(len(srv.Requests())), "requests/op")
			}
		})
	}
}

// BenchmarkPlainLoop is what a script does without hrbridge: one request
// after the other, net/http and encoding/json, polling the status every
// 100 ms, reading one page of results. It approves nothing.
func BenchmarkPlainLoop(b *testing.B) {
	n := benchSize()
	b.Run(fmt.Sprintf("requests=%d", n), func(b *testing.B) {
		for b.Loop() {
			srv, reqs := benchFake(b, n)
			api := srv.URL + fusionsod.DefaultPath + "/advancedControlsRolesProvisioning"
			post := func(url string, body any, out any) {
				data, _ := json.Marshal(body)
				r, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(data))
				r.SetBasicAuth(srv.Username, srv.Password)
				r.Header.Set("Content-Type", fusionsod.ActionContentType)
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					b.Fatal(err)
				}
				defer resp.Body.Close()
				if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
					b.Fatal(err)
				}
			}
			for _, req := range reqs {
				roles := map[string][]string{}
				for _, r := range req.Roles {
					roles[r.Code] = nil
					for _, d := range r.DataAccess {
						roles[r.Code] = append(roles[r.Code], d.String())
					}
				}
				var run struct{ Result string }
				post(api+"/action/runUserProvisioningAnalysis", map[string]any{"userName": req.User, "provisioningInfo": roles}, &run)
				for {
					time.Sleep(100 * time.Millisecond)
					var st struct{ Result string }
					post(api+"/action/getRequestStatus", map[string]any{"requestId": run.Result}, &st)
					if st.Result == "Job Completed>" {
						break
					}
				}
				r, _ := http.NewRequest(http.MethodGet, api+"?onlyData=true&finder=getUserProvisioningAnalysisIncidents;requestId="+run.Result, nil)
				r.SetBasicAuth(srv.Username, srv.Password)
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					b.Fatal(err)
				}
				var page struct{ Items []json.RawMessage }
				json.NewDecoder(resp.Body).Decode(&page)
				resp.Body.Close()
			}
			b.ReportMetric(float64(len(srv.Requests())), "requests/op")
		}
	})
}
