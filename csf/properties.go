package csf

import (
	"strings"

	um "github.com/hrbridge/hrbridge/csf/internal/usermanager"
)

// Operation says what an update does with a property's values.
type Operation string

// The operation types of the seed.
const (
	// OverWrite replaces the existing values with the new ones.
	OverWrite Operation = "OverWrite"
	// Append adds values to the existing ones (multi-valued properties).
	Append Operation = "Append"
	// Remove removes the property. With values, only those values are
	// removed (inferred from LDAP's delete; the seed does not say).
	Remove Operation = "Remove"
	// Clear removes all the values of the property.
	Clear Operation = "Clear"
)

// Names of user properties. The first ones are those the seed's samples
// show; the others are the Active Directory attribute names a directory
// behind CSF holds (inferred: the seed names no more). Property names are
// matched without regard to case, as Active Directory does.
const (
	PropCompany        = "company"        // seed: CreateUser, UpdateUser
	PropStreetAddress  = "streetAddress"  // seed: CreateUser, UpdateUser
	PropDisplayName    = "displayname"    // seed: ReadUser
	PropAddress        = "address"        // seed: ReadUser
	PropSAMAccountName = "samaccountname" // seed: ReadUsers, UpdateUsers filter
	PropOtherHomePhone = "otherHomePhone" // seed: UpdateUsers, multi-valued
	PropObjectCategory = "objectCategory" // seed: filters ("person")
	PropObjectClass    = "objectClass"    // seed: filters ("user")

	PropGivenName       = "givenName"       // inferred (Active Directory)
	PropSurname         = "sn"              // inferred (Active Directory)
	PropMail            = "mail"            // inferred (Active Directory)
	PropTelephoneNumber = "telephoneNumber" // inferred (Active Directory)
	PropMobile          = "mobile"          // inferred (Active Directory)
	PropTitle           = "title"           // inferred (Active Directory)
	PropDepartment      = "department"      // inferred (Active Directory)
	PropEmployeeID      = "employeeID"      // inferred (Active Directory)
)

// Property is one property of a user: its name, its values (several for a
// multi-valued property) and, in an update, what to do with them.
type Property struct {
	Name   string
	Values []string
	// Op is the operation of an update; empty in what CSF returns.
	Op Operation
}

// Properties is a user's property table. Its methods build one for an
// update, each returning the table with a property added:
//
//	props := csf.Properties{}.
//		Set(csf.PropCompany, "Amazon").
//		Append(csf.PropOtherHomePhone, "111", "222").
//		Clear(csf.PropStreetAddress)
//
// Properties CSF returns that this package has no name for are kept as they
// came.
type Properties []Property

// Set replaces the values of the property name (OverWrite).
func (p Properties) Set(name string, values ...string) Properties {
	return append(p, Property{Name: name, Values: values, Op: OverWrite})
}

// Append adds values to the multi-valued property name.
func (p Properties) Append(name string, values ...string) Properties {
	return append(p, Property{Name: name, Values: values, Op: Append})
}

// Remove removes the property name, or only the given values of it.
func (p Properties) Remove(name string, values ...string) Properties {
	return append(p, Property{Name: name, Values: values, Op: Remove})
}

// Clear removes every value of the property name.
func (p Properties) Clear(name string) Properties {
	return append(p, Property{Name: name, Op: Clear})
}

// Get returns the first value of the property name (matched without regard
// to case), and whether the table has it.
func (p Properties) Get(name string) (string, bool) {
	for _, q := range p {
		if strings.EqualFold(q.Name, name) {
			if len(q.Values) == 0 {
				return "", true
			}
			return q.Values[0], true
		}
	}
	return "", false
}

// Values returns every value of the property name, or nil.
func (p Properties) Values(name string) []string {
	for _, q := range p {
		if strings.EqualFold(q.Name, name) {
			return q.Values
		}
	}
	return nil
}

// names returns the property names to read as a table, in the first shape
// (ReadUser): one element per name, with the OperationType of the seed's
// sample.
func namesTable(names []string) *um.PropertyTable {
	if len(names) == 0 {
		return nil
	}
	t := &um.ArrayOfPropertyElement{}
	for _, n := range names {
		op := um.OperationTypeOverWrite
		t.PropertyElement = append(t.PropertyElement, &um.PropertyElement{Name: n, OperationType: &op})
	}
	return &um.PropertyTable{Properties: t}
}

// table returns p in the shape of the CSF 2.0 operations (CreateUser,
// UpdateUser): one PropertyElement per value, since an element holds one
// Value. The values after the first of an OverWrite or an Append are sent
// as Append, so that a multi-valued property keeps them all (inferred: the
// seed shows single values only).
func (p Properties) table() *um.PropertyTable {
	if len(p) == 0 {
		return nil
	}
	t := &um.ArrayOfPropertyElement{}
	for _, q := range p {
		op := um.OperationType(q.Op)
		if q.Op == "" {
			op = um.OperationTypeOverWrite
		}
		if len(q.Values) == 0 || q.Op == Clear {
			t.PropertyElement = append(t.PropertyElement, &um.PropertyElement{Name: q.Name, OperationType: &op})
			continue
		}
		for i, v := range q.Values {
			o := op
			if i > 0 && o == um.OperationTypeOverWrite {
				o = um.OperationTypeAppend
			}
			t.PropertyElement = append(t.PropertyElement, &um.PropertyElement{Name: q.Name, Value: v, OperationType: &o})
		}
	}
	return &um.PropertyTable{Properties: t}
}

// extended returns p in the shape of the CSF 2.5 operations (ReadUsers,
// UpdateUsers): one Property per property, with its Values.
func (p Properties) extended() *um.PropertyTableExtended {
	t := &um.ArrayOfPropertyElementExtended{}
	for _, q := range p {
		op := um.OperationType(q.Op)
		if q.Op == "" {
			op = um.OperationTypeOverWrite
		}
		t.Property = append(t.Property, &um.PropertyElementExtended{Name: q.Name, Values: &um.ArrayOfValue{Value: q.Values}, OperationType: &op})
	}
	return &um.PropertyTableExtended{Properties: t}
}

// fromTable reads a CSF 2.0 property table: the elements of one name,
// whatever their case, become one Property with their values in order.
func fromTable(t *um.PropertyTable) Properties {
	if t == nil || t.Properties == nil {
		return nil
	}
	var p Properties
	for _, e := range t.Properties.PropertyElement {
		if e == nil {
			continue
		}
		i := p.index(e.Name)
		if i < 0 {
			p = append(p, Property{Name: e.Name, Values: []string{}})
			i = len(p) - 1
		}
		if e.Value != "" {
			p[i].Values = append(p[i].Values, e.Value)
		}
	}
	return p
}

// fromExtended reads a CSF 2.5 property table.
func fromExtended(t *um.PropertyTableExtended) Properties {
	if t == nil || t.Properties == nil {
		return nil
	}
	var p Properties
	for _, e := range t.Properties.Property {
		if e == nil {
			continue
		}
		q := Property{Name: e.Name, Values: []string{}}
		if e.Values != nil {
			q.Values = append(q.Values, e.Values.Value...)
		}
		p = append(p, q)
	}
	return p
}

func (p Properties) index(name string) int {
	for i, q := range p {
		if strings.EqualFold(q.Name, name) {
			return i
		}
	}
	return -1
}
