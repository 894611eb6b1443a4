package sagepeople_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

var ignoreStamp = cmpopts.IgnoreFields(sagepeople.TeamMember{}, "SystemModstamp")

func TestTeamMembersREST(t *testing.T) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithPageSize(2))
	want := fill(srv, 5)
	c := newClient(t, srv)
	got := collect(t, c, sagepeople.Query{Via: sagepeople.ViaREST})
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
	_ = context.Background()
}
