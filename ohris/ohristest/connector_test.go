package ohristest_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

// clock is a settable clock for the server; tests move it, never sleep.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func (c *clock) set(y, m, d, h int)  { c.t = time.Date(y, time.Month(m), d, h, 0, 0, 0, time.UTC) }
func day(s string) ohris.Date        { d, _ := civil.ParseISO(s); return d }
func file(t *testing.T, us ...ohris.User) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := ohris.WriteFile(&b, ohris.Users(us), ohris.WriteParams{}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func user(matricule, login string) ohris.User {
	return ohris.User{
		EmployeeNumber: matricule, LastName: "NOM" + matricule, FirstName: "Prénom", Gender: ohris.Female,
		Login: login, ContractType: "CDI", Group: "Cadre", Company: "SOC-A",
		Services:      []ohris.Service{{LongName: "DIRECTION GENERALE", Code: "DG"}},
		ContractStart: day("2020-01-01"), Modules: []ohris.Module{ohris.Absence},
		Holidays: "France",
	}
}

func setup(t *testing.T) (*clock, *ohristest.Server, *ohristest.Connector) {
	c := &clock{}
	c.set(2024, 2, 5, 7) // a Monday
	srv := ohristest.NewServer(t, ohristest.WithClock(c.now))
	return c, srv, ohristest.NewConnector(srv, ohris.Prod, ohris.References{})
}

func names(t *testing.T, srv *ohristest.Server, dir string) string {
	fis, err := srv.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, fi := range fis {
		out = append(out, fi.Name)
	}
	return strings.Join(out, ",")
}

func TestNoFileFailsNamingIt(t *testing.T) {
	_, srv, conn := setup(t)
	srv.WriteFile("depot/prod/.flux_utilisateurs_20240205.xml.abcd.part", []byte("<utili"))
	srv.WriteFile("depot/test/flux_utilisateurs_20240205.xml", file(t, user("1", "a")))
	rep := conn.Run()
	if !rep.Failed || len(rep.Errors) != 1 ||
		rep.Errors[0] != "Aucun fichier à traiter : le fichier flux_utilisateurs_20240205.xml est absent de depot/prod/" {
		t.Fatalf("report %+v", rep)
	}
	if got := names(t, srv, "depot/prod"); got != ".flux_utilisateurs_20240205.xml.abcd.part" {
		t.Errorf("the upload in progress was touched: %q", got)
	}
	if len(conn.Accounts()) != 0 {
		t.Error("the test environment's file was processed by prod")
	}
}

func TestWeekends(t *testing.T) {
	c, srv, conn := setup(t)
	c.set(2024, 2, 3, 7) // Saturday
	srv.WriteFile("depot/prod/flux_utilisateurs_20240203.xml", file(t, user("1", "a")))
	if rep := conn.Run(); !rep.Skipped || len(conn.Accounts()) != 0 {
		t.Fatalf("Saturday run: %v", rep)
	}
	c.set(2024, 2, 5, 7) // Monday
	if rep := conn.Run(); rep.Skipped || rep.Created != 1 {
		t.Fatalf("Monday run: %v", rep)
	}
}

// The newest file is processed; the older ones are archived beside it.
func TestNewestFileAndArchives(t *testing.T) {
	c, srv, conn := setup(t)
	srv.WriteFile("depot/prod/flux_utilisateurs_20240202.xml", file(t, user("1", "a"), user("2", "b")))
	srv.WriteFile("depot/prod/flux_utilisateurs_20240205.xml", file(t, user("1", "a")))
	srv.WriteFile("depot/prod/notes.txt", []byte("hello"))
	rep := conn.Run()
	if rep.Failed || rep.File != "flux_utilisateurs_20240205.xml" || rep.Created != 1 {
		t.Fatalf("report %v", rep)
	}
	if got := names(t, srv, "depot/prod"); got != "notes.txt" {
		t.Errorf("depot/prod after the run: %q", got)
	}
	if got := names(t, srv, "archives/prod"); got != "flux_utilisateurs_20240202.xml,flux_utilisateurs_20240205.xml" {
		t.Errorf("archives/prod: %q", got)
	}
	// 32 days later the archives are still there; after that they go.
	for range 32 {
		c.add(24 * time.Hour)
	}
	if rep := conn.Run(); len(rep.Purged) != 0 {
		t.Errorf("purged after exactly 32 days: %v", rep.Purged)
	}
	c.add(time.Hour)
	if rep := conn.Run(); len(rep.Purged) != 2 || names(t, srv, "archives/prod") != "" {
		t.Errorf("not purged after 32 days and an hour: %v", rep)
	}
}

func TestUnreadableFile(t *testing.T) {
	_, srv, conn := setup(t)
	srv.WriteFile("depot/prod/flux_utilisateurs_20240205.xml", []byte("<utilisateurs><utilisateur>"))
	rep := conn.Run()
	if !rep.Failed || !strings.HasPrefix(rep.Errors[0], "Le fichier flux_utilisateurs_20240205.xml est illisible") {
		t.Fatalf("report %v", rep)
	}
	if len(conn.Accounts()) != 0 || names(t, srv, "archives/prod") != "flux_utilisateurs_20240205.xml" {
		t.Errorf("accounts %v, archives %q", conn.Accounts(), names(t, srv, "archives/prod"))
	}
}

// The documentation's rules, one run at a time.
func TestConnectorRules(t *testing.T) {
	c, srv, conn := setup(t)
	boss := user("1", "boss")
	boss.Cycle, boss.CycleStart = "35h", day("2020-01-01")
	emp := user("2", "emp")
	emp.Manager = ohris.Some("boss")
	emp.Services = append(emp.Services, ohris.Service{LongName: "SECRETARIAT", Code: "SEC"})
	future := user("3", "future")
	future.ContractStart = day("2024-03-01")
	bad := user("4", "bad")
	bad.Gender = "?"
	// the invalid user goes through the file as text: the writer would refuse it
	f := file(t, boss, emp, future)
	badXML := strings.Replace(string(file(t, user("4", "bad"))), "<genre>female</genre>", "<genre>?</genre>", 1)
	i := bytes.Index(f, []byte("</utilisateurs>"))
	j := strings.Index(badXML, "  <utilisateur>")
	f = append(f[:i:i], badXML[j:]...)
	srv.WriteFile("depot/prod/flux_utilisateurs_20240205.xml", f)

	rep := conn.Run()
	if rep.Created != 3 || rep.Ignored != 1 || len(rep.Errors) != 1 ||
		!strings.HasPrefix(rep.Errors[0], "Utilisateur 4 (matricule 4, société SOC-A) : La valeur genre est absente ou incorrecte - l'utilisateur est ignoré") {
		t.Fatalf("first run: %v", rep)
	}
	a, _ := conn.Account(future.Key())
	if a.Active {
		t.Error("a user whose contract starts later is active")
	}
	b, _ := conn.Account(boss.Key())
	if !b.Active || b.Holidays != "France" || len(b.Cycles) != 1 || b.Cycles[0].Cycle != "35h" {
		t.Errorf("boss = %+v", b)
	}
	if got := conn.ViewRights(emp.Key()); !slices.Equal(got, []string{"DG", "SEC"}) {
		t.Errorf("view rights %v", got)
	}

	// Next day: the boss's contract ended the day before (deactivated), the
	// employee moves to another service, the future user's contract starts
	// (reactivated) and the calendar of an existing user is not updated.
	c.set(2024, 3, 1, 7)
	conn.GrantViewRight(emp.Key(), "RH")
	boss.ContractEnd = ohris.Some(day("2024-02-29"))
	boss.Holidays = "Alsace"
	boss.CycleStart = day("2024-03-01")
	emp.Services = []ohris.Service{{LongName: "RESSOURCES HUMAINES", Code: "RH2"}}
	srv.WriteFile("depot/prod/flux_utilisateurs_20240301.xml", file(t, boss, emp, future))
	rep = conn.Run()
	if rep.Updated != 3 || rep.Deactivated != 1 || rep.Reactivated != 1 || rep.ServicesChanged != 1 || len(rep.Errors) != 0 {
		t.Fatalf("second run: %v", rep)
	}
	b, _ = conn.Account(boss.Key())
	if b.Active || b.Holidays != "France" || len(b.Cycles) != 2 {
		t.Errorf("boss = %+v", b)
	}
	if got := conn.ViewRights(emp.Key()); !slices.Equal(got, []string{"RH2"}) {
		t.Errorf("view rights after the change of service %v, want only RH2", got)
	}
	if a, _ := conn.Account(future.Key()); !a.Active {
		t.Error("not reactivated on the first day of the contract")
	}

	// Same file again on Monday: nothing changes.
	c.set(2024, 3, 4, 7)
	srv.WriteFile("depot/prod/flux_utilisateurs_20240304.xml", file(t, boss, emp, future))
	if rep = conn.Run(); rep.Unchanged != 3 || rep.Updated != 0 {
		t.Errorf("third run: %v", rep)
	}
	if !strings.Contains(rep.String(), "3 unchanged") || len(conn.Reports()) != 3 {
		t.Errorf("report text %q", rep.String())
	}
}

func TestLoginOfAnotherAccount(t *testing.T) {
	_, srv, conn := setup(t)
	conn.SetAccounts([]ohris.Account{{User: user("9", "taken"), Active: true}})
	srv.WriteFile("depot/prod/flux_utilisateurs_20240205.xml", file(t, user("1", "Taken")))
	rep := conn.Run()
	if rep.Ignored != 1 || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0], "La valeur login") {
		t.Errorf("report %v", rep)
	}
}
