package hcmscim_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
	"github.com/hrbridge/hrbridge/internal/scimfilter"
)

const injection = `" or 1 eq 1`

func TestLookupPersonNumbers(t *testing.T) {
	dialects(t, func(t *testing.T, d hcmscim.Dialect) {
		srv, c := newPair(t, []hcmscimtest.Option{hcmscimtest.WithDialect(d)}, hcmscim.WithLookupConcurrency(3))
		want := map[string]string{}
		for i := range 20 {
			pn := fmt.Sprint(1000 + i)
			u := srv.AddUser(hcmscim.User{UserName: "user" + pn, FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: pn}}})
			want[pn] = u.ID
		}
		ask := []string{"1003", "1000", "9999", "1019", "1003", "1007", "1011", "8888", "1012", "1013", "1014", "1015", "1016", "7777"}
		srv.ResetRequests()
		found, missing, err := c.LookupPersonNumbers(context.Background(), ask)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(missing) != "[9999 8888 7777]" {
			t.Errorf("missing %v", missing)
		}
		if len(found) != 10 {
			t.Errorf("found %d users", len(found))
		}
		for pn, u := range found {
			if u.ID != want[pn] || u.FA.WorkerInformation.PersonNumber != pn {
				t.Errorf("%s → %+v", pn, u)
			}
		}
		var lookups int
		for _, r := range srv.Requests() {
			if r.Path != "/Users" || !strings.Contains(r.Query.Get("filter"), "personNumber") {
				continue
			}
			lookups++
			f := r.Query.Get("filter")
			if n := strings.Count(f, " or ") + 1; n > 6 {
				t.Errorf("%d person numbers in one request: %s", n, f)
			}
		}
		if lookups != 3 { // 13 distinct numbers, six per request
			t.Errorf("%d lookup requests, want 3", lookups)
		}
	})
}

// TestLookupFilterShape checks the filter against the guide's:
// personNumber eq "<personNumber1>" or personNumber eq "<personNumber2>" ...
func TestLookupFilterShape(t *testing.T) {
	srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
	if _, _, err := c.LookupPersonNumbers(context.Background(), []string{"1", "2", "3", "4", "5", "6"}); err != nil {
		t.Fatal(err)
	}
	want := `personNumber eq "1" or personNumber eq "2" or personNumber eq "3" or personNumber eq "4" or personNumber eq "5" or personNumber eq "6"`
	if got := srv.Requests()[0].Query.Get("filter"); got != want {
		t.Errorf("filter\n got %s\nwant %s", got, want)
	}
}

// TestLookupInjection: a person number carrying filter syntax finds nothing
// and harms nothing.
func TestLookupInjection(t *testing.T) {
	srv, c := newPair(t, nil)
	seed(srv)
	before := srv.Users()
	for _, evil := range []string{injection, `x" or personNumber pr or personNumber eq "`, `\`, `1") or (userName pr`, "a\"\nor 1 eq 1"} {
		srv.ResetRequests()
		found, missing, err := c.LookupPersonNumbers(context.Background(), []string{evil})
		if err != nil {
			t.Fatalf("%q: %v", evil, err)
		}
		if len(found) != 0 || len(missing) != 1 || missing[0] != evil {
			t.Errorf("%q: found %v, missing %q", evil, found, missing)
		}
		// The fake read the filter as one comparison with the whole value.
		reqs := srv.Requests()
		x, err := scimfilter.Parse(reqs[len(reqs)-1].Query.Get("filter"))
		if err != nil {
			t.Fatal(err)
		}
		cmp, ok := x.(*scimfilter.Compare)
		if !ok || cmp.Value.Str != evil || cmp.Path.Attr != "personNumber" {
			t.Errorf("%q was read as %v", evil, x)
		}
	}
	// Joined with real numbers, it still changes nothing.
	found, missing, err := c.LookupPersonNumbers(context.Background(), []string{maryPN, injection, rachelPN})
	if err != nil || len(found) != 2 || fmt.Sprint(missing) != fmt.Sprintf("[%s]", injection) {
		t.Errorf("found %d, missing %q, %v", len(found), missing, err)
	}
	if after := srv.Users(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Error("the users changed")
	}
}

func TestLookupErrors(t *testing.T) {
	srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle))
	seed(srv)
	ctx := context.Background()
	n := len(srv.Requests())
	if found, missing, err := c.LookupPersonNumbers(ctx, nil); err != nil || len(found) != 0 || len(missing) != 0 || len(srv.Requests()) != n {
		t.Errorf("nothing to look up: %v %v %v", found, missing, err)
	}
	if _, _, err := c.LookupPersonNumbers(ctx, []string{"1", "", " "}); err == nil || !strings.Contains(err.Error(), "person number 1 is empty") {
		t.Errorf("empty numbers: %v", err)
	}
	// Two users with one person number: an error, not a silent pick.
	srv.AddUser(hcmscim.User{UserName: "Mary.Second", FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: maryPN}}})
	if _, _, err := c.LookupPersonNumbers(ctx, []string{maryPN}); err == nil || !strings.Contains(err.Error(), "two users") {
		t.Errorf("ambiguous number: %v", err)
	}
	// An answer holding a user not asked for (a server that misread the
	// filter) is an error.
	srv.Faults.Push(hcmscimtest.Fault{Status: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"itemsPerPage":1,"startIndex":1,"Resources":[{"id":"X","userName":"x","urn:scim:schemas:extension:fa:2.0:faUser":{"workerInformation":{"personNumber":"42"}}}]}`})
	if _, _, err := c.LookupPersonNumbers(ctx, []string{rachelPN}); err == nil || !strings.Contains(err.Error(), "not asked for") {
		t.Errorf("stray user: %v", err)
	}
	// A failed request: its numbers are neither found nor missing.
	srv.Faults.Push(hcmscimtest.Fault{Status: 400, Body: `{"scimType":"invalidFilter","detail":"no"}`})
	found, missing, err := c.LookupPersonNumbers(ctx, []string{joePN})
	if !errors.Is(err, hcmscim.ErrInvalidFilter) || len(found) != 0 || len(missing) != 0 {
		t.Errorf("failed lookup: %v %v %v", found, missing, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := c.LookupPersonNumbers(cctx, []string{joePN, rachelPN}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestFilterBuilder(t *testing.T) {
	for _, tc := range []struct {
		f    hcmscim.Filter
		want string
	}{
		{hcmscim.Eq("personNumber", injection), `personNumber eq "\" or 1 eq 1"`},
		{hcmscim.Eq("userName", `back\slash`), `userName eq "back\\slash"`},
		{hcmscim.Ne("active", false), `active ne false`},
		{hcmscim.Gt("meta.lastModified", "2023-07-01 00:00:00.000"), `meta.lastModified gt "2023-07-01 00:00:00.000"`},
		{hcmscim.Ge("n", 3), `n ge 3`}, {hcmscim.Lt("n", 2.5), `n lt 2.5`}, {hcmscim.Le("n", uint8(7)), `n le 7`},
		{hcmscim.Co("x", "a"), `x co "a"`}, {hcmscim.Sw("x", "a"), `x sw "a"`}, {hcmscim.Ew("x", "a"), `x ew "a"`},
		{hcmscim.Eq("manager", nil), `manager eq null`},
		{hcmscim.Present("title"), `title pr`},
		{hcmscim.And(hcmscim.Or(hcmscim.Eq("a", 1), hcmscim.Eq("b", 2)), hcmscim.Present("c")), `(a eq 1 or b eq 2) and c pr`},
		{hcmscim.Or(hcmscim.And(hcmscim.Eq("a", 1), hcmscim.Eq("b", 2)), hcmscim.Present("c")), `a eq 1 and b eq 2 or c pr`},
		{hcmscim.Not(hcmscim.Or(hcmscim.Eq("a", 1), hcmscim.Eq("b", 2))), `not (a eq 1 or b eq 2)`},
		{hcmscim.Or(hcmscim.Eq("a", 1)), `a eq 1`},
	} {
		if err := tc.f.Err(); err != nil {
			t.Errorf("%s: %v", tc.want, err)
		}
		if got := tc.f.String(); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
		if _, err := hcmscim.ParseFilter(tc.f.String()); err != nil {
			t.Errorf("%s does not parse back: %v", tc.f, err)
		}
	}
	for name, f := range map[string]hcmscim.Filter{
		"bad attribute": hcmscim.Eq("user name", "x"),
		"bad value":     hcmscim.Eq("a", []string{"x"}),
		"NaN":           hcmscim.Gt("a", 0*func() float64 { var z float64; return 1 / z }()),
		"bad UTF-8":     hcmscim.Eq("a", "\xff"),
		"empty or":      hcmscim.Or(),
		"zero operand":  hcmscim.And(hcmscim.Eq("a", 1), hcmscim.Filter{}),
		"not of zero":   hcmscim.Not(hcmscim.Filter{}),
		"bad in and":    hcmscim.And(hcmscim.Present("ok"), hcmscim.Present("1bad")),
		"bad under not": hcmscim.Not(hcmscim.Present("1bad")),
		"bad present":   hcmscim.Present(""),
	} {
		if f.Err() == nil || f.String() != "" || f.IsZero() {
			t.Errorf("%s: err %v, string %q", name, f.Err(), f.String())
		}
	}
	if !(hcmscim.Filter{}).IsZero() {
		t.Error("zero Filter is not zero")
	}
	if _, err := hcmscim.ParseFilter(`userType eq Employee`); err == nil {
		t.Error("unquoted value accepted")
	}
}

// FuzzFilterEscaping: whatever a value holds, the filter the builder writes
// is read back as the same comparisons with exactly that value.
func FuzzFilterEscaping(f *testing.F) {
	for _, s := range []string{injection, `\`, `\"`, "", "a\x00b", "é", `") or (1 eq 1`, "\u2028", `\u0022`} {
		f.Add(s, "other")
	}
	f.Fuzz(func(t *testing.T, v, w string) {
		fl := hcmscim.Or(hcmscim.Eq("personNumber", v), hcmscim.And(hcmscim.Sw("userName", w), hcmscim.Not(hcmscim.Co("displayName", v))))
		if fl.Err() != nil {
			if !strings.Contains(fl.Err().Error(), "UTF-8") {
				t.Fatalf("unexpected builder error: %v", fl.Err())
			}
			return
		}
		x, err := scimfilter.Parse(fl.String())
		if err != nil {
			t.Fatalf("%q does not parse: %v", fl.String(), err)
		}
		or, ok := x.(*scimfilter.Logical)
		if !ok || or.Op != scimfilter.Or {
			t.Fatalf("%q: top is %v", fl.String(), x)
		}
		eq, ok := or.Left.(*scimfilter.Compare)
		if !ok || eq.Value.Str != v || eq.Op != scimfilter.Eq {
			t.Fatalf("%q: left is %v, want the value %q", fl.String(), or.Left, v)
		}
		and, ok := or.Right.(*scimfilter.Logical)
		if !ok || and.Op != scimfilter.And {
			t.Fatalf("%q: right is %v", fl.String(), or.Right)
		}
		sw, ok := and.Left.(*scimfilter.Compare)
		not, ok2 := and.Right.(*scimfilter.Not)
		if !ok || !ok2 || sw.Value.Str != w {
			t.Fatalf("%q: and is %v", fl.String(), and)
		}
		if co, ok := not.X.(*scimfilter.Compare); !ok || co.Value.Str != v {
			t.Fatalf("%q: not holds %v", fl.String(), not.X)
		}
	})
}

func TestRolesFilterOnFake(t *testing.T) {
	srv, c := newPair(t, nil)
	joeID := seed(srv)
	var got []string
	for r, err := range c.Roles(context.Background(), hcmscim.Query{Filter: hcmscim.Eq("members.value", joeID)}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.Name)
	}
	if !slices.Equal(got, []string{"ORA_PER_EMPLOYEE_ABSTRACT"}) {
		t.Errorf("roles of Joe: %v", got)
	}
	for _, err := range c.Roles(context.Background(), hcmscim.Query{Filter: hcmscim.Eq("userName", "x")}) {
		if !errors.Is(err, hcmscim.ErrInvalidFilter) {
			t.Errorf("userName on roles: %v", err)
		}
	}
}

func TestProgress(t *testing.T) {
	var calls []string
	srv, c := newPair(t, nil, hcmscim.WithDialect(hcmscim.DialectOracle), hcmscim.WithLookupConcurrency(1), hcmscim.WithBulkBatchSize(2),
		hcmscim.WithProgress(func(done, total int) { calls = append(calls, fmt.Sprintf("%d/%d", done, total)) }))
	joeID := seed(srv)
	if _, _, err := c.LookupPersonNumbers(context.Background(), []string{"1", "2", "3", "4", "5", "6", "7", "8"}); err != nil {
		t.Fatal(err)
	}
	var ops []hcmscim.BulkOp
	for i := range 3 {
		ops = append(ops, hcmscim.PatchUserOp("", joeID, hcmscim.UserPatch{DisplayName: hcmscim.Some(fmt.Sprint(i))}))
	}
	if _, err := c.Bulk(context.Background(), ops); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(calls, " "); got != "6/8 8/8 2/3 3/3" {
		t.Errorf("progress %s", got)
	}
}
