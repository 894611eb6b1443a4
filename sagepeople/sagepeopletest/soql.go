package sagepeopletest

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hrbridge/hrbridge/sagepeople"
)

// The fake's SOQL: SELECT of fields and relationship fields (or COUNT()),
// FROM one object, WHERE with AND, OR, NOT and parentheses (AND and OR
// mixed at one level without parentheses are refused, as Salesforce
// refuses them), comparisons (=, !=, <>, <, <=, >, >=, LIKE, IN, NOT IN)
// with string, number, boolean, null, date and date-time literals, ORDER BY
// with ASC, DESC and NULLS FIRST/LAST, and LIMIT. Anything else is
// MALFORMED_QUERY.

type query struct {
	fields  []string // as written
	count   bool
	object  string
	where   expr // nil: all
	orderBy []order
	limit   int
}

type order struct {
	field      string
	desc       bool
	nullsFirst bool
}

type expr interface {
	eval(s *store, r *record) (bool, error)
}

type andExpr []expr
type orExpr []expr
type notExpr struct{ e expr }
type cmpExpr struct {
	field string
	op    string // = != < <= > >= LIKE IN NOTIN
	vals  []any
}

func (a andExpr) eval(s *store, r *record) (bool, error) {
	for _, e := range a {
		if ok, err := e.eval(s, r); !ok || err != nil {
			return false, err
		}
	}
	return true, nil
}

func (o orExpr) eval(s *store, r *record) (bool, error) {
	for _, e := range o {
		if ok, err := e.eval(s, r); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

func (n notExpr) eval(s *store, r *record) (bool, error) {
	ok, err := n.e.eval(s, r)
	return !ok && err == nil, err
}

func (c cmpExpr) eval(s *store, r *record) (bool, error) {
	v, err := s.get(r, c.field)
	if err != nil {
		return false, err
	}
	switch c.op {
	case "IN", "NOTIN":
		in := false
		for _, l := range c.vals {
			if n, ok, err := compareValues(c.field, v, l); err != nil {
				return false, err
			} else if ok && n == 0 {
				in = true
			}
		}
		return in == (c.op == "IN"), nil
	case "LIKE":
		sv, ok := v.(string)
		if v == nil {
			return false, nil
		}
		if !ok {
			return false, malformed("LIKE needs a text field, and %s is not one", c.field)
		}
		return like(sv, c.vals[0].(string)), nil
	}
	l := c.vals[0]
	if l == nil || v == nil {
		switch c.op {
		case "=":
			return l == nil && v == nil, nil
		case "!=":
			return (l == nil) != (v == nil), nil
		}
		return false, nil
	}
	n, ok, err := compareValues(c.field, v, l)
	if err != nil || !ok {
		return false, err
	}
	switch c.op {
	case "=":
		return n == 0, nil
	case "!=":
		return n != 0, nil
	case "<":
		return n < 0, nil
	case "<=":
		return n <= 0, nil
	case ">":
		return n > 0, nil
	}
	return n >= 0, nil
}

// compareValues compares a field's value with a literal of the same type;
// ok is false when either is null.
func compareValues(field string, v, l any) (int, bool, error) {
	if v == nil || l == nil {
		return 0, false, nil
	}
	switch x := v.(type) {
	case string:
		if y, ok := l.(string); ok {
			return strings.Compare(strings.ToLower(x), strings.ToLower(y)), true, nil
		}
	case bool:
		if y, ok := l.(bool); ok {
			if x == y {
				return 0, true, nil
			}
			return 1, true, nil
		}
	case float64:
		if y, ok := l.(float64); ok {
			return cmp.Compare(x, y), true, nil
		}
	case sagepeople.Date:
		if y, ok := l.(sagepeople.Date); ok {
			return x.Compare(y), true, nil
		}
	case time.Time:
		if y, ok := l.(time.Time); ok {
			return x.Compare(y), true, nil
		}
	}
	return 0, false, malformed("value of filter criterion for field '%s' must be of type %s and should not be enclosed in quotes", field, typeName(v))
}

func typeName(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case float64:
		return "double"
	case sagepeople.Date:
		return "date"
	case time.Time:
		return "dateTime"
	}
	return "string"
}

// like matches s against a SOQL LIKE pattern (% any run, _ one character,
// \ escapes), case-insensitively.
func like(s, p string) bool {
	s, p = strings.ToLower(s), strings.ToLower(p)
	var match func(si, pi int) bool
	match = func(si, pi int) bool {
		for pi < len(p) {
			switch c := p[pi]; c {
			case '%':
				for k := si; k <= len(s); k++ {
					if match(k, pi+1) {
						return true
					}
				}
				return false
			case '_':
				if si >= len(s) {
					return false
				}
				si, pi = si+1, pi+1
			default:
				if c == '\\' && pi+1 < len(p) {
					pi++
					c = p[pi]
				}
				if si >= len(s) || s[si] != c {
					return false
				}
				si, pi = si+1, pi+1
			}
		}
		return si == len(s)
	}
	return match(0, 0)
}

// sfError is an error Salesforce reports in its array form.
type sfError struct {
	status int
	code   string
	msg    string
}

func (e *sfError) Error() string { return e.code + ": " + e.msg }

func malformed(format string, args ...any) *sfError {
	return &sfError{400, "MALFORMED_QUERY", fmt.Sprintf(format, args...)}
}

// token is a lexical token.
type token struct {
	kind byte // 'i' identifier or keyword, 's' string, 'n' number, 'd' date, 't' date-time, 'p' punctuation, 0 end
	text string
	val  any
}

func lex(src string) ([]token, error) {
	var out []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != '\''; j++ {
				if src[j] != '\\' {
					b.WriteByte(src[j])
					continue
				}
				if j++; j >= len(src) {
					break
				}
				switch src[j] {
				case 'n':
					b.WriteByte('\n')
				case 'r':
					b.WriteByte('\r')
				case 't':
					b.WriteByte('\t')
				case 'b':
					b.WriteByte('\b')
				case 'f':
					b.WriteByte('\f')
				case '\'', '"':
					b.WriteByte(src[j])
				case '\\', '%', '_':
					b.WriteByte('\\') // kept for LIKE; unescaped for plain comparisons by the parser
					b.WriteByte(src[j])
				default:
					return nil, malformed("invalid escape sequence \\%c at %d", src[j], j)
				}
			}
			if j >= len(src) {
				return nil, malformed("unterminated string at %d", i)
			}
			out = append(out, token{kind: 's', text: b.String()})
			i = j + 1
		case c == '(' || c == ')' || c == ',':
			out = append(out, token{kind: 'p', text: string(c)})
			i++
		case c == '=' || c == '<' || c == '>' || c == '!':
			j := i + 1
			if j < len(src) && (src[j] == '=' || (c == '<' && src[j] == '>')) {
				j++
			}
			op := src[i:j]
			if op == "!" {
				return nil, malformed("unexpected '!' at %d", i)
			}
			if op == "<>" {
				op = "!="
			}
			out = append(out, token{kind: 'p', text: op})
			i = j
		case c == '-' || c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && strings.IndexByte("0123456789.-:TZ+", src[j]) >= 0 {
				j++
			}
			t, err := literal(src[i:j])
			if err != nil {
				return nil, err
			}
			out = append(out, t)
			i = j
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			j := i + 1
			for j < len(src) && (src[j] == '_' || src[j] == '.' || src[j] >= '0' && src[j] <= '9' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= 'a' && src[j] <= 'z') {
				j++
			}
			out = append(out, token{kind: 'i', text: src[i:j]})
			i = j
		default:
			return nil, malformed("unexpected %q at %d", c, i)
		}
	}
	return append(out, token{}), nil
}

// literal reads a number, a date (YYYY-MM-DD) or a date-time.
func literal(s string) (token, error) {
	if len(s) >= 10 && s[4] == '-' {
		if len(s) == 10 {
			d, err := sagepeople.ParseISODate(s)
			if err != nil {
				return token{}, malformed("bad date literal %s", s)
			}
			return token{kind: 'd', text: s, val: d}, nil
		}
		for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05-0700"} {
			if t, err := time.Parse(l, s); err == nil {
				return token{kind: 't', text: s, val: t.UTC()}, nil
			}
		}
		return token{}, malformed("bad date-time literal %s", s)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return token{}, malformed("bad number %s", s)
	}
	return token{kind: 'n', text: s, val: f}, nil
}

type parser struct {
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != 0 {
		p.i++
	}
	return t
}

func (p *parser) keyword(k string) bool {
	if t := p.peek(); t.kind == 'i' && strings.EqualFold(t.text, k) {
		p.i++
		return true
	}
	return false
}

func (p *parser) punct(s string) bool {
	if t := p.peek(); t.kind == 'p' && t.text == s {
		p.i++
		return true
	}
	return false
}

func (p *parser) unexpected() *sfError {
	t := p.peek()
	if t.kind == 0 {
		return malformed("unexpected end of query")
	}
	return malformed("unexpected token: '%s'", t.text)
}

var reserved = map[string]bool{"select": true, "from": true, "where": true, "and": true, "or": true, "not": true,
	"order": true, "by": true, "limit": true, "in": true, "like": true, "asc": true, "desc": true, "nulls": true,
	"true": true, "false": true, "null": true}

func (p *parser) field() (string, error) {
	t := p.peek()
	if t.kind != 'i' || reserved[strings.ToLower(t.text)] || strings.HasSuffix(t.text, ".") || strings.Contains(t.text, "..") {
		return "", p.unexpected()
	}
	p.i++
	return t.text, nil
}

// maxQueryLength is Salesforce's limit on a SOQL statement: "By default,
// SOQL statements can't exceed 100,000 characters" (SOQL and SOSL Limits,
// https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm).
// The error code for it is inferred: MALFORMED_QUERY, as for any statement
// the server will not run.
const maxQueryLength = 100_000

func parse(src string) (*query, error) {
	if n := utf8.RuneCountInString(src); n > maxQueryLength {
		return nil, malformed("SOQL statements cannot be longer than %d characters (this one has %d)", maxQueryLength, n)
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	q := &query{}
	if !p.keyword("SELECT") {
		return nil, p.unexpected()
	}
	if t := p.peek(); t.kind == 'i' && strings.EqualFold(t.text, "COUNT") {
		p.i++
		if !p.punct("(") || !p.punct(")") {
			return nil, p.unexpected()
		}
		q.count = true
	} else {
		for {
			f, err := p.field()
			if err != nil {
				return nil, err
			}
			q.fields = append(q.fields, f)
			if !p.punct(",") {
				break
			}
		}
	}
	if !p.keyword("FROM") {
		return nil, p.unexpected()
	}
	if q.object, err = p.field(); err != nil {
		return nil, err
	}
	if p.keyword("WHERE") {
		if q.where, err = p.expr(); err != nil {
			return nil, err
		}
	}
	if p.keyword("ORDER") {
		if !p.keyword("BY") {
			return nil, p.unexpected()
		}
		for {
			f, err := p.field()
			if err != nil {
				return nil, err
			}
			o := order{field: f}
			if p.keyword("DESC") {
				o.desc = true
			} else {
				p.keyword("ASC")
			}
			o.nullsFirst = !o.desc
			if p.keyword("NULLS") {
				switch {
				case p.keyword("FIRST"):
					o.nullsFirst = true
				case p.keyword("LAST"):
					o.nullsFirst = false
				default:
					return nil, p.unexpected()
				}
			}
			q.orderBy = append(q.orderBy, o)
			if !p.punct(",") {
				break
			}
		}
	}
	if p.keyword("LIMIT") {
		t := p.next()
		n, err := strconv.Atoi(t.text)
		if t.kind != 'n' || err != nil || n < 0 {
			return nil, malformed("LIMIT must be a non-negative integer")
		}
		q.limit = n
	}
	if p.peek().kind != 0 {
		return nil, p.unexpected()
	}
	return q, nil
}

// expr reads conditions joined by AND or OR, refusing both at one level.
func (p *parser) expr() (expr, error) {
	first, err := p.term()
	if err != nil {
		return nil, err
	}
	list, conj := []expr{first}, ""
	for {
		var c string
		switch {
		case p.keyword("AND"):
			c = "AND"
		case p.keyword("OR"):
			c = "OR"
		default:
			switch conj {
			case "":
				return first, nil
			case "AND":
				return andExpr(list), nil
			}
			return orExpr(list), nil
		}
		if conj != "" && c != conj {
			return nil, malformed("unexpected token: '%s': use parentheses to mix AND and OR", c)
		}
		conj = c
		t, err := p.term()
		if err != nil {
			return nil, err
		}
		list = append(list, t)
	}
}

func (p *parser) term() (expr, error) {
	if p.keyword("NOT") {
		e, err := p.term()
		return notExpr{e}, err
	}
	if p.punct("(") {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		if !p.punct(")") {
			return nil, p.unexpected()
		}
		return e, nil
	}
	f, err := p.field()
	if err != nil {
		return nil, err
	}
	c := cmpExpr{field: f}
	switch t := p.peek(); {
	case t.kind == 'p' && strings.Contains("= != < <= > >=", t.text) && t.text != "(" && t.text != ")" && t.text != ",":
		p.i++
		c.op = t.text
		v, err := p.value(false)
		if err != nil {
			return nil, err
		}
		c.vals = []any{v}
	case p.keyword("LIKE"):
		c.op = "LIKE"
		t := p.next()
		if t.kind != 's' {
			return nil, malformed("LIKE needs a string")
		}
		c.vals = []any{t.text}
	case p.keyword("IN"):
		c.op = "IN"
		if c.vals, err = p.list(); err != nil {
			return nil, err
		}
	case p.keyword("NOT"):
		if !p.keyword("IN") {
			return nil, p.unexpected()
		}
		c.op = "NOTIN"
		if c.vals, err = p.list(); err != nil {
			return nil, err
		}
	default:
		return nil, p.unexpected()
	}
	return c, nil
}

func (p *parser) list() ([]any, error) {
	if !p.punct("(") {
		return nil, p.unexpected()
	}
	var vals []any
	for {
		v, err := p.value(false)
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		if p.punct(")") {
			return vals, nil
		}
		if !p.punct(",") {
			return nil, p.unexpected()
		}
	}
}

func (p *parser) value(keepEscapes bool) (any, error) {
	t := p.next()
	switch t.kind {
	case 's':
		if keepEscapes {
			return t.text, nil
		}
		return strings.NewReplacer(`\\`, `\`, `\%`, `%`, `\_`, `_`).Replace(t.text), nil
	case 'n', 'd', 't':
		return t.val, nil
	case 'i':
		switch strings.ToLower(t.text) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
	}
	p.i--
	return nil, p.unexpected()
}
