package cmo_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// newClient returns a client of srv with the default account, short retry
// waits, and opts.
func newClient(t testing.TB, srv *cmotest.Server, opts ...cmo.Option) *cmo.Client {
	t.Helper()
	all := append([]cmo.Option{
		cmo.WithLogin(cmotest.DefaultLogin, cmotest.DefaultPassword),
		cmo.WithInsecureHTTP(),
		cmo.WithRetry(3, 5*time.Millisecond),
	}, opts...)
	c, err := cmo.NewClient(srv.URL, all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// seedUser is the user of the seed's example call.
func seedUser() cmo.User {
	return cmo.User{
		LoginName:         "JSmith",
		FirstName:         cmo.Some("John"),
		LastName:          cmo.Some("Smith"),
		Password:          cmo.Some("jsmith15!"),
		Email:             cmo.Some("Support@cmo-compliance.com"),
		UserRole:          cmo.Some("Super User"),
		JobTitle:          cmo.Some("Administration Assistant"),
		Classification:    cmo.Some("Employee"),
		ADLogin:           cmo.Some("TestADUser"),
		Phone:             cmo.Some("0395217077"),
		Mobile:            cmo.Some("0477710068"),
		EmailReminders:    cmo.Some(true),
		ManagerLoginNames: cmo.Some([]string{}),
		UserGroups:        cmo.Some([]string{"Administrators"}),
		IsADUser:          cmo.Some(true),
		ADUserObjectID:    cmo.Some("4CADA701-616F-4BE3-A4B1-78944411B6F5"),
		DeactivationStart: cmo.Some(cmo.Date{Year: 2015, Month: time.March, Day: 15}),
		Assignments:       cmo.Some([]cmo.Assignment{{UserRole: "Super User", OrgUnit: "QLD", Entity: "Western Village"}}),
	}
}

// person returns a valid new user.
func person(login string) cmo.User {
	return cmo.User{
		LoginName: login,
		FirstName: cmo.Some("First " + login),
		LastName:  cmo.Some("Last " + login),
		Email:     cmo.Some(login + "@example.com"),
		UserRole:  cmo.Some("Super User"),
	}
}

func people(n int) []cmo.User {
	users := make([]cmo.User, n)
	for i := range users {
		users[i] = person(fmt.Sprintf("user%05d", i))
	}
	return users
}

// xnode is an XML element reduced to what carries meaning: its namespace
// and local name, its attributes (namespace declarations left out: the
// prefixes they bind are not meaningful), its text with runs of white
// space collapsed, its children in order.
type xnode struct {
	name     xml.Name
	attrs    []xml.Attr
	text     string
	children []*xnode
}

// meaning parses an XML document into its meaningful tree. Empty SOAP
// Header elements are left out: they carry nothing.
func meaning(t *testing.T, doc []byte) *xnode {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []*xnode
	var root *xnode
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("parsing %q: %v", doc, err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: tk.Name}
			for _, a := range tk.Attr {
				if a.Name.Space != "xmlns" && a.Name.Local != "xmlns" {
					n.attrs = append(n.attrs, a)
				}
			}
			if len(stack) > 0 {
				top := stack[len(stack)-1]
				top.children = append(top.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
			text.Reset()
		case xml.CharData:
			text.Write(tk)
		case xml.EndElement:
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(n.children) == 0 {
				n.text = strings.Join(strings.Fields(text.String()), " ")
			}
			text.Reset()
			if len(stack) > 0 && n.name.Space == "http://schemas.xmlsoap.org/soap/envelope/" && n.name.Local == "Header" && len(n.children) == 0 {
				top := stack[len(stack)-1]
				top.children = top.children[:len(top.children)-1]
			}
		}
	}
	return root
}

// diff returns the first difference between two trees, or "".
func diff(path string, got, want *xnode) string {
	path += "/{" + want.name.Space + "}" + want.name.Local
	switch {
	case got.name != want.name:
		return fmt.Sprintf("%s: element {%s}%s", path, got.name.Space, got.name.Local)
	case fmt.Sprint(got.attrs) != fmt.Sprint(want.attrs):
		return fmt.Sprintf("%s: attributes %v, want %v", path, got.attrs, want.attrs)
	case got.text != want.text:
		return fmt.Sprintf("%s: text %q, want %q", path, got.text, want.text)
	}
	for i := range max(len(got.children), len(want.children)) {
		switch {
		case i >= len(got.children):
			return fmt.Sprintf("%s: missing child {%s}%s", path, want.children[i].name.Space, want.children[i].name.Local)
		case i >= len(want.children):
			return fmt.Sprintf("%s: extra child {%s}%s", path, got.children[i].name.Space, got.children[i].name.Local)
		}
		if d := diff(path, got.children[i], want.children[i]); d != "" {
			return d
		}
	}
	return ""
}

// soapCalls returns the requests srv received at the import service.
func soapCalls(srv *cmotest.Server) []cmotest.Request {
	var out []cmotest.Request
	for _, r := range srv.Requests() {
		if strings.EqualFold(r.Path, cmo.ServicePath) {
			out = append(out, r)
		}
	}
	return out
}

// exportCalls returns the requests srv received at the export endpoint.
func exportCalls(srv *cmotest.Server) []cmotest.Request {
	var out []cmotest.Request
	for _, r := range srv.Requests() {
		if r.Path == cmo.ExportUsersPath {
			out = append(out, r)
		}
	}
	return out
}
