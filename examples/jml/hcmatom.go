package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

// hcmFeedStep is the two syncs of Oracle's guide: the company's story
// happens in HCM (a fake pod). The initial sync: the integration makes a
// key pair and gives HCM the public half; HCM exports the company as it
// stood yesterday as a PGP-encrypted CSV extract, which the integration
// decrypts and loads into a roster. The incremental sync: today's ATOM
// feeds, read from the time of the extract, bring the joiners, movers and
// leavers, each event reporting what it meant. The roster, mapped to
// persons (canonical.HCM), then classifies as the snapshots do.
//
// The feeds are read by published time, so that Diego's hire, entered
// today for next week, is seen today, as the snapshots see it.
func hcmFeedStep(ctx context.Context, w io.Writer, yesterday, today []canonical.Person, runDate canonical.Date) error {
	var clock atomic.Int64 // the pod's "now": the end of the day being read
	setDay := func(d canonical.Date) {
		clock.Store(time.Date(d.Year, d.Month, d.Day, 23, 0, 0, 0, time.UTC).UnixNano())
	}
	pod, err := hcmatomtest.Start(hcmatomtest.WithClock(func() time.Time { return time.Unix(0, clock.Load()).UTC() }))
	if err != nil {
		return err
	}
	defer pod.Close()
	hired := history(pod, yesterday)

	c, err := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	if err != nil {
		return err
	}
	roster := hcmatom.NewRoster()
	sync := &hcmatom.Sync{Client: c, Store: &hcmatom.MemoryStore{}, Order: hcmatom.ByPublished, PageSize: 25}
	apply := func(report bool) hcmatom.Handler {
		return func(_ context.Context, ev hcmatom.Event) error {
			out, err := roster.Apply(ev)
			if err != nil || !report || out.Lifecycle == hcmatom.Unchanged {
				return err
			}
			p, _ := roster.Person(out.PersonNumber)
			fmt.Fprintf(w, "  %-7s %s (%s) ← %s: %s\n", out.Lifecycle, out.PersonNumber, p.Name, ev.Raw().Collection.Name(), ev.Raw().Entry.Summary)
			return nil
		}
	}
	setDay(runDate.AddDays(-1))
	sum, err := initialSync(ctx, pod, roster, runDate.AddDays(-1))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nHCM's initial extract of %s (PGP-encrypted, decrypted and loaded): %d rows, %d workers in the roster.\n",
		runDate.AddDays(-1), sum.Rows, roster.Len())
	sync.Start = time.Unix(0, clock.Load()).UTC() // the feeds take over where the extract ends
	// This step only classifies: no target logins are needed.
	mapping := canonical.HCM{Roster: roster, RunDate: runDate, LoginSystems: []string{}}
	before, err := mapping.FromRoster()
	if err != nil {
		return err
	}

	hrActions(pod, hired, runDate)
	setDay(runDate)
	fmt.Fprintf(w, "What HCM's feeds say happened on %s:\n", runDate)
	if _, err := sync.Run(ctx, apply(true)); err != nil {
		return err
	}
	after, err := mapping.FromRoster()
	if err != nil {
		return err
	}
	agree := 0
	for _, key := range keys(before, after) {
		fromFeeds := canonical.Classify(find(before, key), find(after, key)).Lifecycle
		fromSnapshots := canonical.Classify(find(yesterday, key), find(today, key)).Lifecycle
		if fromFeeds == fromSnapshots {
			agree++
		} else {
			fmt.Fprintf(w, "  %s: the feeds make a %s, the snapshots a %s\n", key, fromFeeds, fromSnapshots)
		}
	}
	fmt.Fprintf(w, "Classified from the roster, %d of %d persons agree with the snapshots.\n", agree, len(keys(before, after)))
	return nil
}

// initialSync is the guide's "Initial Sync": the key exchange (the public
// half of a new key pair goes to HCM, the private half stays here), HCM's
// encrypted extract of the day, and its load into the roster, all or
// nothing.
func initialSync(ctx context.Context, pod *hcmatomtest.Server, roster *hcmatom.Roster, day canonical.Date) (*hcmatom.ExtractSummary, error) {
	kp, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "Acme EMS", Email: "ems@acme.example", Bits: 2048})
	if err != nil {
		return nil, err
	}
	var upload bytes.Buffer
	if err := pod.EncryptedExtract(&upload, kp.PublicKey, nil); err != nil {
		return nil, err
	}
	d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PrivateKey, nil))
	if err != nil {
		return nil, err
	}
	return roster.LoadExtract(ctx, d, &upload, hcmatom.WithAsOf(dayAt(day, 23)))
}

// hcmID is the PersonId the demo gives a person number.
func hcmID(key string) string { return "30010059" + key }

// worker returns what HCM holds of a person of the snapshots.
func worker(p *canonical.Person) hcmatomtest.Worker {
	w := hcmatomtest.Worker{PersonNumber: p.Key, PersonID: hcmID(p.Key), Name: p.Name.Family.Or("") + ", " + p.Name.Given.Or(""),
		WorkerType: "EMP", Start: p.Employment.Start.Or(canonical.Date{})}
	for _, e := range p.Emails {
		if e.Type == "work" {
			w.WorkEmail = e.Address
		}
	}
	if len(p.Assignments) > 0 {
		w.OrganizationID, w.LocationID = p.Assignments[0].Department.Or(""), p.Assignments[0].Location.Or("")
	}
	if len(p.Managers) > 0 {
		w.ManagerID = hcmID(p.Managers[0])
	}
	return w
}

// history enters the company as it stood yesterday into the pod: each hire
// on its start date, and each end of employment.
func history(pod *hcmatomtest.Server, people []canonical.Person) map[string]hcmatomtest.Worker {
	hired := map[string]hcmatomtest.Worker{}
	for i := range people {
		p := &people[i]
		w := worker(p)
		hired[p.Key] = pod.Hire(dayAt(w.Start, 9), w)
		if end, ok := p.Employment.End.Get(); ok && !end.IsZero() {
			pod.Terminate(dayAt(end, 17), hired[p.Key].PeriodOfServiceID, end)
		}
	}
	return hired
}

// hrActions is what HR enters on the run date, the story of company.go.
func hrActions(pod *hcmatomtest.Server, hired map[string]hcmatomtest.Worker, d canonical.Date) {
	hana := hcmatomtest.Worker{PersonNumber: "1008", PersonID: hcmID("1008"), Name: "Sato, Hana", WorkEmail: "hsato@acme.example",
		Start: date(2024, 3, 1), OrganizationID: "Sales", LocationID: "Lyon", ManagerID: hcmID("1001")}
	pod.Hire(dayAt(d, 8), hana)
	pod.Hire(dayAt(d, 8).Add(30*time.Minute), hcmatomtest.Worker{PersonNumber: "1007", PersonID: hcmID("1007"), Name: "Ruiz, Diego",
		WorkEmail: "druiz@acme.example", Start: date(2024, 3, 11), OrganizationID: "Sales", LocationID: "Lyon", ManagerID: hcmID("1008")})
	pod.Rehire(dayAt(d, 9), "1009", d)
	pod.Transfer(dayAt(d, 10), hired["1003"].AssignmentID, map[string]string{"OrganizationId": "Sales", "ManagerId": hcmID("1008")})
	pod.Terminate(dayAt(d, 11), hired["1004"].PeriodOfServiceID, date(2024, 2, 29))
	pod.UpdatePerson(dayAt(d, 12), "1005", map[string]string{"PersonName": "Novak-Hill, Emma", "PrimaryPhoneNumber": "+33 6 12 34 56 78"})
}

// dayAt returns the given hour of a day, UTC.
func dayAt(d canonical.Date, hour int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, time.UTC)
}
