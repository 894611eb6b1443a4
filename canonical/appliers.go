package canonical

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/ohris"
)

// The systems the appliers write to: the Entitlement.System of the grants
// each applies.
const (
	SystemHCM   = "hcm"
	SystemCMO   = "cmo"
	SystemCSF   = "csf"
	SystemOHRIS = "ohris"
)

// ErrUnsupported is the error an applier returns for an action its target
// has no call for (a group added to an existing CSF user through
// UserManager). The journal records the action failed; a person must do it,
// or another tool.
var ErrUnsupported = errors.New("canonical: the target has no call for this")

// The appliers live here, in the one package that knows both the plan and
// the systems: a system package never imports canonical.

// SCIMApplier writes back to Oracle HCM over SCIM what the entitlement
// system gave a person, as Oracle's integration guide does ("Updating
// HCM"): the user name and work e-mail (a create, reactivation or update
// patches the person's HCM user, found by person number, with what
// Mapping.Patch says differs) and roles ("hcm" grants and revokes of kind
// role, through /Roles members). HCM creates and ends its users itself: a
// deactivation changes nothing. A person whose HCM user does not exist yet
// (a hire dated in the future) fails with an error matching
// hcmscim.ErrNotFound; apply the plan again once HCM has the user.
type SCIMApplier struct {
	Client  *hcmscim.Client
	Mapping SCIM

	mu    sync.Mutex
	users map[string]string // person number → user id
	roles map[string]string // role code → role id
}

// Target returns "hcm".
func (s *SCIMApplier) Target() string { return SystemHCM }

// Apply applies one action.
func (s *SCIMApplier) Apply(ctx context.Context, a *Action) error {
	switch a.Op {
	case OpDeactivate:
		return nil
	case OpGrant, OpRevoke:
		if a.Grant.Kind != KindRole {
			return fmt.Errorf("%w: HCM's SCIM API grants roles, not a %s", ErrUnsupported, a.Grant.Kind)
		}
		uid, err := s.user(ctx, a.Key)
		if err != nil {
			return err
		}
		rid, err := s.role(ctx, a.Grant.ID)
		if err != nil {
			return err
		}
		if a.Op == OpGrant {
			return s.Client.AddRoleMembers(ctx, rid, uid)
		}
		return s.Client.RemoveRoleMembers(ctx, rid, uid)
	}
	uid, err := s.user(ctx, a.Key)
	if err != nil {
		return err
	}
	u, err := s.Client.GetUser(ctx, uid)
	if err != nil {
		return err
	}
	patch, ok := s.Mapping.Patch(&a.Person, u)
	if !ok {
		return nil
	}
	_, err = s.Client.PatchUser(ctx, uid, patch)
	return err
}

func (s *SCIMApplier) user(ctx context.Context, key string) (string, error) {
	return s.memo(&s.users, key, func() (string, error) {
		users, missing, err := s.Client.LookupPersonNumbers(ctx, []string{key})
		if err != nil {
			return "", err
		}
		if len(missing) > 0 {
			return "", fmt.Errorf("canonical: HCM has no user for person %s yet: %w", key, hcmscim.ErrNotFound)
		}
		return users[key].ID, nil
	})
}

func (s *SCIMApplier) role(ctx context.Context, code string) (string, error) {
	return s.memo(&s.roles, code, func() (string, error) {
		r, err := s.Client.FindRole(ctx, code)
		if err != nil {
			return "", err
		}
		return r.ID, nil
	})
}

// memo returns (*m)[key], calling fetch and keeping its answer when *m
// lacks it.
func (s *SCIMApplier) memo(m *map[string]string, key string, fetch func() (string, error)) (string, error) {
	s.mu.Lock()
	id, ok := (*m)[key]
	s.mu.Unlock()
	if ok {
		return id, nil
	}
	id, err := fetch()
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[key] = id
	return id, nil
}

// CMOApplier applies a plan to CMO Compliance through its HR import: an
// account action is the user Mapping.Users makes of it (ImportUsers for a
// create, UpdateUsers for the rest); a "cmo" grant or revoke of kind role
// sets the user's UserRole (a revoke puts back Mapping.UserRole, as CMO
// needs a role); of kind group or training (CMO assigns its courses to user
// groups) sets UserGroup to the person's groups and the "cmo" groups and
// trainings of their access. Each record's own result counts: a record
// CMO did not save fails the action with its *cmo.RecordError.
type CMOApplier struct {
	Client  *cmo.Client
	Mapping *CMO
	// People are HR's persons, whose logins name the managers (as for
	// CMO.Users).
	People []Person
}

// Target returns "cmo".
func (c *CMOApplier) Target() string { return SystemCMO }

// Apply applies one action.
func (c *CMOApplier) Apply(ctx context.Context, a *Action) error {
	var u cmo.User
	send := c.Client.UpdateUsers
	switch a.Op {
	case OpGrant, OpRevoke:
		u = cmo.User{LoginName: c.Mapping.login(&a.Person)}
		switch a.Grant.Kind {
		case KindRole:
			role := a.Grant.ID
			if a.Op == OpRevoke {
				if c.Mapping.UserRole == "" || c.Mapping.UserRole == role {
					return fmt.Errorf("%w: a CMO user needs a role, and there is none to put back in place of %s", ErrUnsupported, role)
				}
				role = c.Mapping.UserRole
			}
			u.UserRole = cmo.Some(role)
		case KindGroup, KindTraining:
			groups := slices.Clone(a.Person.Groups)
			for _, g := range AccessOf(a.Person.Access, SystemCMO) {
				if (g.Kind == KindGroup || g.Kind == KindTraining) && !(a.Op == OpRevoke && g.ID == a.Grant.ID) {
					groups = append(groups, g.ID)
				}
			}
			slices.Sort(groups)
			u.UserGroups = cmo.Some(slices.Compact(groups))
		default:
			return fmt.Errorf("%w: CMO has roles and user groups, not a %s", ErrUnsupported, a.Grant.Kind)
		}
	default:
		creates, updates, err := c.Mapping.Users(&ActionPlan{Actions: []Action{*a}}, c.People)
		if err != nil {
			return err
		}
		if len(creates) > 0 {
			u, send = creates[0], c.Client.ImportUsers
		} else {
			u = updates[0]
		}
	}
	res, err := send(ctx, []cmo.User{u})
	if err != nil {
		return err
	}
	if len(res.Records) > 0 && res.Records[0].Err != nil {
		return res.Records[0].Err
	}
	return res.Err()
}

// CSFApplier applies a plan to a CSF Identity Manager directory through
// UserManager: a create or reactivation is EnsureUser (safe to repeat) with
// the person's groups and "csf" groups of their access, an update is
// UpdateUser, a deactivation DeleteUser (UserManager cannot switch a user
// off; a user already gone is no error).
//
// UserManager gives a user groups only when it creates them: UpdateUser
// carries none, and group membership is UserGroupManager's, a service
// package csf does not speak. So a grant of a group checks the user is a
// member (as they are when the grant came with their creation) and fails
// with ErrUnsupported otherwise; a revoke checks the user is not, or is
// gone, and for a leaver (the action's person not employed on its date)
// deletes the user, the one way UserManager has to take a group away. The
// failed ones are in the journal for a person to do.
type CSFApplier struct {
	Client  *csf.Client
	Mapping *CSF
	// Password returns the initial password of a user to create.
	Password func(p *Person) string
}

// Target returns "csf".
func (c *CSFApplier) Target() string { return SystemCSF }

// Apply applies one action.
func (c *CSFApplier) Apply(ctx context.Context, a *Action) error {
	p := &a.Person
	login := c.Mapping.Login(p)
	switch a.Op {
	case OpCreate, OpReactivate:
		req := c.Mapping.CreateRequest(p, c.Password(p))
		for _, g := range AccessOf(p.Access, SystemCSF) {
			if g.Kind == KindGroup && !slices.Contains(req.Groups, g.ID) {
				req.Groups = append(slices.Clip(req.Groups), g.ID)
			}
		}
		_, err := c.Client.EnsureUser(ctx, req)
		return err
	case OpUpdate:
		return c.Client.UpdateUser(ctx, login, c.Mapping.Properties(p))
	case OpDeactivate:
		err := c.Client.DeleteUser(ctx, login)
		if errors.Is(err, csf.ErrUserNotFound) {
			return nil
		}
		return err
	}
	if a.Grant.Kind != KindGroup {
		return fmt.Errorf("%w: CSF's UserManager holds groups, not a %s", ErrUnsupported, a.Grant.Kind)
	}
	if a.Op == OpRevoke && !employed(p, a.Date) {
		// A leaver: deleting the user is UserManager's one way to take a
		// group away, and what the deactivation that follows does anyway.
		return c.Apply(ctx, &Action{Op: OpDeactivate, Key: a.Key, Date: a.Date, Person: a.Person})
	}
	in, err := c.Client.UserInGroup(ctx, login, a.Grant.ID)
	switch {
	case a.Op == OpRevoke && errors.Is(err, csf.ErrUserNotFound):
		return nil
	case err != nil:
		return err
	case in == (a.Op == OpGrant):
		return nil
	case a.Op == OpGrant:
		return fmt.Errorf("%w: UserManager cannot add user %s to group %s after creating the user (UserGroupManager can)", ErrUnsupported, login, a.Grant.ID)
	}
	return fmt.Errorf("%w: UserManager cannot take user %s out of group %s (UserGroupManager can)", ErrUnsupported, login, a.Grant.ID)
}

// OHRISApplier applies a plan to oHRis, which takes the whole HR picture as
// one file a day: the first action delivers the day's user flux file, made
// of People, over SFTP, and every action is done by it (oHRis's connector
// applies the file). An "ohris" grant of kind application is a module (see
// OHRIS.Modules). Delivering the day's file again replaces it, so a
// re-apply after a crash is harmless.
type OHRISApplier struct {
	Client  *ohris.Client
	Mapping *OHRIS
	Env     ohris.Env
	Date    ohris.Date
	People  []Person
	Params  ohris.WriteParams

	mu        sync.Mutex
	delivered bool
	// Report is the delivery's report, once delivered.
	Report *ohris.Report
}

// Target returns "ohris".
func (o *OHRISApplier) Target() string { return SystemOHRIS }

// Apply delivers the day's file, once.
func (o *OHRISApplier) Apply(ctx context.Context, a *Action) error {
	if a.Grant != nil && a.Grant.Kind != KindApplication {
		return fmt.Errorf("%w: oHRis grants modules (applications), not a %s", ErrUnsupported, a.Grant.Kind)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.delivered {
		return nil
	}
	users, err := o.Mapping.ToUsers(o.People)
	if err != nil {
		return err
	}
	rep, err := o.Client.Deliver(ctx, o.Env, o.Date, ohris.Users(users), o.Params)
	if err != nil {
		return err
	}
	o.delivered, o.Report = true, rep
	return nil
}
