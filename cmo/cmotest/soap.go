package cmotest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/internal/hrimport"
)

const (
	envelopeNS   = "http://schemas.xmlsoap.org/soap/envelope/"
	envelope12NS = "http://www.w3.org/2003/05/soap-envelope"
)

// serveSOAP answers a call of HRImport.asmx as ASMX would.
func (s *Server) serveSOAP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "The request format is unrecognized.", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxRequestBytes()))
	if err != nil {
		s.record(r, nil)
		http.Error(w, "Maximum request length exceeded.", http.StatusInternalServerError)
		return
	}
	s.record(r, body)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "text/xml" {
		http.Error(w, "Unsupported Media Type: a SOAP 1.1 request is text/xml.", http.StatusUnsupportedMediaType)
		return
	}
	action := strings.Trim(r.Header.Get("SOAPAction"), `"`)
	op, ok := strings.CutPrefix(action, cmo.Namespace)
	if !ok || !s.knownOp(op) {
		soapFault(w, "soap:Client", "System.Web.Services.Protocols.SoapException: Server did not recognize the value of HTTP Header SOAPAction: "+action+".")
		return
	}
	call, err := readCall(body)
	if err != nil {
		soapFault(w, "soap:Client", "System.InvalidOperationException: Server was unable to read request. ---> There is an error in XML document. ---> "+err.Error())
		return
	}
	if call.name.Space != cmo.Namespace || call.name.Local != op {
		soapFault(w, "soap:Client", fmt.Sprintf("System.InvalidOperationException: Server was unable to read request. ---> There is an error in XML document. ---> <%s xmlns='%s'> was not expected.", call.name.Local, call.name.Space))
		return
	}
	data, err := s.payload(call.xmlData)
	if err != nil {
		soapFault(w, "soap:Client", "System.InvalidOperationException: Server was unable to read request. ---> There is an error in XML document. ---> "+err.Error())
		return
	}

	s.mu.Lock()
	var outcome string
	var lines []string
	if _, ok := s.checkLogin(call.login, call.password); !ok {
		outcome, lines = string(cmo.OutcomeFalse), []string{"Login or password is incorrect."}
	} else {
		switch op {
		case cmo.OpAsyncGroupsImport:
			outcome, lines = s.importOrgUnits(data)
		case s.entitiesOp:
			outcome, lines = s.importEntities(data)
		default:
			outcome, lines = s.importUsers(data)
		}
	}
	asString := s.asString
	s.mu.Unlock()
	s.answer(w, op, outcome, lines, asString)
}

func (s *Server) maxRequestBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxRequest
}

func (s *Server) knownOp(op string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch op {
	case cmo.OpUserControlledImport, cmo.OpUserImport, cmo.OpAsyncUsersImport, cmo.OpAsyncGroupsImport, s.entitiesOp:
		return true
	}
	return false
}

// node is an element of the payload: name (local: CMO reads the payload
// without regard to namespaces, as the seed sends the same users in no
// namespace and in the SOAP encoding one), text and children.
type node struct {
	name     string
	text     strings.Builder
	children []*node
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

// call is the body element of a request.
type call struct {
	name            xml.Name
	login, password string
	xmlData         *node // nil when not sent
}

// readCall reads the envelope: Envelope (SOAP 1.1), optional Header, Body,
// and the operation element with its login, password and xmlData, which are
// in the service's namespace (elementFormDefault="qualified"): an
// unqualified <login> is not read, as XmlSerializer would not read it.
func readCall(body []byte) (*call, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	start, err := nextStart(dec)
	if err != nil {
		return nil, err
	}
	if start.Name.Local != "Envelope" || start.Name.Space != envelopeNS {
		if start.Name.Space == envelope12NS {
			return nil, errors.New("a SOAP 1.2 envelope sent as SOAP 1.1")
		}
		return nil, fmt.Errorf("<%s xmlns='%s'> is not a SOAP 1.1 envelope", start.Name.Local, start.Name.Space)
	}
	for {
		start, err = nextStart(dec)
		if err != nil {
			return nil, err
		}
		if start.Name.Space == envelopeNS && start.Name.Local == "Body" {
			break
		}
		if err := dec.Skip(); err != nil {
			return nil, err
		}
	}
	start, err = nextStart(dec)
	if err != nil {
		return nil, err
	}
	c := &call{name: start.Name}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n, err := readTree(dec, t)
			if err != nil {
				return nil, err
			}
			if t.Name.Space != cmo.Namespace {
				continue
			}
			switch t.Name.Local {
			case "login":
				c.login = n.text.String()
			case "password":
				c.password = n.text.String()
			case "xmlData":
				c.xmlData = n
			}
		case xml.EndElement:
			return c, nil
		}
	}
}

func nextStart(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.EndElement:
			return xml.StartElement{}, fmt.Errorf("unexpected </%s>", t.Name.Local)
		}
	}
}

// readTree reads the element start opened, without recursion.
func readTree(dec *xml.Decoder, start xml.StartElement) (*node, error) {
	root := &node{name: start.Name.Local}
	stack := []*node{root}
	for len(stack) > 0 {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name.Local}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text.Write(t)
		}
	}
	return root, nil
}

// payload returns the content of xmlData: inline elements, or, for a tenant
// typing it as a string, the document its text holds.
func (s *Server) payload(xmlData *node) (*node, error) {
	s.mu.Lock()
	asString := s.asString
	s.mu.Unlock()
	if xmlData == nil {
		return &node{}, nil
	}
	if !asString {
		return xmlData, nil
	}
	if len(xmlData.children) > 0 {
		return nil, errors.New("Unexpected node type Element. ReadElementString method can only be called on elements with simple or empty content.")
	}
	text := strings.TrimSpace(xmlData.text.String())
	root := &node{}
	if text == "" {
		return root, nil
	}
	dec := xml.NewDecoder(strings.NewReader(text))
	start, err := nextStart(dec)
	if err != nil {
		return nil, fmt.Errorf("xmlData: %v", err)
	}
	n, err := readTree(dec, start)
	if err != nil {
		return nil, fmt.Errorf("xmlData: %v", err)
	}
	root.children = []*node{n}
	return root, nil
}

// A record is one element of the payload as an ordered list of fields.
type record struct {
	fields []field
}

type field struct {
	name  string
	value string
	node  *node
}

func readRecord(n *node) record {
	var r record
	for _, c := range n.children {
		r.fields = append(r.fields, field{name: c.name, value: c.text.String(), node: c})
	}
	return r
}

// get returns the last value sent for name.
func (r record) get(name string) (string, bool) {
	v, ok := "", false
	for _, f := range r.fields {
		if f.name == name {
			v, ok = f.value, true
		}
	}
	return v, ok
}

// The fields of each record the fake knows beyond the tenant's info fields.
var (
	userElements = newNames("FirstName", "LastName", "LoginName", "Password", "Email", "UserRole", "JobTitle",
		"Classification", "ADLogin", "Phone", "Mobile", "EmailReminders", "MobileAccess", "ManagerLoginName",
		"UserGroup", "IsADUser", "ADUserObjectID", "DeactivationStart", "DeactivationEnd", "Assignments")
	orgElements = newNames("OrgType", "OrgParentName", "OrgName", "ManagerName", "ManagerEmail", "ManagerPhone",
		"Country", "State", "City", "StreetAddress", "PostCode", "Phone", "Fax")
	entElements = newNames("EntityName", "EntityType", "OrgUnit", "City", "Country", "State", "Street", "PostCode",
		"Description", "ActiveStatus", "Contact", "Email")
)

// cmoDate is CMO's date format: DD.MM.YYYY, two digits, two digits, four.
var cmoDate = regexp.MustCompile(`^\d{2}\.\d{2}\.\d{4}$`)

func validDate(s string) bool {
	if !cmoDate.MatchString(s) {
		return false
	}
	_, err := cmo.ParseDate(s)
	return err == nil
}

func yesNo(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "no", "true", "false":
		return true
	}
	return false
}

// importUsers imports the <User> blocks of the payload. s.mu is held.
func (s *Server) importUsers(data *node) (string, []string) {
	lines := []string{"-==Start selected user import==-"}
	var users *node
	for _, c := range data.children {
		switch c.name {
		case "Users":
			users = c
		case "CmoUserFeed":
			users = c.child("Users")
		}
	}
	if users == nil {
		return string(cmo.OutcomeFalse), append(lines, "No users found in the XML data.", "Imported: 0 Selected: 0 Total: 0", "-==Users import END ==-", "Users imported: 0")
	}
	total, selected, imported := 0, 0, 0
	for _, n := range users.children {
		if n.name != "User" {
			continue
		}
		total++
		rec := readRecord(n)
		login, _ := rec.get("LoginName")
		login = strings.TrimSpace(login)
		lines = append(lines, "Begin Processing user: "+login)
		if login == "" {
			lines = append(lines, "LoginName is missing.", "User:  not saved.")
			continue
		}
		selected++
		existing := s.findUser(login)
		errs := s.checkUser(rec, existing == nil)
		if len(errs) > 0 {
			lines = append(lines, errs...)
			lines = append(lines, "User: "+login+" not saved.")
			continue
		}
		u := existing
		verb := "updated"
		if u == nil {
			u = &User{LoginName: login, Fields: map[string]string{}}
			s.addUser(u)
			verb = "saved"
		}
		for _, f := range rec.fields {
			switch f.name {
			case "LoginName":
			case "Assignments":
				for _, a := range f.node.children {
					if a.name != "Assignment" {
						continue
					}
					ar := readRecord(a)
					var as cmo.Assignment
					as.UserRole, _ = ar.get("UserRole")
					as.OrgUnit, _ = ar.get("OrgUnit")
					as.Entity, _ = ar.get("Entity")
					// Assignments are added to the user's: a union.
					if !containsAssignment(u.Assignments, as) {
						u.Assignments = append(u.Assignments, as)
					}
				}
			default:
				u.Fields[f.name] = f.value
			}
		}
		u.Modified = s.now()
		imported++
		lines = append(lines, "User: "+login+" "+verb+" in database.",
			login+" roles, groups, superiors, jobs, auditee assignments updated.")
	}
	lines = append(lines, fmt.Sprintf("Imported: %d Selected: %d Total: %d", imported, selected, total),
		"-==Users import END ==-", fmt.Sprintf("Users imported: %d", imported))
	return outcome(imported, total), lines
}

func containsAssignment(list []cmo.Assignment, a cmo.Assignment) bool {
	for _, b := range list {
		if strings.EqualFold(a.UserRole, b.UserRole) && strings.EqualFold(a.OrgUnit, b.OrgUnit) && strings.EqualFold(a.Entity, b.Entity) {
			return true
		}
	}
	return false
}

// outcome is True when every record was saved, False when none was, and
// "Partially completed" otherwise.
func outcome(imported, total int) string {
	switch {
	case imported == total:
		return string(cmo.OutcomeTrue)
	case imported == 0:
		return string(cmo.OutcomeFalse)
	}
	return string(cmo.OutcomePartial)
}

// checkUser validates a user as CMO does, returning one line per problem.
func (s *Server) checkUser(rec record, creating bool) []string {
	var errs []string
	for _, name := range [...]string{"FirstName", "LastName"} {
		v, ok := rec.get(name)
		if (creating && !ok) || (ok && strings.TrimSpace(v) == "") {
			errs = append(errs, "First Name/ LastName field missing.")
			break
		}
	}
	for _, f := range rec.fields {
		v := strings.TrimSpace(f.value)
		switch f.name {
		case "DeactivationStart", "DeactivationEnd":
			if v != "" && !validDate(v) {
				errs = append(errs, fmt.Sprintf("Incorrect date format in %s: '%s'. Dates must be DD.MM.YYYY.", f.name, v))
			}
		case "EmailReminders", "MobileAccess", "IsADUser":
			if v != "" && !yesNo(v) {
				errs = append(errs, fmt.Sprintf("Incorrect value in %s: '%s'. Expected Yes or No.", f.name, v))
			}
		case "UserRole":
			if v != "" && !s.roles.has(v) {
				errs = append(errs, "Role not found: "+v)
			}
		case "UserGroup":
			for _, g := range strings.Split(v, ",") {
				if g = strings.TrimSpace(g); g != "" && !s.groups.has(g) {
					errs = append(errs, "User group not found: "+g)
				}
			}
		case "Assignments":
			for _, a := range f.node.children {
				ar := readRecord(a)
				if v, _ := ar.get("OrgUnit"); strings.TrimSpace(v) != "" && s.findOrgUnit(v) == nil {
					errs = append(errs, "Org Unit not found: "+strings.TrimSpace(v))
				}
				if v, _ := ar.get("Entity"); strings.TrimSpace(v) != "" && s.findEntity(v) == nil {
					errs = append(errs, "Entity not found: "+strings.TrimSpace(v))
				}
				if v, _ := ar.get("UserRole"); strings.TrimSpace(v) != "" && !s.roles.has(v) {
					errs = append(errs, "Role not found: "+strings.TrimSpace(v))
				}
			}
		default:
			if !userElements.has(f.name) && !s.infoFields.has(f.name) {
				errs = append(errs, "Unknown field: "+f.name)
			}
		}
	}
	return errs
}

// importOrgUnits imports the <OrgUnit> elements of the payload; a parent
// must exist or come earlier. s.mu is held.
func (s *Server) importOrgUnits(data *node) (string, []string) {
	lines := []string{"-==Start org units import==-"}
	units := data.child("OrgUnits")
	if units == nil {
		return string(cmo.OutcomeFalse), append(lines, "No org units found in the XML data.", "Imported: 0 Selected: 0 Total: 0", "-==Org units import END ==-", "Org units imported: 0")
	}
	total, selected, imported := 0, 0, 0
	for _, n := range units.children {
		if n.name != "OrgUnit" {
			continue
		}
		total++
		rec := readRecord(n)
		name, _ := rec.get("OrgName")
		name = strings.TrimSpace(name)
		lines = append(lines, "Begin Processing org unit: "+name)
		if name == "" {
			lines = append(lines, "OrgName is missing.", "Org Unit:  not saved.")
			continue
		}
		selected++
		var errs []string
		for _, f := range rec.fields {
			switch v := strings.TrimSpace(f.value); {
			case f.name == "OrgParentName" && v != "" && s.findOrgUnit(v) == nil:
				errs = append(errs, "Parent Org Unit not found: "+v)
			case !orgElements.has(f.name):
				errs = append(errs, "Unknown field: "+f.name)
			}
		}
		if len(errs) > 0 {
			lines = append(append(lines, errs...), "Org Unit: "+name+" not saved.")
			continue
		}
		verb := "saved"
		if s.putOrgUnit(name, recordFields(rec, "OrgName")) {
			verb = "updated"
		}
		imported++
		lines = append(lines, "Org Unit: "+name+" "+verb+" in database.")
	}
	lines = append(lines, fmt.Sprintf("Imported: %d Selected: %d Total: %d", imported, selected, total),
		"-==Org units import END ==-", fmt.Sprintf("Org units imported: %d", imported))
	return outcome(imported, total), lines
}

// importEntities imports the <Entity> elements of a CmoAuditeeFeed. s.mu is
// held.
func (s *Server) importEntities(data *node) (string, []string) {
	lines := []string{"-==Start entities import==-"}
	var entities *node
	if feed := data.child("CmoAuditeeFeed"); feed != nil {
		entities = feed.child("Entities")
		if entities == nil {
			entities = &node{}
		}
	}
	if entities == nil {
		return string(cmo.OutcomeFalse), append(lines, "No entities found in the XML data.", "Imported: 0 Selected: 0 Total: 0", "-==Entities import END ==-", "Entities imported: 0")
	}
	total, selected, imported := 0, 0, 0
	for _, n := range entities.children {
		if n.name != "Entity" {
			continue
		}
		total++
		rec := readRecord(n)
		name, _ := rec.get("EntityName")
		name = strings.TrimSpace(name)
		lines = append(lines, "Begin Processing entity: "+name)
		if name == "" {
			lines = append(lines, "EntityName is missing.", "Entity:  not saved.")
			continue
		}
		selected++
		var errs []string
		for _, f := range rec.fields {
			switch v := strings.TrimSpace(f.value); {
			case f.name == "OrgUnit" && v != "" && s.findOrgUnit(v) == nil:
				errs = append(errs, "Org Unit not found: "+v)
			case !entElements.has(f.name):
				errs = append(errs, "Unknown field: "+f.name)
			}
		}
		if len(errs) > 0 {
			lines = append(append(lines, errs...), "Entity: "+name+" not saved.")
			continue
		}
		verb := "saved"
		if s.putEntity(name, recordFields(rec, "EntityName")) {
			verb = "updated"
		}
		imported++
		lines = append(lines, "Entity: "+name+" "+verb+" in database.")
	}
	lines = append(lines, fmt.Sprintf("Imported: %d Selected: %d Total: %d", imported, selected, total),
		"-==Entities import END ==-", fmt.Sprintf("Entities imported: %d", imported))
	return outcome(imported, total), lines
}

// recordFields returns the fields sent, but the key, by name.
func recordFields(rec record, key string) map[string]string {
	m := make(map[string]string, len(rec.fields))
	for _, f := range rec.fields {
		if f.name != key {
			m[f.name] = f.value
		}
	}
	return m
}

// answer writes the result document in the envelope ASMX writes, as the
// seed's sample responses show it.
func (s *Server) answer(w http.ResponseWriter, op, outcome string, lines []string, asString bool) {
	var doc bytes.Buffer
	res := hrimport.UsersImportResults{UsersImportResult: outcome}
	res.Exceptions.Exception = lines
	enc := xml.NewEncoder(&doc)
	start := xml.StartElement{Name: xml.Name{Local: "UsersImportResults"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: ""}}}
	if err := enc.EncodeElement(&res, start); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>`)
	fmt.Fprintf(&b, `<%sResponse xmlns="%s"><%sResult>`, op, cmo.Namespace, op)
	if asString {
		xml.EscapeText(&b, doc.Bytes())
	} else {
		b.Write(doc.Bytes())
	}
	fmt.Fprintf(&b, `</%sResult></%sResponse></soap:Body></soap:Envelope>`, op, op)
	writeXML(w, http.StatusOK, b.Bytes())
}

// soapFault answers a SOAP 1.1 Fault with HTTP 500, as ASMX does.
func soapFault(w http.ResponseWriter, code, msg string) {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body><soap:Fault><faultcode>`)
	b.WriteString(code)
	b.WriteString(`</faultcode><faultstring>`)
	xml.EscapeText(&b, []byte(msg))
	b.WriteString(`</faultstring><detail /></soap:Fault></soap:Body></soap:Envelope>`)
	writeXML(w, http.StatusInternalServerError, b.Bytes())
}

// writeXML answers an XML document whole, with its length, as ASP.NET's
// buffered output does.
func writeXML(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
