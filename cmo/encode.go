package cmo

import (
	"encoding/xml"

	"github.com/hrbridge/hrbridge/cmo/internal/hrimport"
)

// Namespaces of the import.
const (
	// Namespace is the target namespace of HRImport.asmx; each operation's
	// SOAPAction is Namespace followed by the operation's name.
	Namespace = "http://cmoglobal/WebServices/"
	// soapEncodingNS is the namespace the seed's example call gives its
	// <CmoUserFeed>.
	soapEncodingNS = "http://schemas.xmlsoap.org/soap/encoding/"
)

// A payload says how the records of one import are wrapped in xmlData.
type payload struct {
	open, close string
}

var (
	// usersFeed is the wrapping of the seed's example call:
	// <CmoUserFeed xmlns="http://schemas.xmlsoap.org/soap/encoding/"><Users>.
	usersFeed = payload{`<CmoUserFeed xmlns="` + soapEncodingNS + `"><Users>`, `</Users></CmoUserFeed>`}
	// bareUsers is the wrapping of the seed's users schema: <Users xmlns="">.
	bareUsers = payload{`<Users xmlns="">`, `</Users>`}
	// orgUnitsFeed is the wrapping of the seed's org units schema.
	orgUnitsFeed = payload{`<OrgUnits xmlns="">`, `</OrgUnits>`}
	// entitiesFeed is the wrapping of the seed's entities XSD, CmoAuditeeFeed
	// and Entities (hrimport.CmoAuditeeFeed), in no namespace.
	entitiesFeed = payload{`<CmoAuditeeFeed xmlns=""><Entities>`, `</Entities></CmoAuditeeFeed>`}
)

// boolWords are the texts a Yes/No field is sent as.
type boolWords struct{ yes, no string }

func (w boolWords) word(v bool) string {
	if v {
		return w.yes
	}
	return w.no
}

// appendUser appends u's <User> block. u must have passed validation.
func appendUser(b []byte, u *User, w boolWords) []byte {
	b = append(b, "<User>"...)
	b = appendFields(b, u, userFields, w)
	for _, f := range u.Info {
		b = appendElem(b, f.Name, f.Value)
	}
	if as, ok := u.Assignments.Get(); ok {
		b = append(b, "<Assignments>"...)
		for _, a := range as {
			// The order of the seed's example call: UserRole, OrgUnit, Entity.
			b = append(b, "<Assignment>"...)
			b = appendElem(b, "UserRole", a.UserRole)
			if a.OrgUnit != "" {
				b = appendElem(b, "OrgUnit", a.OrgUnit)
			}
			if a.Entity != "" {
				b = appendElem(b, "Entity", a.Entity)
			}
			b = append(b, "</Assignment>"...)
		}
		b = append(b, "</Assignments>"...)
	}
	return append(b, "</User>"...)
}

// appendOrgUnit appends o's <OrgUnit> element. o must have passed validation.
func appendOrgUnit(b []byte, o *OrgUnit, w boolWords) []byte {
	b = append(b, "<OrgUnit>"...)
	b = appendFields(b, o, orgUnitFields, w)
	return append(b, "</OrgUnit>"...)
}

// appendEntity appends e's <Entity> element, encoded through the type
// generated from the seed's XSD, whose pointer fields keep "not given"
// (nil, left out) apart from "given empty" (an empty element).
func appendEntity(b []byte, e *Entity) ([]byte, error) {
	v := hrimport.Entity{
		EntityName:   given[hrimport.EntityName](Some(e.EntityName)),
		EntityType:   given[hrimport.EntityType](e.EntityType),
		OrgUnit:      given[hrimport.OrgUnit](e.OrgUnit),
		City:         given[hrimport.City](e.City),
		Country:      given[hrimport.Country](e.Country),
		State:        given[hrimport.State](e.State),
		Street:       given[hrimport.Street](e.Street),
		PostCode:     given[hrimport.PostCode](e.PostCode),
		Description:  given[hrimport.Description](e.Description),
		ActiveStatus: given[hrimport.ActiveStatus](e.ActiveStatus),
		Contact:      given[hrimport.Contact](e.Contact),
		Email:        given[hrimport.Email](e.Email),
	}
	w := &sliceWriter{b}
	if err := xml.NewEncoder(w).Encode(&v); err != nil {
		return b, err
	}
	return w.b, nil
}

// given converts an Opt to the generated models' optional form: nil when not
// given.
func given[T ~string](o Opt[string]) *T {
	v, ok := o.Get()
	if !ok {
		return nil
	}
	t := T(v)
	return &t
}

// sliceWriter is an io.Writer appending to a byte slice.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// appendFields appends the given fields of r, in the table's order.
func appendFields[R any](b []byte, r *R, fields []field[R], w boolWords) []byte {
	for i := range fields {
		f := &fields[i]
		switch {
		case f.text != nil:
			if v, ok := f.text(r).Get(); ok {
				b = appendElem(b, f.name, v)
			}
		case f.flag != nil:
			if v, ok := f.flag(r).Get(); ok {
				b = appendElem(b, f.name, w.word(v))
			}
		case f.date != nil:
			if v, ok := f.date(r).Get(); ok {
				b = appendOpen(b, f.name)
				b = appendDate(b, v)
				b = appendClose(b, f.name)
			}
		case f.list != nil:
			if v, ok := f.list(r).Get(); ok {
				b = appendOpen(b, f.name)
				for i, s := range v {
					if i > 0 {
						b = append(b, ',')
					}
					b = appendEscaped(b, s)
				}
				b = appendClose(b, f.name)
			}
		}
	}
	return b
}

// appendElem appends <name>text</name>, text escaped. An empty text gives
// <name></name>, the form of the seed's example call.
func appendElem(b []byte, name, text string) []byte {
	b = appendOpen(b, name)
	b = appendEscaped(b, text)
	return appendClose(b, name)
}

func appendOpen(b []byte, name string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	return append(b, '>')
}

func appendClose(b []byte, name string) []byte {
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// appendDate appends d as DD.MM.YYYY, or nothing for the zero Date (which
// clears the field). d must be valid.
func appendDate(b []byte, d Date) []byte {
	if d.IsZero() {
		return b
	}
	b = append(b, byte('0'+d.Day/10), byte('0'+d.Day%10), '.')
	m := int(d.Month)
	b = append(b, byte('0'+m/10), byte('0'+m%10), '.')
	y := d.Year
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
}

// appendEscaped appends s as XML character data. Quotes need no escaping in
// content; a carriage return is escaped so that it survives end-of-line
// normalisation. s must hold only characters XML allows (see xmlText).
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}
