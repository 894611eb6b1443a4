package ohris_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/ohris"
)

// fields returns "index:field" for every problem of the report.
func fields(r *ohris.Report) []string {
	var out []string
	for _, p := range r.Problems {
		out = append(out, fmt.Sprintf("%d:%s", p.Index, p.Field))
	}
	return out
}

func check(t *testing.T, users []ohris.User, refs ohris.References) *ohris.Report {
	t.Helper()
	rep, err := ohris.Check(ohris.Users(users), refs)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestSeedExamplePassesEveryCheck(t *testing.T) {
	rep := check(t, seedUsers(), ohris.References{
		ContractTypes: []string{"CDD", "CDI"}, Groups: []string{"Apprenti", "Cadre"},
		Companies: []string{"SOC-A", "SOC-B"}, Cycles: []string{"100% lundi au vendredi"},
		Holidays: []string{"France"},
	})
	if !rep.OK() || rep.Users != 2 {
		t.Fatalf("report = %v", rep)
	}
}

// Each rule of the source document's table, on one user.
func TestCheckOneUser(t *testing.T) {
	long := func(n int) string { return strings.Repeat("é", n) }
	for _, tc := range []struct {
		name   string
		change func(u *ohris.User)
		field  string // "" when the user must pass
	}{
		{"matricule missing", func(u *ohris.User) { u.EmployeeNumber = "" }, "matricule"},
		{"nom missing", func(u *ohris.User) { u.LastName = "" }, "nom"},
		{"prenom missing", func(u *ohris.User) { u.FirstName = "" }, "prenom"},
		{"genre missing", func(u *ohris.User) { u.Gender = "" }, "genre"},
		{"genre not in the list", func(u *ohris.User) { u.Gender = "Female" }, "genre"},
		{"login missing", func(u *ohris.User) { u.Login = "" }, "login"},
		{"typeContrat missing", func(u *ohris.User) { u.ContractType = "" }, "typeContrat"},
		{"groupe missing", func(u *ohris.User) { u.Group = "" }, "groupe"},
		{"societe missing", func(u *ohris.User) { u.Company = "" }, "societe"},
		{"no service", func(u *ohris.User) { u.Services = nil }, "services"},
		{"service without code", func(u *ohris.User) { u.Services[1].Code = "" }, "services/service[2]/code"},
		{"service without label", func(u *ohris.User) { u.Services[0].LongName = "" }, "services/service[1]/libellelong"},
		{"dateDebutContrat missing", func(u *ohris.User) { u.ContractStart = ohris.Date{} }, "dateDebutContrat"},
		{"dateDebutContrat not a day", func(u *ohris.User) { u.ContractStart = ohris.Date{Year: 2023, Month: 2, Day: 29} }, "dateDebutContrat"},
		{"dateDebutContrat five-digit year", func(u *ohris.User) { u.ContractStart = ohris.Date{Year: 10000, Month: 1, Day: 1} }, "dateDebutContrat"},
		{"dateFinContrat not a day", func(u *ohris.User) { u.ContractEnd = ohris.Some(ohris.Date{Year: 2024, Month: 13, Day: 1}) }, "dateFinContrat"},
		{"dateFinContrat not given", func(u *ohris.User) { u.ContractEnd = ohris.Opt[ohris.Date]{} }, ""},
		{"no module", func(u *ohris.User) { u.Modules = nil }, "modules"},
		{"module not in the list", func(u *ohris.User) { u.Modules = append(u.Modules, "Absences") }, "modules/module[2]"},
		{"every module", func(u *ohris.User) {
			u.Modules = []ohris.Module{ohris.Absence, ohris.Activity, ohris.ExpenseReport, ohris.Payslip,
				ohris.CET, ohris.Time, ohris.Interview, ohris.HRFile}
		}, ""},
		{"child date not a day", func(u *ohris.User) { u.Children = ohris.Some([]ohris.Date{{Year: 2020, Month: 4, Day: 31}}) }, "enfants/enfant[1]"},
		{"child date missing", func(u *ohris.User) { u.Children = ohris.Some([]ohris.Date{{}}) }, "enfants/enfant[1]"},
		{"cycle without its date", func(u *ohris.User) { u.CycleStart = ohris.Date{} }, "dateAffectationCycle"},
		{"no cycle, no date", func(u *ohris.User) { u.Cycle, u.CycleStart = "", ohris.Date{} }, ""},
		{"optional attributes empty", func(u *ohris.User) {
			u.Email, u.Manager, u.Holidays = ohris.Some(""), ohris.Some(""), ""
		}, ""},
		{"255 characters", func(u *ohris.User) { u.LastName = long(255) }, ""},
		{"256 characters", func(u *ohris.User) { u.LastName = long(256) }, "nom"},
		{"adresseMail 256 characters", func(u *ohris.User) { u.Email = ohris.Some(long(256)) }, "adresseMail"},
		{"login 180 characters", func(u *ohris.User) { u.Login = long(180) }, ""},
		{"login 181 characters", func(u *ohris.User) { u.Login = long(181) }, "login"},
		{"responsable 181 characters", func(u *ohris.User) { u.Manager = ohris.Some(long(181)) }, "responsable"},
		{"cycle 256 characters", func(u *ohris.User) { u.Cycle = long(256) }, "cycle"},
		{"joursFeries 256 characters", func(u *ohris.User) { u.Holidays = long(256) }, "joursFeries"},
		{"not UTF-8", func(u *ohris.User) { u.FirstName = "Corine\xff" }, "prenom"},
		{"control character", func(u *ohris.User) { u.LastName = "DU\x01PONT" }, "nom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			users := seedUsers()
			users[0].Manager = ohris.Some("") // no dependency on the other user
			tc.change(&users[0])
			rep := check(t, users[:1], ohris.References{})
			got := strings.Join(fields(rep), ",")
			if want := map[bool]string{true: "", false: "1:" + tc.field}[tc.field == ""]; got != want {
				t.Errorf("problems %q, want %q\n%s", got, want, rep)
			}
			// The writer applies the same rules to a user alone.
			err := ohris.NewWriter(new(bytes.Buffer)).Write(users[0])
			if (err == nil) != (tc.field == "") {
				t.Errorf("Writer.Write = %v", err)
			}
		})
	}
}

func TestProblemMessages(t *testing.T) {
	users := seedUsers()[:1]
	users[0].Gender = "x"
	users[0].Manager = ohris.Some("")
	rep := check(t, users, ohris.References{})
	p := rep.Problems[0]
	if got, want := p.Message(), "La valeur genre est absente ou incorrecte - l'utilisateur est ignoré"; got != want {
		t.Errorf("Message() = %q, want %q", got, want)
	}
	want := `user 1 (matricule "1007", société "SOC-A", login "cdupont"): genre is not "male" or "female"`
	if got := p.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if !strings.Contains(rep.String(), want+" — La valeur genre") {
		t.Errorf("report:\n%s", rep)
	}
}

func TestCheckReferences(t *testing.T) {
	refs := ohris.References{
		ContractTypes: []string{"CDI"}, Groups: []string{"Cadre"}, Companies: []string{"SOC-B"},
		Cycles: []string{"35h"}, Holidays: []string{"Alsace-Moselle"},
	}
	rep := check(t, seedUsers(), refs)
	got := strings.Join(fields(rep), ",")
	// user 1 is wrong on every list; user 2 on the cycle and calendar.
	want := "1:typeContrat,1:groupe,1:societe,1:cycle,1:joursFeries,2:cycle,2:joursFeries"
	if got != want {
		t.Errorf("problems %s, want %s", got, want)
	}
	if !strings.Contains(rep.Problems[0].Reason, "not defined in oHRis") {
		t.Errorf("reason = %q", rep.Problems[0].Reason)
	}
	// Without lists nothing is checked against them; optional values left
	// empty are not checked against theirs.
	users := seedUsers()
	users[1].Cycle, users[1].CycleStart, users[1].Holidays = "", ohris.Date{}, ""
	refs.ContractTypes, refs.Groups, refs.Companies = nil, nil, nil
	refs.Cycles = []string{"100% lundi au vendredi"}
	rep = check(t, users, refs)
	if got := strings.Join(fields(rep), ","); got != "1:joursFeries" {
		t.Errorf("problems %s, want 1:joursFeries", got)
	}
}

func TestLoginUniqueAcrossFile(t *testing.T) {
	users := seedUsers()
	users[1].Login = "CDupont" // another société: still the same login
	users[0].Manager = ohris.Some("")
	rep := check(t, users, ohris.References{})
	if got := strings.Join(fields(rep), ","); got != "1:login,2:login" {
		t.Fatalf("problems %s\n%s", got, rep)
	}
	if !strings.Contains(rep.Problems[0].Reason, "login of user 2") {
		t.Errorf("reason = %q", rep.Problems[0].Reason)
	}
}

func TestMatriculeUniquePerSociete(t *testing.T) {
	users := seedUsers()
	users[1].EmployeeNumber = "1007" // same matricule, other société: fine
	if rep := check(t, users, ohris.References{}); !rep.OK() {
		t.Fatalf("same matricule in two sociétés refused:\n%s", rep)
	}
	third := users[1]
	third.Login, third.Company = "jmartin", "SOC-A" // same matricule and société as user 1
	third.Manager = ohris.Some("")
	users = append(users, third)
	rep := check(t, users, ohris.References{})
	if got := strings.Join(fields(rep), ","); got != "1:matricule,3:matricule" {
		t.Fatalf("problems %s\n%s", got, rep)
	}
}

// The source document lists responsable as optional and has no rule that
// it names a user of the file: by default, any responsable is accepted.
func TestResponsableNotRequiredByDefault(t *testing.T) {
	users := seedUsers()
	users[1].Gender = "?" // a manager that is ignored does not drag its reports along
	if rep := check(t, users, ohris.References{}); strings.Join(fields(rep), ",") != "2:genre" {
		t.Errorf("problems %v\n%s", fields(rep), rep)
	}
	users = seedUsers()
	users[0].Manager = ohris.Some("jdoe")
	if rep := check(t, users, ohris.References{}); !rep.OK() {
		t.Errorf("unknown responsable refused by default:\n%s", rep)
	}
}

func TestResponsableMustExist(t *testing.T) {
	users := seedUsers()
	users[0].Manager = ohris.Some("jdoe")
	rep := check(t, users, ohris.References{ManagersMustExist: true})
	if got := strings.Join(fields(rep), ","); got != "1:responsable" {
		t.Fatalf("problems %s", got)
	}
	// A login oHRis already has is fine.
	if rep := check(t, users, ohris.References{ManagersMustExist: true, Logins: []string{"jdoe"}}); !rep.OK() {
		t.Errorf("known login refused:\n%s", rep)
	}
	// The manager later in the file is fine (the source document's own
	// example does that).
	if rep := check(t, seedUsers(), ohris.References{ManagersMustExist: true}); !rep.OK() {
		t.Errorf("forward reference refused:\n%s", rep)
	}
}

// A user whose manager is ignored is ignored too, and so on down the line,
// unless the manager is already in oHRis.
func TestResponsableIgnoredCascades(t *testing.T) {
	base := seedUsers()[1]
	chain := make([]ohris.User, 4)
	for i := range chain {
		u := base
		u.EmployeeNumber = fmt.Sprint(100 + i)
		u.Login = fmt.Sprintf("u%d", i)
		u.Manager = ohris.Some("")
		if i > 0 {
			u.Manager = ohris.Some(fmt.Sprintf("u%d", i-1))
		}
		chain[i] = u
	}
	chain[0], chain[3] = chain[3], chain[0] // managers after their reports
	chain[3].Gender = "?"                   // u0, the top, fails
	rep := check(t, chain, ohris.References{ManagersMustExist: true})
	if got := strings.Join(fields(rep), ","); got != "1:responsable,2:responsable,3:responsable,4:genre" {
		t.Fatalf("problems %s\n%s", got, rep)
	}
	if rep.Ignored() != 4 {
		t.Errorf("Ignored() = %d", rep.Ignored())
	}
	rep = check(t, chain, ohris.References{ManagersMustExist: true, Logins: []string{"u0"}})
	if got := strings.Join(fields(rep), ","); got != "4:genre" {
		t.Errorf("with u0 in oHRis: problems %s", got)
	}
}

func TestWriteFileRefusesOrLeavesOut(t *testing.T) {
	users := seedUsers()
	users = append(users, users[1])
	users[2].EmployeeNumber, users[2].Login, users[2].Gender = "2000", "other", "?"
	var buf bytes.Buffer
	rep, err := ohris.WriteFile(&buf, ohris.Users(users), ohris.WriteParams{})
	if !errors.Is(err, ohris.ErrInvalid) || buf.Len() != 0 {
		t.Fatalf("err = %v, %d bytes written", err, buf.Len())
	}
	if rep == nil || rep.Ignored() != 1 || !rep.IsIgnored(3) || rep.IsIgnored(2) {
		t.Fatalf("report = %v", rep)
	}
	var progress []int
	rep, err = ohris.WriteFile(&buf, ohris.Users(users), ohris.WriteParams{
		LeaveOutInvalid: true, Progress: func(n int) { progress = append(progress, n) }})
	if err != nil || rep.Ignored() != 1 {
		t.Fatalf("err = %v, report %v", err, rep)
	}
	got := readAll(t, &buf)
	if len(got) != 2 || got[0].Login != "cdupont" || got[1].Login != "pmartin" {
		t.Errorf("written %+v", got)
	}
	if fmt.Sprint(progress) != "[2]" {
		t.Errorf("progress %v", progress)
	}
}

func TestWriteFileNeedsTheSameUsersTwice(t *testing.T) {
	calls := 0
	once := func(yield func(ohris.User, error) bool) {
		calls++
		if calls > 1 {
			return
		}
		for _, u := range seedUsers() {
			if !yield(u, nil) {
				return
			}
		}
	}
	_, err := ohris.WriteFile(new(bytes.Buffer), once, ohris.WriteParams{})
	if err == nil || !strings.Contains(err.Error(), "changed between the check and the write") {
		t.Errorf("err = %v", err)
	}
}

func TestValidationErrorListsProblems(t *testing.T) {
	users := make([]ohris.User, 10)
	for i := range users {
		users[i] = seedUsers()[1]
		users[i].Login = fmt.Sprint("l", i)
		users[i].EmployeeNumber = fmt.Sprint(i)
		users[i].Modules = nil
	}
	_, err := ohris.WriteFile(new(bytes.Buffer), ohris.Users(users), ohris.WriteParams{})
	msg := err.Error()
	if !strings.HasPrefix(msg, "ohris: 10 of 10 users fail the checks: user 1 (matricule \"0\"") ||
		!strings.HasSuffix(msg, "and 5 more problems") {
		t.Errorf("error = %s", msg)
	}
}

// The checks keep a few strings per user, not the users: checking a large
// file must not be quadratic, even when every user has the same manager.
func TestCheckManyUsers(t *testing.T) {
	const n = 20000
	users := func(yield func(ohris.User, error) bool) {
		u := seedUsers()[1]
		u.Manager = ohris.Some("boss")
		for i := range n {
			u.EmployeeNumber = fmt.Sprint(i)
			u.Login = fmt.Sprint("user", i)
			if i == n-1 {
				u.Login = "boss"
				u.Manager = ohris.Some("")
				u.Gender = "" // the boss is ignored: so is everyone
			}
			if !yield(u, nil) {
				return
			}
		}
	}
	rep, err := ohris.Check(users, ohris.References{ManagersMustExist: true})
	if err != nil || rep.Ignored() != n {
		t.Fatalf("err %v, ignored %d", err, rep.Ignored())
	}
}
