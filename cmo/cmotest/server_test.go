package cmotest_test

import (
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// post sends a raw SOAP request as a SOAP tool would.
func post(t *testing.T, srv *cmotest.Server, contentType, action, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+cmo.ServicePath, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if action != "" {
		req.Header.Set("SOAPAction", `"`+action+`"`)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// result reads the outcome and log lines of an answer.
func result(t *testing.T, answer string) (string, []string) {
	t.Helper()
	var doc struct {
		Result string   `xml:"Body>UserControlledImportResponse>UserControlledImportResult>UsersImportResults>UsersImportResult"`
		Lines  []string `xml:"Body>UserControlledImportResponse>UserControlledImportResult>UsersImportResults>Exceptions>Exception"`
	}
	if err := xml.Unmarshal([]byte(answer), &doc); err != nil {
		t.Fatalf("%v: %s", err, answer)
	}
	return doc.Result, doc.Lines
}

func envelope(op, login, password, xmlData string) string {
	return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:web="http://cmoglobal/WebServices/"><soapenv:Header/><soapenv:Body>` +
		`<web:` + op + `><web:login>` + login + `</web:login><web:password>` + password + `</web:password><web:xmlData>` + xmlData +
		`</web:xmlData></web:` + op + `></soapenv:Body></soapenv:Envelope>`
}

const textXML = "text/xml; charset=utf-8"

// TestSeedExampleCallAsSent posts the seed's example call as SoapUI would
// and checks the answer has the seed's result format.
func TestSeedExampleCallAsSent(t *testing.T) {
	srv := cmotest.NewServer(t)
	raw, err := os.ReadFile("../testdata/seed_example_call.xml")
	if err != nil {
		t.Fatal(err)
	}
	// The web page doubles spaces ("Super  User"); CMO's names have one.
	call := regexp.MustCompile(`  +`).ReplaceAllString(string(raw), " ")
	status, answer := post(t, srv, textXML, cmo.Namespace+cmo.OpUserControlledImport, call)
	if status != 200 {
		t.Fatalf("%d %s", status, answer)
	}
	outcome, lines := result(t, answer)
	want := []string{
		"-==Start selected user import==-",
		"Begin Processing user: JSmith",
		"User: JSmith saved in database.",
		"JSmith roles, groups, superiors, jobs, auditee assignments updated.",
		"Imported: 1 Selected: 1 Total: 1",
		"-==Users import END ==-",
		"Users imported: 1",
	}
	// The seed's own successful sample answers "Partially completed".
	if outcome != "Partially completed" || !slices.Equal(lines, want) {
		t.Errorf("%s %q", outcome, lines)
	}
	if !strings.Contains(answer, `<UserControlledImportResponse xmlns="http://cmoglobal/WebServices/"><UserControlledImportResult><UsersImportResults xmlns="">`) {
		t.Errorf("answer %s", answer)
	}
	u, ok := srv.User("JSmith")
	if !ok || u.Fields["UserRole"] != "Super User" || u.Fields["ADLogin"] != "TestADUser" || len(u.Assignments) != 1 {
		t.Errorf("stored %+v", u)
	}
	// Sent again, the user is updated.
	_, answer = post(t, srv, textXML, cmo.Namespace+cmo.OpUserControlledImport, call)
	if _, lines := result(t, answer); lines[2] != "User: JSmith updated in database." {
		t.Errorf("%q", lines)
	}
	if u, _ := srv.User("JSmith"); len(u.Assignments) != 1 {
		t.Errorf("the same assignment twice: %v", u.Assignments)
	}
}

// TestSeedUsersSchemaAsSent posts the seed's users schema with its
// placeholders: CMO would refuse them, and so does the fake.
func TestSeedUsersSchemaAsSent(t *testing.T) {
	srv := cmotest.NewServer(t)
	data := `<Users xmlns=""><User><FirstName>Test User First Name</FirstName><LastName>Test User Last Name</LastName>` +
		`<LoginName>LoginName</LoginName><Password>Password</Password><Email>EmailAdress</Email><JobTitle>Employee Title</JobTitle>` +
		`<EmailReminders>YesOrNo</EmailReminders><MobileAccess>YesOrNo</MobileAccess><UserRole>RoleName</UserRole>` +
		`<Assignments><Assignment><OrgUnit>Org Unit Name</OrgUnit><Entity>Entity Name</Entity><UserRole>RoleName</UserRole></Assignment></Assignments></User></Users>`
	status, answer := post(t, srv, textXML, cmo.Namespace+cmo.OpAsyncUsersImport, envelope("AsyncUsersImport", "cmoadmin", "cmoadmin15!", data))
	if status != 200 {
		t.Fatalf("%d %s", status, answer)
	}
	var doc struct {
		Result string   `xml:"Body>AsyncUsersImportResponse>AsyncUsersImportResult>UsersImportResults>UsersImportResult"`
		Lines  []string `xml:"Body>AsyncUsersImportResponse>AsyncUsersImportResult>UsersImportResults>Exceptions>Exception"`
	}
	if err := xml.Unmarshal([]byte(answer), &doc); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"-==Start selected user import==-",
		"Begin Processing user: LoginName",
		"Incorrect value in EmailReminders: 'YesOrNo'. Expected Yes or No.",
		"Incorrect value in MobileAccess: 'YesOrNo'. Expected Yes or No.",
		"Role not found: RoleName",
		"Org Unit not found: Org Unit Name",
		"Entity not found: Entity Name",
		"Role not found: RoleName",
		"User: LoginName not saved.",
		"Imported: 0 Selected: 1 Total: 1",
		"-==Users import END ==-",
		"Users imported: 0",
	}
	if doc.Result != "False" || !slices.Equal(doc.Lines, want) {
		t.Errorf("%s\n%s", doc.Result, strings.Join(doc.Lines, "\n"))
	}
}

func TestUserValidation(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithInfoFields("CostCentre"))
	srv.PutUser(cmotest.User{LoginName: "old", Fields: map[string]string{"FirstName": "O", "LastName": "L"}})
	users := `<Users>` +
		`<User><LoginName>new</LoginName><LastName>N</LastName></User>` +
		`<User><LoginName>old</LoginName><FirstName> </FirstName></User>` +
		`<User><LoginName>old</LoginName><DeactivationStart>2015-03-15</DeactivationStart><DeactivationEnd>1.4.2015</DeactivationEnd></User>` +
		`<User><LoginName>old</LoginName><DeactivationEnd>31.02.2015</DeactivationEnd></User>` +
		`<User><LoginName>old</LoginName><IsADUser>Maybe</IsADUser><Shoe>42</Shoe><CostCentre>7</CostCentre></User>` +
		`<User><FirstName>No</FirstName></User>` +
		`<User><LoginName>old</LoginName><UserGroup>Administrators, Ghosts</UserGroup><Phone>5</Phone></User>` +
		`<User><LoginName>OLD</LoginName><CostCentre>8</CostCentre><EmailReminders>no</EmailReminders><DeactivationStart></DeactivationStart></User>` +
		`</Users>`
	_, answer := post(t, srv, textXML, cmo.Namespace+cmo.OpUserControlledImport, envelope("UserControlledImport", "CMOADMIN", "cmoadmin15!", users))
	outcome, lines := result(t, answer)
	want := []string{
		"-==Start selected user import==-",
		"Begin Processing user: new", "First Name/ LastName field missing.", "User: new not saved.",
		"Begin Processing user: old", "First Name/ LastName field missing.", "User: old not saved.",
		"Begin Processing user: old",
		"Incorrect date format in DeactivationStart: '2015-03-15'. Dates must be DD.MM.YYYY.",
		"Incorrect date format in DeactivationEnd: '1.4.2015'. Dates must be DD.MM.YYYY.",
		"User: old not saved.",
		"Begin Processing user: old", "Incorrect date format in DeactivationEnd: '31.02.2015'. Dates must be DD.MM.YYYY.", "User: old not saved.",
		"Begin Processing user: old", "Incorrect value in IsADUser: 'Maybe'. Expected Yes or No.", "Unknown field: Shoe", "User: old not saved.",
		"Begin Processing user: ", "LoginName is missing.", "User:  not saved.",
		"Begin Processing user: old", "User group not found: Ghosts", "User: old not saved.",
		"Begin Processing user: OLD", "User: OLD updated in database.", "OLD roles, groups, superiors, jobs, auditee assignments updated.",
		"Imported: 1 Selected: 7 Total: 8", "-==Users import END ==-", "Users imported: 1",
	}
	if outcome != "Partially completed" || !slices.Equal(lines, want) {
		t.Errorf("%s\n%s", outcome, strings.Join(lines, "\n"))
	}
	u, _ := srv.User("old")
	if u.LoginName != "old" || u.Fields["CostCentre"] != "8" || u.Fields["FirstName"] != "O" || u.Fields["DeactivationStart"] != "" || u.Fields["Phone"] != "" {
		t.Errorf("stored %+v", u)
	}
	if _, ok := u.Fields["Phone"]; ok {
		t.Error("a field of a refused user was stored")
	}
}

func TestProtocolErrors(t *testing.T) {
	srv := cmotest.NewServer(t)
	ok := envelope("UserControlledImport", "cmoadmin", "cmoadmin15!", "<Users/>")
	for _, tc := range []struct {
		name, contentType, action, body string
		status                          int
		want                            string
	}{
		{"no SOAPAction", textXML, "", ok, 500, "Server did not recognize the value of HTTP Header SOAPAction: ."},
		{"unknown SOAPAction", textXML, cmo.Namespace + "Import", ok, 500, "Server did not recognize the value of HTTP Header SOAPAction: http://cmoglobal/WebServices/Import."},
		{"other action than body", textXML, cmo.Namespace + "UserImport", ok, 500, "&lt;UserControlledImport xmlns=&#39;http://cmoglobal/WebServices/&#39;&gt; was not expected."},
		{"SOAP 1.2 content type", "application/soap+xml; charset=utf-8", cmo.Namespace + "UserControlledImport", ok, 415, "Unsupported Media Type"},
		{"SOAP 1.2 envelope", textXML, cmo.Namespace + "UserControlledImport", strings.ReplaceAll(ok, "http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"), 500, "a SOAP 1.2 envelope"},
		{"not XML", textXML, cmo.Namespace + "UserControlledImport", "login=cmoadmin", 500, "There is an error in XML document"},
		{"cut short", textXML, cmo.Namespace + "UserControlledImport", ok[:len(ok)/2], 500, "There is an error in XML document"},
	} {
		status, answer := post(t, srv, tc.contentType, tc.action, tc.body)
		if status != tc.status || !strings.Contains(answer, tc.want) {
			t.Errorf("%s: %d %s", tc.name, status, answer)
		}
		if status == 500 && !strings.Contains(answer, "<faultcode>soap:Client</faultcode>") {
			t.Errorf("%s: not a SOAP fault: %s", tc.name, answer)
		}
	}
	// An unqualified login is not read, as XmlSerializer would not read it.
	unqualified := strings.ReplaceAll(strings.ReplaceAll(ok, "<web:login>", "<login>"), "</web:login>", "</login>")
	_, answer := post(t, srv, textXML, cmo.Namespace+cmo.OpUserControlledImport, unqualified)
	if outcome, lines := result(t, answer); outcome != "False" || !slices.Equal(lines, []string{"Login or password is incorrect."}) {
		t.Errorf("%s %q", outcome, lines)
	}
	req, _ := http.NewRequest(http.MethodPut, srv.URL+cmo.ServicePath, strings.NewReader(ok))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("PUT: %d", resp.StatusCode)
	}
	resp, err = http.Get(srv.URL + "/webservice/Other.asmx")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("other path: %d", resp.StatusCode)
	}
	big := envelope("UserControlledImport", "cmoadmin", "cmoadmin15!", "<Users>"+strings.Repeat("<User/>", cmotest.DefaultMaxRequestBytes/7)+"</Users>")
	if status, answer := post(t, srv, textXML, cmo.Namespace+cmo.OpUserControlledImport, big); status != 500 || !strings.Contains(answer, "Maximum request length exceeded.") {
		t.Errorf("over 4 MiB: %d %.100s", status, answer)
	}
}

func TestStringXMLData(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithXMLDataAsString())
	data := html.EscapeString(`<Users><User><LoginName>a</LoginName><FirstName>A</FirstName><LastName>B</LastName></User></Users>`)
	_, answer := post(t, srv, textXML, cmo.Namespace+cmo.OpUserControlledImport, envelope("UserControlledImport", "cmoadmin", "cmoadmin15!", data))
	var doc struct {
		Result string `xml:"Body>UserControlledImportResponse>UserControlledImportResult"`
	}
	if err := xml.Unmarshal([]byte(answer), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.Result, `<UsersImportResults xmlns=""><UsersImportResult>Partially completed</UsersImportResult>`) {
		t.Errorf("result %q", doc.Result)
	}
}

func TestExportAPIErrors(t *testing.T) {
	srv := cmotest.NewServer(t)
	get := func(query, auth string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+cmo.ExportUsersPath+query, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	resp, err := http.Post(srv.URL+cmo.TokenPath, "application/json", strings.NewReader(`{"login":"cmoadmin","password":"cmoadmin15!"}`))
	if err != nil {
		t.Fatal(err)
	}
	var tok string
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || strings.Count(tok, ".") != 2 {
		t.Fatalf("token %q, %v", tok, err)
	}
	resp.Body.Close()
	for _, tc := range []struct {
		query, auth string
		status      int
	}{
		{"", "", 401},
		{"", "Bearer not.a.token", 401},
		{"", "Basic Y21vYWRtaW46Y21vYWRtaW4xNSE=", 401},
		{"?perPage=301", "Bearer " + tok, 400},
		{"?perPage=0", "Bearer " + tok, 400},
		{"?page=0", "Bearer " + tok, 400},
		{"?from=2024-01-01T00:00:00Z", "Bearer " + tok, 400},
		{"?page=7&perPage=300", "Bearer " + tok, 200},
	} {
		status, body := get(tc.query, tc.auth)
		if status != tc.status {
			t.Errorf("%q %q: %d %s", tc.query, tc.auth, status, body)
		}
		if status == 200 && body != "[]" {
			t.Errorf("a page past the end: %s", body)
		}
	}
	resp, err = http.Post(srv.URL+cmo.TokenPath, "application/json", strings.NewReader(`{"login":"cmoadmin","password":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
}

func TestIntegrationLogicOptions(t *testing.T) {
	user := func(managers, orgUnit string) string {
		return `<Users><User><LoginName>ann</LoginName><FirstName>A</FirstName><LastName>B</LastName><ManagerLoginName>` + managers +
			`</ManagerLoginName><Assignments><Assignment><UserRole>Super User</UserRole><OrgUnit>` + orgUnit + `</OrgUnit></Assignment></Assignments></User></Users>`
	}
	for _, tc := range []struct {
		opts        []cmotest.Option
		managers    string
		assignments int
	}{
		{nil, "carl", 2},
		{[]cmotest.Option{cmotest.WithAssignmentsReplaced(), cmotest.WithManagersAppended()}, "bob,carl", 1},
	} {
		srv := cmotest.NewServer(t, append(tc.opts, cmotest.WithOrgUnits("NSW"))...)
		for _, call := range []string{user("bob", "QLD"), user("carl", "NSW")} {
			post(t, srv, textXML, cmo.Namespace+cmo.OpUserControlledImport, envelope("UserControlledImport", "cmoadmin", "cmoadmin15!", call))
		}
		u, _ := srv.User("ann")
		if u.Fields["ManagerLoginName"] != tc.managers || len(u.Assignments) != tc.assignments {
			t.Errorf("options %d: %+v", len(tc.opts), u)
		}
	}
}
