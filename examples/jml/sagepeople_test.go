package main

import (
	"context"
	"testing"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

func TestSagePeoplePersons(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	boss := srv.AddTeamMember(sagepeople.TeamMember{FullName: "Ada Byron", Email: "ada@acme.example"})
	srv.AddTeamMember(sagepeople.TeamMember{FullName: "Alan Turing", Email: "alan@acme.example", Manager: &sagepeople.Manager{ID: boss},
		Employment: &sagepeople.Employment{Name: "EMP-2", Active: true, Start: sagepeople.Date{Year: 2024, Month: 1, Day: 2}}})
	people, err := sagePeoplePersons(context.Background(), srv, sagepeople.Date{Year: 2026, Month: 1, Day: 1})
	if err != nil || len(people) != 2 {
		t.Fatalf("%d people, %v", len(people), err)
	}
	if people[1].Managers[0] != people[0].Key || people[1].Emails[0].Address != "alan@acme.example" {
		t.Errorf("Alan: %+v", people[1])
	}
}
