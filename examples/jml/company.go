package main

import (
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

// The demo company, Acme SA, as its HR department enters it in Oracle HCM
// (a fake pod), and the story of the "Overview" of Oracle's entitlement
// integration guide told on it. Everything the run prints comes from what
// HCM's extract and feeds then say, read back through hrbridge, and from
// the access rules below: no person is built in code on the integration's
// side.
//
// Alice runs the company, Bruno runs Finance under her. Yesterday
// (2023-07-31) Claire, David and Emma worked in Finance, and Ines had left
// on 2023-06-30. Today (2023-08-01) Joe Green and Mary King join Finance,
// with the person numbers, ids, phones and work structures of the guide;
// Mary joins as a manager, and Joe reports to her. HR also records a
// rehire (Ines), a mover (Claire, to Sales under Alice), a leaver (David,
// whose last day was 2023-07-31) and an update (Emma's married name and new
// mobile). CMO also holds an account of Felix, a contractor HR no longer
// lists, whom nobody switched off.

// The work structures, with the ids HCM gives them (Finance and the
// location are the guide's); their names come from HCM's workstructures
// feeds.
const (
	orgBoard     = "300100037658501"
	orgFinance   = "300100037658514"
	orgSales     = "300100037658527"
	acmeSA       = "300100037600002" // the legal employer
	lyon         = "300100037658196"
	businessUnit = "300100032736497"
)

var workstructures = []struct {
	feed     hcmatom.Collection
	id, name string
}{
	{hcmatom.OrganizationsFeed, acmeSA, "Acme SA"},
	{hcmatom.OrganizationsFeed, orgBoard, "Board"},
	{hcmatom.OrganizationsFeed, orgFinance, "Finance"},
	{hcmatom.OrganizationsFeed, orgSales, "Sales"},
	{hcmatom.OrganizationsFeed, businessUnit, "Acme Europe"}, // the business unit
	{hcmatom.LocationsFeed, lyon, "Lyon"},
	{hcmatom.JobsFeed, "300100037637824", "Accountant"},
	{hcmatom.JobsFeed, "300100037658485", "Finance Manager"},
	{hcmatom.PositionsFeed, "300100037658162", "Accountant, Lyon"},
	{hcmatom.PositionsFeed, "300100037658660", "Finance Manager, Lyon"},
}

// The seed's joiners: "Green, Joe" and "King, Mary", as the guide's table
// gives them (PersonNumber, PeriodOfServiceId, AssignmentId,
// PrimaryPhoneNumber, WorkerType, BusinessUnitId, OrganizationId,
// PositionId, LocationId, JobId, EffectiveStartDate), hired with no work
// e-mail: the entitlement system gives them one and writes it back. Mary's
// PersonId is the guide's (from her assignment's feed entry); Joe's is not
// in the guide, and is the demo's.
var (
	mary = hcmatomtest.Worker{PersonNumber: "966169008890236", PersonID: "300100591078054", Name: "King, Mary",
		Phone: "919-234-9182", WorkerType: "EMP", Start: date(2023, 8, 1), PeriodOfServiceID: "300100591078068",
		AssignmentID: "300100591026173", BusinessUnitID: businessUnit, OrganizationID: orgFinance,
		PositionID: "300100037658660", LocationID: lyon, JobID: "300100037658485", LegalEntityID: acmeSA,
		ManagerID: personID("1002")}
	joe = hcmatomtest.Worker{PersonNumber: "966169008890736", PersonID: "300100591016270", Name: "Green, Joe",
		Phone: "650-849-5931", WorkerType: "EMP", Start: date(2023, 8, 1), PeriodOfServiceID: "300100591016284",
		AssignmentID: "300100591078074", BusinessUnitID: businessUnit, OrganizationID: orgFinance,
		PositionID: "300100037658162", LocationID: lyon, JobID: "300100037637824", LegalEntityID: acmeSA,
		ManagerID: mary.PersonID}
)

// mailDomain is the domain of the company's e-mail provider: the
// addresses of the guide (joe.green@mail.com).
const mailDomain = "mail.com"

func date(y int, m time.Month, d int) canonical.Date {
	return canonical.Date{Year: y, Month: m, Day: d}
}

// dayAt returns the given hour of a day, UTC.
func dayAt(d canonical.Date, hour int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, time.UTC)
}

// personID is the PersonId the demo gives the staff's person numbers.
func personID(number string) string { return "30010059" + number }

// worker is a hire as HR enters it: the person, their sex (legislative
// data, entered right after the hire) and their manager's person number.
type worker struct {
	number, name, login, sex, org, manager string
	start                                  canonical.Date
	left                                   canonical.Date // the last day worked, for a person who has left
}

func (w worker) hcm() hcmatomtest.Worker {
	hw := hcmatomtest.Worker{PersonNumber: w.number, PersonID: personID(w.number), Name: w.name,
		WorkEmail: w.login + "@" + mailDomain, WorkerType: "EMP", Start: w.start,
		OrganizationID: w.org, LocationID: lyon, LegalEntityID: acmeSA, BusinessUnitID: businessUnit}
	if w.manager != "" {
		hw.ManagerID = personID(w.manager)
	}
	return hw
}

// staff is the company as it stood yesterday.
var staff = []worker{
	{number: "1001", name: "Martin, Alice", login: "alice.martin", sex: "F", org: orgBoard, start: date(2015, 1, 5)},
	{number: "1002", name: "Keller, Bruno", login: "bruno.keller", sex: "M", org: orgFinance, manager: "1001", start: date(2016, 9, 1)},
	{number: "1003", name: "Dubois, Claire", login: "claire.dubois", sex: "F", org: orgFinance, manager: "1002", start: date(2019, 4, 15)},
	{number: "1004", name: "Evans, David", login: "david.evans", sex: "M", org: orgFinance, manager: "1002", start: date(2018, 2, 1)},
	{number: "1005", name: "Novak, Emma", login: "emma.novak", sex: "F", org: orgFinance, manager: "1002", start: date(2021, 6, 7)},
	{number: "1009", name: "Costa, Ines", login: "ines.costa", sex: "F", org: orgFinance, manager: "1002", start: date(2020, 1, 6),
		left: date(2023, 6, 30)},
}

// history enters yesterday's company into the pod: its work structures,
// each hire on its start date with the person's legislative data, and each
// end of employment.
func history(pod *hcmatomtest.Server) map[string]hcmatomtest.Worker {
	for _, ws := range workstructures {
		pod.ChangeWorkstructure(dayAt(date(2015, 1, 2), 9), ws.feed, ws.id, ws.name)
	}
	hired := map[string]hcmatomtest.Worker{}
	for _, w := range staff {
		hired[w.number] = hireInHCM(pod, dayAt(w.start, 9), w.hcm(), w.sex)
		if !w.left.IsZero() {
			pod.Terminate(dayAt(w.left, 17), hired[w.number].PeriodOfServiceID, w.left)
		}
	}
	return hired
}

// hireInHCM hires w at the given time, and enters their sex an hour later.
func hireInHCM(pod *hcmatomtest.Server, at time.Time, w hcmatomtest.Worker, sex string) hcmatomtest.Worker {
	hw := pod.Hire(at, w)
	pod.UpdatePerson(at.Add(time.Hour), w.PersonNumber, map[string]string{"Sex": sex})
	return hw
}

// hrActions is what HR enters in HCM on the run date.
func hrActions(pod *hcmatomtest.Server, hired map[string]hcmatomtest.Worker, d canonical.Date) {
	hireInHCM(pod, dayAt(d, 8), mary, "F")
	hireInHCM(pod, dayAt(d, 8).Add(30*time.Minute), joe, "M")
	pod.Rehire(dayAt(d, 10), hcmatomtest.Worker{PersonNumber: "1009", Start: d, OrganizationID: orgFinance, LocationID: lyon,
		LegalEntityID: acmeSA, BusinessUnitID: businessUnit, ManagerID: personID("1002")})
	pod.Transfer(dayAt(d, 11), hired["1003"].AssignmentID, map[string]string{"OrganizationId": orgSales, "ManagerId": personID("1001")})
	pod.Terminate(dayAt(d, 12), hired["1004"].PeriodOfServiceID, date(2023, 7, 31))
	pod.UpdatePerson(dayAt(d, 13), "1005", map[string]string{"PersonName": "Novak-Hill, Emma", "PrimaryPhoneNumber": "+33 6 12 34 56 78"})
}

// login is the entitlement system's login policy: the local part of the
// work e-mail address HCM holds, or else, for a new hire HCM has no address
// for yet, "given.family" from the name ("joe.green"), which the e-mail
// provider then makes the address of.
func login(p *canonical.Person) string {
	if l := canonical.LoginFromEmail(p); l != "" {
		return l
	}
	given, family := p.Name.Given.Or(""), p.Name.Family.Or("")
	if given == "" || family == "" {
		return ""
	}
	return strings.ToLower(given + "." + family)
}
