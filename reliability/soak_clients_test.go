package reliability_test

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// lossRate is the share of answers the lossy transport loses after the
// fake applied the request.
const lossRate = 0.05

// soakHCMSCIM creates users (a POST, never repeated behind the caller's
// back) and reads back users it created. Applied: the fake holds the user.
func soakHCMSCIM(t *testing.T, seed uint64, ops int) *tally {
	srv := hcmscimtest.NewServer(t)
	l := newLossy(seed, lossRate)
	c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password),
		hcmscim.WithRetry(retries, maxWait), hcmscim.WithHTTPClient(l.client()))
	if err != nil {
		t.Fatal(err)
	}
	soakFaults(srv.Faults, seed)
	ty := newTally("hcmscim")
	created := map[string]string{} // id → userName
	held := func(name string) (n int, id string) {
		for _, u := range srv.Users() {
			if u.UserName == name {
				n, id = n+1, u.ID
			}
		}
		return n, id
	}
	for i := range ops {
		if i%3 == 2 && len(created) > 0 {
			id := slices.Sorted(maps.Keys(created))[i%len(created)]
			u, err := c.GetUser(opContext(t), id)
			wrong := ""
			if err == nil && (u.ID != id || u.UserName != created[id]) {
				wrong = fmt.Sprintf("user %s %q, want %q", u.ID, u.UserName, created[id])
			}
			ty.read(t, id, err, wrong)
			continue
		}
		if i%3 == 1 && len(created) > 0 {
			// PatchUser without a password is idempotent: the client
			// may send it again after a lost answer.
			id := slices.Sorted(maps.Keys(created))[i%len(created)]
			display := fmt.Sprintf("Soak %d", i)
			_, err := c.PatchUser(opContext(t), id, hcmscim.UserPatch{DisplayName: hcmscim.Some(display)})
			n := 0
			if u, ok := srv.User(id); ok && u.DisplayName == display {
				n = 1
			}
			ty.idempotentWrite(t, id+" "+display, err, n)
			continue
		}
		name := fmt.Sprintf("soak.%d", i)
		u, err := c.CreateUser(opContext(t), hcmscim.User{UserName: name, Name: hcmscim.Name{GivenName: "Soak", FamilyName: fmt.Sprint(i)},
			Emails: []hcmscim.Email{{Value: name + "@example.com", Type: "W", Primary: true}}})
		n, id := held(name)
		ty.write(t, name, err, n)
		if err == nil {
			if u.ID != id {
				ty.problem(t, "hcmscim: CreateUser %s returned id %q, the fake holds %q", name, u.ID, id)
			}
			created[id] = name
		}
	}
	ty.faultsOf(srv.Faults)
	l.count(ty)
	return ty
}

// soakCMO imports users (UserControlledImport, a SOAP POST) and exports
// them back. Applied: the number of import calls carrying the user that
// reached the fake, which saves every valid record it receives.
func soakCMO(t *testing.T, seed uint64, ops int) *tally {
	srv := cmotest.NewServer(t)
	l := newLossy(seed, lossRate)
	c, err := cmo.NewClient(srv.URL, cmo.WithInsecureHTTP(), cmo.WithLogin(srv.Username, srv.Password),
		cmo.WithRetry(retries, maxWait), cmo.WithHTTPClient(l.client()))
	if err != nil {
		t.Fatal(err)
	}
	soakFaults(srv.Faults, seed)
	ty := newTally("cmo")
	reached := func(login string) int {
		n := 0
		for _, r := range srv.Requests() {
			if strings.Contains(r.Action, "Import") && bytes.Contains(r.Body, []byte(">"+login+"<")) {
				n++
			}
		}
		return n
	}
	for i := range ops {
		if i%5 == 4 {
			var got []string
			var err error
			for u, e := range c.ExportUsers(opContext(t), cmo.ExportQuery{}) {
				if err = e; e != nil {
					break
				}
				got = append(got, u.LoginName)
			}
			wrong := ""
			if err == nil {
				var want []string
				for _, u := range srv.Users() {
					want = append(want, u.LoginName)
				}
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					wrong = fmt.Sprintf("exported %d users %v, the fake holds %d %v", len(got), got, len(want), want)
				}
			}
			ty.read(t, "export", err, wrong)
			continue
		}
		login := fmt.Sprintf("Soak%04d", i)
		_, err := c.ImportUsers(opContext(t), []cmo.User{{LoginName: login, FirstName: cmo.Some("Soak"), LastName: cmo.Some(fmt.Sprint(i))}})
		var ie *cmo.ImportError
		if errors.As(err, &ie) {
			// CMO answered and said the record failed: a refusal of the
			// system's own, not a transport one.
			ty.problem(t, "cmo: import %s: CMO refused a valid record: %v", login, err)
			continue
		}
		n := reached(login)
		if _, ok := srv.User(login); err == nil && !ok {
			ty.problem(t, "cmo: import %s reported done, the fake holds no such user", login)
		}
		ty.write(t, login, err, n)
	}
	ty.faultsOf(srv.Faults)
	l.count(ty)
	return ty
}

// soakCSF creates users (CreateUser, not repeated) and, every other time,
// ensures them (EnsureUser, made to be repeated), and reads them back.
// Applied: the fake holds the user (a second CreateUser is refused 30008).
func soakCSF(t *testing.T, seed uint64, ops int) *tally {
	srv := csftest.NewServer(t)
	l := newLossy(seed, lossRate)
	c, err := csf.NewClient(srv.URL, csf.WithInsecureHTTP(), csf.WithUsernameToken(srv.Username, srv.Password),
		csf.WithRetry(retries, maxWait), csf.WithHTTPClient(l.client()))
	if err != nil {
		t.Fatal(err)
	}
	soakFaults(srv.Faults, seed)
	ty := newTally("csf")
	var created []string
	for i := range ops {
		if i%3 == 2 && len(created) > 0 {
			id := created[i%len(created)]
			u, err := c.ReadUser(opContext(t), id)
			wrong := ""
			if err == nil && !strings.EqualFold(u.ID, id) {
				wrong = fmt.Sprintf("read %q, got %q", id, u.ID)
			}
			ty.read(t, id, err, wrong)
			continue
		}
		id := fmt.Sprintf("soak%d@csf.com", i)
		req := csf.CreateUserRequest{UserID: id, OrganizationID: "Customer-TestCustomer.com", Password: "Soak-passw0rd!"}
		if i%2 == 0 {
			err = c.CreateUser(opContext(t), req)
		} else {
			_, err = c.EnsureUser(opContext(t), req)
		}
		n := 0
		if _, ok := srv.User(id); ok {
			n = 1
		}
		ty.write(t, id, err, n)
		if err == nil {
			created = append(created, id)
		}
	}
	ty.faultsOf(srv.Faults)
	l.count(ty)
	return ty
}

// soakFusionSOD starts analyses (runUserProvisioningAnalysis, a POST that
// creates a request) and reads their status. Applied: the number of run
// requests for the user that reached the fake.
func soakFusionSOD(t *testing.T, seed uint64, ops int) *tally {
	srv := fusionsodtest.NewServer(t)
	srv.AddRole("AP_PAYER", "Payer")
	l := newLossy(seed, lossRate)
	c, err := fusionsod.NewClient(srv.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(srv.Username, srv.Password),
		fusionsod.WithRetry(retries, maxWait), fusionsod.WithHTTPClient(l.client()))
	if err != nil {
		t.Fatal(err)
	}
	soakFaults(srv.Faults, seed)
	ty := newTally("fusionsod")
	reached := func(user string) int {
		n := 0
		for _, r := range srv.Requests() {
			if strings.HasSuffix(r.Path, "/runUserProvisioningAnalysis") && bytes.Contains(r.Body, []byte(`"`+user+`"`)) {
				n++
			}
		}
		return n
	}
	var started []fusionsod.RequestID
	for i := range ops {
		if i%3 == 2 && len(started) > 0 {
			id := started[i%len(started)]
			_, err := c.RequestStatus(opContext(t), id)
			ty.read(t, string(id), err, "")
			continue
		}
		user := fmt.Sprintf("SOAK_%d", i)
		srv.AddUser(user)
		id, err := c.RunAnalysis(opContext(t), fusionsod.AccessRequest{User: user, Roles: []fusionsod.RoleRequest{{Code: "AP_PAYER"}}})
		ty.write(t, user, err, reached(user))
		if err == nil {
			started = append(started, id)
		}
	}
	ty.faultsOf(srv.Faults)
	l.count(ty)
	return ty
}

// soakHCMAtom reads a feed whole, again and again: what it returns before
// an error must be the feed's entries, in order.
func soakHCMAtom(t *testing.T, seed uint64, ops int) *tally {
	srv := hcmatomtest.NewServer(t)
	at := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range 60 {
		srv.Hire(at.Add(time.Duration(i)*time.Minute), hcmatomtest.Worker{Name: fmt.Sprintf("Soak, Person%d", i)})
	}
	var want []string // what identifies an entry and what it says
	for _, e := range srv.Entries(hcmatom.NewHireFeed) {
		want = append(want, e.ID+" "+e.Title+" "+e.Updated.String()+" "+e.Content)
	}
	l := newLossy(seed, lossRate)
	c, err := hcmatom.NewClient(srv.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithBasicAuth(srv.Username, srv.Password),
		hcmatom.WithRetry(retries, maxWait), hcmatom.WithHTTPClient(l.client()))
	if err != nil {
		t.Fatal(err)
	}
	soakFaults(srv.Faults, seed)
	ty := newTally("hcmatom")
	for i := range max(ops/10, 4) {
		var got []string
		var err error
		for ev, e := range c.Events(opContext(t), hcmatom.Query{Collection: hcmatom.NewHireFeed, PageSize: 10}) {
			if err = e; e != nil {
				break
			}
			e := ev.Raw().Entry
			got = append(got, e.ID+" "+e.Title+" "+e.Updated.String()+" "+e.Content)
		}
		wrong := ""
		if err == nil && !slices.Equal(got, want) || err != nil && !slices.Equal(got, want[:min(len(got), len(want))]) {
			wrong = fmt.Sprintf("read %d entries, not the feed's %d in order", len(got), len(want))
		}
		ty.read(t, fmt.Sprint("feed ", i), err, wrong)
	}
	ty.faultsOf(srv.Faults)
	l.count(ty)
	return ty
}

// soakSagePeople lists team members and counts them (each through the OAuth
// login host too, which the faults hit as well).
func soakSagePeople(t *testing.T, seed uint64, ops int) *tally {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithPageSize(20))
	for i := range 50 {
		srv.AddTeamMember(sagepeople.TeamMember{UniqueID: fmt.Sprintf("E%04d", i), FirstName: "Soak", LastName: fmt.Sprint(i)})
	}
	l := newLossy(seed, lossRate)
	c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(), sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key),
		sagepeople.WithRetry(retries, maxWait), sagepeople.WithHTTPClient(l.client()))
	if err != nil {
		t.Fatal(err)
	}
	soakFaults(srv.Faults, seed)
	ty := newTally("sagepeople")
	reached := func(marker string) int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Method == "POST" && strings.HasSuffix(r.Path, "/jobs/query") && bytes.Contains(r.Body, []byte(marker)) {
				n++
			}
		}
		return n
	}
	var jobs []string
	for i := range max(ops/3, 6) {
		switch {
		case i%3 == 2:
			// A Bulk API query job: a POST that creates a job, never
			// sent twice behind the caller's back.
			marker := fmt.Sprintf("E%04d", i)
			job, err := c.CreateQueryJob(opContext(t), "SELECT Id FROM fHCM2__Team_Member__c WHERE fHCM2__Unique_Id__c = '"+marker+"'", false)
			ty.write(t, marker, err, reached(marker))
			if err == nil {
				jobs = append(jobs, job.ID)
			}
			continue
		case i%3 == 1 && len(jobs) > 0 && i%2 == 0:
			id := jobs[i%len(jobs)]
			job, err := c.QueryJob(opContext(t), id)
			wrong := ""
			if err == nil && job.ID != id {
				wrong = fmt.Sprintf("job %s read as %s", id, job.ID)
			}
			ty.read(t, "job "+id, err, wrong)
			continue
		case i%3 == 1:
			n, err := c.Count(opContext(t), sagepeople.Query{})
			wrong := ""
			if err == nil && n != 50 {
				wrong = fmt.Sprintf("count %d, want 50", n)
			}
			ty.read(t, "count", err, wrong)
			continue
		}
		var got []string
		var err error
		for m, e := range c.TeamMembers(opContext(t), sagepeople.Query{}) {
			if err = e; e != nil {
				break
			}
			got = append(got, m.UniqueID)
		}
		wrong := ""
		if len(slices.Compact(slices.Sorted(slices.Values(got)))) != len(got) {
			wrong = fmt.Sprintf("a member came twice in %v", got)
		} else if err == nil && len(got) != 50 {
			wrong = fmt.Sprintf("%d members, want 50", len(got))
		}
		ty.read(t, "members", err, wrong)
	}
	ty.faultsOf(srv.Faults)
	l.count(ty)
	return ty
}

// soakOHRIS uploads files while the fake cuts the connection in the middle
// of some of them. Done means the file is in the depot, whole; a failure
// leaves no file, or the whole one, under the final name, never part of it.
func soakOHRIS(t *testing.T, seed uint64, ops int) *tally {
	srv := ohristest.NewServer(t)
	c, err := ohris.NewClient(srv.URL, ohris.WithPassword(srv.Username, srv.Password), ohris.WithKnownHosts(srv.KnownHostsFile()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	rng := rand.New(rand.NewPCG(seed, 7))
	ty := newTally("ohris")
	day := ohris.Date{Year: 2024, Month: 1, Day: 1}
	afterDrop := false
	for i := range max(ops/10, 4) {
		content := bytes.Repeat([]byte(fmt.Sprintf("<user id=%q/>\n", fmt.Sprint(i))), 200+rng.IntN(2000))
		drop := rng.IntN(3) == 0
		if drop {
			srv.DropConnectionAfter(int64(rng.IntN(len(content))))
			ty.faults["drop mid-upload"]++
		}
		name := ohris.FileName(day.AddDays(i))
		err := c.Upload(opContext(t), ohris.Test, name, bytes.NewReader(content))
		if afterDrop && !drop && err != nil {
			// The connection broke in the call before: this one must
			// connect again, not fail on the dead one.
			ty.problem(t, "ohris: upload %s, the call after a dropped connection, failed: %v", name, err)
		}
		afterDrop = drop && err != nil
		got, rerr := srv.ReadFile("depot/test/" + name)
		n := 0
		if rerr == nil {
			n = 1
			if !bytes.Equal(got, content) {
				ty.problem(t, "ohris: %s holds %d bytes, not the %d uploaded", name, len(got), len(content))
			}
		}
		ty.write(t, name, err, n)
		srv.DropConnectionAfter(-1) // off, if the upload failed before the drop came
	}
	return ty
}
