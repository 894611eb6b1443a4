package canonical

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Kind is the kind of an entitlement.
type Kind string

// The kinds of entitlement.
const (
	KindRole        Kind = "role"
	KindGroup       Kind = "group"
	KindLicence     Kind = "licence"
	KindApplication Kind = "application"
	KindTraining    Kind = "training"
)

func (k Kind) valid() bool {
	switch k {
	case KindRole, KindGroup, KindLicence, KindApplication, KindTraining:
		return true
	}
	return false
}

// Entitlement is something a person may use in one system: a Fusion role, a
// directory group, a licence, an application, a training course.
//
// System names the target that holds it, as the appliers do ("hcm", "cmo",
// "csf", "ohris", "fusion", or a caller's own word); ID is the system's own
// id (a role code, a group name). DataAccess holds the data-access values
// the system scopes it with, where it has them (Fusion's "BUSINESS_UNIT =
// Vision China"), as a set.
type Entitlement struct {
	System     string   `json:"system"`
	Kind       Kind     `json:"kind"`
	ID         string   `json:"id"`
	DataAccess []string `json:"dataAccess,omitempty"`
}

// Key returns "system/kind/id", which names the entitlement whatever its
// data access.
func (e Entitlement) Key() string { return e.System + "/" + string(e.Kind) + "/" + e.ID }

// String returns the key, with the data access in brackets when there is
// some.
func (e Entitlement) String() string {
	if len(e.DataAccess) == 0 {
		return e.Key()
	}
	return e.Key() + " [" + setText(e.DataAccess) + "]"
}

// Grant is an entitlement a person has or should have. Because says why,
// for a person to read: one line per rule that gives it ("rule
// managers: managers get manager training (manager is true)"); it is empty
// for what a target reports a person holds.
type Grant struct {
	Entitlement
	Because []string `json:"because,omitempty"`
}

// Why returns Because as one sentence, or "" when no rule gave the grant.
func (g Grant) Why() string { return strings.Join(g.Because, "; ") }

// sameAccess reports whether two grants give the same access: the same key
// and the same data access, whatever the reasons.
func sameAccess(a, b *Grant) bool {
	return a.same(&b.Entitlement) && sameSet(a.DataAccess, b.DataAccess)
}

// same reports whether e and o are the same entitlement, whatever their
// data access.
func (e *Entitlement) same(o *Entitlement) bool {
	return e.ID == o.ID && e.Kind == o.Kind && e.System == o.System
}

// sameSet reports whether two sets of names hold the same names.
func sameSet(a, b []string) bool {
	if slices.Equal(a, b) {
		return true
	}
	return setText(a) == setText(b)
}

// find returns the grant of list that is e's entitlement, or nil.
func find(list []Grant, e *Entitlement) *Grant {
	for i := range list {
		if list[i].same(e) {
			return &list[i]
		}
	}
	return nil
}

// grantByKey returns the grant of list whose key is key, or nil.
func grantByKey(list []Grant, key string) *Grant {
	for i := range list {
		if list[i].Key() == key {
			return &list[i]
		}
	}
	return nil
}

// sortGrants sorts grants by key.
func sortGrants(gs []Grant) {
	slices.SortFunc(gs, func(a, b Grant) int {
		return cmp.Or(cmp.Compare(a.System, b.System), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
}

// AccessOf returns the grants of list that system holds, sorted by key; nil
// when list is nil (the access is not given), so that a person whose access
// was never asked keeps "not given" in every system.
func AccessOf(list []Grant, system string) []Grant {
	if list == nil {
		return nil
	}
	out := []Grant{}
	for _, g := range list {
		if g.System == system {
			out = append(out, g)
		}
	}
	sortGrants(out)
	return out
}

// WithAccess sets the access of each mapped person to the grants of system
// that people gives the person of the same key: a mapper's Desired (CMO,
// CSF) builds records that carry the account only, and this adds the
// access a target is to hold. A person of mapped absent from people keeps
// its access as it is.
func WithAccess(mapped, people []Person, system string) {
	byKey := make(map[string]*Person, len(people))
	for i := range people {
		byKey[people[i].Key] = &people[i]
	}
	for i := range mapped {
		if p, ok := byKey[mapped[i].Key]; ok {
			mapped[i].Access = AccessOf(p.Access, system)
		}
	}
}

// accessProblems adds a problem for each bad grant of p.
func accessProblems(p *Person, bad func(field, problem string)) {
	for i := range p.Access {
		g := &p.Access[i]
		at := func(f string) string { return fmt.Sprintf("access[%d]%s", i, f) }
		switch {
		case g.System == "":
			bad(at(".system"), "is empty")
		case g.ID == "":
			bad(at(".id"), "is empty")
		case !g.Kind.valid():
			bad(at(".kind"), fmt.Sprintf("%q is not role, group, licence, application or training", g.Kind))
		case find(p.Access[:i], &g.Entitlement) != nil:
			bad(at(""), fmt.Sprintf("%s given twice", g.Key()))
		}
	}
}

// accessDiff adds the changes of access from b to a, keyed by entitlement:
// "access[fusion/role/GL_VIEWER]", the value being the data access, or
// "granted" when there is none.
func (d *differ) access(b, a []Grant) {
	kvs := func(gs []Grant) []kv {
		out := make([]kv, len(gs))
		for i, g := range gs {
			v := "granted"
			if len(g.DataAccess) > 0 {
				v = setText(g.DataAccess)
			}
			out[i] = kv{g.Key(), v}
		}
		slices.SortFunc(out, func(x, y kv) int { return cmp.Compare(x.k, y.k) })
		return out
	}
	d.keyed("access", kvs(b), kvs(a))
}
