package csf

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	um "github.com/hrbridge/hrbridge/csf/internal/usermanager"
)

// Filter selects users for ReadUsers and UpdateUsers: LDAP-style matches on
// property names, combined with And, Or and Not. The seed's sample filter is
//
//	csf.And(csf.Eq("objectCategory", "person"), csf.Eq("objectClass", "user"),
//		csf.Eq("samaccountname", "testmonkey1"))
//
// Values travel as XML text inside their own elements, escaped by the
// encoder: no value, whatever characters it holds (<, &, quotes, *, (, non-
// ASCII), can change a filter's structure or meaning. A value XML cannot
// carry at all (a control character, invalid UTF-8) is refused with
// ErrInvalid rather than altered.
//
// The zero Filter matches nothing and is refused by the calls.
type Filter struct {
	kind    string // a FilterMatch xsi:type, or "and", "or", "not"
	name    string
	value   string
	initial *string
	any     []string
	final   *string
	subs    []Filter
}

// The xsi:type of each match. EqualityMatch is the seed's; the others are
// inferred from LDAP's filter choices (RFC 4511) in the same manner.
const (
	matchEquality = "EqualityMatch"
	matchSubstr   = "SubstringMatch"
	matchGE       = "GreaterOrEqualMatch"
	matchLE       = "LessOrEqualMatch"
	matchApprox   = "ApproxMatch"
	matchPresent  = "PresentMatch"
)

// Eq matches users whose property name has the value (EqualityMatch, the
// seed's).
func Eq(name, value string) Filter { return Filter{kind: matchEquality, name: name, value: value} }

// GreaterOrEqual matches values at or above value (GreaterOrEqualMatch,
// inferred).
func GreaterOrEqual(name, value string) Filter {
	return Filter{kind: matchGE, name: name, value: value}
}

// LessOrEqual matches values at or below value (LessOrEqualMatch, inferred).
func LessOrEqual(name, value string) Filter { return Filter{kind: matchLE, name: name, value: value} }

// Approx matches values approximately equal to value, as the directory
// understands it (ApproxMatch, inferred).
func Approx(name, value string) Filter { return Filter{kind: matchApprox, name: name, value: value} }

// Present matches users that have the property (PresentMatch, inferred).
func Present(name string) Filter { return Filter{kind: matchPresent, name: name} }

// HasPrefix matches values that start with prefix (SubstringMatch with an
// Initial, inferred).
func HasPrefix(name, prefix string) Filter {
	return Filter{kind: matchSubstr, name: name, initial: &prefix}
}

// HasSuffix matches values that end with suffix (SubstringMatch with a
// Final, inferred).
func HasSuffix(name, suffix string) Filter {
	return Filter{kind: matchSubstr, name: name, final: &suffix}
}

// Contains matches values that hold each of parts, in order
// (SubstringMatch with Any, inferred). Empty parts, which match anything,
// are left out.
func Contains(name string, parts ...string) Filter {
	var any []string
	for _, p := range parts {
		if p != "" {
			any = append(any, p)
		}
	}
	return Filter{kind: matchSubstr, name: name, any: any}
}

// And matches users every filter matches.
func And(filters ...Filter) Filter { return Filter{kind: "and", subs: filters} }

// Or matches users some filter matches.
func Or(filters ...Filter) Filter { return Filter{kind: "or", subs: filters} }

// Not matches users f does not match.
func Not(f Filter) Filter { return Filter{kind: "not", subs: []Filter{f}} }

// String returns the filter in LDAP's string form (RFC 4515), values
// escaped, for logs and messages. It is not what is sent.
func (f Filter) String() string {
	var b strings.Builder
	f.writeLDAP(&b)
	return b.String()
}

func (f Filter) writeLDAP(b *strings.Builder) {
	b.WriteByte('(')
	switch f.kind {
	case "and", "or", "not":
		b.WriteByte(map[string]byte{"and": '&', "or": '|', "not": '!'}[f.kind])
		for _, s := range f.subs {
			s.writeLDAP(b)
		}
	case matchEquality:
		b.WriteString(f.name + "=" + ldapEscape(f.value))
	case matchGE:
		b.WriteString(f.name + ">=" + ldapEscape(f.value))
	case matchLE:
		b.WriteString(f.name + "<=" + ldapEscape(f.value))
	case matchApprox:
		b.WriteString(f.name + "~=" + ldapEscape(f.value))
	case matchPresent:
		b.WriteString(f.name + "=*")
	case matchSubstr:
		b.WriteString(f.name + "=")
		if f.initial != nil {
			b.WriteString(ldapEscape(*f.initial))
		}
		b.WriteByte('*')
		for _, a := range f.any {
			b.WriteString(ldapEscape(a) + "*")
		}
		if f.final != nil {
			b.WriteString(ldapEscape(*f.final))
		}
	}
	b.WriteByte(')')
}

// ldapEscape escapes a value as RFC 4515 asks: *, (, ), \ and NUL.
func ldapEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*', '(', ')', '\\', 0:
			fmt.Fprintf(&b, `\%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// check returns every problem of f at once, each naming where it is
// (field is "Filter" at the top).
func (f Filter) check(field string) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{field}, args...)...))
	}
	switch f.kind {
	case "":
		bad("empty filter")
	case "and", "or":
		if len(f.subs) == 0 {
			bad("%s of no filters", strings.ToUpper(f.kind[:1])+f.kind[1:])
		}
	}
	for i, s := range f.subs {
		errs = append(errs, s.check(fmt.Sprintf("%s.%s[%d]", field, f.kind, i))...)
	}
	if f.name != "" || (f.kind != "and" && f.kind != "or" && f.kind != "not" && f.kind != "") {
		if !validName(f.name) {
			bad("property name %q is not an attribute name (letters, digits and hyphens, starting with a letter)", f.name)
		}
		for _, v := range f.values() {
			if err := xmlText(v); err != nil {
				bad("value of %s: %v", f.name, err)
			}
		}
	}
	return errs
}

func (f Filter) values() []string {
	vs := append([]string{f.value}, f.any...)
	if f.initial != nil {
		vs = append(vs, *f.initial)
	}
	if f.final != nil {
		vs = append(vs, *f.final)
	}
	return vs
}

// validName reports an LDAP attribute description: a name of letters,
// digits and hyphens starting with a letter, or a numeric OID, with
// ;options.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, part := range strings.Split(s, ";") {
		if part == "" {
			return false
		}
		oid := i == 0 && part[0] >= '0' && part[0] <= '9'
		for j := 0; j < len(part); j++ {
			c := part[j]
			switch {
			case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
				if oid || (j == 0 && c == '-') {
					return false
				}
			case c >= '0' && c <= '9':
			case c == '.' && oid:
			default:
				return false
			}
		}
	}
	return true
}

// xmlText reports why s cannot be carried as XML 1.0 text, or nil.
func xmlText(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range s {
		if !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return fmt.Errorf("character %U cannot be sent in XML", r)
		}
	}
	return nil
}

// wire returns f as the filter set of the seed's samples: Filters holding
// one group. A single match is sent as an ANDFilter of one criterion.
func (f Filter) wire() *um.FilterSet {
	fs := &um.Filters{}
	switch f.kind {
	case "and":
		fs.ANDFilter = []*um.FilterGroup{f.group()}
	case "or":
		fs.ORFilter = []*um.FilterGroup{f.group()}
	case "not":
		fs.NOTFilter = []*um.FilterGroup{f.group()}
	default:
		fs.ANDFilter = []*um.FilterGroup{And(f).group()}
	}
	return &um.FilterSet{Filters: fs}
}

// group returns the criteria of an And, Or or Not: its matches first, then
// its nested groups (the schema's order; And and Or do not depend on it, and
// Not has one).
func (f Filter) group() *um.FilterGroup {
	c := &um.ArrayOfFilterMatch{}
	for _, s := range f.subs {
		switch s.kind {
		case "and":
			c.ANDFilter = append(c.ANDFilter, s.group())
		case "or":
			c.ORFilter = append(c.ORFilter, s.group())
		case "not":
			c.NOTFilter = append(c.NOTFilter, s.group())
		default:
			c.FilterMatch = append(c.FilterMatch, s.match())
		}
	}
	return &um.FilterGroup{FilterMatchCriteria: c}
}

func (f Filter) match() *um.FilterMatch {
	m := &um.FilterMatch{XSIType: f.kind, Name: f.name}
	switch f.kind {
	case matchPresent:
	case matchSubstr:
		m.Initial, m.Any, m.Final = f.initial, f.any, f.final
	default:
		v := f.value
		m.Value = &v
	}
	return m
}

// filterFromWire reads a filter set back (for tests and the fuzz target):
// the inverse of wire, with a single-criterion ANDFilter read as its
// criterion.
func filterFromWire(fs *um.FilterSet) (Filter, error) {
	if fs == nil || fs.Filters == nil {
		return Filter{}, errors.New("no Filters")
	}
	var groups []Filter
	for i, gs := range [][]*um.FilterGroup{fs.Filters.ANDFilter, fs.Filters.ORFilter, fs.Filters.NOTFilter} {
		for _, g := range gs {
			f, err := groupFromWire(groupKinds[i], g)
			if err != nil {
				return Filter{}, err
			}
			groups = append(groups, f)
		}
	}
	if len(groups) != 1 {
		return Filter{}, fmt.Errorf("%d groups in Filters", len(groups))
	}
	f := groups[0]
	if f.kind == "and" && len(f.subs) == 1 && f.subs[0].name != "" {
		return f.subs[0], nil
	}
	return f, nil
}

var groupKinds = [...]string{"and", "or", "not"}

func groupFromWire(kind string, g *um.FilterGroup) (Filter, error) {
	f := Filter{kind: kind}
	if g == nil || g.FilterMatchCriteria == nil {
		return f, nil
	}
	c := g.FilterMatchCriteria
	for _, m := range c.FilterMatch {
		s := Filter{kind: m.XSIType, name: m.Name, initial: m.Initial, any: m.Any, final: m.Final}
		if m.Value != nil {
			s.value = *m.Value
		}
		f.subs = append(f.subs, s)
	}
	for i, gs := range [][]*um.FilterGroup{c.ANDFilter, c.ORFilter, c.NOTFilter} {
		for _, g := range gs {
			s, err := groupFromWire(groupKinds[i], g)
			if err != nil {
				return Filter{}, err
			}
			f.subs = append(f.subs, s)
		}
	}
	return f, nil
}
