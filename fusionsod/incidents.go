package fusionsod

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// IncidentStatus is an access incident's status. Users set Assigned,
// Accepted, Remediate and Resolved; Fusion sets Control Inactive and
// Closed.
type IncidentStatus string

const (
	IncidentAssigned        IncidentStatus = "Assigned"  // the initial status
	IncidentAccepted        IncidentStatus = "Accepted"  // nothing needs doing: the risk is accepted
	IncidentRemediate       IncidentStatus = "Remediate" // action is needed
	IncidentResolved        IncidentStatus = "Resolved"  // remedial action was taken
	IncidentControlInactive IncidentStatus = "Control Inactive"
	IncidentClosed          IncidentStatus = "Closed"
)

// settable reports whether a PATCH may set s.
func (s IncidentStatus) settable() bool {
	switch s {
	case IncidentAssigned, IncidentAccepted, IncidentRemediate, IncidentResolved:
		return true
	}
	return false
}

// MaxCommentLength is the most characters a comment (UserComment) holds.
const MaxCommentLength = 2000

// Incident is an access incident of an advanced control
// (advancedControls/{Id}/child/incidents).
type Incident struct {
	// Key is the item's key in its URL, an opaque hash taken from its self
	// link; ControlID and Key address the incident.
	Key               string         `json:"key"`
	ID                string         `json:"id"`
	ControlID         string         `json:"controlId"`
	ControlName       string         `json:"controlName,omitempty"`
	Status            IncidentStatus `json:"status"`
	State             string         `json:"state,omitempty"`
	Investigator      string         `json:"investigator,omitempty"` // ResultInvestigator
	User              string         `json:"user,omitempty"`         // GlobalUserName
	UserID            string         `json:"userId,omitempty"`       // GlobalUserId
	Role              string         `json:"role,omitempty"`
	ConflictingRoles  string         `json:"conflictingRoles,omitempty"`
	AccessPoint       string         `json:"accessPoint,omitempty"`            // AccessPointName
	ConflictingAccess string         `json:"conflictingAccessPoint,omitempty"` // ConflictingAccPointName
	Information       string         `json:"information,omitempty"`            // IncidentInformation
	Priority          string         `json:"priority,omitempty"`
	Created           string         `json:"created,omitempty"`     // CreationDate, as Fusion wrote it
	LastUpdated       string         `json:"lastUpdated,omitempty"` // LastUpdateDate
}

// incidentJSON is an incident as Fusion writes it.
type incidentJSON struct {
	ID                 flexString `json:"Id"`
	ControlID          flexString `json:"ControlId"`
	ControlName        string     `json:"ControlName"`
	Status             string     `json:"Status"`
	State              string     `json:"State"`
	ResultInvestigator string     `json:"ResultInvestigator"`
	GlobalUserName     string     `json:"GlobalUserName"`
	GlobalUserID       flexString `json:"GlobalUserId"`
	Role               string     `json:"Role"`
	ConflictingRoles   string     `json:"ConflictingRoles"`
	AccessPointName    string     `json:"AccessPointName"`
	ConflictingAcc     string     `json:"ConflictingAccPointName"`
	Information        string     `json:"IncidentInformation"`
	Priority           flexString `json:"Priority"`
	CreationDate       string     `json:"CreationDate"`
	LastUpdateDate     string     `json:"LastUpdateDate"`
	Links              []link     `json:"links"`
}

func (j *incidentJSON) incident() Incident {
	return Incident{Key: selfKey(j.Links), ID: string(j.ID), ControlID: string(j.ControlID), ControlName: j.ControlName,
		Status: IncidentStatus(j.Status), State: j.State, Investigator: j.ResultInvestigator, User: j.GlobalUserName,
		UserID: string(j.GlobalUserID), Role: j.Role, ConflictingRoles: j.ConflictingRoles, AccessPoint: j.AccessPointName,
		ConflictingAccess: j.ConflictingAcc, Information: j.Information, Priority: string(j.Priority),
		Created: j.CreationDate, LastUpdated: j.LastUpdateDate}
}

func (j *incidentJSON) key() string {
	if k := selfKey(j.Links); k != "" {
		return k
	}
	return string(j.ID)
}

// IncidentQuery selects a control's incidents; the zero value selects all.
type IncidentQuery struct {
	User   string         // GlobalUserName
	Role   string         // Role, as Fusion names it
	Status IncidentStatus // Status
}

// values returns the ADF q parameter: Attr=value pairs joined by ";",
// each value quoted when it needs to be (see finderValue). It does not ask
// for onlyData: an incident's key is only in its self link.
func (q IncidentQuery) values() url.Values {
	var parts []string
	for _, kv := range [][2]string{{"GlobalUserName", q.User}, {"Role", q.Role}, {"Status", string(q.Status)}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+finderValue(kv[1]))
		}
	}
	v := url.Values{}
	if len(parts) > 0 {
		v.Set("q", strings.Join(parts, ";"))
	}
	return v
}

func incidentsPath(controlID string) string {
	return "advancedControls/" + url.PathEscape(controlID) + "/child/incidents"
}

func checkControl(op, controlID string) error {
	if strings.TrimSpace(controlID) == "" {
		return invalid(op, []string{"the control id is empty"})
	}
	return nil
}

// IncidentsPage returns one page of a control's incidents; next is "" for
// the first page and the Next of the page before for the others.
func (c *Client) IncidentsPage(ctx context.Context, controlID string, q IncidentQuery, next string) (*Page[Incident], error) {
	if err := checkControl("ListIncidents", controlID); err != nil {
		return nil, err
	}
	p, _, err := getPage(ctx, c, "ListIncidents", incidentsPath(controlID), q.values(), next, (*incidentJSON).incident, (*incidentJSON).key)
	return p, err
}

// Incidents yields every incident of a control that q selects, page after
// page.
func (c *Client) Incidents(ctx context.Context, controlID string, q IncidentQuery) iter.Seq2[Incident, error] {
	if err := checkControl("ListIncidents", controlID); err != nil {
		return func(yield func(Incident, error) bool) { yield(Incident{}, err) }
	}
	return listAll(ctx, c, "ListIncidents", incidentsPath(controlID), q.values(), (*incidentJSON).incident, (*incidentJSON).key)
}

// IncidentUpdate is what UpdateIncident changes; an empty field is left as
// it is.
type IncidentUpdate struct {
	Status       IncidentStatus // Assigned, Accepted, Remediate or Resolved
	Investigator string         // ResultInvestigator
}

func incidentPath(inc *Incident) string {
	return incidentsPath(inc.ControlID) + "/" + url.PathEscape(inc.Key)
}

func (inc *Incident) check() []string {
	if inc == nil || inc.ControlID == "" || inc.Key == "" {
		return []string{"the incident has no ControlID or Key: take it from Incidents"}
	}
	return nil
}

// UpdateIncident sets an incident's Status and investigator (PATCH) and
// returns it as Fusion answers.
func (c *Client) UpdateIncident(ctx context.Context, inc *Incident, u IncidentUpdate) (*Incident, error) {
	const op = "UpdateIncident"
	p := inc.check()
	body := map[string]string{}
	if u.Status != "" {
		if !u.Status.settable() {
			p = append(p, fmt.Sprintf("Status %q is not one of Assigned, Accepted, Remediate and Resolved", u.Status))
		}
		body["Status"] = string(u.Status)
	}
	if u.Investigator != "" {
		body["ResultInvestigator"] = u.Investigator
	}
	if len(body) == 0 {
		p = append(p, "the update changes nothing")
	}
	if err := invalid(op, p); err != nil {
		return nil, err
	}
	var out incidentJSON
	// Setting values is safe to repeat.
	if err := c.do(ctx, request{op: op, method: http.MethodPatch, path: incidentPath(inc), body: body, contentType: ItemContentType, idempotent: true}, &out); err != nil {
		return nil, err
	}
	got := out.incident()
	if got.Key == "" {
		got.Key = inc.Key
	}
	if got.ControlID == "" {
		got.ControlID = inc.ControlID
	}
	return &got, nil
}

// checkComment checks a justification: not empty, valid UTF-8, at most
// MaxCommentLength characters. A longer one is an error, never cut.
func checkComment(text string) string {
	switch n := utf8.RuneCountInString(text); {
	case strings.TrimSpace(text) == "":
		return "the comment is empty"
	case !utf8.ValidString(text):
		return "the comment is not valid UTF-8"
	case n > MaxCommentLength:
		return fmt.Sprintf("the comment has %d characters; Fusion keeps at most %d", n, MaxCommentLength)
	}
	return ""
}

// AddComment posts a comment (a justification) on an incident
// (child/comments, UserComment). A text longer than MaxCommentLength
// characters is refused before anything is sent.
func (c *Client) AddComment(ctx context.Context, inc *Incident, text string) error {
	const op = "AddComment"
	p := inc.check()
	if msg := checkComment(text); msg != "" {
		p = append(p, msg)
	}
	if err := invalid(op, p); err != nil {
		return err
	}
	body := map[string]string{"UserComment": text}
	return c.do(ctx, request{op: op, method: http.MethodPost, path: incidentPath(inc) + "/child/comments", body: body, contentType: ItemContentType}, nil)
}
