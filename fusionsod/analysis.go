package fusionsod

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// Paths of the role-provisioning simulation, under DefaultPath.
const (
	provisioningPath = "advancedControlsRolesProvisioning"
	runPath          = provisioningPath + "/action/runUserProvisioningAnalysis"
	statusPath       = provisioningPath + "/action/getRequestStatus"
	approvePath      = provisioningPath + "/action/approveProvisioningRequest"
	// IncidentsFinder is the finder that lists an analysis' results.
	IncidentsFinder = "getUserProvisioningAnalysisIncidents"
)

// actionResult is the answer of every ADF action: {"result": ...}.
type actionResult struct {
	Result json.RawMessage `json:"result"`
}

// RunAnalysis starts a provisioning analysis (runUserProvisioningAnalysis):
// would req's roles, with their data access, added to what the user already
// has, break a segregation-of-duties control? Fusion creates no incident;
// the analysis is a simulation. It returns the id to poll.
func (c *Client) RunAnalysis(ctx context.Context, req AccessRequest) (RequestID, error) {
	const op = "runUserProvisioningAnalysis"
	if err := invalid(op, req.check()); err != nil {
		return "", err
	}
	roles := make(map[string][]string, len(req.Roles))
	for _, r := range req.Roles {
		das := make([]string, 0, len(r.DataAccess))
		for _, d := range r.DataAccess {
			das = append(das, d.String())
		}
		roles[r.Code] = das
	}
	body := map[string]any{"userName": req.User, string(c.rolesField): roles}
	var res actionResult
	err := c.do(ctx, request{op: op, method: http.MethodPost, path: runPath, body: body, contentType: ActionContentType}, &res)
	if err != nil {
		return "", err
	}
	id, err := parseRequestID(res.Result)
	if err != nil {
		return "", &APIError{Package: pkg, Op: op, Method: http.MethodPost, Kind: ErrUnexpectedContent, Message: err.Error()}
	}
	return id, nil
}

// RequestStatus asks for an analysis' status once (getRequestStatus). A
// status in no known form gives an error wrapping ErrUnknownStatus.
func (c *Client) RequestStatus(ctx context.Context, id RequestID) (Status, error) {
	s, _, err := c.status(ctx, id)
	return s, err
}

// status returns the status and the text the pod wrote.
func (c *Client) status(ctx context.Context, id RequestID) (Status, string, error) {
	const op = "getRequestStatus"
	if id == "" {
		return "", "", invalid(op, []string{"the request id is empty"})
	}
	body := map[string]json.RawMessage{"requestId": requestIDJSON(id, c.idForm)}
	var res actionResult
	// Asking for a status changes nothing: it is safe to repeat.
	err := c.do(ctx, request{op: op, method: http.MethodPost, path: statusPath, body: body, contentType: ActionContentType, idempotent: true}, &res)
	if err != nil {
		return "", "", err
	}
	var text string
	if err := json.Unmarshal(res.Result, &text); err != nil {
		return "", "", &APIError{Package: pkg, Op: op, Method: http.MethodPost, Kind: ErrUnexpectedContent,
			Message: "the result is not a status text: " + snippetOf(res.Result)}
	}
	s, err := c.parseStatus(text)
	if err != nil {
		return "", text, &AnalysisError{RequestID: id, Status: text, Kind: ErrUnknownStatus}
	}
	return s, text, nil
}

func snippetOf(b []byte) string {
	if len(b) == 0 {
		return "(absent)"
	}
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// Wait polls the analysis' status until it ends, waiting the first interval
// of WithPolling and doubling it up to the maximum. It returns nil when the
// analysis completed, and an *AnalysisError that is ErrAnalysisFailed,
// ErrUnknownStatus or ErrAnalysisTimeout otherwise (the last also when ctx's
// deadline passes; a cancelled ctx gives an error wrapping its error).
func (c *Client) Wait(ctx context.Context, id RequestID) error {
	ctx, cancel := context.WithTimeoutCause(ctx, c.wait, ErrAnalysisTimeout)
	defer cancel()
	wait, polls, last := c.pollFirst, 0, ""
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return c.ended(ctx, id, last, polls)
		case <-timer.C:
		}
		polls++
		s, text, err := c.status(ctx, id)
		var ae *AnalysisError
		switch {
		case errors.As(err, &ae):
			ae.Polls = polls
			return ae
		case err != nil && ctx.Err() != nil:
			return c.ended(ctx, id, last, polls)
		case err != nil:
			return err
		case s == StatusCompleted:
			return nil
		case s == StatusFailed:
			return &AnalysisError{RequestID: id, Status: text, Polls: polls, Kind: ErrAnalysisFailed}
		}
		last = text
		wait = min(wait*2, c.pollMax)
		timer.Reset(wait)
	}
}

// ended is the error of a wait that ctx ended: a timeout (the client's
// wait or the caller's deadline), or a cancellation.
func (c *Client) ended(ctx context.Context, id RequestID, last string, polls int) error {
	e := &AnalysisError{RequestID: id, Status: last, Polls: polls, Kind: ErrAnalysisTimeout}
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, context.Canceled):
		e.Kind = context.Canceled
	case cause != ErrAnalysisTimeout:
		e.Err = cause
	}
	return e
}

// Conflict is one result of an analysis: a segregation-of-duties control
// that the role asked for (the input role) would break, together with a
// role the user has or asked for.
type Conflict struct {
	// ID is the result's key (advancedControlsRolesProvisioningUniqID).
	ID          string `json:"id,omitempty"`
	ControlID   string `json:"controlId"`
	ControlName string `json:"controlName"`
	// InputRoleCode and InputRoleName are the role asked for.
	InputRoleCode string `json:"inputRoleCode"`
	InputRoleName string `json:"inputRoleName,omitempty"`
	// IncidentPath is the path through the role hierarchy to the access
	// that conflicts (IncidentPathCode its codes, when sent).
	IncidentPath     string `json:"incidentPath,omitempty"`
	IncidentPathCode string `json:"incidentPathCode,omitempty"`
	// ConflictingRole is the role it conflicts with, by name.
	ConflictingRole string `json:"conflictingRole"`
}

// conflictJSON is a result as Fusion writes it; ids may be numbers or
// strings.
type conflictJSON struct {
	ID               flexString `json:"advancedControlsRolesProvisioningUniqID"`
	ControlID        flexString `json:"controlId"`
	ControlName      string     `json:"controlName"`
	InputRoleCode    string     `json:"inputRoleCode"`
	InputRoleName    string     `json:"inputRoleName"`
	IncidentPath     string     `json:"incidentPath"`
	IncidentPathCode string     `json:"incidentPathCode"`
	ConflictingRole  string     `json:"conflictingRole"`
	Links            []link     `json:"links"`
}

func (j *conflictJSON) conflict() Conflict {
	id := string(j.ID)
	if id == "" {
		id = selfKey(j.Links)
	}
	return Conflict{ID: id, ControlID: string(j.ControlID), ControlName: j.ControlName,
		InputRoleCode: j.InputRoleCode, InputRoleName: j.InputRoleName, IncidentPath: j.IncidentPath,
		IncidentPathCode: j.IncidentPathCode, ConflictingRole: j.ConflictingRole}
}

// key is what tells two results apart when a page has no ids.
func (j *conflictJSON) key() string {
	if j.ID != "" {
		return string(j.ID)
	}
	return string(j.ControlID) + "|" + j.InputRoleCode + "|" + j.ConflictingRole + "|" + j.IncidentPath
}

// finderQuery is the query of an analysis' results.
func finderQuery(id RequestID) url.Values {
	return url.Values{"finder": {IncidentsFinder + ";requestId=" + finderValue(string(id))}, "onlyData": {"true"}}
}

// ConflictsPage returns one page of an analysis' results, through the
// finder getUserProvisioningAnalysisIncidents; next is "" for the first
// page and the Next of the page before for the others.
func (c *Client) ConflictsPage(ctx context.Context, id RequestID, next string) (*Page[Conflict], error) {
	if id == "" {
		return nil, invalid("ListConflicts", []string{"the request id is empty"})
	}
	p, _, err := getPage(ctx, c, "ListConflicts", provisioningPath, finderQuery(id), next, (*conflictJSON).conflict, (*conflictJSON).key)
	return p, err
}

// Conflicts yields every result of a completed analysis, page after page
// (ADF limit, offset and hasMore), checking ctx between pages. A server
// that repeats a page, or whose hasMore never ends, stops the list with an
// error (paging.ErrRepeatedPage, ErrTooManyResults).
func (c *Client) Conflicts(ctx context.Context, id RequestID) iter.Seq2[Conflict, error] {
	if id == "" {
		return func(yield func(Conflict, error) bool) {
			yield(Conflict{}, invalid("ListConflicts", []string{"the request id is empty"}))
		}
	}
	return listAll(ctx, c, "ListConflicts", provisioningPath, finderQuery(id), (*conflictJSON).conflict, (*conflictJSON).key)
}

// Analysis is the outcome of a completed analysis.
type Analysis struct {
	RequestID RequestID  `json:"requestId"`
	User      string     `json:"user"`
	Conflicts []Conflict `json:"conflicts"`
}

// Analyse runs an analysis, waits for it and reads every result: the three
// steps of Oracle's "Analyze for SoD and access violations". The analysis
// counts the user's current roles and data access too.
func (c *Client) Analyse(ctx context.Context, req AccessRequest) (*Analysis, error) {
	id, err := c.RunAnalysis(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := c.Wait(ctx, id); err != nil {
		return nil, err
	}
	a := &Analysis{RequestID: id, User: req.User}
	for cf, err := range c.Conflicts(ctx, id) {
		if err != nil {
			return nil, err
		}
		a.Conflicts = append(a.Conflicts, cf)
	}
	return a, nil
}
