package cmo

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/internal/soap"
)

// decodeResponse parses a whole answer of UserControlledImport, as the
// client does: envelope, response, result document, log.
func decodeResponse(b []byte) (*parsedLog, error) {
	out := &response{op: OpUserControlledImport}
	if err := soap.Unmarshal(bytes.NewReader(b), out); err != nil {
		return nil, err
	}
	doc, err := out.document()
	if err != nil {
		return nil, err
	}
	return parseLog(doc)
}

// parseResults parses the content of a Result element.
func parseResults(inner string) (*parsedLog, error) {
	return decodeResponse([]byte(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
		`<UserControlledImportResponse xmlns="http://cmoglobal/WebServices/"><UserControlledImportResult>` + inner +
		`</UserControlledImportResult></UserControlledImportResponse></soap:Body></soap:Envelope>`))
}

func TestParseSeedResponses(t *testing.T) {
	b, err := os.ReadFile("testdata/seed_response_partial.xml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := decodeResponse(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.outcome != OutcomePartial || !p.hasCounts || p.imported != 1 || p.selected != 1 || p.total != 1 || p.reported != 1 {
		t.Errorf("parsed %+v", p)
	}
	if len(p.blocks) != 1 || p.blocks[0].key != "cmotest" || p.blocks[0].status != StatusSaved || len(p.blocks[0].messages) != 0 {
		t.Errorf("blocks = %+v", p.blocks)
	}
	if len(p.general) != 0 || len(p.log) != 7 {
		t.Errorf("general = %q, log = %q", p.general, p.log)
	}

	// The page's own text is not well-formed XML: a clear error, no panic.
	raw, err := os.ReadFile("testdata/seed_response_partial.raw")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeResponse(raw); err == nil || !strings.Contains(err.Error(), "malformed SOAP response") {
		t.Errorf("raw page text: err = %v", err)
	}

	b, err = os.ReadFile("testdata/seed_response_login.xml")
	if err != nil {
		t.Fatal(err)
	}
	p, err = decodeResponse(b)
	if err != nil {
		t.Fatal(err)
	}
	if p.outcome != OutcomeFalse || p.hasCounts || len(p.blocks) != 0 || !slices.Equal(p.general, []string{"Login or password is incorrect."}) {
		t.Errorf("parsed %+v", p)
	}
}

func TestParseResultsForms(t *testing.T) {
	doc := `<UsersImportResults xmlns=""><UsersImportResult>True</UsersImportResult><Exceptions>` +
		`<Exception>Begin Processing user: a</Exception><Exception>User: a updated in database.</Exception>` +
		`<Exception>Begin Processing user: b</Exception><Exception>Org Unit not found: X</Exception><Exception>User: b not saved.</Exception>` +
		`<Exception>Imported: 1 Selected: 2 Total: 2</Exception></Exceptions></UsersImportResults>`
	var esc strings.Builder
	for _, r := range doc {
		switch r {
		case '<':
			esc.WriteString("&lt;")
		case '>':
			esc.WriteString("&gt;")
		default:
			esc.WriteRune(r)
		}
	}
	for name, inner := range map[string]string{"inline": doc, "escaped string": esc.String(), "other root": strings.ReplaceAll(doc, "UsersImportResults", "GroupsImportResults")} {
		p, err := parseResults(inner)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(p.blocks) != 2 || p.blocks[0].status != StatusUpdated || p.blocks[1].status != StatusFailed ||
			!slices.Equal(p.blocks[1].messages, []string{"Org Unit not found: X"}) || p.total != 2 {
			t.Errorf("%s: %+v", name, p)
		}
	}
	for _, bad := range []string{"", "  ", "<Other/>", "<UsersImportResults><UsersImportResult>Maybe</UsersImportResult></UsersImportResults>",
		"<UsersImportResults><UsersImportResult>True</UsersImportResult><Exceptions><Exception>Imported: 99999999999999999999 Selected: 1 Total: 1</Exception></Exceptions></UsersImportResults>"} {
		if _, err := parseResults(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestReasonsOf(t *testing.T) {
	for msg, want := range map[string]error{
		"Org Unit not found: QLD":                     ErrOrgUnitNotFound,
		"Parent Org Unit not found: QLD":              ErrOrgUnitNotFound,
		"Entity not found: Western Village":           ErrEntityNotFound,
		"Role not found: Boss":                        ErrRoleNotFound,
		"User group not found: Admins":                ErrUserGroupNotFound,
		"Incorrect date format in DeactivationStart.": ErrBadDate,
		"First Name/ LastName field missing.":         ErrMissingName,
	} {
		got := reasonsOf([]string{msg})
		if len(got) != 1 || got[0] != want {
			t.Errorf("%q: %v, want %v", msg, got, want)
		}
	}
	if got := reasonsOf([]string{"Something else happened."}); len(got) != 0 {
		t.Errorf("unknown message: %v", got)
	}
}

func TestParseToken(t *testing.T) {
	// The seed's sample token, with the space the web page puts in it removed.
	const seed = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWJqZWN0IjoyLCJleHAiOjE0OTU3OTUxNzguMH0.6FbTQeg1aWvnPSe3NAnf5EVGWzuDmAgUp37M1NIoJcU"
	for _, body := range []string{seed, `"` + seed + `"`, `{"token":"` + seed + `"}`, `{"access_token": "` + seed + `", "expires_in": 1200}`, " " + seed + "\n"} {
		tok, err := parseToken([]byte(body))
		if err != nil || tok != seed {
			t.Errorf("%q: %q, %v", body, tok, err)
		}
	}
	exp, ok := tokenExpiry(seed)
	if !ok || !exp.Equal(time.Unix(1495795178, 0)) {
		t.Errorf("exp = %v, %v; want 1495795178 (the seed's float exp)", exp, ok)
	}
	for _, body := range []string{"", "null", `{"Message":"Login or password is incorrect."}`, `"not a jwt"`, "a.b", "<html>", `{"token": 5}`} {
		if _, err := parseToken([]byte(body)); err == nil {
			t.Errorf("%q: no error", body)
		}
	}
	noExp := "eyJhbGciOiJIUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"subject":2}`)) + ".c2ln"
	if _, ok := tokenExpiry(noExp); ok {
		t.Error("a token without exp has an expiry")
	}
}

func TestDecodeExportPage(t *testing.T) {
	page := `[{"LoginName":"JSmith","firstname":"John","EmailReminders":"Yes","IsADUser":true,"MobileAccess":0,
		"UserGroup":"Administrators, Auditors","DeactivationStart":"15.03.2015","DeactivationEnd":"2015-04-01T00:00:00",
		"Phone":395217077,"LastModified":"2024-05-01 10:00:00","Assignments":[{"UserRole":"Super User","OrgUnit":"QLD","Entity":null}],"CostCentre":"42"}]`
	users, err := decodeExportPage(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	u := users[0]
	if u.LoginName != "JSmith" || u.FirstName != "John" || !u.EmailReminders || !u.IsADUser || u.MobileAccess ||
		!slices.Equal(u.UserGroups, []string{"Administrators", "Auditors"}) || u.Phone != "395217077" ||
		u.DeactivationStart != (Date{Year: 2015, Month: 3, Day: 15}) || u.DeactivationEnd != (Date{Year: 2015, Month: 4, Day: 1}) ||
		!u.Modified.Equal(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)) ||
		len(u.Assignments) != 1 || u.Assignments[0] != (Assignment{UserRole: "Super User", OrgUnit: "QLD"}) ||
		!bytes.Contains(u.Raw, []byte(`"CostCentre":"42"`)) {
		t.Errorf("decoded %+v", u)
	}
	if !u.DeactivatedOn(Date{Year: 2015, Month: 4, Day: 1}) || u.DeactivatedOn(Date{Year: 2015, Month: 4, Day: 2}) || u.DeactivatedOn(Date{Year: 2015, Month: 3, Day: 14}) {
		t.Error("DeactivatedOn disagrees with the period 15.03.2015–01.04.2015")
	}
	if users, err := decodeExportPage(strings.NewReader(`{"Users":[{"LoginName":"a"}],"Total":1}`)); err != nil || len(users) != 1 {
		t.Errorf("wrapped page: %v, %v", users, err)
	}
	for _, bad := range []string{``, `{}`, `"x"`, `[1]`, `[{"FirstName":"no login"}]`, `[{"LoginName":"a","DeactivationStart":"2015/03/15"}]`,
		`[{"LoginName":"a","IsADUser":"maybe"}]`, `[{"LoginName":"a","Email":{"x":1}}]`, `[{"LoginName":"a","Assignments":"QLD"}]`} {
		_, err := decodeExportPage(strings.NewReader(bad))
		if err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	_, err = decodeExportPage(strings.NewReader(`[{"LoginName":"a"},{"LoginName":"JDoe","DeactivationEnd":"31.02.2015"}]`))
	if err == nil || !strings.Contains(err.Error(), `user #1 (LoginName "JDoe"): DeactivationEnd`) {
		t.Errorf("error does not name the user and the field: %v", err)
	}
}

// FuzzParseResponse feeds the response parser (SOAP envelope, generated
// response type, result document and its log) with arbitrary bytes.
func FuzzParseResponse(f *testing.F) {
	for _, name := range []string{"testdata/seed_response_partial.xml", "testdata/seed_response_partial.raw", "testdata/seed_response_login.xml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><UserControlledImportResponse xmlns="http://cmoglobal/WebServices/"><UserControlledImportResult>&lt;UsersImportResults&gt;&lt;UsersImportResult&gt;True&lt;/UsersImportResult&gt;&lt;/UsersImportResults&gt;</UserControlledImportResult></UserControlledImportResponse></soap:Body></soap:Envelope>`))
	f.Add([]byte(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><UserControlledImportResponse xmlns="http://cmoglobal/WebServices/"><UserControlledImportResult><GroupsImportResults xmlns=""><GroupsImportResult>True</GroupsImportResult><Exceptions><Exception>Begin Processing org unit:  a  b </Exception><Exception>Org Unit: a  b saved in database.</Exception></Exceptions></GroupsImportResults></UserControlledImportResult></UserControlledImportResponse></soap:Body></soap:Envelope>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := decodeResponse(b)
		if err != nil {
			if err.Error() == "" {
				t.Error("empty error text")
			}
			return
		}
		switch p.outcome {
		case OutcomeTrue, OutcomeFalse, OutcomePartial:
		default:
			t.Errorf("outcome %q", p.outcome)
		}
		for _, blk := range p.blocks {
			if blk.status != StatusSaved && blk.status != StatusUpdated && blk.status != StatusFailed {
				t.Errorf("status %q", blk.status)
			}
		}
	})
}

// FuzzExportPage feeds the export page decoder and the token parser with
// arbitrary bytes.
func FuzzExportPage(f *testing.F) {
	f.Add([]byte(`[{"LoginName":"JSmith","FirstName":"John","EmailReminders":"Yes","DeactivationStart":"15.03.2015","LastModified":"2024-05-01 10:00:00","Assignments":[{"UserRole":"Super User","OrgUnit":"QLD"}]}]`))
	f.Add([]byte(`{"users":[{"LoginName":"a","IsADUser":true,"Phone":12.5}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`"eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWJqZWN0IjoyLCJleHAiOjE0OTU3OTUxNzguMH0.6FbTQeg1aWvnPSe3NAnf5EVGWzuDmAgUp37M1NIoJcU"`))
	f.Fuzz(func(t *testing.T, b []byte) {
		users, err := decodeExportPage(bytes.NewReader(b))
		if err == nil {
			for _, u := range users {
				if strings.TrimSpace(u.LoginName) == "" {
					t.Error("a user without a LoginName was accepted")
				}
			}
		} else if err.Error() == "" {
			t.Error("empty error text")
		}
		if tok, err := parseToken(b); err == nil {
			if strings.Count(tok, ".") != 2 {
				t.Errorf("token %q accepted", tok)
			}
			tokenExpiry(tok)
		} else if errors.Unwrap(err) == nil && err.Error() == "" {
			t.Error("empty error text")
		}
	})
}

// BenchmarkParseResponse parses the answer to a call of 500 users, log line
// by log line into records (the client's way), beside what a user would write
// without hrbridge: encoding/xml into a struct of the seed's element names,
// which gives the lines but no record's outcome.
func BenchmarkParseResponse(b *testing.B) {
	var doc strings.Builder
	doc.WriteString(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><UserControlledImportResponse xmlns="http://cmoglobal/WebServices/"><UserControlledImportResult><UsersImportResults xmlns=""><UsersImportResult>Partially completed</UsersImportResult><Exceptions><Exception>-==Start selected user import==-</Exception>`)
	for i := range 500 {
		fmt.Fprintf(&doc, "<Exception>Begin Processing user: user%05d</Exception><Exception>User: user%05d saved in database.</Exception><Exception>user%05d roles, groups, superiors, jobs, auditee assignments updated.</Exception>", i, i, i)
	}
	doc.WriteString(`<Exception>Imported: 500 Selected: 500 Total: 500</Exception><Exception>-==Users import END ==-</Exception><Exception>Users imported: 500</Exception></Exceptions></UsersImportResults></UserControlledImportResult></UserControlledImportResponse></soap:Body></soap:Envelope>`)
	body := []byte(doc.String())
	b.Run("cmo", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if p, err := decodeResponse(body); err != nil || len(p.blocks) != 500 {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-xml", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var v struct {
				Outcome string   `xml:"Body>UserControlledImportResponse>UserControlledImportResult>UsersImportResults>UsersImportResult"`
				Lines   []string `xml:"Body>UserControlledImportResponse>UserControlledImportResult>UsersImportResults>Exceptions>Exception"`
			}
			if err := xml.Unmarshal(body, &v); err != nil || len(v.Lines) != 1504 {
				b.Fatal(err, len(v.Lines))
			}
		}
	})
}
