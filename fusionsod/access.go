package fusionsod

import (
	"fmt"
	"strings"
	"unicode"
)

// AccessKind is the kind of a data-access value (Oracle's "security context"
// or MDA). The reference lists the five constants below; the tutorial's
// example also sends "Location", so other kinds are passed through.
type AccessKind string

const (
	BusinessUnit     AccessKind = "BUSINESS_UNIT"
	LedgerSet        AccessKind = "LEDGER_SET"
	DataAccessSet    AccessKind = "DATA_ACCESS_SET"
	AssetBook        AccessKind = "ASSET_BOOK"
	ReferenceDataSet AccessKind = "REFERENCE_DATA_SET"
)

// DataAccess is one data-access value of a role, sent as "KIND = value".
type DataAccess struct {
	Kind  AccessKind `json:"kind"`
	Value string     `json:"value"`
}

// String returns the form Oracle takes: "BUSINESS_UNIT = Vision China".
func (d DataAccess) String() string { return string(d.Kind) + " = " + d.Value }

// ParseDataAccess reads "KIND = value", the form of the analysis body.
func ParseDataAccess(s string) (DataAccess, error) {
	k, v, ok := strings.Cut(s, "=")
	d := DataAccess{Kind: AccessKind(strings.TrimSpace(k)), Value: strings.TrimSpace(v)}
	if !ok {
		return d, fmt.Errorf("fusionsod: data access %q: want KIND = value", s)
	}
	return d, d.check()
}

func (d DataAccess) check() error {
	switch {
	case d.Kind == "" || strings.ContainsFunc(string(d.Kind), func(r rune) bool { return r == '=' || unicode.IsSpace(r) || unicode.IsControl(r) }):
		return fmt.Errorf("kind %q is empty or holds a space or '='", string(d.Kind))
	case strings.TrimSpace(d.Value) == "" || strings.ContainsFunc(d.Value, unicode.IsControl):
		return fmt.Errorf("value %q of %s is empty or holds a control character", d.Value, d.Kind)
	}
	return nil
}

// RoleRequest is a role asked for, by its role code, with the data access
// it would carry.
type RoleRequest struct {
	Code       string       `json:"code"`
	DataAccess []DataAccess `json:"dataAccess,omitempty"`
}

// AccessRequest is one access request: a Fusion user (the name in the
// Security Console) and the roles asked for. ID is the caller's own key
// for it (a ticket, an HR event), carried into the Outcome.
type AccessRequest struct {
	ID    string        `json:"id,omitempty"`
	User  string        `json:"user"`
	Roles []RoleRequest `json:"roles"`
}

// key names the request in errors.
func (r *AccessRequest) key() string {
	if r.ID != "" {
		return fmt.Sprintf("request %q (user %q)", r.ID, r.User)
	}
	return fmt.Sprintf("request for user %q", r.User)
}

// check lists every problem of r.
func (r *AccessRequest) check() []string {
	var p []string
	k := r.key()
	if strings.TrimSpace(r.User) == "" || strings.ContainsFunc(r.User, unicode.IsControl) {
		p = append(p, fmt.Sprintf("%s: User is empty or holds a control character", k))
	}
	if len(r.Roles) == 0 {
		p = append(p, fmt.Sprintf("%s: Roles is empty", k))
	}
	seen := map[string]bool{}
	for i, role := range r.Roles {
		switch {
		case strings.TrimSpace(role.Code) == "" || strings.ContainsFunc(role.Code, unicode.IsControl):
			p = append(p, fmt.Sprintf("%s: Roles[%d].Code %q is empty or holds a control character", k, i, role.Code))
		case seen[role.Code]:
			p = append(p, fmt.Sprintf("%s: Roles[%d].Code %q is asked for twice", k, i, role.Code))
		}
		seen[role.Code] = true
		for j, d := range role.DataAccess {
			if err := d.check(); err != nil {
				p = append(p, fmt.Sprintf("%s: Roles[%d] (%s).DataAccess[%d]: %v", k, i, role.Code, j, err))
			}
		}
	}
	return p
}
