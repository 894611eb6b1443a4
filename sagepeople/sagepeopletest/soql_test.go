package sagepeopletest

import (
	"testing"
	"unicode/utf8"

	"github.com/hrbridge/hrbridge/sagepeople"
)

func TestParse(t *testing.T) {
	for _, q := range []string{
		"SELECT Id, Name, fHCM2__Manager__r.Name FROM fHCM2__Team_Member__c",
		"select id from fHCM2__Team_Member__c where (Name = 'a' or Name != null) and not (Id in ('x', 'y')) order by Name desc nulls last, Id limit 5",
		"SELECT COUNT() FROM fHCM2__Team_Member__c WHERE SystemModstamp >= 2024-01-02T03:04:05Z AND fHCM2__Current_Employment__r.fHCM2__Start_Date__c < 2024-02-29",
		"SELECT Id FROM X__c WHERE Name LIKE 'a\\%%' AND N__c <> -1.5",
	} {
		if _, err := parse(q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	for _, q := range []string{
		"", "SELECT FROM X__c", "SELECT Id FROM", "SELECT Id FROM X__c WHERE", "SELECT Id FROM X__c WHERE A = 'x' AND B = 'y' OR C = 'z'",
		"SELECT Id FROM X__c WHERE Name = 'unterminated", "SELECT Id FROM X__c LIMIT -1", "SELECT Id FROM X__c WHERE Name = 'a\\q'",
		"SELECT Id FROM X__c; DELETE", "SELECT Id, FROM X__c", "SELECT Id FROM X__c WHERE D__c > 2024-02-30",
	} {
		if _, err := parse(q); err == nil {
			t.Errorf("%q was accepted", q)
		}
	}
}

func TestEval(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mgr := s.AddTeamMember(sagepeople.TeamMember{FullName: "Boss", Email: "boss@x"})
	s.AddTeamMember(sagepeople.TeamMember{FullName: "Ann", Manager: &sagepeople.Manager{ID: mgr},
		Employment: &sagepeople.Employment{Active: true, Start: sagepeople.Date{Year: 2024, Month: 1, Day: 1}}})
	s.AddTeamMember(sagepeople.TeamMember{FullName: "bob"})
	for q, want := range map[string]int{
		"SELECT Id FROM fHCM2__Team_Member__c":                                                                       3,
		"SELECT Id FROM fHCM2__Team_Member__c WHERE fHCM2__Manager__r.fHCM2__Email__c = 'BOSS@x'":                    1,
		"SELECT Id FROM fHCM2__Team_Member__c WHERE fHCM2__Manager__c = null":                                        2,
		"SELECT Id FROM fHCM2__Team_Member__c WHERE fHCM2__Current_Employment__r.fHCM2__Start_Date__c >= 2024-01-01": 1,
		"SELECT Id FROM fHCM2__Team_Member__c WHERE fHCM2__Current_Employment__r.fHCM2__Active__c = true":            1,
		"SELECT Id FROM fHCM2__Team_Member__c WHERE Name LIKE 'b%' OR Name IN ('Ann')":                               3,
		"SELECT Id FROM fHCM2__Team_Member__c WHERE NOT Name LIKE '%o%'":                                             1,
		"SELECT Id FROM fHCM2__Team_Member__c ORDER BY Name LIMIT 2":                                                 2,
	} {
		pq, err := parse(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		recs, err := s.st.run(pq, false)
		if err != nil || len(recs) != want {
			t.Errorf("%s: %d records, %v; want %d", q, len(recs), err, want)
		}
	}
	pq, _ := parse("SELECT Id FROM fHCM2__Team_Member__c ORDER BY Name")
	recs, _ := s.st.run(pq, false)
	if recs[0].fields["Name"] != "Ann" || recs[1].fields["Name"] != "bob" {
		t.Errorf("ORDER BY Name is not case-insensitive: %v, %v", recs[0].fields["Name"], recs[1].fields["Name"])
	}
	for _, q := range []string{
		"SELECT Nope__c FROM fHCM2__Team_Member__c",
		"SELECT Id FROM Nope__c",
		"SELECT Id FROM fHCM2__Team_Member__c WHERE Name > 2024-01-01",
		"SELECT Id FROM fHCM2__Team_Member__c WHERE Nope__r.Name = 'x'",
	} {
		pq, err := parse(q)
		if err == nil {
			_, err = s.st.run(pq, false)
		}
		if err == nil {
			t.Errorf("%s: no error", q)
		}
	}
}

// FuzzBuilderRoundTrip: whatever value the client's builder writes, the
// fake's parser reads one comparison holding that very value: no input can
// change what a query means.
func FuzzBuilderRoundTrip(f *testing.F) {
	for _, s := range []string{"", "O'Brien", `x' OR Name != 'y`, `\'`, "a\nb", `50%_\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := sagepeople.SOQL{Fields: []string{"Id"}, Object: "X__c", Where: sagepeople.Eq("Name", s)}.String()
		if !utf8.ValidString(s) {
			if err == nil {
				t.Fatalf("%q accepted", s)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		pq, err := parse(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		c, ok := pq.where.(cmpExpr)
		if !ok || c.op != "=" || c.vals[0] != s {
			t.Fatalf("%q became %#v", s, pq.where)
		}
	})
}

// FuzzParse: the fake's parser never panics.
func FuzzParse(f *testing.F) {
	f.Add("SELECT Id FROM X__c WHERE (A__c = 'x' OR B__c IN (1, 2)) AND NOT C__c LIKE 'y%' ORDER BY Id DESC NULLS LAST LIMIT 3")
	f.Fuzz(func(t *testing.T, q string) { _, _ = parse(q) })
}
