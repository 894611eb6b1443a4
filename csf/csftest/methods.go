package csftest

import (
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/csf"
	um "github.com/hrbridge/hrbridge/csf/internal/usermanager"
)

// gate returns the code a call gets before it is served: 30021 without the
// credentials, a code pushed with PushResult, or 0. s.mu is held.
func (s *Server) gate(c *call) int {
	if !c.authorized {
		return csf.CodeCredentials
	}
	if code, ok := s.takeResult(c.op); ok {
		return code
	}
	return 0
}

func result(rc string, code int) *um.Result {
	c := int32(code)
	return &um.Result{RequestContext: rc, ResultCode: &c, ResultMessage: message(code)}
}

func result21(rc string, code int) *um.Result21 {
	r := result(rc, code)
	return &um.Result21{RequestContext: r.RequestContext, ResultCode: r.ResultCode, ResultMessage: r.ResultMessage}
}

// message is the ResultMessage of a code: the seed's description, as its
// tables word it.
func message(code int) string {
	switch code {
	case 0:
		return "Success"
	case csf.CodeValidation:
		return "Input message validation failed"
	case csf.CodeSystem:
		return "Unexpected system exception encountered"
	case csf.CodeUserExists:
		return "User already exists"
	case csf.CodeGroupNotFound:
		return "Group does not exist"
	case csf.CodeUserNotFound:
		return "User does not exist"
	case csf.CodeBadSuffix:
		return "Invalid suffix for the organization"
	case csf.CodeOrganizationAbsent:
		return "Organization does not exist"
	case csf.CodeCredentials:
		return "Message header does not contain proper credential"
	case csf.CodeDomainController:
		return "Domain controller is not reachable"
	}
	return ""
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// handle decodes a request into a new T and calls do with the server's lock
// held and the code the call gets before it is served (see gate); do
// returns the response.
func handle[T any](s *Server, c *call, do func(in *T, code int) any) (any, error) {
	in := new(T)
	if err := c.decode(in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return do(in, s.gate(c)), nil
}

func (s *Server) create(c *call) (any, error) {
	return handle(s, c, func(in *um.UserManagerCreate, code int) any {
		if code == 0 {
			code = s.doCreate(in)
		}
		return &um.UserManagerCreateResponse{Result: result(in.RequestContext, code)}
	})
}

func (s *Server) doCreate(in *um.UserManagerCreate) int {
	if in.UserAccount == nil || blank(in.UserAccount.UserId) || blank(in.OrganizationId) || in.Password == "" {
		return csf.CodeValidation
	}
	o, ok := s.orgs[strings.ToLower(in.OrganizationId)]
	if !ok {
		return csf.CodeOrganizationAbsent
	}
	id := in.UserAccount.UserId
	if at := strings.LastIndexByte(id, '@'); at >= 0 && !slices.Contains(o.suffixes, strings.ToLower(id[at+1:])) {
		return csf.CodeBadSuffix
	}
	if _, ok := s.users[strings.ToLower(id)]; ok {
		return csf.CodeUserExists
	}
	var groups []string
	if in.Groups != nil {
		for _, g := range in.Groups.Astring {
			name, ok := s.groups[strings.ToLower(g)]
			if !ok {
				return csf.CodeGroupNotFound
			}
			groups = append(groups, name)
		}
	}
	u := &User{ID: id, UserName: in.UserName, Organization: o.name, Password: in.Password, Groups: groups}
	applyTable(u, in.UserAccount.PropertyTable)
	s.putUser(u)
	return 0
}

func (s *Server) delete(c *call) (any, error) {
	return handle(s, c, func(in *um.UserManagerDelete, code int) any {
		if code == 0 {
			code = s.find(in.UserId)
			if code == 0 {
				k := strings.ToLower(in.UserId)
				delete(s.users, k)
				s.order = slices.DeleteFunc(s.order, func(x string) bool { return x == k })
			}
		}
		return &um.UserManagerDeleteResponse{Result: result(in.RequestContext, code)}
	})
}

// find returns 30000 for an empty UserId, 30011 for one that does not
// exist, else 0. s.mu is held.
func (s *Server) find(id string) int {
	if blank(id) {
		return csf.CodeValidation
	}
	if _, ok := s.users[strings.ToLower(id)]; !ok {
		return csf.CodeUserNotFound
	}
	return 0
}

// contextOf returns the RequestContext of a ReadUser or UpdateUser request:
// inside UserAccount, where the seed's samples put it.
func contextOf(a *um.UserAccount) string {
	if a == nil {
		return ""
	}
	return a.RequestContext
}

func (s *Server) read(c *call) (any, error) {
	return handle(s, c, func(in *um.UserManagerRead, code int) any {
		rc := contextOf(in.UserAccount)
		out := &um.UserManagerReadResponse{}
		if code == 0 && in.UserAccount == nil {
			code = csf.CodeValidation
		}
		if code == 0 {
			code = s.find(in.UserAccount.UserId)
		}
		if code == 0 {
			u := s.users[strings.ToLower(in.UserAccount.UserId)]
			var names []string
			if t := in.UserAccount.PropertyTable; t != nil && t.Properties != nil {
				for _, e := range t.Properties.PropertyElement {
					names = append(names, e.Name)
				}
			}
			// The seed: "The properties of the user specified will be filled
			// out": those named, or every one when none is.
			arr := &um.ArrayOfPropertyElement{}
			for _, p := range u.selected(names) {
				if len(p.Values) == 0 {
					arr.PropertyElement = append(arr.PropertyElement, &um.PropertyElement{Name: p.Name})
				}
				for _, v := range p.Values {
					arr.PropertyElement = append(arr.PropertyElement, &um.PropertyElement{Name: p.Name, Value: v})
				}
			}
			out.UserAccount = &um.UserAccount{UserId: u.ID, PropertyTable: &um.PropertyTable{Properties: arr}}
		}
		out.Result = result(rc, code)
		return out
	})
}

func (s *Server) update(c *call) (any, error) {
	return handle(s, c, func(in *um.UserManagerUpdate, code int) any {
		if code == 0 && in.UserAccount == nil {
			code = csf.CodeValidation
		}
		if code == 0 {
			code = s.find(in.UserAccount.UserId)
		}
		if code == 0 {
			applyTable(s.users[strings.ToLower(in.UserAccount.UserId)], in.UserAccount.PropertyTable)
		}
		return &um.UserManagerUpdateResponse{Result: result(contextOf(in.UserAccount), code)}
	})
}

func (s *Server) inGroup(c *call) (any, error) {
	return handle(s, c, func(in *um.UserManagerInGroup, code int) any {
		out := &um.UserManagerInGroupResponse{}
		if code == 0 && blank(in.GroupName) {
			code = csf.CodeValidation
		}
		if code == 0 {
			code = s.find(in.UserId)
		}
		if _, ok := s.groups[strings.ToLower(in.GroupName)]; code == 0 && !ok {
			code = csf.CodeGroupNotFound
		}
		if code == 0 {
			u := s.users[strings.ToLower(in.UserId)]
			member := slices.ContainsFunc(u.Groups, func(g string) bool { return strings.EqualFold(g, in.GroupName) })
			out.IsInGroup = &member
		}
		out.Result = result(in.RequestContext, code)
		return out
	})
}

// byName finds the user a password call names: by UserId, else by
// UserName. s.mu is held.
func (s *Server) byName(name string) *User {
	if u, ok := s.users[strings.ToLower(name)]; ok {
		return u
	}
	for _, k := range s.order {
		if u := s.users[k]; u.UserName != "" && strings.EqualFold(u.UserName, name) {
			return u
		}
	}
	return nil
}

// checkOrg returns 30015 for an organisation given that does not exist.
func (s *Server) checkOrg(name string) int {
	if _, ok := s.orgs[strings.ToLower(name)]; name != "" && !ok {
		return csf.CodeOrganizationAbsent
	}
	return 0
}

func (s *Server) updatePassword(c *call) (any, error) {
	return handle(s, c, func(in *um.UserManagerUpdatePassword, code int) any {
		i := in.UpdatePasswordInfo
		if code == 0 && i == nil {
			code = csf.CodeValidation
		}
		if code == 0 {
			code = s.setPassword(in.OrganizationName, i.UserName, &i.OldPassword, i.NewPassword)
		}
		return &um.UserManagerUpdatePasswordResponse{Result21: result21(in.RequestContext, code)}
	})
}

func (s *Server) resetPassword(c *call) (any, error) {
	return handle(s, c, func(in *um.UserManagerSetPassword, code int) any {
		i := in.SetPasswordInfo
		if code == 0 && i == nil {
			code = csf.CodeValidation
		}
		if code == 0 {
			code = s.setPassword(in.OrganizationName, i.UserName, nil, i.Password)
		}
		return &um.UserManagerSetPasswordResponse{Result21: result21(in.RequestContext, code)}
	})
}

// setPassword sets the password of the user named, checking the old one when
// given. The seed lists no "user does not exist" for the password methods:
// an unknown user, like a wrong old password, fails validation. s.mu is
// held.
func (s *Server) setPassword(org, name string, old *string, pw string) int {
	if code := s.checkOrg(org); code != 0 {
		return code
	}
	if blank(name) || pw == "" {
		return csf.CodeValidation
	}
	u := s.byName(name)
	if u == nil || old != nil && u.Password != *old {
		return csf.CodeValidation
	}
	u.Password = pw
	return 0
}

// selection returns the users of org (all when empty) that f selects in
// scope, in creation order. s.mu is held.
func (s *Server) selection(orgName string, scope *um.Scope, fs *um.FilterSet) ([]*User, int) {
	if code := s.checkOrg(orgName); code != 0 {
		return nil, code
	}
	if fs == nil || fs.Filters == nil {
		return nil, csf.CodeValidation
	}
	if scope != nil {
		switch *scope {
		case um.ScopeBaseObject:
			// The base object is the organisation: no user.
			return nil, 0
		case um.ScopeSingleLevel, um.ScopeWholeTree:
		default:
			return nil, csf.CodeValidation
		}
	}
	var out []*User
	for _, k := range s.order {
		u := s.users[k]
		if orgName != "" && !strings.EqualFold(u.Organization, orgName) {
			continue
		}
		ok, valid := matchFilters(u, fs.Filters)
		if !valid {
			return nil, csf.CodeValidation
		}
		if ok {
			out = append(out, u)
		}
	}
	return out, 0
}

func (s *Server) readUsers(c *call) (any, error) {
	return handle(s, c, func(in *um.UserManagerReadUsers, code int) any {
		out := &um.UserManagerReadUsersResponse{}
		pi := in.PagingInfo
		if code == 0 && (pi == nil || pi.PageSize == nil || *pi.PageSize < 1) {
			code = csf.CodeValidation
		}
		var users []*User
		if code == 0 {
			users, code = s.selection(in.OrganizationName, in.Scope, pi.FilterSet)
		}
		if code == 0 {
			size := int(*pi.PageSize)
			page := 1
			if pi.CurrentPage != nil && *pi.CurrentPage > 1 {
				page = int(*pi.CurrentPage)
			}
			total := len(users)
			last := max((total+size-1)/size, 1)
			from, to := min((page-1)*size, total), min(page*size, total)
			names := propertyNames(pi.PropertyTable)
			accounts := &um.ArrayOfUserAccount{}
			for _, u := range users[from:to] {
				accounts.UserAccount = append(accounts.UserAccount, extendedAccount(u, u.selected(names)))
			}
			first, lastItem := int32(0), int32(0)
			if to > from {
				first, lastItem = int32(from+1), int32(to)
			}
			cur, lp, sz, tot, no := int32(page), int32(last), int32(size), int32(total), false
			out.PagingInfo = &um.PagingInfo{
				CurrentPage: &cur, LastPage: &lp, PageSize: &sz, PageIsVolatile: &no,
				FilterSet: pi.FilterSet, FirstItem: &first, LastItem: &lastItem, TotalItems: &tot,
				UserAccountTable: &um.UserAccountTable{UserAccounts: accounts},
				PropertyTable:    pi.PropertyTable,
			}
		}
		out.Result21 = result21(in.RequestContext, code)
		return out
	})
}

func (s *Server) updateUsers(c *call) (any, error) {
	return handle(s, c, func(in *um.UserManagerUpdateUsers, code int) any {
		out := &um.UserManagerUpdateUsersResponse{}
		info := in.UpdateUsersInfo
		if code == 0 && (info == nil || info.PropertyTable == nil || info.PropertyTable.Properties == nil || len(info.PropertyTable.Properties.Property) == 0) {
			code = csf.CodeValidation
		}
		var users []*User
		if code == 0 {
			users, code = s.selection(in.OrganizationName, in.Scope, info.FilterSet)
		}
		if code == 0 && len(users) == 0 {
			// The seed lists 30011 for UpdateUsers: taken as "no user matched".
			code = csf.CodeUserNotFound
		}
		if code == 0 {
			names := propertyNames(info.PropertyTable)
			accounts := &um.ArrayOfUserAccount{}
			for _, u := range users {
				if in.ReturnExistingValues {
					accounts.UserAccount = append(accounts.UserAccount, extendedAccount(u, u.selected(names)))
				}
				for _, p := range info.PropertyTable.Properties.Property {
					var vals []string
					if p.Values != nil {
						vals = p.Values.Value
					}
					op := csf.OverWrite
					if p.OperationType != nil {
						op = csf.Operation(*p.OperationType)
					}
					apply(u, p.Name, op, vals)
				}
			}
			if in.ReturnExistingValues {
				out.UserAccountTable = &um.UserAccountTable{UserAccounts: accounts}
			}
		}
		out.Result21 = result21(in.RequestContext, code)
		return out
	})
}

func propertyNames(t *um.PropertyTableExtended) []string {
	if t == nil || t.Properties == nil {
		return nil
	}
	var names []string
	for _, p := range t.Properties.Property {
		names = append(names, p.Name)
	}
	return names
}

func extendedAccount(u *User, props csf.Properties) *um.UserAccountExtended {
	arr := &um.ArrayOfPropertyElementExtended{}
	for _, p := range props {
		op := um.OperationTypeOverWrite
		arr.Property = append(arr.Property, &um.PropertyElementExtended{Name: p.Name, Values: &um.ArrayOfValue{Value: p.Values}, OperationType: &op})
	}
	return &um.UserAccountExtended{UserId: u.ID, PropertyTable: &um.PropertyTableExtended{Properties: arr}}
}
