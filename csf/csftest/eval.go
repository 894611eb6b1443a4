package csftest

import (
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/csf"
	um "github.com/hrbridge/hrbridge/csf/internal/usermanager"
)

// values returns every value of the property name (without regard to
// case), with the ones every user has: objectCategory "person", objectClass
// "user" (and its parents), samaccountname the local part of the UserId
// unless set.
func (u *User) values(name string) ([]string, bool) {
	if i := u.index(name); i >= 0 {
		return u.Properties[i].Values, true
	}
	switch strings.ToLower(name) {
	case "objectcategory":
		return []string{"person"}, true
	case "objectclass":
		return []string{"top", "person", "organizationalPerson", "user"}, true
	case "samaccountname":
		local, _, _ := strings.Cut(u.ID, "@")
		return []string{local}, true
	case "userprincipalname":
		return []string{u.ID}, true
	}
	return nil, false
}

func (u *User) index(name string) int {
	return slices.IndexFunc(u.Properties, func(p csf.Property) bool { return strings.EqualFold(p.Name, name) })
}

// selected returns the properties named (those the user has), or all of
// them when names is empty.
func (u *User) selected(names []string) csf.Properties {
	if len(names) == 0 {
		return u.Properties
	}
	var out csf.Properties
	for _, n := range names {
		if vs, ok := u.values(n); ok {
			out = append(out, csf.Property{Name: n, Values: vs})
		}
	}
	return out
}

// applyTable applies a CSF 2.0 property table, element by element.
func applyTable(u *User, t *um.PropertyTable) {
	if t == nil || t.Properties == nil {
		return
	}
	for _, e := range t.Properties.PropertyElement {
		op := csf.OverWrite
		if e.OperationType != nil {
			op = csf.Operation(*e.OperationType)
		}
		var vals []string
		if e.Value != "" {
			vals = []string{e.Value}
		}
		apply(u, e.Name, op, vals)
	}
}

// apply performs one operation of the seed on a property.
func apply(u *User, name string, op csf.Operation, vals []string) {
	i := u.index(name)
	switch op {
	case csf.OverWrite:
		if i < 0 {
			u.Properties = append(u.Properties, csf.Property{Name: name, Values: slices.Clone(vals)})
		} else {
			u.Properties[i].Values = slices.Clone(vals)
		}
	case csf.Append:
		if i < 0 {
			u.Properties = append(u.Properties, csf.Property{Name: name, Values: slices.Clone(vals)})
		} else {
			u.Properties[i].Values = append(u.Properties[i].Values, vals...)
		}
	case csf.Remove:
		if i < 0 {
			return
		}
		if len(vals) == 0 {
			u.Properties = slices.Delete(u.Properties, i, i+1)
			return
		}
		u.Properties[i].Values = slices.DeleteFunc(u.Properties[i].Values, func(v string) bool { return slices.Contains(vals, v) })
	case csf.Clear:
		if i >= 0 {
			u.Properties[i].Values = []string{}
		}
	}
}

// matchFilters evaluates a filter set: its groups ANDed. valid is false for
// a filter the fake cannot read (an unknown xsi:type, a NOT of other than
// one criterion), which CSF reports as a validation failure.
func matchFilters(u *User, f *um.Filters) (ok, valid bool) {
	n := 0
	ok = true
	for i, gs := range [][]*um.FilterGroup{f.ANDFilter, f.ORFilter, f.NOTFilter} {
		for _, g := range gs {
			n++
			m, v := matchGroup(u, i, g)
			if !v {
				return false, false
			}
			ok = ok && m
		}
	}
	return ok && n > 0, n > 0
}

// matchGroup evaluates an ANDFilter (kind 0), ORFilter (1) or NOTFilter (2).
func matchGroup(u *User, kind int, g *um.FilterGroup) (ok, valid bool) {
	if g == nil || g.FilterMatchCriteria == nil {
		return false, false
	}
	c := g.FilterMatchCriteria
	var results []bool
	for _, m := range c.FilterMatch {
		r, v := matchOne(u, m)
		if !v {
			return false, false
		}
		results = append(results, r)
	}
	for i, gs := range [][]*um.FilterGroup{c.ANDFilter, c.ORFilter, c.NOTFilter} {
		for _, sub := range gs {
			r, v := matchGroup(u, i, sub)
			if !v {
				return false, false
			}
			results = append(results, r)
		}
	}
	switch kind {
	case 0:
		return len(results) > 0 && !slices.Contains(results, false), len(results) > 0
	case 1:
		return slices.Contains(results, true), len(results) > 0
	default:
		return len(results) == 1 && !results[0], len(results) == 1
	}
}

// matchOne evaluates one FilterMatch. Comparisons ignore case, as Active
// Directory's default matching rule does.
func matchOne(u *User, m *um.FilterMatch) (ok, valid bool) {
	if m == nil || blank(m.Name) {
		return false, false
	}
	vals, has := u.values(m.Name)
	value := ""
	if m.Value != nil {
		value = *m.Value
	}
	any := func(f func(string) bool) bool { return slices.ContainsFunc(vals, f) }
	switch m.XSIType {
	case "EqualityMatch":
		return m.Value != nil && any(func(v string) bool { return strings.EqualFold(v, value) }), m.Value != nil
	case "ApproxMatch":
		return m.Value != nil && any(func(v string) bool {
			return strings.EqualFold(strings.Join(strings.Fields(v), " "), strings.Join(strings.Fields(value), " "))
		}), m.Value != nil
	case "GreaterOrEqualMatch":
		return m.Value != nil && any(func(v string) bool { return strings.ToLower(v) >= strings.ToLower(value) }), m.Value != nil
	case "LessOrEqualMatch":
		return m.Value != nil && any(func(v string) bool { return strings.ToLower(v) <= strings.ToLower(value) }), m.Value != nil
	case "PresentMatch":
		return has && len(vals) > 0, true
	case "SubstringMatch":
		if m.Initial == nil && m.Final == nil && len(m.Any) == 0 {
			return false, false
		}
		return any(func(v string) bool { return substring(strings.ToLower(v), m) }), true
	}
	return false, false
}

func substring(v string, m *um.FilterMatch) bool {
	if m.Initial != nil {
		p := strings.ToLower(*m.Initial)
		if !strings.HasPrefix(v, p) {
			return false
		}
		v = v[len(p):]
	}
	for _, a := range m.Any {
		la := strings.ToLower(a)
		i := strings.Index(v, la)
		if i < 0 {
			return false
		}
		v = v[i+len(la):]
	}
	return m.Final == nil || strings.HasSuffix(v, strings.ToLower(*m.Final))
}
