package csf

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// field is one string field of a request, to validate.
type field struct {
	name     string
	value    string
	required bool
}

func (f field) check() []error {
	if f.required && strings.TrimSpace(f.value) == "" {
		return []error{fmt.Errorf("%s: required", f.name)}
	}
	if err := xmlText(f.value); err != nil {
		return []error{fmt.Errorf("%s: %v", f.name, err)}
	}
	return nil
}

func nameFields(names []string) []field {
	fs := make([]field, len(names))
	for i, n := range names {
		fs[i] = field{fmt.Sprintf("properties[%d]", i), n, true}
	}
	return fs
}

// validate checks the fields of a request about record (its key) and
// returns every problem at once, or nil.
func (c *Client) validate(op operation, record string, fields ...field) error {
	return c.invalid(op, record, fieldErrors(fields...))
}

func fieldErrors(fields ...field) []error {
	var errs []error
	for _, f := range fields {
		errs = append(errs, f.check()...)
	}
	return errs
}

func propErrors(p Properties) []error {
	var errs []error
	for i, q := range p {
		where := fmt.Sprintf("Properties[%d] (%s)", i, q.Name)
		if strings.TrimSpace(q.Name) == "" {
			errs = append(errs, fmt.Errorf("%s: no name", where))
		} else if err := xmlText(q.Name); err != nil {
			errs = append(errs, fmt.Errorf("%s: name: %v", where, err))
		}
		switch q.Op {
		case "", OverWrite, Append, Remove, Clear:
		default:
			errs = append(errs, fmt.Errorf("%s: operation %q is not OverWrite, Append, Remove or Clear", where, string(q.Op)))
		}
		if q.Op == Append && len(q.Values) == 0 {
			errs = append(errs, fmt.Errorf("%s: Append of no value", where))
		}
		for j, v := range q.Values {
			if err := xmlText(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: value %d: %v", where, j, err))
			}
		}
	}
	return errs
}

// invalid returns the *APIError of a request that failed validation, naming
// the record and every problem, or nil when errs is empty. Nothing was sent.
func (c *Client) invalid(op operation, record string, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	msg := strings.Join(msgs, "; ")
	if record != "" {
		msg = fmt.Sprintf("user %q: %s", truncate(record, 80), msg)
	}
	return &APIError{Package: "csf", Op: op.method, Message: msg, Kind: ErrInvalid, Err: errors.Join(errs...)}
}

// unexpected is a response that lacks what the operation returns.
func (c *Client) unexpected(op operation, what string) error {
	return &APIError{Package: "csf", Op: op.method, Method: http.MethodPost, URL: c.endpoint, StatusCode: http.StatusOK,
		Kind: ErrUnexpectedContent, Err: ErrUnexpectedContent, Message: what}
}
