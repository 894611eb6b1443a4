package hcmatom_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
	iopt "github.com/hrbridge/hrbridge/internal/opt"
)

// feedPage returns a page of n entries as the fake serves them: hires
// (newhire and empassignment), promotions (empassignment) and new
// assignments with flexfields, in the proportions of a busy day.
func feedPage(b *testing.B, n int) []byte {
	b.Helper()
	s := hcmatomtest.NewServer(b)
	var hired []hcmatomtest.Worker
	for i := 0; len(s.Entries(hcmatom.AssignmentFeed)) < n; i++ {
		at := t0.Add(time.Duration(i) * time.Second)
		switch {
		case i%3 == 0 || len(hired) == 0:
			hired = append(hired, s.Hire(at, hcmatomtest.Worker{Name: fmt.Sprintf("Worker, Number %d", i), BusinessUnitID: "300100037658147",
				OrganizationID: "300100037658514", JobID: "300100037658485", LocationID: "300100037658196"}))
		case i%3 == 1:
			s.Promote(at, hired[i%len(hired)].AssignmentID, map[string]string{"JobId": fmt.Sprint(300100037658000 + i),
				"PositionId": "300100037658660", "AssignmentName": "AUTO_GHR_JOB03"})
		default:
			s.AddAssignment(at, hired[i%len(hired)].PersonNumber, map[string]string{"BusinessUnitId": "300100037658074",
				"NormalHours": "8", "TimeNormalStart": "08:00", "TimeNormalFinish": "17:00", "WorkAtHome": "N"})
		}
	}
	req, _ := http.NewRequest("GET", s.URL+"/hcmRestApi/atomservlet/employee/empassignment?orderBy=updated:asc&page-size="+fmt.Sprint(n), nil)
	req.SetBasicAuth(s.Username, s.Password)
	resp, err := s.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	doc, _ := io.ReadAll(resp.Body)
	return doc
}

// genericFeed is what a generic Go feed reader unmarshals an Atom feed into.
type genericFeed struct {
	Title   string `xml:"title"`
	Links   []genericLink
	Entries []struct {
		ID        string        `xml:"id"`
		Title     string        `xml:"title"`
		Summary   string        `xml:"summary"`
		Published string        `xml:"published"`
		Updated   string        `xml:"updated"`
		Author    string        `xml:"author>name"`
		Links     []genericLink `xml:"link"`
		Content   string        `xml:"content"`
	} `xml:"entry"`
}

type genericLink struct {
	XMLName xml.Name `xml:"link"`
	Rel     string   `xml:"rel,attr"`
	Href    string   `xml:"href,attr"`
}

// BenchmarkParsePage reads a 1,000-entry feed page and decodes every
// entry's content: hcmatom's streaming reader and decoder, against the
// generic way (encoding/xml into structs, then encoding/json into
// map[string]any) on the same bytes.
func BenchmarkParsePage(b *testing.B) {
	const n = 1000
	doc := feedPage(b, n)
	report := func(b *testing.B, run func() int) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		for b.Loop() {
			if got := run(); got != n {
				b.Fatalf("%d entries", got)
			}
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(b.N*n)/elapsed.Seconds(), "entries/s")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*n), "allocs/entry")
	}
	b.Run("hcmatom", func(b *testing.B) {
		report(b, func() int {
			fr := hcmatom.NewFeedReader(bytes.NewReader(doc), 0)
			count := 0
			for {
				e, err := fr.Next()
				if err == io.EOF {
					return count
				}
				if err != nil {
					b.Fatal(err)
				}
				if _, err := hcmatom.Decode(hcmatom.AssignmentFeed, e); err != nil {
					b.Fatal(err)
				}
				count++
			}
		})
	})
	b.Run("generic", func(b *testing.B) {
		report(b, func() int {
			var f genericFeed
			if err := xml.Unmarshal(doc, &f); err != nil {
				b.Fatal(err)
			}
			for _, e := range f.Entries {
				var m map[string]any
				if err := json.Unmarshal([]byte(e.Content), &m); err != nil {
					b.Fatal(err)
				}
			}
			return len(f.Entries)
		})
	})
}

// BenchmarkRosterApply applies one million events to a roster of 100,000
// workers: promotions and transfers, personal updates, payroll, primary
// work relationship swaps, terminations, rehires and new hires. Events are
// made in batches of 100,000 outside the timer.
func BenchmarkRosterApply(b *testing.B) {
	const workers, events, chunk = 100_000, 1_000_000, 100_000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := hcmatom.NewRoster()
		var batch hcmatom.Batch
		for w := range workers {
			batch.Add(hcmatom.Person{PersonNumber: fmt.Sprint(w), PersonID: fmt.Sprint("P", w), Name: fmt.Sprintf("Worker, %d", w),
				WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: fmt.Sprint("W", w), Primary: true, PeriodType: "E", WorkerType: "EMP",
					Assignments: []hcmatom.Assignment{{AssignmentID: fmt.Sprint("A", w), Primary: true, AssignmentStatusType: "ACTIVE", JobID: "J0"}}}}})
		}
		if err := r.Load(&batch); err != nil {
			b.Fatal(err)
		}
		g := &eventMaker{rng: rand.New(rand.NewPCG(1, 2)), next: workers, at: t0}
		var elapsed time.Duration
		var mallocs uint64
		var meanings [hcmatom.Update + 1]int
		for done := 0; done < events; done += chunk {
			evs := g.make(chunk)
			var mem0, mem1 runtime.MemStats
			runtime.ReadMemStats(&mem0)
			b.StartTimer()
			start := time.Now()
			for _, ev := range evs {
				out, err := r.Apply(ev)
				if err != nil {
					b.Fatal(err)
				}
				meanings[out.Lifecycle]++
			}
			elapsed += time.Since(start)
			b.StopTimer()
			runtime.ReadMemStats(&mem1)
			mallocs += mem1.Mallocs - mem0.Mallocs
		}
		if i == 0 {
			b.Logf("meanings (unchanged, joiner, rehire, mover, leaver, update): %v; persons: %d", meanings, r.Len())
		}
		b.ReportMetric(float64(elapsed.Nanoseconds())/events, "ns/event")
		b.ReportMetric(events/elapsed.Seconds(), "events/s")
		b.ReportMetric(float64(mallocs)/events, "allocs/event")
	}
}

// eventMaker makes a realistic stream of events for BenchmarkRosterApply.
type eventMaker struct {
	rng  *rand.Rand
	next int // the next new person number
	at   time.Time
	gone []int // terminated workers, to rehire
}

func (g *eventMaker) make(n int) []hcmatom.Event {
	out := make([]hcmatom.Event, 0, n)
	for range n {
		g.at = g.at.Add(time.Millisecond)
		raw := hcmatom.RawEvent{At: g.at}
		w := g.rng.IntN(g.next)
		pc := hcmatom.PersonContext{PersonNumber: fmt.Sprint(w)}
		switch k := g.rng.IntN(100); {
		case k < 45: // promotion or transfer
			raw.Collection, raw.DML = hcmatom.AssignmentFeed, hcmatom.DMLUpdate
			raw.Changes = []hcmatom.ChangedAttr{
				{Name: "ActionCode", New: opt("PROMOTION")},
				{Name: "JobId", New: opt(fmt.Sprint("J", g.rng.IntN(500)))},
				{Name: "OrganizationId", New: opt(fmt.Sprint("O", g.rng.IntN(50)))}}
			out = append(out, &hcmatom.AssignmentChange{RawEvent: raw, PersonContext: pc, AssignmentID: fmt.Sprint("A", w)})
		case k < 70: // personal details
			raw.Collection, raw.DML = hcmatom.PersonUpdateFeed, hcmatom.DMLUpdate
			raw.Changes = []hcmatom.ChangedAttr{{Name: "WorkEmail", New: opt(fmt.Sprintf("w%d.%d@example.com", w, g.rng.IntN(9)))}}
			out = append(out, &hcmatom.PersonUpdate{RawEvent: raw, PersonContext: pc})
		case k < 80: // payroll
			raw.Collection = hcmatom.PayrollFeed
			out = append(out, &hcmatom.PayrollUpdate{RawEvent: raw, AssignmentID: fmt.Sprint("A", w), PayrollID: fmt.Sprint("PAY", g.rng.IntN(4))})
		case k < 85: // a work relationship update
			raw.Collection = hcmatom.WorkRelationshipFeed
			raw.Changes = []hcmatom.ChangedAttr{{Name: "LegalEntityId", New: opt(fmt.Sprint("LE", g.rng.IntN(3)))}}
			out = append(out, &hcmatom.WorkRelationshipUpdate{RawEvent: raw, PersonContext: pc, PeriodOfServiceID: fmt.Sprint("W", w)})
		case k < 92: // termination
			raw.Collection = hcmatom.TerminationFeed
			out = append(out, &hcmatom.Termination{RawEvent: raw, PersonContext: pc, PeriodOfServiceID: fmt.Sprint("W", w),
				ActualTerminationDate: hcmatom.Date{Year: 2023, Month: 7, Day: 31}})
			g.gone = append(g.gone, w)
		case k < 96 && len(g.gone) > 0: // rehire
			w = g.gone[len(g.gone)-1]
			g.gone = g.gone[:len(g.gone)-1]
			raw.Collection = hcmatom.NewHireFeed
			out = append(out, &hcmatom.NewHire{RawEvent: raw, PersonContext: hcmatom.PersonContext{PersonNumber: fmt.Sprint(w), PeriodType: "E", WorkerType: "EMP"},
				PeriodOfServiceID: fmt.Sprintf("W%d-%d", w, g.at.UnixMilli())})
		default: // new hire
			raw.Collection = hcmatom.NewHireFeed
			out = append(out, &hcmatom.NewHire{RawEvent: raw, PersonContext: hcmatom.PersonContext{PersonNumber: fmt.Sprint(g.next), PeriodType: "E",
				WorkerType: "EMP", PersonName: "New, Hire"}, PeriodOfServiceID: fmt.Sprint("W", g.next)})
			g.next++
		}
	}
	return out
}

func opt(s string) hcmatom.Opt[string] { return iopt.Of(s) }
