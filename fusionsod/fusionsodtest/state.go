package fusionsodtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hrbridge/hrbridge/fusionsod"
)

// Control is a segregation-of-duties control: two roles (by code) that one
// user must not hold together.
type Control struct {
	// ID is assigned by AddControl when zero.
	ID   int64
	Name string
	// Roles are the two conflicting role codes.
	Roles [2]string
	// DataAccess, when not empty, scopes the control: it applies only when
	// the role asked for carries one of these values ("BUSINESS_UNIT =
	// Vision China").
	DataAccess []string
	// Path is the incident path of the results (the control's name when
	// empty).
	Path string
}

// Grant is a role a user holds already, with its data access.
type Grant struct {
	Role       string
	DataAccess []string
}

// Approval is an approveProvisioningRequest the fake received.
type Approval struct {
	RequestID int64
	User      string
	Roles     []string
	By        string // the authenticated user
}

// Comment is a comment on an incident.
type Comment struct {
	Text    string
	By      string
	Created time.Time
}

// Incident is an access incident as the fake holds it.
type Incident struct {
	Key             string // the opaque key of its URL
	ID              int64
	ControlID       int64
	ControlName     string
	Status          string
	Investigator    string
	User            string
	Role            string // the role's name
	ConflictingRole string // the other role's name
	Created         time.Time
	Updated         time.Time
	Comments        []Comment
}

type analysis struct {
	id      int64
	user    string
	roles   map[string][]string
	created time.Time
	fail    bool
	results []result
}

type result struct {
	id        int64
	control   *Control
	input     string
	conflicts string // code of the other role
}

// state is the fake's state; the Server's mutex guards it.
type state struct {
	seq       int64
	controls  []*Control
	roleNames map[string]string
	users     map[string][]Grant
	failUsers map[string]bool
	analyses  map[int64]*analysis
	incidents []*Incident
	approvals []Approval
}

func newState() state {
	return state{roleNames: map[string]string{}, users: map[string][]Grant{}, failUsers: map[string]bool{}, analyses: map[int64]*analysis{}}
}

func (st *state) next() int64 { st.seq++; return st.seq }

// AddControl adds a control and returns its id. It panics on a control
// without two roles: a mistake in the test.
func (s *Server) AddControl(c Control) int64 {
	if c.Roles[0] == "" || c.Roles[1] == "" {
		panic("fusionsodtest: AddControl: a control needs two roles")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.ID == 0 {
		c.ID = 86731 + int64(len(s.st.controls)) // the tutorial's first control id
	}
	if c.Name == "" {
		c.Name = c.Roles[0] + " and " + c.Roles[1]
	}
	c.DataAccess = append([]string(nil), c.DataAccess...)
	s.st.controls = append(s.st.controls, &c)
	return c.ID
}

// AddRole names a role code.
func (s *Server) AddRole(code, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.roleNames[code] = name
}

// AddUser gives a user the roles it holds already; the analysis counts
// them.
func (s *Server) AddUser(user string, grants ...Grant) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.users[user] = append(s.st.users[user], grants...)
}

// FailAnalyses makes the analyses of user end Failed.
func (s *Server) FailAnalyses(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.failUsers[user] = true
}

// Approvals returns the approvals received, in order.
func (s *Server) Approvals() []Approval {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.st.approvals)
}

// Incidents returns copies of the incidents, in the order they were made.
func (s *Server) Incidents() []Incident {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Incident, len(s.st.incidents))
	for i, inc := range s.st.incidents {
		out[i] = *inc
		out[i].Comments = slices.Clone(inc.Comments)
	}
	return out
}

// AddIncident adds an incident as if Fusion had found it, and returns its
// key. Status defaults to Assigned.
func (s *Server) AddIncident(inc Incident) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.addIncident(inc, s.now()).Key
}

func (st *state) addIncident(inc Incident, now time.Time) *Incident {
	inc.ID = 300000000 + st.next()
	sum := sha256.Sum256([]byte(fmt.Sprint(inc.ControlID, "/", inc.ID)))
	inc.Key = "00020000000EACED00057708" + strings.ToUpper(hex.EncodeToString(sum[:12]))
	if inc.Status == "" {
		inc.Status = string(fusionsod.IncidentAssigned)
	}
	inc.Created, inc.Updated = now, now
	st.incidents = append(st.incidents, &inc)
	return &inc
}

func (st *state) name(code string) string {
	if n, ok := st.roleNames[code]; ok {
		return n
	}
	return code
}

// status is an analysis' status on the fake's clock.
func (s *Server) status(a *analysis) fusionsod.Status {
	elapsed := s.now().Sub(a.created)
	switch {
	case elapsed >= s.analysis && a.fail:
		return fusionsod.StatusFailed
	case elapsed >= s.analysis:
		return fusionsod.StatusCompleted
	case elapsed < s.analysis/2:
		return fusionsod.StatusQueued
	}
	return fusionsod.StatusStarted
}

func (s *Server) statusText(st fusionsod.Status) string {
	if s.form == FormSeed {
		return "Job " + string(st) + ">"
	}
	return string(st)
}

// flexID reads a request id written as a number or a string.
func flexID(raw json.RawMessage) (int64, bool) {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return 0, false
	}
	var s string
	switch v := v.(type) {
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		s = strings.TrimSpace(v)
	default:
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func (s *Server) writeID(id int64) any {
	if s.form == FormSeed {
		return map[string]any{"result": strconv.FormatInt(id, 10)}
	}
	return map[string]any{"result": id}
}

func (s *Server) runAnalysis(body []byte) (int, any, *adfError) {
	var in struct {
		UserName          string              `json:"userName"`
		ProvisioningInfo  map[string][]string `json:"provisioningInfo"`
		RoleAndAttributes map[string][]string `json:"roleAndAttributes"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, errorf(http.StatusBadRequest, "", "the request body is not valid: %v", err)
	}
	roles := in.ProvisioningInfo
	switch {
	case strings.TrimSpace(in.UserName) == "":
		return 0, nil, errorf(http.StatusBadRequest, "GRC-USER", "userName is required")
	case in.ProvisioningInfo != nil && in.RoleAndAttributes != nil:
		return 0, nil, errorf(http.StatusBadRequest, "", "provisioningInfo and roleAndAttributes are both given")
	case roles == nil:
		roles = in.RoleAndAttributes
	}
	if len(roles) == 0 {
		return 0, nil, errorf(http.StatusBadRequest, "", "provisioningInfo holds no role")
	}
	for code, das := range roles {
		for _, da := range das {
			if k, v, ok := strings.Cut(da, "="); !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
				return 0, nil, errorf(http.StatusBadRequest, "", "role %s: data access %q is not KIND = value", code, da)
			}
		}
	}
	a := &analysis{id: int64(len(s.st.analyses) + 1), user: in.UserName, roles: roles, created: s.now(), fail: s.st.failUsers[in.UserName]}
	a.results = s.st.analyse(a, true)
	for i := range a.results {
		a.results[i].id = s.st.next()
	}
	s.st.analyses[a.id] = a
	return http.StatusOK, s.writeID(a.id), nil
}

// norm writes a data-access value as "KIND = value".
func norm(da string) string {
	k, v, _ := strings.Cut(da, "=")
	return strings.TrimSpace(k) + " = " + strings.TrimSpace(v)
}

// analyse finds the controls that the roles asked for break, with each
// other or with the roles the user holds; scoped applies the controls'
// data-access scopes (the rules check looks at roles only).
func (st *state) analyse(a *analysis, scoped bool) []result {
	held := map[string]bool{}
	for _, g := range st.users[a.user] {
		held[g.Role] = true
	}
	codes := make([]string, 0, len(a.roles))
	for c := range a.roles {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var out []result
	for _, code := range codes {
		for _, c := range st.controls {
			other := ""
			switch code {
			case c.Roles[0]:
				other = c.Roles[1]
			case c.Roles[1]:
				other = c.Roles[0]
			default:
				continue
			}
			if _, asked := a.roles[other]; (!asked || other == code) && !held[other] {
				continue
			}
			if scoped && len(c.DataAccess) > 0 && !slices.ContainsFunc(a.roles[code], func(da string) bool {
				return slices.ContainsFunc(c.DataAccess, func(s string) bool { return strings.EqualFold(norm(s), norm(da)) })
			}) {
				continue
			}
			out = append(out, result{control: c, input: code, conflicts: other})
		}
	}
	return out
}

func (s *Server) findAnalysis(raw json.RawMessage) (*analysis, *adfError) {
	id, ok := flexID(raw)
	if !ok {
		return nil, errorf(http.StatusBadRequest, "", "requestId %s is not a request id", raw)
	}
	a, ok := s.st.analyses[id]
	if !ok {
		return nil, errorf(http.StatusNotFound, "", "no provisioning request %d", id)
	}
	return a, nil
}

func (s *Server) requestStatus(body []byte) (int, any, *adfError) {
	var in struct {
		RequestID json.RawMessage `json:"requestId"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, errorf(http.StatusBadRequest, "", "the request body is not valid: %v", err)
	}
	a, err := s.findAnalysis(in.RequestID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"result": s.statusText(s.status(a))}, nil
}

// page cuts items by the ADF limit and offset of q.
func page[T any](items []T, q url.Values) (out []T, meta map[string]any, err *adfError) {
	limit, offset := DefaultLimit, 0
	if v := q.Get("limit"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 {
			return nil, nil, errorf(http.StatusBadRequest, "", "limit %q is not a positive number", v)
		}
		limit = min(n, MaxLimit)
	}
	if v := q.Get("offset"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 0 {
			return nil, nil, errorf(http.StatusBadRequest, "", "offset %q is not a number", v)
		}
		offset = n
	}
	lo := min(offset, len(items))
	hi := min(lo+limit, len(items))
	out = items[lo:hi]
	meta = map[string]any{"count": len(out), "hasMore": hi < len(items), "limit": limit, "offset": offset}
	if q.Get("totalResults") == "true" {
		meta["totalResults"] = len(items)
	}
	return out, meta, nil
}

func (s *Server) href(p string) string { return s.URL + fusionsod.DefaultPath + "/" + p }

func (s *Server) links(p, name string) []map[string]string {
	return []map[string]string{
		{"rel": "self", "href": s.href(p), "name": name, "kind": "item"},
		{"rel": "canonical", "href": s.href(p), "name": name, "kind": "item"},
	}
}

// parseFinder reads "name;var=value,var2=value2", values plain or between
// double quotes with \ escapes.
func parseFinder(f string) (string, map[string]string, error) {
	name, rest, _ := strings.Cut(f, ";")
	vars, err := parsePairs(rest, ',')
	return name, vars, err
}

// parsePairs reads "a=v<sep>b=v" pairs, values plain or quoted.
func parsePairs(s string, sep byte) (map[string]string, error) {
	out := map[string]string{}
	for i := 0; i < len(s); {
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			return nil, fmt.Errorf("%q: want name=value", s[i:])
		}
		key := strings.TrimSpace(s[i : i+eq])
		i += eq + 1
		var val strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			closed := false
			for i < len(s) {
				c := s[i]
				i++
				if c == '\\' && i < len(s) {
					val.WriteByte(s[i])
					i++
					continue
				}
				if c == '"' {
					closed = true
					break
				}
				val.WriteByte(c)
			}
			if !closed {
				return nil, fmt.Errorf("value of %s: unterminated quote", key)
			}
			if i < len(s) && s[i] != sep {
				return nil, fmt.Errorf("value of %s: text after the closing quote", key)
			}
		} else {
			end := strings.IndexByte(s[i:], sep)
			if end < 0 {
				end = len(s) - i
			}
			v := s[i : i+end]
			if strings.ContainsAny(v, `"' `) {
				return nil, fmt.Errorf("value of %s: %q must be quoted", key, v)
			}
			val.WriteString(v)
			i += end
		}
		out[key] = val.String()
		if i < len(s) {
			i++ // the separator
		}
	}
	return out, nil
}

func (s *Server) listResults(q url.Values) (int, any, *adfError) {
	name, vars, err := parseFinder(q.Get("finder"))
	switch {
	case err != nil:
		return 0, nil, errorf(http.StatusBadRequest, "", "finder: %v", err)
	case name != fusionsod.IncidentsFinder:
		return 0, nil, errorf(http.StatusBadRequest, "", "finder %q is not supported by the fake; use %s", name, fusionsod.IncidentsFinder)
	}
	a, aerr := s.findAnalysis(json.RawMessage(strconv.Quote(vars["requestId"])))
	if aerr != nil {
		return 0, nil, aerr
	}
	var rs []result
	if s.status(a) == fusionsod.StatusCompleted {
		rs = a.results
	}
	rs, meta, perr := page(rs, q)
	if perr != nil {
		return 0, nil, perr
	}
	items := make([]map[string]any, 0, len(rs))
	for _, r := range rs {
		it := map[string]any{
			"advancedControlsRolesProvisioningUniqID": r.id,
			"controlId":        r.control.ID,
			"controlName":      r.control.Name,
			"inputRoleCode":    r.input,
			"inputRoleName":    s.st.name(r.input),
			"incidentPath":     cmp(r.control.Path, r.control.Name),
			"incidentPathCode": r.input,
			"conflictingRole":  s.st.name(r.conflicts),
		}
		if q.Get("onlyData") != "true" {
			it["links"] = s.links(fmt.Sprintf("advancedControlsRolesProvisioning/%d", r.id), "advancedControlsRolesProvisioning")
		}
		items = append(items, it)
	}
	meta["items"] = items
	return http.StatusOK, meta, nil
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) approve(body []byte, by string) (int, any, *adfError) {
	var in struct {
		RequestID     json.RawMessage   `json:"requestId"`
		ApprovedRoles []json.RawMessage `json:"approvedRoles"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, errorf(http.StatusBadRequest, "", "the request body is not valid: %v", err)
	}
	a, err := s.findAnalysis(in.RequestID)
	if err != nil {
		return 0, nil, err
	}
	if st := s.status(a); st != fusionsod.StatusCompleted {
		return 0, nil, errorf(http.StatusBadRequest, "", "provisioning request %d is %s, not Completed", a.id, st)
	}
	if len(in.ApprovedRoles) == 0 {
		return 0, nil, errorf(http.StatusBadRequest, "", "approvedRoles is empty")
	}
	var codes []string
	for i, raw := range in.ApprovedRoles {
		code := roleOf(raw)
		if _, ok := a.roles[code]; !ok {
			return 0, nil, errorf(http.StatusBadRequest, "", "approvedRoles[%d] %s names no role of provisioning request %d", i, raw, a.id)
		}
		codes = append(codes, code)
	}
	now := s.now()
	for _, r := range a.results {
		if !slices.Contains(codes, r.input) || s.st.hasIncident(r, a.user) {
			continue
		}
		s.st.addIncident(Incident{ControlID: r.control.ID, ControlName: r.control.Name, Status: string(fusionsod.IncidentAccepted),
			User: a.user, Role: s.st.name(r.input), ConflictingRole: s.st.name(r.conflicts)}, now)
	}
	s.st.approvals = append(s.st.approvals, Approval{RequestID: a.id, User: a.user, Roles: codes, By: by})
	return http.StatusOK, map[string]any{"result": "SUCCESS"}, nil
}

// roleOf takes the role code of an approvedRoles item: a string, or the
// first string value of an object.
func roleOf(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if v, ok := m[k].(string); ok {
			return v
		}
	}
	return ""
}

func (st *state) hasIncident(r result, user string) bool {
	return slices.ContainsFunc(st.incidents, func(inc *Incident) bool {
		return inc.ControlID == r.control.ID && inc.User == user && inc.Role == st.name(r.input) && inc.ConflictingRole == st.name(r.conflicts)
	})
}

func (s *Server) roleCheck(body []byte) (int, any, *adfError) {
	var in struct {
		UserName   string   `json:"userName"`
		RolesToAdd []string `json:"rolesToAdd"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, errorf(http.StatusBadRequest, "", "the request body is not valid: %v", err)
	}
	if in.UserName == "" || len(in.RolesToAdd) == 0 {
		return 0, nil, errorf(http.StatusBadRequest, "", "userName and rolesToAdd are required")
	}
	a := &analysis{user: in.UserName, roles: map[string][]string{}}
	for _, r := range in.RolesToAdd {
		a.roles[r] = nil
	}
	found := map[string][]string{}
	for _, r := range s.st.analyse(a, false) {
		if !slices.Contains(found[r.input], r.conflicts) {
			found[r.input] = append(found[r.input], r.conflicts)
		}
	}
	if len(found) == 0 {
		return http.StatusOK, map[string]any{"result": "No Violations"}, nil
	}
	return http.StatusOK, map[string]any{"result": found}, nil
}

// incidentJSON writes an incident; links (where its key is) are left out
// when onlyData is asked for, as ADF does.
func (s *Server) incidentJSON(inc *Incident, onlyData bool) map[string]any {
	it := map[string]any{
		"Id": inc.ID, "ControlId": inc.ControlID, "ControlName": inc.ControlName, "ControlType": "SOD",
		"Status": inc.Status, "State": "Open", "ResultInvestigator": inc.Investigator,
		"GlobalUserName": inc.User, "Role": inc.Role, "ConflictingRoles": inc.ConflictingRole,
		"CreationDate":   inc.Created.UTC().Format("2006-01-02T15:04:05.000+00:00"),
		"LastUpdateDate": inc.Updated.UTC().Format("2006-01-02T15:04:05.000+00:00"),
	}
	if !onlyData {
		it["links"] = s.links(fmt.Sprintf("advancedControls/%d/child/incidents/%s", inc.ControlID, inc.Key), "incidents")
	}
	return it
}

func (s *Server) controlIncidents(cid string) ([]*Incident, *adfError) {
	id, err := strconv.ParseInt(cid, 10, 64)
	if err != nil || !slices.ContainsFunc(s.st.controls, func(c *Control) bool { return c.ID == id }) &&
		!slices.ContainsFunc(s.st.incidents, func(i *Incident) bool { return i.ControlID == id }) {
		return nil, errorf(http.StatusNotFound, "", "no advanced control %s", cid)
	}
	var out []*Incident
	for _, inc := range s.st.incidents {
		if inc.ControlID == id {
			out = append(out, inc)
		}
	}
	return out, nil
}

func (s *Server) listIncidents(cid string, q url.Values) (int, any, *adfError) {
	all, err := s.controlIncidents(cid)
	if err != nil {
		return 0, nil, err
	}
	filter, perr := parsePairs(q.Get("q"), ';')
	if perr != nil {
		return 0, nil, errorf(http.StatusBadRequest, "", "q: %v", perr)
	}
	var sel []*Incident
	for _, inc := range all {
		ok := true
		for k, v := range filter {
			switch k {
			case "GlobalUserName":
				ok = ok && inc.User == v
			case "Role":
				ok = ok && inc.Role == v
			case "Status":
				ok = ok && inc.Status == v
			default:
				return 0, nil, errorf(http.StatusBadRequest, "", "q: %s is not queryable in the fake", k)
			}
		}
		if ok {
			sel = append(sel, inc)
		}
	}
	sel, meta, pe := page(sel, q)
	if pe != nil {
		return 0, nil, pe
	}
	items := make([]map[string]any, len(sel))
	for i, inc := range sel {
		items[i] = s.incidentJSON(inc, q.Get("onlyData") == "true")
	}
	meta["items"] = items
	return http.StatusOK, meta, nil
}

func (s *Server) findIncident(cid, key string) (*Incident, *adfError) {
	all, err := s.controlIncidents(cid)
	if err != nil {
		return nil, err
	}
	for _, inc := range all {
		if inc.Key == key {
			return inc, nil
		}
	}
	return nil, errorf(http.StatusNotFound, "", "no incident %s of control %s", key, cid)
}

func (s *Server) getIncident(cid, key string, q url.Values) (int, any, *adfError) {
	inc, err := s.findIncident(cid, key)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.incidentJSON(inc, q.Get("onlyData") == "true"), nil
}

func (s *Server) patchIncident(cid, key string, body []byte, _ string) (int, any, *adfError) {
	inc, err := s.findIncident(cid, key)
	if err != nil {
		return 0, nil, err
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, errorf(http.StatusBadRequest, "", "the request body is not valid: %v", err)
	}
	status, investigator := inc.Status, inc.Investigator
	for k, raw := range in {
		var v string
		if json.Unmarshal(raw, &v) != nil {
			return 0, nil, errorf(http.StatusBadRequest, "", "%s must be a string", k)
		}
		switch k {
		case "Status":
			switch fusionsod.IncidentStatus(v) {
			case fusionsod.IncidentAssigned, fusionsod.IncidentAccepted, fusionsod.IncidentRemediate, fusionsod.IncidentResolved:
				status = v
			default:
				return 0, nil, errorf(http.StatusBadRequest, "", "Status %q is not one of Assigned, Accepted, Remediate, Resolved", v)
			}
		case "ResultInvestigator":
			investigator = v
		default:
			return 0, nil, errorf(http.StatusBadRequest, "", "attribute %s cannot be updated", k)
		}
	}
	inc.Status, inc.Investigator, inc.Updated = status, investigator, s.now()
	return http.StatusOK, s.incidentJSON(inc, false), nil
}

func (s *Server) addComment(cid, key string, body []byte, by string) (int, any, *adfError) {
	inc, err := s.findIncident(cid, key)
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		UserComment string `json:"UserComment"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, errorf(http.StatusBadRequest, "", "the request body is not valid: %v", err)
	}
	switch n := utf8.RuneCountInString(in.UserComment); {
	case strings.TrimSpace(in.UserComment) == "":
		return 0, nil, errorf(http.StatusBadRequest, "", "UserComment is required")
	case n > fusionsod.MaxCommentLength:
		return 0, nil, errorf(http.StatusBadRequest, "", "UserComment has %d characters; the most is %d", n, fusionsod.MaxCommentLength)
	}
	c := Comment{Text: in.UserComment, By: by, Created: s.now()}
	inc.Comments = append(inc.Comments, c)
	return http.StatusCreated, map[string]any{"CommentId": s.st.next(), "UserComment": c.Text, "CreatedBy": by,
		"CreationDate": c.Created.UTC().Format("2006-01-02T15:04:05.000+00:00")}, nil
}
