package csf_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
)

// node is an XML element reduced to what a SOAP toolkit reads: its resolved
// name, its attributes but namespace declarations (an xsi:type value
// resolved to a namespace and a name), its trimmed text and its children.
type node struct {
	name  xml.Name
	attrs []string
	text  string
	kids  []*node
}

func (n *node) String() string {
	var b strings.Builder
	n.write(&b, "")
	return b.String()
}

func (n *node) write(b *strings.Builder, indent string) {
	fmt.Fprintf(b, "%s{%s}%s %v %q\n", indent, n.name.Space, n.name.Local, n.attrs, n.text)
	for _, k := range n.kids {
		k.write(b, indent+"  ")
	}
}

// parseTree reads the first element of r (the SOAP Body's first element if
// r is an envelope) as a node.
func parseTree(t *testing.T, r io.Reader) *node {
	t.Helper()
	d := xml.NewDecoder(r)
	var stack []*node
	var root *node
	scopes := []map[string]string{{}}
	for {
		tok, err := d.RawToken() // namespaces are resolved here, with their scopes
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			sc := map[string]string{}
			for k, v := range scopes[len(scopes)-1] {
				sc[k] = v
			}
			for _, a := range tk.Attr {
				if a.Name.Space == "xmlns" {
					sc[a.Name.Local] = a.Value
				} else if a.Name.Space == "" && a.Name.Local == "xmlns" {
					sc[""] = a.Value
				}
			}
			scopes = append(scopes, sc)
			n := &node{name: xml.Name{Space: sc[tk.Name.Space], Local: tk.Name.Local}}
			for _, a := range tk.Attr {
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" && a.Name.Space == "" {
					continue
				}
				ns := ""
				if a.Name.Space != "" {
					ns = sc[a.Name.Space]
				}
				v := a.Value
				if ns == "http://www.w3.org/2001/XMLSchema-instance" && a.Name.Local == "type" {
					p, l, ok := strings.Cut(v, ":")
					if !ok {
						p, l = "", v
					}
					v = "{" + sc[p] + "}" + l
				}
				n.attrs = append(n.attrs, "{"+ns+"}"+a.Name.Local+"="+v)
			}
			slices.Sort(n.attrs)
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			n := stack[len(stack)-1]
			stack, scopes = stack[:len(stack)-1], scopes[:len(scopes)-1]
			n.text = strings.TrimSpace(n.text)
			if n.name.Local == "Body" && n.name.Space == "http://schemas.xmlsoap.org/soap/envelope/" {
				return n.kids[0]
			}
			if len(stack) == 0 {
				root = n
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tk)
			}
		}
	}
	return root
}

// TestGoldenRequests sends each of the seed's sample requests through the
// client and compares the Body on the wire with the sample: element names,
// namespaces, order, attributes, text. The CreateUser sample is not
// well-formed (it has "/PropertyElement>" for "</PropertyElement>"); it is
// compared as repaired, and its text as written is refused by the fake.
func TestGoldenRequests(t *testing.T) {
	srv := csftest.NewServer(t)
	c := newClient(t, srv, csf.WithRequestContexts(func() string { return "Request Context" }))
	ctx := t.Context()
	seedFilter := func(name string) csf.Filter {
		return csf.And(csf.Eq("objectCategory", "person"), csf.Eq("objectClass", "user"), csf.Eq("samaccountname", name))
	}
	for _, tc := range []struct {
		op, sample string
		call       func() error
		// dropAttrs are attributes of the sample the client leaves out,
		// meaning the same: an empty OrganizationName.
		dropAttrs []string
	}{
		{"CreateUser", "seed_CreateUser_repaired.xml", func() error {
			return c.CreateUser(ctx, csf.CreateUserRequest{
				UserID:     "test1@csf.com",
				Properties: csf.Properties{}.Set("company", "Amazon").Set("streetAddress", "MARKETING Company"),
				UserName:   "test1@csf.com", OrganizationID: "Customer-TestCustomer.com", Password: "passw0rd!",
				Groups: []string{"AllUsersLO@senthilRooT.com", "Developers@Customer-TestCustomer.com"},
			})
		}, nil},
		{"DeleteUser", "seed_DeleteUser.xml", func() error { return c.DeleteUser(ctx, "UserLogonId@csf.com") }, nil},
		{"ReadUser", "seed_ReadUser.xml", func() error { _, err := c.ReadUser(ctx, "test1@csf.com", "displayname", "address"); return err }, nil},
		{"ReadUsers", "seed_ReadUsers.xml", func() error {
			_, err := c.ReadUsersPage(ctx, csf.Query{Organization: "MyTestOrg.com", Scope: csf.ScopeSingleLevel, PageSize: 5,
				Filter: seedFilter("testmonkey1"), Properties: []string{"samaccountname"}}, "")
			return err
		}, nil},
		{"UpdateUser", "seed_UpdateUser.xml", func() error {
			return c.UpdateUser(ctx, "test1@csf.com", csf.Properties{}.Set("company", "Amazon1").Set("streetAddress", "MARKETING Company1"))
		}, nil},
		{"UpdateUsers", "seed_UpdateUsers.xml", func() error {
			_, err := c.UpdateUsers(ctx, csf.UpdateUsersRequest{Filter: seedFilter("testmonkey2"), ReturnExistingValues: true,
				Properties: csf.Properties{}.Set("otherHomePhone", "111", "222", "333", "444", "555", "666")})
			return err
		}, []string{"{}OrganizationName="}},
		{"UserInGroup", "seed_UserInGroup.xml", func() error {
			_, err := c.UserInGroup(ctx, "test1@csf.com", "AllUsers@Customer-TestCustomer.com")
			return err
		}, nil},
		{"UpdatePassword", "seed_UpdatePassword.xml", func() error {
			return c.UpdatePassword(ctx, csf.UpdatePasswordRequest{Organization: "MyTestOrg.com", UserName: "testmonkey3@csf.com", OldPassword: "passw0rd!", NewPassword: "abc123"})
		}, nil},
		{"SetPassword", "seed_SetPassword.xml", func() error {
			return c.SetPassword(ctx, csf.SetPasswordRequest{Organization: "MyTestOrg.com", UserName: "testmonkey1@csf.com", Password: "somePassword"})
		}, nil},
	} {
		t.Run(tc.op, func(t *testing.T) {
			tc.call() // the fake's answer does not matter here
			reqs := srv.Requests()
			last := reqs[len(reqs)-1]
			if last.Op != tc.op {
				t.Fatalf("the fake read %q", last.Op)
			}
			f, err := os.Open("testdata/" + tc.sample)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			want := parseTree(t, f)
			want.attrs = slices.DeleteFunc(want.attrs, func(a string) bool { return slices.Contains(tc.dropAttrs, a) })
			got := parseTree(t, bytes.NewReader(last.Body))
			if got.String() != want.String() {
				t.Errorf("on the wire:\n%s\nthe seed's sample:\n%s", got, want)
			}
		})
	}
}

// TestSeedSamplesAsSent posts each sample of the seed, as written, in a SOAP
// envelope with the fake's credentials: the fake reads every well-formed one
// and answers it, and refuses the malformed CreateUser with a SOAP Fault.
func TestSeedSamplesAsSent(t *testing.T) {
	srv := csftest.NewServer(t)
	for _, op := range []string{"CreateUser", "DeleteUser", "ReadUser", "ReadUsers", "UpdateUser", "UpdateUsers", "UserInGroup", "UpdatePassword", "SetPassword"} {
		sample, err := os.ReadFile("testdata/seed_" + op + ".xml")
		if err != nil {
			t.Fatal(err)
		}
		status, answer := post(t, srv, "", string(sample))
		switch {
		case op == "CreateUser":
			if status != 500 || !strings.Contains(answer, "<faultcode>soap:Client</faultcode>") {
				t.Errorf("%s as written (not well-formed): %d %s", op, status, answer)
			}
		case status != 200 || !strings.Contains(answer, "<RequestContext>Request Context</RequestContext>") || !strings.Contains(answer, "<ResultCode>"):
			t.Errorf("%s: %d %s", op, status, answer)
		}
	}
	// The repaired CreateUser creates the user.
	sample, _ := os.ReadFile("testdata/seed_CreateUser_repaired.xml")
	if status, answer := post(t, srv, "", string(sample)); status != 200 || !strings.Contains(answer, "<ResultCode>0</ResultCode>") {
		t.Errorf("CreateUser repaired: %d %s", status, answer)
	}
	if _, ok := srv.User("test1@csf.com"); !ok {
		t.Error("the repaired sample created no user")
	}
	_ = time.Second
}
