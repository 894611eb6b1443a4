package sagepeople

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Cond is a condition of a SOQL WHERE clause, built by Eq, Lt, In, And, ...
// Every value is written as a SOQL literal, escaped, so that no input can
// change what a query means; a field name that is not a SOQL name, or a
// value of a type SOQL has no literal for, makes the condition invalid
// (Err), and a query with it is refused before anything is sent.
type Cond struct {
	text string
	err  error
}

// String returns the condition in SOQL.
func (c Cond) String() string { return c.text }

// Err returns what makes the condition invalid, or nil.
func (c Cond) Err() error { return c.err }

// IsZero reports the zero Cond, which selects everything.
func (c Cond) IsZero() bool { return c.text == "" && c.err == nil }

func compare(field, op string, v any) Cond {
	if !nameRE.MatchString(field) {
		return Cond{err: fmt.Errorf("%q is not a SOQL field name", clip(field))}
	}
	lit, err := Literal(v)
	if err != nil {
		return Cond{err: fmt.Errorf("%s: %w", field, err)}
	}
	return Cond{text: field + " " + op + " " + lit}
}

// Eq is field = v. A nil v is "= null".
func Eq(field string, v any) Cond { return compare(field, "=", v) }

// Ne is field != v.
func Ne(field string, v any) Cond { return compare(field, "!=", v) }

// Lt is field < v.
func Lt(field string, v any) Cond { return compare(field, "<", v) }

// Le is field <= v.
func Le(field string, v any) Cond { return compare(field, "<=", v) }

// Gt is field > v.
func Gt(field string, v any) Cond { return compare(field, ">", v) }

// Ge is field >= v.
func Ge(field string, v any) Cond { return compare(field, ">=", v) }

// Like is field LIKE pattern, where pattern's % and _ are wildcards; use
// LikeEscape to match a text literally.
func Like(field, pattern string) Cond {
	c := compare(field, "LIKE", pattern)
	if c.err == nil {
		c.text = field + " LIKE " + quoteLike(pattern)
	}
	return c
}

// quoteLike quotes a LIKE pattern: its escapes \%, \_ and \\ are kept,
// any other backslash is escaped.
func quoteLike(p string) string {
	var b strings.Builder
	b.WriteByte('\'')
	start := 0
	for i := 0; i < len(p); i++ {
		if p[i] == '\\' && i+1 < len(p) && strings.IndexByte(`%_\`, p[i+1]) >= 0 {
			q := quote(p[start:i])
			b.WriteString(q[1 : len(q)-1])
			b.WriteString(p[i : i+2])
			i++
			start = i + 1
		}
	}
	q := quote(p[start:])
	b.WriteString(q[1:])
	return b.String()
}

// LikeEscape escapes % and _ (and the backslash) in s for Like:
// Like("Name", LikeEscape(s)+"%") matches names that start with s.
func LikeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// In is field IN (values...). No values selects nothing: Salesforce
// refuses an empty IN list, so the condition is refused too.
func In[T any](field string, values ...T) Cond {
	if !nameRE.MatchString(field) {
		return Cond{err: fmt.Errorf("%q is not a SOQL field name", clip(field))}
	}
	if len(values) == 0 {
		return Cond{err: fmt.Errorf("%s IN: no values", field)}
	}
	var b strings.Builder
	b.WriteString(field + " IN (")
	for i, v := range values {
		lit, err := Literal(v)
		if err != nil {
			return Cond{err: fmt.Errorf("%s IN: value %d: %w", field, i, err)}
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(lit)
	}
	b.WriteString(")")
	return Cond{text: b.String()}
}

func join(op string, conds []Cond) Cond {
	var parts []string
	var errs []error
	for _, c := range conds {
		switch {
		case c.err != nil:
			errs = append(errs, c.err)
		case c.text != "":
			parts = append(parts, "("+c.text+")")
		}
	}
	if len(errs) > 0 {
		return Cond{err: errors.Join(errs...)}
	}
	if len(parts) == 1 {
		return Cond{text: strings.TrimSuffix(strings.TrimPrefix(parts[0], "("), ")")}
	}
	return Cond{text: strings.Join(parts, " "+op+" ")}
}

// And holds when every condition holds; zero conditions are skipped.
func And(conds ...Cond) Cond { return join("AND", conds) }

// Or holds when one of the conditions holds; zero conditions are skipped.
func Or(conds ...Cond) Cond { return join("OR", conds) }

// Not negates c.
func Not(c Cond) Cond {
	if c.err != nil || c.text == "" {
		return c
	}
	return Cond{text: "NOT (" + c.text + ")"}
}

// Literal writes v as a SOQL literal: a string quoted with \\, \', \", \n,
// \r, \t, \b and \f escaped; a bool; an integer or a finite float; a
// time.Time as a UTC date-time (seconds); a Date as YYYY-MM-DD; nil as null.
func Literal(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "null", nil
	case string:
		if !utf8.ValidString(x) {
			return "", fmt.Errorf("%q is not valid UTF-8", clip(x))
		}
		return quote(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "", fmt.Errorf("%v has no SOQL literal", x)
		}
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case time.Time:
		if x.IsZero() {
			return "", errors.New("the zero time has no SOQL literal")
		}
		return x.UTC().Format("2006-01-02T15:04:05Z"), nil
	case Date:
		if !x.IsValid() {
			return "", fmt.Errorf("%04d-%02d-%02d is not a valid date", x.Year, int(x.Month), x.Day)
		}
		return x.String(), nil
	}
	return "", fmt.Errorf("a %T has no SOQL literal", v)
}

func quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '"':
			b.WriteString(`\"`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// SOQL is a query: SELECT Fields FROM Object WHERE Where ORDER BY OrderBy
// LIMIT Limit.
type SOQL struct {
	Fields []string
	Object string
	Where  Cond
	// OrderBy holds field names, each optionally followed by " ASC" or
	// " DESC".
	OrderBy []string
	Limit   int
}

// String returns the query, or an error naming what is not valid.
func (q SOQL) String() (string, error) {
	var errs []error
	if len(q.Fields) == 0 {
		errs = append(errs, errors.New("no fields to select"))
	}
	for _, f := range q.Fields {
		if !nameRE.MatchString(f) && f != "COUNT()" {
			errs = append(errs, fmt.Errorf("%q is not a SOQL field name", clip(f)))
		}
	}
	if !nameRE.MatchString(q.Object) || strings.Contains(q.Object, ".") {
		errs = append(errs, fmt.Errorf("%q is not an object name", clip(q.Object)))
	}
	if q.Where.err != nil {
		errs = append(errs, fmt.Errorf("WHERE: %w", q.Where.err))
	}
	for _, o := range q.OrderBy {
		f, dir, _ := strings.Cut(o, " ")
		if !nameRE.MatchString(f) || (dir != "" && dir != "ASC" && dir != "DESC") {
			errs = append(errs, fmt.Errorf("ORDER BY %q is not a field with ASC or DESC", clip(o)))
		}
	}
	if q.Limit < 0 {
		errs = append(errs, fmt.Errorf("LIMIT %d is negative", q.Limit))
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("sagepeople: %w: %w", ErrInvalid, errors.Join(errs...))
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	b.WriteString(strings.Join(q.Fields, ", "))
	b.WriteString(" FROM ")
	b.WriteString(q.Object)
	if q.Where.text != "" {
		b.WriteString(" WHERE ")
		b.WriteString(q.Where.text)
	}
	if len(q.OrderBy) > 0 {
		b.WriteString(" ORDER BY ")
		b.WriteString(strings.Join(q.OrderBy, ", "))
	}
	if q.Limit > 0 {
		b.WriteString(" LIMIT ")
		b.WriteString(strconv.Itoa(q.Limit))
	}
	return b.String(), nil
}
