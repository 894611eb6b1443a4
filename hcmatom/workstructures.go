package hcmatom

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Workstructure is a kind of HCM work structure an assignment names by id.
type Workstructure string

// The work structures an assignment or a work relationship refers to. In
// HCM, business units, legal employers and departments are all
// organizations (with different classifications): the organizations feed
// names them all.
const (
	Organization  Workstructure = "Organization"  // OrganizationId: the department
	BusinessUnit  Workstructure = "BusinessUnit"  // BusinessUnitId
	LegalEmployer Workstructure = "LegalEmployer" // LegalEntityId
	Job           Workstructure = "Job"           // JobId
	Position      Workstructure = "Position"      // PositionId
	Location      Workstructure = "Location"      // LocationId
	Grade         Workstructure = "Grade"         // GradeId
)

// idField returns the attribute that holds a work structure's id.
func (k Workstructure) idField() string {
	if k == LegalEmployer {
		return "LegalEntityId"
	}
	return string(k) + "Id"
}

// feedOf returns the workstructures collection that names k.
func (k Workstructure) feedOf() Collection {
	switch k {
	case Organization, BusinessUnit, LegalEmployer:
		return OrganizationsFeed
	case Job:
		return JobsFeed
	case Position:
		return PositionsFeed
	case Location:
		return LocationsFeed
	case Grade:
		return GradesFeed
	}
	return ""
}

// nameColumns are the attributes an assignment may carry its work
// structures' names in: the extract's extra columns (an extract defined
// with name columns beside the seed's ids) and the feeds' changed
// attributes of the same names.
var nameColumns = map[Workstructure][]string{
	Organization:  {"OrganizationName", "DepartmentName"},
	BusinessUnit:  {"BusinessUnitName"},
	LegalEmployer: {"LegalEmployerName", "LegalEntityName"},
	Job:           {"JobName"},
	Position:      {"PositionName"},
	Location:      {"LocationName"},
	Grade:         {"GradeName"},
}

// Workstructures names the work structures that assignments refer to by id
// (300100037658514 is "Finance"), so that a target receives names. It
// learns them from the workstructures feeds (Apply, which Sync feeds first,
// as Oracle advises) and from Set; an assignment's own name attributes
// (OrganizationName, JobName, ... from extract columns of those names)
// name it when the feeds have not. The extract of the integration guide
// carries ids only: without name columns or the feeds, ids stay unresolved,
// and Resolve says so rather than pass an id off as a name.
//
// It is safe for concurrent use. The zero value is not usable: call
// NewWorkstructures.
type Workstructures struct {
	mu    sync.RWMutex
	names map[Collection]map[string]string // by feed, then id
}

// NewWorkstructures returns an empty Workstructures.
func NewWorkstructures() *Workstructures {
	return &Workstructures{names: map[Collection]map[string]string{}}
}

// Set names a work structure. Business units, legal employers and
// organizations share their ids (all are organizations in HCM), so setting
// one names the others of the same id.
func (w *Workstructures) Set(k Workstructure, id, name string) {
	col := k.feedOf()
	if col == "" || id == "" || name == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.names[col]
	if m == nil {
		m = map[string]string{}
		w.names[col] = m
	}
	m[id] = name
}

// Apply learns the name of a work structure from an event of a
// workstructures feed (a *WorkstructureChange with an ObjectID and a Name),
// and reports whether it did; other events are ignored. A deleted work
// structure keeps its name: assignments of the past still refer to it.
func (w *Workstructures) Apply(ev Event) bool {
	ws, ok := ev.(*WorkstructureChange)
	if !ok || ws.ObjectID == "" || ws.Name == "" {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	m := w.names[ws.Collection]
	if m == nil {
		m = map[string]string{}
		w.names[ws.Collection] = m
	}
	m[ws.ObjectID] = ws.Name
	return true
}

// Name returns the name of work structure id of kind k, as the feeds or
// Set gave it.
func (w *Workstructures) Name(k Workstructure, id string) (string, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	name, ok := w.names[k.feedOf()][id]
	return name, ok
}

// Len returns how many names are known.
func (w *Workstructures) Len() int {
	w.mu.RLock()
	defer w.mu.RUnlock()
	n := 0
	for _, m := range w.names {
		n += len(m)
	}
	return n
}

// AssignmentNames are the names of the work structures of one assignment;
// a name is "" when the assignment names no such work structure, or when
// its id could not be resolved (Resolve then reports it).
type AssignmentNames struct {
	AssignmentID  string
	Organization  string
	BusinessUnit  string
	LegalEmployer string // the assignment's LegalEntityId, else its work relationship's
	Job           string
	Position      string
	Location      string
	Grade         string
}

// ErrUnresolved is an id no name is known for (*UnresolvedError).
var ErrUnresolved = errors.New("work structure id not resolved to a name")

// Unresolved is one id that could not be named.
type Unresolved struct {
	PersonNumber string
	AssignmentID string
	Field        string // the id's attribute: "BusinessUnitId", "JobId", ...
	ID           string
}

// String names the person, the assignment, the field and the id.
func (u Unresolved) String() string {
	return fmt.Sprintf("person %s, assignment %s: %s %s", u.PersonNumber, u.AssignmentID, u.Field, u.ID)
}

// UnresolvedError lists the ids of a person that no name is known for.
type UnresolvedError struct {
	Items []Unresolved
}

// Error lists the ids and says where names come from.
func (e *UnresolvedError) Error() string {
	s := make([]string, len(e.Items))
	for i, u := range e.Items {
		s[i] = u.String()
	}
	return "hcmatom: no name known (from the workstructures feeds or the extract's name columns) for " + strings.Join(s, "; ")
}

// Is makes errors.Is(err, ErrUnresolved) true.
func (e *UnresolvedError) Is(target error) bool { return target == ErrUnresolved }

// Resolve names the work structures of every assignment of p, by
// AssignmentID. An id that cannot be named leaves its name "" and is listed
// in the *UnresolvedError returned beside the names (ErrUnresolved), naming
// the person, the assignment and the field: never is an id given as a name.
// A name the feeds gave (or Set) wins over the assignment's own name
// attribute, since the feeds report renames after the extract was taken.
func (w *Workstructures) Resolve(p Person) (map[string]AssignmentNames, error) {
	out := make(map[string]AssignmentNames)
	var unresolved []Unresolved
	for _, wr := range p.WorkRelationships {
		for _, a := range wr.Assignments {
			n := AssignmentNames{AssignmentID: a.AssignmentID}
			for _, f := range []struct {
				k   Workstructure
				id  string
				dst *string
			}{
				{Organization, a.OrganizationID, &n.Organization},
				{BusinessUnit, a.BusinessUnitID, &n.BusinessUnit},
				{LegalEmployer, cmp.Or(a.LegalEntityID, wr.LegalEntityID), &n.LegalEmployer},
				{Job, a.JobID, &n.Job},
				{Position, a.PositionID, &n.Position},
				{Location, a.LocationID, &n.Location},
				{Grade, a.GradeID, &n.Grade},
			} {
				if f.id == "" {
					continue
				}
				if name, ok := w.name(f.k, f.id, a.Attributes); ok {
					*f.dst = name
					continue
				}
				unresolved = append(unresolved, Unresolved{PersonNumber: p.PersonNumber, AssignmentID: a.AssignmentID, Field: f.k.idField(), ID: f.id})
			}
			out[a.AssignmentID] = n
		}
	}
	if len(unresolved) > 0 {
		return out, &UnresolvedError{Items: unresolved}
	}
	return out, nil
}

// name looks id up in the names learned, then in the assignment's name
// attributes.
func (w *Workstructures) name(k Workstructure, id string, attrs map[string]string) (string, bool) {
	if name, ok := w.Name(k, id); ok {
		return name, true
	}
	for _, col := range nameColumns[k] {
		for attr, v := range attrs {
			if v != "" && sameName(attr, col) {
				return v, true
			}
		}
	}
	return "", false
}
