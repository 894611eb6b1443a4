package csftest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/internal/soap"
)

// maxRequestBytes is ASP.NET's default maxRequestLength, 4 MiB.
const maxRequestBytes = 4 << 20

// method is one of the nine methods: its request element, its namespace in
// the seed's samples, and how the fake serves it.
type method struct {
	name, elem, ns string
	serve          func(s *Server, r *call) (any, error)
}

// call is one request being served.
type call struct {
	d          *xml.Decoder
	start      xml.StartElement
	op         string
	authorized bool
}

// decode reads the request element into v, a generated request type, whose
// XMLName the element's name may not match when WithNamespace is used.
func (c *call) decode(v any) error {
	st := c.start
	st.Name = xmlNameOf(v)
	return c.d.DecodeElement(v, &st)
}

// xmlNameOf returns the element name in the XMLName tag of a generated type.
func xmlNameOf(v any) xml.Name {
	f, _ := reflect.TypeOf(v).Elem().FieldByName("XMLName")
	tag, _, _ := strings.Cut(f.Tag.Get("xml"), ",")
	ns, local, _ := strings.Cut(tag, " ")
	return xml.Name{Space: ns, Local: local}
}

var methods = []method{
	{"CreateUser", "UserManagerCreate", csf.NamespaceIdentityManager20, (*Server).create},
	{"DeleteUser", "UserManagerDelete", csf.NamespaceIdentityManager20, (*Server).delete},
	{"ReadUser", "UserManagerRead", csf.NamespaceIdentityManager20, (*Server).read},
	{"ReadUsers", "UserManagerReadUsers", csf.NamespaceIdentityManager21, (*Server).readUsers},
	{"UpdateUser", "UserManagerUpdate", csf.NamespaceIdentityManager20, (*Server).update},
	{"UpdateUsers", "UserManagerUpdateUsers", csf.NamespaceIdentityManager21, (*Server).updateUsers},
	{"UserInGroup", "UserManagerInGroup", csf.NamespaceIdentityManager20, (*Server).inGroup},
	{"UpdatePassword", "UserManagerUpdatePassword", csf.NamespaceIdentityManager21, (*Server).updatePassword},
	{"SetPassword", "UserManagerSetPassword", csf.NamespaceIdentityManager21, (*Server).resetPassword},
}

// incoming is the SOAP header the fake reads: the WS-Security UsernameToken.
type incoming struct {
	Username string `xml:"Security>UsernameToken>Username"`
	Password string `xml:"Security>UsernameToken>Password"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	rec := Request{Header: r.Header.Clone(), Body: body}
	defer func() {
		s.mu.Lock()
		s.requests = append(s.requests, rec)
		s.mu.Unlock()
	}()
	if err != nil {
		soapFault(w, "soap:Client", "The request is larger than the server accepts, or was cut short.")
		return
	}
	if s.basic {
		if u, p, ok := r.BasicAuth(); !ok || u != s.Username || p != s.Password {
			w.Header().Set("WWW-Authenticate", `Basic realm="CSF"`)
			http.Error(w, "401 - Unauthorized: Access is denied due to invalid credentials.", http.StatusUnauthorized)
			return
		}
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		// ASMX answers a SOAP 1.1 call of another content type with 415.
		http.Error(w, "Unsupported Media Type: SOAP 1.1 is text/xml", http.StatusUnsupportedMediaType)
		return
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	var hdr incoming
	start, err := envelopeBody(d, &hdr)
	if err != nil {
		soapFault(w, "soap:Client", "Server was unable to read request. ---> There is an error in XML document: "+err.Error())
		return
	}
	m, ok := s.method(start.Name.Local)
	if !ok {
		soapFault(w, "soap:Client", "Server did not recognize the value of the request element <"+start.Name.Local+">.")
		return
	}
	rec.Op = m.name
	ns := m.ns
	if s.ns != "" {
		ns = s.ns
	}
	if start.Name.Space != ns {
		soapFault(w, "soap:Client", "Server did not recognize the request element <"+start.Name.Local+"> in namespace "+start.Name.Space+".")
		return
	}
	if action := strings.Trim(r.Header.Get("SOAPAction"), `"`); action != "" && action != ns+"/"+m.name {
		soapFault(w, "soap:Client", "Server did not recognize the value of HTTP Header SOAPAction: "+action+".")
		return
	}
	c := &call{d: d, start: start, op: m.name, authorized: s.basic || (hdr.Username == s.Username && hdr.Password == s.Password)}
	rep, err := m.serve(s, c)
	if err != nil {
		soapFault(w, "soap:Client", "Server was unable to read request. ---> There is an error in XML document: "+err.Error())
		return
	}
	s.answer(w, m, ns, rep)
}

// method finds the method whose request element is local.
func (s *Server) method(local string) (method, bool) {
	for _, m := range methods {
		if m.elem == local {
			return m, true
		}
	}
	return method{}, false
}

// envelopeBody reads up to the first element of the Body, decoding the
// Header into hdr on the way.
func envelopeBody(d *xml.Decoder, hdr *incoming) (xml.StartElement, error) {
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				return xml.StartElement{}, errors.New("the document ended before the Body")
			}
			return xml.StartElement{}, err
		}
		t, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch {
		case depth == 0:
			if t.Name.Space != soap.EnvelopeNS || t.Name.Local != "Envelope" {
				return xml.StartElement{}, errors.New("<" + t.Name.Local + "> is not a SOAP 1.1 Envelope")
			}
			depth = 1
		case depth == 1 && t.Name.Space == soap.EnvelopeNS && t.Name.Local == "Header":
			if err := d.DecodeElement(hdr, &t); err != nil {
				return xml.StartElement{}, err
			}
		case depth == 1 && t.Name.Space == soap.EnvelopeNS && t.Name.Local == "Body":
			depth = 2
		case depth == 1:
			if err := d.Skip(); err != nil {
				return xml.StartElement{}, err
			}
		default:
			return t, nil
		}
	}
}

// answer writes the response element of m, in namespace ns.
func (s *Server) answer(w http.ResponseWriter, m method, ns string, rep any) {
	b, err := soap.Marshal(nil, named{rep, xml.Name{Space: ns, Local: m.elem + "Response"}})
	if err != nil {
		soapFault(w, "soap:Server", "Server was unable to process request. ---> "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

// named marshals v as the element name.
type named struct {
	v    any
	name xml.Name
}

func (n named) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return e.EncodeElement(n.v, xml.StartElement{Name: n.name})
}

// soapFault answers a SOAP 1.1 Fault with HTTP 500, as ASMX does.
func soapFault(w http.ResponseWriter, code, msg string) {
	var b bytes.Buffer
	b.WriteString(xml.Header + `<soap:Envelope xmlns:soap="` + soap.EnvelopeNS + `"><soap:Body><soap:Fault><faultcode>` + code + `</faultcode><faultstring>`)
	xml.EscapeText(&b, []byte(msg))
	b.WriteString(`</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>`)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	w.Write(b.Bytes())
}
