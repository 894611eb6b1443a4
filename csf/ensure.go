package csf

import (
	"context"
	"errors"
	"slices"
)

// EnsureResult says what EnsureUser did.
type EnsureResult struct {
	// Created is true when the user was created by this call.
	Created bool
	// Updated names the properties an existing user was given new values
	// of; none when it already had them.
	Updated []string
	// MissingGroups lists the groups of the request an existing user is not
	// a member of: UserManager cannot add them (its UserGroupManager
	// sibling can), so they are reported, not changed.
	MissingGroups []string
}

// EnsureUser creates the user, or, when CSF answers that it exists (30008),
// reads it and updates the properties whose values differ, so that running
// it again, or after a CreateUser whose answer was lost, is harmless. An
// existing user's password and groups are left as they are: UpdateUser
// carries neither (SetPassword sets a password); the groups it is not in are
// reported in MissingGroups. Properties are compared as sets of values,
// their names without regard to case.
func (c *Client) EnsureUser(ctx context.Context, req CreateUserRequest) (EnsureResult, error) {
	err := c.CreateUser(ctx, req)
	if err == nil {
		return EnsureResult{Created: true}, nil
	}
	if !errors.Is(err, ErrUserExists) {
		return EnsureResult{}, err
	}
	names := make([]string, 0, len(req.Properties))
	for _, p := range req.Properties {
		names = append(names, p.Name)
	}
	cur, err := c.ReadUser(ctx, req.UserID, names...)
	if err != nil {
		return EnsureResult{}, err
	}
	var changes Properties
	var res EnsureResult
	for _, p := range req.Properties {
		have := cur.Properties.Values(p.Name)
		if sameValues(have, p.Values) {
			continue
		}
		if len(p.Values) == 0 {
			changes = changes.Clear(p.Name)
		} else {
			changes = changes.Set(p.Name, p.Values...)
		}
		res.Updated = append(res.Updated, p.Name)
	}
	for _, g := range req.Groups {
		in, err := c.UserInGroup(ctx, req.UserID, g)
		if err != nil {
			return res, err
		}
		if !in {
			res.MissingGroups = append(res.MissingGroups, g)
		}
	}
	if len(changes) == 0 {
		return res, nil
	}
	return res, c.UpdateUser(ctx, req.UserID, changes)
}

func sameValues(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
