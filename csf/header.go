package csf

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
)

// The namespaces of the SOAP header blocks: WS-Security 1.0 (OASIS 2004),
// which WSE 2.0 speaks, and WS-Addressing of March 2004, WSE 2.0's.
const (
	nsWSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	nsWSA  = "http://schemas.xmlsoap.org/ws/2004/03/addressing"
	// PasswordText is the Type of a UsernameToken password sent as is.
	passwordText = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"
)

type wsaValue struct {
	Value string `xml:",chardata"`
}

type security struct {
	MustUnderstand string        `xml:"soap:mustUnderstand,attr"` // the prefix internal/soap declares on the Envelope
	UsernameToken  usernameToken `xml:"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd UsernameToken"`
}

type usernameToken struct {
	Username string   `xml:"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd Username"`
	Password password `xml:"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd Password"`
}

type password struct {
	Type  string `xml:"Type,attr"`
	Value string `xml:",chardata"`
}

// header returns the SOAP header of a call whose action is action: the
// WS-Addressing Action, MessageID and To of a WSE 2.0 message and, unless
// the client uses HTTP Basic, a WS-Security UsernameToken.
func (c *Client) header(action string) headerBlocks {
	h := headerBlocks{action: action, messageID: "uuid:" + newUUID(), to: c.endpoint}
	if !c.cfg.basic {
		h.security = &security{MustUnderstand: "1", UsernameToken: usernameToken{
			Username: c.cfg.user,
			Password: password{Type: passwordText, Value: c.cfg.pass},
		}}
	}
	return h
}

// headerBlocks writes the blocks of a SOAP header as siblings, with no
// element of its own around them.
type headerBlocks struct {
	action, messageID, to string
	security              *security
}

func (b headerBlocks) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	for _, v := range []struct{ local, value string }{{"Action", b.action}, {"MessageID", b.messageID}, {"To", b.to}} {
		if err := e.EncodeElement(wsaValue{v.value}, xml.StartElement{Name: xml.Name{Space: nsWSA, Local: v.local}}); err != nil {
			return err
		}
	}
	if b.security != nil {
		return e.EncodeElement(b.security, xml.StartElement{Name: xml.Name{Space: nsWSSE, Local: "Security"}})
	}
	return nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
