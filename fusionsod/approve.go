package fusionsod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode"
)

// DefaultApprovedRoleKey is the key of each item of approvedRoles in an
// approveProvisioningRequest body. Oracle's reference documents the items
// only as objects with additional properties; the name is inferred, and
// WithApprovedRoleKey changes it.
const DefaultApprovedRoleKey = "roleCode"

// WithApprovedRoleKey sets the key that names a role in each item of
// approvedRoles ("roleCode" by default, see DefaultApprovedRoleKey).
func WithApprovedRoleKey(key string) Option {
	return func(c *config) error {
		if strings.TrimSpace(key) == "" {
			return errors.New("fusionsod: WithApprovedRoleKey: the key is empty")
		}
		c.approveKey = key
		return nil
	}
}

// Approve approves the conflicts of roles (role codes) of a completed
// analysis (approveProvisioningRequest): the process owner accepted them.
// Incidents follow in Fusion with the status Accepted; record the
// justification on them with AddComment.
func (c *Client) Approve(ctx context.Context, id RequestID, roles []string) error {
	const op = "approveProvisioningRequest"
	var p []string
	if id == "" {
		p = append(p, "the request id is empty")
	}
	if len(roles) == 0 {
		p = append(p, fmt.Sprintf("request %s: no role to approve", id))
	}
	for i, r := range roles {
		if strings.TrimSpace(r) == "" || strings.ContainsFunc(r, unicode.IsControl) {
			p = append(p, fmt.Sprintf("request %s: roles[%d] %q is empty or holds a control character", id, i, r))
		}
	}
	if err := invalid(op, p); err != nil {
		return err
	}
	items := make([]map[string]string, 0, len(roles))
	for _, r := range roles {
		items = append(items, map[string]string{c.approveKey: r})
	}
	body := map[string]any{"requestId": requestIDJSON(id, c.idForm), "approvedRoles": items}
	var res actionResult
	return c.do(ctx, request{op: op, method: http.MethodPost, path: approvePath, body: body, contentType: ActionContentType}, &res)
}

// RoleCheck is the answer of the provisioning rules check.
type RoleCheck struct {
	// Violations maps each role code to add that breaks a rule to the
	// role codes it conflicts with; empty when Fusion answered
	// "No Violations".
	Violations map[string][]string `json:"violations,omitempty"`
}

// OK reports whether the check found no violation.
func (r *RoleCheck) OK() bool { return len(r.Violations) == 0 }

// CheckRoles runs Fusion's provisioning rules check (runUserRoleCheck):
// would adding rolesToAdd (role codes) to user break a rule? It is quicker
// than an analysis and looks at roles only, not data access.
func (c *Client) CheckRoles(ctx context.Context, user string, rolesToAdd []string) (*RoleCheck, error) {
	const op = "runUserRoleCheck"
	var p []string
	if strings.TrimSpace(user) == "" {
		p = append(p, "the user name is empty")
	}
	if len(rolesToAdd) == 0 {
		p = append(p, fmt.Sprintf("user %q: no role to add", user))
	}
	for i, r := range rolesToAdd {
		if strings.TrimSpace(r) == "" {
			p = append(p, fmt.Sprintf("user %q: rolesToAdd[%d] is empty", user, i))
		}
	}
	if err := invalid(op, p); err != nil {
		return nil, err
	}
	body := map[string]any{"userName": user, "rolesToAdd": rolesToAdd}
	var res actionResult
	if err := c.do(ctx, request{op: op, method: http.MethodPost, path: "advancedControlsRoleSegregations/action/runUserRoleCheck",
		body: body, contentType: ActionContentType, idempotent: true}, &res); err != nil {
		return nil, err
	}
	rc, err := parseRoleCheck(res.Result)
	if err != nil {
		return nil, &APIError{Package: pkg, Op: op, Method: http.MethodPost, Kind: ErrUnexpectedContent, Message: err.Error()}
	}
	return rc, nil
}

// parseRoleCheck reads the result of runUserRoleCheck: the text "No
// Violations", or a map of role codes to what they conflict with, given
// as an object or as a string holding one (ADF actions often answer
// strings); each value may be a role code, a list of them, or an object
// whose keys are role codes.
func parseRoleCheck(result json.RawMessage) (*RoleCheck, error) {
	var text string
	if json.Unmarshal(result, &text) == nil {
		t := strings.TrimSpace(text)
		if strings.EqualFold(strings.Join(strings.Fields(t), " "), "No Violations") || t == "" {
			return &RoleCheck{}, nil
		}
		if !strings.HasPrefix(t, "{") {
			return nil, fmt.Errorf("the result %.80q is neither \"No Violations\" nor a map of roles", t)
		}
		result = json.RawMessage(t)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(result, &m); err != nil || m == nil {
		return nil, fmt.Errorf("the result %s is neither \"No Violations\" nor a map of roles", snippetOf(result))
	}
	rc := &RoleCheck{Violations: make(map[string][]string, len(m))}
	for role, v := range m {
		var one string
		var list []string
		var obj map[string]json.RawMessage
		switch {
		case json.Unmarshal(v, &one) == nil:
			list = []string{one}
		case json.Unmarshal(v, &list) == nil:
		case json.Unmarshal(v, &obj) == nil:
			for k := range obj {
				list = append(list, k)
			}
			slices.Sort(list)
		default:
			return nil, fmt.Errorf("role %q: the conflicting roles %s are not role codes", role, snippetOf(v))
		}
		rc.Violations[role] = list
	}
	return rc, nil
}
