package ohris_test

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
)

func person(matricule, login string) ohris.User {
	return ohris.User{
		EmployeeNumber: matricule, LastName: "NOM" + matricule, FirstName: "Prénom", Gender: ohris.Male,
		Login: login, Email: ohris.Some(login + "@example.com"), ContractType: "CDI", Group: "Cadre", Company: "SOC-A",
		Services:      []ohris.Service{{LongName: "DIRECTION GENERALE", Code: "DG"}},
		ContractStart: date("2020-01-01"), Manager: ohris.Some(""), Modules: []ohris.Module{ohris.Absence},
		Holidays: "France",
	}
}

// previewScenario returns oHRis's accounts and a file that, on 2024-03-01,
// exercise every outcome.
func previewScenario() (accounts []ohris.Account, file []ohris.User) {
	unchanged := person("1", "unchanged")
	leaver := person("2", "leaver")
	returner := person("3", "returner")
	mover := person("4", "mover")
	absent := person("5", "absent")
	partial := person("6", "partial")
	cycled := person("7", "cycled")
	lastDay := person("12", "lastday") // the contract ends on the run date: still active
	lastDay.ContractEnd = ohris.Some(date("2024-03-01"))
	otherCompany := person("1", "other") // same matricule, other société
	otherCompany.Company = "SOC-B"
	accounts = []ohris.Account{
		{User: unchanged, Active: true},
		{User: leaver, Active: true},
		{User: returner, Active: false},
		{User: mover, Active: true},
		{User: absent, Active: true},
		{User: partial, Active: true},
		{User: cycled, Active: true, Cycles: []ohris.CycleAssignment{{Cycle: "35h", From: date("2020-01-01")}}},
		{User: lastDay, Active: true},
	}

	leaver.LastName = "NOUVEAU"
	leaver.ContractEnd = ohris.Some(date("2024-02-29"))
	returner.ContractStart = date("2024-03-01")
	mover.Services = []ohris.Service{{LongName: "FINANCES", Code: "DF"}}
	partial.Email = ohris.Opt[string]{} // not given: kept
	partial.Manager = ohris.Some("unchanged")
	cycled.Cycle, cycled.CycleStart = "4 jours", date("2024-03-01")
	joiner := person("8", "joiner")
	ended := person("9", "ended")
	ended.ContractEnd = ohris.Some(date("2024-01-31"))
	invalid := person("10", "invalid")
	invalid.Modules = []ohris.Module{"Paie"}
	thief := person("11", "ABSENT") // the login of another account
	file = []ohris.User{unchanged, leaver, returner, mover, partial, cycled, joiner, ended, invalid, thief, otherCompany, lastDay}
	return accounts, file
}

func TestPreview(t *testing.T) {
	accounts, file := previewScenario()
	p, err := ohris.Preview(ohris.Users(file), accounts, ohris.PreviewParams{RunDate: date("2024-03-01")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range p.Outcomes {
		s := fmt.Sprintf("%s %s", o.Login, o.Action)
		for _, c := range o.Changes {
			s += " " + c.Field
		}
		if o.Deactivate {
			s += " -active"
		}
		if o.Reactivate {
			s += " +active"
		}
		if o.ServicesChanged {
			s += " services!"
		}
		if o.Action == ohris.Create && !o.Active {
			s += " inactive"
		}
		for _, pr := range o.Problems {
			s += " " + pr.Field
		}
		got = append(got, s)
	}
	want := []string{
		"unchanged unchanged",
		"leaver update nom dateFinContrat -active",
		"returner update dateDebutContrat +active",
		"mover update services services!",
		"partial update responsable",
		"cycled update cycle",
		"joiner create",
		"ended create inactive",
		"invalid ignore modules/module[1]",
		"ABSENT ignore login",
		"other create",
		"lastday unchanged",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("outcomes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(p.NotInFile) != 1 || p.NotInFile[0].EmployeeNumber != "5" {
		t.Errorf("NotInFile = %v", p.NotInFile)
	}
	text := p.String()
	for _, line := range []string{
		"run of 2024-03-01: 3 to create, 5 to update, 2 unchanged, 2 to ignore; 1 account not in the file",
		`update    user 2 (matricule 2, société SOC-A, login leaver): nom "NOM2" → "NOUVEAU"; dateFinContrat "" → "2024-02-29"; deactivated: the contract ended before the run date`,
		"ignore    user 9 (matricule 10, société SOC-A, login invalid): modules/module[1] is not one of",
		"(La valeur modules/module[1] est absente ou incorrecte - l'utilisateur est ignoré)",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("the report does not say %q:\n%s", line, text)
		}
	}
}

// What Preview announces is what the simulated connector, written apart
// from it, does with the same file and the same base.
func TestPreviewMatchesConnector(t *testing.T) {
	accounts, file := previewScenario()
	run := time.Date(2024, 3, 1, 6, 0, 0, 0, time.UTC)
	p, err := ohris.Preview(ohris.Users(file), accounts, ohris.PreviewParams{RunDate: civil.DateOf(run)})
	if err != nil {
		t.Fatal(err)
	}
	srv := ohristest.NewServer(t, ohristest.WithClock(func() time.Time { return run }))
	conn := ohristest.NewConnector(srv, ohris.Prod, ohris.References{})
	conn.SetAccounts(accounts)
	// The invalid user goes into the file too, as a careless sender would
	// write it: the writer refuses it, so it is written valid and spoilt.
	sent := slices.Clone(file)
	sent[8].Modules = []ohris.Module{ohris.Interview}
	content := bytes.Replace(writeAll(t, sent), []byte("<module>Interview</module>"), []byte("<module>Paie</module>"), 1)
	if err := srv.WriteFile("depot/prod/"+ohris.FileName(civil.DateOf(run)), content); err != nil {
		t.Fatal(err)
	}
	rep := conn.Run()
	count := func(f func(ohris.Outcome) bool) int {
		n := 0
		for _, o := range p.Outcomes {
			if f(o) {
				n++
			}
		}
		return n
	}
	if rep.Created != p.Count(ohris.Create) || rep.Updated != p.Count(ohris.Update) ||
		rep.Unchanged != p.Count(ohris.Unchanged) || rep.Ignored != p.Count(ohris.Ignore) ||
		rep.Deactivated != count(func(o ohris.Outcome) bool { return o.Deactivate }) ||
		rep.Reactivated != count(func(o ohris.Outcome) bool { return o.Reactivate }) ||
		rep.ServicesChanged != count(func(o ohris.Outcome) bool { return o.ServicesChanged }) {
		t.Errorf("connector:\n%s\npreview:\n%s", rep, p)
	}
	before := map[ohris.Key]ohris.Account{}
	for _, a := range accounts {
		before[a.Key()] = a
	}
	for i, o := range p.Outcomes {
		a, ok := conn.Account(o.Key)
		switch o.Action {
		case ohris.Ignore:
			if b, existed := before[o.Key]; ok != existed || existed && !reflect.DeepEqual(a, b) {
				t.Errorf("%s: ignored, but the connector changed it: %+v", o.Login, a)
			}
			continue
		case ohris.Create, ohris.Update:
			if !ok {
				t.Errorf("%s: not in the base after the run", o.Login)
				continue
			}
		}
		if a.Active != o.Active {
			t.Errorf("%s: active %v after the run, preview said %v", o.Login, a.Active, o.Active)
		}
		u := file[i]
		if a.LastName != u.LastName || a.Login != u.Login || !reflect.DeepEqual(a.Services, u.Services) ||
			a.ContractStart != u.ContractStart {
			t.Errorf("%s: account after the run %+v, file %+v", o.Login, a, u)
		}
		if !u.Email.IsSet() && a.Email != before[o.Key].Email {
			t.Errorf("%s: an e-mail not given was changed to %v", o.Login, a.Email)
		}
	}
}
