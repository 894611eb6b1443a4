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
	"slices"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/internal/hrimport"
)

const (
	envelopeNS   = "http://schemas.xmlsoap.org/soap/envelope/"
	envelope12NS = "http://www.w3.org/2003/05/soap-envelope"
)

// wsdlAddress is the service address written in HRImport.wsdl.
const wsdlAddress = "https://clientname.cmo-compliance.com/webservice/HRImport.asmx"

// serveWSDL answers GET HRImport.asmx?WSDL (or ?wsdl, as ASMX takes both)
// with the WSDL the cmo models are generated from, its address the server's
// own URL and its entities operation the server's, as ASMX writes the
// address the request came to.
func (s *Server) serveWSDL(w http.ResponseWriter, r *http.Request) {
	s.record(r, nil)
	s.mu.Lock()
	op := s.entitiesOp
	s.mu.Unlock()
	b := bytes.ReplaceAll(hrimport.WSDL, []byte(wsdlAddress), []byte(s.URL+cmo.ServicePath))
	b = bytes.ReplaceAll(b, []byte(cmo.OpAsyncAuditeesImport), []byte(op))
	writeXML(w, http.StatusOK, b)
}

// serveHelp answers GET HRImport.asmx with the list of the service's
// operations, as ASMX's help page does (its "Documentation" protocol, on by
// default).
func (s *Server) serveHelp(w http.ResponseWriter, r *http.Request) {
	s.record(r, nil)
	s.mu.Lock()
	ops := []string{cmo.OpUserControlledImport, cmo.OpUserImport, cmo.OpAsyncUsersImport, cmo.OpAsyncGroupsImport, s.entitiesOp}
	s.mu.Unlock()
	var b bytes.Buffer
	b.WriteString(`<html><head><title>HRImport Web Service</title></head><body><h1>HRImport</h1>` +
		`<p>The following operations are supported. For a formal definition, please review the <a href="HRImport.asmx?WSDL">Service Description</a>.</p><ul>`)
	for _, op := range ops {
		fmt.Fprintf(&b, `<li><a href="HRImport.asmx?op=%s">%s</a></li>`, op, op)
	}
	b.WriteString(`</ul></body></html>`)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}

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
	results := "Users" // the result document's name: <UsersImportResults>
	if op == cmo.OpAsyncGroupsImport && s.resultNames != nil {
		results = s.resultNames["org unit"]
	}
	if op == s.entitiesOp && s.resultNames != nil {
		results = s.resultNames["entity"]
	}
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
	s.answer(w, op, results, outcome, lines, asString)
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
		//lint:ignore ST1005 the text is ASP.NET's own, word for word
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
	_, err := cmo.ParseDMYDate(s)
	return err == nil
}

func yesNo(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "no", "true", "false":
		return true
	}
	return false
}

// A kind is one of the fake's imports: where its records are, how they
// are named in the log, how each is checked and saved.
type kind struct {
	start  string // the log's first line
	plural string // "Users", in "-==Users import END ==-" and "Users imported: 1"
	label  string // "user", in "Begin Processing user: x"
	title  string // "User", in "User: x saved in database."
	record string // the element of one record
	key    string // the element that identifies a record
	// list returns the element holding the records, nil if there is none.
	list func(data *node) *node
	// exists reports whether the record with that key exists.
	exists func(key string) bool
	// check returns one line per problem of a record.
	check func(rec record, creating bool) []string
	// save stores a checked record and returns the log lines that follow
	// "saved in database".
	save func(key string, rec record) []string
}

// run imports the records of data as CMO does: each checked on its own,
// saved or not, with the seed's log lines. s.mu is held.
func (s *Server) run(k kind, data *node) (string, []string) {
	lines := []string{k.start}
	end := func(imported, selected, total int) []string {
		return append(lines, fmt.Sprintf("Imported: %d Selected: %d Total: %d", imported, selected, total),
			"-=="+k.plural+" import END ==-", fmt.Sprintf("%s imported: %d", k.plural, imported))
	}
	list := k.list(data)
	if list == nil {
		lines = append(lines, "No "+strings.ToLower(k.plural)+" found in the XML data.")
		return string(cmo.OutcomeFalse), end(0, 0, 0)
	}
	total, selected, imported := 0, 0, 0
	for _, n := range list.children {
		if n.name != k.record {
			continue
		}
		total++
		rec := readRecord(n)
		key, _ := rec.get(k.key)
		key = strings.TrimSpace(key)
		lines = append(lines, "Begin Processing "+k.label+": "+key)
		if key == "" {
			lines = append(lines, k.key+" is missing.", k.title+":  not saved.")
			continue
		}
		selected++
		existed := k.exists(key)
		if errs := k.check(rec, !existed); len(errs) > 0 {
			lines = append(append(lines, errs...), k.title+": "+key+" not saved.")
			continue
		}
		verb := "saved"
		if existed {
			verb = "updated"
		}
		imported++
		lines = append(lines, k.title+": "+key+" "+verb+" in database.")
		lines = append(lines, k.save(key, rec)...)
	}
	return s.outcome(imported, total), end(imported, selected, total)
}

// importUsers imports the <User> blocks of a <Users> element, bare or in a
// <CmoUserFeed>. s.mu is held.
func (s *Server) importUsers(data *node) (string, []string) {
	return s.run(kind{
		start: "-==Start selected user import==-", plural: "Users", label: "user", title: "User",
		record: "User", key: "LoginName",
		list: func(data *node) *node {
			if feed := data.child("CmoUserFeed"); feed != nil {
				return feed.child("Users")
			}
			return data.child("Users")
		},
		exists: func(login string) bool { return s.findUser(login) != nil },
		check:  s.checkUser,
		save: func(login string, rec record) []string {
			u := s.findUser(login)
			if u == nil {
				u = &User{LoginName: login, Fields: map[string]string{}}
				s.addUser(u)
			}
			for _, f := range rec.fields {
				switch f.name {
				case "LoginName":
				case "ManagerLoginName":
					u.Fields[f.name] = s.managers(u.Fields[f.name], f.value)
				case "Assignments":
					if s.replaceAsg {
						u.Assignments = nil
					}
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
			return []string{login + " roles, groups, superiors, jobs, auditee assignments updated."}
		},
	}, data)
}

// managers returns a user's ManagerLoginName after sent is applied to old:
// sent replaces old, or with WithManagersAppended adds the managers it
// lacks.
func (s *Server) managers(old, sent string) string {
	if !s.appendMgrs || strings.TrimSpace(old) == "" {
		return sent
	}
	list := strings.Split(old, ",")
	for _, m := range strings.Split(sent, ",") {
		if m = strings.TrimSpace(m); m != "" && !slices.ContainsFunc(list, func(o string) bool { return strings.EqualFold(strings.TrimSpace(o), m) }) {
			list = append(list, m)
		}
	}
	return strings.Join(list, ",")
}

func containsAssignment(list []cmo.Assignment, a cmo.Assignment) bool {
	for _, b := range list {
		if strings.EqualFold(a.UserRole, b.UserRole) && strings.EqualFold(a.OrgUnit, b.OrgUnit) && strings.EqualFold(a.Entity, b.Entity) {
			return true
		}
	}
	return false
}

// outcome is CMO's word for an import: "Partially completed" when a record
// was saved, as the seed's successful sample answers ("Imported: 1 Selected:
// 1 Total: 1"), or with WithTrueOutcome "True" when every record was; False
// when none was. s.mu is held.
func (s *Server) outcome(imported, total int) string {
	switch {
	case imported == total && imported > 0 && s.trueOutcome:
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
				if v, _ := ar.get("OrgUnit"); strings.TrimSpace(v) != "" && find(s.orgUnits, v) == nil {
					errs = append(errs, "Org Unit not found: "+strings.TrimSpace(v))
				}
				if v, _ := ar.get("Entity"); strings.TrimSpace(v) != "" && find(s.entities, v) == nil {
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

// importOrgUnits imports the <OrgUnit> elements of an <OrgUnits>; a parent
// must exist or come earlier. s.mu is held.
func (s *Server) importOrgUnits(data *node) (string, []string) {
	return s.run(kind{
		start: "-==Start org units import==-", plural: "Org units", label: "org unit", title: "Org Unit",
		record: "OrgUnit", key: "OrgName",
		list:   func(data *node) *node { return data.child("OrgUnits") },
		exists: func(name string) bool { return find(s.orgUnits, name) != nil },
		check: func(rec record, _ bool) []string {
			return s.checkFields(rec, orgElements, "OrgParentName", "Parent Org Unit not found: ")
		},
		save: func(name string, rec record) []string {
			put(&s.orgUnits, name, recordFields(rec, "OrgName"), s.now())
			return nil
		},
	}, data)
}

// importEntities imports the <Entity> elements of a CmoAuditeeFeed. s.mu is
// held.
func (s *Server) importEntities(data *node) (string, []string) {
	return s.run(kind{
		start: "-==Start entities import==-", plural: "Entities", label: "entity", title: "Entity",
		record: "Entity", key: "EntityName",
		list: func(data *node) *node {
			feed := data.child("CmoAuditeeFeed")
			if feed == nil {
				return nil
			}
			if list := feed.child("Entities"); list != nil {
				return list
			}
			return &node{} // an empty feed
		},
		exists: func(name string) bool { return find(s.entities, name) != nil },
		check: func(rec record, _ bool) []string {
			return s.checkFields(rec, entElements, "OrgUnit", "Org Unit not found: ")
		},
		save: func(name string, rec record) []string {
			put(&s.entities, name, recordFields(rec, "EntityName"), s.now())
			return nil
		},
	}, data)
}

// checkFields checks the fields of an org unit or an entity: each known,
// and the one naming an org unit (orgField) naming one that exists.
func (s *Server) checkFields(rec record, known names, orgField, notFound string) []string {
	var errs []string
	for _, f := range rec.fields {
		switch v := strings.TrimSpace(f.value); {
		case f.name == orgField && v != "" && find(s.orgUnits, v) == nil:
			errs = append(errs, notFound+v)
		case !known.has(f.name):
			errs = append(errs, "Unknown field: "+f.name)
		}
	}
	return errs
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
// The document is <{results}ImportResults><{results}ImportResult>.
func (s *Server) answer(w http.ResponseWriter, op, results, outcome string, lines []string, asString bool) {
	var doc bytes.Buffer
	doc.WriteString(`<` + results + `ImportResults xmlns=""><` + results + `ImportResult>`)
	xml.EscapeText(&doc, []byte(outcome))
	doc.WriteString(`</` + results + `ImportResult><Exceptions>`)
	for _, l := range lines {
		doc.WriteString("<Exception>")
		xml.EscapeText(&doc, []byte(l))
		doc.WriteString("</Exception>")
	}
	doc.WriteString(`</Exceptions></` + results + `ImportResults>`)
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
