package hcmatomtest_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

// Everything a Worker is given reaches a roster, read from the feeds and
// read from the extract alike.
func TestWorkerRoundTrips(t *testing.T) {
	pod := hcmatomtest.NewServer(t)
	at := time.Date(2023, 7, 31, 9, 0, 0, 0, time.UTC)
	mgr := pod.Hire(at, hcmatomtest.Worker{PersonNumber: "900", Name: "Boss, Big"})
	w := pod.Hire(at.Add(time.Hour), hcmatomtest.Worker{
		PersonNumber: "966169008890736", PersonID: "300100591000001", Name: "Green, Joe", WorkEmail: "joe.green@mail.com",
		Phone: "650-849-5931", WorkerType: "CWK", Start: hcmatom.Date{Year: 2023, Month: 8, Day: 1},
		PeriodOfServiceID: "300100591016284", AssignmentID: "300100591078074", BusinessUnitID: "300100032736497",
		OrganizationID: "300100037658514", PositionID: "300100037658162", LocationID: "300100037658196", JobID: "300100037637824",
		GradeID: "300100037600001", LegalEntityID: "300100037600002", ManagerID: mgr.PersonID,
	})

	fromFeeds := hcmatom.NewRoster()
	c, err := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	if err != nil {
		t.Fatal(err)
	}
	sync := &hcmatom.Sync{Client: c, Store: &hcmatom.MemoryStore{}, Order: hcmatom.ByPublished}
	if _, err := sync.Run(context.Background(), func(_ context.Context, ev hcmatom.Event) error {
		_, err := fromFeeds.Apply(ev)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	if err := pod.Extract(&csv); err != nil {
		t.Fatal(err)
	}
	fromExtract := hcmatom.NewRoster()
	if _, err := fromExtract.LoadExtract(context.Background(), nil, &csv, hcmatom.WithAsOf(at)); err != nil {
		t.Fatal(err)
	}

	for name, r := range map[string]*hcmatom.Roster{"feeds": fromFeeds, "extract": fromExtract} {
		p, ok := r.Person(w.PersonNumber)
		if !ok || len(p.WorkRelationships) != 1 || len(p.WorkRelationships[0].Assignments) != 1 {
			t.Fatalf("%s: %+v", name, p)
		}
		wr := p.WorkRelationships[0]
		a := wr.Assignments[0]
		for field, got := range map[string][2]string{
			"PersonNumber":       {p.PersonNumber, w.PersonNumber},
			"PersonID":           {p.PersonID, w.PersonID},
			"Name":               {p.Name, w.Name},
			"WorkEmail":          {p.WorkEmail, w.WorkEmail},
			"Phone":              {p.PrimaryPhoneNumber, w.Phone},
			"WorkerType":         {wr.WorkerType, w.WorkerType},
			"PeriodType":         {wr.PeriodType, "C"},
			"Start":              {wr.DateStart.String(), w.Start.String()},
			"EffectiveStartDate": {p.EffectiveStartDate.String(), w.Start.String()},
			"PeriodOfServiceID":  {wr.PeriodOfServiceID, w.PeriodOfServiceID},
			"AssignmentID":       {a.AssignmentID, w.AssignmentID},
			"BusinessUnitID":     {a.BusinessUnitID, w.BusinessUnitID},
			"OrganizationID":     {a.OrganizationID, w.OrganizationID},
			"PositionID":         {a.PositionID, w.PositionID},
			"LocationID":         {a.LocationID, w.LocationID},
			"JobID":              {a.JobID, w.JobID},
			"GradeID":            {a.GradeID, w.GradeID},
			"LegalEntityID":      {a.LegalEntityID, w.LegalEntityID},
			"ManagerID":          {a.ManagerID, w.ManagerID},
		} {
			if got[0] != got[1] {
				t.Errorf("%s: %s = %q, want %q", name, field, got[0], got[1])
			}
		}
	}
}

// A person attribute HR set (Sex) reaches the roster from the feeds as a
// person attribute, and the extract as a column of its own.
func TestPersonAttributesReachTheExtract(t *testing.T) {
	pod := hcmatomtest.NewServer(t)
	at := time.Date(2023, 7, 31, 9, 0, 0, 0, time.UTC)
	pod.Hire(at, hcmatomtest.Worker{PersonNumber: "1", Name: "King, Mary"})
	pod.Hire(at, hcmatomtest.Worker{PersonNumber: "2", Name: "Green, Joe"})
	pod.UpdatePerson(at.Add(time.Hour), "1", map[string]string{"Sex": "F"})
	var csv bytes.Buffer
	if err := pod.Extract(&csv); err != nil {
		t.Fatal(err)
	}
	r := hcmatom.NewRoster()
	if _, err := r.LoadExtract(context.Background(), nil, &csv); err != nil {
		t.Fatal(err)
	}
	mary, _ := r.Person("1")
	joe, _ := r.Person("2")
	asg := func(p hcmatom.Person) hcmatom.Assignment { return p.WorkRelationships[0].Assignments[0] }
	if got := asg(mary).Attributes["Sex"]; got != "F" {
		t.Errorf("Mary's Sex column = %q, want F", got)
	}
	if got, ok := asg(joe).Attributes["Sex"]; ok && got != "" {
		t.Errorf("Joe's Sex column = %q, want none", got)
	}
}
