package fusionsod_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
)

func TestIncidentsListUpdateComment(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	cid := srv.AddControl(fusionsodtest.Control{Name: "Pay and approve", Roles: [2]string{"A", "B"}})
	user := `O'Brien, "Pat"; x=1`
	for i := range 12 {
		srv.AddIncident(fusionsodtest.Incident{ControlID: cid, ControlName: "Pay and approve", User: user, Role: "Role " + strconv.Itoa(i%3)})
	}
	srv.AddIncident(fusionsodtest.Incident{ControlID: cid, User: "someone else", Role: "Role 1"})
	c := newClient(t, srv, fusionsod.WithPageSize(5))
	ctx := context.Background()
	control := strconv.FormatInt(cid, 10)

	var got []fusionsod.Incident
	for inc, err := range c.Incidents(ctx, control, fusionsod.IncidentQuery{User: user, Role: "Role 1"}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, inc)
	}
	if len(got) != 4 {
		t.Fatalf("%d incidents, want the 4 of %q with Role 1", len(got), user)
	}
	for _, inc := range got {
		if inc.User != user || inc.Role != "Role 1" || inc.Status != fusionsod.IncidentAssigned || inc.Key == "" || inc.ControlID != control {
			t.Errorf("incident %+v", inc)
		}
	}
	// The user name's quotes, comma, semicolon and equals sign are
	// quoted in q, not taken as syntax.
	lists := requestsTo(srv, "/child/incidents")
	if q := lists[0].Query.Get("q"); q != `GlobalUserName="O'Brien, \"Pat\"; x=1";Role="Role 1"` {
		t.Errorf("q = %s", q)
	}

	inc := got[0]
	up, err := c.UpdateIncident(ctx, &inc, fusionsod.IncidentUpdate{Status: fusionsod.IncidentRemediate, Investigator: "AUDITOR"})
	if err != nil {
		t.Fatal(err)
	}
	if up.Status != fusionsod.IncidentRemediate || up.Investigator != "AUDITOR" || up.Key != inc.Key {
		t.Errorf("updated %+v", up)
	}
	if _, err := c.UpdateIncident(ctx, &inc, fusionsod.IncidentUpdate{Status: fusionsod.IncidentClosed}); !errors.Is(err, fusionsod.ErrInvalid) {
		t.Errorf("Closed is set by Fusion, not by a PATCH: %v", err)
	}

	// 2,000 characters of non-ASCII text are taken; 2,001 are refused
	// before sending, never cut.
	ok := strings.Repeat("ü", fusionsod.MaxCommentLength)
	if err := c.AddComment(ctx, &inc, ok); err != nil {
		t.Fatal(err)
	}
	before := len(srv.Requests())
	err = c.AddComment(ctx, &inc, ok+"!")
	if !errors.Is(err, fusionsod.ErrInvalid) || !strings.Contains(err.Error(), "2001 characters") {
		t.Errorf("long comment: %v", err)
	}
	if err := c.AddComment(ctx, &inc, "\xff\xfe"); !errors.Is(err, fusionsod.ErrInvalid) {
		t.Errorf("invalid UTF-8: %v", err)
	}
	if len(srv.Requests()) != before {
		t.Error("an invalid comment was sent")
	}
	for _, i := range srv.Incidents() {
		if i.Key == inc.Key {
			if i.Status != "Remediate" || len(i.Comments) != 1 || i.Comments[0].Text != ok {
				t.Errorf("fake's incident %+v", i)
			}
		}
	}
	// An unknown control.
	var lerr error
	for _, err := range c.Incidents(ctx, "999", fusionsod.IncidentQuery{}) {
		lerr = err
	}
	if !errors.Is(lerr, fusionsod.ErrNotFound) {
		t.Errorf("unknown control: %v", lerr)
	}
	if _, err := c.IncidentsPage(ctx, "", fusionsod.IncidentQuery{}, ""); !errors.Is(err, fusionsod.ErrInvalid) {
		t.Errorf("empty control: %v", err)
	}
}

func TestCheckRoles(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	srv.AddControl(fusionsodtest.Control{Roles: [2]string{"AP_PAYER", "AP_APPROVER"}, DataAccess: []string{"BUSINESS_UNIT = X"}})
	srv.AddUser("U", fusionsodtest.Grant{Role: "AP_APPROVER"})
	c := newClient(t, srv)
	ctx := context.Background()
	rc, err := c.CheckRoles(ctx, "U", []string{"GL_VIEWER"})
	if err != nil || !rc.OK() {
		t.Fatalf("clean: %v, %+v", err, rc)
	}
	// The rules check looks at roles, not data access.
	rc, err = c.CheckRoles(ctx, "U", []string{"AP_PAYER", "GL_VIEWER"})
	if err != nil || rc.OK() || len(rc.Violations["AP_PAYER"]) != 1 || rc.Violations["AP_PAYER"][0] != "AP_APPROVER" {
		t.Fatalf("violation: %v, %+v", err, rc)
	}
	if _, err := c.CheckRoles(ctx, "", nil); !errors.Is(err, fusionsod.ErrInvalid) {
		t.Errorf("empty: %v", err)
	}
}

func TestApproveValidates(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	c := newClient(t, srv)
	if err := c.Approve(context.Background(), "1", []string{"", "A\n"}); !errors.Is(err, fusionsod.ErrInvalid) || !strings.Contains(err.Error(), "roles[1]") {
		t.Errorf("err = %v", err)
	}
	if err := c.Approve(context.Background(), "7", []string{"A"}); !errors.Is(err, fusionsod.ErrNotFound) {
		t.Errorf("unknown request: %v", err)
	}
	if len(srv.Requests()) != 1 {
		t.Errorf("%d requests", len(srv.Requests()))
	}
}
