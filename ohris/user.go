package ohris

import (
	"fmt"
	"time"

	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/internal/opt"
)

// Date is a calendar date with no time zone. The flux file writes it as
// YYYY-MM-DD (AAAA-MM-JJ in the source document); the zero Date is written
// as an empty element.
type Date = civil.Date

// DateOf returns the day on which t falls in t's own location: convert t
// with t.In first to choose the tenant's zone (Europe/Paris for oHRis).
func DateOf(t time.Time) Date { return civil.DateOf(t) }

// ParseISODate parses a date written YYYY-MM-DD, the flux file's layout
// (AAAA-MM-JJ). A day that does not exist, such as 2024-02-30, is an error.
func ParseISODate(s string) (Date, error) {
	d, err := civil.ParseISO(s)
	if err != nil {
		return Date{}, fmt.Errorf("ohris: %w", err)
	}
	return d, nil
}

// Opt holds a value that may be "not given". The User fields that use it are
// the optional attributes oHRis updates on an existing user: a value not given
// is left out of the file, so oHRis keeps what it has, while a value given
// empty is written as an empty element, which clears it.
type Opt[T any] = opt.Value[T]

// Some returns a given Opt holding v, even when v is empty.
func Some[T any](v T) Opt[T] { return opt.Of(v) }

// Gender is the genre element: "male" or "female".
type Gender string

// The two genders the flux accepts.
const (
	Male   Gender = "male"
	Female Gender = "female"
)

// Module is one module element: an oHRis module to activate for the user.
type Module string

// The modules the flux accepts, with the oHRis module each one activates.
const (
	Absence       Module = "Absence"       // Absences
	Activity      Module = "Activity"      // Activités
	ExpenseReport Module = "ExpenseReport" // Notes de frais
	Payslip       Module = "Payslip"       // e-bulletins
	CET           Module = "CET"           // Compte épargne temps
	Time          Module = "Time"          // Temps
	Interview     Module = "Interview"     // Entretiens
	HRFile        Module = "HRFile"        // Suivi RH
)

// Service is one services/service element: a service (department) the user
// belongs to. The user inherits the right to view that service's planning.
type Service struct {
	LongName string // libellelong: the service's long label; mandatory
	Code     string // code: the service's short label; mandatory
}

// User is one utilisateur element of the flux file: one person who works in
// oHRis. The key that ties a User to the oHRis user is (Company,
// EmployeeNumber): an employee number is unique within a company, and two
// companies may use the same one. Login is unique across the whole tenant.
//
// Each field's comment starts with its XML element; "mandatory" fields must
// be non-empty. Text fields hold at most 255 characters, Login and Manager at
// most 180. The fields of type Opt are optional attributes that oHRis updates:
// see Opt for what "not given" means.
type User struct {
	EmployeeNumber string      // matricule: payroll employee number; mandatory; the key within Company
	LastName       string      // nom; mandatory
	FirstName      string      // prenom; mandatory
	Gender         Gender      // genre: Male or Female; mandatory
	Login          string      // login: the sign-in identifier; mandatory; at most 180 characters
	Email          Opt[string] // adresseMail: where workflow mail and reminders go
	ContractType   string      // typeContrat: must exist in oHRis (CDI, CDD, ...); mandatory
	Group          string      // groupe: must exist in oHRis; mandatory
	Company        string      // societe: short label of the company; must exist in oHRis; mandatory
	Services       []Service   // services/service: at least one
	ContractStart  Date        // dateDebutContrat: start of the current contract; mandatory
	ContractEnd    Opt[Date]   // dateFinContrat: end of the contract; the zero Date means none
	Manager        Opt[string] // responsable: the manager's login; at most 180 characters
	Cycle          string      // cycle: label of a work cycle that exists in oHRis
	CycleStart     Date        // dateAffectationCycle: the day from which Cycle applies
	Holidays       string      // joursFeries: label of a public-holiday calendar that exists in oHRis; used at creation only
	Modules        []Module    // modules/module: at least one
	Children       Opt[[]Date] // enfants/enfant: children's dates of birth
}

// Key returns the pair that identifies the user in oHRis.
func (u *User) Key() Key { return Key{Company: u.Company, EmployeeNumber: u.EmployeeNumber} }

// Key identifies a user in oHRis: an employee number within a company.
type Key struct {
	Company        string // societe
	EmployeeNumber string // matricule
}

// String returns the key as "matricule 1007, société SOC-A".
func (k Key) String() string {
	return "matricule " + k.EmployeeNumber + ", société " + k.Company
}
