package hcmatom

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Attr is one attribute of an entry's Context object.
type Attr struct {
	Name string
	// Value is a JSON string's text; a number or boolean as written; an
	// object or array as its JSON text.
	Value string
	Null  bool // the value was JSON null
}

// Attrs is a Context object's attributes in the order they were sent. When
// a name came twice, the first value is kept and the event's Warnings say so.
type Attrs []Attr

// Get returns the value of the attribute name and whether it was given (and
// not null). Names match whatever their case and spacing, so "AssignmentId",
// "AssignmentID" and "Assignment Id" are one attribute.
func (a Attrs) Get(name string) (string, bool) {
	for _, at := range a {
		if sameName(at.Name, name) {
			return at.Value, !at.Null
		}
	}
	return "", false
}

// ChangedAttr is one of an entry's "Changed Attributes". Oracle sends each
// either as {"Name": {"old": X, "new": Y}} (updates; the keys' case varies,
// payupdate sends "Old"/"New") or as {"Name": value}: the new value, except
// in the cancelworkrelship feed, whose changed attributes hold the old
// value only. A JSON null is a value not given.
type ChangedAttr struct {
	Name     string
	Old, New Opt[string]
}

// FlexField is one entry of "FlexFields": a descriptive or extensible
// flexfield and its changed segments.
type FlexField struct {
	Code    string // FlexFieldCode, e.g. "PER_ASG_LEG_DDF"
	Context string // ContextCode; "" when null
	Changes []ChangedAttr
}

// DMLOperation is the database operation an entry reports.
type DMLOperation string

// The DMLOperation values Oracle documents.
const (
	DMLInsert DMLOperation = "INSERT"
	DMLUpdate DMLOperation = "UPDATE"
	DMLDelete DMLOperation = "DELETE"
)

// content is the decoded JSON document of an entry.
type content struct {
	context  Attrs
	dupes    Attrs // Context attributes dropped because their name came before
	changes  []ChangedAttr
	flex     []FlexField
	dml      string
	warnings []string
}

// contentError is a JSON document that could not be read.
type contentError struct {
	offset int
	msg    string
}

func (e *contentError) Error() string {
	return fmt.Sprintf("at byte %d of the content: %s", e.offset, e.msg)
}

// maxJSONDepth bounds the nesting of the content document.
const maxJSONDepth = 32

// jsonParser reads the content document. Strings without escapes are
// returned as substrings of the input, so decoding allocates little.
type jsonParser struct {
	s     string
	i     int
	depth int
	buf   []byte
	warn  []string
}

// decodeContent reads an entry's content document. oldOnly says plain
// changed attributes hold old values (cancelworkrelship).
func decodeContent(s string, oldOnly bool) (content, error) {
	var c content
	if !utf8.ValidString(s) {
		return c, &contentError{0, "invalid UTF-8"}
	}
	p := &jsonParser{s: s}
	err := p.document(&c, oldOnly)
	c.warnings = p.warn
	return c, err
}

func (p *jsonParser) fail(format string, args ...any) error {
	return &contentError{p.i, fmt.Sprintf(format, args...)}
}

func (p *jsonParser) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (p *jsonParser) peek() byte {
	p.ws()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *jsonParser) expect(c byte) error {
	if p.peek() != c {
		return p.fail("expected %q, found %s", c, p.what())
	}
	p.i++
	return nil
}

// what describes the next token for an error message.
func (p *jsonParser) what() string {
	if p.i >= len(p.s) {
		return "the end of the document"
	}
	r, _ := utf8.DecodeRuneInString(p.s[p.i:])
	return strconv.QuoteRune(r)
}

// kind names the JSON type of the next value.
func (p *jsonParser) kind() string {
	switch p.peek() {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// members calls f for each member of an object, positioned at its value.
func (p *jsonParser) members(f func(key string) error) error {
	return p.list('{', '}', "a member", func() error {
		if p.peek() != '"' {
			return p.fail("expected a member name, found %s", p.what())
		}
		key, err := p.str()
		if err != nil {
			return err
		}
		if err := p.expect(':'); err != nil {
			return err
		}
		return f(key)
	})
}

// elements calls f for each element of an array, positioned at it.
func (p *jsonParser) elements(f func() error) error {
	return p.list('[', ']', "an element", f)
}

// list reads an object or an array: open, items separated by commas,
// close; item reads one.
func (p *jsonParser) list(open, close byte, what string, item func() error) error {
	if err := p.expect(open); err != nil {
		return err
	}
	if p.depth++; p.depth > maxJSONDepth {
		return p.fail("values nest deeper than %d levels", maxJSONDepth)
	}
	defer func() { p.depth-- }()
	if p.peek() == close {
		p.i++
		return nil
	}
	for {
		if err := item(); err != nil {
			return err
		}
		switch p.peek() {
		case ',':
			p.i++
		case close:
			p.i++
			return nil
		default:
			return p.fail("expected ',' or '%c' after %s, found %s", close, what, p.what())
		}
	}
}

// document reads the top-level object.
func (p *jsonParser) document(c *content, oldOnly bool) error {
	if p.peek() != '{' {
		return p.fail("the content is not a JSON object (found %s)", p.what())
	}
	var seenContext, seenChanges, seenFlex bool
	err := p.members(func(key string) error {
		switch {
		case sameName(key, "Context"):
			if seenContext {
				p.warn = append(p.warn, `the content has "Context" twice; the first one is used`)
				return p.skip()
			}
			seenContext = true
			return p.context(c)
		case sameName(key, "Changed Attributes"):
			if seenChanges {
				p.warn = append(p.warn, `the content has "Changed Attributes" twice; the first one is used`)
				return p.skip()
			}
			seenChanges = true
			var err error
			c.changes, err = p.changes(key, oldOnly)
			return err
		case sameName(key, "FlexFields"):
			if seenFlex {
				p.warn = append(p.warn, `the content has "FlexFields" twice; the first one is used`)
				return p.skip()
			}
			seenFlex = true
			return p.flexFields(c, oldOnly)
		case sameName(key, "DMLOperation"):
			v, null, err := p.scalar()
			if err == nil && !null && c.dml == "" {
				c.dml = v
			}
			return err
		}
		return p.skip()
	})
	if err != nil {
		return err
	}
	if p.peek() != 0 {
		return p.fail("text after the JSON document: %s", p.what())
	}
	if !seenContext {
		return p.fail(`the content has no "Context"`)
	}
	if v, ok := c.context.Get("DMLOperation"); ok {
		c.dml = v
	}
	return nil
}

// context reads "Context": an array of one object (several are merged, the
// first value of a name winning).
func (p *jsonParser) context(c *content) error {
	if p.peek() == '{' { // tolerate a bare object
		p.warn = append(p.warn, `"Context" is an object, not an array of one object`)
		return p.contextObject(c)
	}
	if p.peek() != '[' {
		return p.fail(`"Context" is %s, not an array of objects`, p.kind())
	}
	n := 0
	err := p.elements(func() error {
		if p.peek() != '{' {
			return p.fail(`an element of "Context" is %s, not an object`, p.kind())
		}
		n++
		return p.contextObject(c)
	})
	if err != nil {
		return err
	}
	switch {
	case n == 0:
		return p.fail(`"Context" is empty`)
	case n > 1:
		p.warn = append(p.warn, fmt.Sprintf(`"Context" holds %d objects, not one; their attributes are merged`, n))
	}
	return nil
}

func (p *jsonParser) contextObject(c *content) error {
	return p.members(func(key string) error {
		v, null, err := p.value()
		if err != nil {
			return err
		}
		for _, a := range c.context {
			if sameName(a.Name, key) {
				if a.Value != v || a.Null != null {
					c.dupes = append(c.dupes, Attr{Name: key, Value: v, Null: null})
					p.warn = append(p.warn, fmt.Sprintf("Context has %q twice: %s is used, %s is ignored",
						key, quoteValue(a.Value, a.Null), quoteValue(v, null)))
				}
				return nil
			}
		}
		if c.context == nil {
			c.context = make(Attrs, 0, 12)
		}
		c.context = append(c.context, Attr{Name: key, Value: v, Null: null})
		return nil
	})
}

func quoteValue(v string, null bool) string {
	if null {
		return "null"
	}
	return strconv.Quote(v)
}

// changes reads a "Changed Attributes" array.
func (p *jsonParser) changes(name string, oldOnly bool) ([]ChangedAttr, error) {
	if p.peek() == 'n' {
		_, _, err := p.scalar()
		return nil, err
	}
	if p.peek() != '[' {
		return nil, p.fail("%q is %s, not an array", name, p.kind())
	}
	var out []ChangedAttr
	err := p.elements(func() error {
		if p.peek() != '{' {
			return p.fail("an element of %q is %s, not an object", name, p.kind())
		}
		return p.members(func(key string) error {
			ca := ChangedAttr{Name: key}
			if p.peek() == '{' {
				if err := p.pair(&ca); err != nil {
					return err
				}
			} else {
				v, null, err := p.value()
				if err != nil {
					return err
				}
				var o Opt[string]
				if !null {
					o = optOf(v)
				}
				if oldOnly {
					ca.Old = o
				} else {
					ca.New = o
				}
			}
			if out == nil {
				out = make([]ChangedAttr, 0, 8)
			}
			out = append(out, ca)
			return nil
		})
	})
	return out, err
}

// pair reads {"old": X, "new": Y}, keys in any case.
func (p *jsonParser) pair(ca *ChangedAttr) error {
	return p.members(func(key string) error {
		v, null, err := p.value()
		if err != nil {
			return err
		}
		var o Opt[string]
		if !null {
			o = optOf(v)
		}
		switch {
		case sameName(key, "old"):
			ca.Old = o
		case sameName(key, "new"):
			ca.New = o
		default:
			p.warn = append(p.warn, fmt.Sprintf("changed attribute %q has a member %q besides old and new; it is ignored", ca.Name, key))
		}
		return nil
	})
}

// flexFields reads "FlexFields".
func (p *jsonParser) flexFields(c *content, oldOnly bool) error {
	if p.peek() == 'n' {
		_, _, err := p.scalar()
		return err
	}
	if p.peek() != '[' {
		return p.fail(`"FlexFields" is %s, not an array`, p.kind())
	}
	return p.elements(func() error {
		if p.peek() != '{' {
			return p.fail(`an element of "FlexFields" is %s, not an object`, p.kind())
		}
		var ff FlexField
		err := p.members(func(key string) error {
			switch {
			case sameName(key, "FlexFieldCode"):
				v, _, err := p.value()
				ff.Code = v
				return err
			case sameName(key, "ContextCode"):
				v, _, err := p.value()
				ff.Context = v
				return err
			case sameName(key, "Changed Attributes"):
				var err error
				ff.Changes, err = p.changes(key, oldOnly)
				return err
			}
			return p.skip()
		})
		c.flex = append(c.flex, ff)
		return err
	})
}

// value reads any value: a scalar as its text, an object or array as its
// JSON text.
func (p *jsonParser) value() (string, bool, error) {
	switch p.peek() {
	case '{', '[':
		start := p.i
		if err := p.skip(); err != nil {
			return "", false, err
		}
		return p.s[start:p.i], false, nil
	}
	return p.scalar()
}

// scalar reads a string, number, boolean or null.
func (p *jsonParser) scalar() (v string, null bool, err error) {
	switch c := p.peek(); {
	case c == '"':
		v, err = p.str()
		return v, false, err
	case c == 'n':
		return "", true, p.literal("null")
	case c == 't':
		return "true", false, p.literal("true")
	case c == 'f':
		return "false", false, p.literal("false")
	case c == '-' || c >= '0' && c <= '9':
		v, err = p.number()
		return v, false, err
	}
	return "", false, p.fail("expected a value, found %s", p.what())
}

func (p *jsonParser) literal(lit string) error {
	if len(p.s)-p.i < len(lit) || p.s[p.i:p.i+len(lit)] != lit {
		return p.fail("expected %s, found %s", lit, p.what())
	}
	p.i += len(lit)
	return nil
}

// number reads a JSON number and returns it as written.
func (p *jsonParser) number() (string, error) {
	start := p.i
	s := p.s
	i := p.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case digits() == 0:
		p.i = i
		return "", p.fail("malformed number")
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			p.i = i
			return "", p.fail("malformed number")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			p.i = i
			return "", p.fail("malformed number")
		}
	}
	p.i = i
	return s[start:i], nil
}

// str reads a string; without escapes it is a substring of the input.
func (p *jsonParser) str() (string, error) {
	start := p.i + 1
	for j := start; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '"':
			p.i = j + 1
			return p.s[start:j], nil
		case c == '\\':
			return p.strEscaped(start, j)
		case c < 0x20:
			p.i = j
			return "", p.fail("control character %U in a string", c)
		}
	}
	p.i = len(p.s)
	return "", p.fail("a string is not closed")
}

// strEscaped finishes a string that has escapes, the first at index j.
func (p *jsonParser) strEscaped(start, j int) (string, error) {
	b := append(p.buf[:0], p.s[start:j]...)
	s := p.s
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"':
			p.i = j + 1
			p.buf = b
			return string(b), nil
		case c < 0x20:
			p.i = j
			return "", p.fail("control character %U in a string", c)
		case c != '\\':
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= len(s) {
			break
		}
		switch e := s[j+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, n, ok := hex4(s[j+2:])
			if !ok {
				p.i = j
				return "", p.fail(`malformed \u escape`)
			}
			j += n
			if utf16.IsSurrogate(r) {
				r2, n2, ok2 := rune(0), 0, false
				if len(s) > j+3 && s[j+2] == '\\' && s[j+3] == 'u' {
					r2, n2, ok2 = hex4(s[j+4:])
				}
				if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
					r = dec
					j += 2 + n2
				} else {
					r = utf8.RuneError
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			p.i = j
			return "", p.fail("unknown escape \\%c in a string", e)
		}
		j += 2
	}
	p.i = len(s)
	return "", p.fail("a string is not closed")
}

// hex4 reads the 4 hex digits of a \u escape.
func hex4(s string) (rune, int, bool) {
	if len(s) < 4 {
		return 0, 0, false
	}
	var r rune
	for _, c := range []byte(s[:4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, 4, true
}

// skip reads over any value.
func (p *jsonParser) skip() error {
	switch p.peek() {
	case '{':
		return p.members(func(string) error { return p.skip() })
	case '[':
		return p.elements(p.skip)
	}
	_, _, err := p.scalar()
	return err
}

// sameName reports whether two attribute names are the same, ignoring
// case, spaces and underscores ("AssignmentId", "Assignment Id",
// "ASSIGNMENT_ID").
func sameName(a, b string) bool {
	if a == b {
		return true
	}
	i, j := 0, 0
	for {
		for i < len(a) && (a[i] == ' ' || a[i] == '_') {
			i++
		}
		for j < len(b) && (b[j] == ' ' || b[j] == '_') {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		ca, cb := a[i], b[j]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
		i++
		j++
	}
}
