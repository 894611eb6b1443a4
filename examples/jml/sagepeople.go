package main

import (
	"context"

	"github.com/hrbridge/hrbridge/canonical"
	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// sagePeoplePersons reads every team member of srv, a started Sage People
// fake, as persons (canonical.SagePeople, keyed by team member Id): the
// HR picture of a run whose source is Sage People rather than HCM. The
// client signs in with the JWT bearer flow, as it would with a real org.
// A record that cannot be read is an error (with the others' persons).
func sagePeoplePersons(ctx context.Context, srv *sagepeopletest.Server, runDate canonical.Date) ([]canonical.Person, error) {
	c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(),
		sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key))
	if err != nil {
		return nil, err
	}
	mapping := canonical.SagePeople{RunDate: runDate}
	return mapping.FromTeamMembers(c.TeamMembers(ctx, sagepeople.Query{OrderBy: []string{"Id"}}))
}
