package fusionsod_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
	"github.com/hrbridge/hrbridge/internal/paging"
)

func TestCleanAnalysis(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	srv.AddControl(fusionsodtest.Control{Name: "Pay and approve", Roles: [2]string{"AP_PAYER", "AP_APPROVER"}})
	c := newClient(t, srv)
	a, err := c.Analyse(context.Background(), fusionsod.AccessRequest{User: "AP_Manager", Roles: []fusionsod.RoleRequest{
		{Code: "AP_PAYER", DataAccess: []fusionsod.DataAccess{{Kind: fusionsod.BusinessUnit, Value: "Vision China"}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if a.RequestID != "1" || len(a.Conflicts) != 0 {
		t.Fatalf("analysis %+v: want request 1 without conflicts", a)
	}
	run := requestsTo(srv, "/action/runUserProvisioningAnalysis")
	if len(run) != 1 || run[0].Header.Get("Content-Type") != fusionsod.ActionContentType {
		t.Fatalf("run requests %+v", run)
	}
	want := map[string]any{"userName": "AP_Manager", "provisioningInfo": map[string]any{"AP_PAYER": []any{"BUSINESS_UNIT = Vision China"}}}
	if d := cmp.Diff(want, decode(t, run[0].Body)); d != "" {
		t.Errorf("run body (-want +got):\n%s", d)
	}
	// The fake answered the tutorial's {"result": "1"}; the client sends
	// the reference's number back.
	st := requestsTo(srv, "/action/getRequestStatus")
	if len(st) == 0 || strings.TrimSpace(string(st[0].Body)) != `{"requestId":1}` {
		t.Errorf("status request %s", st[0].Body)
	}
}

func TestConflictingAnalysis(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	srv.AddRole("PROV_TEST_ROLE1", "Prov Test Role1")
	srv.AddRole("PROV_TEST_ROLE2", "Prov Test Role2")
	id := srv.AddControl(fusionsodtest.Control{Name: "Enter journal and view risk", Roles: [2]string{"PROV_TEST_ROLE1", "PROV_TEST_ROLE2"}, Path: "Enter Journal By Spreadsheet"})
	scoped := srv.AddControl(fusionsodtest.Control{Name: "China payables", Roles: [2]string{"AP_PAYER", "AP_APPROVER"}, DataAccess: []string{"BUSINESS_UNIT = Vision China"}})
	// The user holds Role1 already: the analysis counts it.
	srv.AddUser("AP_Manager", fusionsodtest.Grant{Role: "PROV_TEST_ROLE1"}, fusionsodtest.Grant{Role: "AP_APPROVER"})
	c := newClient(t, srv)
	ctx := context.Background()

	a, err := c.Analyse(ctx, req("AP_Manager", "PROV_TEST_ROLE2"))
	if err != nil {
		t.Fatal(err)
	}
	want := []fusionsod.Conflict{{ID: a.Conflicts[0].ID, ControlID: itoa(id), ControlName: "Enter journal and view risk",
		InputRoleCode: "PROV_TEST_ROLE2", InputRoleName: "Prov Test Role2", IncidentPath: "Enter Journal By Spreadsheet",
		IncidentPathCode: "PROV_TEST_ROLE2", ConflictingRole: "Prov Test Role1"}}
	if d := cmp.Diff(want, a.Conflicts); d != "" {
		t.Errorf("conflicts (-want +got):\n%s", d)
	}

	// A scoped control applies only to the data access it names.
	other := fusionsod.AccessRequest{User: "AP_Manager", Roles: []fusionsod.RoleRequest{{Code: "AP_PAYER", DataAccess: []fusionsod.DataAccess{{Kind: fusionsod.BusinessUnit, Value: "Vision Italy"}}}}}
	if a, err := c.Analyse(ctx, other); err != nil || len(a.Conflicts) != 0 {
		t.Errorf("Vision Italy: %v, %+v: want no conflict", err, a)
	}
	other.Roles[0].DataAccess[0].Value = "Vision China"
	if a, err := c.Analyse(ctx, other); err != nil || len(a.Conflicts) != 1 || a.Conflicts[0].ControlID != itoa(scoped) {
		t.Errorf("Vision China: %v, %+v: want control %d", err, a, scoped)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestFailedAnalysis(t *testing.T) {
	srv := fusionsodtest.NewServer(t, fusionsodtest.WithAnalysisTime(10*time.Millisecond))
	srv.FailAnalyses("AP_Manager")
	c := newClient(t, srv)
	_, err := c.Analyse(context.Background(), req("AP_Manager", "ROLE"))
	if !errors.Is(err, fusionsod.ErrAnalysisFailed) || errors.Is(err, fusionsod.ErrAnalysisTimeout) || errors.Is(err, fusionsod.ErrUnknownStatus) {
		t.Fatalf("err = %v: want only ErrAnalysisFailed", err)
	}
	var ae *fusionsod.AnalysisError
	if !errors.As(err, &ae) || ae.Status != "Job Failed>" || ae.RequestID != "1" || ae.Polls < 1 {
		t.Errorf("AnalysisError %+v", ae)
	}
}

func TestSlowAnalysisIsPolledUntilItEnds(t *testing.T) {
	srv := fusionsodtest.NewServer(t, fusionsodtest.WithAnalysisTime(60*time.Millisecond), fusionsodtest.WithForm(fusionsodtest.FormReference))
	srv.AddControl(fusionsodtest.Control{Roles: [2]string{"A", "B"}})
	c := newClient(t, srv)
	a, err := c.Analyse(context.Background(), req("U", "A", "B"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Conflicts) != 2 {
		t.Errorf("conflicts %+v: want A with B and B with A", a.Conflicts)
	}
	if n := len(requestsTo(srv, "/action/getRequestStatus")); n < 2 {
		t.Errorf("%d status requests: a slow analysis is polled more than once", n)
	}
}

func TestNeverEndingAnalysis(t *testing.T) {
	frozen := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv := fusionsodtest.NewServer(t, fusionsodtest.WithAnalysisTime(time.Hour), fusionsodtest.WithClock(func() time.Time { return frozen }))
	ctx := context.Background()

	// The client's own bound.
	c := newClient(t, srv, fusionsod.WithPolling(time.Millisecond, 5*time.Millisecond, 60*time.Millisecond))
	id, err := c.RunAnalysis(ctx, req("U", "A"))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Wait(ctx, id)
	var ae *fusionsod.AnalysisError
	if !errors.Is(err, fusionsod.ErrAnalysisTimeout) || errors.Is(err, fusionsod.ErrAnalysisFailed) || !errors.As(err, &ae) || ae.Status != "Job Queued>" {
		t.Fatalf("err = %v (%+v): want ErrAnalysisTimeout after Queued", err, ae)
	}

	// The caller's deadline.
	c = newClient(t, srv)
	dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := c.Wait(dctx, id); !errors.Is(err, fusionsod.ErrAnalysisTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: err = %v", err)
	}
	// A cancellation is not a timeout.
	cctx, cancel2 := context.WithCancel(ctx)
	time.AfterFunc(20*time.Millisecond, cancel2)
	if err := c.Wait(cctx, id); !errors.Is(err, context.Canceled) || errors.Is(err, fusionsod.ErrAnalysisTimeout) {
		t.Errorf("cancel: err = %v", err)
	}
}

func TestUnknownStatus(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	statusOnly := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/getRequestStatus") }
	c := newClient(t, srv)
	ctx := context.Background()
	id, err := c.RunAnalysis(ctx, req("U", "A"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Faults.Push(fusionsodtest.Fault{Match: statusOnly, Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"result":"Job Paused>"}`})
	err = c.Wait(ctx, id)
	if !errors.Is(err, fusionsod.ErrUnknownStatus) || errors.Is(err, fusionsod.ErrAnalysisFailed) || errors.Is(err, fusionsod.ErrAnalysisTimeout) {
		t.Fatalf("err = %v: want only ErrUnknownStatus", err)
	}
	// Told what the text means, the client goes on polling.
	c = newClient(t, srv, fusionsod.WithStatusText("Paused", fusionsod.StatusStarted))
	srv.Faults.Push(fusionsodtest.Fault{Match: statusOnly, Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"result":"Job Paused>"}`})
	if err := c.Wait(ctx, id); err != nil {
		t.Fatal(err)
	}
	// A result that is not a text at all.
	srv.Faults.Push(fusionsodtest.Fault{Match: statusOnly, Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"result":{"x":1}}`})
	if _, err := c.RequestStatus(ctx, id); !errors.Is(err, fusionsod.ErrUnexpectedContent) {
		t.Errorf("object result: %v", err)
	}
}

// TestBothForms runs an analysis with every combination of what the
// client sends and what the fake answers.
func TestBothForms(t *testing.T) {
	for _, form := range []fusionsodtest.Form{fusionsodtest.FormSeed, fusionsodtest.FormReference} {
		for _, field := range []fusionsod.RolesField{fusionsod.RolesFieldReference, fusionsod.RolesFieldSeed} {
			for _, idf := range []fusionsod.IDForm{fusionsod.IDNumber, fusionsod.IDString} {
				srv := fusionsodtest.NewServer(t, fusionsodtest.WithForm(form), fusionsodtest.WithAnalysisTime(5*time.Millisecond))
				srv.AddControl(fusionsodtest.Control{Roles: [2]string{"A", "B"}})
				c := newClient(t, srv, fusionsod.WithRolesField(field), fusionsod.WithRequestIDForm(idf))
				a, err := c.Analyse(context.Background(), req("U", "A", "B"))
				if err != nil || len(a.Conflicts) != 2 || a.RequestID != "1" {
					t.Errorf("form %d, %s, id form %d: %v, %+v", form, field, idf, err, a)
					continue
				}
				run := decode(t, requestsTo(srv, "/runUserProvisioningAnalysis")[0].Body)
				if _, ok := run[string(field)]; !ok {
					t.Errorf("run body %v has no %s", run, field)
				}
				st := decode(t, requestsTo(srv, "/getRequestStatus")[0].Body)
				if _, isString := st["requestId"].(string); isString != (idf == fusionsod.IDString) {
					t.Errorf("id form %d: status body %v", idf, st)
				}
			}
		}
	}
}

func TestResultsArePaged(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	var roles []string
	for i := range 30 {
		code := "R" + itoa(int64(i))
		roles = append(roles, code)
		srv.AddControl(fusionsodtest.Control{Roles: [2]string{code, "HELD"}})
	}
	srv.AddUser("U", fusionsodtest.Grant{Role: "HELD"})
	c := newClient(t, srv, fusionsod.WithPageSize(7))
	ctx := context.Background()
	a, err := c.Analyse(ctx, req("U", roles...))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Conflicts) != 30 {
		t.Fatalf("%d conflicts, want 30", len(a.Conflicts))
	}
	seen := map[string]bool{}
	for _, cf := range a.Conflicts {
		if seen[cf.ID] {
			t.Errorf("result %s twice", cf.ID)
		}
		seen[cf.ID] = true
	}
	pages := requestsTo(srv, "/advancedControlsRolesProvisioning")
	if len(pages) != 5 {
		t.Errorf("%d page requests, want 5 of 7", len(pages))
	}
	q := pages[0].Query
	if q.Get("finder") != "getUserProvisioningAnalysisIncidents;requestId=1" || q.Get("limit") != "7" || q.Get("offset") != "0" || q.Get("onlyData") != "true" {
		t.Errorf("first page query %v", q)
	}
	// The page-level call, for callers who checkpoint.
	p, err := c.ConflictsPage(ctx, a.RequestID, "28")
	if err != nil || len(p.Items) != 2 || p.Next != "" || p.Total != 30 {
		t.Errorf("last page: %v, %+v", err, p)
	}
	p, err = c.ConflictsPage(ctx, a.RequestID, "")
	if err != nil || len(p.Items) != 7 || p.Next != "7" {
		t.Errorf("first page: %v, %+v", err, p)
	}
	if _, err := c.ConflictsPage(ctx, a.RequestID, "x"); !errors.Is(err, fusionsod.ErrInvalid) {
		t.Errorf("bad next: %v", err)
	}
	// A bound on how much one list yields.
	c = newClient(t, srv, fusionsod.WithPageSize(7), fusionsod.WithMaxResults(20))
	n := 0
	for _, err := range c.Conflicts(ctx, a.RequestID) {
		if err != nil {
			if !errors.Is(err, fusionsod.ErrTooManyResults) {
				t.Errorf("err = %v", err)
			}
			break
		}
		n++
	}
	if n > 20 {
		t.Errorf("%d items past the bound of 20", n)
	}
}

func TestEndlessHasMoreIsBounded(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	c := newClient(t, srv)
	ctx := context.Background()
	finder := func(r *http.Request) bool { return r.Method == http.MethodGet }
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	// The same page again and again, each saying there is more.
	srv.Faults.Push(fusionsodtest.Fault{Match: finder, Times: 1000, Status: 200, Header: jsonCT,
		Body: `{"items":[{"advancedControlsRolesProvisioningUniqID":14,"controlId":86731,"inputRoleCode":"A","conflictingRole":"B"}],"count":1,"hasMore":true}`})
	var err error
	n := 0
	for _, err = range c.Conflicts(ctx, "1") {
		if err != nil {
			break
		}
		n++
	}
	if !errors.Is(err, paging.ErrRepeatedPage) || n != 1 {
		t.Errorf("repeated page: %d items, err %v", n, err)
	}
	srv.Faults.Reset()
	// An empty page that says there is more.
	srv.Faults.Push(fusionsodtest.Fault{Match: finder, Status: 200, Header: jsonCT, Body: `{"items":[],"count":0,"hasMore":true}`})
	for _, err = range c.Conflicts(ctx, "1") {
		break
	}
	if !errors.Is(err, fusionsod.ErrUnexpectedContent) {
		t.Errorf("empty page with hasMore: %v", err)
	}
	// An answer that is not a collection is no "no conflicts".
	srv.Faults.Push(fusionsodtest.Fault{Match: finder, Status: 200, Header: jsonCT, Body: `{"status":"ok"}`})
	if _, err := c.ConflictsPage(ctx, "1", ""); !errors.Is(err, fusionsod.ErrUnexpectedContent) {
		t.Errorf("not a collection: %v", err)
	}
	// A page that starts elsewhere than asked.
	srv.Faults.Push(fusionsodtest.Fault{Match: finder, Status: 200, Header: jsonCT, Body: `{"items":[],"offset":50,"hasMore":false}`})
	if _, err := c.ConflictsPage(ctx, "1", ""); !errors.Is(err, fusionsod.ErrUnexpectedContent) {
		t.Errorf("wrong offset: %v", err)
	}
}

func TestValidationSendsNothing(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	c := newClient(t, srv)
	bad := fusionsod.AccessRequest{ID: "T-9", User: " ", Roles: []fusionsod.RoleRequest{
		{Code: "A", DataAccess: []fusionsod.DataAccess{{Kind: "BUSINESS UNIT", Value: "x"}}},
		{Code: "A"},
		{Code: ""},
	}}
	_, err := c.RunAnalysis(context.Background(), bad)
	if !errors.Is(err, fusionsod.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{`request "T-9"`, "User is empty", `Roles[1].Code "A" is asked for twice`, "Roles[2].Code", "Roles[0] (A).DataAccess[0]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not say %q", err, want)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestParseStatusForms(t *testing.T) {
	for text, want := range map[string]fusionsod.Status{
		"Job Completed>": fusionsod.StatusCompleted, "Completed": fusionsod.StatusCompleted, " job\tcompleted > ": fusionsod.StatusCompleted,
		"Queued": fusionsod.StatusQueued, "Job Queued>": fusionsod.StatusQueued, "STARTED": fusionsod.StatusStarted,
		"Failed": fusionsod.StatusFailed, "Job Failed>": fusionsod.StatusFailed,
	} {
		if got, err := fusionsod.ParseStatus(text); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", text, got, err, want)
		}
	}
	for _, text := range []string{"", "Job>", "Completed with errors", "Jobs Completed", "Running"} {
		if got, err := fusionsod.ParseStatus(text); !errors.Is(err, fusionsod.ErrUnknownStatus) {
			t.Errorf("%q: %q, %v; want ErrUnknownStatus", text, got, err)
		}
	}
}

func TestAnalysisErrorText(t *testing.T) {
	for _, e := range []*fusionsod.AnalysisError{
		{RequestID: "7", Status: "Job Failed>", Polls: 3, Kind: fusionsod.ErrAnalysisFailed},
		{RequestID: "7", Polls: 0, Kind: context.Canceled},
		{RequestID: "7", Status: "Started", Polls: 9, Kind: fusionsod.ErrAnalysisTimeout, Err: context.DeadlineExceeded},
	} {
		if s := e.Error(); !strings.HasPrefix(s, "fusionsod: analysis 7: ") || strings.Count(s, "fusionsod") != 1 {
			t.Errorf("%q", s)
		}
	}
}

// A request id that is not a number is quoted in the finder, never taken
// as finder syntax.
func TestFinderQuotesOddIDs(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	c := newClient(t, srv)
	_, err := c.ConflictsPage(context.Background(), `1,requestId=2;x "y"`, "")
	// The fake read the whole id as one value (and refused it: its ids
	// are numbers).
	if err == nil || !strings.Contains(err.Error(), `requestId "1,requestId=2;x \"y\"" is not a request id`) {
		t.Errorf("err = %v", err)
	}
	if f := requestsTo(srv, "/advancedControlsRolesProvisioning")[0].Query.Get("finder"); f != `getUserProvisioningAnalysisIncidents;requestId="1,requestId=2;x \"y\""` {
		t.Errorf("finder %s", f)
	}
}
