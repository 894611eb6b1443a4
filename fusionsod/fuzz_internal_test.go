package fusionsod

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hrbridge/hrbridge/internal/transport"
)

// FuzzRequestID feeds runUserProvisioningAnalysis answers to the decoder:
// an id it accepts is sent back, in either form, as valid JSON that reads
// as the same id.
func FuzzRequestID(f *testing.F) {
	for _, s := range []string{`{ "result": "1" }`, `{"result": 1}`, `{"result": 1.5e3}`, `{"result": null}`, `{"result": ""}`, `{"result": {"a":1}}`, `{}`, `{"result":"12\n"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var res actionResult
		if json.Unmarshal(data, &res) != nil {
			return
		}
		id, err := parseRequestID(res.Result)
		if err != nil {
			return
		}
		if id == "" {
			t.Fatal("empty id accepted")
		}
		for _, form := range []IDForm{IDNumber, IDString} {
			raw := requestIDJSON(id, form)
			var back flexString
			if err := json.Unmarshal(raw, &back); err != nil || RequestID(back) != id {
				t.Fatalf("id %q in form %d: %s reads back as %q, %v", id, form, raw, back, err)
			}
		}
	})
}

// FuzzStatus feeds getRequestStatus answers to the decoder: a text is
// one of the four statuses or ErrUnknownStatus, nothing else.
func FuzzStatus(f *testing.F) {
	for _, s := range []string{`{ "result": "Job Completed>" }`, `{"result":"Completed"}`, `{"result":"Queued"}`, `{"result":"Started"}`, `{"result":"Failed"}`, `{"result":"job  FAILED >"}`, `{"result":"Paused"}`, `{"result":3}`} {
		f.Add([]byte(s))
	}
	c := &Client{}
	f.Fuzz(func(t *testing.T, data []byte) {
		var res actionResult
		if json.Unmarshal(data, &res) != nil {
			return
		}
		var text string
		if json.Unmarshal(res.Result, &text) != nil {
			return
		}
		s, err := c.parseStatus(text)
		switch {
		case err != nil && !errors.Is(err, ErrUnknownStatus):
			t.Fatalf("%q: %v", text, err)
		case err == nil && s != StatusQueued && s != StatusStarted && s != StatusCompleted && s != StatusFailed:
			t.Fatalf("%q gives %q", text, s)
		case err == nil:
			if again, _ := ParseStatus(string(s)); again != s {
				t.Fatalf("%q does not read as itself", s)
			}
		}
	})
}

// FuzzConflictPage feeds result pages to the decoder and the paging
// logic: a page either ends the list or moves forward by its items.
func FuzzConflictPage(f *testing.F) {
	f.Add([]byte(`{"items":[{ "controlId": 86731, "controlName": "Enter journal and view risk", "inputRoleCode": "PROV_TEST_ROLE2", "inputRoleName": "Prov Test Role2", "incidentPath": "Enter Journal By Spreadsheet", "conflictingRole": "Prov Test Role1", "links": [ { "rel": "self", "href": "https://servername.fa.us2.oraclecloud.com/fscmRestApi/resources/11.13.18.05/advancedControlsRolesProvisioning/14", "name": "advancedControlsRolesProvisioning", "kind": "item" } ] }],"count":1,"hasMore":true,"limit":25,"offset":0}`), 0)
	f.Add([]byte(`{"items":[],"hasMore":true}`), 0)
	f.Add([]byte(`{"items":[{"advancedControlsRolesProvisioningUniqID":"7","controlId":"x"}],"offset":3,"totalResults":4}`), 3)
	f.Fuzz(func(t *testing.T, data []byte, offset int) {
		if offset < 0 || offset > 1<<30 {
			return
		}
		var col collection[conflictJSON]
		if json.Unmarshal(data, &col) != nil {
			return
		}
		page, _, err := pageOf("ListConflicts", &col, offset, (*conflictJSON).conflict, (*conflictJSON).key)
		if err != nil {
			if !errors.Is(err, ErrUnexpectedContent) {
				t.Fatalf("error %v is not ErrUnexpectedContent", err)
			}
			return
		}
		if page.Next != "" && (len(page.Items) == 0 || page.Next != strconv.Itoa(offset+len(page.Items))) {
			t.Fatalf("next %q after %d items from %d", page.Next, len(page.Items), offset)
		}
	})
}

// FuzzIncidentPage feeds incident pages to the decoder.
func FuzzIncidentPage(f *testing.F) {
	f.Add([]byte(`{"items":[{"Id":300000001,"ControlId":86731,"Status":"Accepted","GlobalUserName":"AP_Manager","Role":"Payables Payer","links":[{"rel":"self","href":"https://h/fscmRestApi/resources/11.13.18.05/advancedControls/86731/child/incidents/00020000000EACED"}]}],"hasMore":false}`))
	f.Add([]byte(`{"items":[{"Id":"x","ControlId":null,"Priority":2,"links":[{"rel":"self","href":"%zz"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var col collection[incidentJSON]
		if json.Unmarshal(data, &col) != nil {
			return
		}
		page, _, err := pageOf("ListIncidents", &col, 0, (*incidentJSON).incident, (*incidentJSON).key)
		if err == nil && len(page.Items) != len(col.Items) {
			t.Fatalf("%d items of %d", len(page.Items), len(col.Items))
		}
	})
}

// FuzzRoleCheck feeds runUserRoleCheck answers to the decoder.
func FuzzRoleCheck(f *testing.F) {
	for _, s := range []string{`{"result":"No Violations"}`, `{"result":{"AP_PAYER":["AP_APPROVER"]}}`, `{"result":"{\"A\":\"B\"}"}`, `{"result":{"A":{"B":1}}}`, `{"result":{"A":3}}`, `{"result":[1]}`, `{"result":"oops"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var res actionResult
		if json.Unmarshal(data, &res) != nil {
			return
		}
		rc, err := parseRoleCheck(res.Result)
		if err == nil && rc == nil {
			t.Fatal("nil check without error")
		}
	})
}

// FuzzErrorBody feeds error answers to the error decoder: the error says
// the status, and its message is bounded valid text.
func FuzzErrorBody(f *testing.F) {
	for _, s := range []string{`{"title":"Bad Request","detail":"The user is not valid.","o:errorCode":"GRC-1234"}`,
		`{"title":"x","o:errorDetails":[{"detail":"y","o:errorCode":"Z"}]}`, `plain text`, `<html><title>Sign In</title></html>`, `{"detail":3}`} {
		f.Add([]byte(s), 400)
	}
	c := &Client{}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		if status < 400 || status > 599 {
			return
		}
		err := c.wrap("op", &transport.HTTPError{Method: "POST", URL: "https://h/x", StatusCode: status, Header: http.Header{}, Body: body})
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != status {
			t.Fatalf("%v", err)
		}
		if len(ae.Message) > 600 || (utf8.Valid(body) && !utf8.ValidString(ae.Message)) {
			t.Fatalf("message %q", ae.Message)
		}
	})
}

// FuzzDataAccess checks that a value ParseDataAccess accepts prints as
// text that parses back to it.
func FuzzDataAccess(f *testing.F) {
	for _, s := range []string{"BUSINESS_UNIT = Vision China", "Location = NA", "=x", "LEDGER_SET=", "A = b = c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDataAccess(s)
		if err != nil {
			return
		}
		back, err := ParseDataAccess(d.String())
		if err != nil || back != d {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, d, d.String(), back, err)
		}
		if strings.ContainsAny(string(d.Kind), "= ") {
			t.Fatalf("kind %q", d.Kind)
		}
	})
}
