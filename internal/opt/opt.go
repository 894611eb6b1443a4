// Package opt defines Value, a field that tells "not given" from "given,
// possibly empty".
//
// Several systems treat the two differently: CMO leaves a field it is not
// sent unchanged, but clears one sent empty; an HR source that does not carry
// phone numbers must not make a plan blank them in a target. Public packages
// expose Value through a generic type alias (for example canonical.Opt).
package opt

import (
	"bytes"
	"encoding/json"
)

// Value holds an optional T. The zero Value is "not given".
type Value[T any] struct {
	v  T
	ok bool
}

// Of returns a given Value holding v, even when v is T's zero value.
func Of[T any](v T) Value[T] { return Value[T]{v: v, ok: true} }

// Get returns the value and whether it was given.
func (o Value[T]) Get() (T, bool) { return o.v, o.ok }

// IsSet reports whether the value was given.
func (o Value[T]) IsSet() bool { return o.ok }

// Or returns the value if it was given, else def.
func (o Value[T]) Or(def T) T {
	if o.ok {
		return o.v
	}
	return def
}

// IsZero reports whether the value was not given. It lets encoding/json's
// omitzero option leave such fields out.
func (o Value[T]) IsZero() bool { return !o.ok }

// MarshalJSON encodes a given value as T does, and a value not given as
// null; with the omitzero tag option the field is left out instead.
func (o Value[T]) MarshalJSON() ([]byte, error) {
	if !o.ok {
		return []byte("null"), nil
	}
	return json.Marshal(o.v)
}

// UnmarshalJSON decodes null as "not given" and anything else as a given
// value, so that a JSON round trip keeps "empty" apart from "not given".
func (o *Value[T]) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*o = Value[T]{}
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*o = Value[T]{v: v, ok: true}
	return nil
}
