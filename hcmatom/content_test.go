package hcmatom_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/hcmatom"
)

func decode(col hcmatom.Collection, content string) (hcmatom.Event, error) {
	return hcmatom.Decode(col, hcmatom.Entry{ID: "EMP1", Content: content})
}

func TestDecodeSeedEntries(t *testing.T) {
	for name, se := range map[string]seedEntry{"hireNewHire": seed.hireNewHire, "pendingNewHire": seed.pendingNewHire,
		"convertAssignment": seed.convertAssignment, "primarySwapFirst": seed.primarySwapFirst, "assignmentCreated": seed.assignmentCreated,
		"promotion": seed.promotion, "transfer": seed.transfer, "cancel": seed.cancel} {
		if _, err := decode(se.col, se.content); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	ev, _ := decode(seed.hireNewHire.col, seed.hireNewHire.content)
	nh := ev.(*hcmatom.NewHire)
	if nh.PersonNumber != "966169008890206" || nh.PersonID != "300100589785723" || nh.PeriodOfServiceID != "300100589785737" ||
		nh.PeriodType != "E" || nh.WorkerType != "EMP" || nh.DML != hcmatom.DMLInsert || nh.DateStart != date("2023-06-29") ||
		nh.EffectiveDate != date("2023-06-29") || nh.Collection != hcmatom.NewHireFeed {
		t.Errorf("newhire %+v", nh)
	}
	// The changed "PersonNumber" holds the PersonId: said, not applied.
	if len(nh.Warnings) != 1 || !strings.Contains(nh.Warnings[0], `"300100589785723", which is the PersonId`) {
		t.Errorf("warnings %q", nh.Warnings)
	}

	ev, _ = decode(seed.promotion.col, seed.promotion.content)
	ac := ev.(*hcmatom.AssignmentChange)
	org, _ := ac.Changed("OrganizationId")
	action, _ := ac.Changed("ActionCode")
	if ac.AssignmentID != "300100591078074" || org.Old.IsSet() || org.New.Or("") != "300100037658514" ||
		action.Old.Or("") != "HIRE" || action.New.Or("") != "PROMOTION" || ac.DML != hcmatom.DMLUpdate {
		t.Errorf("promotion %+v", ac)
	}

	ev, _ = decode(seed.cancel.col, seed.cancel.content)
	kc := ev.(*hcmatom.WorkRelationshipCancel)
	pos, _ := kc.Changed("PeriodOfServiceId")
	if kc.PeriodOfServiceID != "300100591067585" || kc.ActionOccurrenceID != "300100591067584" || pos.Old.Or("") != "300100591067585" || pos.New.IsSet() ||
		!kc.Primary.Or(false) || kc.DML != hcmatom.DMLDelete {
		t.Errorf("cancel: changed attributes hold old values: %+v", kc)
	}

	ev, _ = decode(seed.assignmentCreated.col, seed.assignmentCreated.content)
	ff := ev.Raw().FlexFields
	if len(ff) != 1 || ff[0].Code != "PER_ASG_LEG_DDF" || ff[0].Context != "" || len(ff[0].Changes) != 2 ||
		ff[0].Changes[1].Name != "affordableHraZipCode" || ff[0].Changes[1].New.Or("") != "Primary Residence" || len(ev.Raw().Changes) != 20 {
		t.Errorf("flexfields %+v", ff)
	}

	ev, _ = decode(seed.convertAssignment.col, seed.convertAssignment.content)
	if ca := ev.(*hcmatom.AssignmentChange); ca.PeriodOfServiceID != "300100589792959" || ca.ContractID != "300100589792969" {
		t.Errorf("PeriodOfServiceId from the changed attributes: %+v", ca)
	}
}

func TestDecodeToleratesOracleVariations(t *testing.T) {
	content := `{"context":[{"Assignment Id":"5","PersonNumber":"7","PersonName":"Caf\u00e9 \ud83d\ude00, \"X\"","Hours":8,"Active":true,` +
		`"Extra":{"a":[1,2]},"PhoneNumber":null}],` +
		`"CHANGED ATTRIBUTES":[{"JobId":{"OLD":"1","New":"2"}},{"GradeId":{"old":null}},{"Two":"a","Three":"b"}],"Unknown":[1,{"x":null}]}`
	ev, err := decode(hcmatom.AssignmentFeed, content)
	if err != nil {
		t.Fatal(err)
	}
	ac := ev.(*hcmatom.AssignmentChange)
	if ac.AssignmentID != "5" || ac.PersonName != "Café 😀, \"X\"" {
		t.Errorf("%+v", ac.PersonContext)
	}
	want := hcmatom.Attrs{{Name: "Assignment Id", Value: "5"}, {Name: "PersonNumber", Value: "7"}, {Name: "PersonName", Value: "Café 😀, \"X\""},
		{Name: "Hours", Value: "8"}, {Name: "Active", Value: "true"}, {Name: "Extra", Value: `{"a":[1,2]}`}, {Name: "PhoneNumber", Null: true}}
	if !reflect.DeepEqual(ac.Context, want) {
		t.Errorf("context\n got %+v\nwant %+v", ac.Context, want)
	}
	if v, ok := ac.Context.Get("phone number"); ok || v != "" {
		t.Errorf("a null attribute is not given: %q %v", v, ok)
	}
	job, _ := ac.Changed("jobid")
	grade, _ := ac.Changed("GradeId")
	if job.Old.Or("") != "1" || job.New.Or("") != "2" || grade.Old.IsSet() || grade.New.IsSet() || len(ac.Changes) != 4 {
		t.Errorf("changes %+v", ac.Changes)
	}
}

func TestDecodeRefusesBadContent(t *testing.T) {
	for _, c := range []struct {
		col           hcmatom.Collection
		content, want string
	}{
		{hcmatom.NewHireFeed, ``, "content: the entry has no content"},
		{hcmatom.NewHireFeed, `<html/>`, "not a JSON object"},
		{hcmatom.NewHireFeed, `{"Changed Attributes":[]}`, `has no "Context"`},
		{hcmatom.NewHireFeed, `{"Context":"x"}`, `"Context" is a string, not an array`},
		{hcmatom.NewHireFeed, `{"Context":[]}`, `"Context" is empty`},
		{hcmatom.NewHireFeed, `{"Context":[1]}`, `an element of "Context" is a number`},
		{hcmatom.NewHireFeed, `{"Context":[{}]} x`, "text after the JSON document"},
		{hcmatom.NewHireFeed, `{"Context":[{"a":"b}]}`, "not closed"},
		{hcmatom.NewHireFeed, "{\"Context\":[{\"a\":\"b\x01\"}]}", "control character"},
		{hcmatom.NewHireFeed, `{"Context":[{"a":"\q"}]}`, `unknown escape \q`},
		{hcmatom.NewHireFeed, `{"Context":[{"a":"\u12"}]}`, `malformed \u escape`},
		{hcmatom.NewHireFeed, `{"Context":[{"a":01}]}`, "expected ',' or '}'"},
		{hcmatom.NewHireFeed, `{"Context":[{"a":-}]}`, "malformed number"},
		{hcmatom.NewHireFeed, `{"Context":[{"a":tru}]}`, "expected true"},
		{hcmatom.NewHireFeed, `{"Context":[{"a":` + strings.Repeat("[", 40) + `}]}`, "nest deeper than 32"},
		{hcmatom.NewHireFeed, "{\"Context\":[{\"a\":\"\xff\"}]}", "invalid UTF-8"},
		{hcmatom.NewHireFeed, `{"Context":[{"PersonNumber":"1"}]}`, "Context.PeriodOfServiceId: missing"},
		{hcmatom.NewHireFeed, `{"Context":[{"PersonNumber":"1","PeriodOfServiceId":"2","EffectiveDate":"2023-13-01"}]}`, `Context.EffectiveDate: date "2023-13-01" is not in the layout YYYY-MM-DD`},
		{hcmatom.NewHireFeed, `{"Context":[{"PersonNumber":"1","PeriodOfServiceId":"2"}],"Changed Attributes":[{"DateStart":"June"}]}`, "Changed Attributes.DateStart"},
		{hcmatom.WorkRelationshipFeed, `{"Context":[{"PersonNumber":"1","PeriodOfServiceId":"2","PrimaryFlag":"maybe"}]}`, `Context.PrimaryFlag: "maybe" is not Y or N`},
		{hcmatom.AssignmentFeed, `{"Context":[{"PersonNumber":"1"}]}`, "Context.AssignmentId: missing"},
		{hcmatom.CancelWorkRelationshipFeed, `{"Context":[{"PersonNumber":"1"}]}`, "Context.PeriodOfServiceId: missing"},
		{hcmatom.TerminationFeed, `{"Context":[{"PeriodOfServiceId":"1"}]}`, "Context.PersonNumber: missing"},
	} {
		_, err := hcmatom.Decode(c.col, hcmatom.Entry{ID: "EMP42", Content: c.content})
		var ee *hcmatom.EntryError
		if !errors.As(err, &ee) || !errors.Is(err, hcmatom.ErrBadEntry) || ee.ID != "EMP42" || !strings.Contains(err.Error(), c.want) ||
			!strings.Contains(err.Error(), `entry "EMP42"`) {
			t.Errorf("%.40s: err = %v, want an EntryError naming EMP42 and %q", c.content, err, c.want)
		}
	}
}

func TestDecodeWarnings(t *testing.T) {
	ev, err := decode(hcmatom.PersonUpdateFeed, `{"Context":[{"PersonNumber":"1","PersonNumber":"1"},{"PersonName":"A"}],"Context":[],"DMLOperation":"MERGE"}`)
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(ev.Raw().Warnings, "\n")
	for _, want := range []string{`"Context" holds 2 objects`, `"Context" twice`, `unknown DMLOperation "MERGE"`} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings %q lack %q", w, want)
		}
	}
	if strings.Contains(w, `"PersonNumber" twice`) {
		t.Errorf("an attribute repeated with the same value is not worth a warning: %q", w)
	}
	if ev.(*hcmatom.PersonUpdate).PersonName != "A" {
		t.Errorf("objects of Context are merged")
	}
}

func TestDecodeWorkstructureAndUnknownCollections(t *testing.T) {
	ev, err := decode(hcmatom.JobsFeed, `{"Context":[{"JobId":"300","JobName":"Engineer","EffectiveDate":"2023-01-01"}]}`)
	if ws, ok := ev.(*hcmatom.WorkstructureChange); err != nil || !ok || ws.ObjectID != "300" || ws.Name != "Engineer" {
		t.Errorf("%+v %v", ev, err)
	}
	ev, err = decode("availabilityPatterns/availabilityPatternChange", `{"Context":[{"X":"1"}]}`)
	if raw, ok := ev.(*hcmatom.RawEvent); err != nil || !ok || raw.Collection != "availabilityPatterns/availabilityPatternChange" {
		t.Errorf("%+v %v", ev, err)
	}
}
