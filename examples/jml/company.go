package main

import (
	"slices"
	"time"

	"github.com/hrbridge/hrbridge/canonical"
)

func date(y int, m time.Month, d int) canonical.Date {
	return canonical.Date{Year: y, Month: m, Day: d}
}

// employee returns an active employee with one primary assignment.
func employee(key, given, family, login, dept string, start canonical.Date, managers ...string) canonical.Person {
	return canonical.Person{
		Key:      key,
		Name:     canonical.Name{Given: canonical.Some(given), Family: canonical.Some(family), Display: canonical.Some(given + " " + family)},
		Logins:   map[string]string{"ad": login},
		Emails:   []canonical.Email{{Type: "work", Address: login + "@acme.example", Primary: true}},
		Managers: append([]string{}, managers...), // given, even when empty
		Employment: canonical.Employment{
			WorkerType: canonical.Some(canonical.WorkerEmployee),
			Status:     canonical.Some(canonical.StatusActive),
			Start:      canonical.Some(start),
		},
		Assignments: []canonical.Assignment{{
			ID: key + "-1", Primary: canonical.Some(true), Entity: canonical.Some("Acme SA"),
			Department: canonical.Some(dept), Location: canonical.Some("Lyon"),
		}},
	}
}

// ended returns p as inactive from the day after end.
func ended(p canonical.Person, end canonical.Date) canonical.Person {
	p.Employment.Status = canonical.Some(canonical.StatusInactive)
	p.Employment.End = canonical.Some(end)
	return p
}

// snapshots returns what HR said yesterday (2024-03-03) and says today
// (2024-03-04), and what the target system holds: yesterday's company, plus
// Felix, a contractor HR no longer lists whom nobody switched off.
//
// The company is small: Alice runs it, Bruno runs Finance under her, and Hana
// has just joined to run Sales. Between yesterday and today HR recorded a
// joiner (Hana), a future-dated joiner (Diego, who reports to Hana), a rehire
// (Ines), a mover (Claire, from Finance under Bruno to Sales under Hana), a
// leaver (David), an update (Emma's married name and new mobile), and nothing
// for Alice and Bruno.
func snapshots() (yesterday, today, target []canonical.Person) {
	alice := employee("1001", "Alice", "Martin", "amartin", "Board", date(2015, 1, 5))
	bruno := employee("1002", "Bruno", "Keller", "bkeller", "Finance", date(2016, 9, 1), "1001")
	claire := employee("1003", "Claire", "Dubois", "cdubois", "Finance", date(2019, 4, 15), "1002")
	david := employee("1004", "David", "Evans", "devans", "Finance", date(2018, 2, 1), "1002")
	emma := employee("1005", "Emma", "Novak", "enovak", "Finance", date(2021, 6, 7), "1002")
	diego := employee("1007", "Diego", "Ruiz", "druiz", "Sales", date(2024, 3, 11), "1008")
	hana := employee("1008", "Hana", "Sato", "hsato", "Sales", date(2024, 3, 1), "1001")
	ines := ended(employee("1009", "Ines", "Costa", "icosta", "Finance", date(2020, 1, 6), "1002"), date(2023, 6, 30))
	felix := employee("1010", "Felix", "Wagner", "fwagner", "Finance", date(2022, 5, 2), "1002")
	yesterday = []canonical.Person{alice, bruno, claire, david, emma, ines}
	target = append(slices.Clone(yesterday), felix)

	claire.Managers = []string{"1008"}
	claire.Assignments = []canonical.Assignment{{
		ID: "1003-1", Primary: canonical.Some(true), Entity: canonical.Some("Acme SA"),
		Department: canonical.Some("Sales"), Location: canonical.Some("Lyon"),
	}}
	emma.Name.Family = canonical.Some("Novak-Hill")
	emma.Name.Display = canonical.Some("Emma Novak-Hill")
	emma.Phones = []canonical.Phone{{Type: "mobile", Number: "+33 6 12 34 56 78"}}
	ines.Employment = canonical.Employment{
		WorkerType: canonical.Some(canonical.WorkerEmployee),
		Status:     canonical.Some(canonical.StatusActive),
		Start:      canonical.Some(date(2024, 3, 4)),
		End:        canonical.Some(canonical.Date{}), // given: no end date any more
	}
	today = []canonical.Person{alice, bruno, claire, ended(david, date(2024, 2, 29)), emma, diego, hana, ines}
	return yesterday, today, target
}
