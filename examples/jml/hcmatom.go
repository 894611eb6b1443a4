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

// hcm is the source side of the run, the two syncs of Oracle's integration
// guide. The initial sync: the integration makes a key pair and gives HCM
// the public half; HCM exports the company as it stood yesterday as a
// PGP-encrypted CSV extract, which the integration decrypts and loads into
// a roster. The incremental sync: today's ATOM feeds, read from the time of
// the extract, bring the joiners, movers and leavers, each event reporting
// what it meant. The workstructures feeds name the departments, locations
// and legal employer, which the extract gives by id only. The roster,
// mapped to persons by canonical.HCM, is what every target is planned
// from.
type hcm struct {
	pod     *hcmatomtest.Server
	clock   atomic.Int64 // the pod's "now": the end of the day being read
	hired   map[string]hcmatomtest.Worker
	roster  *hcmatom.Roster
	names   *hcmatom.Workstructures
	feeds   *hcmatom.Sync
	mapping canonical.HCM
}

// startHCM starts the pod with yesterday's company in it.
func startHCM(runDate canonical.Date) (*hcm, error) {
	h := &hcm{roster: hcmatom.NewRoster(), names: hcmatom.NewWorkstructures()}
	pod, err := hcmatomtest.Start(hcmatomtest.WithClock(func() time.Time { return time.Unix(0, h.clock.Load()).UTC() }))
	if err != nil {
		return nil, err
	}
	h.pod = pod
	h.hired = history(pod)
	c, err := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	if err != nil {
		pod.Close()
		return nil, err
	}
	h.feeds = &hcmatom.Sync{Client: c, Store: &hcmatom.MemoryStore{}, Order: hcmatom.ByPublished, PageSize: 25}
	// The integration fills the targets' logins with its login policy
	// (company.go), and names work structures from the feeds.
	h.mapping = canonical.HCM{Roster: h.roster, Workstructures: h.names, RunDate: runDate,
		Login: login}
	return h, nil
}

func (h *hcm) Close() { h.pod.Close() }

// setDay moves the pod's clock to the end of day d.
func (h *hcm) setDay(d canonical.Date) { h.clock.Store(dayAt(d, 23).UnixNano()) }

// initialSync loads yesterday's extract, reads the work structures' names,
// and returns yesterday's people.
func (h *hcm) initialSync(ctx context.Context, w io.Writer, day canonical.Date) ([]canonical.Person, error) {
	h.setDay(day)
	kp, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "Acme EMS", Email: "ems@acme.example", Bits: 2048})
	if err != nil {
		return nil, err
	}
	var upload bytes.Buffer
	if err := h.pod.EncryptedExtract(&upload, kp.PublicKey, nil); err != nil {
		return nil, err
	}
	d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PrivateKey, nil))
	if err != nil {
		return nil, err
	}
	sum, err := h.roster.LoadExtract(ctx, d, &upload, hcmatom.WithAsOf(dayAt(day, 23)))
	if err != nil {
		return nil, err
	}
	names := &hcmatom.Sync{Client: h.feeds.Client, Store: &hcmatom.MemoryStore{}, Feeds: hcmatom.WorkstructureFeeds()}
	if _, err := names.Run(ctx, func(_ context.Context, ev hcmatom.Event) error { h.names.Apply(ev); return nil }); err != nil {
		return nil, err
	}
	h.feeds.Start = time.Unix(0, h.clock.Load()).UTC() // the feeds take over where the extract ends
	fmt.Fprintf(w, "Oracle HCM Cloud (source): the initial extract of %s, PGP-encrypted, decrypted and loaded: %d rows, %d workers; %d work structures named by the feeds.\n",
		day, sum.Rows, h.roster.Len(), h.names.Len())
	return h.mapping.FromRoster()
}

// today enters the day's HR actions in HCM, reads them from the feeds into
// the roster, printing what each event meant, and returns today's people.
func (h *hcm) today(ctx context.Context, w io.Writer, runDate canonical.Date) ([]canonical.Person, error) {
	hrActions(h.pod, h.hired, runDate)
	h.setDay(runDate)
	fmt.Fprintf(w, "\nOracle HCM Cloud (source): what the feeds say happened on %s:\n", runDate)
	if _, err := h.feeds.Run(ctx, func(_ context.Context, ev hcmatom.Event) error {
		if h.names.Apply(ev) {
			return nil
		}
		out, err := h.roster.Apply(ev)
		if err != nil || out.Lifecycle == hcmatom.Unchanged {
			return err
		}
		p, _ := h.roster.Person(out.PersonNumber)
		fmt.Fprintf(w, "  %-9s %s (%s) ← %s: %s\n", out.Lifecycle, out.PersonNumber, p.Name, ev.Raw().Collection.Name(), ev.Raw().Entry.Summary)
		return nil
	}); err != nil {
		return nil, err
	}
	return h.mapping.FromRoster()
}
