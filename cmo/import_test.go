package cmo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// TestSeedExampleCall sends the user of the seed's example call and checks
// that the request carries the same namespaces, elements, order and values
// as the seed's (testdata/seed_example_call.xml), and that the fake saved
// the user as sent.
func TestSeedExampleCall(t *testing.T) {
	srv := cmotest.NewServer(t)
	// The example sends True for the Yes/No fields.
	c := newClient(t, srv, cmo.WithBoolWords("True", "False"))
	res, err := c.ImportUsers(context.Background(), []cmo.User{seedUser()})
	if err != nil {
		t.Fatal(err)
	}
	// The seed's successful import answers "Partially completed".
	if res.Outcome != cmo.OutcomePartial || res.Records[0].Status != cmo.StatusSaved || res.Imported != 1 || res.Total != 1 || res.Reported != 1 {
		t.Errorf("result = %+v", res)
	}
	calls := soapCalls(srv)
	if len(calls) != 1 {
		t.Fatalf("%d calls", len(calls))
	}
	if got := calls[0].Header.Get("SOAPAction"); got != `"http://cmoglobal/WebServices/UserControlledImport"` {
		t.Errorf("SOAPAction %s", got)
	}
	if got := calls[0].Header.Get("Content-Type"); got != "text/xml; charset=utf-8" {
		t.Errorf("Content-Type %s", got)
	}
	want, err := os.ReadFile("testdata/seed_example_call.xml")
	if err != nil {
		t.Fatal(err)
	}
	if d := diff("", meaning(t, calls[0].Body), meaning(t, want)); d != "" {
		t.Errorf("the request differs from the seed's example call: %s\n%s", d, calls[0].Body)
	}
	u, ok := srv.User("jsmith")
	if !ok {
		t.Fatal("JSmith not stored")
	}
	wantFields := map[string]string{
		"FirstName": "John", "LastName": "Smith", "Password": "jsmith15!", "Email": "Support@cmo-compliance.com",
		"UserRole": "Super User", "JobTitle": "Administration Assistant", "Classification": "Employee",
		"ADLogin": "TestADUser", "Phone": "0395217077", "Mobile": "0477710068", "EmailReminders": "True",
		"ManagerLoginName": "", "UserGroup": "Administrators", "IsADUser": "True",
		"ADUserObjectID": "4CADA701-616F-4BE3-A4B1-78944411B6F5", "DeactivationStart": "15.03.2015",
	}
	if fmt.Sprint(u.Fields) != fmt.Sprint(wantFields) || !slices.Equal(u.Assignments, []cmo.Assignment{{UserRole: "Super User", OrgUnit: "QLD", Entity: "Western Village"}}) {
		t.Errorf("stored %+v", u)
	}
}

func TestDefaultPayloadWordsAndBarePayload(t *testing.T) {
	srv := cmotest.NewServer(t)
	u := person("ada")
	u.EmailReminders, u.MobileAccess = cmo.Some(true), cmo.Some(false)
	if _, err := newClient(t, srv).ImportUsers(context.Background(), []cmo.User{u}); err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(t, srv, cmo.WithBareUsersPayload()).UpdateUsers(context.Background(), []cmo.User{{LoginName: "ada", Phone: cmo.Some("1")}}); err != nil {
		t.Fatal(err)
	}
	calls := soapCalls(srv)
	first, second := string(calls[0].Body), string(calls[1].Body)
	if !strings.Contains(first, `<xmlData><CmoUserFeed xmlns="http://schemas.xmlsoap.org/soap/encoding/"><Users><User>`) ||
		!strings.Contains(first, "<EmailReminders>Yes</EmailReminders><MobileAccess>No</MobileAccess>") {
		t.Errorf("default payload:\n%s", first)
	}
	if !strings.Contains(second, `<xmlData><Users xmlns=""><User><LoginName>ada</LoginName><Phone>1</Phone></User></Users></xmlData>`) {
		t.Errorf("bare payload:\n%s", second)
	}
	if got, _ := srv.User("ada"); got.Fields["EmailReminders"] != "Yes" || got.Fields["Phone"] != "1" {
		t.Errorf("stored %+v", got)
	}
}

// TestAbsentFieldsAreLeftUnchanged: a field not given is not sent and CMO
// keeps it; a field given empty is sent empty and CMO clears it.
func TestAbsentFieldsAreLeftUnchanged(t *testing.T) {
	srv := cmotest.NewServer(t)
	c := newClient(t, srv)
	ctx := context.Background()
	full := seedUser()
	if _, err := c.ImportUsers(ctx, []cmo.User{full}); err != nil {
		t.Fatal(err)
	}
	res, err := c.UpdateUsers(ctx, []cmo.User{{
		LoginName:         "JSmith",
		Phone:             cmo.Some("0400000000"),
		Mobile:            cmo.Some(""),
		DeactivationStart: cmo.Some(cmo.Date{}),
		UserGroups:        cmo.Some([]string{}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Records[0].Status != cmo.StatusUpdated {
		t.Errorf("status %s", res.Records[0].Status)
	}
	body := string(soapCalls(srv)[1].Body)
	if !strings.Contains(body, "<User><LoginName>JSmith</LoginName><Phone>0400000000</Phone><Mobile></Mobile><UserGroup></UserGroup><DeactivationStart></DeactivationStart></User>") {
		t.Errorf("update sent:\n%s", body)
	}
	u, _ := srv.User("JSmith")
	for k, want := range map[string]string{"FirstName": "John", "Email": "Support@cmo-compliance.com", "Phone": "0400000000", "Mobile": "", "DeactivationStart": "", "UserGroup": "", "JobTitle": "Administration Assistant"} {
		if got, ok := u.Fields[k]; !ok || got != want {
			t.Errorf("%s = %q (%v), want %q", k, got, ok, want)
		}
	}
	if len(u.Assignments) != 1 {
		t.Errorf("assignments changed: %v", u.Assignments)
	}
}

func TestPartialFailure(t *testing.T) {
	srv := cmotest.NewServer(t)
	c := newClient(t, srv)
	users := people(5)
	users[1].Assignments = cmo.Some([]cmo.Assignment{{UserRole: "Super User", OrgUnit: "NSW"}})
	users[2].Assignments = cmo.Some([]cmo.Assignment{{UserRole: "Super User", Entity: "Eastern Village"}})
	users[3].UserRole = cmo.Some("Boss")
	users[4].UserGroups = cmo.Some([]string{"Administrators", "Nobody"})
	res, err := c.ImportUsers(context.Background(), users)
	var ie *cmo.ImportError
	if !errors.As(err, &ie) || ie.Result != res {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []error{cmo.ErrImportFailed, cmo.ErrOrgUnitNotFound, cmo.ErrEntityNotFound, cmo.ErrRoleNotFound, cmo.ErrUserGroupNotFound, cmo.ErrRejected} {
		if !errors.Is(err, want) {
			t.Errorf("errors.Is(err, %v) = false", want)
		}
	}
	if errors.Is(err, cmo.ErrUnconfirmed) || errors.Is(err, cmo.ErrBadDate) || errors.Is(err, cmo.ErrCountMismatch) {
		t.Errorf("err matches too much: %v", err)
	}
	if res.Outcome != cmo.OutcomePartial || res.Imported != 1 || res.Selected != 5 || res.Total != 5 || res.Reported != 1 {
		t.Errorf("result = %+v", res)
	}
	wantStatus := []cmo.Status{cmo.StatusSaved, cmo.StatusFailed, cmo.StatusFailed, cmo.StatusFailed, cmo.StatusFailed}
	for i, r := range res.Records {
		if r.Status != wantStatus[i] || r.Key != users[i].LoginName {
			t.Errorf("record %d: %+v", i, r)
		}
	}
	if m := res.Records[1].Messages; !slices.Equal(m, []string{"Org Unit not found: NSW"}) {
		t.Errorf("messages %q", m)
	}
	var re *cmo.RecordError
	if !errors.As(res.Records[2].Err, &re) || re.Key != "user00002" || !errors.Is(re, cmo.ErrEntityNotFound) || errors.Is(re, cmo.ErrOrgUnitNotFound) {
		t.Errorf("record error %v", res.Records[2].Err)
	}
	if !strings.Contains(err.Error(), "of 5 users, 4 not saved") || !strings.Contains(err.Error(), `user "user00001" not saved: Org Unit not found: NSW`) {
		t.Errorf("message: %v", err)
	}
	if _, ok := srv.User("user00001"); ok {
		t.Error("a failed user was saved")
	}
	if _, ok := srv.User("user00000"); !ok {
		t.Error("the valid user was not saved")
	}
}

func TestEveryUserFails(t *testing.T) {
	srv := cmotest.NewServer(t)
	// Updates of users CMO does not know: CMO creates them, and refuses
	// them for lack of names.
	res, err := newClient(t, srv).UpdateUsers(context.Background(), []cmo.User{{LoginName: "ghost", Phone: cmo.Some("1")}, {LoginName: "phantom"}})
	if !errors.Is(err, cmo.ErrImportFailed) || !errors.Is(err, cmo.ErrMissingName) || errors.Is(err, cmo.ErrUnconfirmed) {
		t.Errorf("err = %v", err)
	}
	if res.Outcome != cmo.OutcomeFalse || res.Imported != 0 || res.Records[0].Status != cmo.StatusFailed {
		t.Errorf("result = %+v", res)
	}
}

func TestWrongCredentials(t *testing.T) {
	srv := cmotest.NewServer(t)
	c, err := cmo.NewClient(srv.URL, cmo.WithLogin(cmotest.DefaultLogin, "wrong-password"), cmo.WithInsecureHTTP(), cmo.WithBatchSize(1))
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.ImportUsers(context.Background(), people(3))
	var ae *cmo.APIError
	if !errors.As(err, &ae) || !errors.Is(err, cmo.ErrUnauthorized) || ae.Message != "Login or password is incorrect." || ae.Code != "False" {
		t.Fatalf("err = %#v", err)
	}
	if strings.Contains(err.Error(), "wrong-password") || strings.Contains(err.Error(), cmotest.DefaultLogin) {
		t.Errorf("credentials in %q", err)
	}
	// The first call was refused; the others were not made.
	if n := len(soapCalls(srv)); n != 1 {
		t.Errorf("%d calls made", n)
	}
	want := []cmo.Status{cmo.StatusFailed, cmo.StatusNotSent, cmo.StatusNotSent}
	for i, r := range res.Records {
		if r.Status != want[i] {
			t.Errorf("record %d: %s", i, r.Status)
		}
	}
	if !errors.Is(res.Records[0].Err, cmo.ErrUnauthorized) {
		t.Errorf("record error %v", res.Records[0].Err)
	}
}

func TestBatching(t *testing.T) {
	srv := cmotest.NewServer(t)
	var progress [][2]int
	c := newClient(t, srv, cmo.WithBatchSize(100), cmo.WithProgress(func(done, total int) { progress = append(progress, [2]int{done, total}) }))
	users := people(1234)
	res, err := c.ImportUsers(context.Background(), users)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Batches) != 13 || res.Imported != 1234 || res.Total != 1234 || len(srv.Users()) != 1234 {
		t.Errorf("%d batches, %d imported, %d total, %d stored", len(res.Batches), res.Imported, res.Total, len(srv.Users()))
	}
	if res.Batches[12].Sent != 34 || res.Batches[0].Sent != 100 {
		t.Errorf("batch sizes %d, %d", res.Batches[0].Sent, res.Batches[12].Sent)
	}
	if len(progress) != 13 || progress[12] != [2]int{1234, 1234} || progress[0] != [2]int{100, 1234} {
		t.Errorf("progress %v", progress)
	}
	for i, r := range res.Records {
		if r.Status != cmo.StatusSaved || r.Key != users[i].LoginName {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
	if calls, conns := len(soapCalls(srv)), srv.Connections(); calls != 13 || conns != 1 {
		t.Errorf("%d calls on %d connections, want 13 on 1", calls, conns)
	}
}

// TestBatchesStayUnderTheRequestLimit: whatever the batch size, a call is
// kept below ASP.NET's default 4 MiB, which the fake enforces.
func TestBatchesStayUnderTheRequestLimit(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithInfoFields("Notes"))
	users := people(40)
	for i := range users {
		users[i].Info = []cmo.InfoField{{Name: "Notes", Value: strings.Repeat("n", 200<<10)}}
	}
	res, err := newClient(t, srv).ImportUsers(context.Background(), users)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Batches) < 2 || res.Imported != 40 {
		t.Errorf("%d batches, %d imported", len(res.Batches), res.Imported)
	}
	for _, r := range soapCalls(srv) {
		if len(r.Body) > cmotest.DefaultMaxRequestBytes {
			t.Errorf("a call of %d bytes", len(r.Body))
		}
	}
}

func TestValidationReportsEveryProblem(t *testing.T) {
	srv := cmotest.NewServer(t)
	c := newClient(t, srv)
	users := []cmo.User{
		person("ok"),
		{LoginName: "nameless", Password: cmo.Some("hunter2-secret\x00")},
		{LoginName: " spaced ", FirstName: cmo.Some("A"), LastName: cmo.Some("")},
		{FirstName: cmo.Some("No"), LastName: cmo.Some("Login")},
		person("OK"),
		{LoginName: "dates", FirstName: cmo.Some("D"), LastName: cmo.Some("E"),
			DeactivationStart: cmo.Some(cmo.Date{Year: 2024, Month: 2, Day: 30}),
			DeactivationEnd:   cmo.Some(cmo.Date{Year: 2023, Month: 1, Day: 1})},
		{LoginName: "refs", FirstName: cmo.Some("R"), LastName: cmo.Some("S"), UserRole: cmo.Some(""),
			ManagerLoginNames: cmo.Some([]string{"boss", "", "a,b"}),
			Assignments:       cmo.Some([]cmo.Assignment{{OrgUnit: "QLD"}, {UserRole: "Super User"}}),
			Info:              []cmo.InfoField{{Name: "Phone", Value: "1"}, {Name: "1bad", Value: "x"}, {Name: "CostCentre", Value: "1"}, {Name: "CostCentre", Value: "2"}}},
	}
	_, err := c.ImportUsers(context.Background(), users)
	var ve *cmo.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, cmo.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, fmt.Sprintf("%s %s", p.Key, p.Field))
	}
	want := []string{
		"nameless Password", "nameless FirstName", "nameless LastName",
		" spaced  LoginName", " spaced  LastName",
		" LoginName", "OK LoginName",
		"dates DeactivationStart", "dates DeactivationEnd",
		"refs UserRole", "refs ManagerLoginName[1]", "refs ManagerLoginName[2]",
		"refs Info[Phone]", "refs Info[1bad]", "refs Info[CostCentre]",
		"refs Assignments[0].UserRole", "refs Assignments[1]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a password in %q", err)
	}
	if !strings.Contains(err.Error(), `user "dates" (#5): DeactivationEnd: 01.01.2023 is before DeactivationStart`) &&
		!strings.Contains(err.Error(), "and 7 more") {
		t.Errorf("message: %v", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent despite invalid records", n)
	}
}

func TestUsersOperations(t *testing.T) {
	for _, op := range []string{cmo.OpUserControlledImport, cmo.OpUserImport, cmo.OpAsyncUsersImport} {
		srv := cmotest.NewServer(t)
		res, err := newClient(t, srv, cmo.WithUsersOperation(op)).ImportUsers(context.Background(), people(2))
		if err != nil || res.Operation != op || res.Imported != 2 {
			t.Errorf("%s: %+v, %v", op, res, err)
			continue
		}
		call := soapCalls(srv)[0]
		if call.Action != cmo.Namespace+op || !bytes.Contains(call.Body, []byte("<"+op+` xmlns="http://cmoglobal/WebServices/">`)) {
			t.Errorf("%s: action %s, body %s", op, call.Action, call.Body)
		}
	}
}

func TestXMLDataAsString(t *testing.T) {
	ctx := context.Background()
	srv := cmotest.NewServer(t, cmotest.WithXMLDataAsString())
	res, err := newClient(t, srv, cmo.WithXMLDataAsString()).ImportUsers(ctx, []cmo.User{seedUser()})
	if err != nil || res.Records[0].Status != cmo.StatusSaved {
		t.Fatalf("%+v, %v", res, err)
	}
	if body := soapCalls(srv)[0].Body; !bytes.Contains(body, []byte("<xmlData>&lt;CmoUserFeed xmlns=\"http://schemas.xmlsoap.org/soap/encoding/\"&gt;&lt;Users&gt;&lt;User&gt;&lt;FirstName&gt;John&lt;/FirstName&gt;")) {
		t.Errorf("body %s", body)
	}
	if u, _ := srv.User("JSmith"); u.Fields["Password"] != "jsmith15!" {
		t.Errorf("stored %+v", u)
	}

	// Inline XML to a tenant that takes a string: a Fault.
	_, err = newClient(t, srv).ImportUsers(ctx, people(1))
	var ae *cmo.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 500 || ae.Code != "soap:Client" || !strings.Contains(ae.Message, "Unexpected node type Element") {
		t.Errorf("err = %v", err)
	}

	// A string to a tenant that takes inline XML: CMO finds no users, and
	// the client does not take that for success.
	inline := cmotest.NewServer(t)
	res, err = newClient(t, inline, cmo.WithXMLDataAsString()).ImportUsers(ctx, people(3))
	if !errors.Is(err, cmo.ErrCountMismatch) || !errors.Is(err, cmo.ErrImportFailed) {
		t.Errorf("err = %v", err)
	}
	if res.Records[0].Status != cmo.StatusUnknown || !errors.Is(err, cmo.ErrUnconfirmed) || !strings.Contains(err.Error(), "call 1 sent 3 users and its log says 0 saved, but CMO counted Imported: 0 Total: 0") {
		t.Errorf("result %+v, err %v", res.Records[0], err)
	}
}

func TestOrgUnits(t *testing.T) {
	srv := cmotest.NewServer(t)
	c := newClient(t, srv)
	ctx := context.Background()
	units := []cmo.OrgUnit{
		{OrgName: "Brisbane", OrgType: cmo.Some("Office"), OrgParentName: cmo.Some("Queensland"), City: cmo.Some("Brisbane"), Fax: cmo.Some("")},
		{OrgName: "Queensland", OrgType: cmo.Some("Region"), OrgParentName: cmo.Some("QLD")},
		{OrgName: "Perth", OrgParentName: cmo.Some("WA")},
	}
	res, err := c.ImportOrgUnits(ctx, units)
	if !errors.Is(err, cmo.ErrImportFailed) || !errors.Is(err, cmo.ErrOrgUnitNotFound) {
		t.Errorf("err = %v", err)
	}
	want := []cmo.Status{cmo.StatusSaved, cmo.StatusSaved, cmo.StatusFailed}
	for i, r := range res.Records {
		if r.Status != want[i] || r.Key != units[i].OrgName {
			t.Errorf("record %d: %+v", i, r)
		}
	}
	body := string(soapCalls(srv)[0].Body)
	if strings.Index(body, "<OrgName>Queensland</OrgName>") > strings.Index(body, "<OrgName>Brisbane</OrgName>") {
		t.Error("the child was sent before its parent")
	}
	if !strings.Contains(body, `<AsyncGroupsImport xmlns="http://cmoglobal/WebServices/">`) ||
		!strings.Contains(body, `<xmlData><OrgUnits xmlns=""><OrgUnit><OrgType>Region</OrgType><OrgParentName>QLD</OrgParentName><OrgName>Queensland</OrgName></OrgUnit>`) {
		t.Errorf("body %s", body)
	}
	o, ok := srv.OrgUnit("brisbane")
	if !ok || fmt.Sprint(o.Fields) != "map[City:Brisbane Fax: OrgParentName:Queensland OrgType:Office]" {
		t.Errorf("stored %+v", o)
	}
	// The new org units can now be assigned.
	u := person("ann")
	u.Assignments = cmo.Some([]cmo.Assignment{{UserRole: "Super User", OrgUnit: "Brisbane"}})
	if _, err := c.ImportUsers(ctx, []cmo.User{u}); err != nil {
		t.Error(err)
	}
	if _, err := c.ImportOrgUnits(ctx, []cmo.OrgUnit{{OrgName: "A", OrgParentName: cmo.Some("B")}, {OrgName: "B", OrgParentName: cmo.Some("a")}}); !errors.Is(err, cmo.ErrInvalid) {
		t.Errorf("a cycle: %v", err)
	}
}

func TestEntities(t *testing.T) {
	ctx := context.Background()
	srv := cmotest.NewServer(t)
	c := newClient(t, srv)
	entities := []cmo.Entity{
		{EntityName: "Eastern Village", EntityType: cmo.Some("Site"), OrgUnit: cmo.Some("QLD"), Description: cmo.Some(""), Email: cmo.Some("e@x.org")},
		{EntityName: "Western Village", City: cmo.Some("Perth")},
		{EntityName: "Nowhere", OrgUnit: cmo.Some("Atlantis")},
	}
	res, err := c.ImportEntities(ctx, entities)
	if !errors.Is(err, cmo.ErrImportFailed) || !errors.Is(err, cmo.ErrOrgUnitNotFound) {
		t.Errorf("err = %v", err)
	}
	want := []cmo.Status{cmo.StatusSaved, cmo.StatusUpdated, cmo.StatusFailed}
	for i, r := range res.Records {
		if r.Status != want[i] {
			t.Errorf("record %d: %+v", i, r)
		}
	}
	call := soapCalls(srv)[0]
	if call.Action != "http://cmoglobal/WebServices/AsyncAuditeesImport" ||
		!bytes.Contains(call.Body, []byte(`<xmlData><CmoAuditeeFeed xmlns=""><Entities><Entity><EntityName>Eastern Village</EntityName><EntityType>Site</EntityType><OrgUnit>QLD</OrgUnit><Description></Description><Email>e@x.org</Email></Entity>`)) {
		t.Errorf("action %s, body %s", call.Action, call.Body)
	}
	if e, _ := srv.Entity("eastern village"); fmt.Sprint(e.Fields) != "map[Description: Email:e@x.org EntityType:Site OrgUnit:QLD]" {
		t.Errorf("stored %+v", e)
	}

	// Another name for the operation, on both sides.
	other := cmotest.NewServer(t, cmotest.WithEntitiesOperation("EntitiesImport"))
	res, err = newClient(t, other, cmo.WithEntitiesOperation("EntitiesImport")).ImportEntities(ctx, entities[:2])
	if err != nil || res.Operation != "EntitiesImport" || res.Imported != 2 {
		t.Errorf("%+v, %v", res, err)
	}
	if call := soapCalls(other)[0]; call.Action != "http://cmoglobal/WebServices/EntitiesImport" || !bytes.Contains(call.Body, []byte(`<EntitiesImport xmlns="http://cmoglobal/WebServices/"><login>`)) {
		t.Errorf("action %s, body %s", call.Action, call.Body)
	}
	// The default name where the tenant has another: a Fault that says so.
	_, err = c.ImportEntities(ctx, entities[:1])
	if _, err2 := newClient(t, other).ImportEntities(ctx, entities[:1]); err2 == nil || !strings.Contains(err2.Error(), "did not recognize the value of HTTP Header SOAPAction") {
		t.Errorf("err = %v", err2)
	}
	if err != nil {
		t.Errorf("re-import: %v", err)
	}
}

func TestNothingToImport(t *testing.T) {
	srv := cmotest.NewServer(t)
	res, err := newClient(t, srv).ImportUsers(context.Background(), nil)
	if err != nil || res.Outcome != cmo.OutcomeTrue || len(res.Records) != 0 || len(srv.Requests()) != 0 {
		t.Errorf("%+v, %v, %d requests", res, err, len(srv.Requests()))
	}
}

func TestContextCancelledBetweenBatches(t *testing.T) {
	srv := cmotest.NewServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	c := newClient(t, srv, cmo.WithBatchSize(2), cmo.WithProgress(func(done, _ int) {
		if done == 2 {
			cancel()
		}
	}))
	res, err := c.ImportUsers(ctx, people(5))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if res.Records[1].Status != cmo.StatusSaved || res.Records[2].Status != cmo.StatusNotSent {
		t.Errorf("records %+v", res.Records)
	}
}

func TestOptionsValidate(t *testing.T) {
	bad := [][]cmo.Option{
		{},
		{cmo.WithLogin("", "x")},
		{cmo.WithLogin("a", "b"), cmo.WithBatchSize(0)},
		{cmo.WithLogin("a", "b"), cmo.WithUsersOperation("Import")},
		{cmo.WithLogin("a", "b"), cmo.WithEntitiesOperation("not a name")},
		{cmo.WithLogin("a", "b"), cmo.WithBoolWords("Yes", "Yes")},
		{cmo.WithLogin("a", "b"), cmo.WithRetry(-1, time.Second)},
		{cmo.WithLogin("a", "b"), cmo.WithHTTPClient(nil)},
		{cmo.WithLogin("a", "b"), cmo.WithTokenLifetime(0)},
		{cmo.WithLogin("a", "b"), cmo.WithMaxBodyBytes(0)},
		{cmo.WithLogin("a", "b"), cmo.WithUserAgent("a\nb")},
		{cmo.WithLogin("a", "b"), cmo.WithLogger(nil)},
		{cmo.WithLogin("a", "b"), cmo.WithProgress(nil)},
	}
	for i, opts := range bad {
		if _, err := cmo.NewClient("https://acme.cmo-compliance.com", opts...); err == nil {
			t.Errorf("options %d accepted", i)
		}
	}
	if _, err := cmo.NewClient("http://acme.cmo-compliance.com", cmo.WithLogin("a", "b")); err == nil {
		t.Error("plain http accepted without WithInsecureHTTP")
	}
	if _, err := cmo.NewClient("https://acme.cmo-compliance.com", cmo.WithLogin("a", "b"), cmo.WithRetry(0, time.Second), cmo.WithUserAgent("sync/1")); err != nil {
		t.Error(err)
	}
}

func TestDates(t *testing.T) {
	d, err := cmo.ParseDMYDate("15.03.2015")
	if err != nil || d != (cmo.Date{Year: 2015, Month: time.March, Day: 15}) || cmo.FormatDMYDate(d) != "15.03.2015" {
		t.Errorf("%v, %v", d, err)
	}
	if d, err := cmo.ParseDMYDate("29.02.2024"); err != nil || d != (cmo.Date{Year: 2024, Month: time.February, Day: 29}) {
		t.Errorf("29.02.2024 (a leap day): %v, %v", d, err)
	}
	for _, s := range []string{"2015-03-15", "5.3.2015", "31.02.2015", "30.02.2024", "29.02.2023", "32.01.2024", "00.01.2024", ""} {
		if _, err := cmo.ParseDMYDate(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}
