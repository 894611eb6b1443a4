package hcmscimtest

import (
	"net/http"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/internal/scimfilter"
)

// A doc is a resource as the filter evaluator sees it: attribute names in
// lower case, each a scalar, a complex value or a multi-valued complex.
type doc map[string]node

type nodeKind int

const (
	kString nodeKind = iota
	kBool
	kTime
	kComplex
	kMulti
)

type node struct {
	kind      nodeKind
	s         string
	b         bool
	t         time.Time
	set       bool // the attribute has a value
	caseExact bool
	sub       doc   // kComplex
	elems     []doc // kMulti
}

func str(s string, caseExact bool) node {
	return node{kind: kString, s: s, set: s != "", caseExact: caseExact}
}
func boolean(b bool, set bool) node { return node{kind: kBool, b: b, set: set} }
func timestamp(t time.Time) node    { return node{kind: kTime, t: t, set: !t.IsZero()} }
func complexNode(d doc) node        { return node{kind: kComplex, sub: d, set: true} }
func multi(ds []doc) node           { return node{kind: kMulti, elems: ds, set: len(ds) > 0} }

// resource is what a filter runs on: the core attributes and the
// extensions by their schema URN (lower case).
type resource struct {
	core       doc
	extensions map[string]doc
	coreURNs   []string
}

// resolve returns the values path p names, or an invalidFilter error if
// the fake does not serve that attribute.
func (r *resource) resolve(p scimfilter.Path) ([]node, *scimError) {
	root := r.core
	if p.URN != "" {
		urn := strings.ToLower(p.URN)
		if ext, ok := r.extensions[urn]; ok {
			root = ext
		} else if !containsFold(r.coreURNs, p.URN) {
			return nil, errorf(http.StatusBadRequest, "invalidFilter", "schema %q is not served here", p.URN)
		}
	}
	n, ok := root[strings.ToLower(p.Attr)]
	if !ok {
		return nil, unsupported(p)
	}
	if p.Sub == "" {
		switch n.kind {
		case kComplex:
			return nil, errorf(http.StatusBadRequest, "invalidFilter", "attribute %q is complex: name one of its sub-attributes", p.String())
		case kMulti: // "emails eq x" compares the elements' value
			p.Sub = "value"
		default:
			return []node{n}, nil
		}
	}
	sub := strings.ToLower(p.Sub)
	switch n.kind {
	case kComplex:
		v, ok := n.sub[sub]
		if !ok {
			return nil, unsupported(p)
		}
		return []node{v}, nil
	case kMulti:
		var out []node
		for _, e := range n.elems {
			v, ok := e[sub]
			if !ok {
				return nil, unsupported(p)
			}
			out = append(out, v)
		}
		if len(n.elems) == 0 && !r.knownSub(p.Attr, sub) {
			return nil, unsupported(p)
		}
		return out, nil
	}
	return nil, unsupported(p)
}

// knownSub reports whether sub is a sub-attribute of the multi-valued
// attribute attr, for resources where attr has no element to look at.
func (r *resource) knownSub(attr, sub string) bool {
	switch strings.ToLower(attr) {
	case "emails":
		return sub == "value" || sub == "type" || sub == "primary"
	case "roles":
		return sub == "value" || sub == "display" || sub == "displayname"
	case "members":
		return sub == "value"
	}
	return false
}

func unsupported(p scimfilter.Path) *scimError {
	return errorf(http.StatusBadRequest, "invalidFilter", "attribute %q is not supported in filters here", p.String())
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// match evaluates x on r.
func (r *resource) match(x scimfilter.Expr) (bool, *scimError) {
	switch x := x.(type) {
	case *scimfilter.Logical:
		a, err := r.match(x.Left)
		if err != nil {
			return false, err
		}
		// Both sides are evaluated, so that a bad attribute on the right is
		// reported whatever the left gives.
		b, err := r.match(x.Right)
		if err != nil {
			return false, err
		}
		if x.Op == scimfilter.And {
			return a && b, nil
		}
		return a || b, nil
	case *scimfilter.Not:
		a, err := r.match(x.X)
		return !a, err
	case *scimfilter.Present:
		vals, err := r.resolve(x.Path)
		if err != nil {
			return false, err
		}
		for _, v := range vals {
			if v.set {
				return true, nil
			}
		}
		return false, nil
	case *scimfilter.Compare:
		vals, err := r.resolve(x.Path)
		if err != nil {
			return false, err
		}
		if x.Value.Kind == scimfilter.Null {
			present := false
			for _, v := range vals {
				present = present || v.set
			}
			switch x.Op {
			case scimfilter.Eq:
				return !present, nil
			case scimfilter.Ne:
				return present, nil
			}
			return false, errorf(http.StatusBadRequest, "invalidFilter", "%s cannot compare with null", x.Op)
		}
		any := false
		for _, v := range vals {
			ok, err := compare(v, x)
			if err != nil {
				return false, err
			}
			any = any || ok
		}
		if len(vals) == 0 && x.Op == scimfilter.Ne {
			return true, nil
		}
		return any, nil
	case *scimfilter.ValuePath:
		n, ok := r.core[strings.ToLower(x.Path.Attr)]
		if x.Path.URN != "" || x.Path.Sub != "" || !ok || n.kind != kMulti {
			return false, errorf(http.StatusBadRequest, "invalidFilter", "%q is not a multi-valued attribute served here", x.Path.String())
		}
		attr := strings.ToLower(x.Path.Attr)
		for _, e := range n.elems {
			sub := &resource{core: e}
			ok, err := sub.match(x.Filter)
			if err != nil {
				return false, err
			}
			if ok {
				return true, nil
			}
		}
		if len(n.elems) == 0 {
			// Check the inner filter's attributes against an empty element.
			empty := doc{}
			for _, k := range []string{"value", "type", "primary", "display", "displayname"} {
				if r.knownSub(attr, k) {
					empty[k] = str("", false)
				}
			}
			if _, err := (&resource{core: empty}).match(x.Filter); err != nil {
				return false, err
			}
		}
		return false, nil
	}
	return false, errorf(http.StatusBadRequest, "invalidFilter", "unsupported expression")
}

// compare applies a comparison to one value.
func compare(v node, c *scimfilter.Compare) (bool, *scimError) {
	bad := func(why string) (bool, *scimError) {
		return false, errorf(http.StatusBadRequest, "invalidFilter", "%s: %s", c.String(), why)
	}
	switch v.kind {
	case kBool:
		if c.Value.Kind != scimfilter.Bool {
			return bad("the attribute is a boolean")
		}
		switch c.Op {
		case scimfilter.Eq:
			return v.set && v.b == c.Value.Bool, nil
		case scimfilter.Ne:
			return !v.set || v.b != c.Value.Bool, nil
		}
		return bad("a boolean takes only eq and ne")
	case kTime:
		if c.Value.Kind != scimfilter.String {
			return bad("the attribute is a date-time: compare it with a quoted timestamp")
		}
		t, err := hcmscim.ParseTime(c.Value.Str)
		if err != nil {
			return bad(err.Error())
		}
		if !v.set {
			return c.Op == scimfilter.Ne, nil
		}
		return order(v.t.Compare(t), c.Op, bad)
	case kString:
		if c.Value.Kind != scimfilter.String {
			return bad("the attribute is a string: quote the value")
		}
		a, b := v.s, c.Value.Str
		if !v.caseExact {
			a, b = strings.ToLower(a), strings.ToLower(b)
		}
		if !v.set {
			return c.Op == scimfilter.Ne, nil
		}
		switch c.Op {
		case scimfilter.Co:
			return strings.Contains(a, b), nil
		case scimfilter.Sw:
			return strings.HasPrefix(a, b), nil
		case scimfilter.Ew:
			return strings.HasSuffix(a, b), nil
		}
		return order(strings.Compare(a, b), c.Op, bad)
	}
	return bad("the attribute is complex")
}

func order(cmp int, op scimfilter.Op, bad func(string) (bool, *scimError)) (bool, *scimError) {
	switch op {
	case scimfilter.Eq:
		return cmp == 0, nil
	case scimfilter.Ne:
		return cmp != 0, nil
	case scimfilter.Gt:
		return cmp > 0, nil
	case scimfilter.Ge:
		return cmp >= 0, nil
	case scimfilter.Lt:
		return cmp < 0, nil
	case scimfilter.Le:
		return cmp <= 0, nil
	}
	return bad("operator " + string(op) + " does not apply")
}
