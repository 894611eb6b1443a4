// Package soap sends SOAP 1.1 calls over internal/transport.
//
// It owns what gowsdl's runtime gets wrong for hrbridge: the envelope and its
// namespaces, the quoted SOAPAction header, decoding of the response body
// element into a typed value, and SOAP Faults, which SOAP 1.1 sends with
// HTTP 500 and which come back here as a *Fault whatever the HTTP status.
// Calls share the transport's pooled connections. The request and response
// models are the types gowsdl v0.5.0 generates from a WSDL (their XMLName
// fields carry the namespaces); gowsdl's own client is never used.
package soap

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/hrbridge/hrbridge/internal/transport"
)

// EnvelopeNS is the SOAP 1.1 envelope namespace.
const EnvelopeNS = "http://schemas.xmlsoap.org/soap/envelope/"

// Client sends SOAP calls to one endpoint. It is safe for concurrent use.
type Client struct {
	t    *transport.Client
	path string
}

// New returns a Client that posts to path (such as
// "/webservice/HRImport.asmx") on t's base URL.
func New(t *transport.Client, path string) *Client {
	return &Client{t: t, path: path}
}

// A Call is one SOAP operation.
type Call struct {
	// Action is the SOAPAction, sent quoted as SOAP 1.1 requires.
	Action string
	// Header, when not nil, is marshalled into the envelope's Header.
	Header any
	// Body is marshalled into the envelope's Body: a generated request type
	// whose XMLName gives its element name and namespace.
	Body any
	// Idempotent marks a call that is safe to send again (a read), so that
	// the transport retries it on 502, 503, 504 and broken connections.
	Idempotent bool
	// Check, when not nil, is called with a successful response before its
	// body is decoded, and an error it returns is Do's: a package passes
	// apierr.CheckContent, so that an HTML page (a login page, a proxy)
	// answered with 200 is reported as such rather than as bad XML.
	Check func(*http.Response) error
}

// Do sends call and decodes the first element of the response Body into out
// (a pointer to a generated response type; nil ignores the body). A SOAP
// Fault in the response, with any HTTP status, is returned as a *Fault.
func (c *Client) Do(ctx context.Context, call Call, out any) error {
	env, err := Marshal(call.Header, call.Body)
	if err != nil {
		return fmt.Errorf("hrbridge: soap %s: encoding the request: %s", call.Action, c.t.Redact(err.Error()))
	}
	resp, err := c.t.Do(ctx, &transport.Request{
		Method: http.MethodPost,
		Path:   c.path,
		Header: http.Header{
			"Content-Type": {"text/xml; charset=utf-8"},
			"Soapaction":   {`"` + call.Action + `"`},
		},
		Body:       env,
		Idempotent: call.Idempotent,
	})
	if err != nil {
		var he *transport.HTTPError
		if errors.As(err, &he) {
			if f, ok := ParseFault(he.Body); ok {
				f.Action, f.HTTPStatus = call.Action, he.StatusCode
				f.Header, f.Attempts = he.Header, he.Attempts
				f.redact = c.t.Redact
				return f
			}
		}
		return err
	}
	defer resp.Body.Close() // reads the rest, so the connection is reused
	if call.Check != nil {
		if err := call.Check(resp); err != nil {
			return err
		}
	}
	if err := Unmarshal(resp.Body, out); err != nil {
		var f *Fault
		if errors.As(err, &f) {
			f.Action, f.HTTPStatus = call.Action, resp.StatusCode
			f.Header = resp.Header
			f.redact = c.t.Redact
			return f
		}
		return fmt.Errorf("hrbridge: soap %s: %s", call.Action, c.t.Redact(err.Error()))
	}
	return nil
}

// Marshal encodes a SOAP 1.1 envelope around body, with header in the
// envelope's Header when it is not nil.
func Marshal(header, body any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<soap:Envelope xmlns:soap="` + EnvelopeNS + `">`)
	enc := xml.NewEncoder(&b)
	if header != nil {
		b.WriteString("<soap:Header>")
		if err := enc.Encode(header); err != nil {
			return nil, err
		}
		b.WriteString("</soap:Header>")
	}
	b.WriteString("<soap:Body>")
	if body != nil {
		if err := enc.Encode(body); err != nil {
			return nil, err
		}
	}
	b.WriteString("</soap:Body></soap:Envelope>")
	return b.Bytes(), nil
}

// Unmarshal reads a SOAP envelope from r, streaming, and decodes the first
// element of its Body into out. A Fault in the Body is returned as a *Fault.
// A document that is not a SOAP 1.1 envelope, or whose Body is empty when out
// expects a value, is an error that says so.
func Unmarshal(r io.Reader, out any) error {
	dec := xml.NewDecoder(r)
	if err := expect(dec, "Envelope"); err != nil {
		return err
	}
	// Skip the Header, find the Body.
	for {
		start, err := nextStart(dec, "the Body")
		if err != nil {
			return err
		}
		if start.Name.Space == EnvelopeNS && start.Name.Local == "Body" {
			break
		}
		if err := dec.Skip(); err != nil {
			return malformed(err)
		}
	}
	tok, err := nextElementOrEnd(dec)
	if err != nil {
		return err
	}
	start, ok := tok.(xml.StartElement)
	if !ok {
		if out == nil {
			return nil
		}
		return errors.New("malformed SOAP response: the Body is empty")
	}
	if start.Name.Space == EnvelopeNS && start.Name.Local == "Fault" {
		f := new(Fault)
		if err := dec.DecodeElement(f, &start); err != nil {
			return malformed(err)
		}
		return f
	}
	if out == nil {
		return nil
	}
	if err := dec.DecodeElement(out, &start); err != nil {
		return fmt.Errorf("malformed SOAP response: decoding <%s>: %w", start.Name.Local, err)
	}
	return nil
}

// expect reads up to the document's first element and checks that it is the
// SOAP 1.1 element local.
func expect(dec *xml.Decoder, local string) error {
	start, err := nextStart(dec, "a SOAP envelope")
	if err != nil {
		return err
	}
	if start.Name.Space != EnvelopeNS || start.Name.Local != local {
		if start.Name.Local == local {
			return fmt.Errorf("malformed SOAP response: <%s> is in namespace %q, not SOAP 1.1's %q", local, start.Name.Space, EnvelopeNS)
		}
		return fmt.Errorf("malformed SOAP response: the document is <%s>, not a SOAP envelope", start.Name.Local)
	}
	return nil
}

// nextStart returns the next start element, skipping text and comments.
func nextStart(dec *xml.Decoder, what string) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("malformed SOAP response: the document ended before %s", what)
		}
		if err != nil {
			return xml.StartElement{}, malformed(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.EndElement:
			return xml.StartElement{}, fmt.Errorf("malformed SOAP response: </%s> came before %s", t.Name.Local, what)
		}
	}
}

// nextElementOrEnd returns the next start or end element.
func nextElementOrEnd(dec *xml.Decoder) (xml.Token, error) {
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, errors.New("malformed SOAP response: the document ended inside the Body")
		}
		if err != nil {
			return nil, malformed(err)
		}
		switch tok.(type) {
		case xml.StartElement, xml.EndElement:
			return tok, nil
		}
	}
}

func malformed(err error) error {
	var tooLarge *transport.BodyTooLargeError
	if errors.As(err, &tooLarge) {
		return tooLarge
	}
	return fmt.Errorf("malformed SOAP response: %w", err)
}

// Fault is a SOAP 1.1 Fault returned by the server.
type Fault struct {
	XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault"`
	// Code is the faultcode, such as "soap:Client" or "soap:Server".
	Code string `xml:"faultcode"`
	// String is the faultstring, the server's explanation.
	String string `xml:"faultstring"`
	// Actor is the faultactor, when the server gives one.
	Actor string `xml:"faultactor,omitempty"`
	// Detail is the raw XML inside <detail>; decode it with DecodeDetail.
	Detail Detail `xml:"detail"`

	// Action is the SOAPAction of the call that failed.
	Action string `xml:"-"`
	// HTTPStatus is the HTTP status the fault came with (usually 500).
	HTTPStatus int `xml:"-"`
	// Header holds the headers of the response the fault came in
	// (Retry-After, a request id).
	Header http.Header `xml:"-"`
	// Attempts is how many times the call was sent, when known (a fault
	// with an HTTP error status); 0 otherwise.
	Attempts int `xml:"-"`

	redact func(string) string
}

// Detail holds the content of a fault's <detail> element.
type Detail struct {
	Inner []byte `xml:",innerxml"`
}

func (f *Fault) Error() string {
	s := fmt.Sprintf("hrbridge: soap fault %s: %s", strings.TrimSpace(f.Code), strings.TrimSpace(f.String))
	if f.Action != "" {
		s = fmt.Sprintf("hrbridge: soap %s: fault %s: %s", f.Action, strings.TrimSpace(f.Code), strings.TrimSpace(f.String))
	}
	if f.redact != nil {
		return f.redact(s)
	}
	return (*transport.Redactor)(nil).Redact(s)
}

// UnknownAction reports whether the fault says the service has no operation
// of the call's SOAPAction: ASP.NET's ASMX answers "Server did not recognize
// the value of HTTP Header SOAPAction: ..." (a soap:Client fault), which is
// a call to an operation the service does not have, not a failure of the
// service.
func (f *Fault) UnknownAction() bool {
	return strings.Contains(strings.ToLower(f.String), "did not recognize the value of http header soapaction")
}

// DecodeDetail decodes the fault's detail content into v, which names the
// detail element it expects.
func (f *Fault) DecodeDetail(v any) error {
	return xml.Unmarshal(f.Detail.Inner, v)
}

// ParseFault reports whether b is a SOAP envelope holding a Fault, and
// returns it.
func ParseFault(b []byte) (*Fault, bool) {
	err := Unmarshal(bytes.NewReader(b), nil)
	var f *Fault
	if errors.As(err, &f) {
		return f, true
	}
	return nil, false
}
