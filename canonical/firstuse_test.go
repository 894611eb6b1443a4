package canonical_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

// TestFromHCMToEveryTarget is the first integration a user writes, as the
// README tells it: HCM's workers, read from the feeds, into CMO, oHRis and
// back to HCM over SCIM. No person's field is written by hand: logins come
// from the login policy, names of work structures from the workstructures
// feeds, the gender from HCM; the only settings are the tenants' own
// (CMO's role, oHRis's contract type, group and holiday calendar).
func TestFromHCMToEveryTarget(t *testing.T) {
	ctx := context.Background()

	// HR's side: Oracle's guide's Mary King and Joe Green, hired in HCM.
	pod := hcmatomtest.NewServer(t)
	at := time.Date(2023, 7, 31, 9, 0, 0, 0, time.UTC)
	pod.ChangeWorkstructure(at, hcmatom.OrganizationsFeed, "300100037658514", "Finance")
	pod.ChangeWorkstructure(at, hcmatom.OrganizationsFeed, "300100037600002", "Acme SA")
	pod.ChangeWorkstructure(at, hcmatom.LocationsFeed, "300100037658196", "Lyon")
	for _, w := range []hcmatomtest.Worker{
		{PersonNumber: "966169008890236", PersonID: "300100591078054", Name: "King, Mary", WorkEmail: "mary.king@acme.example"},
		{PersonNumber: "966169008890736", PersonID: "300100591016270", Name: "Green, Joe", WorkEmail: "joe.green@acme.example",
			ManagerID: "300100591078054"},
	} {
		w.Start, w.OrganizationID, w.LocationID, w.LegalEntityID = hcmatom.DateOf(at), "300100037658514", "300100037658196", "300100037600002"
		pod.Hire(at, w)
		pod.UpdatePerson(at.Add(time.Minute), w.PersonNumber, map[string]string{"Sex": map[string]string{"King, Mary": "F", "Green, Joe": "M"}[w.Name]})
		at = at.Add(time.Hour)
	}

	// The integration: read the feeds into a roster, map it.
	feeds, err := hcmatom.NewClient(pod.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(pod.Username, pod.Password))
	if err != nil {
		t.Fatal(err)
	}
	roster, names := hcmatom.NewRoster(), hcmatom.NewWorkstructures()
	sync := &hcmatom.Sync{Client: feeds, Store: &hcmatom.MemoryStore{}}
	if _, err := sync.Run(ctx, func(_ context.Context, ev hcmatom.Event) error {
		if names.Apply(ev) {
			return nil
		}
		_, err := roster.Apply(ev)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	hcm := canonical.HCM{Roster: roster, Workstructures: names}
	people, err := hcm.FromRoster()
	if err != nil {
		t.Fatal(err)
	}
	runDate := canonical.Date{Year: 2023, Month: 8, Day: 1}

	t.Run("CMO", func(t *testing.T) {
		srv := cmotest.NewServer(t, cmotest.WithRoles("Employee"), cmotest.WithOrgUnits("Finance"), cmotest.WithEntities("Acme SA"))
		c, err := cmo.NewClient(srv.URL, cmo.WithInsecureHTTP(), cmo.WithLogin(srv.Username, srv.Password))
		if err != nil {
			t.Fatal(err)
		}
		m := canonical.CMO{UserRole: "Employee", AssignmentRole: "Employee"}
		desired, err := m.Desired(people)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := canonical.Plan(desired, nil, canonical.Policy{RunDate: runDate})
		if err != nil {
			t.Fatal(err)
		}
		creates, _, err := m.Users(plan, people)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ImportUsers(ctx, creates); err != nil {
			t.Fatal(err)
		}
		joe, ok := srv.User("joe.green")
		if !ok || joe.Fields["ManagerLoginName"] != "mary.king" || len(joe.Assignments) != 1 ||
			joe.Assignments[0].OrgUnit != "Finance" || joe.Assignments[0].Entity != "Acme SA" {
			t.Errorf("CMO holds Joe as %+v", joe)
		}
	})

	t.Run("oHRis", func(t *testing.T) {
		srv := ohristest.NewServer(t, ohristest.WithClock(func() time.Time { return time.Date(2023, 8, 1, 6, 0, 0, 0, time.UTC) }))
		c, err := ohris.NewClient(srv.URL, ohris.WithPassword(srv.Username, srv.Password), ohris.WithHostKey(srv.HostKey))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		refs := ohris.References{ContractTypes: []string{"CDI"}, Groups: []string{"Cadre"}, Companies: []string{"Acme SA"}, Holidays: []string{"France"}}
		m := canonical.OHRIS{ContractTypes: map[canonical.WorkerType]string{canonical.WorkerEmployee: "CDI"}, Group: "Cadre", Holidays: "France",
			Modules: []ohris.Module{ohris.Absence}}
		users, err := m.ToUsers(people)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Deliver(ctx, ohris.Prod, runDate, ohris.Users(users), ohris.WriteParams{References: refs}); err != nil {
			t.Fatal(err)
		}
		connector := ohristest.NewConnector(srv, ohris.Prod, refs)
		if rep := connector.Run(); rep.Created != 2 || len(rep.Errors) != 0 {
			t.Fatalf("the connector: %s", rep)
		}
		joe, ok := connector.Account(ohris.Key{Company: "Acme SA", EmployeeNumber: "966169008890736"})
		if !ok || joe.Login != "joe.green" || joe.Gender != ohris.Male || joe.Manager.Or("") != "mary.king" || !joe.Active {
			t.Errorf("oHRis holds Joe as %+v", joe)
		}
	})

	t.Run("HCM write-back", func(t *testing.T) {
		srv := hcmscimtest.NewServer(t)
		for _, p := range people {
			srv.AddUser(hcmscim.User{UserName: "HCM." + p.Key, DisplayName: p.Name.Display.Or(""),
				FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: p.Key}, AccountType: "Person"}})
		}
		c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password))
		if err != nil {
			t.Fatal(err)
		}
		numbers := []string{people[0].Key, people[1].Key}
		found, missing, err := c.LookupPersonNumbers(ctx, numbers)
		if err != nil || len(missing) != 0 {
			t.Fatalf("lookup: %v, missing %v", err, missing)
		}
		m := canonical.SCIM{LoginSystem: "cmo"} // HCM's user name becomes the login the targets use
		for i := range people {
			u := found[people[i].Key]
			if patch, ok := m.Patch(&people[i], &u); ok {
				if _, err := c.PatchUser(ctx, u.ID, patch); err != nil {
					t.Fatal(err)
				}
			}
		}
		var buf bytes.Buffer
		for _, u := range srv.Users() {
			buf.WriteString(u.UserName + " ")
		}
		if got := buf.String(); got != "mary.king joe.green " && got != "joe.green mary.king " {
			t.Errorf("HCM's user names after the write-back: %q", got)
		}
	})
}
