package hcmatom_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/internal/civil"
)

// event decodes a seed entry as the feed would deliver it.
func event(t testing.TB, se seedEntry, id string) hcmatom.Event {
	t.Helper()
	ev, err := hcmatom.Decode(se.col, hcmatom.Entry{ID: id, Title: se.title, Summary: se.summary,
		Updated: time.Date(2023, 7, 3, 12, 0, 0, 0, time.UTC), Content: se.content})
	if err != nil {
		t.Fatalf("decoding %s: %v", id, err)
	}
	return ev
}

func date(s string) hcmatom.Date {
	d, err := civil.ParseISO(s)
	if err != nil {
		panic(err)
	}
	return d
}

// rows flattens the roster into the guide's tables: one row per active
// assignment, or one row without ids for a person with no active work
// relationship (PeriodType and WorkerType then come from the last one).
func rows(r *hcmatom.Roster, cols ...string) [][]string {
	var out [][]string
	for p := range r.Persons() {
		cell := func(w *hcmatom.WorkRelationship, a *hcmatom.Assignment, col string) string {
			yn := func(b bool) string { return map[bool]string{true: "Y", false: "N"}[b] }
			switch col {
			case "PersonNumber":
				return p.PersonNumber
			case "PersonName":
				return p.Name
			case "EffectiveStartDate":
				return p.EffectiveStartDate.String()
			case "Terminated":
				return yn(p.Terminated)
			case "ActualTerminationDate":
				return p.ActualTerminationDate.String()
			}
			if w == nil {
				return ""
			}
			switch col {
			case "PeriodType":
				return w.PeriodType
			case "WorkerType":
				return w.WorkerType
			}
			if a == nil {
				return ""
			}
			switch col {
			case "PeriodOfServiceId":
				return w.PeriodOfServiceID
			case "PrimaryFlag":
				return yn(w.Primary)
			case "AssignmentId":
				return a.AssignmentID
			case "PrimaryAssignmentFlag":
				return yn(a.Primary)
			case "AssignmentStatusType":
				return a.AssignmentStatusType
			case "BusinessUnitId":
				return a.BusinessUnitID
			case "OrganizationId":
				return a.OrganizationID
			case "PositionId":
				return a.PositionID
			case "LocationId":
				return a.LocationID
			case "JobId":
				return a.JobID
			}
			panic("unknown column " + col)
		}
		row := func(w *hcmatom.WorkRelationship, a *hcmatom.Assignment) {
			var r []string
			for _, c := range cols {
				r = append(r, cell(w, a, c))
			}
			out = append(out, r)
		}
		n := 0
		for _, w := range p.WorkRelationships {
			if !w.Active() {
				continue
			}
			for _, a := range w.Assignments {
				row(&w, &a)
				n++
			}
		}
		if n == 0 {
			var last *hcmatom.WorkRelationship
			if k := len(p.WorkRelationships); k > 0 {
				last = &p.WorkRelationships[k-1]
			}
			row(last, nil)
		}
	}
	return out
}

// table splits rows written with " | " between cells.
func table(lines ...string) [][]string {
	var out [][]string
	for _, l := range lines {
		cells := strings.Split(l, "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		out = append(out, cells)
	}
	return out
}

func load(t *testing.T, persons ...hcmatom.Person) *hcmatom.Roster {
	t.Helper()
	r := hcmatom.NewRoster()
	var b hcmatom.Batch
	for _, p := range persons {
		if err := b.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Load(&b); err != nil {
		t.Fatal(err)
	}
	return r
}

func snapshot(r *hcmatom.Roster) []hcmatom.Person { return slices.Collect(r.Persons()) }

// scenario applies events to a roster, checks each one's meaning, checks
// the table after, then applies them all again and checks that nothing
// changes.
type scenario struct {
	name     string
	before   []hcmatom.Person
	events   []hcmatom.Event
	meanings []hcmatom.Lifecycle
	cols     []string
	want     [][]string // the guide's "After" table
}

func (sc scenario) run(t *testing.T) *hcmatom.Roster {
	t.Helper()
	r, outs := sc.runOn(t, false)
	_, seededOuts := sc.runOn(t, true)
	if !reflect.DeepEqual(seededOuts, outs) {
		t.Errorf("%s: outcomes on seed persons:\n%v\nwant\n%v", sc.name, seededOuts, outs)
	}
	return r
}

// runOn runs the scenario on a roster that holds its persons as its own
// records (loaded from a Batch) or, seeded, in a seed store (as after an
// initial extract): both must give the same.
func (sc scenario) runOn(t *testing.T, seeded bool) (*hcmatom.Roster, []hcmatom.Outcome) {
	t.Helper()
	r := load(t, sc.before...)
	name := sc.name
	if seeded {
		name += " (seeded)"
		r = hcmatom.NewRoster()
		if err := hcmatom.LoadAsSeeds(r, sc.before...); err != nil {
			t.Fatal(err)
		}
		if got, want := snapshot(r), snapshot(load(t, sc.before...)); !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: before:\n got %+v\nwant %+v", name, got, want)
		}
	}
	var outs []hcmatom.Outcome
	for i, ev := range sc.events {
		out, err := r.Apply(ev)
		if err != nil {
			t.Fatalf("%s: event %d: %v", name, i, err)
		}
		outs = append(outs, out)
		if out.Lifecycle != sc.meanings[i] {
			t.Errorf("%s: event %d (%s) meant %v, want %v: %v", name, i, ev.Raw().Entry.ID, out.Lifecycle, sc.meanings[i], out)
		}
	}
	if got := rows(r, sc.cols...); !reflect.DeepEqual(got, sc.want) {
		t.Errorf("%s: after:\n got %q\nwant %q", name, got, sc.want)
	}
	after := snapshot(r)
	for i, ev := range sc.events {
		out, err := r.Apply(ev)
		if err != nil || out.Lifecycle != hcmatom.Unchanged || len(out.Changes) > 0 {
			t.Errorf("%s: event %d applied again: %v, %v; want no change", name, i, out, err)
		}
	}
	if again := snapshot(r); !reflect.DeepEqual(again, after) {
		t.Errorf("%s: applying the events again changed the roster:\n%+v\n%+v", name, after, again)
	}
	return r, outs
}

var baseCols = []string{"PersonNumber", "PeriodOfServiceId", "AssignmentId", "PersonName", "PeriodType", "WorkerType", "EffectiveStartDate"}

func TestSeedHireWorker(t *testing.T) {
	scenario{
		name:     "hire",
		events:   []hcmatom.Event{event(t, seed.hireNewHire, "h1"), event(t, seed.hireAssignment, "h2")},
		meanings: []hcmatom.Lifecycle{hcmatom.Joiner, hcmatom.Update},
		cols:     baseCols,
		want:     table("966169008890206 | 300100589785737 | 300100589785738 | Meyerson, Barbara | E | EMP | 2023-06-29"),
	}.run(t)
}

func TestSeedAddPendingWorker(t *testing.T) {
	nh := event(t, seed.pendingNewHire, "p1")
	r := scenario{
		name:     "pending worker",
		events:   []hcmatom.Event{nh, event(t, seed.pendingAssignment, "p2")},
		meanings: []hcmatom.Lifecycle{hcmatom.Joiner, hcmatom.Update},
		cols:     baseCols,
		want:     table("966169008890210 | 300100589792532 | 300100589792533 | Gainsboro, Jennifer | P | PWK | 2023-06-29"),
	}.run(t)
	// The sample's Context carries "PersonNumber" twice: the first one
	// identifies the person, and the event says what looked wrong.
	if got := nh.(*hcmatom.NewHire).PersonNumber; got != "966169008890210" {
		t.Errorf("PersonNumber = %q", got)
	}
	w := strings.Join(nh.Raw().Warnings, "\n")
	if !strings.Contains(w, `Context has "PersonNumber" twice: "966169008890210" is used, "300100589792517" is ignored`) {
		t.Errorf("warnings do not report the duplicate PersonNumber: %q", w)
	}
	// The empassignment entry's PersonId fills in what the newhire lacked.
	if p, _ := r.Person("966169008890210"); p.PersonID != "300100589792517" {
		t.Errorf("PersonID = %q, want it learnt from the assignment entry", p.PersonID)
	}
}

func TestSeedRehireWorker(t *testing.T) {
	cols := append(slices.Clone(baseCols), "Terminated", "ActualTerminationDate")
	r := scenario{
		name: "rehire",
		// Before: 966169008890235 | | | Goode, Rachel | E | EMP | 2023-06-21 | Y | 2023-07-03
		before: []hcmatom.Person{{PersonNumber: "966169008890235", PersonID: "300100591067571", Name: "Goode, Rachel",
			EffectiveStartDate: date("2023-06-21"), Terminated: true, ActualTerminationDate: date("2023-07-03"),
			WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591067500", PeriodType: "E", WorkerType: "EMP",
				Primary: true, Terminated: true, ActualTerminationDate: date("2023-07-03")}}}},
		events:   []hcmatom.Event{event(t, seed.rehireNewHire, "r1"), event(t, seed.rehireAssignment, "r2")},
		meanings: []hcmatom.Lifecycle{hcmatom.Rehire, hcmatom.Update},
		cols:     cols,
		want:     table("966169008890235 | 300100592814666 | 300100592814667 | Goode, Rachel | E | EMP | 2023-06-21 | N | "),
	}.run(t)
	p, _ := r.Person("966169008890235")
	if len(p.WorkRelationships) != 2 || p.WorkRelationships[0].Active() {
		t.Errorf("the terminated work relationship should stay, ended: %+v", p.WorkRelationships)
	}
}

// pendingJennifer is the guide's "Convert Pending Worker" Before table.
func pendingJennifer() hcmatom.Person {
	return hcmatom.Person{PersonNumber: "966169008890210", Name: "Gainsboro, Jennifer", EffectiveStartDate: date("2023-06-29"),
		WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100589792532", Primary: true, PeriodType: "P", WorkerType: "PWK",
			Assignments: []hcmatom.Assignment{{AssignmentID: "300100589792533", Primary: true, AssignmentStatusType: "ACTIVE"}}}}}
}

func TestSeedConvertPendingWorker(t *testing.T) {
	r := scenario{
		name:     "convert pending worker",
		before:   []hcmatom.Person{pendingJennifer()},
		events:   []hcmatom.Event{event(t, seed.convertNewHire, "c1"), event(t, seed.convertAssignment, "c2")},
		meanings: []hcmatom.Lifecycle{hcmatom.Mover, hcmatom.Update},
		cols:     baseCols,
		// The guide's After table keeps the pending worker's ids, though
		// HCM sends new ones (...959, ...960): the roster keeps both.
		want: table("966169008890210 | 300100589792532 | 300100589792533 | Gainsboro, Jennifer | E | EMP | 2023-06-29"),
	}.run(t)
	p, _ := r.Person("966169008890210")
	w := p.WorkRelationships[0]
	if !slices.Equal(w.OtherIDs, []string{"300100589792959"}) || !slices.Equal(w.Assignments[0].OtherIDs, []string{"300100589792960"}) {
		t.Errorf("the new ids should be kept as other ids: %+v", w)
	}
	// Later entries name the new ids and still find the records.
	out, err := r.Apply(&hcmatom.Termination{PersonContext: hcmatom.PersonContext{PersonNumber: "966169008890210"},
		PeriodOfServiceID: "300100589792959", ActualTerminationDate: date("2023-09-30")})
	if err != nil || out.Lifecycle != hcmatom.Leaver {
		t.Errorf("terminating by the new PeriodOfServiceId: %v, %v", out, err)
	}
}

func TestSeedPrimaryWorkRelationshipSwapped(t *testing.T) {
	joe := hcmatom.Person{PersonNumber: "966169008890196", PersonID: "300100575314616", Name: "Gomez, Joe", EffectiveStartDate: date("2023-06-01"),
		WorkRelationships: []hcmatom.WorkRelationship{
			{PeriodOfServiceID: "300100575314782", PeriodType: "E", WorkerType: "EMP",
				Assignments: []hcmatom.Assignment{{AssignmentID: "300100589792278", Primary: true}}},
			{PeriodOfServiceID: "300100575314628", Primary: true, PeriodType: "E", WorkerType: "EMP",
				Assignments: []hcmatom.Assignment{{AssignmentID: "300100589792930", Primary: true}}},
		}}
	cols := []string{"PersonNumber", "PeriodOfServiceId", "AssignmentId", "PersonName", "PrimaryFlag", "PeriodType", "WorkerType", "EffectiveStartDate"}
	r := load(t, joe)
	if got, want := rows(r, cols...), table(
		"966169008890196 | 300100575314782 | 300100589792278 | Gomez, Joe | N | E | EMP | 2023-06-01",
		"966169008890196 | 300100575314628 | 300100589792930 | Gomez, Joe | Y | E | EMP | 2023-06-01"); !reflect.DeepEqual(got, want) {
		t.Fatalf("before: %q", got)
	}
	scenario{
		name:   "primary work relationship swapped",
		before: []hcmatom.Person{joe},
		events: []hcmatom.Event{event(t, seed.primarySwapFirst, "w1"), event(t, seed.primarySwapSecond, "w2")},
		// Making 782 primary makes 628 non-primary at once: the second
		// entry then changes nothing.
		meanings: []hcmatom.Lifecycle{hcmatom.Mover, hcmatom.Unchanged},
		cols:     cols,
		want: table(
			"966169008890196 | 300100575314782 | 300100589792278 | Gomez, Joe | Y | E | EMP | 2023-06-01",
			"966169008890196 | 300100575314628 | 300100589792930 | Gomez, Joe | N | E | EMP | 2023-06-01"),
	}.run(t)
}

func TestSeedAssignmentCreated(t *testing.T) {
	// The guide's sample names assignment 300100575317800 and Collins,
	// Bert, its tables 300100591067380 and Walsh, Scott: the test uses the
	// tables' assignment id. The name shows the rule that an assignment
	// entry's Context identifies records and does not change them.
	se := seed.assignmentCreated
	se.content = strings.ReplaceAll(se.content, "300100575317800", "300100591067380")
	scott := hcmatom.Person{PersonNumber: "966169008890200", Name: "Walsh, Scott", EffectiveStartDate: date("2023-06-30"),
		WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591037852", Primary: true, PeriodType: "E", WorkerType: "EMP",
			Assignments: []hcmatom.Assignment{{AssignmentID: "300100591037853", Primary: true, AssignmentStatusType: "ACTIVE"}}}}}
	r := scenario{
		name:     "assignment created",
		before:   []hcmatom.Person{scott},
		events:   []hcmatom.Event{event(t, se, "a1")},
		meanings: []hcmatom.Lifecycle{hcmatom.Mover},
		cols: []string{"PersonNumber", "PeriodOfServiceId", "AssignmentId", "PersonName", "PrimaryAssignmentFlag", "AssignmentStatusType",
			"PeriodType", "WorkerType", "EffectiveStartDate"},
		want: table(
			"966169008890200 | 300100591037852 | 300100591037853 | Walsh, Scott | Y | ACTIVE | E | EMP | 2023-06-30",
			"966169008890200 | 300100591037852 | 300100591067380 | Walsh, Scott | N | ACTIVE | E | EMP | 2023-06-30"),
	}.run(t)
	p, _ := r.Person("966169008890200")
	a := p.WorkRelationships[0].Assignments[1]
	if a.BusinessUnitID != "300100037658074" || a.AssignmentNumber != "E966169008890200-3" || a.ActionCode != "TEMP_ASG" ||
		a.EffectiveStartDate != date("2023-06-29") || a.EffectiveEndDate != date("4712-12-31") || a.LegalEntityID != "100000015338042" {
		t.Errorf("assignment fields: %+v", a)
	}
	if a.Attributes["NormalHours"] != "8" || a.Attributes["PER_ASG_LEG_DDF.affordableHraOffered"] != "N" {
		t.Errorf("other attributes and flexfields: %v", a.Attributes)
	}
}

func TestSeedPromoteWorker(t *testing.T) {
	mary := hcmatom.Person{PersonNumber: "966169008890236", PersonID: "300100591078054", Name: "King, Mary", EffectiveStartDate: date("2023-06-30"),
		WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591078068", Primary: true, PeriodType: "E", WorkerType: "EMP",
			Assignments: []hcmatom.Assignment{{AssignmentID: "300100591078074", Primary: true, ActionCode: "HIRE", AssignmentName: "E966169008890236"}}}}}
	cols := append(slices.Clone(baseCols), "OrganizationId", "PositionId", "LocationId", "JobId")
	r := load(t, mary)
	out, err := r.Apply(event(t, seed.promotion, "m1"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`assignment 300100591078074: ActionCode "HIRE" → "PROMOTION"`,
		`assignment 300100591078074: AssignmentName "E966169008890236" → "AUTO_GHR_JOB03"`,
		`assignment 300100591078074: OrganizationId "" → "300100037658514"`,
		`assignment 300100591078074: PositionId "" → "300100037658660"`,
		`assignment 300100591078074: LocationId "" → "300100037658196"`,
		`assignment 300100591078074: JobId "" → "300100037658485"`,
	}
	var got []string
	for _, c := range out.Changes {
		got = append(got, c.String())
	}
	if out.Lifecycle != hcmatom.Mover || out.PersonNumber != "966169008890236" || !slices.Equal(got, want) {
		t.Errorf("outcome %v:\n%q", out, got)
	}
	scenario{
		name:     "promotion",
		before:   []hcmatom.Person{mary},
		events:   []hcmatom.Event{event(t, seed.promotion, "m1")},
		meanings: []hcmatom.Lifecycle{hcmatom.Mover},
		cols:     cols,
		want:     table("966169008890236 | 300100591078068 | 300100591078074 | King, Mary | E | EMP | 2023-06-30 | 300100037658514 | 300100037658660 | 300100037658196 | 300100037658485"),
	}.run(t)
}

func TestSeedTransferWorker(t *testing.T) {
	rachel := hcmatom.Person{PersonNumber: "966169008890235", PersonID: "300100591067571", Name: "Goode, Rachel", EffectiveStartDate: date("2023-06-30"),
		WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591067585", Primary: true, PeriodType: "E", WorkerType: "EMP",
			Assignments: []hcmatom.Assignment{{AssignmentID: "300100591067591", Primary: true, BusinessUnitID: "300100037658147"}}}}}
	// The guide says empupdate and empassignment carry the same entry: the
	// second one changes nothing.
	asg := event(t, seed.transfer, "t1")
	upd := seed.transfer
	upd.col = hcmatom.PersonUpdateFeed
	scenario{
		name:     "transfer",
		before:   []hcmatom.Person{rachel},
		events:   []hcmatom.Event{asg, event(t, upd, "t2")},
		meanings: []hcmatom.Lifecycle{hcmatom.Mover, hcmatom.Unchanged},
		cols:     append(slices.Clone(baseCols), "BusinessUnitId", "OrganizationId", "PositionId", "LocationId", "JobId"),
		want: table("966169008890235 | 300100591067585 | 300100591067591 | Goode, Rachel | E | EMP | 2023-06-30 | 300100037658212 | " +
			"300100037658538 | 300100037658684 | 300100037658414 | 300100037658578"),
	}.run(t)
}

// rachelActive is the Before table of the guide's leaver scenarios.
func rachelActive() hcmatom.Person {
	return hcmatom.Person{PersonNumber: "966169008890235", PersonID: "300100591067571", Name: "Goode, Rachel", EffectiveStartDate: date("2023-06-30"),
		WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591067585", Primary: true, PeriodType: "E", WorkerType: "EMP",
			Assignments: []hcmatom.Assignment{{AssignmentID: "300100591067591", Primary: true}}}}}
}

var leaverCols = append(slices.Clone(baseCols), "Terminated", "ActualTerminationDate")

// leaverAfter is the guide's leaver After table.
var leaverAfter = table("966169008890235 |  |  | Goode, Rachel | E | EMP | 2023-06-30 | Y | 2023-07-03")

func TestSeedTermination(t *testing.T) {
	// The guide shows no termination entry; this one has the Context
	// attributes its table lists for the termination feed.
	content := `{ "Context" : [ { "PersonNumber" : "966169008890235", "PeriodOfServiceId" : "300100591067585", "DMLOperation" : "UPDATE", ` +
		`"PeriodType" : "E", "PersonName" : "Goode, Rachel", "WorkerType" : "EMP", "PrimaryFlag" : "Y", "PersonId" : "300100591067571", ` +
		`"PrimaryPhoneNumber" : "", "EffectiveStartDate" : "2023-06-30", "EffectiveDate" : "2023-07-03", "ActualTerminationDate" : "2023-07-03" } ], ` +
		`"Changed Attributes" : [ { "ActualTerminationDate" : "2023-07-03" } ] }`
	r := load(t, rachelActive())
	if got, want := rows(r, leaverCols...), table("966169008890235 | 300100591067585 | 300100591067591 | Goode, Rachel | E | EMP | 2023-06-30 | N | "); !reflect.DeepEqual(got, want) {
		t.Fatalf("before: %q", got)
	}
	scenario{
		name:     "termination",
		before:   []hcmatom.Person{rachelActive()},
		events:   []hcmatom.Event{event(t, seedEntry{hcmatom.TerminationFeed, "Goode, Rachel Terminated", "Employee Terminated", content}, "x1")},
		meanings: []hcmatom.Lifecycle{hcmatom.Leaver},
		cols:     leaverCols,
		want:     leaverAfter,
	}.run(t)
}

func TestSeedWorkRelationshipCancelled(t *testing.T) {
	r := scenario{
		name:     "work relationship cancelled",
		before:   []hcmatom.Person{rachelActive()},
		events:   []hcmatom.Event{event(t, seed.cancel, "k1")},
		meanings: []hcmatom.Lifecycle{hcmatom.Leaver},
		cols:     leaverCols,
		want:     leaverAfter,
	}.run(t)
	// A cancelled work relationship is kept, inactive, and its newhire
	// entry, delivered again, does not bring it back.
	p, _ := r.Person("966169008890235")
	if len(p.WorkRelationships) != 1 || !p.WorkRelationships[0].Cancelled || p.WorkRelationships[0].Active() {
		t.Errorf("work relationships: %+v", p.WorkRelationships)
	}
	nh := &hcmatom.NewHire{PersonContext: hcmatom.PersonContext{PersonNumber: "966169008890235", PeriodType: "E"}, PeriodOfServiceID: "300100591067585"}
	if out, err := r.Apply(nh); err != nil || out.Lifecycle != hcmatom.Unchanged {
		t.Errorf("newhire of a cancelled work relationship: %v, %v", out, err)
	}
}

func TestCancelWithAnotherWorkRelationshipLeftIsAMover(t *testing.T) {
	p := rachelActive()
	p.WorkRelationships = append(p.WorkRelationships, hcmatom.WorkRelationship{PeriodOfServiceID: "300100591067999", PeriodType: "E", WorkerType: "EMP"})
	r := load(t, p)
	out, err := r.Apply(event(t, seed.cancel, "k1"))
	if err != nil || out.Lifecycle != hcmatom.Mover {
		t.Fatalf("%v, %v", out, err)
	}
	if got, _ := r.Person(p.PersonNumber); got.Terminated {
		t.Error("terminated although a work relationship is left")
	}
}

func TestReplayingAnEarlierRunChangesNothing(t *testing.T) {
	r := hcmatom.NewRoster()
	run := []hcmatom.Event{event(t, seed.rehireNewHire, "1"), event(t, seed.rehireAssignment, "2")}
	// A transfer of the assignment just created, then a termination.
	tr := seed.transfer
	tr.content = strings.ReplaceAll(tr.content, "300100591067591", "300100592814667")
	run = append(run, event(t, tr, "3"), &hcmatom.Termination{PersonContext: hcmatom.PersonContext{PersonNumber: "966169008890235"},
		PeriodOfServiceID: "300100592814666", ActualTerminationDate: date("2023-08-31")})
	for _, ev := range run {
		if _, err := r.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	want := snapshot(r)
	// A restart delivers the last three again, in order.
	for _, ev := range run[1:] {
		if out, _ := r.Apply(ev); len(out.Changes) > 0 {
			t.Errorf("replayed %s changed %v", ev.Raw().Entry.ID, out)
		}
	}
	if got := snapshot(r); !reflect.DeepEqual(got, want) {
		t.Errorf("replay changed the roster")
	}
}

func TestApplyWarnsAboutWhatItCannotPlace(t *testing.T) {
	r := hcmatom.NewRoster()
	for _, ev := range []hcmatom.Event{
		&hcmatom.Termination{PersonContext: hcmatom.PersonContext{PersonNumber: "1"}, PeriodOfServiceID: "9"},
		&hcmatom.PersonUpdate{PersonContext: hcmatom.PersonContext{PersonNumber: "1"}},
		&hcmatom.WorkRelationshipUpdate{PeriodOfServiceID: "9"},
		&hcmatom.AssignmentChange{PersonContext: hcmatom.PersonContext{PersonNumber: "1"}, AssignmentID: "5"},
		&hcmatom.PayrollUpdate{AssignmentID: "5"},
	} {
		out, err := r.Apply(ev)
		if err != nil || out.Lifecycle != hcmatom.Unchanged || len(out.Warnings) == 0 {
			t.Errorf("%T: %v, %v; want unchanged with a warning", ev, out, err)
		}
	}
	if r.Len() != 0 {
		t.Errorf("roster has %d persons", r.Len())
	}
	_, err := r.Apply(&hcmatom.NewHire{RawEvent: hcmatom.RawEvent{Collection: hcmatom.NewHireFeed, Entry: hcmatom.Entry{ID: "E1"}},
		PeriodOfServiceID: "1"})
	var ee *hcmatom.EntryError
	if !errors.As(err, &ee) || ee.ID != "E1" || ee.Field != "Context.PersonNumber" {
		t.Errorf("newhire without a PersonNumber: %v", err)
	}
}

func TestAssignmentWithoutPeriodOfServicePutOnPrimary(t *testing.T) {
	joe := hcmatom.Person{PersonNumber: "7", WorkRelationships: []hcmatom.WorkRelationship{
		{PeriodOfServiceID: "A"}, {PeriodOfServiceID: "B", Primary: true}}}
	r := load(t, joe)
	out, err := r.Apply(&hcmatom.AssignmentChange{PersonContext: hcmatom.PersonContext{PersonNumber: "7"}, AssignmentID: "X"})
	if err != nil || len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "primary one, B") {
		t.Fatalf("%v, %v", out, err)
	}
	p, _ := r.Person("7")
	if len(p.WorkRelationships[1].Assignments) != 1 {
		t.Errorf("assignment not on the primary work relationship: %+v", p)
	}
}

func TestPersonUpdateAndPayroll(t *testing.T) {
	r := load(t, rachelActive())
	content := `{ "Context" : [ { "PersonName" : "Goode, Rachel", "PersonNumber" : "966169008890235", "WorkEmail" : "rachel.goode@example.com", ` +
		`"PrimaryPhoneNumber" : "1 555 0100", "PersonId" : "300100591067571", "PeriodType" : "E", "WorkerType" : "EMP", "DMLOperation" : "UPDATE", ` +
		`"EffectiveStartDate" : "2023-07-01", "EffectiveDate" : "2023-07-01" } ], "Changed Attributes" : [ { "PrimaryPhoneNumber" : { "old" : null, "new" : "1 555 0100" } }, ` +
		`{ "UserName" : { "old" : null, "new" : "RGOODE" } } ] }`
	out, err := r.Apply(event(t, seedEntry{hcmatom.PersonUpdateFeed, "", "", content}, "u1"))
	if err != nil || out.Lifecycle != hcmatom.Update {
		t.Fatalf("%v, %v", out, err)
	}
	p, _ := r.Person("966169008890235")
	if p.WorkEmail != "rachel.goode@example.com" || p.PrimaryPhoneNumber != "1 555 0100" || p.Attributes["UserName"] != "RGOODE" {
		t.Errorf("person: %+v", p)
	}
	pay := `{ "Context" : [ { "PersonId" : "300100591067571", "AssignmentId" : "300100591067591", "PersonName" : "Goode, Rachel", ` +
		`"EffectiveStartDate" : "2023-07-01", "EffectiveDate" : "2023-07-01", "PayrollId" : "300100012345" } ], ` +
		`"Changed Attributes" : [ { "PayrollId" : { "Old" : null, "New" : "300100012345" } } ] }`
	ev := event(t, seedEntry{hcmatom.PayrollFeed, "", "", pay}, "pay1")
	if ca, _ := ev.Raw().Changed("PayrollId"); ca.New.Or("") != "300100012345" {
		t.Errorf("Old/New keys with capitals not read: %+v", ca)
	}
	out, err = r.Apply(ev)
	if err != nil || out.Lifecycle != hcmatom.Update || out.PersonNumber != "966169008890235" {
		t.Fatalf("%v, %v", out, err)
	}
	a, _ := r.Person("966169008890235")
	if a.WorkRelationships[0].Assignments[0].Attributes["PayrollId"] != "300100012345" {
		t.Errorf("payroll not set: %+v", a)
	}
}

func TestBatchMergesRowsAndLoadsAllOrNothing(t *testing.T) {
	row := func(pos, asg string, primary bool) hcmatom.Person {
		return hcmatom.Person{PersonNumber: "100", Name: "Doe, Jane", WorkRelationships: []hcmatom.WorkRelationship{{
			PeriodOfServiceID: pos, Primary: true, PeriodType: "E", WorkerType: "EMP",
			Assignments: []hcmatom.Assignment{{AssignmentID: asg, Primary: primary, JobID: "J" + asg}}}}}
	}
	var b hcmatom.Batch
	for _, p := range []hcmatom.Person{row("W1", "A1", true), row("W1", "A2", false), row("W1", "A1", true)} {
		if err := b.Add(p); err != nil {
			t.Fatal(err)
		}
	}
	// A row that contradicts an earlier one is refused, and changes nothing.
	bad := row("W1", "A1", true)
	bad.Name = "Doe, John"
	bad.WorkRelationships[0].Assignments = append(bad.WorkRelationships[0].Assignments, hcmatom.Assignment{AssignmentID: "A3"})
	err := b.Add(bad)
	var le *hcmatom.LoadError
	if !errors.As(err, &le) || le.PersonNumber != "100" || le.Field != "PersonName" {
		t.Fatalf("contradicting row: %v", err)
	}
	other := hcmatom.Person{PersonNumber: "200", WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "W1"}}}
	if err := b.Add(other); err == nil || !strings.Contains(err.Error(), `W1 is also a work relationship of person "100"`) {
		t.Errorf("work relationship of two persons: %v", err)
	}
	if b.Len() != 1 {
		t.Errorf("batch has %d persons", b.Len())
	}

	r := load(t, hcmatom.Person{PersonNumber: "300", WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "W9",
		Assignments: []hcmatom.Assignment{{AssignmentID: "A2"}}}}})
	before := snapshot(r)
	err = r.Load(&b)
	if err == nil || !strings.Contains(err.Error(), `person "100": AssignmentId: A2 is already an assignment of person "300"`) {
		t.Fatalf("load with a clash: %v", err)
	}
	if !reflect.DeepEqual(snapshot(r), before) {
		t.Error("a failed Load changed the roster")
	}

	var ok hcmatom.Batch
	ok.Add(row("W1", "A1", true))
	ok.Add(row("W1", "A4", false))
	if err := r.Load(&ok); err != nil {
		t.Fatal(err)
	}
	p, _ := r.Person("100")
	if len(p.WorkRelationships) != 1 || len(p.WorkRelationships[0].Assignments) != 2 || ok.Len() != 0 {
		t.Errorf("loaded %+v; batch left with %d", p, ok.Len())
	}
	if a, _ := p.PrimaryAssignment(); a.AssignmentID != "A1" {
		t.Errorf("primary assignment %q", a.AssignmentID)
	}
}

// TestBatchNamesTheSameContradiction: of several attributes a row
// contradicts, Add names the first by name, every time (a map's order
// once made it pick one at random).
func TestBatchNamesTheSameContradiction(t *testing.T) {
	row := func(attrs map[string]string) hcmatom.Person {
		return hcmatom.Person{PersonNumber: "1", WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "W1",
			Assignments: []hcmatom.Assignment{{AssignmentID: "A1", Attributes: attrs}}}}}
	}
	for range 50 {
		var b hcmatom.Batch
		if err := b.Add(row(map[string]string{"c": "", "b": "", "a": "", "d": "4"})); err != nil {
			t.Fatal(err)
		}
		err := b.Add(row(map[string]string{"d": "4", "c": "3", "b": "2", "a": "1"}))
		var le *hcmatom.LoadError
		if !errors.As(err, &le) || le.Field != "a" || !strings.Contains(le.Msg, `"1" here, "" before`) {
			t.Fatalf("got %v, want the contradiction of attribute a", err)
		}
	}
}

func TestLoadListsEveryProblem(t *testing.T) {
	var b hcmatom.Batch
	for i := range 30 {
		b.Add(hcmatom.Person{PersonNumber: fmt.Sprint(i), WorkRelationships: []hcmatom.WorkRelationship{
			{PeriodOfServiceID: fmt.Sprint("a", i), Primary: true}, {PeriodOfServiceID: fmt.Sprint("b", i), Primary: true}}})
	}
	err := hcmatom.NewRoster().Load(&b)
	if err == nil || !strings.Contains(err.Error(), "2 active work relationships are primary") || !strings.Contains(err.Error(), "and 10 more problems") {
		t.Errorf("%v", err)
	}
	if err := b.Add(hcmatom.Person{Name: "No Number"}); err == nil || !strings.Contains(err.Error(), "PersonNumber: missing") {
		t.Errorf("person without a number: %v", err)
	}
}

// TestLoadBringsBackADeletedAssignment: events refuse an assignment that an
// event deleted, until a load brings it back (here, on another person):
// then they apply to it again, and the roster forgets that it was deleted,
// whether it was loaded as a record or into a seed store.
func TestLoadBringsBackADeletedAssignment(t *testing.T) {
	const asg, org = "300100591067592", "300100037658514"
	rachel := rachelActive()
	rachel.WorkRelationships[0].Assignments = append(rachel.WorkRelationships[0].Assignments, hcmatom.Assignment{AssignmentID: asg})
	newcomer := hcmatom.Person{PersonNumber: "966169008890299", Name: "Comer, Nell", EffectiveStartDate: date("2023-07-02"),
		WorkRelationships: []hcmatom.WorkRelationship{{PeriodOfServiceID: "300100591067599", Primary: true, PeriodType: "E", WorkerType: "EMP",
			Assignments: []hcmatom.Assignment{{AssignmentID: asg, Primary: true}}}}}
	entry := func(pn, pos, dml, changes string) string {
		return `{ "Context" : [ { "AssignmentId" : "` + asg + `", "PersonNumber" : "` + pn + `", "PeriodOfServiceId" : "` + pos +
			`", "DMLOperation" : "` + dml + `", "EffectiveDate" : "2023-07-02" } ], "Changed Attributes" : [ ` + changes + ` ] }`
	}
	del := seedEntry{hcmatom.AssignmentFeed, "Goode, Rachel's Assignment Deleted", "Assignment Deleted",
		entry(rachel.PersonNumber, "300100591067585", "DELETE", "")}
	move := seedEntry{hcmatom.AssignmentFeed, "Comer, Nell's Assignment Changed", "Assignment Changed",
		entry(newcomer.PersonNumber, "300100591067599", "UPDATE", `{ "OrganizationId" : { "old" : null, "new" : "`+org+`" } }`)}
	for _, how := range []string{"batch", "seeds"} {
		t.Run(how, func(t *testing.T) {
			r := load(t, rachel)
			apply := func(se seedEntry, id string) hcmatom.Outcome {
				t.Helper()
				out, err := r.Apply(event(t, se, id))
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			if out := apply(del, "d1"); len(out.Warnings) > 0 {
				t.Fatalf("delete: %v", out)
			}
			if out := apply(move, "m1"); len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "was deleted") {
				t.Fatalf("change of a deleted assignment: %v", out)
			}
			if n := hcmatom.Tombstones(r); n != 1 {
				t.Fatalf("%d deleted assignments remembered, want 1", n)
			}
			var err error
			if how == "seeds" {
				err = hcmatom.LoadAsSeeds(r, newcomer)
			} else {
				var b hcmatom.Batch
				if err = b.Add(newcomer); err == nil {
					err = r.Load(&b)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := hcmatom.Tombstones(r); n != 0 {
				t.Fatalf("%d deleted assignments remembered after the load, want 0", n)
			}
			if out := apply(move, "m2"); len(out.Warnings) > 0 {
				t.Fatalf("change of the loaded assignment: %v", out)
			}
			p, _ := r.Person(newcomer.PersonNumber)
			if got := p.WorkRelationships[0].Assignments[0].OrganizationID; got != org {
				t.Fatalf("OrganizationId %q, want %q", got, org)
			}
		})
	}
}

// A termination that arrives after its work relationship was cancelled
// changes nothing, and says so.
func TestTerminationAfterCancelIsWarned(t *testing.T) {
	r := hcmatom.NewRoster()
	apply := func(col hcmatom.Collection, content string) hcmatom.Outcome {
		t.Helper()
		ev, err := decode(col, content)
		if err != nil {
			t.Fatal(err)
		}
		out, err := r.Apply(ev)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	apply(hcmatom.NewHireFeed, `{ "Context" : [ { "PersonNumber" : "1001", "PeriodOfServiceId" : "W1", "PeriodType" : "E", "WorkerType" : "EMP", "EffectiveDate" : "2023-06-29" } ] }`)
	apply(hcmatom.CancelWorkRelationshipFeed, `{ "Context" : [ { "PersonNumber" : "1001", "PeriodOfServiceId" : "W1", "DMLOperation" : "DELETE" } ], "Changed Attributes" : [ { "PeriodOfServiceId" : "W1" } ] }`)
	out := apply(hcmatom.TerminationFeed, `{ "Context" : [ { "PersonNumber" : "1001", "PeriodOfServiceId" : "W1", "ActualTerminationDate" : "2023-07-03" } ] }`)
	if out.Lifecycle != hcmatom.Unchanged || len(out.Changes) != 0 || len(out.Warnings) != 1 ||
		!strings.Contains(out.Warnings[0], "work relationship W1 was cancelled: its termination is ignored") {
		t.Errorf("%v", out)
	}
	// A cancellation delivered again is a repeat: no warning.
	if out := apply(hcmatom.CancelWorkRelationshipFeed, `{ "Context" : [ { "PersonNumber" : "1001", "PeriodOfServiceId" : "W1", "DMLOperation" : "DELETE" } ] }`); len(out.Warnings) != 0 {
		t.Errorf("repeated cancel: %v", out)
	}
}
