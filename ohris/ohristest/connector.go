package ohristest

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/ohris"
)

// Retention is how long oHRis keeps an archived file.
const Retention = 32 * 24 * time.Hour

// Connector simulates the oHRis connector of one environment: its user base
// in memory, and Run, which processes the exchange space of a Server as the
// documentation says.
//
// It is written apart from ohris.Preview, rule by rule and user by user, so
// that a test can hold one against the other. It shares the checks of
// package ohris, which are the documentation's table.
type Connector struct {
	srv  *Server
	env  ohris.Env
	refs ohris.References

	mu       sync.Mutex
	accounts []*account // in creation order
	reports  []*RunReport
}

// account is a user of the base with the planning view rights it holds.
type account struct {
	ohris.Account
	viewRights []string
}

// NewConnector returns the connector of environment env (ohris.Prod or
// ohris.Test) on srv, with an empty user base. refs are the tenant's
// reference lists (contract types, groups, companies, cycles, calendars);
// refs.Logins is not used, the base's own logins are.
func NewConnector(srv *Server, env ohris.Env, refs ohris.References) *Connector {
	return &Connector{srv: srv, env: env, refs: refs}
}

// SetAccounts replaces the user base. Each account can view the plannings
// of its own services.
func (c *Connector) SetAccounts(as []ohris.Account) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.accounts = nil
	for _, a := range as {
		c.accounts = append(c.accounts, &account{Account: cloneAccount(a), viewRights: serviceCodes(a.Services)})
	}
}

// Accounts returns a copy of the user base, in creation order.
func (c *Connector) Accounts() []ohris.Account {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]ohris.Account, len(c.accounts))
	for i, a := range c.accounts {
		out[i] = cloneAccount(a.Account)
	}
	return out
}

// Account returns the account of key k.
func (c *Connector) Account(k ohris.Key) (ohris.Account, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a := c.find(k); a != nil {
		return cloneAccount(a.Account), true
	}
	return ohris.Account{}, false
}

// ViewRights returns the codes of the services whose planning the user of
// key k may view.
func (c *Connector) ViewRights(k ohris.Key) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a := c.find(k); a != nil {
		return slices.Clone(a.viewRights)
	}
	return nil
}

// GrantViewRight lets the user of key k view the planning of another
// service, as a manager would in oHRis.
func (c *Connector) GrantViewRight(k ohris.Key, code string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a := c.find(k); a != nil && !slices.Contains(a.viewRights, code) {
		a.viewRights = append(a.viewRights, code)
	}
}

// Reports returns the reports of every run so far.
func (c *Connector) Reports() []*RunReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.reports)
}

func (c *Connector) find(k ohris.Key) *account {
	for _, a := range c.accounts {
		if a.Key() == k {
			return a
		}
	}
	return nil
}

func (c *Connector) findLogin(login string) *account {
	for _, a := range c.accounts {
		if strings.EqualFold(a.Login, login) {
			return a
		}
	}
	return nil
}

// RunReport is the connector's report of one run.
type RunReport struct {
	At      time.Time // when the run started, by the server's clock
	Skipped bool      // not a working day: the connector runs Monday to Friday
	Failed  bool      // no file to process, or a file that cannot be read
	File    string    // the file processed

	Created, Updated, Unchanged, Deactivated, Reactivated, ServicesChanged, Ignored int

	// Errors is the error report, in French as oHRis writes it, one line
	// per problem.
	Errors []string
	// Archived lists the files moved from depot/<env>/ to archives/<env>/:
	// the one processed and any older one found beside it.
	Archived []string
	// Purged lists the archives deleted after 32 days.
	Purged []string
}

// String returns the report as a person reads it.
func (r *RunReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "run at %s", r.At.Format(time.RFC3339))
	switch {
	case r.Skipped:
		b.WriteString(": not a working day\n")
		return b.String()
	case r.Failed:
		b.WriteString(": FAILED\n")
	default:
		fmt.Fprintf(&b, ", %s: %d created, %d updated, %d unchanged, %d deactivated, %d reactivated, %d with services changed, %d ignored\n",
			r.File, r.Created, r.Updated, r.Unchanged, r.Deactivated, r.Reactivated, r.ServicesChanged, r.Ignored)
	}
	for _, e := range r.Errors {
		b.WriteString("  " + e + "\n")
	}
	return b.String()
}

// Run runs the connector once, at the time the server's clock gives; the
// run date is the clock's date in the clock's location, which stands for
// the tenant's time zone (Europe/Paris for oHRis). On
// Saturdays and Sundays it does nothing. Otherwise it deletes the archives
// older than 32 days; takes the newest flux file of depot/<env>/ (by the date
// in its name), or fails with an error naming the file it expected; applies
// each user of the file to the base; and moves the file, and any older flux
// file left beside it, to archives/<env>/. Files whose name is not a flux
// file name are left alone, so an upload in progress is never taken.
func (c *Connector) Run() *RunReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.srv.now()
	rep := &RunReport{At: now}
	defer func() { c.reports = append(c.reports, rep) }()
	if wd := now.Weekday(); wd == time.Saturday || wd == time.Sunday {
		rep.Skipped = true
		return rep
	}
	today := civil.DateOf(now)
	archives := path.Join("/", ohris.ArchivesDir, string(c.env))
	depot := path.Join("/", ohris.DepotDir, string(c.env))

	old, _ := c.srv.List(archives)
	for _, fi := range old {
		if now.Sub(fi.ModTime) > Retention {
			if c.srv.fs.remove(path.Join(archives, fi.Name)) == nil {
				rep.Purged = append(rep.Purged, fi.Name)
			}
		}
	}

	waiting, _ := c.srv.List(depot)
	var candidates []string
	for _, fi := range waiting {
		candidates = append(candidates, fi.Name)
	}
	name, _, ok := ohris.Newest(candidates)
	if !ok {
		rep.Failed = true
		rep.Errors = append(rep.Errors, "Aucun fichier à traiter : le fichier "+ohris.FileName(today)+" est absent de "+depot[1:]+"/")
		return rep
	}
	rep.File = name
	data, err := c.srv.fs.readFile(path.Join(depot, name))
	if err == nil {
		err = c.process(rep, data, today)
	}
	if err != nil {
		rep.Failed = true
		rep.Errors = append(rep.Errors, "Le fichier "+name+" est illisible : "+err.Error())
	}
	for _, n := range candidates {
		if _, err := ohris.ParseFileName(n); err == nil {
			if c.srv.fs.rename(path.Join(depot, n), path.Join(archives, n), true) == nil {
				c.srv.fs.touch(path.Join(archives, n))
				rep.Archived = append(rep.Archived, n)
			}
		}
	}
	return rep
}

// entry is a user of the file with what the reader found wrong with it.
type entry struct {
	u   ohris.User
	err error
}

// process applies the users of a file to the base. A file that cannot be
// read changes nothing.
func (c *Connector) process(rep *RunReport, data []byte, today ohris.Date) error {
	var entries []entry
	for u, err := range ohris.NewReader(bytes.NewReader(data)).Users() {
		if err != nil && !isValidation(err) {
			return err
		}
		entries = append(entries, entry{u, err})
	}
	refs := c.refs
	refs.Logins = nil
	for _, a := range c.accounts {
		refs.Logins = append(refs.Logins, a.Login)
	}
	check, err := ohris.Check(func(yield func(ohris.User, error) bool) {
		for _, e := range entries {
			if !yield(e.u, e.err) {
				return
			}
		}
	}, refs)
	if err != nil {
		return err
	}
	for _, p := range check.Problems {
		rep.Errors = append(rep.Errors, errorLine(p))
	}
	for i, e := range entries {
		if check.IsIgnored(i + 1) {
			rep.Ignored++
			continue
		}
		c.apply(rep, i+1, &e.u, today)
	}
	return nil
}

func isValidation(err error) bool {
	var ve *ohris.ValidationError
	return errors.As(err, &ve)
}

// errorLine writes a problem as a line of the error report.
func errorLine(p ohris.Problem) string {
	return fmt.Sprintf("Utilisateur %d (matricule %s, société %s) : %s (%s %s)",
		p.Index, p.EmployeeNumber, p.Company, p.Message(), p.Field, p.Reason)
}

// apply creates or updates the account of one valid user of the file.
func (c *Connector) apply(rep *RunReport, index int, u *ohris.User, today ohris.Date) {
	a := c.find(u.Key())
	if holder := c.findLogin(u.Login); holder != nil && holder != a {
		rep.Ignored++
		rep.Errors = append(rep.Errors, errorLine(ohris.Problem{Index: index, EmployeeNumber: u.EmployeeNumber,
			Company: u.Company, Login: u.Login, Field: "login", Value: u.Login,
			Reason: "est déjà l'identifiant d'un autre utilisateur"}))
		return
	}
	if a == nil {
		n := &account{Account: ohris.Account{User: *u}, viewRights: serviceCodes(u.Services)}
		n.Cycle, n.CycleStart = "", ohris.Date{}
		if u.Cycle != "" {
			n.Cycles = []ohris.CycleAssignment{{Cycle: u.Cycle, From: u.CycleStart}}
		}
		end, _ := u.ContractEnd.Get()
		n.Active = !u.ContractStart.After(today) && (end.IsZero() || !end.Before(today))
		c.accounts = append(c.accounts, n)
		rep.Created++
		return
	}
	changed := false
	set := func(dst *string, v string) {
		if *dst != v {
			*dst, changed = v, true
		}
	}
	set(&a.LastName, u.LastName)
	set(&a.FirstName, u.FirstName)
	set((*string)(&a.Gender), string(u.Gender))
	set(&a.Login, u.Login)
	set(&a.ContractType, u.ContractType)
	set(&a.Group, u.Group)
	if v, ok := u.Email.Get(); ok && a.Email.Or("") != v {
		a.Email, changed = ohris.Some(v), true
	}
	if v, ok := u.Manager.Get(); ok && a.Manager.Or("") != v {
		a.Manager, changed = ohris.Some(v), true
	}
	if a.ContractStart != u.ContractStart {
		a.ContractStart, changed = u.ContractStart, true
	}
	if d, ok := u.ContractEnd.Get(); ok && a.ContractEnd.Or(ohris.Date{}) != d {
		a.ContractEnd, changed = ohris.Some(d), true
	}
	if !sameSet(serviceCodes(a.Services), serviceCodes(u.Services)) {
		// A change of service: the rights to view other services go, the
		// user can view its new services.
		a.viewRights = serviceCodes(u.Services)
		rep.ServicesChanged++
	}
	if !sameSet(serviceLabels(a.Services), serviceLabels(u.Services)) {
		a.Services, changed = slices.Clone(u.Services), true
	}
	if !sameSet(modules(a.Modules), modules(u.Modules)) {
		a.Modules, changed = slices.Clone(u.Modules), true
	}
	if ds, ok := u.Children.Get(); ok && !sameSet(dates(a.Children.Or(nil)), dates(ds)) {
		a.Children, changed = ohris.Some(slices.Clone(ds)), true
	}
	if u.Cycle != "" {
		assigned := false
		for _, ca := range a.Cycles {
			assigned = assigned || ca.From == u.CycleStart
		}
		if !assigned {
			a.Cycles, changed = append(a.Cycles, ohris.CycleAssignment{Cycle: u.Cycle, From: u.CycleStart}), true
		}
	}
	// joursFeries is applied at creation only.
	end := a.ContractEnd.Or(ohris.Date{})
	switch {
	case a.Active && !end.IsZero() && end.Before(today):
		a.Active, changed = false, true
		rep.Deactivated++
	case !a.Active && !a.ContractStart.After(today) && (end.IsZero() || !end.Before(today)):
		a.Active, changed = true, true
		rep.Reactivated++
	}
	if changed {
		rep.Updated++
	} else {
		rep.Unchanged++
	}
}

func serviceCodes(ss []ohris.Service) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Code
	}
	return out
}

func serviceLabels(ss []ohris.Service) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Code + "\x00" + s.LongName
	}
	return out
}

func modules(ms []ohris.Module) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = string(m)
	}
	return out
}

func dates(ds []ohris.Date) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

// sameSet reports whether a and b hold the same values, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func cloneAccount(a ohris.Account) ohris.Account {
	a.Services = slices.Clone(a.Services)
	a.Modules = slices.Clone(a.Modules)
	a.Cycles = slices.Clone(a.Cycles)
	if ds, ok := a.Children.Get(); ok {
		a.Children = ohris.Some(slices.Clone(ds))
	}
	return a
}
