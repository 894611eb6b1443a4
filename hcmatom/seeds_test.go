package hcmatom

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hrbridge/hrbridge/internal/extractgen"
)

// loadBothWays loads each extract in turn into two rosters, one with seed
// stores and one without, and fails when the summaries, errors or persons
// differ. It returns the roster with seeds.
func loadBothWays(t *testing.T, extracts []string, opts ...ExtractOption) (withSeeds, without *Roster) {
	t.Helper()
	withSeeds, without = NewRoster(), NewRoster()
	noSeeds := func(c *extractConfig) error { c.noSeeds = true; return nil }
	asOf := WithAsOf(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
	for i, e := range extracts {
		s1, err1 := withSeeds.LoadExtract(context.Background(), nil, strings.NewReader(e), append(opts, asOf)...)
		s2, err2 := without.LoadExtract(context.Background(), nil, strings.NewReader(e), append(opts, asOf, noSeeds)...)
		// The problems of a refused extract may be listed in another
		// order (seed persons come last): count them.
		if (err1 == nil) != (err2 == nil) || problems(err1) != problems(err2) {
			t.Fatalf("extract %d: error with seeds %v, without %v", i, err1, err2)
		}
		if d := cmp.Diff(s2, s1); d != "" {
			t.Fatalf("extract %d: summary with seeds (+), without (-):\n%s", i, d)
		}
	}
	if d := cmp.Diff(slices.Collect(without.Persons()), slices.Collect(withSeeds.Persons())); d != "" {
		t.Fatalf("persons with seeds (+), without (-):\n%s", d)
	}
	if withSeeds.Len() != without.Len() {
		t.Fatalf("Len %d with seeds, %d without", withSeeds.Len(), without.Len())
	}
	return withSeeds, without
}

// requiredColumnsHeader is a header with the columns an extract must have.
const requiredColumnsHeader = "PersonNumber,PeriodOfServiceId,AssignmentId,PersonName,WorkEmail,PrimaryPhoneNumber,WorkerType,BusinessUnitId,OrganizationId,PositionId,LocationId,JobId,EffectiveStartDate"

// problems counts the problems an error of LoadExtract lists.
func problems(err error) int {
	if err == nil {
		return 0
	}
	msg := err.Error()
	n := strings.Count(msg, "\n") + 1
	var more int
	if i := strings.LastIndex(msg, "and "); i >= 0 {
		if _, err := fmt.Sscanf(msg[i:], "and %d more problems", &more); err == nil {
			n += more - 1
		}
	}
	return n
}

func generated(t *testing.T, rows int) (header string, lines []string) {
	t.Helper()
	var b bytes.Buffer
	if _, err := extractgen.Write(&b, rows); err != nil {
		t.Fatal(err)
	}
	all := strings.SplitAfter(b.String(), "\n")
	return all[0], slices.DeleteFunc(all[1:], func(l string) bool { return l == "" })
}

func TestSeedsLoadAsTheBatchDoes(t *testing.T) {
	h, lines := generated(t, 3000)
	t.Run("in order", func(t *testing.T) {
		r, _ := loadBothWays(t, []string{h + strings.Join(lines, "")})
		if len(r.seeds) != 1 || r.seeds[0].len() != r.Len() {
			t.Fatalf("%d seed stores, %d persons in all", len(r.seeds), r.Len())
		}
	})
	t.Run("shuffled", func(t *testing.T) {
		s := slices.Clone(lines)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		loadBothWays(t, []string{h + strings.Join(s, "")})
	})
	t.Run("bad rows", func(t *testing.T) {
		s := slices.Clone(lines)
		// A row of person 10 with another name; a row whose work
		// relationship is another person's; a row whose assignment is.
		s[12] = strings.Replace(s[12], `"King, Joe"`, `"King, Jim"`, 1)
		s = append(s, strings.Replace(lines[40], "96616900000", "96616910000", 1))
		s = append(s, strings.Replace(strings.Replace(lines[41], "96616900000", "96616920000", 1), ",3001005", ",3001015", 1))
		loadBothWays(t, []string{h + strings.Join(s, "")}, WithMaxBadRows(10))
		loadBothWays(t, []string{h + strings.Join(s, "")})
	})
	t.Run("persons Load refuses", func(t *testing.T) {
		// Person 1 has two active primary work relationships; person 2
		// two primary assignments in one; person 3 is fine.
		csv := requiredColumnsHeader + ",PrimaryFlag,PrimaryAssignmentFlag\n" +
			"1,S1,A1,,,,EMP,,,,,,2020-01-01,Y,Y\n1,S2,A2,,,,EMP,,,,,,2020-01-01,Y,Y\n" +
			"2,S3,A3,,,,EMP,,,,,,2020-01-01,Y,Y\n2,S3,A4,,,,EMP,,,,,,2020-01-01,Y,Y\n" +
			"3,S5,A5,,,,EMP,,,,,,2020-01-01,Y,Y\n3,S5,A6,,,,EMP,,,,,,2020-01-01,Y,N\n"
		r, _ := loadBothWays(t, []string{csv})
		if r.Len() != 0 {
			t.Fatalf("%d persons loaded", r.Len())
		}
	})
	t.Run("second row of a person refused", func(t *testing.T) {
		csv := requiredColumnsHeader + "\n" +
			"4,S6,A7,\"Doe, Al\",,,EMP,,,,,,2020-01-01\n4,S6,A8,\"Doe, Bo\",,,EMP,,,,,,2020-01-01\n4,S6,A9,,,,EMP,,,,,,2020-01-01\n" +
			"5,S8,A10,,,,EMP,,,,,,2020-01-01\n5,S8,A11,,,,EMP,,,,,,2020-01-01\n" +
			"6,S9,A12,,,,EMP,,,,,,2020-01-01\n6,S9,A12,,,,CWK,,,,,,2020-01-01\n7,S10,A13,,,,EMP,,,,,,2020-01-01\n"
		r, _ := loadBothWays(t, []string{csv}, WithMaxBadRows(5))
		if r.Len() != 4 {
			t.Fatalf("%d persons loaded", r.Len())
		}
	})
	t.Run("two extracts", func(t *testing.T) {
		loadBothWays(t, []string{h + strings.Join(lines[:1000], ""), h + strings.Join(lines[1000:], "")})
		// The second holds persons of the first: nothing of it loads.
		loadBothWays(t, []string{h + strings.Join(lines[:1000], ""), h + strings.Join(lines[900:], "")})
	})
	t.Run("no flag columns, typed and extra columns", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("PersonNumber,PeriodOfServiceId,AssignmentId,PersonName,WorkEmail,PrimaryPhoneNumber,WorkerType,BusinessUnitId,OrganizationId,PositionId,LocationId,JobId,EffectiveStartDate,ActualTerminationDate,PersonId,ManagerId,DateStart\n")
		for i := range 200 {
			end := ""
			if i%7 == 0 {
				end = "2024-01-31"
			}
			fmt.Fprintf(&b, "P%d,S%d,A%d,\"Doe, %d\",,,EMP,,,,,,2020-01-0%d,%s,ID%d,M%d,2019-12-3%d\n", i/2, i/2, i, i, 1+i%9, end, i/2, i%3, i%2)
		}
		loadBothWays(t, []string{b.String()}, WithMaxBadRows(200))
		loadBothWays(t, []string{strings.Replace(b.String(), "DateStart\n", "DateStart,Shoe size\n", 1)}, WithMaxBadRows(400))
	})
}

// TestSeedsTakeEventsAsRecordsDo applies events to persons loaded from an
// extract, with and without seed stores.
func TestSeedsTakeEventsAsRecordsDo(t *testing.T) {
	h, lines := generated(t, 300)
	withSeeds, without := loadBothWays(t, []string{h + strings.Join(lines, "")})
	entry := func(c Collection, id, content string) Event {
		ev, err := Decode(c, Entry{ID: id, Updated: time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC), Content: content})
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	// Person 1 (one row) leaves; person 5 (two assignments) gets a new
	// name; person 26 (an ended and a current work relationship) moves.
	events := []Event{
		entry(TerminationFeed, "t1", `{ "Context" : [ { "PersonNumber" : "966169000000001", "PeriodOfServiceId" : "300100500000002", `+
			`"PrimaryFlag" : "Y", "EffectiveDate" : "2025-07-01", "ActualTerminationDate" : "2025-07-01" } ], `+
			`"Changed Attributes" : [ { "ActualTerminationDate" : "2025-07-01" } ] }`),
		entry(PersonUpdateFeed, "u1", `{ "Context" : [ { "PersonNumber" : "966169000000005", "PersonName" : "Rossi, Maria" } ], `+
			`"Changed Attributes" : [ { "PersonName" : { "old" : "Rossi, Joe", "new" : "Rossi, Maria" } } ] }`),
		entry(AssignmentFeed, "a1", `{ "Context" : [ { "PersonNumber" : "966169000000026", "AssignmentId" : "300100600000106", `+
			`"PeriodOfServiceId" : "300100500000053", "EffectiveStartDate" : "2025-07-01" } ], `+
			`"Changed Attributes" : [ { "LocationId" : { "old" : "300100037658126", "new" : "300100037658100" } } ] }`),
	}
	seeded := withSeeds.seeds[0].len()
	for _, ev := range events {
		o1, err1 := withSeeds.Apply(ev)
		o2, err2 := without.Apply(ev)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if d := cmp.Diff(o2, o1); d != "" {
			t.Errorf("%s: outcome with seeds (+), without (-):\n%s", ev.Raw().Entry.ID, d)
		}
		if len(o1.Changes) == 0 {
			t.Errorf("%s changed nothing", ev.Raw().Entry.ID)
		}
	}
	if d := cmp.Diff(slices.Collect(without.Persons()), slices.Collect(withSeeds.Persons())); d != "" {
		t.Fatalf("persons with seeds (+), without (-):\n%s", d)
	}
	if got := withSeeds.seeds[0].len(); got != seeded-3 || withSeeds.Len() != without.Len() {
		t.Errorf("%d seed persons left of %d, want 3 thawed; %d persons", got, seeded, withSeeds.Len())
	}
}

// TestSeedRecordRoundTrip stores persons of every shape and reads them
// back as they were.
func TestSeedRecordRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	str := func() string {
		return [...]string{"", "x", "Müller, Jürgen", strings.Repeat("long ", 20000), "\x00,\"\n"}[rng.IntN(5)]
	}
	date := func() Date {
		return [...]Date{{}, {Year: 1, Month: 1, Day: 1}, {Year: 2024, Month: 2, Day: 29}, {Year: 9999, Month: 12, Day: 31}}[rng.IntN(4)]
	}
	s := newSeedStore()
	var want []Person
	for n := range 200 {
		p := Person{PersonNumber: fmt.Sprint("P", n), Name: str(), WorkEmail: str(), PrimaryPhoneNumber: str(),
			EffectiveStartDate: date(), ActualTerminationDate: date(), Terminated: rng.IntN(2) == 0}
		if n%2 == 0 {
			p.PersonID = fmt.Sprint("ID", n)
		}
		for w := range 1 + rng.IntN(3) {
			wr := WorkRelationship{PeriodOfServiceID: fmt.Sprint("S", n, "-", w), PeriodType: str(), WorkerType: str(), LegalEntityID: str(),
				DateStart: date(), ActualTerminationDate: date(), Primary: rng.IntN(2) == 0, Terminated: rng.IntN(2) == 0, Cancelled: rng.IntN(2) == 0}
			for a := range 1 + rng.IntN(3) {
				as := Assignment{AssignmentID: fmt.Sprint("A", n, "-", w, "-", a), Primary: rng.IntN(2) == 0,
					EffectiveStartDate: date(), EffectiveEndDate: date()}
				strs, _, _ := asgFields(&as)
				for _, f := range strs[1:] {
					*f = str()
				}
				wr.Assignments = append(wr.Assignments, as)
			}
			p.WorkRelationships = append(p.WorkRelationships, wr)
		}
		if !fits(&p) {
			t.Fatalf("person %d does not fit", n)
		}
		if hits, clash := s.hits(&p); len(hits) > 0 || clash {
			t.Fatalf("person %d: hits %v, clash %v", n, hits, clash)
		}
		s.add(&p)
		want = append(want, p)
	}
	for i, p := range want {
		if d := cmp.Diff(p, s.raw(uint32(i))); d != "" {
			t.Fatalf("person %d read back (+), stored (-):\n%s", i, d)
		}
		for k, v := range map[int]string{keyPersonNumber: p.PersonNumber, keyPersonID: p.PersonID,
			keyPOS: p.WorkRelationships[0].PeriodOfServiceID, keyAsg: p.WorkRelationships[0].Assignments[0].AssignmentID} {
			if j, ok := s.lookup(k, v); (ok || v != "") && (!ok || j != uint32(i)) {
				t.Fatalf("person %d: key %d %q found at %d, %v", i, k, v, j, ok)
			}
		}
	}
	// Taken out, a person is found no more, by any key.
	p := s.take(7)
	if d := cmp.Diff(want[7], p); d != "" {
		t.Fatal(d)
	}
	eachKey(&p, func(k int, v string) {
		if _, ok := s.lookup(k, v); ok {
			t.Errorf("key %d %q still found", k, v)
		}
	})
	if s.len() != len(want)-1 {
		t.Errorf("live %d", s.len())
	}
	// What the store cannot hold.
	for _, p := range []Person{
		{PersonNumber: "1", Attributes: map[string]string{"a": "b"}},
		{PersonNumber: "1", Seen: time.Now()},
		{PersonNumber: "1", WorkRelationships: []WorkRelationship{{PeriodOfServiceID: "S", OtherIDs: []string{"S0"}}}},
		{PersonNumber: "1", EffectiveStartDate: Date{Year: -1, Month: 1, Day: 1}},
	} {
		if fits(&p) {
			t.Errorf("%+v fits", p)
		}
	}
}

// BenchmarkSeedsVersusRecords compares, on a 100,000-row extract loaded
// with and without seed stores, reading every person (Roster.Persons)
// and the first event on each of 1,000 persons (which thaws a seed
// person).
func BenchmarkSeedsVersusRecords(b *testing.B) {
	var csv bytes.Buffer
	if _, err := extractgen.Write(&csv, 100_000); err != nil {
		b.Fatal(err)
	}
	for _, how := range []struct {
		name string
		opt  ExtractOption
	}{{"seeds", nil}, {"records", func(c *extractConfig) error { c.noSeeds = true; return nil }}} {
		load := func(b *testing.B) *Roster {
			r := NewRoster()
			if _, err := r.LoadExtract(context.Background(), nil, bytes.NewReader(csv.Bytes()), how.opt); err != nil {
				b.Fatal(err)
			}
			return r
		}
		b.Run("Persons/"+how.name, func(b *testing.B) {
			r := load(b)
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for range r.Persons() {
					n++
				}
				if n != r.Len() {
					b.Fatal(n)
				}
			}
		})
		b.Run("FirstEvent/"+how.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				r := load(b)
				var events []Event
				for p := range 1000 {
					ev, err := Decode(PersonUpdateFeed, Entry{ID: fmt.Sprint(p), Updated: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
						Content: fmt.Sprintf(`{ "Context" : [ { "PersonNumber" : "%d", "PersonName" : "Doe, Jo" } ], `+
							`"Changed Attributes" : [ { "PersonName" : { "old" : "", "new" : "Doe, Jo" } } ] }`, 966169000000000+p*7)})
					if err != nil {
						b.Fatal(err)
					}
					events = append(events, ev)
				}
				b.StartTimer()
				for _, ev := range events {
					if out, err := r.Apply(ev); err != nil || len(out.Changes) == 0 {
						b.Fatal(out, err)
					}
				}
			}
		})
	}
}

// FuzzSeedsLoadAsTheBatchDoes loads any extract with and without seed
// stores, and fails when the two differ.
func FuzzSeedsLoadAsTheBatchDoes(f *testing.F) {
	for _, rows := range []string{
		"1,S1,A1,\"Doe, Al\",,,EMP,,,,,,2020-01-01\n1,S1,A2,,,,EMP,,,,,,2020-01-02\n2,S2,A3,,,,CWK,,,,,,2020-01-01\n",
		"1,S1,A1,,,,EMP,,,,,,2020-01-01\n2,S1,A2,,,,EMP,,,,,,2020-01-01\n1,S3,A3,,,,EMP,,,,,,2020-01-01\n",
		"1,S1,A1,,,,EMP,,,,,,2020-01-01\n1,S1,A1,,,,CWK,,,,,,2020-01-01\n3,S3,A1,,,,EMP,,,,,,2020-01-01\n",
	} {
		f.Add(requiredColumnsHeader+"\n"+rows, uint8(3))
		f.Add(requiredColumnsHeader+",PrimaryFlag,PrimaryAssignmentFlag,ActualTerminationDate,PersonId\n"+
			strings.ReplaceAll(rows, "\n", ",Y,N,2024-01-01,X\n"), uint8(0))
	}
	f.Fuzz(func(t *testing.T, csv string, maxBad uint8) {
		asOf := WithAsOf(time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC))
		noSeeds := func(c *extractConfig) error { c.noSeeds = true; return nil }
		opts := []ExtractOption{asOf, WithMaxBadRows(int(maxBad % 8))}
		withSeeds, without := NewRoster(), NewRoster()
		s1, err1 := withSeeds.LoadExtract(context.Background(), nil, strings.NewReader(csv), opts...)
		s2, err2 := without.LoadExtract(context.Background(), nil, strings.NewReader(csv), append(opts, noSeeds)...)
		if (err1 == nil) != (err2 == nil) || problems(err1) != problems(err2) {
			t.Fatalf("error with seeds %v, without %v", err1, err2)
		}
		if d := cmp.Diff(s2, s1); d != "" {
			t.Fatalf("summary with seeds (+), without (-):\n%s", d)
		}
		if d := cmp.Diff(slices.Collect(without.Persons()), slices.Collect(withSeeds.Persons())); d != "" {
			t.Fatalf("persons with seeds (+), without (-):\n%s", d)
		}
	})
}
