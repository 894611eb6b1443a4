package fusionsodtest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/fusionsod"
)

// clock is a clock the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestAnalysisRunsOnTheClock(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	srv := NewServer(t, WithClock(clk.now), WithAnalysisTime(10*time.Second))
	c, err := fusionsod.NewClient(srv.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithBasicAuth(srv.Username, srv.Password))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id, err := c.RunAnalysis(ctx, fusionsod.AccessRequest{User: "U", Roles: []fusionsod.RoleRequest{{Code: "A"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		after time.Duration
		want  fusionsod.Status
	}{{0, fusionsod.StatusQueued}, {5 * time.Second, fusionsod.StatusStarted}, {4 * time.Second, fusionsod.StatusStarted}, {time.Second, fusionsod.StatusCompleted}} {
		clk.add(step.after)
		if s, err := c.RequestStatus(ctx, id); err != nil || s != step.want {
			t.Errorf("at +%v: %q, %v; want %q", step.after, s, err, step.want)
		}
	}
}

func TestRefusals(t *testing.T) {
	srv := NewServer(t)
	post := func(path, ctype, body string) int {
		r, _ := http.NewRequest(http.MethodPost, srv.URL+fusionsod.DefaultPath+path, strings.NewReader(body))
		r.SetBasicAuth(srv.Username, srv.Password)
		r.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	run := "/advancedControlsRolesProvisioning/action/runUserProvisioningAnalysis"
	for _, tc := range []struct {
		ctype, body string
		want        int
	}{
		{"application/json", `{"userName":"U","provisioningInfo":{"A":[]}}`, 415},
		{fusionsod.ActionContentType, `{"userName":"U","provisioningInfo":{"A":[]},"roleAndAttributes":{"A":[]}}`, 400},
		{fusionsod.ActionContentType, `{"userName":"U","provisioningInfo":{"A":["no equals sign"]}}`, 400},
		{fusionsod.ActionContentType, `{"userName":"","provisioningInfo":{"A":[]}}`, 400},
		{fusionsod.ActionContentType, `{"userName":"U","roleAndAttributes":{"A":["LEDGER_SET = X"]}}`, 200},
	} {
		if got := post(run, tc.ctype, tc.body); got != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.ctype, tc.body, got, tc.want)
		}
	}
	r, _ := http.NewRequest(http.MethodGet, srv.URL+fusionsod.DefaultPath+"/advancedControlsRolesProvisioning?finder=PrimaryKey", nil)
	r.SetBasicAuth("SOD_INTEGRATION", "wrong")
	if resp, err := http.DefaultClient.Do(r); err != nil || resp.StatusCode != 401 {
		t.Errorf("wrong password: %v, %v", resp, err)
	}
}

// FuzzParsePairs checks the fake's reading of finders and q filters: it
// never panics, and a value written as docs/fusionsod.md says (between
// double quotes, \ and " escaped) reads back as itself.
func FuzzParsePairs(f *testing.F) {
	for _, s := range []string{`requestId=1`, `GlobalUserName="O'Brien, \"Pat\"";Role="Role 1"`, `a="unterminated`, `a="x"y`, `=`, `a=b c`} {
		f.Add(s)
	}
	quote := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	f.Fuzz(func(t *testing.T, s string) {
		if m, err := parsePairs(s, ';'); err == nil && m == nil {
			t.Fatal("nil map without error")
		}
		m, err := parsePairs(`GlobalUserName="`+quote.Replace(s)+`";Role=R`, ';')
		if err != nil || m["GlobalUserName"] != s || m["Role"] != "R" {
			t.Fatalf("%q: %q, %v", s, m, err)
		}
	})
}
