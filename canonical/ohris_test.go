package canonical

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hrbridge/hrbridge/ohris"
)

// seedPeople are the two users of the oHRis documentation's example, as HR
// would hold them.
func seedPeople() []Person {
	assignment := func(id, entity, dept, code string, primary bool) Assignment {
		return Assignment{ID: id, Primary: Some(primary), Entity: Some(entity), Department: Some(dept), OrgUnit: Some(code)}
	}
	return []Person{
		{
			Key:    "1007",
			Name:   Name{Given: Some("CORINE"), Family: Some("DUPONT")},
			Logins: map[string]string{"ohris": "cdupont", "ad": "corine.dupont"},
			Emails: []Email{{Type: "personal", Address: "corine@home.example"}, {Type: "work", Address: "corine.dupont@mail.fr"}},
			Employment: Employment{WorkerType: Some(WorkerContingent), Status: Some(StatusActive),
				Start: Some(day("2022-01-01")), End: Some(Date{})},
			Assignments: []Assignment{
				assignment("1007-1", "SOC-A", "DIRECTION GENERALE", "DG", true),
				assignment("1007-2", "SOC-A", "SECRETARIAT", "SEC", false),
			},
			Managers: []string{"1009"},
			Attributes: map[string]string{AttrGender: "female", AttrOHRISGroup: "Apprenti",
				AttrOHRISCycle: "100% lundi au vendredi", AttrOHRISCycleStart: "2022-01-01",
				AttrChildrenBirth: "2006-08-17, 2010-04-08"},
		},
		{
			Key:    "1009",
			Name:   Name{Given: Some("PATRICK"), Family: Some("MARTIN")},
			Logins: map[string]string{"ohris": "pmartin"},
			Emails: []Email{{Type: "work", Address: "patrick.martin@mail.fr", Primary: true}},
			Employment: Employment{WorkerType: Some(WorkerEmployee), Status: Some(StatusActive),
				Start: Some(day("2010-05-09")), End: Some(Date{})},
			Assignments: []Assignment{
				assignment("1009-1", "SOC-B", "DIRECTION GENERALE", "DG", true),
				assignment("1009-2", "SOC-B", "DIRECTION FINANCIERE", "DF", false),
			},
			Managers: []string{},
			Attributes: map[string]string{AttrGender: "male", AttrOHRISGroup: "Cadre",
				AttrOHRISCycle: "100% lundi au vendredi", AttrOHRISCycleStart: "2010-05-09",
				AttrOHRISModules: "Absence, Activity", AttrChildrenBirth: "1995-11-17"},
		},
	}
}

var seedMapping = OHRIS{
	ContractTypes: map[WorkerType]string{WorkerEmployee: "CDI", WorkerContingent: "CDD"},
	Holidays:      "France",
	Modules:       []ohris.Module{ohris.Absence},
}

// The documentation's example comes out of canonical persons byte for byte
// as the ohris package writes it from typed values.
func TestToUsersSeedExample(t *testing.T) {
	users, err := seedMapping.ToUsers(seedPeople())
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../ohris/testdata/seed-example.golden.xml")
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	rep, err := ohris.WriteFile(&got, ohris.Users(users), ohris.WriteParams{
		References: ohris.References{ContractTypes: []string{"CDD", "CDI"}}})
	if err != nil || !rep.OK() {
		t.Fatalf("checks: %v %v", err, rep)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("file from canonical persons:\n%s\nwant:\n%s", got.Bytes(), want)
	}
}

// What a source does not give stays out of the file, so oHRis keeps its
// own value.
func TestToUsersNotGiven(t *testing.T) {
	p := worker("42", "Sales")
	p.Emails, p.Managers, p.Employment.End = nil, nil, Opt[Date]{}
	users, err := seedMapping.ToUsers([]Person{p})
	if err != nil {
		t.Fatal(err)
	}
	u := users[0]
	if u.Email.IsSet() || u.Manager.IsSet() || u.ContractEnd.IsSet() || u.Children.IsSet() {
		t.Errorf("not-given fields were given: %+v", u)
	}
	if u.Services[0] != (ohris.Service{LongName: "Sales", Code: "Sales"}) || u.Company != "" {
		t.Errorf("services %v, company %q", u.Services, u.Company)
	}
	// Given empty is written empty.
	p.Emails, p.Managers = []Email{}, []string{}
	users, _ = seedMapping.ToUsers([]Person{p})
	if v, ok := users[0].Email.Get(); !ok || v != "" {
		t.Errorf("email = %v", users[0].Email)
	}
	if v, ok := users[0].Manager.Get(); !ok || v != "" {
		t.Errorf("manager = %v", users[0].Manager)
	}
}

func TestToUsersErrors(t *testing.T) {
	people := seedPeople()
	people[0].Managers = []string{"9999"}
	people[1].Attributes[AttrOHRISCycleStart] = "09/05/2010"
	_, err := seedMapping.ToUsers(people)
	var ie *InputError
	if !errors.As(err, &ie) || ie.Record != "people[0] (key 1007)" || ie.Field != "managers" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "people[1] (key 1009): attributes.ohris.dateAffectationCycle") {
		t.Errorf("err = %v", err)
	}
	people = seedPeople()
	delete(people[1].Logins, "ohris")
	if _, err := seedMapping.ToUsers(people); err == nil || !strings.Contains(err.Error(), "manager 1009 has no ohris login") {
		t.Errorf("manager without login: %v", err)
	}
}

// Accounts read back as persons map to the same users, and planning the
// persons against themselves finds nothing to do.
func TestFromAccountsRoundTrip(t *testing.T) {
	users, err := seedMapping.ToUsers(seedPeople())
	if err != nil {
		t.Fatal(err)
	}
	accounts := []ohris.Account{{User: users[0], Active: true}, {User: users[1], Active: false}}
	for i, u := range users {
		accounts[i].Cycles = []ohris.CycleAssignment{{Cycle: "old", From: day("2001-01-01")}, {Cycle: u.Cycle, From: u.CycleStart}}
	}
	people, err := seedMapping.FromAccounts(accounts)
	if err != nil {
		t.Fatal(err)
	}
	if people[1].Employment.Status.Or("") != StatusInactive || people[0].Managers[0] != "1009" ||
		people[0].Employment.WorkerType.Or("") != WorkerContingent {
		t.Errorf("people = %+v", people)
	}
	back, err := seedMapping.ToUsers(people)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(users, back, exportOpt); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	plan, err := Plan(people, people, Policy{RunDate: day("2024-03-01")})
	if err != nil || len(plan.Actions) != 0 {
		t.Errorf("plan of a base against itself: %v %v", err, plan)
	}
	accounts[0].Manager = ohris.Some("nobody")
	if _, err := seedMapping.FromAccounts(accounts); err == nil || !strings.Contains(err.Error(), `responsable: no account has the login "nobody"`) {
		t.Errorf("unknown manager login: %v", err)
	}
}

// The oHRis applications of a person's access are their modules, and an
// account's modules come back as access.
func TestOHRISModulesFromAccess(t *testing.T) {
	p := worker("42", "Sales")
	app := func(id string) Grant {
		return Grant{Entitlement: Entitlement{System: SystemOHRIS, Kind: KindApplication, ID: id}}
	}
	p.Access = []Grant{app("Interview"), app("Absence"), {Entitlement: Entitlement{System: "csf", Kind: KindGroup, ID: "Mail"}}}
	users, err := seedMapping.ToUsers([]Person{p})
	if err != nil {
		t.Fatal(err)
	}
	if got := modulesList(users[0].Modules); got != "Absence,Interview" {
		t.Errorf("modules %q", got)
	}
	p.Access = []Grant{}
	if users, _ := seedMapping.ToUsers([]Person{p}); modulesList(users[0].Modules) != "Absence" {
		t.Errorf("no access: modules %v, want the mapping's", users[0].Modules)
	}
	back, err := seedMapping.FromAccounts([]ohris.Account{{User: users[0], Active: true}})
	if err != nil {
		t.Fatal(err)
	}
	if len(back[0].Access) != 2 || back[0].Access[1].Key() != "ohris/application/Interview" {
		t.Errorf("access from the account: %v", back[0].Access)
	}
}
