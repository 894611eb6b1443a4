package canonical_test

import (
	"context"
	"fmt"
	"log"

	"github.com/hrbridge/hrbridge/canonical"
)

// Rules are Go values: the guide's "every employee gets e-mail and the
// employee training, every manager the manager training". Each grant cites
// the rule that gave it.
func ExampleRules_Evaluate() {
	mail := canonical.Entitlement{System: "csf", Kind: canonical.KindGroup, ID: "Mail Users"}
	training := canonical.Entitlement{System: "cmo", Kind: canonical.KindTraining, ID: "Employee Training"}
	managers := canonical.Entitlement{System: "cmo", Kind: canonical.KindTraining, ID: "Manager Training"}
	rules := canonical.Rules{
		{Name: "employees", Description: "every employee gets e-mail and the employee training",
			When: []canonical.Cond{canonical.Is(canonical.AttrWorkerType, "employee")}, Grant: []canonical.Entitlement{mail, training}},
		{Name: "managers", Description: "managers also get the manager training",
			When: []canonical.Cond{canonical.Is(canonical.AttrManager, "true")}, Grant: []canonical.Entitlement{managers}},
	}
	emp := canonical.Employment{WorkerType: canonical.Some(canonical.WorkerEmployee), Status: canonical.Some(canonical.StatusActive)}
	people := []canonical.Person{
		{Key: "966169008890736", Name: canonical.Name{Display: canonical.Some("Joe Green")}, Employment: emp, Managers: []string{"966169008890236"}},
		{Key: "966169008890236", Name: canonical.Name{Display: canonical.Some("Mary King")}, Employment: emp},
	}
	out, findings, err := rules.Evaluate(people, canonical.Date{Year: 2023, Month: 8, Day: 1})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range out {
		for _, g := range p.Access {
			fmt.Printf("%s: %s ← %s\n", p.Name.Display.Or(""), g.ID, g.Why())
		}
	}
	fmt.Println(len(findings), "overlaps or conflicts")
	// Output:
	// Joe Green: Employee Training ← rule employees: every employee gets e-mail and the employee training (workerType is employee)
	// Joe Green: Mail Users ← rule employees: every employee gets e-mail and the employee training (workerType is employee)
	// Mary King: Employee Training ← rule employees: every employee gets e-mail and the employee training (workerType is employee)
	// Mary King: Manager Training ← rule managers: managers also get the manager training (manager is true)
	// Mary King: Mail Users ← rule employees: every employee gets e-mail and the employee training (workerType is employee)
	// 0 overlaps or conflicts
}

// printer is an Applier that prints what it is asked to do.
type printer struct{}

func (printer) Target() string { return "csf" }

func (printer) Apply(_ context.Context, a *canonical.Action) error {
	fmt.Println("apply", a.Op, a.Key)
	return nil
}

// Apply records each action's outcome in a journal; given the journal
// again, it does only what is left.
func ExampleApply() {
	mail := canonical.Grant{Entitlement: canonical.Entitlement{System: "csf", Kind: canonical.KindGroup, ID: "Mail Users"}}
	joe := canonical.Person{Key: "966169008890736", Access: []canonical.Grant{mail},
		Employment: canonical.Employment{Status: canonical.Some(canonical.StatusActive)}}
	plan, err := canonical.Plan([]canonical.Person{joe}, nil, canonical.Policy{RunDate: canonical.Date{Year: 2023, Month: 8, Day: 1}})
	if err != nil {
		log.Fatal(err)
	}
	var journal canonical.Journal // stored by the caller between runs
	save := func(j *canonical.Journal, e canonical.Entry) error { return nil }
	for range 2 {
		if err := canonical.Apply(context.Background(), plan, printer{}, &journal, canonical.ApplyOptions{Record: save}); err != nil {
			log.Fatal(err)
		}
	}
	for _, e := range journal.Entries {
		fmt.Println(e.Op, e.Key, e.Entitlement, e.Outcome)
	}
	// Output:
	// apply create 966169008890736
	// apply grant 966169008890736
	// create 966169008890736  started
	// create 966169008890736  done
	// grant 966169008890736 csf/group/Mail Users started
	// grant 966169008890736 csf/group/Mail Users done
}
