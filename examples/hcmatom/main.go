// Command hcmatom runs an incremental sync from Oracle HCM Cloud's ATOM
// feeds, against the fake pod of hcmatomtest: a few days of joiners, movers
// and leavers, read into a roster and reported. The cursors are kept in a
// file; a handler failure in the middle shows that a restart loses nothing.
//
//	go run ./examples/hcmatom
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx := context.Background()
	pod, err := hcmatomtest.Start()
	if err != nil {
		return err
	}
	defer pod.Close()
	day := func(d, h int) time.Time { return time.Date(2023, 6, d, h, 0, 0, 0, time.UTC) }

	// What HR does over a few days.
	barbara := pod.Hire(day(29, 9), hcmatomtest.Worker{PersonNumber: "966169008890206", Name: "Meyerson, Barbara",
		BusinessUnitID: "BU-SALES", JobID: "SALES_REP"})
	jennifer := pod.AddPendingWorker(day(29, 10), hcmatomtest.Worker{PersonNumber: "966169008890210", Name: "Gainsboro, Jennifer", JobID: "ANALYST"})
	rachel := pod.Hire(day(29, 11), hcmatomtest.Worker{PersonNumber: "966169008890235", Name: "Goode, Rachel", BusinessUnitID: "BU-OPS"})
	pod.ChangeWorkstructure(day(30, 8), hcmatom.JobsFeed, "SALES_LEAD", "Sales Team Lead")
	pod.Promote(day(30, 9), barbara.AssignmentID, map[string]string{"JobId": "SALES_LEAD"})
	pod.ConvertPendingWorker(day(30, 10), jennifer.PersonNumber)
	pod.Transfer(day(30, 11), rachel.AssignmentID, map[string]string{"BusinessUnitId": "BU-FIN", "JobId": "ACCOUNTANT"})
	pod.UpdatePerson(day(30, 12), barbara.PersonNumber, map[string]string{"WorkEmail": "barbara.meyerson@example.com"})
	pod.Terminate(day(30, 17), rachel.PeriodOfServiceID, hcmatom.Date{Year: 2023, Month: 7, Day: 3})

	c, err := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "hcmatom-example")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	roster := hcmatom.NewRoster()
	sync := &hcmatom.Sync{Client: c, Store: hcmatom.NewFileStore(filepath.Join(dir, "cursors.json"))}

	// The provisioning target fails once, on Rachel's transfer.
	failOnce := true
	handle := func(ctx context.Context, ev hcmatom.Event) error {
		if t, ok := ev.(*hcmatom.AssignmentChange); ok && t.PersonNumber == rachel.PersonNumber && failOnce && t.DML == hcmatom.DMLUpdate {
			failOnce = false
			return errors.New("provisioning target unavailable")
		}
		out, err := roster.Apply(ev)
		if err != nil {
			return err
		}
		raw := ev.Raw()
		if ws, ok := ev.(*hcmatom.WorkstructureChange); ok {
			fmt.Printf("%s  %-18s %s %s\n", raw.At.Format("Jan 02 15:04"), raw.Collection.Name(), ws.ObjectID, ws.Name)
			return nil
		}
		fmt.Printf("%s  %-18s %-16s %-8s", raw.At.Format("Jan 02 15:04"), raw.Collection.Name(), out.PersonNumber, out.Lifecycle)
		for _, ch := range out.Changes {
			if ch.Kind == hcmatom.Changed && ch.Field != "" && ch.Field != "OtherIds" {
				fmt.Printf("  %s.%s %q→%q", map[string]string{"person": "per", "work relationship": "wr", "assignment": "asg"}[ch.Object], ch.Field, ch.Old, ch.New)
			}
		}
		fmt.Println()
		return nil
	}
	stats, err := sync.Run(ctx, handle)
	fmt.Printf("-- first run: %d events, then: %v\n", stats.Events, err)
	stats, err = sync.Run(ctx, handle)
	if err != nil {
		return err
	}
	fmt.Printf("-- restart: %d events, from the event that failed on\n", stats.Events)

	fmt.Println("-- roster")
	for p := range roster.Persons() {
		status := "active"
		if p.Terminated {
			status = "terminated " + p.ActualTerminationDate.String()
		}
		a, _ := p.PrimaryAssignment()
		w, _ := p.PrimaryWorkRelationship()
		fmt.Printf("%s %-20s %-3s %-24s job %-11s BU %-8s %s\n", p.PersonNumber, p.Name, w.WorkerType, status, a.JobID, a.BusinessUnitID, p.WorkEmail)
	}
	return nil
}
