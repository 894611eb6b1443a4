package sagepeople_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrbridge/hrbridge/internal/paging"
	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

var ignoreStamp = cmpopts.IgnoreFields(sagepeople.TeamMember{}, "SystemModstamp")

func TestTeamMembersREST(t *testing.T) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithPageSize(2))
	want := fill(srv, 5)
	var progress []int
	c := newClient(t, srv, sagepeople.WithAPIVersion("62.0"), sagepeople.WithProgress(func(done, total int) {
		if total != 5 {
			t.Errorf("progress total %d", total)
		}
		progress = append(progress, done)
	}))
	got := collect(t, c, sagepeople.Query{Via: sagepeople.ViaREST})
	if !slices.Equal(progress, []int{2, 4, 5}) {
		t.Errorf("progress %v", progress)
	}
	for _, r := range srv.Requests()[1:] {
		if !strings.HasPrefix(r.Path, "/services/data/v62.0/query") {
			t.Errorf("request %s, not of version 62.0", r.Path)
		}
	}
	if diff := cmp.Diff(want, got, ignoreStamp); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	tokens, pages := 0, 0
	for _, r := range srv.Requests() {
		switch {
		case r.Host == "login":
			tokens++
		case r.Host == "instance":
			pages++
		}
	}
	if tokens != 1 || pages != 3 {
		t.Errorf("%d token requests and %d pages, want 1 and 3", tokens, pages)
	}
}

func TestTeamMembersPage(t *testing.T) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithPageSize(2))
	want := fill(srv, 5)
	c := newClient(t, srv)
	ctx := context.Background()
	var got []sagepeople.TeamMember
	next, pages := "", 0
	for {
		p, err := c.TeamMembersPage(ctx, sagepeople.Query{OrderBy: []string{"Id"}}, next)
		if err != nil {
			t.Fatal(err)
		}
		if p.Total != 5 {
			t.Errorf("Total %d, want 5", p.Total)
		}
		got = append(got, p.Items...)
		pages++
		if next = p.Next; next == "" {
			break
		}
		if !strings.HasPrefix(next, "/services/data/v67.0/query/") {
			t.Errorf("Next %q is not a nextRecordsUrl", next)
		}
	}
	if pages != 3 || len(got) != 5 || got[4].ID != want[4].ID {
		t.Errorf("%d pages, %d members", pages, len(got))
	}
	if _, err := c.TeamMembersPage(ctx, sagepeople.Query{}, "https://evil.example/x"); !errors.Is(err, sagepeople.ErrInvalid) {
		t.Errorf("a foreign next page: %v, want ErrInvalid", err)
	}
}

func TestQueryFiltersAndDeleted(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	want := fill(srv, 4)
	srv.AddTeamMember(sagepeople.TeamMember{ID: "a0T000000000009999", FullName: "O'Brien \"Quote\"", LastName: "O'Brien",
		Address: sagepeople.Address{Region: "APAC"}})
	c := newClient(t, srv)
	got := collect(t, c, sagepeople.Query{Where: sagepeople.Eq("fHCM2__Home_Address_Region__c", "EMEA"), OrderBy: []string{"Name DESC"}})
	if len(got) != 4 || got[0].ID != want[3].ID {
		t.Errorf("EMEA: %d members, first %s", len(got), got[0].ID)
	}
	// A literal with quotes and a backslash selects by value, nothing more.
	got = collect(t, c, sagepeople.Query{Where: sagepeople.Eq("fHCM2__Surname__c", "O'Brien")})
	if len(got) != 1 || got[0].LastName != "O'Brien" || got[0].Employment != nil || got[0].Manager != nil {
		t.Errorf("O'Brien: %+v", got)
	}
	if got := collect(t, c, sagepeople.Query{Where: sagepeople.Eq("Name", `x' OR Name != 'y`)}); len(got) != 0 {
		t.Errorf("an injection attempt selected %d members", len(got))
	}
	got = collect(t, c, sagepeople.Query{Where: sagepeople.In("fHCM2__Unique_Id__c", "E0001", "E0002")})
	if len(got) != 2 {
		t.Errorf("IN: %d members", len(got))
	}
	// A deleted member: only with Deleted, flagged.
	if err := srv.Delete(want[1].ID); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, c, sagepeople.Query{}); len(got) != 4 {
		t.Errorf("after a deletion: %d members, want 4", len(got))
	}
	got = collect(t, c, sagepeople.Query{Deleted: true, Where: sagepeople.Eq("IsDeleted", true)})
	if len(got) != 1 || !got[0].Deleted || got[0].ID != want[1].ID {
		t.Errorf("queryAll deleted: %+v", got)
	}
}

func TestCustomFields(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	m := member(0)
	m.Custom = map[string]string{"Badge_Number__c": "B-42"}
	srv.AddTeamMember(m)
	srv.AddTeamMember(member(1))
	c := newClient(t, srv, sagepeople.WithCustomFields("Badge_Number__c", "fHCM2__Manager__r.fHCM2__Job_Title__c"))
	got := collect(t, c, sagepeople.Query{OrderBy: []string{"Id"}})
	if got[0].Custom["Badge_Number__c"] != "B-42" || got[0].Custom["fHCM2__Manager__r.fHCM2__Job_Title__c"] != "" {
		t.Errorf("custom of member 0: %v", got[0].Custom)
	}
	if _, ok := got[1].Custom["Badge_Number__c"]; ok || got[1].Custom["fHCM2__Manager__r.fHCM2__Job_Title__c"] != "Engineer" {
		t.Errorf("custom of member 1: %v", got[1].Custom)
	}
	// A field the org does not have: INVALID_FIELD, typed.
	c = newClient(t, srv, sagepeople.WithCustomFields("Nope__c"))
	_, err := c.TeamMembersPage(context.Background(), sagepeople.Query{}, "")
	var ae *sagepeople.APIError
	if !errors.As(err, &ae) || ae.Code != "INVALID_FIELD" || ae.StatusCode != 400 || !strings.Contains(ae.Message, "Nope__c") {
		t.Errorf("error %v, want INVALID_FIELD", err)
	}
}

func TestSalesforceErrorsAreTyped(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	c := newClient(t, srv)
	for _, tc := range []struct {
		status   int
		body     string
		code     string
		sentinel error
	}{
		{400, `[{"message":"unexpected token: OR","errorCode":"MALFORMED_QUERY"}]`, "MALFORMED_QUERY", nil},
		{403, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, "REQUEST_LIMIT_EXCEEDED", sagepeople.ErrRateLimited},
		{404, `[{"message":"The requested resource does not exist","errorCode":"NOT_FOUND"}]`, "NOT_FOUND", sagepeople.ErrNotFound},
		{500, `[{"message":"An unexpected error occurred","errorCode":"UNKNOWN_EXCEPTION"}]`, "UNKNOWN_EXCEPTION", sagepeople.ErrUnavailable},
	} {
		srv.Faults.Push(sagepeopletest.Fault{Match: onInstance, Status: tc.status, Header: http.Header{"Content-Type": {"application/json"}}, Body: tc.body, Times: 3})
		_, err := c.Count(context.Background(), sagepeople.Query{})
		srv.Faults.Reset()
		var ae *sagepeople.APIError
		if !errors.As(err, &ae) || ae.Code != tc.code || ae.StatusCode != tc.status || !strings.HasPrefix(err.Error(), "sagepeople: Count: GET ") {
			t.Errorf("%d: error %v, want code %s", tc.status, err, tc.code)
			continue
		}
		if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
			t.Errorf("%s is not %v", tc.code, tc.sentinel)
		}
	}
}

func TestRepeatedPageStopsTheList(t *testing.T) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithPageSize(1))
	fill(srv, 3)
	c := newClient(t, srv)
	// A server stuck on its second page: it keeps sending the same
	// nextRecordsUrl.
	stuck := `{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v67.0/query/01gSTUCK-2","records":[]}`
	srv.Faults.Push(sagepeopletest.Fault{Match: func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/query/") },
		Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: stuck, Times: 5})
	var err error
	for _, err = range c.TeamMembers(context.Background(), sagepeople.Query{Via: sagepeople.ViaREST}) {
		if err != nil {
			break
		}
	}
	if !errors.Is(err, paging.ErrRepeatedPage) {
		t.Fatalf("error %v, want ErrRepeatedPage", err)
	}
}

// TestBadRecordsAreReported: a date in the wrong form, a null relationship
// and a broken record: each member comes, or is reported; none is dropped.
func TestBadRecordsAreReported(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 2)
	emp := srv.Insert("fHCM2__Employment__c", sagepeopletest.Record{"Name": "EMP-X", "fHCM2__Start_Date__c": "01/02/2024", "fHCM2__Active__c": true})
	srv.Insert("fHCM2__Team_Member__c", sagepeopletest.Record{"Id": "a0T000000000000BAD", "Name": "Bad Date", "fHCM2__Current_Employment__c": emp})
	srv.Insert("fHCM2__Team_Member__c", sagepeopletest.Record{"Id": "a0T000000000000NUL", "Name": "No Employment", "fHCM2__Current_Employment__c": nil})
	c := newClient(t, srv)
	var good []sagepeople.TeamMember
	var bad []*sagepeople.RecordError
	for m, err := range c.TeamMembers(context.Background(), sagepeople.Query{Via: sagepeople.ViaREST}) {
		var re *sagepeople.RecordError
		switch {
		case errors.As(err, &re):
			bad = append(bad, re)
		case err != nil:
			t.Fatal(err)
		default:
			good = append(good, m)
		}
	}
	if len(good) != 3 || len(bad) != 1 {
		t.Fatalf("%d good, %d bad; want 3 and 1", len(good), len(bad))
	}
	if bad[0].ID != "a0T000000000000BAD" || bad[0].Field != "fHCM2__Current_Employment__r.fHCM2__Start_Date__c" || !errors.Is(bad[0], sagepeople.ErrBadRecord) {
		t.Errorf("bad record %v", bad[0])
	}
	if good[2].ID != "a0T000000000000NUL" || good[2].Employment != nil {
		t.Errorf("the member without employment: %+v", good[2])
	}
	// The page-level call keeps the good ones and reports the bad.
	p, err := c.TeamMembersPage(context.Background(), sagepeople.Query{}, "")
	if p == nil || len(p.Items) != 3 || !errors.Is(err, sagepeople.ErrBadRecord) {
		t.Errorf("page %v, error %v", p, err)
	}
}

// TestMissingFieldsAreReported: a record that lacks a field the query
// selected, or a relationship left out instead of null, is a bad record
// naming the field; a garbled record is one too; the others still come.
func TestMissingFieldsAreReported(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 1)
	c := newClient(t, srv, sagepeople.WithFields(sagepeople.Fields{Email: "fHCM2__Email__c", Employment: "fHCM2__Current_Employment__r", StartDate: "fHCM2__Start_Date__c"}))
	page := `{"totalSize":4,"done":true,"records":[
		{"attributes":{"type":"fHCM2__Team_Member__c"},"Id":"a1","SystemModstamp":"2024-01-02T03:04:05.000+0000","IsDeleted":false,"fHCM2__Email__c":"a@x","fHCM2__Current_Employment__r":null},
		{"Id":"a2","SystemModstamp":"2024-01-02T03:04:05.000+0000","IsDeleted":false,"fHCM2__Current_Employment__r":null},
		{"Id":"a3","SystemModstamp":"2024-01-02T03:04:05.000+0000","IsDeleted":false,"fHCM2__Email__c":"c@x"},
		{"Id":"a4","SystemModstamp":"2024-01-02T03:04:05.000+0000","IsDeleted":false,"fHCM2__Email__c":["c@x"]}]}`
	srv.Faults.Push(sagepeopletest.Fault{Match: onInstance, Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: page})
	var ids []string
	var bad []string
	for m, err := range c.TeamMembers(context.Background(), sagepeople.Query{Via: sagepeople.ViaREST}) {
		var re *sagepeople.RecordError
		switch {
		case errors.As(err, &re):
			bad = append(bad, re.ID+" "+re.Field)
		case err != nil:
			t.Fatal(err)
		default:
			ids = append(ids, m.ID)
		}
	}
	want := []string{"a2 fHCM2__Email__c", "a3 fHCM2__Current_Employment__r.fHCM2__Start_Date__c", " "}
	if len(ids) != 1 || ids[0] != "a1" || len(bad) != 3 || bad[0] != want[0] || bad[1] != want[1] || bad[2] != " " {
		t.Errorf("good %v, bad %q", ids, bad)
	}
}
