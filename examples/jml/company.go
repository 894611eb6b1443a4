package main

import (
	"time"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
)

// The demo company, Acme SA in Lyon, as its HR department enters it in
// Oracle HCM (a fake pod). Everything the run prints comes from what HCM's
// extract and feeds then say, read back through hrbridge: no person is
// built in code on the integration's side.
//
// Alice runs the company, Bruno runs Finance under her. Yesterday
// (2024-03-03) Claire, David and Emma worked in Finance, and Ines had left
// in 2023. Today (2024-03-04) HR records a joiner (Hana, to run Sales, who
// started on 2024-03-01), a future-dated joiner (Diego, who will report to
// Hana from 2024-03-11), a rehire (Ines), a mover (Claire, to Sales under
// Hana), a leaver (David, whose last day was 2024-02-29) and an update
// (Emma's married name and new mobile). CMO also holds an account of Felix,
// a contractor HR no longer lists, whom nobody switched off.

// The work structures, with the ids HCM gives them; their names come from
// HCM's workstructures feeds.
const (
	orgBoard   = "300100037658501"
	orgFinance = "300100037658514"
	orgSales   = "300100037658527"
	acmeSA     = "300100037600002" // the legal employer
	lyon       = "300100037658196"
)

var workstructures = []struct {
	feed     hcmatom.Collection
	id, name string
}{
	{hcmatom.OrganizationsFeed, acmeSA, "Acme SA"},
	{hcmatom.OrganizationsFeed, orgBoard, "Board"},
	{hcmatom.OrganizationsFeed, orgFinance, "Finance"},
	{hcmatom.OrganizationsFeed, orgSales, "Sales"},
	{hcmatom.LocationsFeed, lyon, "Lyon"},
}

func date(y int, m time.Month, d int) canonical.Date {
	return canonical.Date{Year: y, Month: m, Day: d}
}

// dayAt returns the given hour of a day, UTC.
func dayAt(d canonical.Date, hour int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, time.UTC)
}

// personID is the PersonId the demo gives a person number.
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
		WorkEmail: w.login + "@acme.example", WorkerType: "EMP", Start: w.start,
		OrganizationID: w.org, LocationID: lyon, LegalEntityID: acmeSA}
	if w.manager != "" {
		hw.ManagerID = personID(w.manager)
	}
	return hw
}

// staff is the company as it stood yesterday.
var staff = []worker{
	{number: "1001", name: "Martin, Alice", login: "amartin", sex: "F", org: orgBoard, start: date(2015, 1, 5)},
	{number: "1002", name: "Keller, Bruno", login: "bkeller", sex: "M", org: orgFinance, manager: "1001", start: date(2016, 9, 1)},
	{number: "1003", name: "Dubois, Claire", login: "cdubois", sex: "F", org: orgFinance, manager: "1002", start: date(2019, 4, 15)},
	{number: "1004", name: "Evans, David", login: "devans", sex: "M", org: orgFinance, manager: "1002", start: date(2018, 2, 1)},
	{number: "1005", name: "Novak, Emma", login: "enovak", sex: "F", org: orgFinance, manager: "1002", start: date(2021, 6, 7)},
	{number: "1009", name: "Costa, Ines", login: "icosta", sex: "F", org: orgFinance, manager: "1002", start: date(2020, 1, 6),
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
		hired[w.number] = hireInHCM(pod, dayAt(w.start, 9), w)
		if !w.left.IsZero() {
			pod.Terminate(dayAt(w.left, 17), hired[w.number].PeriodOfServiceID, w.left)
		}
	}
	return hired
}

// hireInHCM hires w at the given time, and enters their sex an hour later.
func hireInHCM(pod *hcmatomtest.Server, at time.Time, w worker) hcmatomtest.Worker {
	hw := pod.Hire(at, w.hcm())
	pod.UpdatePerson(at.Add(time.Hour), w.number, map[string]string{"Sex": w.sex})
	return hw
}

// hrActions is what HR enters in HCM on the run date.
func hrActions(pod *hcmatomtest.Server, hired map[string]hcmatomtest.Worker, d canonical.Date) {
	hireInHCM(pod, dayAt(d, 8), worker{number: "1008", name: "Sato, Hana", login: "hsato", sex: "F", org: orgSales, manager: "1001",
		start: date(2024, 3, 1)})
	hireInHCM(pod, dayAt(d, 8).Add(30*time.Minute), worker{number: "1007", name: "Ruiz, Diego", login: "druiz", sex: "M",
		org: orgSales, manager: "1008", start: date(2024, 3, 11)})
	pod.Rehire(dayAt(d, 10), hcmatomtest.Worker{PersonNumber: "1009", Start: d, OrganizationID: orgFinance, LocationID: lyon,
		LegalEntityID: acmeSA, ManagerID: personID("1002")})
	pod.Transfer(dayAt(d, 11), hired["1003"].AssignmentID, map[string]string{"OrganizationId": orgSales, "ManagerId": personID("1008")})
	pod.Terminate(dayAt(d, 12), hired["1004"].PeriodOfServiceID, date(2024, 2, 29))
	pod.UpdatePerson(dayAt(d, 13), "1005", map[string]string{"PersonName": "Novak-Hill, Emma", "PrimaryPhoneNumber": "+33 6 12 34 56 78"})
}
