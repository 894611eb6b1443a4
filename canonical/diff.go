package canonical

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Change is one field that differs between two records of a person.
//
// Path names the field the same way every time: "name.given",
// "emails[work]", "logins[ad]", "assignments[A1].department", "managers".
// Old and New are the values as text; "" means none (not given, or removed).
// Sets (managers, groups, roles) are one field whose value is the sorted
// members joined by ", ". An assignment that appears or disappears is the
// change of "assignments[ID]" from "" to its ID or back.
type Change struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// String returns the change as "path: old → new", with "(none)" for an empty
// value.
func (c Change) String() string {
	return c.Path + ": " + orNone(c.Old) + " → " + orNone(c.New)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Diff returns the field-level changes that turn before into after, in a fixed
// order: names, user name, logins, e-mails, phones, address, managers,
// employment, assignments, groups, attributes, access; keyed entries by key
// ("access[fusion/role/GL_VIEWER]", whose value is the data access or
// "granted").
//
// A field not given in after is not a change, whatever before holds: after
// only speaks for what it carries. A field given in after and not in before is
// compared as if before held the empty value, so "not given" against "given
// empty" is no change either. Keys of before and after are not compared.
//
// Diff expects e-mail and phone types and assignment IDs to be unique within
// a person (Plan checks it); values of a repeated e-mail or phone type are
// joined, and of a repeated assignment ID the last one counts.
func Diff(before, after Person) []Change {
	var d differ
	b, a := &before, &after
	optDiff(&d, "name.given", "", b.Name.Given, a.Name.Given)
	optDiff(&d, "name.family", "", b.Name.Family, a.Name.Family)
	optDiff(&d, "name.middle", "", b.Name.Middle, a.Name.Middle)
	optDiff(&d, "name.display", "", b.Name.Display, a.Name.Display)
	optDiff(&d, "name.preferred", "", b.Name.Preferred, a.Name.Preferred)
	optDiff(&d, "userName", "", b.UserName, a.UserName)
	if a.Logins != nil && !maps.Equal(b.Logins, a.Logins) {
		d.keyed("logins", sortedMap(b.Logins), sortedMap(a.Logins))
	}
	if a.Emails != nil && !slices.Equal(b.Emails, a.Emails) {
		d.keyed("emails", keyedList(b.Emails, emailKV), keyedList(a.Emails, emailKV))
	}
	if a.Phones != nil && !slices.Equal(b.Phones, a.Phones) {
		d.keyed("phones", keyedList(b.Phones, phoneKV), keyedList(a.Phones, phoneKV))
	}
	optDiff(&d, "address.street", "", b.Address.Street, a.Address.Street)
	optDiff(&d, "address.city", "", b.Address.City, a.Address.City)
	optDiff(&d, "address.state", "", b.Address.State, a.Address.State)
	optDiff(&d, "address.postalCode", "", b.Address.PostalCode, a.Address.PostalCode)
	optDiff(&d, "address.country", "", b.Address.Country, a.Address.Country)
	d.set("managers", "", b.Managers, a.Managers)
	optDiff(&d, "employment.workerType", "", b.Employment.WorkerType, a.Employment.WorkerType)
	optDiff(&d, "employment.status", "", b.Employment.Status, a.Employment.Status)
	optDiff(&d, "employment.start", "", b.Employment.Start, a.Employment.Start)
	optDiff(&d, "employment.end", "", b.Employment.End, a.Employment.End)
	if a.Assignments != nil && !slices.EqualFunc(b.Assignments, a.Assignments, sameAssignment) {
		d.assignments(b.Assignments, a.Assignments)
	}
	d.set("groups", "", b.Groups, a.Groups)
	if a.Attributes != nil && !maps.Equal(b.Attributes, a.Attributes) {
		d.keyed("attributes", sortedMap(b.Attributes), sortedMap(a.Attributes))
	}
	if a.Access != nil && !slices.EqualFunc(b.Access, a.Access, func(x, y Grant) bool { return sameAccess(&x, &y) }) {
		d.access(b.Access, a.Access)
	}
	return d.changes
}

// differ collects changes. Paths are built from a prefix and a name only when
// a change is found, so that comparing equal records allocates nothing.
type differ struct{ changes []Change }

func (d *differ) add(prefix, name, old, new string) {
	d.changes = append(d.changes, Change{Path: prefix + name, Old: old, New: new})
}

// optDiff compares one optional scalar; an after not given is no change.
func optDiff[T comparable](d *differ, prefix, name string, b, a Opt[T]) {
	av, ok := a.Get()
	if !ok {
		return
	}
	bv, bok := b.Get()
	if bv == av {
		return
	}
	old := ""
	if bok {
		old = fmt.Sprint(bv)
	}
	d.add(prefix, name, old, fmt.Sprint(av))
}

// set compares two sets of names; an after that is nil is no change.
func (d *differ) set(prefix, name string, b, a []string) {
	if a == nil || slices.Equal(b, a) {
		return
	}
	old, new := setText(b), setText(a)
	if old != new {
		d.add(prefix, name, old, new)
	}
}

func setText(s []string) string {
	s = slices.Clone(s)
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ", ")
}

// kv is one entry of a keyed field (an e-mail by type, a login by system).
type kv struct{ k, v string }

// keyed compares two keyed fields, each sorted by key with unique keys, as
// name[key] paths.
func (d *differ) keyed(name string, b, a []kv) {
	for len(b) > 0 || len(a) > 0 {
		switch {
		case len(a) == 0 || len(b) > 0 && b[0].k < a[0].k:
			d.add(name, "["+b[0].k+"]", b[0].v, "")
			b = b[1:]
		case len(b) == 0 || a[0].k < b[0].k:
			d.add(name, "["+a[0].k+"]", "", a[0].v)
			a = a[1:]
		default:
			if b[0].v != a[0].v {
				d.add(name, "["+a[0].k+"]", b[0].v, a[0].v)
			}
			a, b = a[1:], b[1:]
		}
	}
}

func sortedMap(m map[string]string) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{k, v})
	}
	slices.SortFunc(out, func(x, y kv) int { return cmp.Compare(x.k, y.k) })
	return out
}

// keyedList turns a list into entries sorted by key, joining the values of a
// repeated key in list order so that nothing is dropped.
func keyedList[T any](list []T, entry func(T) kv) []kv {
	out := make([]kv, 0, len(list))
	for _, x := range list {
		out = append(out, entry(x))
	}
	slices.SortStableFunc(out, func(x, y kv) int { return cmp.Compare(x.k, y.k) })
	j := 0
	for i, e := range out {
		if i > 0 && e.k == out[j-1].k {
			out[j-1].v += ", " + e.v
			continue
		}
		out[j] = e
		j++
	}
	return out[:j]
}

func emailKV(e Email) kv {
	if e.Primary {
		return kv{e.Type, e.Address + " (primary)"}
	}
	return kv{e.Type, e.Address}
}

func phoneKV(p Phone) kv { return kv{p.Type, p.Number} }

func sameAssignment(x, y Assignment) bool {
	return x.ID == y.ID && x.Primary == y.Primary && x.OrgUnit == y.OrgUnit &&
		x.Entity == y.Entity && x.BusinessUnit == y.BusinessUnit &&
		x.Department == y.Department && x.Position == y.Position &&
		x.Location == y.Location && x.Job == y.Job && slices.Equal(x.Roles, y.Roles)
}

// assignments compares two lists of assignments by ID.
func (d *differ) assignments(b, a []Assignment) {
	byID := func(x, y Assignment) int { return cmp.Compare(x.ID, y.ID) }
	b, a = slices.Clone(b), slices.Clone(a)
	slices.SortStableFunc(b, byID)
	slices.SortStableFunc(a, byID)
	b, a = lastOfEachID(b), lastOfEachID(a)
	for len(b) > 0 || len(a) > 0 {
		switch {
		case len(a) == 0 || len(b) > 0 && b[0].ID < a[0].ID:
			d.add("assignments", "["+b[0].ID+"]", b[0].ID, "")
			b = b[1:]
		case len(b) == 0 || a[0].ID < b[0].ID:
			d.add("assignments", "["+a[0].ID+"]", "", a[0].ID)
			d.assignment(&Assignment{}, &a[0])
			a = a[1:]
		default:
			d.assignment(&b[0], &a[0])
			a, b = a[1:], b[1:]
		}
	}
}

// assignment compares the fields of one assignment present on both sides, or
// new in a (b then being empty).
func (d *differ) assignment(b, a *Assignment) {
	p := "assignments[" + a.ID + "]."
	optDiff(d, p, "primary", b.Primary, a.Primary)
	optDiff(d, p, "orgUnit", b.OrgUnit, a.OrgUnit)
	optDiff(d, p, "entity", b.Entity, a.Entity)
	optDiff(d, p, "businessUnit", b.BusinessUnit, a.BusinessUnit)
	optDiff(d, p, "department", b.Department, a.Department)
	optDiff(d, p, "position", b.Position, a.Position)
	optDiff(d, p, "location", b.Location, a.Location)
	optDiff(d, p, "job", b.Job, a.Job)
	d.set(p, "roles", b.Roles, a.Roles)
}

// lastOfEachID keeps, of assignments sorted stably by ID, the last of each ID.
func lastOfEachID(s []Assignment) []Assignment {
	j := 0
	for i := range s {
		if j > 0 && s[i].ID == s[j-1].ID {
			s[j-1] = s[i]
			continue
		}
		s[j] = s[i]
		j++
	}
	return s[:j]
}
