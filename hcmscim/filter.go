package hcmscim

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/hrbridge/hrbridge/internal/scimfilter"
)

// Filter is a SCIM filter expression (RFC 7644 section 3.4.2.2), built with
// Eq, Ne, Co, Sw, Ew, Gt, Ge, Lt, Le, Present, And, Or and Not, or read with
// ParseFilter. Values are always written as JSON literals, with quotes,
// backslashes and control characters escaped: a value cannot end its quotes
// early, so no input can change what the filter means. And and Or add the
// parentheses the grouping needs.
//
// A builder given something it cannot write (an attribute name that is not
// one, a value that is not a string, number, bool or nil) returns a Filter
// holding the error: Err reports it, and every call given such a filter
// fails before sending anything. The zero Filter is "no filter".
type Filter struct {
	x   scimfilter.Expr
	err error
}

// String returns the filter as sent in the filter query parameter; it is
// empty for the zero Filter or one holding an error.
func (f Filter) String() string {
	if f.x == nil || f.err != nil {
		return ""
	}
	return f.x.String()
}

// Err returns the error the filter was built with, or nil.
func (f Filter) Err() error { return f.err }

// IsZero reports whether f is the zero Filter (no filter).
func (f Filter) IsZero() bool { return f.x == nil && f.err == nil }

// ParseFilter reads a filter written by hand, such as
// `userName eq "Joe.Green" and active eq true`. String values must be
// quoted, as RFC 7644 says.
func ParseFilter(s string) (Filter, error) {
	x, err := scimfilter.Parse(s)
	if err != nil {
		return Filter{}, fmt.Errorf("hcmscim: %w", err)
	}
	return Filter{x: x}, nil
}

func compare(op scimfilter.Op, attr string, value any) Filter {
	p, err := scimfilter.ParsePath(attr)
	if err != nil {
		return Filter{err: fmt.Errorf("hcmscim: filter: %w", err)}
	}
	v, err := literal(value)
	if err != nil {
		return Filter{err: fmt.Errorf("hcmscim: filter on %s: %w", attr, err)}
	}
	return Filter{x: &scimfilter.Compare{Path: p, Op: op, Value: v}}
}

// literal turns a Go value into a filter value.
func literal(value any) (scimfilter.Value, error) {
	switch v := value.(type) {
	case nil:
		return scimfilter.Value{Kind: scimfilter.Null}, nil
	case string:
		if !utf8.ValidString(v) {
			return scimfilter.Value{}, errors.New("the value is not valid UTF-8")
		}
		return scimfilter.Value{Kind: scimfilter.String, Str: v}, nil
	case bool:
		return scimfilter.Value{Kind: scimfilter.Bool, Bool: v}, nil
	case int:
		return number(strconv.FormatInt(int64(v), 10)), nil
	case int8:
		return number(strconv.FormatInt(int64(v), 10)), nil
	case int16:
		return number(strconv.FormatInt(int64(v), 10)), nil
	case int32:
		return number(strconv.FormatInt(int64(v), 10)), nil
	case int64:
		return number(strconv.FormatInt(v, 10)), nil
	case uint:
		return number(strconv.FormatUint(uint64(v), 10)), nil
	case uint8:
		return number(strconv.FormatUint(uint64(v), 10)), nil
	case uint16:
		return number(strconv.FormatUint(uint64(v), 10)), nil
	case uint32:
		return number(strconv.FormatUint(uint64(v), 10)), nil
	case uint64:
		return number(strconv.FormatUint(v, 10)), nil
	case float32:
		return floatLiteral(float64(v), 32)
	case float64:
		return floatLiteral(v, 64)
	}
	return scimfilter.Value{}, fmt.Errorf("a value of type %T cannot be written in a filter (use a string, number, bool or nil)", value)
}

func number(s string) scimfilter.Value { return scimfilter.Value{Kind: scimfilter.Number, Str: s} }

func floatLiteral(f float64, bits int) (scimfilter.Value, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return scimfilter.Value{}, fmt.Errorf("%v is not a number a filter can hold", f)
	}
	return number(strconv.FormatFloat(f, 'g', -1, bits)), nil
}

// Eq matches resources whose attribute equals value (a string, number,
// bool or nil).
func Eq(attr string, value any) Filter { return compare(scimfilter.Eq, attr, value) }

// Ne matches resources whose attribute does not equal value.
func Ne(attr string, value any) Filter { return compare(scimfilter.Ne, attr, value) }

// Co matches resources whose attribute contains value.
func Co(attr string, value any) Filter { return compare(scimfilter.Co, attr, value) }

// Sw matches resources whose attribute starts with value.
func Sw(attr string, value any) Filter { return compare(scimfilter.Sw, attr, value) }

// Ew matches resources whose attribute ends with value.
func Ew(attr string, value any) Filter { return compare(scimfilter.Ew, attr, value) }

// Gt matches resources whose attribute is greater than value.
func Gt(attr string, value any) Filter { return compare(scimfilter.Gt, attr, value) }

// Ge matches resources whose attribute is greater than or equal to value.
func Ge(attr string, value any) Filter { return compare(scimfilter.Ge, attr, value) }

// Lt matches resources whose attribute is less than value.
func Lt(attr string, value any) Filter { return compare(scimfilter.Lt, attr, value) }

// Le matches resources whose attribute is less than or equal to value.
func Le(attr string, value any) Filter { return compare(scimfilter.Le, attr, value) }

// Present matches resources that have a value for attr ("attr pr").
func Present(attr string) Filter {
	p, err := scimfilter.ParsePath(attr)
	if err != nil {
		return Filter{err: fmt.Errorf("hcmscim: filter: %w", err)}
	}
	return Filter{x: &scimfilter.Present{Path: p}}
}

// And matches resources every filter matches.
func And(fs ...Filter) Filter { return logical(scimfilter.And, fs) }

// Or matches resources any filter matches.
func Or(fs ...Filter) Filter { return logical(scimfilter.Or, fs) }

func logical(op scimfilter.Op, fs []Filter) Filter {
	if len(fs) == 0 {
		return Filter{err: fmt.Errorf("hcmscim: filter: %s of nothing", op)}
	}
	var x scimfilter.Expr
	for i, f := range fs {
		if f.err != nil {
			return f
		}
		if f.x == nil {
			return Filter{err: fmt.Errorf("hcmscim: filter: operand %d of %s is empty", i+1, op)}
		}
		if x == nil {
			x = f.x
		} else {
			x = &scimfilter.Logical{Op: op, Left: x, Right: f.x}
		}
	}
	return Filter{x: x}
}

// Not matches resources f does not match ("not (f)").
func Not(f Filter) Filter {
	if f.err != nil {
		return f
	}
	if f.x == nil {
		return Filter{err: errors.New("hcmscim: filter: not of an empty filter")}
	}
	return Filter{x: &scimfilter.Not{X: f.x}}
}
