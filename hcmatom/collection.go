package hcmatom

import (
	"strings"
)

// Collection names a feed: a workspace and a collection, as in the path
// /hcmRestApi/atomservlet/employee/newhire. The constants below are the
// collections Oracle documents; another one can be named as
// Collection("workspace/name").
type Collection string

// The employee workspace's collections (Oracle's "Employee Atom Feeds").
// They fire for employees, contingent workers and pending workers.
const (
	// NewHireFeed is "newhire": employee hired, terminated employee
	// rehired, future-dated hire, pending worker added or converted.
	NewHireFeed Collection = "employee/newhire"
	// TerminationFeed is "termination": employee terminated.
	TerminationFeed Collection = "employee/termination"
	// AssignmentFeed is "empassignment": assignment, salary or manager
	// created, updated, corrected or deleted.
	AssignmentFeed Collection = "employee/empassignment"
	// PersonUpdateFeed is "empupdate": name, e-mail, phone, address,
	// national identifier, user name and other personal details changed.
	PersonUpdateFeed Collection = "employee/empupdate"
	// WorkRelationshipFeed is "workrelshipupdate": a work relationship
	// updated (other than terminated or cancelled).
	WorkRelationshipFeed Collection = "employee/workrelshipupdate"
	// CancelWorkRelationshipFeed is "cancelworkrelship": a work
	// relationship cancelled.
	CancelWorkRelationshipFeed Collection = "employee/cancelworkrelship"
	// PayrollFeed is "payupdate": assigned payroll created, updated or
	// deleted.
	PayrollFeed Collection = "employee/payupdate"
)

// The workstructures workspace's collections (Oracle's "Workstructures Atom
// Feeds"): each fires when the object is created, updated, corrected or
// deleted, or its flexfields change.
const (
	OrganizationsFeed Collection = "workstructures/organizations"
	JobsFeed          Collection = "workstructures/jobs"
	LocationsFeed     Collection = "workstructures/locations"
	PositionsFeed     Collection = "workstructures/positions"
	GradesFeed        Collection = "workstructures/grades"
)

// EmployeeFeeds returns the employee collections in the order a Sync hands
// out their events when timestamps tie: a work relationship is created
// (newhire) before its assignments, and ended (termination, cancellation)
// after them.
func EmployeeFeeds() []Collection {
	return []Collection{NewHireFeed, WorkRelationshipFeed, AssignmentFeed, PersonUpdateFeed,
		PayrollFeed, TerminationFeed, CancelWorkRelationshipFeed}
}

// WorkstructureFeeds returns the workstructures collections.
func WorkstructureFeeds() []Collection {
	return []Collection{OrganizationsFeed, LocationsFeed, JobsFeed, GradesFeed, PositionsFeed}
}

// AllFeeds returns the workstructures collections and then the employee
// ones: Oracle advises processing workstructure entries first, because
// employee data refers to them.
func AllFeeds() []Collection { return append(WorkstructureFeeds(), EmployeeFeeds()...) }

// Workspace returns the workspace part, e.g. "employee".
func (c Collection) Workspace() string {
	w, _, _ := strings.Cut(string(c), "/")
	return w
}

// Name returns the collection part, e.g. "newhire".
func (c Collection) Name() string {
	_, n, _ := strings.Cut(string(c), "/")
	return n
}

// check reports a collection that is not "workspace/name" in URL-safe
// letters.
func (c Collection) check() error {
	w, n, ok := strings.Cut(string(c), "/")
	if !ok || !pathSafe(w) || !pathSafe(n) {
		return invalidf("collection %q is not \"workspace/name\" (such as \"employee/newhire\")", string(c))
	}
	return nil
}

func pathSafe(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
