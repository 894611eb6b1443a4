package hcmscimtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/internal/scimfilter"
)

func (s *Server) patchUser(id string, body []byte) (int, any, string, *scimError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.patchUserLocked(id, body)
}

// patchUserLocked applies a PATCH: in Oracle's dialect a partial resource
// whose attributes replace the user's; in RFC 7644's a PatchOp. Every
// change is checked before any is applied.
func (s *Server) patchUserLocked(id string, body []byte) (int, any, string, *scimError) {
	rec, ok := s.st.users[id]
	if !ok {
		return 0, nil, "", errorf(http.StatusNotFound, "", "user %s not found", id)
	}
	fields, serr := object(body)
	if serr != nil {
		return 0, nil, "", serr
	}
	next := *rec
	next.u.Emails = slices.Clone(rec.u.Emails)
	if s.dialect == hcmscim.DialectStandard {
		serr = s.applyPatchOp(&next, fields, body)
	} else {
		if serr = s.checkSchemas(fields, s.coreURN()); serr == nil {
			serr = s.applyPartial(&next, fields, mergeEmails)
		}
	}
	if serr != nil {
		return 0, nil, "", serr
	}
	if !strings.EqualFold(next.u.UserName, rec.u.UserName) {
		if _, taken := s.st.byName[strings.ToLower(next.u.UserName)]; taken {
			return 0, nil, "", errorf(http.StatusConflict, "uniqueness", "userName %q is already taken", next.u.UserName)
		}
		delete(s.st.byName, strings.ToLower(rec.u.UserName))
		s.st.byName[strings.ToLower(next.u.UserName)] = id
	}
	next.u.Meta.LastModified = s.now().UTC().Truncate(1e6)
	*rec = next
	return http.StatusOK, s.renderUser(rec, nil), "", nil
}

type emailMode int

const (
	mergeEmails   emailMode = iota // replace the address of each type given, keep the others
	replaceEmails                  // replace the whole list
)

// applyPartial applies the attributes of a partial user to rec.
func (s *Server) applyPartial(rec *userRec, fields map[string]json.RawMessage, mode emailMode) *scimError {
	for k, raw := range fields {
		var err error
		switch k {
		case "schemas", "id", "meta":
			// schemas checked by the caller; id and meta are read-only and
			// ignored, as RFC 7643 says.
		case "username":
			var v string
			if err = json.Unmarshal(raw, &v); err == nil && strings.TrimSpace(v) == "" {
				return errorf(http.StatusBadRequest, "invalidValue", "userName must not be empty")
			}
			rec.u.UserName = v
		case "displayname":
			err = json.Unmarshal(raw, &rec.u.DisplayName)
		case "preferredlanguage":
			err = json.Unmarshal(raw, &rec.u.PreferredLanguage)
		case "name":
			var n hcmscim.Name
			if err = json.Unmarshal(raw, &n); err == nil {
				rec.u.Name = n
			}
		case "active":
			var v bool
			if err = json.Unmarshal(raw, &v); err == nil {
				rec.u.Active = hcmscim.Some(v)
			}
		case "password":
			var v string
			if err = json.Unmarshal(raw, &v); err == nil && v == "" {
				return errorf(http.StatusBadRequest, "invalidValue", "password must not be empty")
			}
			rec.password = v
		case "emails":
			var es []hcmscim.Email
			if err = json.Unmarshal(raw, &es); err != nil {
				break
			}
			for i, e := range es {
				if !strings.Contains(e.Value, "@") {
					return errorf(http.StatusBadRequest, "invalidValue", "emails[%d].value %q is not an e-mail address", i, e.Value)
				}
			}
			if mode == replaceEmails {
				rec.u.Emails = es
			} else {
				rec.u.Emails = merge(rec.u.Emails, es)
			}
		case strings.ToLower(hcmscim.FAUserSchema):
			var fa map[string]json.RawMessage
			if err = json.Unmarshal(raw, &fa); err != nil {
				break
			}
			for fk, fv := range fa {
				switch strings.ToLower(fk) {
				case "usercategory":
					err = json.Unmarshal(fv, &rec.u.FA.UserCategory)
				case "workerinformation", "accounttype":
					return errorf(http.StatusBadRequest, "mutability", "%s is read-only: HCM maintains it", fk)
				default:
					return errorf(http.StatusBadRequest, "invalidPath", "faUser attribute %q is not supported here", fk)
				}
			}
		default:
			return errorf(http.StatusBadRequest, "invalidPath", "attribute %q is not supported here", k)
		}
		if err != nil {
			return errorf(http.StatusBadRequest, "invalidValue", "attribute %q: %v", k, err)
		}
	}
	return nil
}

// merge replaces the addresses of the types given and keeps the others; a
// new primary address makes the others not primary.
func merge(old, given []hcmscim.Email) []hcmscim.Email {
	out := slices.Clone(old)
	for _, e := range given {
		if e.Primary {
			for i := range out {
				out[i].Primary = false
			}
		}
		i := slices.IndexFunc(out, func(o hcmscim.Email) bool { return strings.EqualFold(o.Type, e.Type) })
		if i >= 0 {
			out[i] = e
		} else {
			out = append(out, e)
		}
	}
	return out
}

type patchRequest struct {
	Schemas    []string `json:"schemas"`
	Operations []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	} `json:"Operations"`
}

func (s *Server) readPatchOp(fields map[string]json.RawMessage, body []byte) (*patchRequest, *scimError) {
	if serr := s.checkSchemas(fields, hcmscim.PatchOpSchema); serr != nil {
		return nil, serr
	}
	var p patchRequest
	if err := json.Unmarshal(body, &p); err != nil || len(p.Operations) == 0 {
		return nil, errorf(http.StatusBadRequest, "invalidSyntax", "a PatchOp needs Operations")
	}
	return &p, nil
}

// applyPatchOp applies an RFC 7644 PatchOp to a user: add and replace with
// or without a path naming a top-level attribute, remove of such an
// attribute or of emails[filter].
func (s *Server) applyPatchOp(rec *userRec, fields map[string]json.RawMessage, body []byte) *scimError {
	p, serr := s.readPatchOp(fields, body)
	if serr != nil {
		return serr
	}
	for _, op := range p.Operations {
		switch strings.ToLower(op.Op) {
		case "add", "replace":
			mode := replaceEmails
			if strings.EqualFold(op.Op, "add") {
				mode = mergeEmails
			}
			var partial map[string]json.RawMessage
			if op.Path == "" {
				var err *scimError
				if partial, err = object(op.Value); err != nil {
					return err
				}
			} else {
				partial = map[string]json.RawMessage{strings.ToLower(op.Path): op.Value}
			}
			if err := s.applyPartial(rec, partial, mode); err != nil {
				return err
			}
		case "remove":
			if err := removeFromUser(rec, op.Path); err != nil {
				return err
			}
		default:
			return errorf(http.StatusBadRequest, "invalidSyntax", "op %q is not add, replace or remove", op.Op)
		}
	}
	return nil
}

func removeFromUser(rec *userRec, path string) *scimError {
	if path == "" {
		return errorf(http.StatusBadRequest, "noTarget", "remove needs a path")
	}
	x, err := scimfilter.Parse(path + " pr")
	var vp *scimfilter.ValuePath
	if err != nil {
		// emails[type eq "work"] is a value path, not an attribute test.
		if y, err2 := scimfilter.Parse(path); err2 == nil {
			vp, _ = y.(*scimfilter.ValuePath)
		}
		if vp == nil {
			return errorf(http.StatusBadRequest, "invalidPath", "path %q cannot be read", path)
		}
	}
	if vp != nil {
		if !strings.EqualFold(vp.Path.Attr, "emails") {
			return errorf(http.StatusBadRequest, "invalidPath", "path %q is not supported here", path)
		}
		var keepList []hcmscim.Email
		for _, e := range rec.u.Emails {
			r := &resource{core: doc{"value": str(e.Value, false), "type": str(e.Type, false), "primary": boolean(e.Primary, true)}}
			ok, serr := r.match(vp.Filter)
			if serr != nil {
				return serr
			}
			if !ok {
				keepList = append(keepList, e)
			}
		}
		rec.u.Emails = keepList
		return nil
	}
	switch strings.ToLower(x.(*scimfilter.Present).Path.String()) {
	case "emails":
		rec.u.Emails = nil
	case "displayname":
		rec.u.DisplayName = ""
	case "preferredlanguage":
		rec.u.PreferredLanguage = ""
	default:
		return errorf(http.StatusBadRequest, "mutability", "%q cannot be removed here", path)
	}
	return nil
}

func (s *Server) patchRole(id string, body []byte) (int, any, string, *scimError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.patchRoleLocked(id, body)
}

// patchRoleLocked changes a role's members: Oracle's {"members": [{"value":
// id, "operation": "ADD"|"REMOVE"}]}, or RFC 7644's add/remove on members.
// All members are checked before any change; the answer is 204.
func (s *Server) patchRoleLocked(id string, body []byte) (int, any, string, *scimError) {
	rec, ok := s.st.roles[id]
	if !ok {
		return 0, nil, "", errorf(http.StatusNotFound, "", "role %s not found", id)
	}
	fields, serr := object(body)
	if serr != nil {
		return 0, nil, "", serr
	}
	type change struct {
		user string
		add  bool
	}
	var changes []change
	checkUser := func(uid string) *scimError {
		if _, ok := s.st.users[uid]; !ok {
			return errorf(http.StatusBadRequest, "invalidValue", "member %q is not a user", uid)
		}
		return nil
	}
	if s.dialect == hcmscim.DialectStandard {
		p, serr := s.readPatchOp(fields, body)
		if serr != nil {
			return 0, nil, "", serr
		}
		for _, op := range p.Operations {
			switch {
			case strings.EqualFold(op.Op, "add") && strings.EqualFold(op.Path, "members"):
				var ms []hcmscim.Member
				if err := json.Unmarshal(op.Value, &ms); err != nil {
					return 0, nil, "", errorf(http.StatusBadRequest, "invalidValue", "members: %v", err)
				}
				for _, m := range ms {
					if serr := checkUser(m.Value); serr != nil {
						return 0, nil, "", serr
					}
					changes = append(changes, change{m.Value, true})
				}
			case strings.EqualFold(op.Op, "remove"):
				x, err := scimfilter.Parse(op.Path)
				vp, ok := x.(*scimfilter.ValuePath)
				if err != nil || !ok || !strings.EqualFold(vp.Path.Attr, "members") {
					return 0, nil, "", errorf(http.StatusBadRequest, "invalidPath", "remove path %q is not members[value eq \"id\"]", op.Path)
				}
				for _, m := range rec.members {
					r := &resource{core: doc{"value": str(m, true)}}
					ok, serr := r.match(vp.Filter)
					if serr != nil {
						return 0, nil, "", serr
					}
					if ok {
						changes = append(changes, change{m, false})
					}
				}
			default:
				return 0, nil, "", errorf(http.StatusBadRequest, "mutability", "op %q on %q is not supported on roles", op.Op, op.Path)
			}
		}
	} else {
		if serr := s.checkSchemas(fields, hcmscim.RoleSchema); serr != nil {
			return 0, nil, "", serr
		}
		for k := range fields {
			if k != "schemas" && k != "members" {
				return 0, nil, "", errorf(http.StatusBadRequest, "mutability", "attribute %q of a role cannot be changed through SCIM", k)
			}
		}
		var ms []struct {
			Value     string `json:"value"`
			Operation string `json:"operation"`
		}
		if err := json.Unmarshal(fields["members"], &ms); err != nil || len(ms) == 0 {
			return 0, nil, "", errorf(http.StatusBadRequest, "invalidValue", "members must be a list of {value, operation}")
		}
		for i, m := range ms {
			if m.Operation != "ADD" && m.Operation != "REMOVE" {
				return 0, nil, "", errorf(http.StatusBadRequest, "invalidValue", "members[%d].operation %q is not ADD or REMOVE", i, m.Operation)
			}
			if serr := checkUser(m.Value); serr != nil {
				return 0, nil, "", serr
			}
			changes = append(changes, change{m.Value, m.Operation == "ADD"})
		}
	}
	for _, c := range changes {
		if c.add {
			s.addMember(rec, c.user)
		} else {
			s.removeMember(rec, c.user)
		}
	}
	rec.r.Meta.LastModified = s.now().UTC().Truncate(1e6)
	return http.StatusNoContent, nil, "", nil
}
