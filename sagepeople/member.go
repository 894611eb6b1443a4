package sagepeople

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// TeamMember is a Sage People team member (fHCM2__Team_Member__c) with its
// current employment record and its manager: every field of the user
// integration's field list, each read from the SOQL field Fields names
// (docs/sagepeople.md gives each one's evidence). A text field Salesforce
// holds no value for is "".
type TeamMember struct {
	ID       string // Id: the seed's "ID", the record id Salesforce gives
	UniqueID string // fHCM2__Unique_Id__c, the Data Loader's unique id
	FullName string // Name: "Full Name"
	// FirstName and LastName are fHCM2__First_Name__c and fHCM2__Surname__c.
	FirstName, LastName string
	Email               string  // fHCM2__Email__c
	JobTitle            string  // fHCM2__Job_Title__c
	Department          string  // "HR Department": fHCM2__Department__c
	Address             Address // "Address line 1-3", "City", "Region", "Postal Code", "Country"
	WorkLocation        string  // "Work Location"
	// EmploymentStatus is fHCM2__Employment_Status__c ("Current", ...).
	EmploymentStatus string
	// Employment is the current employment record
	// (fHCM2__Current_Employment__r); nil when the team member has none.
	Employment *Employment
	// Manager is the team member's manager (fHCM2__Manager__r); nil when
	// none is set.
	Manager *Manager
	// SystemModstamp is when Salesforce last changed the record.
	SystemModstamp time.Time
	// Deleted is IsDeleted: true only for a deleted record read with
	// Query.Deleted.
	Deleted bool
	// Custom holds the values of WithCustomFields' fields, by the name
	// given there; a field with no value is absent.
	Custom map[string]string
}

// Address is a team member's address (the home address fields by default).
type Address struct {
	Line1, Line2, Line3 string
	City, Region        string
	PostalCode, Country string
}

// Employment is a team member's current employment record
// (fHCM2__Employment__c).
type Employment struct {
	Name   string // Name: "Employment Name"
	Active bool   // fHCM2__Active__c: "Employment Active"
	Start  Date   // fHCM2__Start_Date__c: "Start Date"
	End    Date   // fHCM2__End_Date__c: "End Date"; zero when none
}

// Manager is the team member a team member reports to.
type Manager struct {
	ID       string // fHCM2__Manager__c: the manager's team member Id
	UniqueID string // fHCM2__Manager__r.fHCM2__Unique_Id__c
	Email    string // fHCM2__Manager__r.fHCM2__Email__c
	Name     string // fHCM2__Manager__r.Name
}

// Fields are the SOQL names of the fields a TeamMember is read from. The
// fields of Employment and Manager are relative to their relationships
// (EmploymentName "Name" is read as fHCM2__Current_Employment__r.Name). An
// empty name leaves a field out of queries (its value stays empty), for an
// org that lacks it; ID and SystemModstamp are always read.
type Fields struct {
	UniqueID, FullName, FirstName, LastName, Email, JobTitle, Department string
	AddressLine1, AddressLine2, AddressLine3                             string
	City, Region, PostalCode, Country, WorkLocation, EmploymentStatus    string

	// Employment is the relationship to the current employment record.
	Employment                                           string
	EmploymentName, EmploymentActive, StartDate, EndDate string

	// ManagerID is the lookup to the manager, Manager its relationship.
	ManagerID, Manager                         string
	ManagerUniqueID, ManagerEmail, ManagerName string
}

// DefaultFields returns the fields of Sage People's managed package, as
// docs/sagepeople.md lists them. Region and WorkLocation are inferred
// (fHCM2__Home_Address_Region__c, fHCM2__Location__c); Department may be a
// lookup in some orgs: set "fHCM2__Department__r.Name" there.
func DefaultFields() Fields {
	return Fields{
		UniqueID: "fHCM2__Unique_Id__c", FullName: "Name",
		FirstName: "fHCM2__First_Name__c", LastName: "fHCM2__Surname__c",
		Email: "fHCM2__Email__c", JobTitle: "fHCM2__Job_Title__c", Department: "fHCM2__Department__c",
		AddressLine1: "fHCM2__Home_Address_1__c", AddressLine2: "fHCM2__Home_Address_2__c",
		AddressLine3: "fHCM2__Home_Address_3__c", City: "fHCM2__Home_Address_City__c",
		Region: "fHCM2__Home_Address_Region__c", PostalCode: "fHCM2__Home_Address_Postal_Code__c",
		Country: "fHCM2__Home_Address_Country__c", WorkLocation: "fHCM2__Location__c",
		EmploymentStatus: "fHCM2__Employment_Status__c",
		Employment:       "fHCM2__Current_Employment__r",
		EmploymentName:   "Name", EmploymentActive: "fHCM2__Active__c",
		StartDate: "fHCM2__Start_Date__c", EndDate: "fHCM2__End_Date__c",
		ManagerID: "fHCM2__Manager__c", Manager: "fHCM2__Manager__r",
		ManagerUniqueID: "fHCM2__Unique_Id__c", ManagerEmail: "fHCM2__Email__c", ManagerName: "Name",
	}
}

// The object a TeamMember is read from.
const TeamMemberObject = "fHCM2__Team_Member__c"

// kinds of column values.
const (
	kindText = iota
	kindBool
	kindStartDate
	kindEndDate
	kindDateTime
)

// groups of columns.
const (
	groupMember = iota
	groupEmployment
	groupManager
	groupCustom
)

// column is one field a TeamMember is read from.
type column struct {
	path  string // full SOQL path
	lower string // path in lower case, to match answers
	kind  int
	group int
	name  string // the custom field's name
	text  func(m *TeamMember) *string
}

// nameRE is a SOQL field path: names of letters, digits and underscores,
// joined by dots.
var nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$`)

// columns returns the fields to select, in order.
func (f Fields) columns(custom []string) []column {
	var cols []column
	add := func(group, kind int, rel, name string, text func(*TeamMember) *string) {
		if name == "" || (rel == "" && group != groupMember && group != groupCustom) {
			return
		}
		p := name
		if rel != "" {
			p = rel + "." + name
		}
		cols = append(cols, column{path: p, lower: strings.ToLower(p), kind: kind, group: group, text: text})
	}
	m := groupMember
	add(m, kindText, "", "Id", func(t *TeamMember) *string { return &t.ID })
	add(m, kindDateTime, "", "SystemModstamp", nil)
	add(m, kindBool, "", "IsDeleted", nil)
	add(m, kindText, "", f.UniqueID, func(t *TeamMember) *string { return &t.UniqueID })
	add(m, kindText, "", f.FullName, func(t *TeamMember) *string { return &t.FullName })
	add(m, kindText, "", f.FirstName, func(t *TeamMember) *string { return &t.FirstName })
	add(m, kindText, "", f.LastName, func(t *TeamMember) *string { return &t.LastName })
	add(m, kindText, "", f.Email, func(t *TeamMember) *string { return &t.Email })
	add(m, kindText, "", f.JobTitle, func(t *TeamMember) *string { return &t.JobTitle })
	add(m, kindText, "", f.Department, func(t *TeamMember) *string { return &t.Department })
	add(m, kindText, "", f.AddressLine1, func(t *TeamMember) *string { return &t.Address.Line1 })
	add(m, kindText, "", f.AddressLine2, func(t *TeamMember) *string { return &t.Address.Line2 })
	add(m, kindText, "", f.AddressLine3, func(t *TeamMember) *string { return &t.Address.Line3 })
	add(m, kindText, "", f.City, func(t *TeamMember) *string { return &t.Address.City })
	add(m, kindText, "", f.Region, func(t *TeamMember) *string { return &t.Address.Region })
	add(m, kindText, "", f.PostalCode, func(t *TeamMember) *string { return &t.Address.PostalCode })
	add(m, kindText, "", f.Country, func(t *TeamMember) *string { return &t.Address.Country })
	add(m, kindText, "", f.WorkLocation, func(t *TeamMember) *string { return &t.WorkLocation })
	add(m, kindText, "", f.EmploymentStatus, func(t *TeamMember) *string { return &t.EmploymentStatus })
	e := groupEmployment
	add(e, kindText, f.Employment, f.EmploymentName, func(t *TeamMember) *string { return &t.Employment.Name })
	add(e, kindBool, f.Employment, f.EmploymentActive, nil)
	add(e, kindStartDate, f.Employment, f.StartDate, nil)
	add(e, kindEndDate, f.Employment, f.EndDate, nil)
	g := groupManager
	add(m, kindText, "", f.ManagerID, nil)
	if i := len(cols) - 1; f.ManagerID != "" {
		cols[i].group = g // the lookup belongs to the manager, though it is the team member's field
		cols[i].text = func(t *TeamMember) *string { return &t.Manager.ID }
	}
	add(g, kindText, f.Manager, f.ManagerUniqueID, func(t *TeamMember) *string { return &t.Manager.UniqueID })
	add(g, kindText, f.Manager, f.ManagerEmail, func(t *TeamMember) *string { return &t.Manager.Email })
	add(g, kindText, f.Manager, f.ManagerName, func(t *TeamMember) *string { return &t.Manager.Name })
	for _, name := range custom {
		add(groupCustom, kindText, "", name, nil)
		cols[len(cols)-1].name = name
	}
	return cols
}

// check refuses field names that are not SOQL names, and names selected
// twice.
func (f Fields) check(custom []string) error {
	var errs []error
	seen := map[string]string{}
	for _, c := range f.columns(custom) {
		if !nameRE.MatchString(c.path) {
			errs = append(errs, fmt.Errorf("sagepeople: field %q is not a SOQL field name", c.path))
			continue
		}
		if prev, ok := seen[c.lower]; ok {
			errs = append(errs, fmt.Errorf("sagepeople: field %q is selected twice (also as %q)", c.path, prev))
		}
		seen[c.lower] = c.path
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// value is a column's value in one record.
type value struct {
	s    string
	set  bool // the answer holds the field
	null bool // ... as null (or, in CSV, empty)
}

// decoder turns the flat values of a record into a TeamMember.
type decoder struct {
	cols  []column
	index map[string]int // lower path → column
	vals  []value
	path  []byte // the JSON reader's path buffer, reused
}

func newDecoder(cols []column) *decoder {
	d := &decoder{cols: cols, index: make(map[string]int, len(cols)), vals: make([]value, len(cols))}
	for i, c := range cols {
		d.index[c.lower] = i
	}
	return d
}

func (d *decoder) reset() { clear(d.vals) }

// nullPrefix marks every column under the relationship rel (lower case,
// no trailing dot) as null: the relationship itself is null.
func (d *decoder) nullPrefix(rel []byte) {
	for i, c := range d.cols {
		if len(c.lower) > len(rel) && c.lower[len(rel)] == '.' && c.lower[:len(rel)] == string(rel) {
			d.vals[i] = value{set: true, null: true}
		}
	}
}

// member builds the TeamMember of the values read; where names the
// record for errors (it is called only then).
func (d *decoder) member(where func() string) (TeamMember, error) {
	var m TeamMember
	var emp Employment
	var mgr Manager
	m.Employment, m.Manager = &emp, &mgr // the text setters write through them
	hasEmp, hasMgr := false, false
	if i, ok := d.index["id"]; ok && d.vals[i].set {
		m.ID = d.vals[i].s
	}
	fail := func(c *column, problem string) (TeamMember, error) {
		return TeamMember{}, &RecordError{ID: m.ID, Where: where(), Field: c.path, Problem: problem}
	}
	for i := range d.cols {
		c, v := &d.cols[i], d.vals[i]
		if !v.set {
			return fail(c, "missing from the answer")
		}
		if v.null || v.s == "" {
			if c.path == "Id" {
				return fail(c, "is empty")
			}
			continue
		}
		switch c.group {
		case groupEmployment:
			hasEmp = true
		case groupManager:
			hasMgr = true
		case groupCustom:
			if m.Custom == nil {
				m.Custom = map[string]string{}
			}
			m.Custom[c.name] = v.s
			continue
		}
		switch c.kind {
		case kindText:
			*c.text(&m) = v.s
		case kindBool:
			b, ok := parseBool(v.s)
			if !ok {
				return fail(c, fmt.Sprintf("%q is not true or false", clip(v.s)))
			}
			if c.group == groupEmployment {
				emp.Active = b
			} else {
				m.Deleted = b
			}
		case kindStartDate, kindEndDate:
			dt, err := ParseISODate(v.s)
			if err != nil {
				return fail(c, fmt.Sprintf("date %q is not YYYY-MM-DD", clip(v.s)))
			}
			if c.kind == kindEndDate {
				emp.End = dt
			} else {
				emp.Start = dt
			}
		case kindDateTime:
			t, err := ParseDateTime(v.s)
			if err != nil {
				return fail(c, err.Error())
			}
			m.SystemModstamp = t
		}
	}
	if !hasEmp {
		m.Employment = nil
	}
	if !hasMgr {
		m.Manager = nil
	}
	return m, nil
}

func parseBool(s string) (bool, bool) {
	switch s {
	case "true", "TRUE", "True":
		return true, true
	case "false", "FALSE", "False":
		return false, true
	}
	return false, false
}

// clip bounds a value quoted in an error.
func clip(s string) string {
	if len(s) > 64 {
		return strings.ToValidUTF8(s[:64], "") + "…"
	}
	return s
}

// Salesforce writes date-times as 2024-01-02T03:04:05.000+0000 in JSON and
// as 2024-01-02T03:04:05.000Z in Bulk CSV.
var dateTimeLayouts = []string{"2006-01-02T15:04:05.000-0700", time.RFC3339Nano, "2006-01-02T15:04:05-0700"}

// ParseDateTime parses a Salesforce date-time (2024-01-02T03:04:05.000+0000
// or RFC 3339).
func ParseDateTime(s string) (time.Time, error) {
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("date-time %q is not in Salesforce's form 2006-01-02T15:04:05.000+0000", clip(s))
}

// selectList returns the SELECT list of the columns.
func selectList(cols []column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.path
	}
	return out
}
