package hcmscimtest

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmscim"
)

// FuzzRoute feeds request bodies and paths to the fake's handlers, as a
// third-party client would send them: nothing panics, and every refusal is
// a SCIM error with a 4xx or 5xx status.
func FuzzRoute(f *testing.F) {
	for _, seed := range []struct{ method, path, body string }{
		{"PATCH", "/Users/U1", `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"emails[type eq \"W\"]"},{"op":"replace","path":"name.givenName","value":"J"}]}`},
		{"PATCH", "/Users/U1", `{"schemas":["urn:scim:schemas:core:2.0:User"],"emails":[{"value":"a@b","type":"W"}]}`},
		{"PUT", "/Users/U1", `{"schemas":["urn:scim:schemas:core:2.0:User"],"userName":"x","urn:scim:schemas:extension:fa:2.0:faUser":{"workerInformation":{}}}`},
		{"PATCH", "/Roles/R1", `{"schemas":["urn:oracle:apps:scim:schemas:fa:1.0:Role"],"members":[{"value":"U1","operation":"ADD"}]}`},
		{"POST", "/Bulk", `{"Operations":[{"method":"DELETE","path":"/Users/U1","bulkId":"d"}]}`},
		{"GET", "/Users", ``},
		{"GET", "/Schemas/urn:scim:schemas:core:2.0:User", ``},
	} {
		f.Add(seed.method, seed.path, seed.body, "filter=userName+pr&excludedAttributes=name", false)
	}
	f.Fuzz(func(t *testing.T, method, path, body, rawQuery string, standard bool) {
		d := hcmscim.DialectOracle
		if standard {
			d = hcmscim.DialectStandard
		}
		s := &Server{dialect: d, maxCount: 10, maxBulkOps: 10, now: fixedNow, st: newStore(), base: "http://fake" + hcmscim.DefaultPath}
		u := s.AddUser(hcmscim.User{ID: "U1", UserName: "Joe", Emails: []hcmscim.Email{hcmscim.WorkEmail("j@w.example")}})
		s.AddRole(hcmscim.Role{ID: "R1", Name: "R", Members: []hcmscim.Member{{Value: u.ID}}})
		q, err := url.ParseQuery(rawQuery)
		if err != nil {
			return
		}
		status, _, _, serr := s.route(method, path, q, []byte(body))
		if serr != nil && (serr.status < 400 || serr.status > 599) {
			t.Fatalf("%s %s: error status %d", method, path, serr.status)
		}
		if serr == nil && (status < 200 || status > 299) && status != http.StatusNoContent {
			t.Fatalf("%s %s: status %d without an error", method, path, status)
		}
	})
}

func fixedNow() time.Time { return time.Date(2023, 7, 3, 18, 37, 29, 535e6, time.UTC) }
