package cmo

import (
	"time"

	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/internal/opt"
)

// Date is a calendar date with no time and no time zone. CMO writes it
// DD.MM.YYYY (DateLayout). The zero Date means "no date".
type Date = civil.Date

// Opt is a field that may be not given; the zero Opt is "not given". CMO
// leaves a field it is not sent unchanged, and sets (or clears) a field it is
// sent, even empty: Opt tells the two apart.
type Opt[T any] = opt.Value[T]

// Some returns a given Opt holding v, even when v is empty: Some("") clears a
// field in CMO where a zero Opt leaves it as it is.
func Some[T any](v T) Opt[T] { return opt.Of(v) }

// DateLayout is the layout of CMO dates, DD.MM.YYYY, in the notation of the
// time package. The seed: "all date fields must be in the format DD.MM.YYYY".
const DateLayout = "02.01.2006"

// ParseDMYDate parses a DD.MM.YYYY date, with two-digit day and month and a
// four-digit year. A day the month does not have (30.02.2024) is an error,
// never another day.
func ParseDMYDate(s string) (Date, error) { return civil.Parse(DateLayout, s) }

// DateOf returns the date on which t falls in t's location: DateOf(time.Now())
// is today where the program runs.
func DateOf(t time.Time) Date { return civil.DateOf(t) }

// FormatDMYDate formats d as DD.MM.YYYY; the zero Date formats as "".
func FormatDMYDate(d Date) string { return d.Format(DateLayout) }

// User is one <User> block of the HR import, with every field of the seed's
// "Fields to integrate" table. Only LoginName is always sent; every other
// field is sent only when given (see Opt), so that a partial update leaves
// the rest of the user as it is in CMO.
type User struct {
	// LoginName identifies the user; it is "used as a primary identifier
	// for matching to existing records". CMO creates a user whose LoginName
	// it does not know.
	LoginName string

	FirstName Opt[string] // required when the import creates the user
	LastName  Opt[string] // required when the import creates the user
	Password  Opt[string] // the user's CMO password; never logged
	Email     Opt[string]
	// UserRole must name an existing CMO role. Without a role the user has
	// no access to any functionality.
	UserRole       Opt[string]
	JobTitle       Opt[string]
	Classification Opt[string] // "employee or contractor"
	// ADLogin is the user's Active Directory login; the seed's example call
	// sends it, its field table does not list it.
	ADLogin Opt[string]
	Phone   Opt[string]
	Mobile  Opt[string]
	// EmailReminders and MobileAccess are sent as Yes or No (see
	// WithBoolWords).
	EmailReminders Opt[bool]
	MobileAccess   Opt[bool]
	// ManagerLoginNames are the CMO login names of the user's managers,
	// sent comma-separated in ManagerLoginName. Some([]string{}) clears them.
	ManagerLoginNames Opt[[]string]
	// UserGroups are CMO user groups, sent comma-separated in UserGroup.
	UserGroups Opt[[]string]
	// IsADUser marks an Active Directory (single sign-on) user.
	IsADUser       Opt[bool]
	ADUserObjectID Opt[string]
	// DeactivationStart starts the user's deactivation period (leave or
	// exit); DeactivationEnd ends it, and without it the user stays
	// deactivated. Some(Date{}) sends the field empty, which clears it.
	DeactivationStart Opt[Date]
	DeactivationEnd   Opt[Date]
	// Info holds the tenant's additional info fields, sent in this order
	// after the standard fields, each as an element named Name.
	Info []InfoField
	// Assignments are added to the user's assignments (in union with those
	// of the user groups). Some([]Assignment{}) sends an empty block, which
	// matters only to a tenant whose assignments are "fully redefined with
	// each web service call".
	Assignments Opt[[]Assignment]
}

// InfoField is one of a tenant's additional user info fields: an element of
// <User> that CMO maps to an additional info field. Leave it out of User.Info
// to leave the field unchanged; give it an empty Value to clear it.
type InfoField struct {
	Name  string
	Value string
}

// Assignment assigns the user, with a role, to an org unit or an entity (or
// both). Every name must match one that exists in CMO.
type Assignment struct {
	UserRole string
	OrgUnit  string
	Entity   string
}

// OrgUnit is one <OrgUnit> of the org units import, with every element of
// the seed's "Schema for Org Units". OrgName identifies it; the other fields
// are sent only when given.
type OrgUnit struct {
	OrgName       string
	OrgType       Opt[string] // must name an org type of the tenant
	OrgParentName Opt[string] // the parent org unit's OrgName
	ManagerName   Opt[string]
	ManagerEmail  Opt[string]
	ManagerPhone  Opt[string]
	Country       Opt[string]
	State         Opt[string]
	City          Opt[string]
	StreetAddress Opt[string]
	PostCode      Opt[string]
	Phone         Opt[string]
	Fax           Opt[string]
}

// Entity is one <Entity> of the entities feed (CmoAuditeeFeed), with every
// element of the seed's "Schema for Entities". EntityName identifies it; the
// other fields are sent only when given.
type Entity struct {
	EntityName   string
	EntityType   Opt[string]
	OrgUnit      Opt[string] // the OrgName of the entity's org unit
	City         Opt[string]
	Country      Opt[string]
	State        Opt[string]
	Street       Opt[string]
	PostCode     Opt[string]
	Description  Opt[string]
	ActiveStatus Opt[string]
	Contact      Opt[string]
	Email        Opt[string]
}

// The keys of the records: what CMO matches them by.
func userKey(u *User) string       { return u.LoginName }
func orgUnitKey(o *OrgUnit) string { return o.OrgName }
func entityKey(e *Entity) string   { return e.EntityName }

// A field describes one child element of a record of type R, for the
// encoder and the validator alike. Exactly one accessor is set.
type field[R any] struct {
	name string
	ref  bool // names something that must exist in CMO: never empty when given
	text func(*R) Opt[string]
	flag func(*R) Opt[bool]
	date func(*R) Opt[Date]
	list func(*R) Opt[[]string]
}

// userFields are the elements of <User> before the additional info fields
// and the Assignments, in the order of the seed's example call ("Example Web
// Service Call"). MobileAccess, which only the users schema shows, follows
// EmailReminders as it does there; DeactivationEnd, which only the field
// table lists, follows DeactivationStart.
var userFields = []field[User]{
	{name: "FirstName", text: func(u *User) Opt[string] { return u.FirstName }},
	{name: "LastName", text: func(u *User) Opt[string] { return u.LastName }},
	{name: "LoginName", text: func(u *User) Opt[string] { return Some(u.LoginName) }},
	{name: "Password", text: func(u *User) Opt[string] { return u.Password }},
	{name: "Email", text: func(u *User) Opt[string] { return u.Email }},
	{name: "UserRole", ref: true, text: func(u *User) Opt[string] { return u.UserRole }},
	{name: "JobTitle", text: func(u *User) Opt[string] { return u.JobTitle }},
	{name: "Classification", text: func(u *User) Opt[string] { return u.Classification }},
	{name: "ADLogin", text: func(u *User) Opt[string] { return u.ADLogin }},
	{name: "Phone", text: func(u *User) Opt[string] { return u.Phone }},
	{name: "Mobile", text: func(u *User) Opt[string] { return u.Mobile }},
	{name: "EmailReminders", flag: func(u *User) Opt[bool] { return u.EmailReminders }},
	{name: "MobileAccess", flag: func(u *User) Opt[bool] { return u.MobileAccess }},
	{name: "ManagerLoginName", ref: true, list: func(u *User) Opt[[]string] { return u.ManagerLoginNames }},
	{name: "UserGroup", ref: true, list: func(u *User) Opt[[]string] { return u.UserGroups }},
	{name: "IsADUser", flag: func(u *User) Opt[bool] { return u.IsADUser }},
	{name: "ADUserObjectID", text: func(u *User) Opt[string] { return u.ADUserObjectID }},
	{name: "DeactivationStart", date: func(u *User) Opt[Date] { return u.DeactivationStart }},
	{name: "DeactivationEnd", date: func(u *User) Opt[Date] { return u.DeactivationEnd }},
}

// orgUnitFields are the elements of <OrgUnit> in the order of the seed's org
// units schema.
var orgUnitFields = []field[OrgUnit]{
	{name: "OrgType", ref: true, text: func(o *OrgUnit) Opt[string] { return o.OrgType }},
	{name: "OrgParentName", ref: true, text: func(o *OrgUnit) Opt[string] { return o.OrgParentName }},
	{name: "OrgName", text: func(o *OrgUnit) Opt[string] { return Some(o.OrgName) }},
	{name: "ManagerName", text: func(o *OrgUnit) Opt[string] { return o.ManagerName }},
	{name: "ManagerEmail", text: func(o *OrgUnit) Opt[string] { return o.ManagerEmail }},
	{name: "ManagerPhone", text: func(o *OrgUnit) Opt[string] { return o.ManagerPhone }},
	{name: "Country", text: func(o *OrgUnit) Opt[string] { return o.Country }},
	{name: "State", text: func(o *OrgUnit) Opt[string] { return o.State }},
	{name: "City", text: func(o *OrgUnit) Opt[string] { return o.City }},
	{name: "StreetAddress", text: func(o *OrgUnit) Opt[string] { return o.StreetAddress }},
	{name: "PostCode", text: func(o *OrgUnit) Opt[string] { return o.PostCode }},
	{name: "Phone", text: func(o *OrgUnit) Opt[string] { return o.Phone }},
	{name: "Fax", text: func(o *OrgUnit) Opt[string] { return o.Fax }},
}

// entityFields are the elements of <Entity> in the order of the seed's XSD.
// Entities are encoded through the types generated from that XSD; this table
// serves validation.
var entityFields = []field[Entity]{
	{name: "EntityName", text: func(e *Entity) Opt[string] { return Some(e.EntityName) }},
	{name: "EntityType", ref: true, text: func(e *Entity) Opt[string] { return e.EntityType }},
	{name: "OrgUnit", ref: true, text: func(e *Entity) Opt[string] { return e.OrgUnit }},
	{name: "City", text: func(e *Entity) Opt[string] { return e.City }},
	{name: "Country", text: func(e *Entity) Opt[string] { return e.Country }},
	{name: "State", text: func(e *Entity) Opt[string] { return e.State }},
	{name: "Street", text: func(e *Entity) Opt[string] { return e.Street }},
	{name: "PostCode", text: func(e *Entity) Opt[string] { return e.PostCode }},
	{name: "Description", text: func(e *Entity) Opt[string] { return e.Description }},
	{name: "ActiveStatus", text: func(e *Entity) Opt[string] { return e.ActiveStatus }},
	{name: "Contact", text: func(e *Entity) Opt[string] { return e.Contact }},
	{name: "Email", text: func(e *Entity) Opt[string] { return e.Email }},
}
