package sagepeople_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// pageRecords is how many records a captured page or result set holds.
const pageRecords = 2000

// capture returns a REST page's records (the JSON array) and a Bulk CSV
// result set of pageRecords team members as the fake writes them.
func capture(b *testing.B) (records, csvSet []byte) {
	srv := sagepeopletest.NewServer(b, sagepeopletest.WithBulkPolls(0))
	fill(srv, pageRecords)
	c := newClient(b, srv)
	if _, err := c.Count(context.Background(), sagepeople.Query{}); err != nil {
		b.Fatal(err)
	}
	token := srv.Requests()[1].Header.Get("Authorization")
	get := func(method, path string, body io.Reader) *http.Response {
		req, _ := http.NewRequest(method, srv.InstanceURL+path, body)
		req.Header.Set("Authorization", token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%s %s: %v %v", method, path, resp, err)
		}
		return resp
	}
	soql, _ := sagepeople.SOQL{Fields: selectAll(), Object: sagepeople.TeamMemberObject}.String()
	resp := get("GET", "/services/data/v67.0/query?q="+url.QueryEscape(soql), nil)
	var page struct{ Records json.RawMessage }
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	job, _ := json.Marshal(map[string]string{"operation": "query", "query": soql})
	resp = get("POST", "/services/data/v67.0/jobs/query", bytes.NewReader(job))
	var j struct{ ID string }
	json.NewDecoder(resp.Body).Decode(&j)
	resp.Body.Close()
	get("GET", "/services/data/v67.0/jobs/query/"+j.ID, nil).Body.Close()
	resp = get("GET", "/services/data/v67.0/jobs/query/"+j.ID+"/results", nil)
	csvSet, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	return page.Records, csvSet
}

// selectAll is the client's SELECT list with the default fields.
func selectAll() []string {
	return []string{"Id", "SystemModstamp", "IsDeleted", "fHCM2__Unique_Id__c", "Name", "fHCM2__First_Name__c",
		"fHCM2__Surname__c", "fHCM2__Email__c", "fHCM2__Job_Title__c", "fHCM2__Department__c", "fHCM2__Home_Address_1__c",
		"fHCM2__Home_Address_2__c", "fHCM2__Home_Address_3__c", "fHCM2__Home_Address_City__c", "fHCM2__Home_Address_Region__c",
		"fHCM2__Home_Address_Postal_Code__c", "fHCM2__Home_Address_Country__c", "fHCM2__Location__c", "fHCM2__Employment_Status__c",
		"fHCM2__Current_Employment__r.Name", "fHCM2__Current_Employment__r.fHCM2__Active__c",
		"fHCM2__Current_Employment__r.fHCM2__Start_Date__c", "fHCM2__Current_Employment__r.fHCM2__End_Date__c",
		"fHCM2__Manager__c", "fHCM2__Manager__r.fHCM2__Unique_Id__c", "fHCM2__Manager__r.fHCM2__Email__c", "fHCM2__Manager__r.Name"}
}

// replay is an org of n team members whose every page is the captured one:
// its own cost per page is a write of bytes made once, the same for every
// reader measured.
func replay(b *testing.B, n int, records, csvSet []byte) *httptest.Server {
	pages := (n + pageRecords - 1) / pageRecords
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(csvSet)
	zw.Close()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		w.Header().Set("Content-Type", "application/json")
		switch {
		case p == "/services/oauth2/token":
			fmt.Fprintf(w, `{"access_token":"00Dbench!tok","instance_url":%q,"token_type":"Bearer"}`, srv.URL)
		case p == "/services/data/v67.0/query" && strings.Contains(r.URL.Query().Get("q"), "COUNT()"):
			fmt.Fprintf(w, `{"totalSize":%d,"done":true,"records":[]}`, n)
		case p == "/services/data/v67.0/query" || strings.HasPrefix(p, "/services/data/v67.0/query/"):
			k := 0
			if _, after, ok := strings.Cut(p, "-"); ok {
				k, _ = strconv.Atoi(after)
			}
			fmt.Fprintf(w, `{"totalSize":%d,"done":%t,`, n, k == pages-1)
			if k < pages-1 {
				fmt.Fprintf(w, `"nextRecordsUrl":"/services/data/v67.0/query/01gBENCH-%d",`, k+1)
			}
			io.WriteString(w, `"records":`)
			w.Write(records)
			io.WriteString(w, "}")
		case p == "/services/data/v67.0/jobs/query" && r.Method == "POST":
			io.WriteString(w, `{"id":"750BENCH","state":"UploadComplete"}`)
		case strings.HasSuffix(p, "/results"):
			k, _ := strconv.Atoi(r.URL.Query().Get("locator"))
			next := "null"
			if k < pages-1 {
				next = strconv.Itoa(k + 1)
			}
			w.Header().Set("Content-Type", "text/csv")
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Sforce-Locator", next)
			w.Header().Set("Sforce-NumberOfRecords", strconv.Itoa(pageRecords))
			w.Write(zipped.Bytes())
		case r.Method == "GET":
			fmt.Fprintf(w, `{"id":"750BENCH","state":"JobComplete","numberRecordsProcessed":%d}`, pages*pageRecords)
		case r.Method == "DELETE":
			w.WriteHeader(http.StatusNoContent)
		default:
			io.WriteString(w, `{"id":"750BENCH","state":"Aborted"}`)
		}
	}))
	b.Cleanup(srv.Close)
	return srv
}

// heap samples the live heap at page edges and keeps the highest.
type heap struct{ base, peak uint64 }

func (h *heap) start() {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.base, h.peak = ms.HeapAlloc, ms.HeapAlloc
}

func (h *heap) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.peak = max(h.peak, ms.HeapAlloc)
}

// BenchmarkReadTeamMembers reads n team members as typed TeamMembers
// through REST pages and through a Bulk API 2.0 job, and, as a quick script
// would, decodes the same REST pages with encoding/json into map[string]any.
// It reports records/s, allocs/record and the peak heap above the resting
// one, sampled at each page edge.
func BenchmarkReadTeamMembers(b *testing.B) {
	records, csvSet := capture(b)
	key, _, err := sagepeopletest.NewKeyPair("bench")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 100_000} {
		srv := replay(b, n, records, csvSet)
		for _, via := range []string{"REST", "Bulk", "map-any"} {
			b.Run(fmt.Sprintf("%s/n=%d", via, n), func(b *testing.B) {
				var h heap
				c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(),
					sagepeople.WithJWTBearer("bench", "bench@acme.example", sagepeople.LoginAudience, key),
					sagepeople.WithBulkPoll(time.Millisecond, time.Millisecond),
					sagepeople.WithProgress(func(int, int) { h.sample() }))
				if err != nil {
					b.Fatal(err)
				}
				q := sagepeople.Query{Via: sagepeople.ViaREST}
				if via == "Bulk" {
					q.Via = sagepeople.ViaBulk
				}
				read := func() int {
					if via == "map-any" {
						return readMaps(b, srv.URL, h.sample)
					}
					got := 0
					for m, err := range c.TeamMembers(context.Background(), q) {
						if err != nil || m.ID == "" {
							b.Fatal(err)
						}
						got++
					}
					return got
				}
				read() // warm: token, connections
				var before, after runtime.MemStats
				h.start()
				runtime.ReadMemStats(&before)
				b.ResetTimer()
				total := 0
				for b.Loop() {
					total += read()
				}
				b.StopTimer()
				runtime.ReadMemStats(&after)
				if total != b.N*((n+pageRecords-1)/pageRecords)*pageRecords {
					b.Fatalf("read %d records in %d runs", total, b.N)
				}
				b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "records/s")
				b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(total), "allocs/record")
				b.ReportMetric(float64(h.peak-h.base)/(1<<20), "peak-MB")
			})
		}
	}
}

// readMaps is what a quick script does: GET each page, decode it into
// map[string]any, follow nextRecordsUrl.
func readMaps(b *testing.B, base string, sample func()) int {
	next, got := "/services/data/v67.0/query?q="+url.QueryEscape("SELECT "+strings.Join(selectAll(), ",")+" FROM fHCM2__Team_Member__c"), 0
	for next != "" {
		req, _ := http.NewRequest("GET", base+next, nil)
		req.Header.Set("Authorization", "Bearer 00Dbench!tok")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		for _, r := range page["records"].([]any) {
			if r.(map[string]any)["Id"] == "" {
				b.Fatal("no Id")
			}
			got++
		}
		next, _ = page["nextRecordsUrl"].(string)
		sample()
	}
	return got
}
