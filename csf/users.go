package csf

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	um "github.com/hrbridge/hrbridge/csf/internal/usermanager"
	"github.com/hrbridge/hrbridge/internal/paging"
)

// Page is one page of ReadUsers, for callers who checkpoint between pages
// (ReadUsersPage).
type Page[T any] = paging.Page[T]

// User is a CSF user account: its UserId (such as "test1@csf.com") and its
// properties.
type User struct {
	ID         string
	Properties Properties
}

// Scope is how deep ReadUsers and UpdateUsers search below the
// organisation.
type Scope string

// The scopes of the seed.
const (
	// ScopeBaseObject returns the base object only.
	ScopeBaseObject Scope = "baseObject"
	// ScopeSingleLevel returns the base object and its children.
	ScopeSingleLevel Scope = "singleLevel"
	// ScopeWholeTree returns every object of the base object's tree.
	ScopeWholeTree Scope = "wholeTree"
)

// CreateUserRequest is the CreateUserRequest message.
type CreateUserRequest struct {
	// UserID is the UserAccount's UserId, such as "test1@csf.com". Required.
	UserID string
	// Properties are the user's properties (company, streetAddress, ...).
	Properties Properties
	// UserName is the name of the user. Optional.
	UserName string
	// OrganizationID is the organisation the user belongs to, such as
	// "Customer-TestCustomer.com". Required.
	OrganizationID string
	// Password is the user's password. Required; never in an error.
	Password string
	// Groups are the groups the user belongs to. Optional.
	Groups []string
}

// CreateUser creates a user (the seed's CreateUser). A user that exists
// already gives ErrUserExists (30008), as does a CreateUser sent again after
// its answer was lost: EnsureUser makes that harmless.
func (c *Client) CreateUser(ctx context.Context, req CreateUserRequest) error {
	errs := fieldErrors(field{"UserID", req.UserID, true}, field{"UserName", req.UserName, false},
		field{"OrganizationID", req.OrganizationID, true}, field{"Password", req.Password, true})
	for i, g := range req.Groups {
		errs = append(errs, field{fmt.Sprintf("Groups[%d]", i), g, true}.check()...)
	}
	if err := c.invalid(opCreateUser, req.UserID, append(errs, propErrors(req.Properties)...)); err != nil {
		return err
	}
	rc := c.cfg.newRequestID()
	body := &um.UserManagerCreate{
		UserAccount:    &um.UserAccount{UserId: req.UserID, PropertyTable: req.Properties.table()},
		RequestContext: rc,
		UserName:       req.UserName,
		OrganizationId: req.OrganizationID,
		Password:       req.Password,
	}
	if req.Groups != nil {
		body.Groups = &um.ArrayOfString{Astring: req.Groups}
	}
	return c.call(ctx, opCreateUser, rc, body, &um.UserManagerCreateResponse{}, req.Password)
}

// DeleteUser deletes the user userID (the seed's DeleteUser). A user that
// does not exist gives ErrUserNotFound (30011).
func (c *Client) DeleteUser(ctx context.Context, userID string) error {
	if err := c.validate(opDeleteUser, userID, field{"UserID", userID, true}); err != nil {
		return err
	}
	rc := c.cfg.newRequestID()
	return c.call(ctx, opDeleteUser, rc, &um.UserManagerDelete{RequestContext: rc, UserId: userID}, &um.UserManagerDeleteResponse{})
}

// ReadUser returns the user userID with the properties named (the seed's
// ReadUser, which fills in the properties the request names). A user that
// does not exist gives ErrUserNotFound (30011).
func (c *Client) ReadUser(ctx context.Context, userID string, properties ...string) (*User, error) {
	if err := c.validate(opReadUser, userID, append([]field{{"UserID", userID, true}}, nameFields(properties)...)...); err != nil {
		return nil, err
	}
	rc := c.cfg.newRequestID()
	body := &um.UserManagerRead{UserAccount: &um.UserAccount{UserId: userID, RequestContext: rc, PropertyTable: namesTable(properties)}}
	out := &um.UserManagerReadResponse{}
	if err := c.call(ctx, opReadUser, rc, body, out); err != nil {
		return nil, err
	}
	u := &User{ID: userID}
	if out.UserAccount != nil {
		if out.UserAccount.UserId != "" {
			u.ID = out.UserAccount.UserId
		}
		u.Properties = fromTable(out.UserAccount.PropertyTable)
	}
	return u, nil
}

// UpdateUser updates the properties of the user userID (the seed's
// UpdateUser), each with its operation. A user that does not exist gives
// ErrUserNotFound (30011).
func (c *Client) UpdateUser(ctx context.Context, userID string, props Properties) error {
	if err := c.invalid(opUpdateUser, userID, append(fieldErrors(field{"UserID", userID, true}), propErrors(props)...)); err != nil {
		return err
	}
	rc := c.cfg.newRequestID()
	body := &um.UserManagerUpdate{UserAccount: &um.UserAccount{UserId: userID, RequestContext: rc, PropertyTable: props.table()}}
	return c.call(ctx, opUpdateUser, rc, body, &um.UserManagerUpdateResponse{})
}

// UserInGroup reports whether the user userID is a member of group (the
// seed's UserInGroup). A group or user that does not exist gives
// ErrGroupNotFound (30010) or ErrUserNotFound (30011).
func (c *Client) UserInGroup(ctx context.Context, userID, group string) (bool, error) {
	if err := c.validate(opUserInGroup, userID, field{"UserID", userID, true}, field{"GroupName", group, true}); err != nil {
		return false, err
	}
	rc := c.cfg.newRequestID()
	out := &um.UserManagerInGroupResponse{}
	if err := c.call(ctx, opUserInGroup, rc, &um.UserManagerInGroup{RequestContext: rc, UserId: userID, GroupName: group}, out); err != nil {
		return false, err
	}
	if out.IsInGroup == nil {
		return false, c.unexpected(opUserInGroup, "the response has no IsInGroup")
	}
	return *out.IsInGroup, nil
}

// UpdatePasswordRequest is the UpdateUserPasswordRequest message.
type UpdatePasswordRequest struct {
	Organization string // OrganizationName; optional
	UserName     string // required
	OldPassword  string // required; never in an error
	NewPassword  string // required; never in an error
}

// UpdatePassword changes a user's password, given the old one (the seed's
// UpdatePassword).
func (c *Client) UpdatePassword(ctx context.Context, req UpdatePasswordRequest) error {
	if err := c.validate(opUpdatePassword, req.UserName, field{"Organization", req.Organization, false},
		field{"UserName", req.UserName, true}, field{"OldPassword", req.OldPassword, true}, field{"NewPassword", req.NewPassword, true}); err != nil {
		return err
	}
	rc := c.cfg.newRequestID()
	body := &um.UserManagerUpdatePassword{RequestContext: rc, OrganizationName: req.Organization,
		UpdatePasswordInfo: &um.UpdatePasswordInfo{UserName: req.UserName, OldPassword: req.OldPassword, NewPassword: req.NewPassword}}
	return c.call(ctx, opUpdatePassword, rc, body, &um.UserManagerUpdatePasswordResponse{}, req.OldPassword, req.NewPassword)
}

// SetPasswordRequest is the SetUserPasswordRequest message.
type SetPasswordRequest struct {
	Organization string // OrganizationName; optional
	UserName     string // required
	Password     string // the new password; required; never in an error
}

// SetPassword sets a user's password without the old one, to reset a
// forgotten password (the seed's SetPassword).
func (c *Client) SetPassword(ctx context.Context, req SetPasswordRequest) error {
	if err := c.validate(opSetPassword, req.UserName, field{"Organization", req.Organization, false},
		field{"UserName", req.UserName, true}, field{"Password", req.Password, true}); err != nil {
		return err
	}
	rc := c.cfg.newRequestID()
	body := &um.UserManagerSetPassword{RequestContext: rc, OrganizationName: req.Organization,
		SetPasswordInfo: &um.SetPasswordInfo{UserName: req.UserName, Password: req.Password}}
	return c.call(ctx, opSetPassword, rc, body, &um.UserManagerSetPasswordResponse{}, req.Password)
}

// Query selects users for ReadUsers.
type Query struct {
	// Organization is the OrganizationName the users belong to; optional.
	Organization string
	// Scope is how deep to search; not sent when empty.
	Scope Scope
	// Filter selects the users. Required.
	Filter Filter
	// Properties names the properties to return for each user.
	Properties []string
	// PageSize is how many users a page holds; the client's (WithPageSize,
	// default 100) when 0.
	PageSize int
	// ServerTimeLimit bounds the time the server may spend, in whole
	// seconds; 0 sends -1, as the seed's sample does (no limit).
	ServerTimeLimit time.Duration
}

// ReadUsers returns every user q selects (the seed's ReadUsers), fetching
// page after page as the caller ranges. It stops at the first error, and
// with an error wrapping paging.ErrRepeatedPage if the server sends a page
// again.
func (c *Client) ReadUsers(ctx context.Context, q Query) iter.Seq2[User, error] {
	return func(yield func(User, error) bool) {
		var guard paging.Guard
		next := ""
		for {
			if err := ctx.Err(); err != nil {
				yield(User{}, c.apiError(opReadUsers, err, nil))
				return
			}
			p, key, err := c.readUsersPage(ctx, q, next)
			if err == nil {
				if gerr := guard.Seen(key); gerr != nil {
					err = &APIError{Package: "csf", Op: opReadUsers.method, Message: gerr.Error(), Kind: ErrUnexpectedContent, Err: gerr}
				}
			}
			if err != nil {
				yield(User{}, err)
				return
			}
			for _, u := range p.Items {
				if !yield(u, nil) {
					return
				}
			}
			if p.Next == "" {
				return
			}
			next = p.Next
		}
	}
}

// ReadUsersPage returns one page of the users q selects, for callers who
// checkpoint: next is "" for the first page, else the Next of the page
// before (a page number). Page.Total is the server's TotalItems, or -1.
func (c *Client) ReadUsersPage(ctx context.Context, q Query, next string) (*Page[User], error) {
	p, _, err := c.readUsersPage(ctx, q, next)
	return p, err
}

func (c *Client) readUsersPage(ctx context.Context, q Query, next string) (*Page[User], string, error) {
	page := 1
	if next != "" {
		n, err := strconv.Atoi(next)
		if err != nil || n < 1 {
			return nil, "", c.invalid(opReadUsers, "", []error{fmt.Errorf("next: %q is not a page number", next)})
		}
		page = n
	}
	size := q.PageSize
	if size == 0 {
		size = c.cfg.pageSize
	}
	errs := q.Filter.check("Filter")
	if size < 0 {
		errs = append(errs, fmt.Errorf("PageSize: %d is negative", size))
	}
	for _, f := range append([]field{{"Organization", q.Organization, false}}, nameFields(q.Properties)...) {
		errs = append(errs, f.check()...)
	}
	errs = append(errs, checkScope(q.Scope)...)
	if len(errs) > 0 {
		return nil, "", c.invalid(opReadUsers, "", errs)
	}
	rc := c.cfg.newRequestID()
	attrs := Properties{}
	for _, n := range q.Properties {
		attrs = append(attrs, Property{Name: n, Values: []string{}, Op: OverWrite})
	}
	zero, no := int32(0), false
	cur, sz := int32(page), int32(size)
	body := &um.UserManagerReadUsers{
		RequestContext:        rc,
		ServerTimeLimitInSecs: timeLimit(q.ServerTimeLimit, -1),
		OrganizationName:      q.Organization,
		Scope:                 scope(q.Scope),
		PagingInfo: &um.PagingInfo{
			CurrentPage: &cur, LastPage: &cur, PageSize: &sz, PageIsVolatile: &no,
			FilterSet: q.Filter.wire(),
			FirstItem: &zero, LastItem: &zero, TotalItems: &zero,
			UserAccountTable: &um.UserAccountTable{UserAccounts: &um.ArrayOfUserAccount{}},
			PropertyTable:    attrs.extended(),
		},
	}
	out := &um.UserManagerReadUsersResponse{}
	if err := c.call(ctx, opReadUsers, rc, body, out); err != nil {
		return nil, "", err
	}
	p := &Page[User]{Total: -1, Items: []User{}}
	pi := out.PagingInfo
	if pi == nil {
		return nil, "", c.unexpected(opReadUsers, "the response has no PagingInfo")
	}
	if pi.UserAccountTable != nil && pi.UserAccountTable.UserAccounts != nil {
		for _, a := range pi.UserAccountTable.UserAccounts.UserAccount {
			if a != nil {
				p.Items = append(p.Items, User{ID: a.UserId, Properties: fromExtended(a.PropertyTable)})
			}
		}
	}
	if pi.TotalItems != nil {
		p.Total = int(*pi.TotalItems)
	}
	// The next page: while the server's LastPage is beyond this one, or,
	// without a LastPage, while pages come full.
	current := page
	if pi.CurrentPage != nil && *pi.CurrentPage > 0 {
		current = int(*pi.CurrentPage)
	}
	switch {
	case len(p.Items) == 0:
	case pi.LastPage != nil && *pi.LastPage > 0:
		if current < int(*pi.LastPage) {
			p.Next = strconv.Itoa(current + 1)
		}
	case len(p.Items) >= size:
		p.Next = strconv.Itoa(current + 1)
	}
	key := ""
	if len(p.Items) > 0 {
		key = p.Items[0].ID + "\x00" + p.Items[len(p.Items)-1].ID
	}
	return p, key, nil
}

// UpdateUsersRequest is the UpdateUsersRequest message: the users Filter
// selects get Properties.
type UpdateUsersRequest struct {
	Organization string // OrganizationName; optional
	Scope        Scope  // not sent when empty
	// Filter selects the users to update. Required.
	Filter Filter
	// Properties are the updates, each with its operation. Required.
	Properties Properties
	// ReturnExistingValues asks for the values the users had before.
	ReturnExistingValues bool
	// ServerTimeLimit as in Query, but not sent when 0, as in the seed's
	// sample.
	ServerTimeLimit time.Duration
}

// UpdateUsers updates every user the filter selects (the seed's
// UpdateUsers). With ReturnExistingValues, it returns the users with the
// values they had before the update; otherwise nil.
func (c *Client) UpdateUsers(ctx context.Context, req UpdateUsersRequest) ([]User, error) {
	errs := req.Filter.check("Filter")
	errs = append(errs, field{"Organization", req.Organization, false}.check()...)
	errs = append(errs, checkScope(req.Scope)...)
	if len(req.Properties) == 0 {
		errs = append(errs, errors.New("Properties: no property to update"))
	}
	errs = append(errs, propErrors(req.Properties)...)
	if len(errs) > 0 {
		return nil, c.invalid(opUpdateUsers, "", errs)
	}
	rc := c.cfg.newRequestID()
	body := &um.UserManagerUpdateUsers{
		RequestContext:        rc,
		ServerTimeLimitInSecs: timeLimit(req.ServerTimeLimit, 0),
		OrganizationName:      req.Organization,
		Scope:                 scope(req.Scope),
		ReturnExistingValues:  req.ReturnExistingValues,
		UpdateUsersInfo:       &um.UpdateUsersInfo{FilterSet: req.Filter.wire(), PropertyTable: req.Properties.extended()},
	}
	out := &um.UserManagerUpdateUsersResponse{}
	if err := c.call(ctx, opUpdateUsers, rc, body, out); err != nil {
		return nil, err
	}
	if !req.ReturnExistingValues || out.UserAccountTable == nil || out.UserAccountTable.UserAccounts == nil {
		return nil, nil
	}
	var users []User
	for _, a := range out.UserAccountTable.UserAccounts.UserAccount {
		if a != nil {
			users = append(users, User{ID: a.UserId, Properties: fromExtended(a.PropertyTable)})
		}
	}
	return users, nil
}

// timeLimit returns ServerTimeLimitInSecs for d, or unset when d is 0: the
// seed's ReadUsers sample sends -1, its UpdateUsers sample nothing (0 is
// not sent).
func timeLimit(d time.Duration, unset int32) int32 {
	if d <= 0 {
		return unset
	}
	return int32(min(d/time.Second, 1<<31-1))
}

func scope(s Scope) *um.Scope {
	if s == "" {
		return nil
	}
	v := um.Scope(s)
	return &v
}

func checkScope(s Scope) []error {
	switch s {
	case "", ScopeBaseObject, ScopeSingleLevel, ScopeWholeTree:
		return nil
	}
	return []error{fmt.Errorf("Scope: %q is not baseObject, singleLevel or wholeTree", string(s))}
}
