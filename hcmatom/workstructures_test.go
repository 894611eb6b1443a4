package hcmatom_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

// The workstructures feeds name what the employee feeds give by id; an id
// no feed named is reported, never passed off as a name.
func TestWorkstructuresFromTheFeeds(t *testing.T) {
	pod := hcmatomtest.NewServer(t)
	at := time.Date(2023, 7, 31, 9, 0, 0, 0, time.UTC)
	// Business units and legal employers are organizations: the
	// organizations feed names them.
	pod.ChangeWorkstructure(at, hcmatom.OrganizationsFeed, "300100037658514", "Finance")
	pod.ChangeWorkstructure(at, hcmatom.OrganizationsFeed, "300100032736497", "US1 Business Unit")
	pod.ChangeWorkstructure(at, hcmatom.OrganizationsFeed, "300100037600002", "Vision Corporation")
	pod.ChangeWorkstructure(at, hcmatom.JobsFeed, "300100037637824", "Accountant")
	pod.ChangeWorkstructure(at, hcmatom.LocationsFeed, "300100037658196", "Redwood Shores")
	joe := pod.Hire(at.Add(time.Hour), hcmatomtest.Worker{PersonNumber: "966169008890736", Name: "Green, Joe",
		BusinessUnitID: "300100032736497", OrganizationID: "300100037658514", PositionID: "300100037658162",
		LocationID: "300100037658196", JobID: "300100037637824", LegalEntityID: "300100037600002"})

	roster, ws := hcmatom.NewRoster(), hcmatom.NewWorkstructures()
	sync := &hcmatom.Sync{Client: newClient(t, pod), Store: &hcmatom.MemoryStore{}}
	if _, err := sync.Run(ctx, func(_ context.Context, ev hcmatom.Event) error {
		ws.Apply(ev)
		_, err := roster.Apply(ev)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if ws.Len() != 5 {
		t.Errorf("%d names learned", ws.Len())
	}
	p, _ := roster.Person(joe.PersonNumber)
	names, err := ws.Resolve(p)
	want := hcmatom.AssignmentNames{AssignmentID: joe.AssignmentID, Organization: "Finance", BusinessUnit: "US1 Business Unit",
		LegalEmployer: "Vision Corporation", Job: "Accountant", Location: "Redwood Shores"}
	if names[joe.AssignmentID] != want {
		t.Errorf("names %+v\nwant  %+v", names[joe.AssignmentID], want)
	}
	var ue *hcmatom.UnresolvedError
	if !errors.As(err, &ue) || !errors.Is(err, hcmatom.ErrUnresolved) || len(ue.Items) != 1 ||
		ue.Items[0] != (hcmatom.Unresolved{PersonNumber: joe.PersonNumber, AssignmentID: joe.AssignmentID, Field: "PositionId", ID: "300100037658162"}) ||
		!strings.Contains(err.Error(), "person 966169008890736, assignment "+joe.AssignmentID+": PositionId 300100037658162") {
		t.Errorf("unresolved: %v", err)
	}
	// Set names what no feed did.
	ws.Set(hcmatom.Position, "300100037658162", "Senior Accountant")
	if names, err := ws.Resolve(p); err != nil || names[joe.AssignmentID].Position != "Senior Accountant" {
		t.Errorf("after Set: %+v, %v", names, err)
	}
}

// An extract with name columns names its ids without the feeds; a move
// the feeds report without a name drops the extract's name rather than
// keep it for another id.
func TestWorkstructuresFromTheExtract(t *testing.T) {
	pod := hcmatomtest.NewServer(t)
	at := time.Date(2023, 7, 31, 9, 0, 0, 0, time.UTC)
	joe := pod.Hire(at, hcmatomtest.Worker{PersonNumber: "1001", Name: "Green, Joe"})
	// The extra columns of an extract defined with names.
	pod.Transfer(at.Add(time.Hour), joe.AssignmentID, map[string]string{"JobId": "J1", "JobName": "Accountant",
		"OrganizationId": "O1", "DepartmentName": "Finance"})
	var csv bytes.Buffer
	if err := pod.Extract(&csv); err != nil {
		t.Fatal(err)
	}
	if header, _, _ := strings.Cut(csv.String(), "\r\n"); !strings.Contains(header, "JobName") {
		t.Fatalf("header %s", header)
	}
	roster, ws := hcmatom.NewRoster(), hcmatom.NewWorkstructures()
	if _, err := roster.LoadExtract(ctx, nil, &csv, hcmatom.WithAsOf(at.Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	p, _ := roster.Person("1001")
	names, err := ws.Resolve(p)
	if err != nil || names[joe.AssignmentID].Job != "Accountant" || names[joe.AssignmentID].Organization != "Finance" {
		t.Fatalf("%+v, %v", names, err)
	}
	// A promotion to J2, with no name: "Accountant" must not name J2.
	pod.Promote(at.Add(3*time.Hour), joe.AssignmentID, map[string]string{"JobId": "J2"})
	sync := &hcmatom.Sync{Client: newClient(t, pod), Store: &hcmatom.MemoryStore{}, Feeds: []hcmatom.Collection{hcmatom.AssignmentFeed}}
	if err := sync.Store.Save(ctx, hcmatom.State{Cursors: map[hcmatom.Collection]time.Time{hcmatom.AssignmentFeed: at.Add(2 * time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := sync.Run(ctx, func(_ context.Context, ev hcmatom.Event) error {
		_, err := roster.Apply(ev)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	p, _ = roster.Person("1001")
	names, err = ws.Resolve(p)
	var ue *hcmatom.UnresolvedError
	if names[joe.AssignmentID].Job != "" || !errors.As(err, &ue) || len(ue.Items) != 1 || ue.Items[0].ID != "J2" ||
		names[joe.AssignmentID].Organization != "Finance" {
		t.Errorf("after the promotion: %+v, %v", names, err)
	}
}
