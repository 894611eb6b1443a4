package hcmscim

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/internal/apierr"
)

// User is a SCIM User resource with Oracle's faUser extension.
type User struct {
	ID                string     `json:"id,omitempty"`
	Schemas           []string   `json:"schemas,omitempty"`
	Meta              Meta       `json:"meta,omitzero"`
	UserName          string     `json:"userName,omitempty"`
	Name              Name       `json:"name,omitzero"`
	DisplayName       string     `json:"displayName,omitempty"`
	PreferredLanguage string     `json:"preferredLanguage,omitempty"`
	Active            Opt[bool]  `json:"active,omitzero"`
	Password          string     `json:"password,omitempty"` // write only: never returned
	Emails            []Email    `json:"emails,omitempty"`
	Roles             []UserRole `json:"roles,omitempty"`
	FA                FAUser     `json:"urn:scim:schemas:extension:fa:2.0:faUser,omitzero"`
}

// Name is a user's name.
type Name struct {
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
	MiddleName string `json:"middleName,omitempty"`
	Formatted  string `json:"formatted,omitempty"`
}

// Email is an e-mail address of a user. Oracle types a work address "W".
type Email struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// EmailTypeWork is the type Oracle gives a work e-mail address; RFC 7643
// servers use "work".
const EmailTypeWork = "W"

// WorkEmail returns addr as the primary work address, as Oracle's
// integration guide writes it: {"value": addr, "type": "W", "primary": true}.
func WorkEmail(addr string) Email { return Email{Value: addr, Type: EmailTypeWork, Primary: true} }

// UserRole is a role a user holds, as listed on the user. Oracle's items
// carry id, value, displayName and description; RFC 7643's carry value and
// display, read into DisplayName.
type UserRole struct {
	ID          string `json:"id,omitempty"`
	Value       string `json:"value,omitempty"` // the role code, e.g. ORA_PER_EMPLOYEE_ABSTRACT
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
}

// UnmarshalJSON reads a role item of either dialect.
func (r *UserRole) UnmarshalJSON(b []byte) error {
	type plain UserRole
	var v struct {
		plain
		Display string `json:"display"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = UserRole(v.plain)
	if r.DisplayName == "" {
		r.DisplayName = v.Display
	}
	return nil
}

// FAUser is Oracle's extension urn:scim:schemas:extension:fa:2.0:faUser.
// Its field names come from Oracle's samples and public client code; Oracle
// publishes no schema for it.
type FAUser struct {
	WorkerInformation WorkerInformation `json:"workerInformation,omitzero"`
	// UserCategory is the user's category; Oracle assigns "DEFAULT" when
	// none is given.
	UserCategory string `json:"userCategory,omitempty"`
	AccountType  string `json:"accountType,omitempty"` // e.g. "Person"
}

// WorkerInformation links a user to the HCM person. Oracle writes a missing
// value as the string "null"; it is read as "".
type WorkerInformation struct {
	PersonNumber string `json:"personNumber,omitempty"`
	Manager      string `json:"manager,omitempty"`
	Job          string `json:"job,omitempty"`
	BusinessUnit string `json:"businessUnit,omitempty"`
	Department   string `json:"department,omitempty"`
}

// UnmarshalJSON reads the object, turning Oracle's "null" strings into "".
func (w *WorkerInformation) UnmarshalJSON(b []byte) error {
	type plain WorkerInformation
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	for _, f := range []*string{&p.PersonNumber, &p.Manager, &p.Job, &p.BusinessUnit, &p.Department} {
		if *f == "null" {
			*f = ""
		}
	}
	*w = WorkerInformation(p)
	return nil
}

// Meta is a resource's metadata.
type Meta struct {
	ResourceType string    `json:"resourceType,omitempty"`
	Location     string    `json:"location,omitempty"`
	Created      time.Time `json:"created,omitzero"`
	LastModified time.Time `json:"lastModified,omitzero"`
	Version      string    `json:"version,omitempty"`
}

// UnmarshalJSON reads Oracle's "2023-06-30 18:05:51.000" timestamps as well
// as RFC 3339 ones.
func (m *Meta) UnmarshalJSON(b []byte) error {
	var raw struct {
		ResourceType string `json:"resourceType"`
		Location     string `json:"location"`
		Created      string `json:"created"`
		LastModified string `json:"lastModified"`
		Version      string `json:"version"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	created, err := ParseTime(raw.Created)
	if err != nil {
		return fmt.Errorf("meta.created: %w", err)
	}
	modified, err := ParseTime(raw.LastModified)
	if err != nil {
		return fmt.Errorf("meta.lastModified: %w", err)
	}
	*m = Meta{ResourceType: raw.ResourceType, Location: raw.Location, Created: created, LastModified: modified, Version: raw.Version}
	return nil
}

// TimeLayout is the layout of Oracle's SCIM timestamps (Java's
// "yyyy-MM-dd HH:mm:ss.SSS").
const TimeLayout = "2006-01-02 15:04:05.000"

// ParseTime reads a SCIM timestamp: Oracle's "2023-06-30 18:05:51.000"
// (with or without the milliseconds), which names no zone and is read as
// UTC, or RFC 3339. The empty string gives the zero time.
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{TimeLayout, "2006-01-02 15:04:05", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither yyyy-MM-dd HH:mm:ss.SSS nor RFC 3339", apierr.Snippet(s))
}

// UserPatch is a change to a user: only the fields given are sent, as
// Oracle's PATCH takes a partial resource.
type UserPatch struct {
	UserName    Opt[string]
	DisplayName Opt[string]
	Name        Opt[Name]
	// Emails sets the addresses of the types given and keeps the user's
	// addresses of other types; every address needs a Type. In RFC 7644's
	// dialect the request says exactly that: a PatchOp "remove" of
	// emails[type eq "<type>"] for each type given, then an "add" of the
	// addresses. Oracle's dialect has no such form: the body is the partial
	// resource of Oracle's "Update User Email" example, {"emails": [...]},
	// which Oracle applies per type (one address per type; its example
	// sends the work address alone). A server that reads it as the whole
	// list drops the other types: speak DialectStandard to such a server.
	// See docs/hcmscim.md.
	Emails   Opt[[]Email]
	Active   Opt[bool]
	Password Opt[string]
}

// userFields is the body of a partial user, without schemas.
type userFields struct {
	UserName    Opt[string]  `json:"userName,omitzero"`
	DisplayName Opt[string]  `json:"displayName,omitzero"`
	Name        Opt[Name]    `json:"name,omitzero"`
	Emails      Opt[[]Email] `json:"emails,omitzero"`
	Active      Opt[bool]    `json:"active,omitzero"`
	Password    Opt[string]  `json:"password,omitzero"`
}

// check lists what is wrong with p; who names the user for the messages.
func (p UserPatch) check(who string, pr *problems) {
	if !p.UserName.IsSet() && !p.DisplayName.IsSet() && !p.Name.IsSet() && !p.Emails.IsSet() && !p.Active.IsSet() && !p.Password.IsSet() {
		pr.add("%s: the patch changes nothing", who)
	}
	if v, ok := p.UserName.Get(); ok && strings.TrimSpace(v) == "" {
		pr.add("%s: userName is empty", who)
	}
	if v, ok := p.Password.Get(); ok && v == "" {
		pr.add("%s: password is empty", who)
	}
	if es, ok := p.Emails.Get(); ok {
		if len(es) == 0 {
			pr.add("%s: emails is empty: a patch sets the addresses of the types it gives", who)
		}
		for i, e := range es {
			if e.Type == "" {
				pr.add("%s: emails[%d].type is empty: a patch sets the addresses of the types it gives", who, i)
			}
		}
		checkEmails(who, es, pr)
	}
}

func checkEmails(who string, emails []Email, pr *problems) {
	for i, e := range emails {
		if !strings.Contains(e.Value, "@") {
			pr.add("%s: emails[%d].value %q is not an e-mail address", who, i, e.Value)
		}
	}
}

// secrets returns the password p sets, if any.
func (p UserPatch) secrets() []string {
	if v, ok := p.Password.Get(); ok {
		return []string{v}
	}
	return nil
}

// body returns the PATCH body of p in dialect d: a partial resource for
// Oracle, a PatchOp replacing the given attributes for RFC 7644.
func (p UserPatch) body(d Dialect) any {
	f := userFields(p)
	if d == DialectStandard {
		op := patchOp{Schemas: []string{PatchOpSchema}}
		emails, setEmails := f.Emails.Get()
		f.Emails = Opt[[]Email]{}
		if f.UserName.IsSet() || f.DisplayName.IsSet() || f.Name.IsSet() || f.Active.IsSet() || f.Password.IsSet() {
			op.Operations = append(op.Operations, patchOperation{Op: "replace", Value: f})
		}
		if setEmails {
			var types []string
			for _, e := range emails {
				if !slices.Contains(types, e.Type) {
					types = append(types, e.Type)
					op.Operations = append(op.Operations, patchOperation{Op: "remove", Path: "emails[" + Eq("type", e.Type).String() + "]"})
				}
			}
			op.Operations = append(op.Operations, patchOperation{Op: "add", Path: "emails", Value: emails})
		}
		return op
	}
	return struct {
		Schemas []string `json:"schemas"`
		userFields
	}{userSchemas(d, false), f}
}

// patchOp is an RFC 7644 PATCH message.
type patchOp struct {
	Schemas    []string         `json:"schemas"`
	Operations []patchOperation `json:"Operations"`
}

type patchOperation struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// idPath returns the path of the resource id under kind ("Users",
// "Roles"), refusing ids that could reach another resource.
func idPath(kind, id string) (string, error) {
	if !validID(id) {
		return "", &ValidationError{Problems: []string{fmt.Sprintf("%s id %q is not a resource id", strings.TrimSuffix(kind, "s"), id)}}
	}
	return kind + "/" + url.PathEscape(id), nil
}

// validID reports whether id can name a resource in a path.
func validID(id string) bool {
	return id != "" && id != "." && id != ".." && !strings.ContainsAny(id, "/?#\\")
}

func (u User) resourceID() string { return u.ID }

// Users yields the users q selects, page after page as the caller ranges.
// A server that sends a page again stops the list with an error wrapping
// ErrRepeatedPage. Source: GET /hcmRestApi/scim/Users.
func (c *Client) Users(ctx context.Context, q Query) iter.Seq2[User, error] {
	return listAll[User](ctx, c, "Users", "Users", q)
}

// UsersPage returns the page of the users q selects that next names: ""
// for the first page, else the Next of the page before.
func (c *Client) UsersPage(ctx context.Context, q Query, next string) (*Page[User], error) {
	return listPage[User](ctx, c, "UsersPage", "Users", q, next)
}

// GetUser returns the user with the given id. Source: GET
// /hcmRestApi/scim/Users/{id}.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	return get[User](ctx, c, "GetUser", "Users", id)
}

// get reads the resource id of kind ("Users", "Roles").
func get[T any](ctx context.Context, c *Client, op, kind, id string) (*T, error) {
	p, err := idPath(kind, id)
	if err != nil {
		return nil, err
	}
	d, err := c.Dialect(ctx)
	if err != nil {
		return nil, err
	}
	var v T
	if _, err := c.do(ctx, d, request{op: op, method: http.MethodGet, path: p}, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// CreateUser creates a user and returns it as the server stored it. The
// schemas are set for the client's dialect. Source: POST
// /hcmRestApi/scim/Users.
func (c *Client) CreateUser(ctx context.Context, u User) (*User, error) {
	var pr problems
	who := fmt.Sprintf("user %q", u.UserName)
	if strings.TrimSpace(u.UserName) == "" {
		pr.add("new user: userName is empty")
	}
	if u.ID != "" {
		pr.add("%s: id is set by the server", who)
	}
	checkEmails(who, u.Emails, &pr)
	if err := pr.err(); err != nil {
		return nil, err
	}
	d, err := c.Dialect(ctx)
	if err != nil {
		return nil, err
	}
	u.Schemas = userSchemas(d, u.FA != (FAUser{}))
	u.Meta = Meta{}
	var out User
	if _, err := c.do(ctx, d, request{op: "CreateUser", method: http.MethodPost, path: "Users", body: u, secrets: []string{u.Password}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// PatchUser changes the fields p gives and returns the user as the server
// answers it (a server answering 204 gives back only the id). Source: PATCH
// /hcmRestApi/scim/Users/{id} ("Update User Username", "Update User Email").
func (c *Client) PatchUser(ctx context.Context, id string, p UserPatch) (*User, error) {
	path, err := idPath("Users", id)
	if err != nil {
		return nil, err
	}
	var pr problems
	p.check(fmt.Sprintf("user %s", id), &pr)
	if err := pr.err(); err != nil {
		return nil, err
	}
	d, err := c.Dialect(ctx)
	if err != nil {
		return nil, err
	}
	var out User
	status, err := c.do(ctx, d, request{op: "PatchUser", method: http.MethodPatch, path: path, body: p.body(d),
		// Setting values again is harmless, but a password sent twice may
		// be refused as reused: a password change is not retried.
		idempotent: !p.Password.IsSet(), secrets: p.secrets()}, &out)
	if err != nil {
		return nil, err
	}
	if status == http.StatusNoContent {
		out = User{ID: id}
	}
	return &out, nil
}
