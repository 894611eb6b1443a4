package canonical

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Attr names an HR attribute a rule tests.
type Attr string

// The attributes rules may test. The assignment ones hold the values of all
// the person's assignments: a person with two jobs has both. Besides these,
// "attributes.NAME" tests Person.Attributes["NAME"].
const (
	AttrWorkerType    Attr = "workerType"    // Employment.WorkerType ("employee", ...)
	AttrStatus        Attr = "status"        // Employment.Status
	AttrManager       Attr = "manager"       // "true" or "false"; see Rules.Evaluate
	AttrJob           Attr = "job"           // Assignment.Job
	AttrPosition      Attr = "position"      // Assignment.Position
	AttrOrganisation  Attr = "organisation"  // Assignment.Department (HCM's organisation)
	AttrBusinessUnit  Attr = "businessUnit"  // Assignment.BusinessUnit
	AttrLocation      Attr = "location"      // Assignment.Location
	AttrLegalEmployer Attr = "legalEmployer" // Assignment.Entity
	AttrStart         Attr = "start"         // Employment.Start, YYYY-MM-DD
	AttrEnd           Attr = "end"           // Employment.End, YYYY-MM-DD
)

// AttrPrefix starts an attribute that names a key of Person.Attributes.
const AttrPrefix = "attributes."

// AttrManagerFlag is the key of Person.Attributes whose "Y" marks a manager
// whom nobody in the list reports to yet (HCM's ManagerFlag).
const AttrManagerFlag = "managerFlag"

var knownAttrs = []Attr{AttrWorkerType, AttrStatus, AttrManager, AttrJob, AttrPosition, AttrOrganisation,
	AttrBusinessUnit, AttrLocation, AttrLegalEmployer, AttrStart, AttrEnd}

// CondOp is how a condition tests its attribute.
type CondOp string

// The tests of a condition.
const (
	OpIs        CondOp = "is"        // one of Values
	OpNot       CondOp = "not"       // none of Values (a person without the attribute passes)
	OpGiven     CondOp = "given"     // has a value
	OpBefore    CondOp = "before"    // a date before Values[0]
	OpOnOrAfter CondOp = "onOrAfter" // a date on or after Values[0]
)

// Cond is one test of a rule. Build it with Is, Not, Given, Before or
// OnOrAfter.
type Cond struct {
	Attr   Attr     `json:"attr"`
	Op     CondOp   `json:"op"`
	Values []string `json:"values,omitempty"`
}

// Is holds when attr has one of values.
func Is(attr Attr, values ...string) Cond { return Cond{Attr: attr, Op: OpIs, Values: values} }

// Not holds when attr has none of values.
func Not(attr Attr, values ...string) Cond { return Cond{Attr: attr, Op: OpNot, Values: values} }

// Given holds when attr has a value.
func Given(attr Attr) Cond { return Cond{Attr: attr, Op: OpGiven} }

// Before holds when the date attr is given and before d.
func Before(attr Attr, d Date) Cond {
	return Cond{Attr: attr, Op: OpBefore, Values: []string{d.String()}}
}

// OnOrAfter holds when the date attr is given and on or after d.
func OnOrAfter(attr Attr, d Date) Cond {
	return Cond{Attr: attr, Op: OpOnOrAfter, Values: []string{d.String()}}
}

// String returns the condition as it reads: "job is J1 or J2".
func (c Cond) String() string {
	switch c.Op {
	case OpGiven:
		return string(c.Attr) + " is given"
	case OpNot:
		return string(c.Attr) + " is not " + strings.Join(c.Values, " nor ")
	case OpBefore:
		return string(c.Attr) + " before " + strings.Join(c.Values, "")
	case OpOnOrAfter:
		return string(c.Attr) + " on or after " + strings.Join(c.Values, "")
	}
	return string(c.Attr) + " is " + strings.Join(c.Values, " or ")
}

// Rule gives entitlements to the employed people who meet all its
// conditions; a rule without conditions gives them to every employed
// person. Name is how the grants it gives cite it, so it must be unique
// among the rules; Description says why, in words.
type Rule struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	When        []Cond        `json:"when"`
	Grant       []Entitlement `json:"grant"`
}

// String returns the rule in a line: "managers (managers also get manager
// training): when manager is true, grant training/...".
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString(r.Name)
	if r.Description != "" {
		b.WriteString(" (" + r.Description + ")")
	}
	b.WriteString(": ")
	if len(r.When) == 0 {
		b.WriteString("every employed person")
	} else {
		b.WriteString("when ")
		for i, c := range r.When {
			if i > 0 {
				b.WriteString(" and ")
			}
			b.WriteString(c.String())
		}
	}
	b.WriteString(", grant ")
	for i, e := range r.Grant {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.String())
	}
	return b.String()
}

// because is the reason a grant of r gives.
func (r *Rule) because() string {
	s := "rule " + r.Name
	if r.Description != "" {
		s += ": " + r.Description
	}
	if len(r.When) > 0 {
		conds := make([]string, len(r.When))
		for i, c := range r.When {
			conds[i] = c.String()
		}
		s += " (" + strings.Join(conds, " and ") + ")"
	}
	return s
}

// Rules is an ordered list of rules: the birthright access of a company,
// computed from HR attributes. Its order is its priority: when two rules
// give the same entitlement with different data access, the earlier one's
// counts, and the conflict is reported.
type Rules []Rule

// String lists the rules, one a line.
func (rs Rules) String() string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Check returns an error naming each bad rule and field: an empty or
// repeated name, an unknown attribute, an unknown test, a test without
// values or with a value that is not a date where a date is tested, an
// entitlement without system or id or of an unknown kind.
func (rs Rules) Check() error {
	var errs []error
	for i, r := range rs {
		record := fmt.Sprintf("rules[%d] (%s)", i, r.Name)
		bad := func(field, problem string) {
			errs = append(errs, &InputError{Record: record, Field: field, Problem: problem})
		}
		if r.Name == "" {
			bad("name", "is empty")
		} else if j := slices.IndexFunc(rs[:i], func(o Rule) bool { return o.Name == r.Name }); j >= 0 {
			bad("name", fmt.Sprintf("repeats the name of rules[%d]", j))
		}
		for k, c := range r.When {
			f := fmt.Sprintf("when[%d]", k)
			if !slices.Contains(knownAttrs, c.Attr) && (!strings.HasPrefix(string(c.Attr), AttrPrefix) || len(c.Attr) == len(AttrPrefix)) {
				bad(f+".attr", fmt.Sprintf("unknown attribute %q (known: %s, or %sNAME)", c.Attr, attrList(), AttrPrefix))
			}
			switch c.Op {
			case OpIs, OpNot:
				if len(c.Values) == 0 {
					bad(f+".values", "none given to "+string(c.Op))
				}
			case OpGiven:
			case OpBefore, OpOnOrAfter:
				if c.Attr != AttrStart && c.Attr != AttrEnd {
					bad(f+".attr", fmt.Sprintf("%s is not a date: %s compares dates", c.Attr, c.Op))
				} else if len(c.Values) != 1 {
					bad(f+".values", fmt.Sprintf("want one date, got %d values", len(c.Values)))
				} else if _, err := ParseISODate(c.Values[0]); err != nil {
					bad(f+".values", fmt.Sprintf("%q is not a YYYY-MM-DD date", c.Values[0]))
				}
			default:
				bad(f+".op", fmt.Sprintf("unknown test %q (is, not, given, before, onOrAfter)", c.Op))
			}
		}
		if len(r.Grant) == 0 {
			bad("grant", "grants nothing")
		}
		for k, e := range r.Grant {
			f := fmt.Sprintf("grant[%d]", k)
			switch {
			case e.System == "":
				bad(f+".system", "is empty")
			case e.ID == "":
				bad(f+".id", "is empty")
			case !e.Kind.valid():
				bad(f+".kind", fmt.Sprintf("%q is not role, group, licence, application or training", e.Kind))
			}
		}
	}
	return errors.Join(errs...)
}

func attrList() string {
	s := make([]string, len(knownAttrs))
	for i, a := range knownAttrs {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// Finding is an overlap or a conflict between rules that Evaluate met.
type Finding struct {
	// Kind is "overlap" (several rules give the same access: all but one
	// are redundant for these people) or "conflict" (they give the same
	// entitlement with different data access: the first rule's counts).
	Kind        string   `json:"kind"`
	Entitlement string   `json:"entitlement"`
	Rules       []string `json:"rules"`
	// People is how many people it concerns; Example is the first of them.
	People  int    `json:"people"`
	Example string `json:"example"`
}

// String returns the finding in a sentence.
func (f Finding) String() string {
	what := "give the same access"
	if f.Kind == "conflict" {
		what = "give it different data access; " + f.Rules[0] + "'s counts"
	}
	return fmt.Sprintf("%s: rules %s %s for %s (%d %s, such as %s)", f.Kind, strings.Join(f.Rules, " and "), what,
		f.Entitlement, f.People, plural(f.People, "person", "people"), f.Example)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// compiled is a rule ready to test people.
type compiled struct {
	rule    *Rule
	because []string // one line, clipped: shared by its grants until appended to
	when    []func(*Person, bool) bool
}

// Evaluate returns people with their Access set to what the rules give,
// each grant citing its rules, and the overlaps and conflicts met. A person
// not employed on the given day (see Plan) gets empty access, so that a
// leaver loses every grant. It checks the rules first (see Check) and
// changes nothing when they are bad.
//
// A person is a manager ("manager" is "true") when someone in people
// reports to them (Person.Managers), or when Attributes[AttrManagerFlag] is
// "Y". The returned people share everything but Access with people.
func (rs Rules) Evaluate(people []Person, on Date) ([]Person, []Finding, error) {
	if err := rs.Check(); err != nil {
		return nil, nil, err
	}
	managers := map[string]bool{}
	for i := range people {
		for _, m := range people[i].Managers {
			managers[m] = true
		}
	}
	cs := make([]compiled, len(rs))
	for i := range rs {
		cs[i] = compiled{rule: &rs[i], because: slices.Clip([]string{rs[i].because()})}
		for _, c := range rs[i].When {
			cs[i].when = append(cs[i].when, c.test())
		}
	}
	type findingKey struct{ kind, ent, rules string }
	found := map[findingKey]*Finding{}
	var order []findingKey
	note := func(kind string, e *Grant, first string, other *Rule, p *Person) {
		k := findingKey{kind, e.Key(), first + "\x00" + other.Name}
		f, ok := found[k]
		if !ok {
			f = &Finding{Kind: kind, Entitlement: e.Key(), Rules: []string{first, other.Name}, Example: p.Key}
			found[k] = f
			order = append(order, k)
		}
		f.People++
	}
	out := make([]Person, len(people))
	var origin []*Rule  // the rule that gave each grant first
	var scratch []Grant // a person's grants, copied out at the end
	for i := range people {
		p := &people[i]
		out[i] = *p
		access := scratch[:0]
		if employed(p, on) {
			mgr := managers[p.Key] || p.Attributes[AttrManagerFlag] == "Y"
			origin = origin[:0]
			for j := range cs {
				c := &cs[j]
				if !c.holds(p, mgr) {
					continue
				}
				for _, e := range c.rule.Grant {
					g := find(access, &e)
					if g == nil {
						access = append(access, Grant{Entitlement: e, Because: c.because})
						origin = append(origin, c.rule)
						continue
					}
					first := origin[g0(access, g)].Name
					if !sameSet(g.DataAccess, e.DataAccess) {
						note("conflict", g, first, c.rule, p)
						continue
					}
					note("overlap", g, first, c.rule, p)
					g.Because = append(g.Because, c.because[0])
				}
			}
			sortGrants(access)
		}
		out[i].Access = append(make([]Grant, 0, len(access)), access...)
		clear(access)
		scratch = access
	}
	findings := make([]Finding, len(order))
	for i, k := range order {
		findings[i] = *found[k]
	}
	return out, findings, nil
}

// g0 returns the index of g in list.
func g0(list []Grant, g *Grant) int {
	for i := range list {
		if &list[i] == g {
			return i
		}
	}
	return 0
}

func (c *compiled) holds(p *Person, mgr bool) bool {
	for _, t := range c.when {
		if !t(p, mgr) {
			return false
		}
	}
	return true
}

// test returns the function that tests c on a person (c is checked).
func (c Cond) test() func(*Person, bool) bool {
	values := c.Values
	var limit Date
	if c.Op == OpBefore || c.Op == OpOnOrAfter {
		limit, _ = ParseISODate(values[0])
	}
	match := func(v string) bool {
		switch c.Op {
		case OpIs, OpNot:
			return slices.Contains(values, v)
		case OpGiven:
			return true
		}
		got, err := ParseISODate(v)
		if err != nil {
			return false
		}
		if c.Op == OpBefore {
			return got.Before(limit)
		}
		return !got.Before(limit)
	}
	get := c.Attr.getter()
	return func(p *Person, mgr bool) bool {
		found := false
		for i := 0; !found; i++ {
			v, ok := get(p, mgr, i)
			if !ok {
				break
			}
			found = v != "" && match(v)
		}
		return found != (c.Op == OpNot)
	}
}

// getter returns a function that returns a's i-th value of a person, and
// false past the last.
func (a Attr) getter() func(p *Person, mgr bool, i int) (string, bool) {
	one := func(f func(*Person) string) func(*Person, bool, int) (string, bool) {
		return func(p *Person, _ bool, i int) (string, bool) { return f(p), i == 0 }
	}
	asg := func(f func(*Assignment) Opt[string]) func(*Person, bool, int) (string, bool) {
		return func(p *Person, _ bool, i int) (string, bool) {
			if i >= len(p.Assignments) {
				return "", false
			}
			return f(&p.Assignments[i]).Or(""), true
		}
	}
	date := func(d Opt[Date]) string {
		if v, ok := d.Get(); ok && !v.IsZero() {
			return v.String()
		}
		return ""
	}
	switch a {
	case AttrWorkerType:
		return one(func(p *Person) string { return string(p.Employment.WorkerType.Or("")) })
	case AttrStatus:
		return one(func(p *Person) string { return string(p.Employment.Status.Or("")) })
	case AttrManager:
		return func(_ *Person, mgr bool, i int) (string, bool) { return strconv.FormatBool(mgr), i == 0 }
	case AttrJob:
		return asg(func(x *Assignment) Opt[string] { return x.Job })
	case AttrPosition:
		return asg(func(x *Assignment) Opt[string] { return x.Position })
	case AttrOrganisation:
		return asg(func(x *Assignment) Opt[string] { return x.Department })
	case AttrBusinessUnit:
		return asg(func(x *Assignment) Opt[string] { return x.BusinessUnit })
	case AttrLocation:
		return asg(func(x *Assignment) Opt[string] { return x.Location })
	case AttrLegalEmployer:
		return asg(func(x *Assignment) Opt[string] { return x.Entity })
	case AttrStart:
		return one(func(p *Person) string { return date(p.Employment.Start) })
	case AttrEnd:
		return one(func(p *Person) string { return date(p.Employment.End) })
	}
	name := strings.TrimPrefix(string(a), AttrPrefix)
	return one(func(p *Person) string { return p.Attributes[name] })
}

// Governed returns the grants of list whose entitlement some rule gives,
// sorted by key: what a target holds that no rule speaks of (a role the
// target gives itself, an administrator's group) is left out of the
// current access a plan compares with, so that no plan revokes it. It
// returns nil for nil: access not given stays not given.
func (rs Rules) Governed(list []Grant) []Grant {
	if list == nil {
		return nil
	}
	out := []Grant{}
	for _, g := range list {
		if slices.ContainsFunc(rs, func(r Rule) bool {
			return slices.ContainsFunc(r.Grant, func(e Entitlement) bool { return e.same(&g.Entitlement) })
		}) {
			out = append(out, g)
		}
	}
	sortGrants(out)
	return out
}
