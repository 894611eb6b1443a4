package ohris

import (
	"fmt"
	"iter"
	"slices"
	"strings"
)

// Account is a user as oHRis holds it today, for Preview.
type Account struct {
	// User holds the attributes oHRis has. Its Cycle and CycleStart are
	// not read: Cycles holds the user's cycle assignments.
	User
	Active bool              // whether the account is active
	Cycles []CycleAssignment // work cycles assigned to the user
}

// CycleAssignment is a work cycle assigned to a user from a date.
type CycleAssignment struct {
	Cycle string
	From  Date
}

// Action is what the connector does with one user of the file.
type Action string

// The actions of the connector.
const (
	Create    Action = "create"    // the key is unknown to oHRis: a new user
	Update    Action = "update"    // the user exists and something changes
	Unchanged Action = "unchanged" // the user exists and nothing changes
	Ignore    Action = "ignore"    // the user fails a check: not created, updated nor deactivated
)

// Change is one attribute that an update changes.
type Change struct {
	Field string // element name, such as "nom" or "services"
	Old   string // value in oHRis
	New   string // value in the file
}

// Outcome is what the connector will do with one user of the file.
type Outcome struct {
	Index  int    // position of the user in the file, from 1
	Key    Key    // societe and matricule
	Login  string // login in the file
	Action Action
	// Changes lists, for an update, the attributes that differ.
	Changes []Change
	// Active tells whether the account is active after the run.
	Active bool
	// Deactivate: an active account whose contract ended strictly before
	// the run date is deactivated.
	Deactivate bool
	// Reactivate: an inactive account with a contract in progress on the
	// run date (start <= run date <= end) is reactivated.
	Reactivate bool
	// ServicesChanged: the user's services change, so oHRis withdraws the
	// rights to view other services' plannings and gives the right to view
	// the new ones.
	ServicesChanged bool
	// Problems tells, for a user that is ignored, why.
	Problems []Problem
}

// String describes the outcome on one line.
func (o Outcome) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s user %d (%s, login %s)", o.Action, o.Index, o.Key, o.Login)
	var notes []string
	for _, c := range o.Changes {
		notes = append(notes, fmt.Sprintf("%s %q → %q", c.Field, c.Old, c.New))
	}
	switch {
	case o.Deactivate:
		notes = append(notes, "deactivated: the contract ended before the run date")
	case o.Reactivate:
		notes = append(notes, "reactivated: the contract is in progress")
	case o.Action == Create && !o.Active:
		notes = append(notes, "created inactive: no contract in progress on the run date")
	}
	if o.ServicesChanged {
		notes = append(notes, "services changed: view rights on other services withdrawn")
	}
	for _, p := range o.Problems {
		notes = append(notes, p.Field+" "+p.Reason+" ("+p.Message()+")")
	}
	if len(notes) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(notes, "; "))
	}
	return b.String()
}

// PreviewParams configures Preview.
type PreviewParams struct {
	// RunDate is the day the connector runs ("le jour J"): contracts are
	// judged ended or in progress on that day.
	RunDate Date
	// References are the tenant's reference lists. The logins of the
	// current accounts are added to References.Logins.
	References References
}

// PreviewReport is what the connector will do with a file, user by user.
type PreviewReport struct {
	RunDate  Date
	Outcomes []Outcome // one per user of the file, in file order
	// NotInFile lists the accounts that the file does not name; the flux
	// leaves them as they are (it deactivates only by end of contract).
	NotInFile []Key
	// Report is the result of the checks.
	Report *Report
}

// Count returns the number of outcomes with action a.
func (r *PreviewReport) Count(a Action) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Action == a {
			n++
		}
	}
	return n
}

// accounts says "1 account", "2 accounts".
func accounts(n int) string {
	if n == 1 {
		return "1 account"
	}
	return fmt.Sprintf("%d accounts", n)
}

// String returns a summary line and one line per user that the run
// changes or ignores.
func (r *PreviewReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "run of %s: %d to create, %d to update, %d unchanged, %d to ignore; %s not in the file\n",
		r.RunDate, r.Count(Create), r.Count(Update), r.Count(Unchanged), r.Count(Ignore), accounts(len(r.NotInFile)))
	for _, o := range r.Outcomes {
		if o.Action != Unchanged {
			b.WriteString(o.String())
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Preview tells what the oHRis connector will do with a file on
// p.RunDate, given the accounts oHRis has: which users it creates (key
// unknown in that société), updates (and which attributes), deactivates
// (end of contract strictly before the run date), reactivates (inactive
// with a contract in progress), whose services change, and which it
// ignores and why. It ranges over file once and holds its users in memory.
//
// Rules the source document leaves open, chosen here: an attribute not
// given in the file (see Opt) is left as it is; joursFeries is applied at
// creation only; a cycle is assigned when no assignment starts on
// dateAffectationCycle; a login that another account holds makes the user
// ignored.
func Preview(file iter.Seq2[User, error], current []Account, p PreviewParams) (*PreviewReport, error) {
	byKey := make(map[Key]*Account, len(current))
	byLogin := make(map[string]*Account, len(current))
	refs := p.References
	refs.Logins = slices.Clip(refs.Logins)
	for i := range current {
		a := &current[i]
		byKey[a.Key()] = a
		byLogin[strings.ToLower(a.Login)] = a
		refs.Logins = append(refs.Logins, a.Login)
	}
	var users []User
	rep, err := Check(func(yield func(User, error) bool) {
		for u, err := range file {
			users = append(users, u)
			if !yield(u, err) {
				return
			}
		}
	}, refs)
	if err != nil {
		return nil, err
	}
	out := &PreviewReport{RunDate: p.RunDate, Report: rep, Outcomes: make([]Outcome, 0, len(users))}
	named := make(map[Key]bool, len(users))
	next := 0
	for i := range users {
		u := &users[i]
		o := Outcome{Index: i + 1, Key: u.Key(), Login: u.Login}
		named[o.Key] = true
		for next < len(rep.Problems) && rep.Problems[next].Index == o.Index {
			o.Problems = append(o.Problems, rep.Problems[next])
			next++
		}
		a := byKey[o.Key]
		if other := byLogin[strings.ToLower(u.Login)]; other != nil && other != a {
			o.Problems = append(o.Problems, Problem{Index: o.Index, EmployeeNumber: u.EmployeeNumber,
				Company: u.Company, Login: u.Login, Field: elLogin, Value: u.Login,
				Reason: "is the login of another oHRis user (" + other.Key().String() + ")"})
		}
		switch {
		case len(o.Problems) > 0:
			o.Action = Ignore
			if a != nil {
				o.Active = a.Active
			}
		case a == nil:
			o.Action, o.Active = Create, inProgress(u.ContractStart, u.ContractEnd.Or(Date{}), p.RunDate)
		default:
			previewUpdate(&o, u, a, p.RunDate)
		}
		out.Outcomes = append(out.Outcomes, o)
	}
	for i := range current {
		if k := current[i].Key(); !named[k] {
			out.NotInFile = append(out.NotInFile, k)
		}
	}
	return out, nil
}

// inProgress reports whether a contract from start to end (zero: open)
// is in progress on day.
func inProgress(start, end, day Date) bool {
	return !start.After(day) && (end.IsZero() || !end.Before(day))
}

// previewUpdate fills o for a valid user u of the file whose account is a.
func previewUpdate(o *Outcome, u *User, a *Account, run Date) {
	var ch []Change
	diff := func(field, old, new string) {
		if old != new {
			ch = append(ch, Change{Field: field, Old: old, New: new})
		}
	}
	diff(elNom, a.LastName, u.LastName)
	diff(elPrenom, a.FirstName, u.FirstName)
	diff(elGenre, string(a.Gender), string(u.Gender))
	diff(elLogin, a.Login, u.Login)
	if v, ok := u.Email.Get(); ok {
		diff(elAdresseMail, a.Email.Or(""), v)
	}
	diff(elTypeContrat, a.ContractType, u.ContractType)
	diff(elGroupe, a.Group, u.Group)
	diff(elServices, servicesText(a.Services), servicesText(u.Services))
	diff(elDateDebutContrat, a.ContractStart.String(), u.ContractStart.String())
	end := a.ContractEnd.Or(Date{})
	if d, ok := u.ContractEnd.Get(); ok {
		diff(elDateFinContrat, end.String(), d.String())
		end = d
	}
	if v, ok := u.Manager.Get(); ok {
		diff(elResponsable, a.Manager.Or(""), v)
	}
	if u.Cycle != "" && !slices.ContainsFunc(a.Cycles, func(c CycleAssignment) bool { return c.From == u.CycleStart }) {
		ch = append(ch, Change{Field: elCycle, New: u.Cycle + " from " + u.CycleStart.String()})
	}
	diff(elModules, modulesText(a.Modules), modulesText(u.Modules))
	if ds, ok := u.Children.Get(); ok {
		diff(elEnfants, datesText(a.Children.Or(nil)), datesText(ds))
	}
	o.Changes = ch
	o.ServicesChanged = codesText(a.Services) != codesText(u.Services)
	o.Active = a.Active
	switch {
	case a.Active && !end.IsZero() && end.Before(run):
		o.Deactivate, o.Active = true, false
	case !a.Active && inProgress(u.ContractStart, end, run):
		o.Reactivate, o.Active = true, true
	}
	o.Action = Unchanged
	if len(ch) > 0 || o.Deactivate || o.Reactivate {
		o.Action = Update
	}
}

// servicesText, modulesText, datesText and codesText write lists in a
// canonical order, so that the order in the file does not count as a change.
func servicesText(ss []Service) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.Code + " (" + s.LongName + ")"
	}
	return sortedJoin(parts)
}

func codesText(ss []Service) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.Code
	}
	return sortedJoin(parts)
}

func modulesText(ms []Module) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return sortedJoin(parts)
}

func datesText(ds []Date) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return sortedJoin(parts)
}

func sortedJoin(parts []string) string {
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ", ")
}
