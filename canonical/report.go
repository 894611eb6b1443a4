package canonical

import (
	"fmt"
	"strings"
)

// String returns the plan as a report for a person to review: the counts per
// operation, the policy, each action in order with its reason, then the
// held-back deactivations and the manager cycles, if any.
func (p *ActionPlan) String() string {
	var b strings.Builder
	count := map[Op]int{}
	for _, a := range p.Actions {
		count[a.Op]++
	}
	fmt.Fprintf(&b, "Plan for %s: %d to create, %d to reactivate, %d to update, %d to deactivate, %d held back\n",
		p.Policy.RunDate, count[OpCreate], count[OpReactivate], count[OpUpdate], count[OpDeactivate], len(p.Held))
	fmt.Fprintf(&b, "Policy: %s\n", p.Policy)
	for _, a := range p.Actions {
		writeAction(&b, a)
	}
	if len(p.Held) > 0 {
		fmt.Fprintf(&b, "HELD BACK: %s:\n", p.HeldReason)
		for _, a := range p.Held {
			writeAction(&b, a)
		}
	}
	for _, c := range p.Cycles {
		if len(c) == 0 { // only in a plan decoded from hand-made JSON
			continue
		}
		fmt.Fprintf(&b, "MANAGER CYCLE: %s → %s: they manage each other, so no order puts every manager first; check the manager data\n",
			strings.Join(c, " → "), c[0])
	}
	return b.String()
}

func writeAction(b *strings.Builder, a Action) {
	fmt.Fprintf(b, "  %-10s %s", a.Op, a.Key)
	if n := fullName(&a.Person); n != "" {
		fmt.Fprintf(b, " (%s)", n)
	}
	fmt.Fprintf(b, ": %s\n", a.Reason)
}

// fullName returns p's display name, or given and family names.
func fullName(p *Person) string {
	if d := p.Name.Display.Or(""); d != "" {
		return d
	}
	return strings.TrimSpace(p.Name.Given.Or("") + " " + p.Name.Family.Or(""))
}
