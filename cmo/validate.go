package cmo

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Problem is one thing wrong with one record, found before anything is sent.
type Problem struct {
	Kind  string // "user", "org unit" or "entity"
	Key   string // the record's LoginName, OrgName or EntityName, as given
	Index int    // the record's position in the list given, from 0
	// Field is the element at fault: "FirstName", "Assignments[1].OrgUnit",
	// "Info[CostCentre]".
	Field  string
	Reason string
}

func (p Problem) String() string {
	return fmt.Sprintf("%s %q (#%d): %s: %s", p.Kind, p.Key, p.Index, p.Field, p.Reason)
}

// ValidationError lists every problem of every record of a call; nothing was
// sent. It matches ErrInvalid.
type ValidationError struct {
	Problems []Problem
}

// maxShown bounds how many problems Error spells out; Problems holds them all.
const maxShown = 10

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cmo: nothing sent: %d problem", len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteString("s")
	}
	b.WriteString(" in the records: ")
	for i, p := range e.Problems {
		if i == maxShown {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-maxShown)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// validator collects the problems of a list of records.
type validator struct {
	problems []Problem
	kind     string
	key      string
	index    int
}

func (v *validator) record(kind, key string, index int) {
	v.kind, v.key, v.index = kind, key, index
}

func (v *validator) add(field, format string, args ...any) {
	v.problems = append(v.problems, Problem{Kind: v.kind, Key: v.key, Index: v.index, Field: field, Reason: fmt.Sprintf(format, args...)})
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

// key checks a record's identifying field: given, not blank, without
// surrounding spaces (which would make CMO see another record), not repeated
// in the list (compared without case, as CMO's database compares them).
func (v *validator) keyField(field, key string, seen map[string]int) {
	switch {
	case strings.TrimSpace(key) == "":
		v.add(field, "required")
		return
	case strings.TrimSpace(key) != key:
		v.add(field, "has leading or trailing spaces")
	case !xmlText(key):
		v.add(field, "holds a character XML cannot carry")
		return
	}
	k := strings.ToLower(key)
	if first, ok := seen[k]; ok {
		v.add(field, "repeats record #%d; CMO would apply both in turn", first)
		return
	}
	seen[k] = v.index
}

// fields checks every given field of r against its table: characters XML can
// carry, references not empty, dates valid.
func checkFields[R any](v *validator, r *R, fields []field[R], skip string) {
	for i := range fields {
		f := &fields[i]
		if f.name == skip {
			continue
		}
		switch {
		case f.text != nil:
			s, ok := f.text(r).Get()
			if ok {
				v.text(f.name, s, f.ref)
			}
		case f.list != nil:
			list, ok := f.list(r).Get()
			if !ok {
				continue
			}
			for j, s := range list {
				switch {
				case strings.TrimSpace(s) == "":
					v.add(indexed(f.name, j, ""), "empty name in the list")
				case strings.Contains(s, ","):
					v.add(indexed(f.name, j, ""), "%q holds a comma, the list separator", s)
				case !xmlText(s):
					v.add(indexed(f.name, j, ""), "holds a character XML cannot carry")
				}
			}
		case f.date != nil:
			d, ok := f.date(r).Get()
			if ok && !d.IsZero() && (!d.IsValid() || d.Year < 1 || d.Year > 9999) {
				v.add(f.name, "%04d-%02d-%02d is not a date CMO can take as DD.MM.YYYY", d.Year, int(d.Month), d.Day)
			}
		}
	}
}

// text checks one given text value. It never quotes the value of a field
// named like a password.
func (v *validator) text(field, s string, ref bool) {
	switch {
	case !xmlText(s):
		v.add(field, "holds a character XML cannot carry")
	case ref && strings.TrimSpace(s) == "":
		v.add(field, "given empty; it must name something that exists in CMO (leave it out to keep it unchanged)")
	}
}

// checkRecords checks a list of records of one kind: each key (the field
// keyName), each given field against the table, and whatever more checks.
func checkRecords[R any](kind, keyName string, records []R, key func(*R) string, fields []field[R], more func(*validator, *R)) *validator {
	v := &validator{}
	seen := make(map[string]int, len(records))
	for i := range records {
		r := &records[i]
		v.record(kind, key(r), i)
		v.keyField(keyName, key(r), seen)
		checkFields(v, r, fields, keyName)
		if more != nil {
			more(v, r)
		}
	}
	return v
}

// validateUsers checks users; requireNames demands FirstName and LastName of
// every user, as CMO does of the users an import creates.
func validateUsers(users []User, requireNames bool) error {
	return checkRecords("user", "LoginName", users, userKey, userFields, func(v *validator, u *User) {
		for _, n := range [...]struct {
			field string
			value Opt[string]
		}{{"FirstName", u.FirstName}, {"LastName", u.LastName}} {
			s, ok := n.value.Get()
			switch {
			case !ok && requireNames:
				v.add(n.field, "required: CMO refuses to create a user without it (use UpdateUsers for users that exist)")
			case ok && strings.TrimSpace(s) == "":
				v.add(n.field, "given empty: CMO refuses a user without it")
			}
		}
		start, okStart := u.DeactivationStart.Get()
		end, okEnd := u.DeactivationEnd.Get()
		if okStart && okEnd && !start.IsZero() && !end.IsZero() && end.Before(start) {
			v.add("DeactivationEnd", "%s is before DeactivationStart %s", FormatDMYDate(end), FormatDMYDate(start))
		}
		for k, f := range u.Info {
			switch {
			case !xmlName(f.Name):
				v.add("Info["+f.Name+"]", "%q is not an XML element name", f.Name)
			case isUserElement(f.Name):
				v.add("Info["+f.Name+"]", "%q is a standard field of <User>; set it in its own field", f.Name)
			case infoIndex(u.Info[:k], f.Name) >= 0:
				v.add("Info["+f.Name+"]", "given twice")
			}
			if !xmlText(f.Value) {
				v.add("Info["+f.Name+"]", "holds a character XML cannot carry")
			}
		}
		as, _ := u.Assignments.Get()
		for j, a := range as {
			if strings.TrimSpace(a.UserRole) == "" {
				v.add(indexed("Assignments", j, ".UserRole"), "required: an assignment gives a role")
			}
			if strings.TrimSpace(a.OrgUnit) == "" && strings.TrimSpace(a.Entity) == "" {
				v.add(indexed("Assignments", j, ""), "names neither an OrgUnit nor an Entity")
			}
			for _, part := range [...]struct{ name, value string }{{".UserRole", a.UserRole}, {".OrgUnit", a.OrgUnit}, {".Entity", a.Entity}} {
				if !xmlText(part.value) {
					v.add(indexed("Assignments", j, part.name), "holds a character XML cannot carry")
				}
			}
		}
	}).err()
}

// infoIndex returns the index of the field named name, or -1.
func infoIndex(fields []InfoField, name string) int {
	for i, f := range fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// indexed names an element of a list field: "UserGroup[2]",
// "Assignments[0].OrgUnit".
func indexed(name string, i int, sub string) string {
	return fmt.Sprintf("%s[%d]%s", name, i, sub)
}

// isUserElement reports whether name is an element of <User> the model
// carries in its own field.
func isUserElement(name string) bool {
	if name == "Assignments" {
		return true
	}
	for _, f := range userFields {
		if f.name == name {
			return true
		}
	}
	return false
}

// validateOrgUnits checks org units: OrgName given and unique, references
// not empty, no org unit its own ancestor within the list.
func validateOrgUnits(units []OrgUnit) error {
	v := checkRecords("org unit", "OrgName", units, orgUnitKey, orgUnitFields, nil)
	// A cycle of parents within the list can never be imported.
	parent := make(map[string]string, len(units))
	for _, o := range units {
		if p, ok := o.OrgParentName.Get(); ok {
			parent[strings.ToLower(o.OrgName)] = strings.ToLower(p)
		}
	}
	for i, o := range units {
		k := strings.ToLower(o.OrgName)
		for steps, p := 0, parent[k]; p != ""; steps, p = steps+1, parent[p] {
			if p == k {
				v.record("org unit", o.OrgName, i)
				v.add("OrgParentName", "the org unit would be its own ancestor")
				break
			}
			if steps > len(units) {
				break
			}
		}
	}
	return v.err()
}

// validateEntities checks entities: EntityName given and unique, references
// not empty.
func validateEntities(entities []Entity) error {
	return checkRecords("entity", "EntityName", entities, entityKey, entityFields, nil).err()
}

// xmlText reports whether s is valid UTF-8 holding only characters XML 1.0
// allows. encoding/xml would silently replace the others with U+FFFD.
func xmlText(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r > 0xD7FF && r < 0xE000 || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}

// xmlName reports whether s can name an XML element without a prefix: a
// letter or underscore, then letters, digits, '.', '-' or '_'.
func xmlName(s string) bool {
	if _, reserved := cutPrefixFold(s, "xml"); s == "" || reserved {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || isLetter(r):
		case i > 0 && (r == '.' || r == '-' || r >= '0' && r <= '9'):
		default:
			return false
		}
	}
	return true
}

func isLetter(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7F && r != utf8.RuneError && r <= 0xD7FF
}
