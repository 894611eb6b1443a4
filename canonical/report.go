package canonical

import (
	"fmt"
	"strings"

	"github.com/hrbridge/hrbridge/fusionsod"
)

// String returns the plan as a report for a person to review: the counts per
// operation, the policy, each action in order with its reason, then the
// held-back deactivations and revokes, the grants the segregation-of-duties
// gate denied or holds for approval, and the manager cycles, if any. A grant
// or revoke names its entitlement and why; the counts of grants and revokes
// appear when the plan has access to change.
func (p *ActionPlan) String() string {
	var b strings.Builder
	count := map[Op]int{}
	for _, a := range p.Actions {
		count[a.Op]++
	}
	fmt.Fprintf(&b, "Plan for %s: %d to create, %d to reactivate, %d to update, %d to deactivate",
		p.Policy.RunDate, count[OpCreate], count[OpReactivate], count[OpUpdate], count[OpDeactivate])
	if count[OpGrant]+count[OpRevoke]+len(p.Denied)+len(p.Pending) > 0 || p.holds(OpRevoke) {
		fmt.Fprintf(&b, ", %d to grant, %d to revoke, %d denied, %d waiting for approval",
			count[OpGrant], count[OpRevoke], len(p.Denied), len(p.Pending))
	}
	fmt.Fprintf(&b, ", %d held back\n", len(p.Held))
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
	for _, part := range []struct {
		title string
		list  []Action
	}{{"DENIED by the segregation-of-duties gate", p.Denied}, {"WAITING FOR APPROVAL", p.Pending}} {
		if len(part.list) > 0 {
			fmt.Fprintf(&b, "%s:\n", part.title)
			for _, a := range part.list {
				writeAction(&b, a)
			}
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
	if a.Grant != nil {
		fmt.Fprintf(b, ": %s", a.Grant)
	}
	fmt.Fprintf(b, ": %s\n", a.Reason)
	if a.SoD != nil && a.SoD.Decision != fusionsod.Grant {
		fmt.Fprintf(b, "             SoD %s: %s\n", a.SoD.Decision, a.SoD.Reason)
	}
}

// holds reports whether the plan holds back an action of op.
func (p *ActionPlan) holds(op Op) bool {
	for _, a := range p.Held {
		if a.Op == op {
			return true
		}
	}
	return false
}

// fullName returns p's display name, or given and family names.
func fullName(p *Person) string {
	if d := p.Name.Display.Or(""); d != "" {
		return d
	}
	return strings.TrimSpace(p.Name.Given.Or("") + " " + p.Name.Family.Or(""))
}

// Markdown returns the plan as a Markdown report for a person to read: who,
// what, why and, from the journal of its application (nil when it has not
// run), the outcome of each action; then what was held back, denied by the
// segregation-of-duties gate or left waiting for approval, with the
// decisions and their justifications.
func (p *ActionPlan) Markdown(j *Journal) string {
	var b strings.Builder
	head, _, _ := strings.Cut(p.String(), "\n")
	fmt.Fprintf(&b, "## %s\n\n_Policy: %s._\n\n", mdCell(head), mdCell(p.Policy.String()))
	if len(p.Actions) > 0 {
		b.WriteString("| # | Who | What | Why | Outcome |\n|---:|---|---|---|---|\n")
		for i, a := range p.Actions {
			outcome := "planned"
			if j != nil {
				if e, ok := j.Last(i); ok {
					outcome = string(e.Outcome)
					if e.Error != "" {
						outcome += ": " + e.Error
					}
				}
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", i+1, mdWho(&a), mdWhat(&a), mdCell(mdWhy(&a)), mdCell(outcome))
		}
	}
	sections := []struct {
		title, intro string
		list         []Action
	}{
		{"Held back", p.HeldReason, p.Held},
		{"Denied by the segregation-of-duties gate", "", p.Denied},
		{"Waiting for approval", "Check the plan again through the gate once the approvers have decided.", p.Pending},
	}
	for _, s := range sections {
		if len(s.list) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n", s.title)
		if s.intro != "" {
			fmt.Fprintf(&b, "%s.\n\n", strings.TrimSuffix(mdCell(s.intro), "."))
		}
		b.WriteString("| Who | What | Why |\n|---|---|---|\n")
		for _, a := range s.list {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdWho(&a), mdWhat(&a), mdCell(mdWhy(&a)))
		}
	}
	for _, c := range p.Cycles {
		if len(c) > 0 {
			fmt.Fprintf(&b, "\n**Manager cycle:** %s → %s: they manage each other; check the manager data.\n", mdCell(strings.Join(c, " → ")), mdCell(c[0]))
		}
	}
	return b.String()
}

func mdWho(a *Action) string {
	if n := fullName(&a.Person); n != "" {
		return mdCell(n) + " (" + mdCell(a.Key) + ")"
	}
	return mdCell(a.Key)
}

func mdWhat(a *Action) string {
	if a.Grant != nil {
		return string(a.Op) + " `" + strings.ReplaceAll(a.Grant.String(), "`", "'") + "`"
	}
	return string(a.Op)
}

// mdWhy is the action's reason, with the gate's decision on a grant.
func mdWhy(a *Action) string {
	why := a.Reason
	if s := a.SoD; s != nil {
		why += "; SoD " + string(s.Decision) + ": " + s.Reason
		if s.Justification != "" && !strings.Contains(s.Reason, s.Justification) {
			why += " (justification: " + s.Justification + ")"
		}
	}
	return why
}

// mdCell makes s safe in a table cell: no line breaks, pipes escaped.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
