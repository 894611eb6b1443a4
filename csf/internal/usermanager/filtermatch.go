package usermanager

import "encoding/xml"

// This file is written by hand; usermanager.go is generated.

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// MarshalXML writes a FilterMatch as the seed's samples do:
// <FilterMatch xsi:type="EqualityMatch">, the xsi prefix declared.
// encoding/xml would name the prefix after the namespace's last path
// element (XMLSchema-instance:type), which a toolkit resolving namespaces
// reads alike but one looking for "xsi:type" (node-soap, for one) does not.
// Decoding uses the generated field, which resolves any prefix.
func (m FilterMatch) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	type plain FilterMatch // the fields, without this method
	p := plain(m)
	if p.XSIType != "" {
		start.Attr = append(start.Attr,
			xml.Attr{Name: xml.Name{Local: "xmlns:xsi"}, Value: xsiNS},
			xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: p.XSIType})
		p.XSIType = ""
	}
	return e.EncodeElement(p, start)
}
