package hcmscim_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

// userSample is the answer of Oracle's "Update User Username" example,
// without the trailing commas the guide's text has after "accountType".
const userSample = `{ "id": "FE8B6B1DE81922FFE053A3561BACA0B5", "meta": { "location": "https://fa-eqmp-pintlabfadev.fa.ocs.oc-test.com:443/hcmRestApi/scim/Users/FE8B6B1DE81922FFE053A3561BACA0B5", "resourceType": "User", "created": "2023-06-30 16:42:59.000", "lastModified": "2023-07-03 18:37:29.535" }, "schemas": [ "urn:scim:schemas:core:2.0:User", "urn:scim:schemas:extension:fa:2.0:faUser" ], "userName": "Rachel.Goode", "name": { "familyName": "Goode", "givenName": "Rachel" }, "displayName": "Rachel Goode", "preferredLanguage": "en", "active": true, "emails": [ { "primary": true, "type": "W", "value": "rachel.goode@adcdat05.us.oracle.com" } ], "roles": [ { "id": "40C4AE052EC2582286A6A0FB1514656C", "displayName": "Employee", "description": "Identifies the person as an employee.", "value": "ORA_PER_EMPLOYEE_ABSTRACT" } ], "urn:scim:schemas:extension:fa:2.0:faUser": { "workerInformation": { "personNumber": "966169008890235", "manager": "null", "businessUnit": "AUTO_GHR_BUSINESS UNIT02", "department": "null" }, "userCategory": "DEFAULT", "accountType": "Person" } }`

func TestDecodeOracleSample(t *testing.T) {
	var u hcmscim.User
	if err := json.Unmarshal([]byte(userSample), &u); err != nil {
		t.Fatal(err)
	}
	if got, want := u.Meta.Created, time.Date(2023, 6, 30, 16, 42, 59, 0, time.UTC); !got.Equal(want) {
		t.Errorf("created = %v, want %v", got, want)
	}
	if got, want := u.Meta.LastModified, time.Date(2023, 7, 3, 18, 37, 29, 535e6, time.UTC); !got.Equal(want) {
		t.Errorf("lastModified = %v, want %v", got, want)
	}
	want := hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: rachelPN, BusinessUnit: "AUTO_GHR_BUSINESS UNIT02"},
		UserCategory: "DEFAULT", AccountType: "Person"}
	if u.FA != want {
		t.Errorf("faUser = %+v, want %+v (Oracle's \"null\" read as empty)", u.FA, want)
	}
	if active, ok := u.Active.Get(); !ok || !active {
		t.Errorf("active = %v", u.Active)
	}
	if len(u.Emails) != 1 || u.Emails[0] != hcmscim.WorkEmail("rachel.goode@adcdat05.us.oracle.com") {
		t.Errorf("emails = %+v", u.Emails)
	}
	if len(u.Roles) != 1 || u.Roles[0].Value != "ORA_PER_EMPLOYEE_ABSTRACT" {
		t.Errorf("roles = %+v", u.Roles)
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2023-07-10 21:21:08.361":  time.Date(2023, 7, 10, 21, 21, 8, 361e6, time.UTC),
		"2009-05-25 00:00:00":      time.Date(2009, 5, 25, 0, 0, 0, 0, time.UTC),
		"2023-07-10T21:21:08.361Z": time.Date(2023, 7, 10, 21, 21, 8, 361e6, time.UTC),
		"":                         {},
	} {
		got, err := hcmscim.ParseTime(in)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"2023-07-10", "10/07/2023 21:21", "2023-13-10 21:21:08.361"} {
		if _, err := hcmscim.ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) gave no error", in)
		}
	}
	var m hcmscim.Meta
	err := json.Unmarshal([]byte(`{"created":"yesterday"}`), &m)
	if err == nil || !strings.Contains(err.Error(), "meta.created") {
		t.Errorf("bad meta.created: error %v does not name the field", err)
	}
}

func TestGetUser(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(d)})
		seed(srv)
		u, err := c.GetUser(context.Background(), maryID)
		if err != nil {
			t.Fatal(err)
		}
		if u.UserName != "Mary.King" || u.FA.WorkerInformation.Department != "AUTO_GHR_DEPARTMENT03" || u.FA.WorkerInformation.Manager != "" {
			t.Errorf("user = %+v", u)
		}
		if !u.Meta.Created.Equal(clock) || u.Meta.ResourceType != "User" {
			t.Errorf("meta = %+v, want created %v", u.Meta, clock)
		}
		if len(u.Roles) != 1 || u.Roles[0].DisplayName != "Employee" {
			t.Errorf("roles = %+v", u.Roles)
		}
		wantSchema := hcmscim.OracleUserSchema
		if d == hcmscim.DialectStandard {
			wantSchema = hcmscim.StandardUserSchema
		}
		if len(u.Schemas) == 0 || u.Schemas[0] != wantSchema {
			t.Errorf("schemas = %v", u.Schemas)
		}
		_, err = c.GetUser(context.Background(), "NO_SUCH_USER")
		var ae *hcmscim.APIError
		if !errors.Is(err, hcmscim.ErrNotFound) || !errors.As(err, &ae) || ae.StatusCode != 404 {
			t.Errorf("unknown user: %v", err)
		}
		for _, bad := range []string{"", "..", "a/b", "x?y"} {
			if _, err := c.GetUser(context.Background(), bad); err == nil {
				t.Errorf("GetUser(%q) gave no error", bad)
			}
		}
	})
}

func TestUsersPaging(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		for _, tc := range []struct {
			users, count int
			requests     map[hcmscim.Dialect]int
		}{
			{0, 2, map[hcmscim.Dialect]int{hcmscim.DialectOracle: 1, hcmscim.DialectStandard: 1}},
			{1, 2, map[hcmscim.Dialect]int{hcmscim.DialectOracle: 1, hcmscim.DialectStandard: 1}},
			{5, 2, map[hcmscim.Dialect]int{hcmscim.DialectOracle: 3, hcmscim.DialectStandard: 3}},
			// A last page that is full: Oracle's answers carry no total, so
			// only an empty page ends the list; RFC 7644's totalResults does.
			{4, 2, map[hcmscim.Dialect]int{hcmscim.DialectOracle: 3, hcmscim.DialectStandard: 2}},
			{3, 1, map[hcmscim.Dialect]int{hcmscim.DialectOracle: 4, hcmscim.DialectStandard: 3}},
		} {
			srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(d)}, hcmscim.WithDialect(d))
			for i := range tc.users {
				srv.AddUser(hcmscim.User{UserName: fmt.Sprintf("user%02d", i)})
			}
			var names []string
			for u, err := range c.Users(context.Background(), hcmscim.Query{Count: tc.count}) {
				if err != nil {
					t.Fatal(err)
				}
				names = append(names, u.UserName)
			}
			if len(names) != tc.users {
				t.Errorf("%d users by %d: got %d: %v", tc.users, tc.count, len(names), names)
			}
			for i, n := range names {
				if n != fmt.Sprintf("user%02d", i) {
					t.Errorf("user %d is %s: order lost or user repeated", i, n)
				}
			}
			if got, want := len(srv.Requests()), tc.requests[d]; got != want {
				t.Errorf("%d users by %d: %d requests, want %d", tc.users, tc.count, got, want)
			}
		}
	})
}

func TestUsersPageAndQuery(t *testing.T) {
	srv, c := newPair(t, nil)
	seed(srv)
	ctx := context.Background()
	page, err := c.UsersPage(ctx, hcmscim.Query{Count: 2, Attributes: []string{"userName"}, Filter: hcmscim.Co("userName", ".")}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.Next != "3" || page.Total != -1 {
		t.Fatalf("page = %+v", page)
	}
	for _, u := range page.Items {
		if u.ID == "" || len(u.Emails) != 0 || u.FA != (hcmscim.FAUser{}) {
			t.Errorf("attributes=userName returned %+v", u)
		}
	}
	page, err = c.UsersPage(ctx, hcmscim.Query{Count: 2, Filter: hcmscim.Co("userName", ".")}, page.Next)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 0 || page.Next != "" {
		t.Errorf("second page = %+v, want empty and last (Joe's user name has no dot)", page)
	}
	q := srv.Requests()[0].Query
	if q.Get("filter") != `userName co "."` || q.Get("attributes") != "userName" || q.Get("count") != "2" || q.Get("startIndex") != "1" {
		t.Errorf("query sent: %v", q)
	}
	if q := srv.Requests()[1].Query; q.Get("startIndex") != "3" {
		t.Errorf("second page asked for startIndex %s", q.Get("startIndex"))
	}

	// A server that answers another startIndex than the one asked for is
	// caught instead of looping.
	bad := hcmscimtest.Fault{Status: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"itemsPerPage":1,"startIndex":1,"Resources":[{"id":"X","userName":"x"}]}`}
	srv.Faults.Push(bad)
	if _, err := c.UsersPage(ctx, hcmscim.Query{Count: 1}, "3"); !errors.Is(err, hcmscim.ErrUnexpectedContent) || !strings.Contains(err.Error(), "startIndex 3") {
		t.Errorf("answer starting elsewhere: %v", err)
	}

	// Bad queries and page tokens are refused before anything is sent.
	n := len(srv.Requests())
	for _, q := range []hcmscim.Query{{Count: -1}, {Attributes: []string{"user name"}}, {Filter: hcmscim.Eq("1x", "y")}} {
		if _, err := c.UsersPage(ctx, q, ""); !errors.Is(err, hcmscim.ErrInvalid) {
			t.Errorf("query %+v: %v", q, err)
		}
	}
	for _, next := range []string{"0", "-2", "x"} {
		if _, err := c.UsersPage(ctx, hcmscim.Query{}, next); !errors.Is(err, hcmscim.ErrInvalid) {
			t.Errorf("page token %q: %v", next, err)
		}
	}
	if len(srv.Requests()) != n {
		t.Error("a bad query reached the server")
	}
}

func TestUsersFilterRefused(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(d)})
		seed(srv)
		for _, f := range []hcmscim.Filter{hcmscim.Eq("favouriteColour", "blue"), hcmscim.Gt("active", true), hcmscim.Eq("active", "yes")} {
			var err error
			for _, err = range c.Users(context.Background(), hcmscim.Query{Filter: f}) {
				break
			}
			var ae *hcmscim.APIError
			if !errors.Is(err, hcmscim.ErrInvalidFilter) || !errors.As(err, &ae) || ae.StatusCode != 400 {
				t.Errorf("filter %s: %v, want 400 invalidFilter", f, err)
			}
		}
	})
}

func TestFilterEvaluation(t *testing.T) {
	srv, c := newPair(t, nil)
	joeID := seed(srv)
	for _, tc := range []struct {
		f    hcmscim.Filter
		want []string
	}{
		{hcmscim.Eq("userName", "mary.king"), []string{maryID}}, // userName is not case-exact
		{hcmscim.Eq("id", strings.ToLower(maryID)), nil},        // id is
		{hcmscim.Sw("name.familyName", "G"), []string{rachelID, joeID}},
		{hcmscim.And(hcmscim.Sw("name.familyName", "G"), hcmscim.Not(hcmscim.Eq("displayName", "Joe Green"))), []string{rachelID}},
		{hcmscim.Or(hcmscim.Eq("personNumber", maryPN), hcmscim.Eq("personNumber", joePN)), []string{maryID, joeID}},
		{hcmscim.Eq("urn:scim:schemas:extension:fa:2.0:faUser:workerInformation.personNumber", rachelPN), []string{rachelID}},
		{hcmscim.Present("emails"), []string{rachelID}},
		{hcmscim.Ew("emails.value", "@adcdat05.us.oracle.com"), []string{rachelID}},
		{hcmscim.Eq("emails.type", "W"), []string{rachelID}},
		{hcmscim.Eq("roles.value", "ORA_PER_EMPLOYEE_ABSTRACT"), []string{rachelID, maryID, joeID}},
		{hcmscim.Ge("meta.lastModified", "2023-07-03 18:37:29.535"), []string{rachelID, maryID, joeID}},
		{hcmscim.Lt("meta.created", "2023-07-03 00:00:00.000"), nil},
		{hcmscim.Eq("active", true), []string{rachelID, maryID, joeID}},
		{hcmscim.Eq("urn:scim:schemas:extension:fa:2.0:faUser:workerInformation.job", "AUTO_GHR_JOB03"), []string{maryID}},
	} {
		var got []string
		for u, err := range c.Users(context.Background(), hcmscim.Query{Filter: tc.f}) {
			if err != nil {
				t.Fatalf("%s: %v", tc.f, err)
			}
			got = append(got, u.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.f, got, tc.want)
		}
	}
}

func TestCreateUser(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(d)})
		ctx := context.Background()
		u, err := c.CreateUser(ctx, hcmscim.User{UserName: "Joe.Green", Name: hcmscim.Name{GivenName: "Joe", FamilyName: "Green"},
			Emails: []hcmscim.Email{hcmscim.WorkEmail("joe.green@mail.com")}, Password: "Initial-Pass-1"})
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == "" || u.UserName != "Joe.Green" || u.FA.UserCategory != "DEFAULT" || !u.Active.Or(false) || u.Password != "" {
			t.Errorf("created %+v", u)
		}
		if pw, _ := srv.UserPassword(u.ID); pw != "Initial-Pass-1" {
			t.Errorf("password stored %q", pw)
		}
		reqs := srv.Requests()
		body := reqs[len(reqs)-1].Body
		var sent struct{ Schemas []string }
		json.Unmarshal(body, &sent)
		want := hcmscim.OracleUserSchema
		if d == hcmscim.DialectStandard {
			want = hcmscim.StandardUserSchema
		}
		if len(sent.Schemas) != 1 || sent.Schemas[0] != want {
			t.Errorf("schemas sent %v, want [%s]", sent.Schemas, want)
		}
		_, err = c.CreateUser(ctx, hcmscim.User{UserName: "JOE.GREEN"})
		if !errors.Is(err, hcmscim.ErrConflict) {
			t.Errorf("taken user name: %v", err)
		}
		n := len(srv.Requests())
		_, err = c.CreateUser(ctx, hcmscim.User{UserName: " ", Emails: []hcmscim.Email{{Value: "nope"}}})
		var ve *hcmscim.ValidationError
		if !errors.As(err, &ve) || len(ve.Problems) != 2 || len(srv.Requests()) != n {
			t.Errorf("bad user: %v (problems listed at once, nothing sent)", err)
		}
	})
}

func TestPatchUser(t *testing.T) {
	ctx := context.Background()
	t.Run("oracle", func(t *testing.T) {
		srv, c := newPair(t, nil)
		joeID := seed(srv)
		u, err := c.PatchUser(ctx, joeID, hcmscim.UserPatch{UserName: hcmscim.Some("Joe.Green")})
		if err != nil {
			t.Fatal(err)
		}
		if u.UserName != "Joe.Green" || u.DisplayName != "Joe Green" {
			t.Errorf("patched %+v", u)
		}
		reqs := srv.Requests()
		sameJSON(t, "user name PATCH body", reqs[len(reqs)-1].Body, `{"schemas":["urn:scim:schemas:core:2.0:User"],"userName":"Joe.Green"}`)

		u, err = c.PatchUser(ctx, joeID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("joe.green@mail.com")})})
		if err != nil {
			t.Fatal(err)
		}
		reqs = srv.Requests()
		sameJSON(t, "e-mail PATCH body", reqs[len(reqs)-1].Body,
			`{"schemas":["urn:scim:schemas:core:2.0:User"],"emails":[{"value":"joe.green@mail.com","type":"W","primary":true}]}`)
		if len(u.Emails) != 1 || u.Emails[0].Value != "joe.green@mail.com" {
			t.Errorf("emails %+v", u.Emails)
		}
		// A second work address replaces the first; other types stay.
		if _, err = c.PatchUser(ctx, joeID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{{Value: "joe@home.example", Type: "H"}})}); err != nil {
			t.Fatal(err)
		}
		u, err = c.PatchUser(ctx, joeID, hcmscim.UserPatch{Emails: hcmscim.Some([]hcmscim.Email{hcmscim.WorkEmail("j.green@mail.com")}),
			Active: hcmscim.Some(false), Password: hcmscim.Some("N3w-Secret!")})
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Emails) != 2 || u.Emails[0].Value != "j.green@mail.com" || u.Emails[1].Type != "H" || u.Active.Or(true) {
			t.Errorf("after second patch: %+v", u)
		}
		if pw, _ := srv.UserPassword(joeID); pw != "N3w-Secret!" {
			t.Errorf("password %q", pw)
		}
		if _, err := c.PatchUser(ctx, joeID, hcmscim.UserPatch{UserName: hcmscim.Some("rachel.goode")}); !errors.Is(err, hcmscim.ErrConflict) {
			t.Errorf("taken user name: %v", err)
		}
		if _, err := c.PatchUser(ctx, "NOBODY", hcmscim.UserPatch{Active: hcmscim.Some(true)}); !errors.Is(err, hcmscim.ErrNotFound) {
			t.Errorf("unknown user: %v", err)
		}
		n := len(srv.Requests())
		_, err = c.PatchUser(ctx, joeID, hcmscim.UserPatch{})
		var ve *hcmscim.ValidationError
		if !errors.As(err, &ve) || len(srv.Requests()) != n {
			t.Errorf("empty patch: %v", err)
		}
		_, err = c.PatchUser(ctx, joeID, hcmscim.UserPatch{UserName: hcmscim.Some(""), Emails: hcmscim.Some([]hcmscim.Email{{Value: "x"}})})
		if !errors.As(err, &ve) || len(ve.Problems) != 3 || !strings.Contains(err.Error(), joeID) || !errors.Is(err, hcmscim.ErrInvalid) {
			t.Errorf("bad patch: %v", err)
		}
	})
	t.Run("standard", func(t *testing.T) {
		srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(hcmscim.DialectStandard)})
		joeID := seed(srv)
		u, err := c.PatchUser(ctx, joeID, hcmscim.UserPatch{UserName: hcmscim.Some("Joe.Green"), Emails: hcmscim.Some([]hcmscim.Email{{Value: "joe.green@mail.com", Type: "work", Primary: true}})})
		if err != nil {
			t.Fatal(err)
		}
		if u.UserName != "Joe.Green" || len(u.Emails) != 1 || u.Emails[0].Type != "work" {
			t.Errorf("patched %+v", u)
		}
		reqs := srv.Requests()
		sameJSON(t, "PatchOp body", reqs[len(reqs)-1].Body,
			`{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[`+
				`{"op":"replace","value":{"userName":"Joe.Green"}},`+
				`{"op":"remove","path":"emails[type eq \"work\"]"},`+
				`{"op":"add","path":"emails","value":[{"value":"joe.green@mail.com","type":"work","primary":true}]}]}`)
		if ct := reqs[len(reqs)-1].Header.Get("Content-Type"); ct != "application/scim+json" {
			t.Errorf("Content-Type %q", ct)
		}
	})
}

func TestDialectDetection(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(d)})
		joeID := seed(srv)
		ctx := context.Background()
		for range 2 {
			got, err := c.Dialect(ctx)
			if err != nil || got != d {
				t.Fatalf("Dialect() = %v, %v; want %v", got, err, d)
			}
		}
		if _, err := c.PatchUser(ctx, joeID, hcmscim.UserPatch{Active: hcmscim.Some(false)}); err != nil {
			t.Fatal(err)
		}
		if n := len(srv.Requests()); n != 2 {
			t.Errorf("%d requests: detection should cost one, once", n)
		}
		// A client told the wrong dialect is refused by the fake, as a
		// real server of the other kind would refuse it.
		other := hcmscim.DialectStandard
		if d == other {
			other = hcmscim.DialectOracle
		}
		wrong, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password), hcmscim.WithDialect(other))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wrong.PatchUser(ctx, joeID, hcmscim.UserPatch{Active: hcmscim.Some(true)}); !errors.Is(err, hcmscim.ErrBadRequest) {
			t.Errorf("PATCH in the wrong dialect: %v", err)
		}
	})
	// A list call made by the caller shows the dialect for free.
	srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(hcmscim.DialectStandard)})
	seed(srv)
	if _, err := c.UsersPage(context.Background(), hcmscim.Query{}, ""); err != nil {
		t.Fatal(err)
	}
	if d, _ := c.Dialect(context.Background()); d != hcmscim.DialectStandard || len(srv.Requests()) != 1 {
		t.Errorf("dialect %v after %d requests", d, len(srv.Requests()))
	}
}

func TestNewClientOptions(t *testing.T) {
	for name, opts := range map[string][]hcmscim.Option{
		"plain http":     nil,
		"bad retry":      {hcmscim.WithInsecureHTTP(), hcmscim.WithRetry(-1, time.Second)},
		"bad page":       {hcmscim.WithInsecureHTTP(), hcmscim.WithPageSize(0)},
		"bad batch":      {hcmscim.WithInsecureHTTP(), hcmscim.WithBulkBatchSize(-1)},
		"bad workers":    {hcmscim.WithInsecureHTTP(), hcmscim.WithLookupConcurrency(0)},
		"two auths":      {hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth("a", "b"), hcmscim.WithBasicAuth("a", "b")},
		"empty password": {hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth("a", "")},
		"no jwt key":     {hcmscim.WithInsecureHTTP(), hcmscim.WithFusionJWT("iss", "u", nil, nil)},
		"bad dialect":    {hcmscim.WithInsecureHTTP(), hcmscim.WithDialect(7)},
		"body size":      {hcmscim.WithInsecureHTTP(), hcmscim.WithMaxBodyBytes(0)},
		"nil client":     {hcmscim.WithInsecureHTTP(), hcmscim.WithHTTPClient(nil)},
		"no credentials": {hcmscim.WithInsecureHTTP()},
		"nil CA pool":    {hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth("a", "b"), hcmscim.WithRootCAs(nil)},
		"nil tokens":     {hcmscim.WithInsecureHTTP(), hcmscim.WithTokenSource(nil)},
		"token and jwt":  {hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth("a", "b"), hcmscim.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t0ken-1"}))},
	} {
		if _, err := hcmscim.NewClient("http://127.0.0.1:1", opts...); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := hcmscim.NewClient("https://acme.fa.us2.oraclecloud.com", hcmscim.WithUserAgent("ems/1"), hcmscim.WithLogger(slog.New(slog.DiscardHandler)),
		hcmscim.WithHTTPClient(&http.Client{}), hcmscim.WithMaxBodyBytes(1<<20), hcmscim.WithBasicAuth("u", "p"),
		hcmscim.WithRetry(0, time.Second), hcmscim.WithRootCAs(x509.NewCertPool())); err != nil {
		t.Error(err)
	}
	// Every refusal starts with the package's name, once.
	for _, opts := range [][]hcmscim.Option{
		{hcmscim.WithBasicAuth("u", "p")},
		{hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth("u", "p"), hcmscim.WithRetry(-1, time.Second)},
		{hcmscim.WithInsecureHTTP(), hcmscim.WithRootCAs(nil)},
		{hcmscim.WithInsecureHTTP(), hcmscim.WithTokenSource(nil)},
		{hcmscim.WithInsecureHTTP()},
	} {
		_, err := hcmscim.NewClient("http://127.0.0.1:1", opts...)
		if err == nil || !strings.HasPrefix(err.Error(), "hcmscim: ") || strings.Count(err.Error(), "hcmscim:")+strings.Count(err.Error(), "hrbridge:") != 1 {
			t.Errorf("refusal %v", err)
		}
	}
	_, err := hcmscim.NewClient("http://127.0.0.1:1", hcmscim.WithBasicAuth("u", "p"))
	if err == nil || !strings.Contains(err.Error(), "WithInsecureHTTP") {
		t.Errorf("http:// refused without naming WithInsecureHTTP: %v", err)
	}
	_, err = hcmscim.NewClient("https://acme.example/?tenant=x", hcmscim.WithBasicAuth("u", "p"))
	if err == nil {
		t.Error("a base URL with a query was accepted")
	}
}

func TestBasePath(t *testing.T) {
	srv := hcmscimtest.NewServer(t)
	// A base URL with a path is used as it is.
	c, err := hcmscim.NewClient(srv.URL+"/hcmRestApi/scim/", hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UsersPage(context.Background(), hcmscim.Query{}, ""); err != nil {
		t.Fatal(err)
	}
	c, _ = hcmscim.NewClient(srv.URL+"/scim/v2", hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password))
	if _, err := c.UsersPage(context.Background(), hcmscim.Query{}, ""); !errors.Is(err, hcmscim.ErrNotFound) {
		t.Errorf("wrong root: %v", err)
	}
}
