package sagepeople_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/sagepeople"
)

func TestSOQLBuilder(t *testing.T) {
	for _, tc := range []struct {
		cond sagepeople.Cond
		want string
	}{
		{sagepeople.Eq("Name", "O'Brien"), `Name = 'O\'Brien'`},
		{sagepeople.Eq("Name", "a\\b\"c\nd\re\tf"), `Name = 'a\\b\"c\nd\re\tf'`},
		{sagepeople.Eq("Name", `x' OR Name != 'y`), `Name = 'x\' OR Name != \'y'`},
		{sagepeople.Ne("fHCM2__Manager__c", nil), `fHCM2__Manager__c != null`},
		{sagepeople.Ge("SystemModstamp", time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))), `SystemModstamp >= 2026-01-02T02:04:05Z`},
		{sagepeople.Lt("fHCM2__Current_Employment__r.fHCM2__Start_Date__c", sagepeople.Date{Year: 2024, Month: 2, Day: 29}), `fHCM2__Current_Employment__r.fHCM2__Start_Date__c < 2024-02-29`},
		{sagepeople.In("fHCM2__Home_Address_Region__c", "EMEA", "APAC"), `fHCM2__Home_Address_Region__c IN ('EMEA', 'APAC')`},
		{sagepeople.And(sagepeople.Eq("A__c", true), sagepeople.Or(sagepeople.Gt("B__c", 1), sagepeople.Le("B__c", 2.5))), `(A__c = true) AND ((B__c > 1) OR (B__c <= 2.5))`},
		{sagepeople.And(sagepeople.Cond{}, sagepeople.Eq("A__c", false)), `A__c = false`},
		{sagepeople.Not(sagepeople.Eq("A__c", "x")), `NOT (A__c = 'x')`},
		{sagepeople.Like("Name", sagepeople.LikeEscape("50%_a\\b")+"%"), `Name LIKE '50\%\_a\\b%'`},
		{sagepeople.Like("Name", "it's%"), `Name LIKE 'it\'s%'`},
	} {
		if err := tc.cond.Err(); err != nil || tc.cond.String() != tc.want {
			t.Errorf("got %s (%v), want %s", tc.cond, err, tc.want)
		}
	}
	for _, bad := range []sagepeople.Cond{
		sagepeople.Eq("Name = 'x' OR Name", "y"),
		sagepeople.Eq("Name", struct{}{}),
		sagepeople.Eq("Name", math.NaN()),
		sagepeople.Eq("Name", time.Time{}),
		sagepeople.Eq("D__c", sagepeople.Date{Year: 2023, Month: 2, Day: 30}),
		sagepeople.In[string]("Name"),
		sagepeople.And(sagepeople.Eq("A__c", 1), sagepeople.Eq("B c", 1)),
	} {
		if bad.Err() == nil {
			t.Errorf("%q was accepted", bad)
		}
		if _, err := (sagepeople.SOQL{Fields: []string{"Id"}, Object: "X__c", Where: bad}).String(); !errors.Is(err, sagepeople.ErrInvalid) {
			t.Errorf("a query with %q: %v, want ErrInvalid", bad, err)
		}
	}
	q, err := sagepeople.SOQL{Fields: []string{"Id", "Name"}, Object: "fHCM2__Team_Member__c", Where: sagepeople.Eq("Name", "x"),
		OrderBy: []string{"Name DESC", "Id"}, Limit: 10}.String()
	if want := `SELECT Id, Name FROM fHCM2__Team_Member__c WHERE Name = 'x' ORDER BY Name DESC, Id LIMIT 10`; err != nil || q != want {
		t.Errorf("got %q, %v", q, err)
	}
	if _, err := (sagepeople.SOQL{Fields: []string{"Id"}, Object: "X__c", OrderBy: []string{"Id; DELETE"}}).String(); err == nil {
		t.Error("a bad ORDER BY was accepted")
	}
}

func TestParseDates(t *testing.T) {
	if d, err := sagepeople.ParseISODate("2024-02-29"); err != nil || d != (sagepeople.Date{Year: 2024, Month: 2, Day: 29}) {
		t.Errorf("%v %v", d, err)
	}
	if _, err := sagepeople.ParseISODate("2023-02-30"); err == nil {
		t.Error("30 February was accepted")
	}
	for _, s := range []string{"2024-01-02T03:04:05.000+0000", "2024-01-02T03:04:05.000Z", "2024-01-02T04:04:05.000+0100"} {
		if ts, err := sagepeople.ParseDateTime(s); err != nil || !ts.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) {
			t.Errorf("%s: %v %v", s, ts, err)
		}
	}
	if d := sagepeople.DateOf(time.Date(2024, 3, 1, 23, 30, 0, 0, time.FixedZone("x", -5*3600))); d.String() != "2024-03-01" {
		t.Errorf("DateOf %v", d)
	}
}
