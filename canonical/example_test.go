package canonical_test

import (
	"fmt"
	"log"
	"time"

	"github.com/hrbridge/hrbridge/canonical"
)

func date(y int, m time.Month, d int) canonical.Date {
	return canonical.Date{Year: y, Month: m, Day: d}
}

func ExampleClassify() {
	yesterday := canonical.Person{
		Key:         "1042",
		Managers:    []string{"1001"},
		Employment:  canonical.Employment{Status: canonical.Some(canonical.StatusActive)},
		Assignments: []canonical.Assignment{{ID: "A1", Department: canonical.Some("Finance")}},
		Phones:      []canonical.Phone{{Type: "work", Number: "+33 1 23 45 67 89"}},
	}
	// Today's source carries no phones (Phones is nil): that is not a change.
	today := yesterday
	today.Phones = nil
	today.Assignments = []canonical.Assignment{{ID: "A1", Department: canonical.Some("Sales")}}

	c := canonical.Classify(&yesterday, &today)
	fmt.Println(c.Lifecycle)
	for _, ch := range c.Changes {
		fmt.Println(ch)
	}
	fmt.Println(canonical.Classify(&today, nil).Lifecycle)
	// Output:
	// mover
	// assignments[A1].department: Finance → Sales
	// leaver
}

func ExamplePlan() {
	person := func(key, given, dept string, managers ...string) canonical.Person {
		return canonical.Person{
			Key:         key,
			Name:        canonical.Name{Given: canonical.Some(given)},
			Managers:    managers,
			Employment:  canonical.Employment{Status: canonical.Some(canonical.StatusActive), Start: canonical.Some(date(2024, 3, 1))},
			Assignments: []canonical.Assignment{{ID: key + "-1", Department: canonical.Some(dept)}},
		}
	}
	hr := []canonical.Person{
		person("1003", "Carol", "Sales", "1004"), // reports to a joiner
		person("1004", "Bob", "Sales"),           // a joiner, created first
		person("1001", "Alice", "Sales"),         // moved from Finance
	}
	target := []canonical.Person{
		person("1001", "Alice", "Finance"),
		person("1009", "Ivan", "Finance"), // no longer in the HR list
	}
	plan, err := canonical.Plan(hr, target, canonical.Policy{
		RunDate:              date(2024, 3, 4),
		FullList:             true,
		DeactivateMissing:    true,
		MaxDeactivations:     10,
		MaxDeactivationShare: 0.5,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(plan)
	// Output:
	// Plan for 2024-03-04: 2 to create, 0 to reactivate, 1 to update, 1 to deactivate, 0 held back
	// Policy: full list; missing people deactivated; assignments appended; managers appended; rehires reactivated; at most 10 deactivations and 50% of active people
	//   create     1004 (Bob): joined on 2024-03-01
	//   create     1003 (Carol): joined on 2024-03-01
	//   update     1001 (Alice): moved: assignments[1001-1].department: Finance → Sales
	//   deactivate 1009 (Ivan): missing from the full HR list
}
