package cmotest_test

import (
	"crypto/tls"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// wsdlDoc is what a SOAP toolkit reads of a WSDL 1.1 document.
type wsdlDoc struct {
	XMLName         xml.Name `xml:"http://schemas.xmlsoap.org/wsdl/ definitions"`
	TargetNamespace string   `xml:"targetNamespace,attr"`
	Schemas         []struct {
		TargetNamespace string    `xml:"targetNamespace,attr"`
		Elements        []element `xml:"http://www.w3.org/2001/XMLSchema element"`
	} `xml:"types>schema"`
	Messages []struct {
		Name string `xml:"name,attr"`
		Part attrs  `xml:"part"`
	} `xml:"message"`
	PortType struct {
		Operations []struct {
			Name   string `xml:"name,attr"`
			Input  attrs  `xml:"input"`
			Output attrs  `xml:"output"`
		} `xml:"operation"`
	} `xml:"portType"`
	Binding struct {
		SOAP       attrs `xml:"http://schemas.xmlsoap.org/wsdl/soap/ binding"`
		Operations []struct {
			Name string `xml:"name,attr"`
			SOAP attrs  `xml:"http://schemas.xmlsoap.org/wsdl/soap/ operation"`
			Body attrs  `xml:"input>body"`
		} `xml:"operation"`
	} `xml:"binding"`
	Address attrs `xml:"service>port>address"`
}

// attrs holds the attributes the test reads of an element.
type attrs struct {
	Element    string `xml:"element,attr"`
	Message    string `xml:"message,attr"`
	Transport  string `xml:"transport,attr"`
	SOAPAction string `xml:"soapAction,attr"`
	Use        string `xml:"use,attr"`
	Location   string `xml:"location,attr"`
}

type element struct {
	Name        string `xml:"name,attr"`
	Type        string `xml:"type,attr"`
	ComplexType *struct {
		Mixed    bool      `xml:"mixed,attr"`
		Elements []element `xml:"sequence>element"`
		Any      *struct {
			ProcessContents string `xml:"processContents,attr"`
		} `xml:"sequence>any"`
	} `xml:"complexType"`
}

// xmlNode reports whether e has the shape .NET gives an XmlNode: mixed
// content holding any element, which toolkits fill with inline XML.
func (e element) xmlNode() bool {
	ct := e.ComplexType
	return e.Type == "" && ct != nil && ct.Mixed && len(ct.Elements) == 0 && ct.Any != nil && ct.Any.ProcessContents == "lax"
}

func getWSDL(t *testing.T, c *http.Client, url string) wsdlDoc {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
		t.Fatalf("GET %s: %s, %s\n%s", url, resp.Status, resp.Header.Get("Content-Type"), b)
	}
	var d wsdlDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("GET %s: not a WSDL: %v", url, err)
	}
	return d
}

// TestWSDL: the fake serves its WSDL where the seed says a tenant does
// ("appending ?WSDL"), with its own address, and the WSDL is whole: every
// operation's messages and elements exist, its SOAPAction is the namespace
// followed by its name, and xmlData and the results are XmlNodes (mixed
// content, any element), so that a toolkit sends the users inline.
func TestWSDL(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithEntitiesOperation("ImportAuditees"))
	for _, q := range []string{"?WSDL", "?wsdl"} {
		d := getWSDL(t, http.DefaultClient, srv.URL+cmo.ServicePath+q)
		if d.TargetNamespace != cmo.Namespace || d.Address.Location != srv.URL+cmo.ServicePath || d.Binding.SOAP.Transport != "http://schemas.xmlsoap.org/soap/http" {
			t.Errorf("%s: namespace %q, location %q, transport %q", q, d.TargetNamespace, d.Address.Location, d.Binding.SOAP.Transport)
		}
		elements := map[string]element{}
		for _, s := range d.Schemas {
			if s.TargetNamespace == cmo.Namespace {
				for _, e := range s.Elements {
					elements["tns:"+e.Name] = e
				}
			}
		}
		messages := map[string]string{}
		for _, m := range d.Messages {
			messages["tns:"+m.Name] = m.Part.Element
		}
		var ops []string
		for _, op := range d.PortType.Operations {
			ops = append(ops, op.Name)
			in, out := elements[messages[op.Input.Message]], elements[messages[op.Output.Message]]
			if in.Name != op.Name || out.Name != op.Name+"Response" {
				t.Errorf("%s: messages %q → %q, %q → %q", op.Name, op.Input.Message, in.Name, op.Output.Message, out.Name)
				continue
			}
			params := in.ComplexType.Elements
			if len(params) != 3 || params[0].Name != "login" || params[0].Type != "s:string" || params[1].Name != "password" || params[1].Type != "s:string" ||
				params[2].Name != "xmlData" || !params[2].xmlNode() {
				t.Errorf("%s: parameters %+v", op.Name, params)
			}
			if res := out.ComplexType.Elements; len(res) != 1 || res[0].Name != op.Name+"Result" || !res[0].xmlNode() {
				t.Errorf("%s: result %+v", op.Name, res)
			}
		}
		if got := strings.Join(ops, " "); got != "UserControlledImport UserImport AsyncUsersImport AsyncGroupsImport ImportAuditees" {
			t.Errorf("operations %s", got)
		}
		if len(d.Binding.Operations) != len(ops) {
			t.Errorf("%d bound operations", len(d.Binding.Operations))
		}
		for i, b := range d.Binding.Operations {
			if i < len(ops) && (b.Name != ops[i] || b.SOAP.SOAPAction != cmo.Namespace+ops[i] || b.Body.Use != "literal") {
				t.Errorf("binding %+v", b)
			}
		}
	}
}

// TestWSDLOverTLS: over HTTPS, the WSDL's address is the fake's https URL.
func TestWSDLOverTLS(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithTLS())
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.RootCAs()}}}
	if d := getWSDL(t, c, srv.URL+cmo.ServicePath+"?WSDL"); d.Address.Location != srv.URL+cmo.ServicePath || !strings.HasPrefix(d.Address.Location, "https://") {
		t.Errorf("location %q", d.Address.Location)
	}
}

// TestToolkitRequest: the request Python's zeep 4.2 sends from the served
// WSDL, xmlData={"_value_1": lxml_element}, captured from the wire: the users
// inline, under prefixes of its own. (With xmlData typed s:anyType, as the
// WSDL had it before, zeep sent the text "<Element ... at 0x...>" instead.)
func TestToolkitRequest(t *testing.T) {
	srv := cmotest.NewServer(t)
	const zeep = `<?xml version='1.0' encoding='utf-8'?>
<soap-env:Envelope xmlns:soap-env="http://schemas.xmlsoap.org/soap/envelope/"><soap-env:Body><ns0:UserControlledImport xmlns:ns0="http://cmoglobal/WebServices/"><ns0:login>cmoadmin</ns0:login><ns0:password>cmoadmin15!</ns0:password><ns0:xmlData><CmoUserFeed xmlns="http://schemas.xmlsoap.org/soap/encoding/"><Users><User><FirstName>Cy</FirstName><LastName>C</LastName><LoginName>cy</LoginName></User></Users></CmoUserFeed></ns0:xmlData></ns0:UserControlledImport></soap-env:Body></soap-env:Envelope>`
	status, answer := post(t, srv, textXML, cmo.Namespace+cmo.OpUserControlledImport, zeep)
	if u, ok := srv.User("cy"); status != 200 || !ok || u.Fields["FirstName"] != "Cy" {
		t.Errorf("%d %s; stored %+v", status, answer, u)
	}
}

// TestResultNamesAndOutcome: the answer as the seed's sample ("Partially
// completed" when every record was saved, <UsersImportResults> for every
// import), "True" with WithTrueOutcome, and the org units' and entities'
// documents under other names with WithResultNames.
func TestResultNamesAndOutcome(t *testing.T) {
	orgUnits := `<OrgUnits xmlns=""><OrgUnit><OrgName>NSW</OrgName></OrgUnit></OrgUnits>`
	for _, tc := range []struct {
		opts []cmotest.Option
		want string
	}{
		{nil, `<AsyncGroupsImportResult><UsersImportResults xmlns=""><UsersImportResult>Partially completed</UsersImportResult>`},
		{[]cmotest.Option{cmotest.WithTrueOutcome()}, `<AsyncGroupsImportResult><UsersImportResults xmlns=""><UsersImportResult>True</UsersImportResult>`},
		{[]cmotest.Option{cmotest.WithResultNames("Groups", "Auditees")}, `<AsyncGroupsImportResult><GroupsImportResults xmlns=""><GroupsImportResult>Partially completed</GroupsImportResult><Exceptions>`},
	} {
		srv := cmotest.NewServer(t, tc.opts...)
		status, answer := post(t, srv, textXML, cmo.Namespace+cmo.OpAsyncGroupsImport, envelope(cmo.OpAsyncGroupsImport, srv.Username, srv.Password, orgUnits))
		if status != 200 || !strings.Contains(answer, tc.want) {
			t.Errorf("%d %s\nwant %s", status, answer, tc.want)
		}
	}
	if _, err := cmotest.Start(cmotest.WithResultNames("Groups", "<bad>")); err == nil {
		t.Error("a bad element name accepted")
	}
}

// TestServiceHelpPage: GET HRImport.asmx lists the operations, as ASMX's
// help page does, the other way to learn a tenant's entities operation.
func TestServiceHelpPage(t *testing.T) {
	srv := cmotest.NewServer(t, cmotest.WithEntitiesOperation("ImportAuditees"))
	resp, err := http.Get(srv.URL + cmo.ServicePath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "ImportAuditees") ||
		!strings.Contains(string(b), "UserControlledImport") || !strings.Contains(string(b), "?WSDL") {
		t.Errorf("%s %s\n%s", resp.Status, resp.Header.Get("Content-Type"), b)
	}
}
