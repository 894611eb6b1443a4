package hcmscimtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/internal/scimfilter"
)

type userRec struct {
	u        hcmscim.User // Roles and Password are not kept here
	password string
	seq      int
}

type roleRec struct {
	r       hcmscim.Role // Members are not kept here
	members []string     // user ids, in the order they were added
	seq     int
}

// store is the fake's state; the Server's mutex guards it.
type store struct {
	seq       int
	users     map[string]*userRec
	byName    map[string]string   // lower-case userName → id
	byPerson  map[string][]string // personNumber → ids
	roles     map[string]*roleRec
	userRoles map[string][]string // user id → role ids
}

func newStore() store {
	return store{users: map[string]*userRec{}, byName: map[string]string{}, byPerson: map[string][]string{},
		roles: map[string]*roleRec{}, userRoles: map[string][]string{}}
}

// newID returns an id shaped like Oracle's 32-digit hexadecimal GUIDs.
func (st *store) newID() (string, int) {
	st.seq++
	return fmt.Sprintf("FE8B6B1DE8%022X", st.seq), st.seq
}

// AddUser stores u as if HCM had created it and returns it as stored: the
// id is assigned if empty, meta is set, active defaults to true and the
// user category to DEFAULT. u.Password, if set, becomes the user's
// password. Roles are granted with GrantRole, not through u.Roles. It panics
// on a user the fake would refuse (an empty or taken userName, a taken id):
// it is a mistake in the test.
func (s *Server) AddUser(u hcmscim.User) hcmscim.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkNewUser(&u); err != nil {
		panic("hcmscimtest: AddUser: " + err.Error())
	}
	rec := s.insertUser(u)
	return s.userOut(rec)
}

func (s *Server) checkNewUser(u *hcmscim.User) *scimError {
	if strings.TrimSpace(u.UserName) == "" {
		return errorf(http.StatusBadRequest, "invalidValue", "userName is required")
	}
	if _, taken := s.st.byName[strings.ToLower(u.UserName)]; taken {
		return errorf(http.StatusConflict, "uniqueness", "userName %q is already taken", u.UserName)
	}
	if _, taken := s.st.users[u.ID]; taken && u.ID != "" {
		return errorf(http.StatusConflict, "uniqueness", "id %q is already taken", u.ID)
	}
	for i, e := range u.Emails {
		if !strings.Contains(e.Value, "@") {
			return errorf(http.StatusBadRequest, "invalidValue", "emails[%d].value %q is not an e-mail address", i, e.Value)
		}
	}
	return nil
}

func (s *Server) insertUser(u hcmscim.User) *userRec {
	id, seq := s.st.newID()
	if u.ID == "" {
		u.ID = id
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	u.Meta = hcmscim.Meta{ResourceType: "User", Location: s.base + "/Users/" + u.ID, Created: now, LastModified: now}
	if !u.Active.IsSet() {
		u.Active = hcmscim.Some(true)
	}
	if u.FA.UserCategory == "" {
		u.FA.UserCategory = "DEFAULT"
	}
	rec := &userRec{u: u, password: u.Password, seq: seq}
	rec.u.Password, rec.u.Roles, rec.u.Schemas = "", nil, nil
	s.st.users[u.ID] = rec
	s.st.byName[strings.ToLower(u.UserName)] = u.ID
	if pn := u.FA.WorkerInformation.PersonNumber; pn != "" {
		s.st.byPerson[pn] = append(s.st.byPerson[pn], u.ID)
	}
	return rec
}

// AddRole stores a role (Oracle's roles are defined in the Security
// Console, not through SCIM) and returns it as stored.
func (s *Server) AddRole(r hcmscim.Role) hcmscim.Role {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Name == "" {
		panic("hcmscimtest: AddRole: the role has no name")
	}
	id, seq := s.st.newID()
	if r.ID == "" {
		r.ID = id
	}
	if _, taken := s.st.roles[r.ID]; taken {
		panic("hcmscimtest: AddRole: id " + r.ID + " is taken")
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	r.Meta = hcmscim.Meta{ResourceType: "Role", Location: s.base + "/Roles/" + r.ID, Created: now, LastModified: now}
	rec := &roleRec{r: r, seq: seq}
	rec.r.Members, rec.r.Schemas = nil, nil
	s.st.roles[r.ID] = rec
	for _, m := range r.Members {
		if _, ok := s.st.users[m.Value]; !ok {
			panic("hcmscimtest: AddRole: member " + m.Value + " is not a user")
		}
		s.addMember(rec, m.Value)
	}
	return s.roleOut(rec)
}

// GrantRole makes the user a member of the role, as an administrator would.
func (s *Server) GrantRole(roleID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.roles[roleID]
	if _, isUser := s.st.users[userID]; !ok || !isUser {
		panic("hcmscimtest: GrantRole: no role " + roleID + " or no user " + userID)
	}
	s.addMember(rec, userID)
}

func (s *Server) addMember(rec *roleRec, userID string) {
	if !slices.Contains(rec.members, userID) {
		rec.members = append(rec.members, userID)
		s.st.userRoles[userID] = append(s.st.userRoles[userID], rec.r.ID)
	}
}

func (s *Server) removeMember(rec *roleRec, userID string) {
	rec.members = slices.DeleteFunc(rec.members, func(id string) bool { return id == userID })
	s.st.userRoles[userID] = slices.DeleteFunc(s.st.userRoles[userID], func(id string) bool { return id == rec.r.ID })
}

// User returns the user with the given id as the fake holds it (with its
// roles; never its password).
func (s *Server) User(id string) (hcmscim.User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.users[id]
	if !ok {
		return hcmscim.User{}, false
	}
	return s.userOut(rec), true
}

// Users returns every user, in the order they were created.
func (s *Server) Users() []hcmscim.User {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []hcmscim.User
	for _, rec := range s.sortedUsers(nil) {
		out = append(out, s.userOut(rec))
	}
	return out
}

// UserPassword returns the password last set for the user, for tests of a
// password reset.
func (s *Server) UserPassword(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.users[id]
	if !ok {
		return "", false
	}
	return rec.password, true
}

// Role returns the role with the given id, with its members.
func (s *Server) Role(id string) (hcmscim.Role, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.roles[id]
	if !ok {
		return hcmscim.Role{}, false
	}
	return s.roleOut(rec), true
}

func (s *Server) userOut(rec *userRec) hcmscim.User {
	u := rec.u
	u.Schemas = s.userSchemas()
	u.Emails = slices.Clone(u.Emails)
	for _, rid := range s.st.userRoles[u.ID] {
		r := s.st.roles[rid].r
		u.Roles = append(u.Roles, hcmscim.UserRole{ID: r.ID, Value: r.Name, DisplayName: r.DisplayName, Description: r.Description})
	}
	return u
}

func (s *Server) roleOut(rec *roleRec) hcmscim.Role {
	r := rec.r
	r.Schemas = []string{hcmscim.RoleSchema}
	for _, m := range rec.members {
		r.Members = append(r.Members, hcmscim.Member{Value: m})
	}
	return r
}

func (s *Server) userSchemas() []string {
	if s.dialect == hcmscim.DialectStandard {
		return []string{hcmscim.StandardUserSchema, hcmscim.FAUserSchema}
	}
	return []string{hcmscim.OracleUserSchema, hcmscim.FAUserSchema}
}

func (s *Server) coreURN() string {
	if s.dialect == hcmscim.DialectStandard {
		return hcmscim.StandardUserSchema
	}
	return hcmscim.OracleUserSchema
}

// formatTime writes a timestamp as the dialect does.
func (s *Server) formatTime(t time.Time) string {
	if s.dialect == hcmscim.DialectStandard {
		return t.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return t.UTC().Format(hcmscim.TimeLayout)
}

// jsonObject is a JSON object that keeps its members in the order they
// were set, so that answers read like Oracle's samples.
type jsonObject struct {
	keys []string
	vals map[string]any
}

func newObject() *jsonObject { return &jsonObject{vals: map[string]any{}} }

func (o *jsonObject) set(k string, v any) *jsonObject {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
	return o
}

func (o *jsonObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// keep returns a filter of top-level attributes for the attributes and
// excludedAttributes query parameters (RFC 7644 section 3.4.2.5): nil
// keeps all. id and schemas are always returned.
func keep(q url.Values) func(string) bool {
	want, skip := names(q.Get("attributes")), names(q.Get("excludedAttributes"))
	if want == nil && skip == nil {
		return nil
	}
	return func(k string) bool {
		k = strings.ToLower(k)
		if k == "id" || k == "schemas" {
			return true
		}
		return (want == nil || want[k]) && !skip[k]
	}
}

// names reads a comma list of attribute paths into the lower-case names
// of the top-level attributes they name (an extension's URN for its
// attributes); nil for an empty list.
func names(list string) map[string]bool {
	if list == "" {
		return nil
	}
	out := map[string]bool{}
	for _, a := range strings.Split(list, ",") {
		a = strings.TrimSpace(a)
		if strings.EqualFold(a, hcmscim.FAUserSchema) {
			out[strings.ToLower(a)] = true
			continue
		}
		if p, err := scimfilter.ParsePath(a); err == nil {
			if p.URN != "" && strings.EqualFold(p.URN, hcmscim.FAUserSchema) {
				out[strings.ToLower(hcmscim.FAUserSchema)] = true
				continue
			}
			out[strings.ToLower(p.Attr)] = true
		}
	}
	return out
}

// begin starts the answer for a resource: id, meta and schemas, and an add
// function that sets the attributes the attributes parameter keeps.
func (s *Server) begin(id string, meta hcmscim.Meta, schemas []string, keepAttr func(string) bool) (*jsonObject, func(string, any)) {
	o := newObject()
	add := func(k string, v any) {
		if keepAttr == nil || keepAttr(k) {
			o.set(k, v)
		}
	}
	add("id", id)
	add("meta", newObject().set("location", meta.Location).set("resourceType", meta.ResourceType).
		set("created", s.formatTime(meta.Created)).set("lastModified", s.formatTime(meta.LastModified)))
	add("schemas", schemas)
	return o, add
}

// renderUser writes a user as the dialect does.
func (s *Server) renderUser(rec *userRec, keepAttr func(string) bool) *jsonObject {
	u := s.userOut(rec)
	o, add := s.begin(u.ID, u.Meta, u.Schemas, keepAttr)
	add("userName", u.UserName)
	if u.Name != (hcmscim.Name{}) {
		add("name", u.Name)
	}
	if u.DisplayName != "" {
		add("displayName", u.DisplayName)
	}
	if u.PreferredLanguage != "" {
		add("preferredLanguage", u.PreferredLanguage)
	}
	if active, ok := u.Active.Get(); ok {
		add("active", active)
	}
	if len(u.Emails) > 0 {
		add("emails", u.Emails)
	}
	if len(u.Roles) > 0 {
		add("roles", s.renderRoles(u.Roles))
	}
	add(hcmscim.FAUserSchema, s.renderFA(u.FA))
	return o
}

// renderRoles writes a user's roles: Oracle's items carry id, value,
// displayName and description, as in its samples; RFC 7643's multi-valued
// attribute has value and display (section 2.4).
func (s *Server) renderRoles(roles []hcmscim.UserRole) any {
	if s.dialect != hcmscim.DialectStandard {
		return roles
	}
	var out []any
	for _, r := range roles {
		out = append(out, newObject().set("value", r.Value).set("display", r.DisplayName))
	}
	return out
}

// renderFA writes the faUser extension; Oracle writes a missing manager or
// department as the string "null" and leaves out a missing job or business
// unit, as in its samples.
func (s *Server) renderFA(fa hcmscim.FAUser) *jsonObject {
	w := fa.WorkerInformation
	nullable := func(v string) string {
		if v == "" && s.dialect == hcmscim.DialectOracle {
			return "null"
		}
		return v
	}
	wi := newObject().set("personNumber", w.PersonNumber).set("manager", nullable(w.Manager))
	if w.Job != "" {
		wi.set("job", w.Job)
	}
	if w.BusinessUnit != "" {
		wi.set("businessUnit", w.BusinessUnit)
	}
	wi.set("department", nullable(w.Department))
	o := newObject().set("workerInformation", wi).set("userCategory", fa.UserCategory)
	if fa.AccountType != "" {
		o.set("accountType", fa.AccountType)
	}
	return o
}

func (s *Server) renderRole(rec *roleRec, keepAttr func(string) bool) *jsonObject {
	r := s.roleOut(rec)
	o, add := s.begin(r.ID, r.Meta, r.Schemas, keepAttr)
	add("name", r.Name)
	add("displayName", r.DisplayName)
	if r.Description != "" {
		add("description", r.Description)
	}
	if r.Category != "" {
		add("category", r.Category)
	}
	members := r.Members
	if members == nil {
		members = []hcmscim.Member{}
	}
	add("members", members)
	return o
}

// userResource is a user as the filter evaluator sees it.
func (s *Server) userResource(rec *userRec) *resource {
	u := &rec.u
	var emails []doc
	for _, e := range u.Emails {
		emails = append(emails, doc{"value": str(e.Value, false), "type": str(e.Type, false), "primary": boolean(e.Primary, true)})
	}
	var roles []doc
	for _, rid := range s.st.userRoles[u.ID] {
		r := s.st.roles[rid].r
		roles = append(roles, doc{"value": str(r.Name, false), "display": str(r.DisplayName, false), "displayname": str(r.DisplayName, false)})
	}
	w := u.FA.WorkerInformation
	worker := doc{"personnumber": str(w.PersonNumber, true), "manager": str(w.Manager, false), "job": str(w.Job, false),
		"businessunit": str(w.BusinessUnit, false), "department": str(w.Department, false)}
	return &resource{
		coreURNs: []string{s.coreURN()},
		core: doc{
			"id":                str(u.ID, true),
			"username":          str(u.UserName, false),
			"displayname":       str(u.DisplayName, false),
			"preferredlanguage": str(u.PreferredLanguage, false),
			"active":            boolean(u.Active.Or(false), u.Active.IsSet()),
			"name": complexNode(doc{"givenname": str(u.Name.GivenName, false), "familyname": str(u.Name.FamilyName, false),
				"middlename": str(u.Name.MiddleName, false), "formatted": str(u.Name.Formatted, false)}),
			"emails": multi(emails),
			"roles":  multi(roles),
			// Oracle's guide filters on the person number without the
			// extension's URN: personNumber eq "...".
			"personnumber": str(w.PersonNumber, true),
			"meta":         complexNode(doc{"created": timestamp(u.Meta.Created), "lastmodified": timestamp(u.Meta.LastModified), "resourcetype": str("User", false)}),
		},
		extensions: map[string]doc{strings.ToLower(hcmscim.FAUserSchema): {
			"workerinformation": complexNode(worker),
			"usercategory":      str(u.FA.UserCategory, false),
			"accounttype":       str(u.FA.AccountType, false),
		}},
	}
}

func (s *Server) roleResource(rec *roleRec) *resource {
	var members []doc
	for _, m := range rec.members {
		members = append(members, doc{"value": str(m, true)})
	}
	r := &rec.r
	return &resource{
		coreURNs: []string{hcmscim.RoleSchema},
		core: doc{
			"id": str(r.ID, true), "name": str(r.Name, false), "displayname": str(r.DisplayName, false),
			"description": str(r.Description, false), "category": str(r.Category, false), "members": multi(members),
			"meta": complexNode(doc{"created": timestamp(r.Meta.Created), "lastmodified": timestamp(r.Meta.LastModified), "resourcetype": str("Role", false)}),
		},
	}
}

// sortedUsers returns the users of ids (all if nil) in creation order.
func (s *Server) sortedUsers(ids []string) []*userRec {
	var recs []*userRec
	if ids == nil {
		for _, rec := range s.st.users {
			recs = append(recs, rec)
		}
	} else {
		for _, id := range ids {
			if rec, ok := s.st.users[id]; ok && !slices.Contains(recs, rec) {
				recs = append(recs, rec)
			}
		}
	}
	slices.SortFunc(recs, func(a, b *userRec) int { return a.seq - b.seq })
	return recs
}

// candidates returns the ids a filter can match when an index answers it
// (eq on id, userName or personNumber, and or/and of those), as a
// database would; ok is false when every user must be looked at.
func (s *Server) candidates(x scimfilter.Expr) (ids []string, ok bool) {
	switch x := x.(type) {
	case *scimfilter.Compare:
		if x.Op != scimfilter.Eq || x.Value.Kind != scimfilter.String || x.Path.URN != "" {
			return nil, false
		}
		switch strings.ToLower(x.Path.String()) {
		case "id":
			return []string{x.Value.Str}, true
		case "username":
			if id, found := s.st.byName[strings.ToLower(x.Value.Str)]; found {
				return []string{id}, true
			}
			return []string{}, true
		case "personnumber":
			return append([]string{}, s.st.byPerson[x.Value.Str]...), true
		}
	case *scimfilter.Logical:
		a, okA := s.candidates(x.Left)
		b, okB := s.candidates(x.Right)
		switch {
		case x.Op == scimfilter.Or && okA && okB:
			return append(a, b...), true
		case x.Op == scimfilter.And && okA:
			return a, true
		case x.Op == scimfilter.And && okB:
			return b, true
		}
	}
	return nil, false
}

// paging reads startIndex and count.
func (s *Server) paging(q url.Values) (start, count int, err *scimError) {
	start, count = 1, s.maxCount
	if v := q.Get("startIndex"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil {
			return 0, 0, errorf(http.StatusBadRequest, "invalidValue", "startIndex %q is not an integer", v)
		}
		start = max(n, 1) // RFC 7644: a value below 1 is read as 1
	}
	if v := q.Get("count"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil {
			return 0, 0, errorf(http.StatusBadRequest, "invalidValue", "count %q is not an integer", v)
		}
		count = min(max(n, 0), s.maxCount)
	}
	return start, count, nil
}

// listQuery reads the filter, startIndex and count of a list request.
func (s *Server) listQuery(q url.Values) (x scimfilter.Expr, start, count int, serr *scimError) {
	if f := q.Get("filter"); f != "" {
		var err error
		if x, err = scimfilter.Parse(f); err != nil {
			return nil, 0, 0, errorf(http.StatusBadRequest, "invalidFilter", "%v", err)
		}
	}
	start, count, serr = s.paging(q)
	return x, start, count, serr
}

// matching returns the records x matches (all if x is nil); res gives a
// record's attributes. The filter's attributes are checked against an
// empty record too, so that a filter naming one the fake does not serve
// is refused even when there is nothing to look at.
func matching[R any](recs []R, x scimfilter.Expr, res func(R) *resource, empty R) ([]R, *scimError) {
	if x == nil {
		return recs, nil
	}
	if _, err := res(empty).match(x); err != nil {
		return nil, err
	}
	var out []R
	for _, rec := range recs {
		ok, err := res(rec).match(x)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, rec)
		}
	}
	return out, nil
}

// listAnswer writes the page of n matches that starts at start (1-based)
// and holds at most count resources, render writing match i.
func (s *Server) listAnswer(n, start, count int, render func(i int) any) any {
	page := []any{}
	from := start - 1
	if s.samePage {
		from = 0
	}
	for i := from; i < n && len(page) < count; i++ {
		page = append(page, render(i))
	}
	o := newObject()
	if s.dialect == hcmscim.DialectStandard {
		o.set("schemas", []string{hcmscim.ListResponseSchema}).set("totalResults", n)
	}
	return o.set("itemsPerPage", len(page)).set("startIndex", start).set("Resources", page)
}

func (s *Server) listUsers(q url.Values) (int, any, string, *scimError) {
	x, start, count, serr := s.listQuery(q)
	if serr != nil {
		return 0, nil, "", serr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids, indexed := s.candidates(x)
	if !indexed {
		ids = nil
	}
	recs, serr := matching(s.sortedUsers(ids), x, s.userResource, &userRec{})
	if serr != nil {
		return 0, nil, "", serr
	}
	keepAttr := keep(q)
	return http.StatusOK, s.listAnswer(len(recs), start, count, func(i int) any { return s.renderUser(recs[i], keepAttr) }), "", nil
}

func (s *Server) listRoles(q url.Values) (int, any, string, *scimError) {
	x, start, count, serr := s.listQuery(q)
	if serr != nil {
		return 0, nil, "", serr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*roleRec
	for _, rec := range s.st.roles {
		all = append(all, rec)
	}
	slices.SortFunc(all, func(a, b *roleRec) int { return a.seq - b.seq })
	recs, serr := matching(all, x, s.roleResource, &roleRec{})
	if serr != nil {
		return 0, nil, "", serr
	}
	keepAttr := keep(q)
	return http.StatusOK, s.listAnswer(len(recs), start, count, func(i int) any { return s.renderRole(recs[i], keepAttr) }), "", nil
}

func (s *Server) getUser(id string, q url.Values) (int, any, string, *scimError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.users[id]
	if !ok {
		return 0, nil, "", errorf(http.StatusNotFound, "", "user %s not found", id)
	}
	return http.StatusOK, s.renderUser(rec, keep(q)), "", nil
}

func (s *Server) getRole(id string, q url.Values) (int, any, string, *scimError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.st.roles[id]
	if !ok {
		return 0, nil, "", errorf(http.StatusNotFound, "", "role %s not found", id)
	}
	return http.StatusOK, s.renderRole(rec, keep(q)), "", nil
}

// deleteUserLocked removes a user and its role memberships; the answer is
// 204 (RFC 7644 section 3.6).
func (s *Server) deleteUserLocked(id string) (int, any, string, *scimError) {
	rec, ok := s.st.users[id]
	if !ok {
		return 0, nil, "", errorf(http.StatusNotFound, "", "user %s not found", id)
	}
	for _, rid := range slices.Clone(s.st.userRoles[id]) {
		s.removeMember(s.st.roles[rid], id)
	}
	delete(s.st.userRoles, id)
	delete(s.st.byName, strings.ToLower(rec.u.UserName))
	if pn := rec.u.FA.WorkerInformation.PersonNumber; pn != "" {
		s.st.byPerson[pn] = slices.DeleteFunc(s.st.byPerson[pn], func(v string) bool { return v == id })
	}
	delete(s.st.users, id)
	return http.StatusNoContent, nil, "", nil
}

func (s *Server) createUserLocked(body []byte) (int, any, string, *scimError) {
	fields, serr := object(body)
	if serr != nil {
		return 0, nil, "", serr
	}
	if serr := s.checkSchemas(fields, s.coreURN()); serr != nil {
		return 0, nil, "", serr
	}
	var u hcmscim.User
	if err := json.Unmarshal(body, &u); err != nil {
		return 0, nil, "", errorf(http.StatusBadRequest, "invalidSyntax", "the user is not a SCIM User: %v", err)
	}
	u.ID = "" // the server assigns it
	if serr := s.checkNewUser(&u); serr != nil {
		return 0, nil, "", serr
	}
	rec := s.insertUser(u)
	return http.StatusCreated, s.renderUser(rec, nil), rec.u.Meta.Location, nil
}

// object reads a JSON object with its members by lower-case name.
func object(body []byte) (map[string]json.RawMessage, *scimError) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return nil, errorf(http.StatusBadRequest, "invalidSyntax", "the body is not a JSON object")
	}
	out := make(map[string]json.RawMessage, len(raw))
	for k, v := range raw {
		out[strings.ToLower(k)] = v
	}
	return out, nil
}

// checkSchemas requires the body's schemas to name urn.
func (s *Server) checkSchemas(fields map[string]json.RawMessage, urn string) *scimError {
	var schemas []string
	if raw, ok := fields["schemas"]; ok {
		if err := json.Unmarshal(raw, &schemas); err != nil {
			return errorf(http.StatusBadRequest, "invalidSyntax", "schemas is not a list of URNs")
		}
	}
	if !containsFold(schemas, urn) {
		return errorf(http.StatusBadRequest, "invalidSyntax", "schemas must name %s", urn)
	}
	return nil
}
