package cmo_test

// Tests of what broke against an independent server written from the seed
// (issue 13, items 1 to 4), each against cmotest made to behave like it.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// TestPartiallyCompletedWithEveryRecordSavedIsSuccess: the seed's own
// successful import answers "Partially completed" ("Imported: 1 Selected: 1
// Total: 1"), as cmotest does by default; a tenant answering "True" is a
// success too. The import is judged by its records and counts.
func TestPartiallyCompletedWithEveryRecordSavedIsSuccess(t *testing.T) {
	for name, opts := range map[string][]cmotest.Option{"seed": nil, "True": {cmotest.WithTrueOutcome()}} {
		srv := cmotest.NewServer(t, opts...)
		c := newClient(t, srv)
		ctx := context.Background()
		want := cmo.OutcomePartial
		if name == "True" {
			want = cmo.OutcomeTrue
		}
		res, err := c.ImportUsers(ctx, people(3))
		if err != nil || res.Outcome != want || res.Imported != 3 || res.Total != 3 {
			t.Errorf("%s: users: %+v, %v", name, res, err)
		}
		if res, err := c.ImportOrgUnits(ctx, []cmo.OrgUnit{{OrgName: "NSW"}}); err != nil || res.Outcome != want {
			t.Errorf("%s: org units: %+v, %v", name, res, err)
		}
		if res, err := c.ImportEntities(ctx, []cmo.Entity{{EntityName: "Eastern Village"}}); err != nil || res.Outcome != want {
			t.Errorf("%s: entities: %+v, %v", name, res, err)
		}
		// A record not saved makes it an error, whatever the word.
		bad := person("zed")
		bad.UserRole = cmo.Some("Nobody")
		res, err = c.ImportUsers(ctx, []cmo.User{person("amy"), bad})
		var ie *cmo.ImportError
		if !errors.As(err, &ie) || !errors.Is(err, cmo.ErrRoleNotFound) || res.Outcome != cmo.OutcomePartial ||
			!strings.Contains(err.Error(), `user "zed" not saved: Role not found: Nobody`) || strings.Contains(err.Error(), `"amy"`) {
			t.Errorf("%s: one not saved: %+v, %v", name, res, err)
		}
	}
}

// TestResultElementsUnderOtherNames: org units and entities answered as
// <GroupsImportResults><GroupsImportResult>... and
// <AuditeesImportResults><AuditeesImportResult>..., names the seed does not
// give, are read record by record.
func TestResultElementsUnderOtherNames(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithResultNames("Groups", "Auditees"))
	c := newClient(t, srv)
	ctx := context.Background()
	res, err := c.ImportOrgUnits(ctx, []cmo.OrgUnit{{OrgName: "NSW"}, {OrgName: "Perth", OrgParentName: cmo.Some("WA")}})
	if !errors.Is(err, cmo.ErrOrgUnitNotFound) || res.Records[0].Status != cmo.StatusSaved || res.Records[1].Status != cmo.StatusFailed || res.Total != 2 {
		t.Errorf("org units: %+v, %v", res, err)
	}
	res, err = c.ImportEntities(ctx, []cmo.Entity{{EntityName: "Eastern Village"}})
	if err != nil || res.Records[0].Status != cmo.StatusSaved {
		t.Errorf("entities: %+v, %v", res, err)
	}
}

// TestLoginNameWithInnerSpaces: CMO echoes a LoginName as it was sent, runs
// of inner spaces included; the record is matched back to it.
func TestLoginNameWithInnerSpaces(t *testing.T) {
	srv := cmotest.NewServer(t)
	users := []cmo.User{person("anne  marie"), person("anne marie")}
	res, err := newClient(t, srv).ImportUsers(context.Background(), users)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res.Records {
		if r.Key != users[i].LoginName || r.Status != cmo.StatusSaved || r.Err != nil {
			t.Errorf("record %d: %+v", i, r)
		}
	}
	if _, ok := srv.User("anne  marie"); !ok {
		t.Error("not stored under its own name")
	}
}

// TestRecordsCMODoesNotNameAreAnError: an answer that reports no error but
// does not name a record (an asynchronous import's log may not) leaves the
// record StatusUnknown with an error, never silently.
func TestRecordsCMODoesNotNameAreAnError(t *testing.T) {
	srv := cmotest.NewServer(t)
	srv.Faults.Push(cmotest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}}, Body: answer("UserControlledImport",
		"True", "-==Start selected user import==-", "Begin Processing user: amy", "User: amy saved in database.", "-==Users import END ==-")})
	res, err := newClient(t, srv).ImportUsers(context.Background(), []cmo.User{person("amy"), person("bob")})
	var re *cmo.RecordError
	if !errors.Is(err, cmo.ErrImportFailed) || !errors.Is(err, cmo.ErrUnconfirmed) || errors.Is(err, cmo.ErrRejected) ||
		res.Records[0].Status != cmo.StatusSaved || res.Records[1].Status != cmo.StatusUnknown ||
		!errors.As(res.Records[1].Err, &re) || re.Key != "bob" || !strings.Contains(err.Error(), "1 not confirmed") {
		t.Errorf("%+v, %v", res.Records, err)
	}

	// Counts that contradict the records: an error too.
	srv.Faults.Push(cmotest.Fault{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/xml; charset=utf-8"}}, Body: answer("UserControlledImport",
		"Partially completed", "Begin Processing user: amy", "User: amy saved in database.", "Imported: 0 Selected: 1 Total: 1")})
	_, err = newClient(t, srv).ImportUsers(context.Background(), []cmo.User{person("amy")})
	if !errors.Is(err, cmo.ErrCountMismatch) {
		t.Errorf("counts: %v", err)
	}
}

// TestUnknownOperationIsNotFound: ASP.NET answers an operation it does not
// have with a Fault, "Server did not recognize the value of HTTP Header
// SOAPAction", which is ErrNotFound.
func TestUnknownOperationIsNotFound(t *testing.T) {
	srv := cmotest.NewServer(t)
	c := newClient(t, srv, cmo.WithEntitiesOperation("AsyncEntitiesImport"))
	res, err := c.ImportEntities(context.Background(), []cmo.Entity{{EntityName: "Eastern Village"}})
	var ae *cmo.APIError
	if !errors.As(err, &ae) || !errors.Is(err, cmo.ErrNotFound) || ae.Code != "soap:Client" || ae.Op != "AsyncEntitiesImport" ||
		!strings.Contains(ae.Message, "SOAPAction") || !strings.HasPrefix(err.Error(), "cmo: AsyncEntitiesImport: POST http") || strings.Count(err.Error(), "cmo: ") != 1 {
		t.Errorf("%v (%#v)", err, ae)
	}
	if res.Records[0].Status != cmo.StatusUnknown || !errors.Is(res.Records[0].Err, cmo.ErrUnconfirmed) {
		t.Errorf("%+v", res.Records[0])
	}
}

// answer is an answer of op with outcome and lines, as ASMX writes it.
func answer(op, outcome string, lines ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><` + op + `Response xmlns="http://cmoglobal/WebServices/"><` + op + `Result><UsersImportResults xmlns=""><UsersImportResult>` + outcome + `</UsersImportResult><Exceptions>`)
	for _, l := range lines {
		b.WriteString("<Exception>" + l + "</Exception>")
	}
	b.WriteString(`</Exceptions></UsersImportResults></` + op + `Result></` + op + `Response></soap:Body></soap:Envelope>`)
	return b.String()
}
