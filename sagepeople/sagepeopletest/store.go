package sagepeopletest

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/sagepeople"
)

// Record is the fields of a record by API name: values are string, bool,
// float64 (or int), sagepeople.Date, time.Time, or nil.
type Record map[string]any

// record is a stored record.
type record struct {
	object string
	id     string
	fields Record // canonical names
}

// store holds the org's records and what it knows of each object's fields.
type store struct {
	byID    map[string]*record
	objects map[string][]*record         // by object, in insertion order
	schema  map[string]map[string]string // object → lower field name → canonical name
	prefix  map[string]string            // object → Id prefix
	seq     int
}

// standardFields are on every object.
var standardFields = []string{"Id", "Name", "IsDeleted", "SystemModstamp", "CreatedDate"}

func newStore() *store {
	s := &store{byID: map[string]*record{}, objects: map[string][]*record{}, schema: map[string]map[string]string{},
		prefix: map[string]string{sagepeople.TeamMemberObject: "a0T", employmentObject: "a0E"}}
	f := sagepeople.DefaultFields()
	s.define(sagepeople.TeamMemberObject, f.UniqueID, f.FirstName, f.LastName, f.Email, f.JobTitle, f.Department,
		f.AddressLine1, f.AddressLine2, f.AddressLine3, f.City, f.Region, f.PostalCode, f.Country, f.WorkLocation,
		f.EmploymentStatus, f.ManagerID, "fHCM2__Current_Employment__c", "fHCM2__User__c", "fHCM2__Team__c",
		"fHCM2__Hire_Date__c", "fHCM2__Home_Email__c", "fHCM2__Preferred_Name__c")
	s.define(employmentObject, f.EmploymentActive, f.StartDate, f.EndDate, "fHCM2__Team_Member__c",
		"fHCM2__Last_Working_Date__c", "fHCM2__Basis__c")
	return s
}

const employmentObject = "fHCM2__Employment__c"

// define makes fields known on object.
func (s *store) define(object string, fields ...string) {
	m := s.schema[object]
	if m == nil {
		m = map[string]string{}
		for _, f := range standardFields {
			m[strings.ToLower(f)] = f
		}
		s.schema[object] = m
	}
	for _, f := range fields {
		if f != "" {
			m[strings.ToLower(f)] = f
		}
	}
}

func (s *store) newID(object string) string {
	p, ok := s.prefix[object]
	if !ok {
		p = fmt.Sprintf("a%02d", len(s.prefix)%100)
		s.prefix[object] = p
	}
	s.seq++
	return fmt.Sprintf("%s%015d", p, s.seq)
}

// get returns the value at a field path of r: "Name", or through
// relationships, "fHCM2__Manager__r.fHCM2__Email__c". A null relationship
// gives nil; a field the object does not have is INVALID_FIELD.
func (s *store) get(r *record, path string) (any, error) {
	for {
		rel, rest, more := strings.Cut(path, ".")
		if !more {
			name, ok := s.schema[r.object][strings.ToLower(path)]
			if !ok {
				return nil, invalidField(path, r.object)
			}
			return r.fields[name], nil
		}
		target, err := s.related(r, rel)
		if err != nil || target == nil {
			return nil, err
		}
		r, path = target, rest
	}
}

// related follows the relationship rel (X__r, through the lookup X__c) of r.
func (s *store) related(r *record, rel string) (*record, error) {
	lookup, ok := relLookup(rel)
	name, known := s.schema[r.object][strings.ToLower(lookup)]
	if !ok || !known {
		return nil, invalidField(rel, r.object)
	}
	id, _ := r.fields[name].(string)
	return s.byID[id], nil
}

func relLookup(rel string) (string, bool) {
	if base, ok := strings.CutSuffix(rel, "__r"); ok {
		return base + "__c", true
	}
	if base, ok := strings.CutSuffix(rel, "__R"); ok {
		return base + "__c", true
	}
	return "", false
}

func invalidField(field, object string) *sfError {
	return &sfError{400, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.", field, object)}
}

// check makes sure the query's object and fields exist, as Salesforce
// checks them before it runs a query, against a record of each related
// object it can find.
func (s *store) check(q *query) error {
	if _, ok := s.schema[q.object]; !ok {
		return &sfError{400, "INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported.", q.object)}
	}
	probe := &record{object: q.object, fields: Record{}}
	for _, f := range q.fields {
		if _, err := s.get(probe, f); err != nil {
			return err
		}
	}
	return nil
}

// run returns the records of q (deleted ones too when all), ordered and
// limited.
func (s *store) run(q *query, all bool) ([]*record, error) {
	if err := s.check(q); err != nil {
		return nil, err
	}
	var out []*record
	for _, r := range s.objects[q.object] {
		if r.fields["IsDeleted"] == true && !all {
			continue
		}
		if q.where != nil {
			ok, err := q.where.eval(s, r)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		out = append(out, r)
	}
	if len(q.orderBy) > 0 {
		var sortErr error
		slices.SortStableFunc(out, func(a, b *record) int {
			for _, o := range q.orderBy {
				va, err1 := s.get(a, o.field)
				vb, err2 := s.get(b, o.field)
				if err := cmp.Or(err1, err2); err != nil {
					sortErr = err
					return 0
				}
				if va == nil || vb == nil {
					if (va == nil) == (vb == nil) {
						continue
					}
					if (va == nil) == o.nullsFirst {
						return -1
					}
					return 1
				}
				n, _, _ := compareValues(o.field, va, vb)
				if o.desc {
					n = -n
				}
				if n != 0 {
					return n
				}
			}
			return 0
		})
		if sortErr != nil {
			return nil, sortErr
		}
	}
	if q.limit > 0 && len(out) > q.limit {
		out = out[:q.limit]
	}
	return out, nil
}

// object is a JSON object with its keys in order.
type object struct {
	keys []string
	vals []any
}

func (o *object) set(k string, v any) {
	if i := slices.Index(o.keys, k); i >= 0 {
		o.vals[i] = v
		return
	}
	o.keys, o.vals = append(o.keys, k), append(o.vals, v)
}

func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(jsonValue(o.vals[i]))
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsonValue writes dates and date-times as Salesforce's JSON does.
func jsonValue(v any) any {
	switch x := v.(type) {
	case sagepeople.Date:
		return x.String()
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000+0000")
	}
	return v
}

// csvValue writes a value as Bulk API 2.0's CSV does: null is empty.
func csvValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case sagepeople.Date:
		return x.String()
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return fmt.Sprint(v)
}

// attributes is the "attributes" object of a record.
func (s *store) attributes(r *record, version string) *object {
	return &object{keys: []string{"type", "url"}, vals: []any{r.object, "/services/data/" + version + "/sobjects/" + r.object + "/" + r.id}}
}

// render returns r as the REST query answer shows it: the selected fields,
// relationship fields nested in objects of their own, null relationships
// as null.
func (s *store) render(r *record, fields []string, version string) *object {
	out := &object{keys: []string{"attributes"}, vals: []any{s.attributes(r, version)}}
	for _, f := range fields {
		s.place(out, r, f, version)
	}
	return out
}

// place puts the value at path of r into o.
func (s *store) place(o *object, r *record, path, version string) {
	rel, rest, more := strings.Cut(path, ".")
	if !more {
		name := s.schema[r.object][strings.ToLower(path)]
		o.set(name, r.fields[name])
		return
	}
	lookup, _ := relLookup(rel)
	relName := strings.TrimSuffix(s.schema[r.object][strings.ToLower(lookup)], "__c") + "__r"
	target, _ := s.related(r, rel)
	if target == nil {
		o.set(relName, nil)
		return
	}
	var sub *object
	if i := slices.Index(o.keys, relName); i >= 0 {
		sub, _ = o.vals[i].(*object)
	}
	if sub == nil {
		sub = &object{keys: []string{"attributes"}, vals: []any{s.attributes(target, version)}}
		o.set(relName, sub)
	}
	s.place(sub, target, rest, version)
}

// csvRows writes the header and rows of a Bulk result.
func (s *store) csvRows(recs []*record, fields []string) [][]string {
	rows := make([][]string, 0, len(recs)+1)
	header := make([]string, len(fields))
	for i, f := range fields {
		header[i] = s.canonicalPath(recs, f)
	}
	rows = append(rows, header)
	for _, r := range recs {
		row := make([]string, len(fields))
		for i, f := range fields {
			v, _ := s.get(r, f)
			row[i] = csvValue(v)
		}
		rows = append(rows, row)
	}
	return rows
}

// canonicalPath returns a field path as Salesforce spells it.
func (s *store) canonicalPath(recs []*record, path string) string {
	parts := strings.Split(path, ".")
	last := parts[len(parts)-1]
	if len(parts) == 1 && len(recs) > 0 {
		if n, ok := s.schema[recs[0].object][strings.ToLower(last)]; ok {
			return n
		}
	}
	return path
}

func writeCSV(rows [][]string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.WriteAll(rows)
	return b.Bytes()
}
