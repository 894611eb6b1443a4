package fusionsod_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
)

// payables sets up the fake with two controls: paying conflicts with
// approving (the user approves already), and with creating suppliers.
func payables(t *testing.T) (*fusionsodtest.Server, int64, int64) {
	srv := fusionsodtest.NewServer(t)
	srv.AddRole("AP_PAYER", "Payables Payer")
	srv.AddRole("AP_APPROVER", "Payables Approver")
	srv.AddRole("SUPPLIER_ADMIN", "Supplier Administrator")
	c1 := srv.AddControl(fusionsodtest.Control{Name: "Pay and approve invoices", Roles: [2]string{"AP_PAYER", "AP_APPROVER"}})
	c2 := srv.AddControl(fusionsodtest.Control{Name: "Create suppliers and pay them", Roles: [2]string{"SUPPLIER_ADMIN", "AP_PAYER"}})
	srv.AddUser("O'Brien, Pat", fusionsodtest.Grant{Role: "AP_APPROVER"})
	return srv, c1, c2
}

func TestGatePartialApproval(t *testing.T) {
	srv, c1, _ := payables(t)
	const why = "Période de clôture : Zoë remplace l'équipe comptable, revue mensuelle par l'audit interne."
	approver := fusionsod.ApproverFunc(func(_ context.Context, r fusionsod.Review) (fusionsod.Verdict, error) {
		switch r.Role.Code {
		case "AP_PAYER":
			return fusionsod.Verdict{Decision: fusionsod.Approved, By: "CONTROLLER", Justification: why}, nil
		}
		return fusionsod.Verdict{Decision: fusionsod.Deny, By: "CONTROLLER", Justification: "no supplier administration for payables staff"}, nil
	})
	g, err := fusionsod.NewGate(newClient(t, srv), fusionsod.WithApprover(approver))
	if err != nil {
		t.Fatal(err)
	}
	o, err := g.Decide(context.Background(), req("O'Brien, Pat", "GL_VIEWER", "AP_PAYER", "SUPPLIER_ADMIN"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]fusionsod.Decision{}
	for _, r := range o.Roles {
		got[r.Role] = r.Decision
	}
	want := map[string]fusionsod.Decision{"GL_VIEWER": fusionsod.Grant, "AP_PAYER": fusionsod.Approved, "SUPPLIER_ADMIN": fusionsod.Deny}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("decisions %v, want %v\n%s", got, want, o)
	}
	if g := o.Granted(); !slices.Equal(g, []string{"GL_VIEWER", "AP_PAYER"}) {
		t.Errorf("granted %v", g)
	}
	if w := o.Withheld(); !slices.Equal(w, []string{"SUPPLIER_ADMIN"}) {
		t.Errorf("withheld %v", w)
	}
	// Only the accepted role was approved in Fusion.
	ap := srv.Approvals()
	if len(ap) != 1 || !slices.Equal(ap[0].Roles, []string{"AP_PAYER"}) {
		t.Fatalf("approvals %+v", ap)
	}
	// Its incidents carry the justification, status Accepted and the
	// approver as investigator; the denied role has none.
	// AP_PAYER conflicts with the approver role the user holds and with
	// the supplier role asked for: both incidents are AP_PAYER's.
	incs := srv.Incidents()
	if len(incs) != 2 {
		t.Fatalf("incidents %+v: want AP_PAYER's two", incs)
	}
	for _, inc := range incs {
		if inc.Role != "Payables Payer" || inc.Status != "Accepted" || inc.Investigator != "CONTROLLER" ||
			len(inc.Comments) != 1 || inc.Comments[0].Text != why {
			t.Errorf("incident %+v", inc)
		}
	}
	if incs[0].ControlID != c1 {
		t.Errorf("first incident of control %d, want %d", incs[0].ControlID, c1)
	}
	// The outcome reads as reasons and round-trips through JSON.
	text := o.String()
	for _, s := range []string{"2 of 3 roles granted", "GL_VIEWER: grant: no segregation-of-duties conflict",
		`AP_PAYER: approved: conflicts accepted by CONTROLLER`, `SUPPLIER_ADMIN: deny: denied by CONTROLLER`, `"Create suppliers and pay them"`} {
		if !strings.Contains(text, s) {
			t.Errorf("outcome text does not say %q:\n%s", s, text)
		}
	}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var back fusionsod.Outcome
	if err := json.Unmarshal(b, &back); err != nil || back.String() != text {
		t.Errorf("JSON round trip: %v\n%s", err, b)
	}
}

func TestGateWithoutApproverGrantsNothingConflicting(t *testing.T) {
	srv, _, _ := payables(t)
	g, err := fusionsod.NewGate(newClient(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	o, err := g.Decide(context.Background(), req("O'Brien, Pat", "AP_PAYER", "GL_VIEWER"))
	if err != nil {
		t.Fatal(err)
	}
	if o.Roles[0].Decision != fusionsod.NeedsApproval || len(o.Roles[0].Conflicts) != 1 || o.Roles[1].Decision != fusionsod.Grant {
		t.Errorf("%s", o)
	}
	if len(srv.Approvals()) != 0 {
		t.Error("approved without an approver")
	}
}

func TestGateRefusesABadJustification(t *testing.T) {
	srv, _, _ := payables(t)
	long := strings.Repeat("é", fusionsod.MaxCommentLength+1)
	g, _ := fusionsod.NewGate(newClient(t, srv), fusionsod.WithApprover(fusionsod.ApproverFunc(
		func(context.Context, fusionsod.Review) (fusionsod.Verdict, error) {
			return fusionsod.Verdict{Decision: fusionsod.Approved, By: "X", Justification: long}, nil
		})))
	o, err := g.Decide(context.Background(), req("O'Brien, Pat", "AP_PAYER"))
	if err != nil {
		t.Fatal(err)
	}
	if o.Roles[0].Decision != fusionsod.NeedsApproval || !strings.Contains(o.Roles[0].Reason, "2001 characters") {
		t.Errorf("%s", o)
	}
	if len(srv.Approvals()) != 0 {
		t.Error("approved with a justification that cannot be recorded")
	}
}

func TestGateFailedAnalysisGrantsNothing(t *testing.T) {
	srv, _, _ := payables(t)
	srv.FailAnalyses("O'Brien, Pat")
	g, _ := fusionsod.NewGate(newClient(t, srv))
	o, err := g.Decide(context.Background(), req("O'Brien, Pat", "GL_VIEWER"))
	if !errors.Is(err, fusionsod.ErrAnalysisFailed) {
		t.Fatalf("err = %v", err)
	}
	if len(o.Granted()) != 0 || o.Roles[0].Decision != fusionsod.Undecided || o.Error == "" {
		t.Errorf("%s", o)
	}
}

func TestGateApprovalFailureGrantsNothing(t *testing.T) {
	srv, _, _ := payables(t)
	srv.Faults.Push(fusionsodtest.Fault{Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/approveProvisioningRequest") }, Status: 500, Body: "boom"})
	g, _ := fusionsod.NewGate(newClient(t, srv), fusionsod.WithApprover(fusionsod.ApproverFunc(
		func(context.Context, fusionsod.Review) (fusionsod.Verdict, error) {
			return fusionsod.Verdict{Decision: fusionsod.Approved, By: "X", Justification: "ok"}, nil
		})))
	o, err := g.Decide(context.Background(), req("O'Brien, Pat", "AP_PAYER"))
	if !errors.Is(err, fusionsod.ErrUnavailable) || o.Roles[0].Decision != fusionsod.NeedsApproval {
		t.Errorf("err %v\n%s", err, o)
	}
}

func TestDecideAll(t *testing.T) {
	srv, _, _ := payables(t)
	var calls atomic.Int32
	var progress []int
	g, _ := fusionsod.NewGate(newClient(t, srv), fusionsod.WithConcurrency(3), fusionsod.WithProgress(func(done, total int) {
		progress = append(progress, done)
	}), fusionsod.WithApprover(fusionsod.ApproverFunc(
		func(context.Context, fusionsod.Review) (fusionsod.Verdict, error) {
			calls.Add(1)
			return fusionsod.Verdict{}, nil // undecided
		})))
	reqs := func(yield func(fusionsod.AccessRequest) bool) {
		for i := range 20 {
			r := req("O'Brien, Pat", "GL_VIEWER", "AP_PAYER")
			r.ID = fmt.Sprint("T-", i)
			if !yield(r) {
				return
			}
		}
	}
	seen := map[string]bool{}
	for o, err := range g.DecideAll(context.Background(), reqs) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[o.ID] || o.Roles[0].Decision != fusionsod.Grant || o.Roles[1].Decision != fusionsod.NeedsApproval {
			t.Errorf("%s", o)
		}
		seen[o.ID] = true
	}
	if len(seen) != 20 || calls.Load() != 20 || len(progress) != 20 || progress[19] != 20 {
		t.Errorf("%d outcomes, %d reviews, progress %v", len(seen), calls.Load(), progress)
	}
	// Breaking out early stops the rest.
	n := 0
	for range g.DecideAll(context.Background(), reqs) {
		n++
		break
	}
	if n != 1 {
		t.Errorf("%d outcomes after break", n)
	}
}

// A role code with spaces and quotes travels as data, never as syntax, and
// the gate still ties each conflict to its role.
func TestGateOddRoleCodes(t *testing.T) {
	srv := fusionsodtest.NewServer(t)
	odd := `AP "SPECIAL" ROLE; x=1`
	srv.AddControl(fusionsodtest.Control{Name: "Odd", Roles: [2]string{odd, "HELD ROLE"}})
	srv.AddUser(`Zoë "Z" O'Neil`, fusionsodtest.Grant{Role: "HELD ROLE"})
	g, _ := fusionsod.NewGate(newClient(t, srv), fusionsod.WithApprover(fusionsod.ApproverFunc(
		func(context.Context, fusionsod.Review) (fusionsod.Verdict, error) {
			return fusionsod.Verdict{Decision: fusionsod.Approved, By: "CISO", Justification: "Zoë's project, signed off"}, nil
		})))
	o, err := g.Decide(context.Background(), req(`Zoë "Z" O'Neil`, odd, "PLAIN"))
	if err != nil {
		t.Fatal(err)
	}
	if o.Roles[0].Decision != fusionsod.Approved || o.Roles[1].Decision != fusionsod.Grant {
		t.Errorf("%s", o)
	}
	if incs := srv.Incidents(); len(incs) != 1 || incs[0].Role != odd || len(incs[0].Comments) != 1 {
		t.Errorf("incidents %+v", incs)
	}
}
