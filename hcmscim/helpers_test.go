package hcmscim_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
)

// The people and roles of Oracle's integration guide.
const (
	rachelID  = "FE8B6B1DE81922FFE053A3561BACA0B5"
	maryID    = "FE8B6B1DE81A22FFE053A3561BACA0B5"
	hrJobID   = "55361929311C580B560EB8BA5C4C1886"
	hrJobName = "ORA_PER_HUMAN_RESOURCE_ANALYST_JOB"
	rachelPN  = "966169008890235"
	maryPN    = "966169008890236"
	joePN     = "966169008890736"
)

var clock = time.Date(2023, 7, 3, 18, 37, 29, 535e6, time.UTC)

// seed fills a fake with Rachel, Mary and Joe and two roles, as in the guide.
func seed(srv *hcmscimtest.Server) (joeID string) {
	srv.AddUser(hcmscim.User{ID: rachelID, UserName: "Rachel.Goode", DisplayName: "Rachel Goode",
		Name:   hcmscim.Name{GivenName: "Rachel", FamilyName: "Goode"},
		Emails: []hcmscim.Email{hcmscim.WorkEmail("rachel.goode@adcdat05.us.oracle.com")},
		FA:     hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: rachelPN, BusinessUnit: "AUTO_GHR_BUSINESS UNIT02"}, AccountType: "Person"}})
	srv.AddUser(hcmscim.User{ID: maryID, UserName: "Mary.King", DisplayName: "Mary King",
		Name: hcmscim.Name{GivenName: "Mary", FamilyName: "King"},
		FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: maryPN, Job: "AUTO_GHR_JOB03",
			BusinessUnit: "AUTO_GHR_BUSINESS UNIT02", Department: "AUTO_GHR_DEPARTMENT03"}, AccountType: "Person"}})
	joe := srv.AddUser(hcmscim.User{UserName: "JGREEN", DisplayName: "Joe Green",
		Name: hcmscim.Name{GivenName: "Joe", FamilyName: "Green"},
		FA:   hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: joePN}, AccountType: "Person"}})
	emp := srv.AddRole(hcmscim.Role{ID: "40C4AE052EC2582286A6A0FB1514656C", Name: "ORA_PER_EMPLOYEE_ABSTRACT", DisplayName: "Employee",
		Description: "Identifies the person as an employee.", Category: "ABSTRACT"})
	srv.AddRole(hcmscim.Role{ID: hrJobID, Name: hrJobName, DisplayName: "Human Resource Analyst",
		Description: "Performs duties of a human resources analyst.", Category: "JOB"})
	for _, id := range []string{rachelID, maryID, joe.ID} {
		srv.GrantRole(emp.ID, id)
	}
	return joe.ID
}

// newPair starts a fake and a client for it, with short retry waits.
func newPair(t testing.TB, srvOpts []hcmscimtest.Option, opts ...hcmscim.Option) (*hcmscimtest.Server, *hcmscim.Client) {
	t.Helper()
	srv := hcmscimtest.NewServer(t, append([]hcmscimtest.Option{hcmscimtest.WithClock(func() time.Time { return clock })}, srvOpts...)...)
	base := []hcmscim.Option{hcmscim.WithInsecureHTTP(), hcmscim.WithRetry(3, 5*time.Millisecond)}
	if srv.Username != "" {
		base = append(base, hcmscim.WithBasicAuth(srv.Username, srv.Password))
	}
	c, err := hcmscim.NewClient(srv.URL, append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// dialects runs f against a fake of each dialect, with a client that finds
// the dialect itself.
func dialects(t *testing.T, f func(t *testing.T, d hcmscim.Dialect)) {
	for _, d := range []hcmscim.Dialect{hcmscim.DialectOracle, hcmscim.DialectStandard} {
		t.Run(d.String(), func(t *testing.T) { f(t, d) })
	}
}

// sameJSON fails unless a and b hold the same JSON value.
func sameJSON(t *testing.T, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: %v in %s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: the expected JSON: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, got, want)
	}
}
