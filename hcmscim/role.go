package hcmscim

import (
	"context"
	"fmt"
	"iter"
	"net/http"
)

// Role is Oracle's Role resource (urn:oracle:apps:scim:schemas:fa:1.0:Role).
type Role struct {
	ID          string   `json:"id,omitempty"`
	Schemas     []string `json:"schemas,omitempty"`
	Meta        Meta     `json:"meta,omitzero"`
	Name        string   `json:"name,omitempty"` // the role code, e.g. ORA_PER_HUMAN_RESOURCE_ANALYST_JOB
	DisplayName string   `json:"displayName,omitempty"`
	Description string   `json:"description,omitempty"`
	Category    string   `json:"category,omitempty"` // e.g. JOB
	Members     []Member `json:"members,omitempty"`
}

// Member is a member of a role: Value is the user's id.
type Member struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
}

func (r Role) resourceID() string { return r.ID }

// Roles yields the roles q selects, page after page. Source: GET
// /hcmRestApi/scim/Roles.
func (c *Client) Roles(ctx context.Context, q Query) iter.Seq2[Role, error] {
	return listAll[Role](ctx, c, "Roles", "Roles", q)
}

// RolesPage returns the page of the roles q selects that next names (""
// for the first).
func (c *Client) RolesPage(ctx context.Context, q Query, next string) (*Page[Role], error) {
	return listPage[Role](ctx, c, "RolesPage", "Roles", q, next)
}

// FindRole returns the role whose name (role code) is name, as Oracle's
// guide finds it: GET /Roles?filter=name eq "<role name>". No such role
// gives an error matching ErrNotFound.
func (c *Client) FindRole(ctx context.Context, name string) (*Role, error) {
	if name == "" {
		return nil, &ValidationError{Problems: []string{"FindRole: the role name is empty"}}
	}
	page, err := listPage[Role](ctx, c, "FindRole", "Roles", Query{Filter: Eq("name", name), Count: 2}, "")
	if err != nil {
		return nil, err
	}
	switch len(page.Items) {
	case 0:
		return nil, &APIError{Package: pkg, Op: "FindRole", Kind: ErrNotFound, Message: fmt.Sprintf("no role is named %q", name)}
	case 1:
		return &page.Items[0], nil
	}
	return nil, &APIError{Package: pkg, Op: "FindRole", Kind: ErrConflict,
		Message: fmt.Sprintf("role name %q matches %d roles (ids %s, %s)", name, len(page.Items), page.Items[0].ID, page.Items[1].ID)}
}

// GetRole returns the role with the given id. Source: GET
// /hcmRestApi/scim/Roles/{id}.
func (c *Client) GetRole(ctx context.Context, id string) (*Role, error) {
	return get[Role](ctx, c, "GetRole", "Roles", id)
}

// AddRoleMembers grants the role to the users. Source: PATCH
// /hcmRestApi/scim/Roles/{id} with {"members": [{"value": <user id>,
// "operation": "ADD"}]}, answered 204 ("Add Role to User").
func (c *Client) AddRoleMembers(ctx context.Context, roleID string, userIDs ...string) error {
	return c.changeMembers(ctx, "AddRoleMembers", roleID, "ADD", userIDs)
}

// RemoveRoleMembers takes the role away from the users ("operation":
// "REMOVE", "Remove Role to User").
func (c *Client) RemoveRoleMembers(ctx context.Context, roleID string, userIDs ...string) error {
	return c.changeMembers(ctx, "RemoveRoleMembers", roleID, "REMOVE", userIDs)
}

func (c *Client) changeMembers(ctx context.Context, name, roleID, op string, userIDs []string) error {
	path, err := idPath("Roles", roleID)
	if err != nil {
		return err
	}
	if err := checkMembers(roleID, userIDs); err != nil {
		return err
	}
	d, err := c.Dialect(ctx)
	if err != nil {
		return err
	}
	// Adding a member who has the role, or removing one who has not, leaves
	// the role as asked: the call is safe to repeat.
	_, err = c.do(ctx, d, request{op: name, method: http.MethodPatch, path: path, body: membersBody(d, op, userIDs), idempotent: true}, nil)
	return err
}

func checkMembers(roleID string, userIDs []string) error {
	var pr problems
	if len(userIDs) == 0 {
		pr.add("role %s: no user ids", roleID)
	}
	for i, id := range userIDs {
		if !validID(id) {
			pr.add("role %s: member %d: user id %q is not a resource id", roleID, i, id)
		}
	}
	return pr.err()
}

// membersBody returns the PATCH body adding (op "ADD") or removing
// ("REMOVE") members in dialect d.
func membersBody(d Dialect, op string, userIDs []string) any {
	if d == DialectStandard {
		p := patchOp{Schemas: []string{PatchOpSchema}}
		if op == "ADD" {
			var ms []Member
			for _, id := range userIDs {
				ms = append(ms, Member{Value: id})
			}
			p.Operations = []patchOperation{{Op: "add", Path: "members", Value: ms}}
			return p
		}
		for _, id := range userIDs {
			p.Operations = append(p.Operations, patchOperation{Op: "remove", Path: "members[" + Eq("value", id).String() + "]"})
		}
		return p
	}
	type member struct {
		Value     string `json:"value"`
		Operation string `json:"operation"`
	}
	body := struct {
		Schemas []string `json:"schemas"`
		Members []member `json:"members"`
	}{Schemas: []string{RoleSchema}}
	for _, id := range userIDs {
		body.Members = append(body.Members, member{id, op})
	}
	return body
}
