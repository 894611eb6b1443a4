// Package scimfilter parses and prints SCIM filter expressions (RFC 7644
// section 3.4.2.2): attribute paths, the operators eq ne co sw ew gt ge lt le
// pr, the logical and, or, not, grouping parentheses and value paths such as
// emails[type eq "W"].
//
// The printer and the parser are each other's inverse: a value is always
// printed as a JSON string, number, true, false or null, so that no value can
// end its quotes early and change what a filter means. hcmscim builds filters
// with it; hcmscimtest, the fake SCIM server, parses and evaluates them.
package scimfilter

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxLen bounds the length of a filter the parser reads, and MaxDepth how
// deeply it may nest (parentheses, not, value paths), so that no input can
// make it use unbounded memory or stack.
const (
	MaxLen   = 64 << 10
	MaxDepth = 64
)

// Op is a comparison or logical operator, in lower case.
type Op string

// The operators of RFC 7644, section 3.4.2.2.
const (
	Eq  Op = "eq"
	Ne  Op = "ne"
	Co  Op = "co"
	Sw  Op = "sw"
	Ew  Op = "ew"
	Gt  Op = "gt"
	Ge  Op = "ge"
	Lt  Op = "lt"
	Le  Op = "le"
	Pr  Op = "pr"
	And Op = "and"
	Or  Op = "or"
)

var compareOps = map[string]Op{"eq": Eq, "ne": Ne, "co": Co, "sw": Sw, "ew": Ew, "gt": Gt, "ge": Ge, "lt": Lt, "le": Le}

// Kind is the type of a comparison value.
type Kind int

// Kinds of comparison values.
const (
	String Kind = iota
	Number
	Bool
	Null
)

// Value is a comparison value.
type Value struct {
	Kind Kind
	Str  string // String: the text; Number: the JSON number as written
	Bool bool
}

// String prints v as the filter grammar wants it: strings quoted and escaped.
func (v Value) String() string {
	switch v.Kind {
	case Number:
		return v.Str
	case Bool:
		return strconv.FormatBool(v.Bool)
	case Null:
		return "null"
	}
	return Quote(v.Str)
}

// Path is an attribute path: [URN ":"] Attr ["." Sub].
type Path struct {
	URN  string // schema URN, e.g. "urn:scim:schemas:extension:fa:2.0:faUser"; may be empty
	Attr string
	Sub  string // may be empty
}

func (p Path) String() string {
	s := p.Attr
	if p.Sub != "" {
		s += "." + p.Sub
	}
	if p.URN != "" {
		s = p.URN + ":" + s
	}
	return s
}

// Expr is a parsed filter: *Compare, *Present, *Logical, *Not or *ValuePath.
type Expr interface {
	String() string
	expr()
}

// Compare is "path op value".
type Compare struct {
	Path  Path
	Op    Op
	Value Value
}

// Present is "path pr".
type Present struct{ Path Path }

// Logical is "left and right" or "left or right".
type Logical struct {
	Op          Op // And or Or
	Left, Right Expr
}

// Not is "not (x)".
type Not struct{ X Expr }

// ValuePath is "attr[filter]": true when one element of the multi-valued
// attribute matches the filter.
type ValuePath struct {
	Path   Path
	Filter Expr
}

func (*Compare) expr()   {}
func (*Present) expr()   {}
func (*Logical) expr()   {}
func (*Not) expr()       {}
func (*ValuePath) expr() {}

func (c *Compare) String() string {
	return c.Path.String() + " " + string(c.Op) + " " + c.Value.String()
}
func (p *Present) String() string   { return p.Path.String() + " pr" }
func (n *Not) String() string       { return "not (" + n.X.String() + ")" }
func (v *ValuePath) String() string { return v.Path.String() + "[" + v.Filter.String() + "]" }

// String prints the expression with the parentheses its structure needs: and
// binds tighter than or, so an or inside an and is grouped.
func (l *Logical) String() string {
	side := func(x Expr) string {
		if in, ok := x.(*Logical); ok && in.Op != l.Op && l.Op == And {
			return "(" + in.String() + ")"
		}
		return x.String()
	}
	return side(l.Left) + " " + string(l.Op) + " " + side(l.Right)
}

// Quote returns s as a JSON string literal: quotes, backslashes and control
// characters are escaped, so the literal ends exactly where the value ends.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Error is a filter the parser could not read. Pos is a byte offset.
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("invalid filter at offset %d: %s", e.Pos, e.Msg) }

// ParsePath reads an attribute path such as "userName", "name.givenName" or
// "urn:scim:schemas:extension:fa:2.0:faUser:workerInformation.personNumber".
func ParsePath(s string) (Path, error) {
	var p Path
	rest := s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		p.URN, rest = s[:i], s[i+1:]
		if !validURN(p.URN) {
			return Path{}, fmt.Errorf("attribute path %q: %q is not a schema URN", s, p.URN)
		}
	}
	p.Attr, p.Sub, _ = strings.Cut(rest, ".")
	if !validName(p.Attr) || (strings.Contains(rest, ".") && !validName(p.Sub)) {
		return Path{}, fmt.Errorf("attribute path %q: an attribute name starts with a letter and holds only letters, digits, '-' and '_'", s)
	}
	return p, nil
}

func validName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigit(c) && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func validURN(s string) bool {
	if len(s) < 5 || !strings.EqualFold(s[:4], "urn:") {
		return false
	}
	for i := 4; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigit(c) && !strings.ContainsRune(":-._", rune(c)) {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// token kinds
type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tString
	tLParen
	tRParen
	tLBrack
	tRBrack
)

type token struct {
	kind tokKind
	text string // tWord: as written; tString: the decoded value
	pos  int
}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == '[' || c == ']':
			k := map[byte]tokKind{'(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack}[c]
			toks = append(toks, token{kind: k, text: string(c), pos: i})
			i++
		case c == '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, &Error{i, "string not terminated"}
			}
			raw := s[i : j+1]
			if !utf8.ValidString(raw) {
				return nil, &Error{i, "string is not valid UTF-8"}
			}
			var v string
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				return nil, &Error{i, "bad string literal: " + err.Error()}
			}
			toks = append(toks, token{kind: tString, text: v, pos: i})
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r()[]\"", rune(s[j])) {
				j++
			}
			toks = append(toks, token{kind: tWord, text: s[i:j], pos: i})
			i = j
		}
	}
	return append(toks, token{kind: tEOF, pos: len(s)}), nil
}

type parser struct {
	toks  []token
	i     int
	depth int
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *parser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tWord && strings.EqualFold(t.text, w)
}

// Parse reads a filter. Operators and logical words are case-insensitive;
// string values are JSON strings.
func Parse(s string) (Expr, error) {
	if len(s) > MaxLen {
		return nil, &Error{MaxLen, fmt.Sprintf("filter is longer than %d bytes", MaxLen)}
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	x, err := p.or(false)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &Error{t.pos, fmt.Sprintf("unexpected %q", t.text)}
	}
	return x, nil
}

func (p *parser) or(inVP bool) (Expr, error)  { return p.chain(Or, p.and, inVP) }
func (p *parser) and(inVP bool) (Expr, error) { return p.chain(And, p.unary, inVP) }

// chain reads operands joined by op, left to right; operand reads the
// operands, which bind tighter than op.
func (p *parser) chain(op Op, operand func(bool) (Expr, error), inVP bool) (Expr, error) {
	x, err := operand(inVP)
	if err != nil {
		return nil, err
	}
	for p.isWord(string(op)) {
		p.next()
		y, err := operand(inVP)
		if err != nil {
			return nil, err
		}
		x = &Logical{Op: op, Left: x, Right: y}
	}
	return x, nil
}

func (p *parser) nest(pos int) error {
	if p.depth++; p.depth > MaxDepth {
		return &Error{pos, fmt.Sprintf("nested more than %d levels", MaxDepth)}
	}
	return nil
}

func (p *parser) group(inVP bool) (Expr, error) {
	open := p.next()
	if open.kind != tLParen {
		return nil, &Error{open.pos, `expected "("`}
	}
	return p.enclosed(open.pos, tRParen, ")", inVP)
}

// enclosed reads a filter and the token that closes it (")" or "]"),
// counting one level of nesting.
func (p *parser) enclosed(pos int, closing tokKind, text string, inVP bool) (Expr, error) {
	if err := p.nest(pos); err != nil {
		return nil, err
	}
	x, err := p.or(inVP)
	if err != nil {
		return nil, err
	}
	p.depth--
	if t := p.next(); t.kind != closing {
		return nil, &Error{t.pos, fmt.Sprintf("expected %q, found %q", text, t.text)}
	}
	return x, nil
}

func (p *parser) unary(inVP bool) (Expr, error) {
	t := p.peek()
	switch {
	case t.kind == tLParen:
		return p.group(inVP)
	case p.isWord("not"):
		p.next()
		x, err := p.group(inVP)
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case t.kind != tWord:
		if t.kind == tEOF {
			return nil, &Error{t.pos, "expression expected, found end of filter"}
		}
		return nil, &Error{t.pos, fmt.Sprintf("attribute expected, found %q", t.text)}
	}
	p.next()
	path, err := ParsePath(t.text)
	if err != nil {
		return nil, &Error{t.pos, err.Error()}
	}
	if p.peek().kind == tLBrack {
		open := p.next()
		if inVP {
			return nil, &Error{open.pos, "a value path cannot hold another"}
		}
		if path.Sub != "" {
			return nil, &Error{open.pos, "a value path names a multi-valued attribute, not a sub-attribute"}
		}
		f, err := p.enclosed(open.pos, tRBrack, "]", true)
		if err != nil {
			return nil, err
		}
		return &ValuePath{Path: path, Filter: f}, nil
	}
	opTok := p.next()
	if opTok.kind != tWord {
		return nil, &Error{opTok.pos, fmt.Sprintf("operator expected after %q", t.text)}
	}
	word := strings.ToLower(opTok.text)
	if word == "pr" {
		return &Present{Path: path}, nil
	}
	op, ok := compareOps[word]
	if !ok {
		return nil, &Error{opTok.pos, fmt.Sprintf("unknown operator %q", opTok.text)}
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	return &Compare{Path: path, Op: op, Value: v}, nil
}

func (p *parser) value() (Value, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return Value{Kind: String, Str: t.text}, nil
	case tWord:
		switch t.text {
		case "true", "false":
			return Value{Kind: Bool, Bool: t.text == "true"}, nil
		case "null":
			return Value{Kind: Null}, nil
		}
		if IsNumber(t.text) {
			return Value{Kind: Number, Str: t.text}, nil
		}
		return Value{}, &Error{t.pos, fmt.Sprintf("value %q is not a quoted string, number, true, false or null", t.text)}
	case tEOF:
		return Value{}, &Error{t.pos, "value expected, found end of filter"}
	}
	return Value{}, &Error{t.pos, fmt.Sprintf("value expected, found %q", t.text)}
}

// IsNumber reports whether s is a JSON number.
func IsNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}
