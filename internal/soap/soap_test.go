package soap

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/internal/fault"
	"github.com/hrbridge/hrbridge/internal/soap/internal/greeter"
	"github.com/hrbridge/hrbridge/internal/transport"
)

const greetAction = "http://example.com/greeter/Greet"

// greeterServer answers Greet calls as an ASMX service would: it checks the
// SOAPAction and content type, decodes the envelope with this package's own
// Unmarshal, and faults on a wrong password.
func greeterServer(_ testing.TB, requests *atomic.Int32, lastBody *[]byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		body, _ := io.ReadAll(r.Body)
		if lastBody != nil {
			*lastBody = body
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		if r.Header.Get("SOAPAction") != `"`+greetAction+`"` || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/xml") {
			w.WriteHeader(500)
			io.WriteString(w, faultEnvelope("soap:Client", "Server did not recognize the value of HTTP Header SOAPAction: "+r.Header.Get("SOAPAction"), ""))
			return
		}
		var req greeter.Greet
		if err := Unmarshal(bytes.NewReader(body), &req); err != nil {
			w.WriteHeader(500)
			io.WriteString(w, faultEnvelope("soap:Client", err.Error(), ""))
			return
		}
		if req.Password != "correct horse" {
			w.WriteHeader(500)
			io.WriteString(w, faultEnvelope("soap:Server", "Invalid login or password: "+req.Password,
				`<ErrorInfo xmlns="http://example.com/greeter/"><Code>AUTH01</Code></ErrorInfo>`))
			return
		}
		out, _ := Marshal(nil, &greeter.GreetResponse{GreetResult: "Hello, " + req.Name, Count: int32(len(req.Tag))})
		w.Write(out)
	})
}

func faultEnvelope(code, msg, detail string) string {
	var esc bytes.Buffer
	xml.EscapeText(&esc, []byte(msg))
	return `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>` +
		`<faultcode>` + code + `</faultcode><faultstring>` + esc.String() + `</faultstring><detail>` + detail + `</detail></soap:Fault></soap:Body></soap:Envelope>`
}

func newClient(t *testing.T, h http.Handler) (*Client, *fault.Injector) {
	t.Helper()
	inj := fault.New()
	srv := httptest.NewServer(inj.Wrap(h))
	t.Cleanup(srv.Close)
	tc, err := transport.New(transport.Config{BaseURL: srv.URL, AllowHTTP: true, WaitMin: 1, WaitMax: 1, Secrets: []string{"wrong horse"}})
	if err != nil {
		t.Fatal(err)
	}
	return New(tc, "/Greeter.asmx"), inj
}

func TestCallWithGeneratedModels(t *testing.T) {
	var n atomic.Int32
	var body []byte
	c, _ := newClient(t, greeterServer(t, &n, &body))
	var out greeter.GreetResponse
	err := c.Do(context.Background(), Call{Action: greetAction, Body: &greeter.Greet{Name: "Ada", Password: "correct horse", Tag: []string{"a", "b"}}}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if out.GreetResult != "Hello, Ada" || out.Count != 2 {
		t.Errorf("response = %+v", out)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
		`<Greet xmlns="http://example.com/greeter/"><name>Ada</name><password>correct horse</password><tag>a</tag><tag>b</tag></Greet>` +
		`</soap:Body></soap:Envelope>`
	if string(body) != want {
		t.Errorf("wire bytes:\n%s\nwant:\n%s", body, want)
	}
}

func TestFaultInHTTP500IsTyped(t *testing.T) {
	var n atomic.Int32
	c, _ := newClient(t, greeterServer(t, &n, nil))
	err := c.Do(context.Background(), Call{Action: greetAction, Body: &greeter.Greet{Name: "Ada", Password: "wrong horse"}}, &greeter.GreetResponse{})
	var f *Fault
	if !errors.As(err, &f) {
		t.Fatalf("err = %v (%T), want *Fault", err, err)
	}
	if f.Code != "soap:Server" || !strings.HasPrefix(f.String, "Invalid login") || f.HTTPStatus != 500 || f.Action != greetAction {
		t.Errorf("fault = %+v", f)
	}
	var detail struct {
		XMLName xml.Name `xml:"http://example.com/greeter/ ErrorInfo"`
		Code    string   `xml:"Code"`
	}
	if err := f.DecodeDetail(&detail); err != nil || detail.Code != "AUTH01" {
		t.Errorf("detail = %+v, %v", detail, err)
	}
	if strings.Contains(err.Error(), "wrong horse") {
		t.Errorf("password in error: %q", err)
	}
	// A fault is an answer, not an outage: the POST is not repeated.
	if n.Load() != 1 {
		t.Errorf("server saw %d requests", n.Load())
	}
}

func TestFaultWithHTTP200(t *testing.T) {
	c, _ := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, faultEnvelope("soap:Client", "bad input", ""))
	}))
	err := c.Do(context.Background(), Call{Action: greetAction, Body: &greeter.Greet{}}, &greeter.GreetResponse{})
	var f *Fault
	if !errors.As(err, &f) || f.HTTPStatus != 200 || f.String != "bad input" {
		t.Fatalf("err = %v", err)
	}
}

func TestNonSOAPErrorStaysHTTPError(t *testing.T) {
	c, _ := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		io.WriteString(w, "<html><body>Runtime Error</body></html>")
	}))
	err := c.Do(context.Background(), Call{Action: greetAction, Body: &greeter.Greet{}}, nil)
	var he *transport.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 500 {
		t.Fatalf("err = %v", err)
	}
}

func TestMalformedResponses(t *testing.T) {
	for _, tc := range []struct{ name, body, want string }{
		{"not xml", "hello", "ended before"},
		{"html", "<html><body/></html>", "not a SOAP envelope"},
		{"soap 1.2", `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>`, "namespace"},
		{"no body", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"></soap:Envelope>`, "before the Body"},
		{"empty body", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body></soap:Body></soap:Envelope>`, "Body is empty"},
		{"truncated", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GreetResponse xmlns="http://example.com/greeter/"><GreetResult>Hel`, "malformed"},
		{"bad value", `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GreetResponse xmlns="http://example.com/greeter/"><count>many</count></GreetResponse></soap:Body></soap:Envelope>`, "GreetResponse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, tc.body) }))
			err := c.Do(context.Background(), Call{Action: greetAction, Body: &greeter.Greet{}}, &greeter.GreetResponse{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestHeaderIsEncoded(t *testing.T) {
	type security struct {
		XMLName  xml.Name `xml:"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd Security"`
		Username string   `xml:"UsernameToken>Username"`
	}
	b, err := Marshal(&security{Username: "svc"}, &greeter.Greet{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`<soap:Header><Security xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken><Username>svc</Username></UsernameToken></Security></soap:Header><soap:Body><Greet`)) {
		t.Errorf("envelope = %s", b)
	}
}

func TestIdempotentCallsRetryAndOthersDoNot(t *testing.T) {
	var n atomic.Int32
	c, inj := newClient(t, greeterServer(t, &n, nil))
	call := Call{Action: greetAction, Body: &greeter.Greet{Password: "correct horse"}}
	inj.Push(fault.Fault{Status: 503})
	if err := c.Do(context.Background(), call, &greeter.GreetResponse{}); err == nil {
		t.Error("a non-idempotent call was retried after 503")
	}
	inj.Push(fault.Fault{Status: 503})
	call.Idempotent = true
	if err := c.Do(context.Background(), call, &greeter.GreetResponse{}); err != nil {
		t.Errorf("idempotent call: %v", err)
	}
}

// countConns starts a server of h that counts the connections made to it.
func countConns(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int32) {
	conns := new(atomic.Int32)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, conns
}

// One hundred sequential calls to one host travel on one TCP connection.
func TestSequentialCallsShareOneConnection(t *testing.T) {
	var n atomic.Int32
	srv, conns := countConns(t, greeterServer(t, &n, nil))
	tc, err := transport.New(transport.Config{BaseURL: srv.URL, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	c := New(tc, "/Greeter.asmx")
	for i := range 100 {
		pw := "correct horse"
		if i%10 == 0 {
			pw = "wrong" // faults must not cost a connection either
		}
		c.Do(context.Background(), Call{Action: greetAction, Body: &greeter.Greet{Name: "n", Password: pw}}, &greeter.GreetResponse{})
	}
	if n.Load() != 100 || conns.Load() != 1 {
		t.Errorf("%d calls opened %d connections, want 100 calls on 1", n.Load(), conns.Load())
	}
}

func FuzzUnmarshal(f *testing.F) {
	ok, _ := Marshal(nil, &greeter.GreetResponse{GreetResult: "hi", Count: 3})
	f.Add(ok)
	f.Add([]byte(faultEnvelope("soap:Server", "boom", "<x>1</x>")))
	f.Add([]byte(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Header><a/></soap:Header><soap:Body/></soap:Envelope>`))
	f.Add([]byte("<a"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var out greeter.GreetResponse
		err := Unmarshal(bytes.NewReader(b), &out)
		if err != nil && err.Error() == "" {
			t.Error("empty error text")
		}
		ParseFault(b)
	})
}

// TestChunkedAnswersKeepTheConnection: Unmarshal stops reading at the Body's
// element; the rest of a chunked answer, which arrives after it, must still
// be read or the connection is closed instead of reused.
func TestChunkedAnswersKeepTheConnection(t *testing.T) {
	srv, conns := countConns(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		out, _ := Marshal(nil, &greeter.GreetResponse{GreetResult: strings.Repeat("x", 8<<10)})
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.Write(out)
		w.(http.Flusher).Flush() // chunked; the last chunk follows a little later
		time.Sleep(5 * time.Millisecond)
	}))
	tc, err := transport.New(transport.Config{BaseURL: srv.URL, AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	c := New(tc, "/Greeter.asmx")
	for range 5 {
		if err := c.Do(context.Background(), Call{Action: greetAction, Body: &greeter.Greet{Name: "n"}}, &greeter.GreetResponse{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("5 calls opened %d connections", n)
	}
}

// TestUnknownAction: ASMX's answer to a SOAPAction it does not have is told
// apart from other faults; the fault keeps its response's headers and the
// attempts made.
func TestUnknownAction(t *testing.T) {
	var n atomic.Int32
	c, _ := newClient(t, greeterServer(t, &n, nil))
	err := c.Do(context.Background(), Call{Action: "http://example.com/greeter/Wave", Body: &greeter.Greet{Name: "Ada"}}, &greeter.GreetResponse{})
	var f *Fault
	if !errors.As(err, &f) || !f.UnknownAction() || f.Attempts != 1 || f.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
		t.Fatalf("err = %v (%+v)", err, f)
	}
	err = c.Do(context.Background(), Call{Action: greetAction, Body: &greeter.Greet{Name: "Ada", Password: "wrong horse"}}, &greeter.GreetResponse{})
	if !errors.As(err, &f) || f.UnknownAction() {
		t.Errorf("a fault of a known action: %v", err)
	}
}

// TestCheckSeesTheResponseFirst: Call.Check gets a successful response
// before it is decoded, and its error is Do's.
func TestCheckSeesTheResponseFirst(t *testing.T) {
	c, _ := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html><title>Sign in</title></html>")
	}))
	sentinel := errors.New("an HTML page")
	check := func(resp *http.Response) error {
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			return sentinel
		}
		return nil
	}
	err := c.Do(context.Background(), Call{Action: greetAction, Body: &greeter.Greet{}, Check: check}, &greeter.GreetResponse{})
	if err != sentinel {
		t.Errorf("err = %v", err)
	}
}
