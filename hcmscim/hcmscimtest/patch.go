package hcmscimtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/internal/scimfilter"
)

// userAndBody returns the user id and the JSON object body holds.
func (s *Server) userAndBody(id string, body []byte) (*userRec, map[string]json.RawMessage, *scimError) {
	rec, ok := s.st.users[id]
	if !ok {
		return nil, nil, errorf(http.StatusNotFound, "", "user %s not found", id)
	}
	fields, serr := object(body)
	return rec, fields, serr
}

// patchUserLocked applies a PATCH: in Oracle's dialect a partial resource
// whose attributes replace the user's; in RFC 7644's a PatchOp. Every
// change is checked before any is applied.
func (s *Server) patchUserLocked(id string, body []byte) (int, any, string, *scimError) {
	rec, fields, serr := s.userAndBody(id, body)
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
	return s.store(rec, next)
}

// putUserLocked replaces a user (RFC 7644 section 3.5.1): the attributes
// the body gives replace the user's, the ones it leaves out are cleared
// (active is then unassigned, the user category DEFAULT again), and
// read-only ones (id, meta, workerInformation, accountType) are ignored.
// userName is required. The password is kept unless the body sets one.
func (s *Server) putUserLocked(id string, body []byte) (int, any, string, *scimError) {
	rec, fields, serr := s.userAndBody(id, body)
	if serr != nil {
		return 0, nil, "", serr
	}
	if serr := s.checkSchemas(fields, s.coreURN()); serr != nil {
		return 0, nil, "", serr
	}
	if _, ok := fields["username"]; !ok {
		return 0, nil, "", errorf(http.StatusBadRequest, "invalidValue", "userName is required")
	}
	if raw, ok := fields["id"]; ok {
		var v string
		if json.Unmarshal(raw, &v) != nil || v != id {
			return 0, nil, "", errorf(http.StatusBadRequest, "mutability", "id %s does not name user %s", raw, id)
		}
	}
	faKey := strings.ToLower(hcmscim.FAUserSchema)
	if raw, ok := fields[faKey]; ok {
		var fa map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fa); err != nil {
			return 0, nil, "", errorf(http.StatusBadRequest, "invalidValue", "%s is not an object", hcmscim.FAUserSchema)
		}
		for k := range fa {
			if strings.EqualFold(k, "workerInformation") || strings.EqualFold(k, "accountType") {
				delete(fa, k) // read-only: ignored
			}
		}
		fields[faKey], _ = json.Marshal(fa)
	}
	next := userRec{password: rec.password, seq: rec.seq}
	next.u.ID, next.u.Meta = id, rec.u.Meta
	next.u.FA.WorkerInformation, next.u.FA.AccountType = rec.u.FA.WorkerInformation, rec.u.FA.AccountType
	if serr := s.applyPartial(&next, fields, replaceEmails); serr != nil {
		return 0, nil, "", serr
	}
	if next.u.FA.UserCategory == "" {
		next.u.FA.UserCategory = "DEFAULT"
	}
	return s.store(rec, next)
}

// store makes next the user rec was, keeping the userName index, and
// answers the user.
func (s *Server) store(rec *userRec, next userRec) (int, any, string, *scimError) {
	if !strings.EqualFold(next.u.UserName, rec.u.UserName) {
		if _, taken := s.st.byName[strings.ToLower(next.u.UserName)]; taken {
			return 0, nil, "", errorf(http.StatusConflict, "uniqueness", "userName %q is already taken", next.u.UserName)
		}
		delete(s.st.byName, strings.ToLower(rec.u.UserName))
		s.st.byName[strings.ToLower(next.u.UserName)] = rec.u.ID
	}
	next.u.Meta.LastModified = s.now().UTC().Truncate(time.Millisecond)
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
				var err *scimError
				if partial, err = s.pathValue(rec, op.Path, op.Value); err != nil {
					return err
				}
			}
			if err := s.applyPartial(rec, partial, mode); err != nil {
				return err
			}
		case "remove":
			if err := s.removeFromUser(rec, op.Path); err != nil {
				return err
			}
		default:
			return errorf(http.StatusBadRequest, "invalidSyntax", "op %q is not add, replace or remove", op.Op)
		}
	}
	return nil
}

// attrPath reads a PatchOp path naming an attribute: "displayName",
// "name.givenName", or either qualified by its schema's URN
// ("urn:ietf:params:scim:schemas:core:2.0:User:displayName",
// "urn:scim:schemas:extension:fa:2.0:faUser:userCategory"). ext reports an
// attribute of the faUser extension.
func (s *Server) attrPath(path string) (p scimfilter.Path, ext bool, serr *scimError) {
	p, err := scimfilter.ParsePath(path)
	if err != nil {
		return p, false, errorf(http.StatusBadRequest, "invalidPath", "path %q cannot be read", path)
	}
	switch {
	case p.URN == "" || strings.EqualFold(p.URN, s.coreURN()):
		return p, false, nil
	case strings.EqualFold(p.URN, hcmscim.FAUserSchema):
		return p, true, nil
	}
	return p, false, errorf(http.StatusBadRequest, "invalidPath", "schema %q of path %q is not served here", p.URN, path)
}

// pathValue turns a PatchOp add or replace with a path into the partial
// resource it sets.
func (s *Server) pathValue(rec *userRec, path string, value json.RawMessage) (map[string]json.RawMessage, *scimError) {
	p, ext, serr := s.attrPath(path)
	if serr != nil {
		return nil, serr
	}
	attr := strings.ToLower(p.Attr)
	if p.Sub != "" {
		if ext || attr != "name" {
			return nil, errorf(http.StatusBadRequest, "invalidPath", "path %q is not supported here", path)
		}
		var v string
		if err := json.Unmarshal(value, &v); err != nil {
			return nil, errorf(http.StatusBadRequest, "invalidValue", "%s: %v", path, err)
		}
		n := rec.u.Name
		switch strings.ToLower(p.Sub) {
		case "givenname":
			n.GivenName = v
		case "familyname":
			n.FamilyName = v
		case "middlename":
			n.MiddleName = v
		case "formatted":
			n.Formatted = v
		default:
			return nil, errorf(http.StatusBadRequest, "invalidPath", "path %q is not supported here", path)
		}
		value, _ = json.Marshal(n)
	}
	if ext {
		obj, _ := json.Marshal(map[string]json.RawMessage{p.Attr: value})
		return map[string]json.RawMessage{strings.ToLower(hcmscim.FAUserSchema): obj}, nil
	}
	return map[string]json.RawMessage{attr: value}, nil
}

// removeFromUser applies a PatchOp remove: of an attribute the schema does
// not require (userName is required; id, meta and the read-only faUser
// attributes cannot be removed), of a name sub-attribute, or of the emails
// a filter selects.
func (s *Server) removeFromUser(rec *userRec, path string) *scimError {
	if path == "" {
		return errorf(http.StatusBadRequest, "noTarget", "remove needs a path")
	}
	if x, err := scimfilter.Parse(path); err == nil {
		// emails[type eq "work"] is a value path.
		vp, ok := x.(*scimfilter.ValuePath)
		if !ok || !strings.EqualFold(vp.Path.Attr, "emails") || vp.Path.Sub != "" {
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
	p, ext, serr := s.attrPath(path)
	if serr != nil {
		return serr
	}
	attr, sub := strings.ToLower(p.Attr), strings.ToLower(p.Sub)
	switch {
	case ext && attr == "usercategory" && sub == "":
		rec.u.FA.UserCategory = "DEFAULT"
	case ext:
		return errorf(http.StatusBadRequest, "mutability", "%q cannot be removed: HCM maintains it", path)
	case attr == "name" && sub == "":
		rec.u.Name = hcmscim.Name{}
	case attr == "name" && sub == "givenname":
		rec.u.Name.GivenName = ""
	case attr == "name" && sub == "familyname":
		rec.u.Name.FamilyName = ""
	case attr == "name" && sub == "middlename":
		rec.u.Name.MiddleName = ""
	case attr == "name" && sub == "formatted":
		rec.u.Name.Formatted = ""
	case sub != "":
		return errorf(http.StatusBadRequest, "invalidPath", "path %q is not supported here", path)
	case attr == "active":
		rec.u.Active = hcmscim.Opt[bool]{}
	case attr == "emails":
		rec.u.Emails = nil
	case attr == "displayname":
		rec.u.DisplayName = ""
	case attr == "preferredlanguage":
		rec.u.PreferredLanguage = ""
	case attr == "username":
		return errorf(http.StatusBadRequest, "mutability", "userName is required: it cannot be removed")
	default:
		return errorf(http.StatusBadRequest, "mutability", "%q cannot be removed here", path)
	}
	return nil
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
