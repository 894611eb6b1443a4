package ohris

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Lengths the source document gives: varchar(255) for text, varchar(180) for
// login and responsable. They count characters, not bytes.
const (
	maxText  = 255
	maxLogin = 180
)

// References holds the values of the tenant's reference lists. The flux does
// not create contract types, groups, companies, work cycles nor holiday
// calendars: a user that names one oHRis does not have is rejected. A nil or
// empty list is not checked.
type References struct {
	ContractTypes []string // typeContrat values defined in oHRis
	Groups        []string // groupe values
	Companies     []string // societe short labels
	Cycles        []string // cycle labels
	Holidays      []string // joursFeries calendar labels
	// ManagersMustExist turns on a rule the source document does not have:
	// a responsable must be the login of a user of the file that is not
	// itself ignored, or one of Logins, and a user whose responsable is
	// ignored is ignored too, in cascade. The document lists responsable as
	// optional and says only that the connector makes the responsable the
	// validator of each module; what oHRis does with a responsable it does
	// not know is not documented. Turn it on for a tenant seen to reject
	// such users. Off by default.
	ManagersMustExist bool
	// Logins of the users oHRis already has: with ManagersMustExist, a
	// responsable may name one of them as well as a user of the file.
	Logins []string
}

// Problem is one reason why oHRis would ignore a user of the file.
type Problem struct {
	Index          int    // position of the user in the file, from 1
	EmployeeNumber string // matricule of the user, as given
	Company        string // societe of the user, as given
	Login          string // login of the user, as given
	Field          string // element at fault, such as "genre" or "services/service[2]/code"
	Value          string // the value at fault, "" when it is absent
	Reason         string // what is wrong with it, in English
}

// Message returns the problem as oHRis reports it in its error report.
func (p Problem) Message() string {
	return "La valeur " + p.Field + " est absente ou incorrecte - l'utilisateur est ignoré"
}

// String returns the problem in English, naming the user and the field.
func (p Problem) String() string {
	return fmt.Sprintf("user %d (matricule %q, société %q, login %q): %s %s", p.Index,
		p.EmployeeNumber, p.Company, p.Login, p.Field, p.Reason)
}

// Report lists the problems found in a flux file, user by user.
type Report struct {
	Users    int       // users looked at
	Problems []Problem // in file order; a user may have several
}

// OK reports whether no user has a problem.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// IsIgnored reports whether the user at position index (from 1) has a
// problem, and so would be ignored by oHRis.
func (r *Report) IsIgnored(index int) bool {
	_, found := slices.BinarySearchFunc(r.Problems, index, func(p Problem, i int) int { return p.Index - i })
	return found
}

// Ignored returns the number of users that have at least one problem.
func (r *Report) Ignored() int {
	n, last := 0, 0
	for _, p := range r.Problems {
		if p.Index != last {
			n, last = n+1, p.Index
		}
	}
	return n
}

// String returns one line per problem, in English with oHRis's French
// message beside it.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d users, %d ignored\n", r.Users, r.Ignored())
	for _, p := range r.Problems {
		b.WriteString(p.String())
		b.WriteString(" — ")
		b.WriteString(p.Message())
		b.WriteByte('\n')
	}
	return b.String()
}

// ValidationError reports users that fail the checks. It matches ErrInvalid
// with errors.Is.
type ValidationError struct {
	Report *Report
}

// maxListed bounds how many problems an error message lists.
const maxListed = 5

func (e *ValidationError) Error() string {
	ps := e.Report.Problems
	var b strings.Builder
	fmt.Fprintf(&b, "ohris: %d of %d users fail the checks: ", e.Report.Ignored(), e.Report.Users)
	for i, p := range ps[:min(len(ps), maxListed)] {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	if len(ps) > maxListed {
		fmt.Fprintf(&b, "; and %d more problems", len(ps)-maxListed)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// problems lists what is wrong with u alone, the user at position index.
// It does not look at other users nor at the reference lists. It allocates
// nothing for a user without problems.
func (u *User) problems(index int) []Problem {
	c := userCheck{index: index, matricule: u.EmployeeNumber, company: u.Company, login: u.Login}
	c.text(elMatricule, u.EmployeeNumber, maxText, true)
	c.text(elNom, u.LastName, maxText, true)
	c.text(elPrenom, u.FirstName, maxText, true)
	if u.Gender != Male && u.Gender != Female {
		c.add(elGenre, string(u.Gender), `is not "male" or "female"`)
	}
	c.text(elLogin, u.Login, maxLogin, true)
	if v, ok := u.Email.Get(); ok {
		c.text(elAdresseMail, v, maxText, false)
	}
	c.text(elTypeContrat, u.ContractType, maxText, true)
	c.text(elGroupe, u.Group, maxText, true)
	c.text(elSociete, u.Company, maxText, true)
	if len(u.Services) == 0 {
		c.add(elServices, "", "holds no service")
	}
	for i, s := range u.Services {
		if r := textReason(s.LongName, maxText, true); r != "" {
			c.add(itemField(elServices, elService, i)+"/"+elLibelleLong, s.LongName, r)
		}
		if r := textReason(s.Code, maxText, true); r != "" {
			c.add(itemField(elServices, elService, i)+"/"+elCode, s.Code, r)
		}
	}
	c.date(elDateDebutContrat, u.ContractStart, true)
	if d, ok := u.ContractEnd.Get(); ok {
		c.date(elDateFinContrat, d, false)
	}
	if v, ok := u.Manager.Get(); ok {
		c.text(elResponsable, v, maxLogin, false)
	}
	c.text(elCycle, u.Cycle, maxText, false)
	c.date(elDateAffectationCycle, u.CycleStart, false)
	if u.Cycle != "" && u.CycleStart.IsZero() {
		c.add(elDateAffectationCycle, "", "is missing: the cycle applies from that date")
	}
	c.text(elJoursFeries, u.Holidays, maxText, false)
	if len(u.Modules) == 0 {
		c.add(elModules, "", "holds no module")
	}
	for i, m := range u.Modules {
		if !m.valid() {
			c.add(itemField(elModules, elModule, i), string(m),
				"is not one of Absence, Activity, ExpenseReport, Payslip, CET, Time, Interview, HRFile")
		}
	}
	if ds, ok := u.Children.Get(); ok {
		for i, d := range ds {
			if v, r := dateReason(d, true); r != "" {
				c.add(itemField(elEnfants, elEnfant, i), v, r)
			}
		}
	}
	return c.ps
}

// itemField names the i-th (from 0) item of a list element, as
// "services/service[2]".
func itemField(list, item string, i int) string {
	return list + "/" + item + "[" + strconv.Itoa(i+1) + "]"
}

// valid reports whether m is one of the modules the flux accepts.
func (m Module) valid() bool {
	switch m {
	case Absence, Activity, ExpenseReport, Payslip, CET, Time, Interview, HRFile:
		return true
	}
	return false
}

// userCheck gathers the problems of one user.
type userCheck struct {
	index                     int
	matricule, company, login string
	ps                        []Problem
}

func (c *userCheck) add(field, value, reason string) {
	c.ps = append(c.ps, Problem{Index: c.index, EmployeeNumber: c.matricule, Company: c.company,
		Login: c.login, Field: field, Value: value, Reason: reason})
}

func (c *userCheck) text(field, v string, max int, mandatory bool) {
	if r := textReason(v, max, mandatory); r != "" {
		c.add(field, v, r)
	}
}

func (c *userCheck) date(field string, d Date, mandatory bool) {
	if v, r := dateReason(d, mandatory); r != "" {
		c.add(field, v, r)
	}
}

// textReason returns what is wrong with a text value, or "".
func textReason(v string, max int, mandatory bool) string {
	switch {
	case v == "":
		if mandatory {
			return "is missing"
		}
	case !utf8.ValidString(v):
		return "is not valid UTF-8"
	case len(v) > max && utf8.RuneCountInString(v) > max:
		return "is longer than " + strconv.Itoa(max) + " characters"
	default:
		if i := strings.IndexFunc(v, notXMLChar); i >= 0 {
			r, _ := utf8.DecodeRuneInString(v[i:])
			return fmt.Sprintf("holds %U at byte %d, which XML cannot carry", r, i)
		}
	}
	return ""
}

// dateReason returns what is wrong with a date, or "", with the date as
// text for the report.
func dateReason(d Date, mandatory bool) (value, reason string) {
	switch {
	case d.IsZero():
		if mandatory {
			return "", "is missing"
		}
	case !d.IsValid():
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day), "is not a real day"
	case d.Year < 1 || d.Year > 9999:
		return d.String(), "does not have a four-digit year (YYYY-MM-DD)"
	}
	return "", ""
}

// notXMLChar reports whether r is outside XML 1.0's Char production.
func notXMLChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return false
	case r < 0x20:
		return true
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return true
	}
	return r > 0x10FFFF
}

// Check runs every check of the source document over the users of a file, in
// file order: each user's own attributes, the reference lists when refs has
// them, and the rules across users: a login is used once in the whole file
// (compared without regard to case) and an employee number once within a
// company; with refs.ManagersMustExist, also the responsable rule (see
// References).
//
// Users that oHRis would ignore are listed in the report; the error is for
// failures of users itself. A *ValidationError that users yields (as Reader
// does for a date it cannot read) counts as that user's problems. Check keeps
// only the keys and logins of the users, not the users.
func Check(users iter.Seq2[User, error], refs References) (*Report, error) {
	ck := newChecker(refs)
	i := 0
	for u, err := range users {
		i++
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				return ck.finish(i - 1), fmt.Errorf("ohris: user %d: %w", i, err)
			}
			ck.add(i, &u, ve.Report.Problems)
			continue
		}
		ck.add(i, &u, nil)
	}
	return ck.finish(i), nil
}

// Users returns an iterator over us, for the functions that take a file's
// users as an iterator.
func Users(us []User) iter.Seq2[User, error] {
	return func(yield func(User, error) bool) {
		for _, u := range us {
			if !yield(u, nil) {
				return
			}
		}
	}
}

// checker holds what the rules across users need of each user.
type checker struct {
	managers  bool                       // refs.ManagersMustExist
	refs      map[string]map[string]bool // element → allowed values
	logins    map[string]bool            // refs.Logins
	recs      []userRec                  // by index-1
	sparse    map[int32]*userRec         // by index, the few users checkTwice keeps; nil for Check
	byLogin   map[string]int32           // exact login → index of its first user
	loginFold map[string]int32           // lower-case login → index of its first user
	keyFold   map[Key]int32              // lower-case key → index of its first user
	problems  []Problem
}

type userRec struct {
	matricule, company, login, manager string
	hasManager, bad                    bool
}

func newChecker(refs References) *checker {
	ck := &checker{
		managers:  refs.ManagersMustExist,
		refs:      map[string]map[string]bool{},
		logins:    setOf(refs.Logins),
		byLogin:   map[string]int32{},
		loginFold: map[string]int32{},
		keyFold:   map[Key]int32{},
	}
	for el, list := range map[string][]string{elTypeContrat: refs.ContractTypes, elGroupe: refs.Groups,
		elSociete: refs.Companies, elCycle: refs.Cycles, elJoursFeries: refs.Holidays} {
		if len(list) > 0 {
			ck.refs[el] = setOf(list)
		}
	}
	return ck
}

func setOf(list []string) map[string]bool {
	s := make(map[string]bool, len(list))
	for _, v := range list {
		s[v] = true
	}
	return s
}

// add records the user at position index with the problems its source
// reported, and checks it alone.
func (ck *checker) add(index int, u *User, given []Problem) {
	ps := ck.own(index, u, given)
	mgr, hasMgr := u.Manager.Get()
	ck.recs = append(ck.recs, userRec{matricule: u.EmployeeNumber, company: u.Company, login: u.Login,
		manager: mgr, bad: len(ps) > 0,
		hasManager: hasMgr && mgr != "" && !slices.ContainsFunc(ps, func(p Problem) bool { return p.Field == elResponsable })})
	ck.problems = append(ck.problems, ps...)
	at := int32(index)
	if u.Login != "" {
		if _, ok := ck.byLogin[u.Login]; !ok {
			ck.byLogin[u.Login] = at
		}
		ck.sameLogin(at, u.Login)
	}
	if u.EmployeeNumber != "" && u.Company != "" {
		ck.sameKey(at, u.Company, u.EmployeeNumber)
	}
}

// own returns the problems of the user at position index alone and against
// the reference lists, after those its source gave.
func (ck *checker) own(index int, u *User, given []Problem) []Problem {
	var ps []Problem
	var seen map[string]bool
	if len(given) > 0 {
		seen = map[string]bool{}
	}
	for _, p := range given {
		p.Index = index
		ps = append(ps, p)
		seen[p.Field] = true
	}
	for _, p := range u.problems(index) {
		if !seen[p.Field] {
			ps = append(ps, p)
		}
	}
	c := userCheck{index: index, matricule: u.EmployeeNumber, company: u.Company, login: u.Login, ps: ps}
	for _, ref := range []struct{ el, v string }{{elTypeContrat, u.ContractType}, {elGroupe, u.Group},
		{elSociete, u.Company}, {elCycle, u.Cycle}, {elJoursFeries, u.Holidays}} {
		if allowed, ok := ck.refs[ref.el]; ok && ref.v != "" && !allowed[ref.v] && !seen[ref.el] {
			c.add(ref.el, ref.v, "is not defined in oHRis (the flux does not create it)")
		}
	}
	return c.ps
}

// sameLogin records a user's login, compared without regard to case, and
// reports it when an earlier user has it.
func (ck *checker) sameLogin(at int32, login string) {
	fold := strings.ToLower(login)
	if first, ok := ck.loginFold[fold]; ok {
		ck.duplicate(first, at, elLogin, "login", func(r *userRec) string { return r.login })
	} else {
		ck.loginFold[fold] = at
	}
}

// sameKey does for the key (société, matricule) what sameLogin does.
func (ck *checker) sameKey(at int32, company, matricule string) {
	k := Key{Company: strings.ToLower(company), EmployeeNumber: strings.ToLower(matricule)}
	if first, ok := ck.keyFold[k]; ok {
		ck.duplicate(first, at, elMatricule, "matricule within its société",
			func(r *userRec) string { return r.matricule })
	} else {
		ck.keyFold[k] = at
	}
}

// rec returns what is kept of the user at position i.
func (ck *checker) rec(i int32) *userRec {
	if ck.sparse != nil {
		return ck.sparse[i]
	}
	return &ck.recs[i-1]
}

// duplicate records that the user at position at repeats a value of the
// user at position first. Both are ignored: nothing tells which one is right.
func (ck *checker) duplicate(first, at int32, field, what string, value func(*userRec) string) {
	ck.problem(first, field, value(ck.rec(first)), fmt.Sprintf("is also the %s of user %d", what, at))
	ck.problem(at, field, value(ck.rec(at)), fmt.Sprintf("is also the %s of user %d", what, first))
}

func (ck *checker) problem(index int32, field, value, reason string) {
	r := ck.rec(index)
	r.bad = true
	ck.problems = append(ck.problems, Problem{Index: int(index), EmployeeNumber: r.matricule,
		Company: r.company, Login: r.login, Field: field, Value: value, Reason: reason})
}

// finish applies the responsable rule, which needs every user, when it is
// on, and sorts the problems in file order.
func (ck *checker) finish(n int) *Report {
	if !ck.managers {
		slices.SortStableFunc(ck.problems, func(a, b Problem) int { return a.Index - b.Index })
		return &Report{Users: n, Problems: ck.problems}
	}
	dependents := map[string][]int32{}
	var work []int32
	for i := range ck.recs {
		r := &ck.recs[i]
		if r.hasManager && !ck.logins[r.manager] {
			if _, ok := ck.byLogin[r.manager]; ok {
				dependents[r.manager] = append(dependents[r.manager], int32(i+1))
			} else {
				ck.problem(int32(i+1), elResponsable, r.manager, "names a login that is neither in the file nor in oHRis")
			}
		}
		if r.bad {
			work = append(work, int32(i+1))
		}
	}
	// A user whose manager is ignored is ignored too, when the manager is
	// not already in oHRis: oHRis would not find the manager.
	for len(work) > 0 {
		at := work[len(work)-1]
		work = work[:len(work)-1]
		login := ck.recs[at-1].login
		if ck.byLogin[login] != at {
			continue
		}
		for _, j := range dependents[login] {
			if !ck.recs[j-1].bad {
				ck.problem(j, elResponsable, login, fmt.Sprintf("names user %d, which is ignored", at))
				work = append(work, j)
			}
		}
	}
	slices.SortStableFunc(ck.problems, func(a, b Problem) int { return a.Index - b.Index })
	return &Report{Users: n, Problems: ck.problems}
}
