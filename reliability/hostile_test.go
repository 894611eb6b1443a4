package reliability_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
	"github.com/hrbridge/hrbridge/csf"
	"github.com/hrbridge/hrbridge/csf/csftest"
	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/fault"
	"github.com/hrbridge/hrbridge/internal/fusionjwt"
	"github.com/hrbridge/hrbridge/ohris"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// An expectation is what a row expects of every client or fake its input
// reaches. Whatever the row, a panic, a hang (no answer within hangAfter)
// and an accepted forgery fail it.
type expectation int

const (
	// refused: the client returns a typed error (an *apierr.Error, or an
	// error that is one of the shared sentinels or a package's own typed
	// error); the fake answers 4xx, or a SOAP Client fault.
	refused expectation = iota
	// harmless: the client succeeds or returns a typed error; the fake
	// answers, with anything but a server error. For inputs that are legal
	// (a JSON document with a key twice) and must merely do no harm.
	harmless
)

func (o expectation) String() string { return [...]string{"refused", "harmless"}[o] }

const hangAfter = 20 * time.Second

// A trial is one client or one fake meeting a row's input.
type trial struct {
	target string
	fake   bool
	err    error // the client's error; for a fake, nil when it answered 2xx
	status int   // the fake's status
	body   string
	// forged is set when the input was a forgery and it was accepted.
	forged bool
}

// call runs f, turning a panic into a failure and a hang into an error.
func call(f func(ctx context.Context) error) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), hangAfter)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("PANIC: %v", p)
			}
		}()
		done <- f(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(hangAfter + 5*time.Second):
		return errors.New("HANG: no answer")
	}
}

// typed reports whether err is one a caller can act on without parsing its
// text: an *apierr.Error, one of the shared sentinels, or a package's own
// error type (which all implement Is or Unwrap onto one of them).
func typed(err error) bool {
	var ae *apierr.Error
	if errors.As(err, &ae) {
		return true
	}
	for _, s := range []error{apierr.ErrUnauthorized, apierr.ErrForbidden, apierr.ErrNotFound, apierr.ErrConflict,
		apierr.ErrRateLimited, apierr.ErrUnavailable, apierr.ErrInvalid, apierr.ErrUnexpectedContent,
		hcmatom.ErrBadFeed, hcmatom.ErrBadEntry, hcmatom.ErrBadExtract, hcmatom.ErrBadRow, hcmatom.ErrIntegrity,
		hcmatom.ErrMalformedPGP, hcmatom.ErrNoIntegrity, hcmatom.ErrNotPGP, hcmatom.ErrSignature, hcmatom.ErrWrongKey,
		hcmatom.ErrPlaintextTooLarge, hcmscim.ErrInvalidFilter, ohris.ErrHostKey, ohris.ErrTooLarge,
		cmo.ErrImportFailed, cmo.ErrRejected, sagepeople.ErrBadRecord} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// judge checks a trial against the row's outcome.
func judge(t *testing.T, want expectation, tr trial) {
	t.Helper()
	msg := ""
	if tr.err != nil {
		msg = tr.err.Error()
	}
	switch {
	case strings.HasPrefix(msg, "PANIC") || strings.HasPrefix(msg, "HANG") || errors.Is(tr.err, context.DeadlineExceeded):
		t.Errorf("%s: %s", tr.target, msg)
	case tr.forged:
		t.Errorf("%s: the forgery was accepted (%d %.200s)", tr.target, tr.status, tr.body)
	case tr.fake && tr.status == 0:
		t.Errorf("%s: no answer: %v", tr.target, tr.err)
	case tr.fake && want == refused && !(tr.status >= 400 && tr.status < 500 || soapClientFault(tr)):
		t.Errorf("%s: answered %d, want a refusal: %.300s", tr.target, tr.status, tr.body)
	case tr.fake && tr.status >= 500 && !soapClientFault(tr):
		t.Errorf("%s: answered %d, a server error: %.300s", tr.target, tr.status, tr.body)
	case !tr.fake && want == refused && tr.err == nil:
		t.Errorf("%s: accepted, want a refusal", tr.target)
	case !tr.fake && tr.err != nil && !typed(tr.err):
		t.Errorf("%s: an untyped error: %T: %.300s", tr.target, tr.err, msg)
	}
}

// soapClientFault reports a SOAP 1.1 refusal: a Fault with a Client code,
// which SOAP 1.1 sends with status 500, or ASP.NET's own 500 for a request
// past maxRequestLength, as an ASMX service answers one.
func soapClientFault(tr trial) bool {
	return tr.status == 500 && (strings.Contains(tr.body, "Fault") && regexp.MustCompile(`faultcode>[^<]*Client`).MatchString(tr.body) ||
		strings.HasPrefix(tr.body, "Maximum request length exceeded"))
}

// A clientTarget is one call of one client, against its fake, whose answer
// the hostile rows replace.
type clientTarget struct {
	name   string
	kind   string // "xml" or "json": what the answer is
	faults *fault.Injector
	match  func(*http.Request) bool
	call   func(ctx context.Context) error
	// parse, for a reader of files rather than a client of a server, reads
	// a document; call and faults are then unused.
	parse func(doc []byte) error
	// uncapped: the reader takes a document already in memory, read under
	// a cap elsewhere (hcmatom.Decode: the feed's cap).
	uncapped bool
	// valid is a genuine answer to the call, which hostile inputs are made
	// from, so that the threat sits inside an answer the client would take.
	valid []byte
	ctype string
	// sent is what the call sent, for the fake's verifier: replayed with a
	// hostile body, to the same URL, with the same headers.
	sent *sentRequest
}

type sentRequest struct {
	method, url string
	header      http.Header
	body        []byte
}

// recorder keeps the last request and answer matching a filter.
type recorder struct {
	mu    sync.Mutex
	match func(*http.Request) bool
	req   *sentRequest
	resp  []byte
	ctype string
	base  http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	base := r.base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if err != nil || (r.match != nil && !r.match(req)) {
		return resp, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.req = &sentRequest{method: req.Method, url: req.URL.String(), header: req.Header.Clone(), body: body}
	r.resp, r.ctype = b, resp.Header.Get("Content-Type")
	return resp, err
}

// setup says how the clients are made: against fakes serving TLS (with the
// fakes' CA trusted or not), with a cap on answers.
type setup struct {
	tls, trust bool
	maxBody    int64
}

// connOpts returns the options of a client for the connection conn chose:
// plain HTTP through the recorder, or TLS trusting pool.
func connOpts[O any](h *http.Client, pool *x509.CertPool, insecure func() O, via func(*http.Client) O, roots func(*x509.CertPool) O) []O {
	var opts []O
	if h != nil {
		opts = append(opts, insecure(), via(h))
	}
	if pool != nil {
		opts = append(opts, roots(pool))
	}
	return opts
}

// clientTargets starts every HTTP fake and makes one call of each client,
// recording a genuine request and answer (over plain HTTP; over TLS the
// clients are given the fakes' CA, or nothing, and not recorded).
func clientTargets(t *testing.T, st setup) []*clientTarget {
	t.Helper()
	if st.maxBody == 0 {
		st.maxBody = 1 << 20
	}
	var targets []*clientTarget
	add := func(ct *clientTarget, rec *recorder) {
		if st.tls && !st.trust {
			targets = append(targets, ct) // to be refused: the row judges it
			return
		}
		if err := call(ct.call); err != nil {
			t.Fatalf("%s: the genuine call fails: %v", ct.name, err)
		}
		if rec != nil {
			ct.valid, ct.ctype, ct.sent = rec.resp, rec.ctype, rec.req
		}
		targets = append(targets, ct)
	}
	// conn returns the recorder for plain HTTP (nil over TLS) and the CA
	// pool to trust (nil over plain HTTP or when not trusted).
	conn := func(match func(*http.Request) bool, ca func() *x509.CertPool) (*recorder, *http.Client, *x509.CertPool) {
		if st.tls {
			if st.trust {
				return nil, nil, ca()
			}
			return nil, nil, nil
		}
		rec := &recorder{match: match}
		return rec, &http.Client{Transport: rec}, nil
	}
	retry := time.Millisecond
	all := func(*http.Request) bool { return true }

	{ // hcmatom
		var opts []hcmatomtest.Option
		if st.tls {
			opts = append(opts, hcmatomtest.WithTLS())
		}
		srv := hcmatomtest.NewServer(t, opts...)
		srv.Hire(time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC), hcmatomtest.Worker{PersonNumber: "1001", Name: "Lee, Ann"})
		rec, h, pool := conn(all, srv.RootCAs)
		copts := []hcmatom.Option{hcmatom.WithBasicAuth(srv.Username, srv.Password), hcmatom.WithRetry(0, retry), hcmatom.WithMaxBodyBytes(st.maxBody)}
		copts = append(copts, connOpts(h, pool, hcmatom.WithInsecureHTTP, hcmatom.WithHTTPClient, hcmatom.WithRootCAs)...)
		c, err := hcmatom.NewClient(srv.URL, copts...)
		if err != nil {
			t.Fatal(err)
		}
		add(&clientTarget{name: "hcmatom ReadPage", kind: "xml", faults: srv.Faults, match: all, call: func(ctx context.Context) error {
			p, err := c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed})
			if err != nil {
				return err
			}
			for _, e := range p.Entries {
				if _, err := hcmatom.Decode(hcmatom.NewHireFeed, e); err != nil {
					return err
				}
			}
			return nil
		}}, rec)
	}
	{ // cmo: SOAP import and REST export
		var opts []cmotest.Option
		if st.tls {
			opts = append(opts, cmotest.WithTLS())
		}
		srv := cmotest.NewServer(t, opts...)
		for _, op := range []string{"ImportUsers", "ExportUsersPage"} {
			match, kind := func(r *http.Request) bool { return r.URL.Path == cmo.ServicePath }, "xml"
			if op == "ExportUsersPage" {
				match, kind = func(r *http.Request) bool { return r.URL.Path == cmo.ExportUsersPath }, "json"
			}
			rec, h, pool := conn(match, srv.RootCAs)
			copts := []cmo.Option{cmo.WithLogin(srv.Username, srv.Password), cmo.WithRetry(0, retry), cmo.WithMaxBodyBytes(st.maxBody)}
			copts = append(copts, connOpts(h, pool, cmo.WithInsecureHTTP, cmo.WithHTTPClient, cmo.WithRootCAs)...)
			c, err := cmo.NewClient(srv.URL, copts...)
			if err != nil {
				t.Fatal(err)
			}
			ann := cmo.User{LoginName: "ann", FirstName: cmo.Some("Ann"), LastName: cmo.Some("Lee"), Email: cmo.Some("ann@example.com"), UserRole: cmo.Some("Super User")}
			f := func(ctx context.Context) error { _, err := c.ImportUsers(ctx, []cmo.User{ann}); return err }
			if op == "ExportUsersPage" {
				f = func(ctx context.Context) error { _, err := c.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); return err }
			}
			add(&clientTarget{name: "cmo " + op, kind: kind, faults: srv.Faults, match: match, call: f}, rec)
		}
		// The export API's token endpoint: a new client each time, since
		// a client keeps its token.
		isToken := func(r *http.Request) bool { return r.URL.Path == cmo.TokenPath }
		rec, h, pool := conn(isToken, srv.RootCAs)
		add(&clientTarget{name: "cmo token", kind: "json", faults: srv.Faults, match: isToken, call: func(ctx context.Context) error {
			copts := []cmo.Option{cmo.WithLogin(srv.Username, srv.Password), cmo.WithRetry(0, retry), cmo.WithMaxBodyBytes(st.maxBody)}
			copts = append(copts, connOpts(h, pool, cmo.WithInsecureHTTP, cmo.WithHTTPClient, cmo.WithRootCAs)...)
			c, err := cmo.NewClient(srv.URL, copts...)
			if err != nil {
				return err
			}
			_, err = c.ExportUsersPage(ctx, cmo.ExportQuery{}, "")
			return err
		}}, rec)
	}
	{ // csf
		var opts []csftest.Option
		if st.tls {
			opts = append(opts, csftest.WithTLS())
		}
		srv := csftest.NewServer(t, opts...)
		srv.PutUser(csftest.User{ID: "j@csf.com", UserName: "j", Organization: csftest.SeedOrganizations[0]})
		rec, h, pool := conn(all, srv.RootCAs)
		copts := []csf.Option{csf.WithUsernameToken(srv.Username, srv.Password), csf.WithRetry(0, retry), csf.WithMaxBodyBytes(st.maxBody)}
		copts = append(copts, connOpts(h, pool, csf.WithInsecureHTTP, csf.WithHTTPClient, csf.WithRootCAs)...)
		c, err := csf.NewClient(srv.URL, copts...)
		if err != nil {
			t.Fatal(err)
		}
		add(&clientTarget{name: "csf ReadUser", kind: "xml", faults: srv.Faults, match: all, call: func(ctx context.Context) error {
			_, err := c.ReadUser(ctx, "j@csf.com")
			return err
		}}, rec)
	}
	{ // hcmscim
		var opts []hcmscimtest.Option
		if st.tls {
			opts = append(opts, hcmscimtest.WithTLS())
		}
		srv := hcmscimtest.NewServer(t, opts...)
		n := 0
		for _, op := range []string{"UsersPage", "CreateUser"} {
			rec, h, pool := conn(all, srv.RootCAs)
			copts := []hcmscim.Option{hcmscim.WithBasicAuth(srv.Username, srv.Password), hcmscim.WithRetry(0, retry), hcmscim.WithMaxBodyBytes(st.maxBody)}
			copts = append(copts, connOpts(h, pool, hcmscim.WithInsecureHTTP, hcmscim.WithHTTPClient, hcmscim.WithRootCAs)...)
			c, err := hcmscim.NewClient(srv.URL, copts...)
			if err != nil {
				t.Fatal(err)
			}
			f := func(ctx context.Context) error { _, err := c.UsersPage(ctx, hcmscim.Query{}, ""); return err }
			if op == "CreateUser" {
				f = func(ctx context.Context) error {
					n++
					_, err := c.CreateUser(ctx, hcmscim.User{UserName: fmt.Sprintf("user%d@example.com", n), DisplayName: "A User"})
					return err
				}
			}
			add(&clientTarget{name: "hcmscim " + op, kind: "json", faults: srv.Faults, match: all, call: f}, rec)
		}
	}
	{ // fusionsod
		var opts []fusionsodtest.Option
		if st.tls {
			opts = append(opts, fusionsodtest.WithTLS())
		}
		srv := fusionsodtest.NewServer(t, opts...)
		srv.AddUser("ann")
		rec, h, pool := conn(all, srv.RootCAs)
		copts := []fusionsod.Option{fusionsod.WithBasicAuth(srv.Username, srv.Password), fusionsod.WithRetry(0, retry), fusionsod.WithMaxBodyBytes(st.maxBody)}
		copts = append(copts, connOpts(h, pool, fusionsod.WithInsecureHTTP, fusionsod.WithHTTPClient, fusionsod.WithRootCAs)...)
		c, err := fusionsod.NewClient(srv.URL, copts...)
		if err != nil {
			t.Fatal(err)
		}
		add(&clientTarget{name: "fusionsod CheckRoles", kind: "json", faults: srv.Faults, match: all, call: func(ctx context.Context) error {
			_, err := c.CheckRoles(ctx, "ann", []string{"ORA_AP_PAYABLES_MANAGER_JOB"})
			return err
		}}, rec)
	}
	{ // sagepeople: the data, and the token endpoint
		var opts []sagepeopletest.Option
		if st.tls {
			opts = append(opts, sagepeopletest.WithTLS())
		}
		srv := sagepeopletest.NewServer(t, opts...)
		srv.AddTeamMember(sagepeople.TeamMember{FirstName: "Ann", LastName: "Lee", FullName: "Ann Lee", Email: "ann@example.com"})
		isToken := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/oauth2/token") }
		isData := func(r *http.Request) bool { return !isToken(r) }
		client := func(h *http.Client, pool *x509.CertPool) *sagepeople.Client {
			copts := []sagepeople.Option{sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key), sagepeople.WithRetry(0, retry),
				sagepeople.WithMaxBodyBytes(st.maxBody)}
			copts = append(copts, connOpts(h, pool, sagepeople.WithInsecureHTTP, sagepeople.WithHTTPClient, sagepeople.WithRootCAs)...)
			c, err := sagepeople.NewClient(srv.URL, copts...)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		rec, h, pool := conn(isData, srv.RootCAs)
		c := client(h, pool)
		add(&clientTarget{name: "sagepeople TeamMembersPage", kind: "json", faults: srv.Faults, match: isData, call: func(ctx context.Context) error {
			_, err := c.TeamMembersPage(ctx, sagepeople.Query{}, "")
			return err
		}}, rec)
		trec, th, tpool := conn(isToken, srv.RootCAs)
		add(&clientTarget{name: "sagepeople token", kind: "json", faults: srv.Faults, match: isToken, call: func(ctx context.Context) error {
			// A new client each time: a client keeps its session.
			_, err := client(th, tpool).TeamMembersPage(ctx, sagepeople.Query{}, "")
			return err
		}}, trec)
	}
	return targets
}

// insertXML puts extra inside the root element of doc, right after its
// start tag, and prolog before it.
func insertXML(doc []byte, prolog, extra string) []byte {
	i := 0
	for {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			return nil
		}
		i += j
		if i+1 < len(doc) && (doc[i+1] == '?' || doc[i+1] == '!') {
			i = i + bytes.IndexByte(doc[i:], '>') + 1
			continue
		}
		break
	}
	end := i + bytes.IndexByte(doc[i:], '>') + 1
	var b bytes.Buffer
	b.Write(doc[:i])
	b.WriteString(prolog)
	b.Write(doc[i:end])
	b.WriteString(extra)
	b.Write(doc[end:])
	return b.Bytes()
}

// insertJSON puts members right after the opening brace of the object doc.
func insertJSON(doc []byte, members string) []byte {
	i := bytes.IndexByte(doc, '{')
	if i < 0 {
		return nil
	}
	var b bytes.Buffer
	b.Write(doc[:i+1])
	b.WriteString(members)
	b.Write(doc[i+1:])
	return b.Bytes()
}

const laughs = `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
	`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
	`<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">` +
	`<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">` +
	`<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>`

// A bodyThreat turns a genuine XML or JSON document into a hostile one (nil
// when it does not apply to that kind).
type bodyThreat struct {
	threat, input string
	want          expectation
	make          func(kind string, doc []byte, catcher string) []byte
	// capped: the row is for readers with a cap on what they read.
	capped bool
}

func bodyThreats() []bodyThreat {
	deep := 100_001
	return []bodyThreat{
		{"XML entity expansion (billion laughs)", "a DTD of 10 nested entities ×10, &lol9; in the root", refused,
			func(kind string, doc []byte, _ string) []byte {
				if kind != "xml" {
					return nil
				}
				return insertXML(doc, laughs, "&lol9;")
			}, false},
		{"XML external entity (XXE)", "<!ENTITY xxe SYSTEM \"http://catcher/\"> and file:///etc/passwd, referenced", refused,
			func(kind string, doc []byte, catcher string) []byte {
				if kind != "xml" {
					return nil
				}
				return insertXML(doc, `<!DOCTYPE r [<!ENTITY xxe SYSTEM "`+catcher+`/xxe"><!ENTITY pw SYSTEM "file:///etc/passwd">]>`, "&xxe;&pw;")
			}, false},
		{"DTD declared, not used", "an internal subset before the root, no reference", harmless,
			func(kind string, doc []byte, catcher string) []byte {
				if kind != "xml" {
					return nil
				}
				return insertXML(doc, `<!DOCTYPE r SYSTEM "`+catcher+`/dtd" [<!ENTITY x "y">]>`, "")
			}, false},
		// A decoder that streams may skip a deep subtree in bounded memory
		// (cmo's SOAP reader does, as do the SOAP fakes), one that builds a
		// tree refuses it: either is safe, a stack overflow is not.
		{"deep nesting", fmt.Sprintf("%d nested elements or arrays inside the document", deep), harmless,
			func(kind string, doc []byte, _ string) []byte {
				if kind == "xml" {
					return insertXML(doc, "", strings.Repeat("<a>", deep)+strings.Repeat("</a>", deep))
				}
				return insertJSON(doc, `"zz":`+strings.Repeat("[", deep)+strings.Repeat("]", deep)+",")
			}, false},
		{"huge body past the cap", "5 MiB of filler in a document: past the clients' cap (1 MiB here) and the fakes' (ASP.NET's 4 MiB, Fusion's 1 MiB)", refused,
			func(kind string, doc []byte, _ string) []byte {
				if kind == "xml" {
					return insertXML(doc, "", "<!--"+strings.Repeat("x", 5<<20)+"-->")
				}
				return insertJSON(doc, `"zz":"`+strings.Repeat("x", 5<<20)+`",`)
			}, true},
		{"invalid UTF-8 (XML)", `bytes \xff\xfe\xc0\x80 inside the root`, refused,
			func(kind string, doc []byte, _ string) []byte {
				if kind != "xml" {
					return nil
				}
				return insertXML(doc, "", "\xff\xfe\xc0\x80")
			}, false},
		{"invalid UTF-8 (JSON)", `bytes \xff\xfe\xc0\x80 in the first string value`, harmless,
			func(kind string, doc []byte, _ string) []byte {
				if kind != "json" {
					return nil
				}
				i := bytes.Index(doc, []byte(`":"`))
				if i < 0 {
					return nil
				}
				return append(append(append([]byte{}, doc[:i+3]...), "\xff\xfe\xc0\x80"...), doc[i+3:]...)
			}, false},
		{"JSON duplicate keys", "every key of the document given first with another value", harmless,
			func(kind string, doc []byte, _ string) []byte {
				if kind != "json" {
					return nil
				}
				keys := regexp.MustCompile(`"([A-Za-z_]\w*)"\s*:`).FindAllSubmatch(doc, -1)
				var b strings.Builder
				for _, k := range keys {
					fmt.Fprintf(&b, `%q:"dup",`, k[1])
				}
				return insertJSON(doc, b.String())
			}, false},
		{"JSON huge numbers", "every number made 1e999, and a 400-digit integer", harmless,
			func(kind string, doc []byte, _ string) []byte {
				if kind != "json" {
					return nil
				}
				d := regexp.MustCompile(`:(\s*)-?\d+(\.\d+)?([eE][+-]?\d+)?`).ReplaceAll(doc, []byte(":${1}1e999"))
				return insertJSON(d, `"zz":`+strings.Repeat("9", 400)+",")
			}, false},
	}
}

// catcher is a server that must receive nothing: the target of redirects and
// external entities.
func catcher(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		body, _ := io.ReadAll(r.Body)
		t.Logf("the catcher received %s %s, Authorization %q, %d bytes: %.300s", r.Method, r.URL, r.Header.Get("Authorization"), len(body), body)
		w.Write([]byte("<r>caught</r>"))
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// A hostileRow is one threat: its input, the outcome every client and fake
// it reaches must show, and the trials that take it to them.
type hostileRow struct {
	threat, input string
	want          expectation
	trials        func(t *testing.T) []trial
}

// TestHostileInput is the table of threats. Each row is run against every
// client that can receive its input and every fake that verifies it; none
// may panic, hang or take a forgery, and each meets the row's outcome.
func TestHostileInput(t *testing.T) {
	catch, caught := catcher(t)
	var rows []hostileRow
	run := func(threat, input string, want expectation, f func(t *testing.T) []trial) {
		rows = append(rows, hostileRow{threat, input, want, f})
	}
	// Hostile answers to every client, and the same hostile bodies sent to
	// every fake that reads a request body.
	targets := append(clientTargets(t, setup{maxBody: 1 << 20}), fileTargets(t)...)
	// A replayed request must reach the fake's verifiers: sent again as it
	// was, it is not refused for its credentials (a nonce, a token).
	for _, ct := range targets {
		if ct.sent != nil && len(ct.sent.body) > 0 {
			if tr := replay(ct.name, ct.sent, ct.sent.body); tr.status == 0 || tr.status == 401 || tr.status == 403 || tr.status >= 500 {
				t.Fatalf("%s: the genuine request sent again: %d %v %.300s", ct.name, tr.status, tr.err, tr.body)
			}
		}
	}
	for _, bt := range bodyThreats() {
		run(bt.threat, bt.input, bt.want, func(t *testing.T) []trial {
			var ts []trial
			for _, ct := range targets {
				if bt.capped && ct.uncapped {
					continue
				}
				if body := bt.make(ct.kind, ct.valid, catch.URL); body != nil && ct.parse != nil {
					ts = append(ts, trial{target: ct.name, err: call(func(context.Context) error { return ct.parse(body) })})
				} else if body != nil {
					ct.faults.Push(fault.Fault{Match: ct.match, Status: 200, Header: http.Header{"Content-Type": {ct.ctype}}, Body: string(body)})
					err := call(ct.call)
					ct.faults.Reset()
					ts = append(ts, trial{target: ct.name, err: err})
				}
				if ct.sent == nil || len(ct.sent.body) == 0 {
					continue
				}
				kind := ""
				switch reqType := ct.sent.header.Get("Content-Type"); {
				case strings.Contains(reqType, "xml"):
					kind = "xml"
				case strings.Contains(reqType, "json"):
					kind = "json"
				}
				if body := bt.make(kind, ct.sent.body, catch.URL); kind != "" && body != nil {
					ts = append(ts, replay("fake of "+ct.name, ct.sent, body))
				}
			}
			return ts
		})
	}
	requestRows(t, catch, run)

	trials := 0
	for _, r := range rows {
		t.Run(r.threat, func(t *testing.T) {
			before := caught.Load()
			ts := r.trials(t)
			if len(ts) == 0 {
				t.Fatal("the row reached no client and no fake")
			}
			for _, tr := range ts {
				judge(t, r.want, tr)
			}
			if n := caught.Load() - before; n > 0 {
				t.Errorf("%d requests reached the server the input pointed at", n)
			}
			trials += len(ts)
			t.Logf("%s | %s | %s | %d trials", r.threat, r.input, r.want, len(ts))
		})
	}
	t.Logf("%d threats, %d trials (a client or a fake meeting one input)", len(rows), trials)
}

// replay sends a recorded request again with another body, and returns the
// fake's answer as a trial.
func replay(target string, sent *sentRequest, body []byte) trial {
	tr := trial{target: target, fake: true}
	tr.err = call(func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, sent.method, sent.url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		for k, v := range sent.header {
			req.Header[k] = v
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		tr.status, tr.body = resp.StatusCode, string(b)
		return nil
	})
	return tr
}

// The rows whose input is not a body: injections into the filters and
// queries the clients build, forged JWTs, a tampered PGP message, a wrong
// host key, an untrusted certificate and redirects.
// requestRows adds the rows whose input is not a body: injections into the
// filters and queries the clients build, forged JWTs, a tampered PGP message,
// a wrong host key, an untrusted certificate and redirects.
func requestRows(t *testing.T, catch *httptest.Server, run func(threat, input string, want expectation, f func(t *testing.T) []trial)) {
	// Injections: each value must match itself, literally, and so nobody.
	run("SCIM filter injection", `userName eq <value> with quotes, or, pr, parentheses, backslash, *, &, <`, harmless, func(t *testing.T) []trial {
		srv := hcmscimtest.NewServer(t)
		srv.AddUser(hcmscim.User{UserName: "ann@example.com"})
		srv.AddUser(hcmscim.User{UserName: "bob@example.com"})
		c, err := hcmscim.NewClient(srv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithBasicAuth(srv.Username, srv.Password))
		if err != nil {
			t.Fatal(err)
		}
		var ts []trial
		for _, v := range []string{`ann@example.com" or userName pr or userName eq "`, `x") or (userName pr`, `x\" or userName pr or userName eq \"`,
			`*`, `%`, `ann@example.com" or "1" eq "1`, `a&b<c>'d`, "ann@example.com\x00"} {
			for _, f := range []hcmscim.Filter{hcmscim.Eq("userName", v), hcmscim.Sw("userName", v), hcmscim.Co("userName", v)} {
				tr := trial{target: "hcmscim Users filter " + f.String()}
				tr.err = call(func(ctx context.Context) error {
					p, err := c.UsersPage(ctx, hcmscim.Query{Filter: f}, "")
					if err == nil && len(p.Items) > 0 {
						tr.forged, tr.body = true, p.Items[0].UserName
					}
					return err
				})
				ts = append(ts, tr)
			}
		}
		// The fake's own filter parser, with filters no client builds.
		for _, raw := range []string{`userName eq "ann@example.com`, `userName eq "ann@example.com" or`, `userName eq ann@example.com`,
			strings.Repeat("(", 100_000) + `userName pr` + strings.Repeat(")", 100_000), `userName eq "a" and ` + strings.Repeat(`not (`, 5000)} {
			ts = append(ts, replay("hcmscimtest filter "+raw[:min(len(raw), 40)], &sentRequest{method: "GET",
				url:    srv.URL + hcmscim.DefaultPath + "/Users?filter=" + url.QueryEscape(raw),
				header: http.Header{"Authorization": {"Basic " + basic(srv.Username, srv.Password)}}}, nil))
			ts[len(ts)-1].forged = ts[len(ts)-1].status == 200
		}
		return ts
	})

	run("SOQL injection", `Name = <value> with quotes, backslashes, OR, LIKE wildcards`, harmless, func(t *testing.T) []trial {
		srv := sagepeopletest.NewServer(t)
		srv.AddTeamMember(sagepeople.TeamMember{FirstName: "Ann", LastName: "Lee", FullName: "Ann Lee", Email: "ann@example.com"})
		c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(), sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key))
		if err != nil {
			t.Fatal(err)
		}
		var ts []trial
		for _, v := range []string{`x' OR Name != '`, `x\' OR Name != \'`, `x\\' OR Name != '`, `x' OR Id != null OR Name = 'y`, "%", "_%",
			`Ann Lee' LIMIT 1 --`, "x'\nOR Name != '"} {
			for _, cond := range []sagepeople.Cond{sagepeople.Eq("Name", v), sagepeople.Like("Name", sagepeople.LikeEscape(v)), sagepeople.In("Name", v, "y")} {
				tr := trial{target: "sagepeople TeamMembers where " + cond.String()}
				tr.err = call(func(ctx context.Context) error {
					p, err := c.TeamMembersPage(ctx, sagepeople.Query{Where: cond}, "")
					if err == nil && len(p.Items) > 0 {
						tr.forged, tr.body = true, p.Items[0].FullName
					}
					return err
				})
				ts = append(ts, tr)
			}
		}
		// The fake's SOQL parser, with queries no client builds.
		var auth string
		for _, r := range srv.Requests() {
			if a := r.Header.Get("Authorization"); a != "" {
				auth = a
			}
		}
		for _, q := range []string{`SELECT Id FROM fHCM2__Team_Member__c WHERE Name = 'x`, `SELECT Id FROM fHCM2__Team_Member__c WHERE Name = 'x' OR`,
			`SELECT Id FROM fHCM2__Team_Member__c WHERE ` + strings.Repeat("(", 100_000) + `Name = 'x'` + strings.Repeat(")", 100_000),
			`SELECT Id FROM fHCM2__Team_Member__c WHERE Name = 'x\'`, `SELECT Id FROM fHCM2__Team_Member__c; DELETE fHCM2__Team_Member__c`} {
			tr := replay("sagepeopletest query "+q[min(len(q), 38):min(len(q), 80)], &sentRequest{method: "GET",
				url:    srv.InstanceURL + "/services/data/v" + sagepeople.DefaultAPIVersion + "/query?q=" + url.QueryEscape(q),
				header: http.Header{"Authorization": {auth}}}, nil)
			tr.forged = tr.status == 200
			ts = append(ts, tr)
		}
		return ts
	})

	run("CSF filter injection", `an equality on samaccountname with *, parentheses, &, |, <, quotes, backslash`, harmless, func(t *testing.T) []trial {
		srv := csftest.NewServer(t)
		for _, id := range []string{"ann", "bob"} {
			srv.PutUser(csftest.User{ID: id + "@csf.com", UserName: id, Organization: csftest.SeedOrganizations[0],
				Properties: csf.Properties{}.Set(csf.PropSAMAccountName, id).Set(csf.PropObjectClass, "user")})
		}
		rec := &recorder{}
		c, err := csf.NewClient(srv.URL, csf.WithInsecureHTTP(), csf.WithUsernameToken(srv.Username, srv.Password), csf.WithHTTPClient(&http.Client{Transport: rec}))
		if err != nil {
			t.Fatal(err)
		}
		var ts []trial
		for _, v := range []string{"*", "ann)(samaccountname=*", "x)(|(objectClass=*)", "*)(&", `a&b<c>"d'`, `ann\`, "ann\x00", "(objectClass=user)"} {
			for _, f := range []csf.Filter{csf.Eq(csf.PropSAMAccountName, v), csf.HasPrefix(csf.PropSAMAccountName, v), csf.Contains(csf.PropSAMAccountName, v)} {
				tr := trial{target: "csf ReadUsers " + f.String()}
				tr.err = call(func(ctx context.Context) error {
					p, err := c.ReadUsersPage(ctx, csf.Query{Organization: csftest.SeedOrganizations[0], Filter: f}, "")
					if err == nil && len(p.Items) > 0 {
						tr.forged, tr.body = true, p.Items[0].ID
					}
					return err
				})
				ts = append(ts, tr)
			}
		}
		// The fake's filter reader, with filters no client builds: a
		// match type it does not know, a match without a name, a value
		// that is an element.
		if _, err := c.ReadUsersPage(context.Background(), csf.Query{Organization: csftest.SeedOrganizations[0], Filter: csf.Eq(csf.PropSAMAccountName, "nobody")}, ""); err != nil {
			t.Fatal(err)
		}
		sent := rec.req
		for name, edit := range map[string]func(string) string{
			"unknown match type": func(b string) string {
				return regexp.MustCompile(`"[A-Za-z:]*EqualityMatch"`).ReplaceAllString(b, `"PresenceOrAnything"`)
			},
			"match without name": func(b string) string {
				return regexp.MustCompile(`<([\w:]*)Name>[^<]*</[\w:]*Name>`).ReplaceAllString(b, "")
			},
			"value an element": func(b string) string { return strings.Replace(b, "nobody", "<x>*</x>", 1) },
		} {
			body := edit(string(sent.body))
			if body == string(sent.body) {
				t.Fatalf("%s: the request did not change:\n%s", name, body)
			}
			tr := replay("csftest filter: "+name, sent, []byte(body))
			tr.forged = tr.status == 200 && strings.Contains(tr.body, "@csf.com")
			ts = append(ts, tr)
		}
		return ts
	})

	// Forged JWTs against every verifier: the Fusion JWT of the three
	// Oracle fakes (through each client, as a bearer token), and the JWT
	// bearer grant of Salesforce's token endpoint.
	key, cert, err := sagepeopletest.NewKeyPair("ems.example")
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := sagepeopletest.NewKeyPair("attacker")
	if err != nil {
		t.Fatal(err)
	}
	sp := sagepeopletest.NewServer(t, sagepeopletest.WithJWTBearer("3MVG9-consumer", "sync@acme.example", cert))
	hcmatomSrv := hcmatomtest.NewServer(t, hcmatomtest.WithFusionJWT("ems.example", cert))
	scimSrv := hcmscimtest.NewServer(t, hcmscimtest.WithFusionJWT("ems.example", cert))
	sodSrv := fusionsodtest.NewServer(t, fusionsodtest.WithFusionJWT("ems.example", cert))
	sodSrv.AddUser("ann")
	fusionClaims := func(now time.Time) jwt.MapClaims {
		return jwt.MapClaims{"iss": "ems.example", "sub": hcmatomtest.DefaultUsername, "prn": hcmatomtest.DefaultUsername,
			"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
	}
	sfClaims := func(now time.Time) jwt.MapClaims {
		return jwt.MapClaims{"iss": "3MVG9-consumer", "sub": "sync@acme.example", "aud": sp.Audience, "exp": now.Add(2 * time.Minute).Unix()}
	}
	pubPKIX, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubPKIX})
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	sign := func(m jwt.SigningMethod, k any, claims jwt.MapClaims) string {
		tok := jwt.NewWithClaims(m, claims)
		tok.Header["x5t"] = fusionjwt.Thumbprint(cert)
		s, err := tok.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	jwtTrials := func(t *testing.T, forge func(claims jwt.MapClaims) string) []trial {
		now := time.Now()
		var ts []trial
		bearer := func(tok string) oauth2.TokenSource {
			return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: tok, Expiry: now.Add(time.Hour)})
		}
		for _, target := range []struct {
			name string
			call func(ctx context.Context, tok string) error
		}{
			{"hcmatomtest (Fusion JWT, via hcmatom)", func(ctx context.Context, tok string) error {
				c, err := hcmatom.NewClient(hcmatomSrv.URL, hcmatom.WithInsecureHTTP(), hcmatom.WithTokenSource(bearer(tok)), hcmatom.WithRetry(0, time.Millisecond))
				if err != nil {
					return err
				}
				_, err = c.ReadPage(ctx, hcmatom.Query{Collection: hcmatom.NewHireFeed})
				return err
			}},
			{"hcmscimtest (Fusion JWT, via hcmscim)", func(ctx context.Context, tok string) error {
				c, err := hcmscim.NewClient(scimSrv.URL, hcmscim.WithInsecureHTTP(), hcmscim.WithTokenSource(bearer(tok)), hcmscim.WithRetry(0, time.Millisecond))
				if err != nil {
					return err
				}
				_, err = c.UsersPage(ctx, hcmscim.Query{}, "")
				return err
			}},
			{"fusionsodtest (Fusion JWT, via fusionsod)", func(ctx context.Context, tok string) error {
				c, err := fusionsod.NewClient(sodSrv.URL, fusionsod.WithInsecureHTTP(), fusionsod.WithTokenSource(bearer(tok)), fusionsod.WithRetry(0, time.Millisecond))
				if err != nil {
					return err
				}
				_, err = c.CheckRoles(ctx, "ann", []string{"ORA_AP_PAYABLES_MANAGER_JOB"})
				return err
			}},
		} {
			// The genuine token first: the forgery must be refused for
			// what it is, not because nothing is accepted.
			if err := call(func(ctx context.Context) error {
				return target.call(ctx, sign(jwt.SigningMethodRS256, key, fusionClaims(now)))
			}); err != nil {
				t.Fatalf("%s: the genuine JWT is refused: %v", target.name, err)
			}
			tr := trial{target: target.name}
			tr.err = call(func(ctx context.Context) error { return target.call(ctx, forge(fusionClaims(now))) })
			tr.forged = tr.err == nil
			ts = append(ts, tr)
		}
		grant := func(assertion string) trial {
			return replay("sagepeopletest token endpoint (JWT bearer grant)", &sentRequest{method: "POST", url: sp.URL + "/services/oauth2/token",
				header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}},
				[]byte(url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}.Encode()))
		}
		if tr := grant(sign(jwt.SigningMethodRS256, key, sfClaims(now))); tr.status != 200 {
			t.Fatalf("the genuine assertion is refused: %d %s", tr.status, tr.body)
		}
		tr := grant(forge(sfClaims(now)))
		tr.forged = tr.status/100 == 2
		return append(ts, tr)
	}
	forgeries := []struct {
		threat, input string
		forge         func(c jwt.MapClaims) string
	}{
		{"JWT alg none", `{"alg":"none"}, the claims of a genuine token, no signature`, func(c jwt.MapClaims) string {
			return sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, c)
		}},
		{"JWT HS256 keyed with the public key (PEM)", "HS256, the HMAC key the PEM of the trusted RSA public key", func(c jwt.MapClaims) string {
			return sign(jwt.SigningMethodHS256, pubPEM, c)
		}},
		{"JWT HS256 keyed with the certificate (PEM)", "HS256, the HMAC key the PEM of the trusted certificate", func(c jwt.MapClaims) string {
			return sign(jwt.SigningMethodHS256, certPEM, c)
		}},
		{"JWT HS256 keyed with the certificate (DER)", "HS256, the HMAC key the trusted certificate's DER", func(c jwt.MapClaims) string {
			return sign(jwt.SigningMethodHS256, cert.Raw, c)
		}},
		{"JWT expired", "RS256 with the genuine key, exp an hour ago", func(c jwt.MapClaims) string {
			c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
			return sign(jwt.SigningMethodRS256, key, c)
		}},
		{"JWT not yet valid", "RS256 with the genuine key, nbf in an hour", func(c jwt.MapClaims) string {
			c["nbf"] = time.Now().Add(time.Hour).Unix()
			return sign(jwt.SigningMethodRS256, key, c)
		}},
		{"JWT without exp", "RS256 with the genuine key, no exp", func(c jwt.MapClaims) string {
			delete(c, "exp")
			return sign(jwt.SigningMethodRS256, key, c)
		}},
		{"JWT signed by another key", "RS256 with an attacker's key, the trusted certificate's x5t", func(c jwt.MapClaims) string {
			return sign(jwt.SigningMethodRS256, other, c)
		}},
		{"JWT with another issuer", "RS256 with the genuine key, iss an unknown client", func(c jwt.MapClaims) string {
			c["iss"] = "attacker.example"
			return sign(jwt.SigningMethodRS256, key, c)
		}},
	}
	for _, f := range forgeries {
		run(f.threat, f.input, refused, func(t *testing.T) []trial { return jwtTrials(t, f.forge) })
	}

	run("tampered PGP message", "an encrypted, signed extract with a byte flipped (near the start, the middle, the end); a genuine one signed by another key", refused, func(t *testing.T) []trial {
		srv := hcmatomtest.NewServer(t)
		srv.Hire(time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC), hcmatomtest.Worker{PersonNumber: "1001", Name: "Lee, Ann"})
		kp, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "customer", Bits: 2048})
		if err != nil {
			t.Fatal(err)
		}
		hcm, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "hcm", Bits: 2048})
		if err != nil {
			t.Fatal(err)
		}
		intruder, err := hcmatom.GenerateKeyPair(hcmatom.KeySpec{Name: "intruder", Bits: 2048})
		if err != nil {
			t.Fatal(err)
		}
		d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(kp.PrivateKey, nil), hcmatom.WithSigner(hcm.PublicKey))
		if err != nil {
			t.Fatal(err)
		}
		open := func(msg []byte) error {
			p, err := d.Decrypt(bytes.NewReader(msg))
			if err != nil {
				return err
			}
			_, err = io.Copy(io.Discard, p)
			return err
		}
		var genuine, forged bytes.Buffer
		if err := srv.EncryptedExtract(&genuine, kp.PublicKey, hcm.PrivateKey); err != nil {
			t.Fatal(err)
		}
		if err := open(genuine.Bytes()); err != nil {
			t.Fatalf("the genuine extract: %v", err)
		}
		var ts []trial
		for _, at := range []int{40, genuine.Len() / 2, genuine.Len() - 20} {
			b := bytes.Clone(genuine.Bytes())
			b[at] ^= 0x01
			tr := trial{target: fmt.Sprintf("hcmatom Decrypter (byte %d of %d flipped)", at, len(b))}
			tr.err = call(func(context.Context) error { return open(b) })
			tr.forged = tr.err == nil
			ts = append(ts, tr)
		}
		if err := srv.EncryptedExtract(&forged, kp.PublicKey, intruder.PrivateKey); err != nil {
			t.Fatal(err)
		}
		tr := trial{target: "hcmatom Decrypter (signed by another key)"}
		tr.err = call(func(context.Context) error { return open(forged.Bytes()) })
		tr.forged = tr.err == nil
		return append(ts, tr)
	})

	run("wrong SSH host key", "an SFTP server whose host key is not the pinned one (by key, by fingerprint, by known_hosts)", refused, func(t *testing.T) []trial {
		srv := ohristest.NewServer(t)
		_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
		sshPub, _ := ssh.NewPublicKey(otherKey.Public())
		known := t.TempDir() + "/known_hosts"
		if err := os.WriteFile(known, []byte(knownhosts.Line([]string{srv.Addr}, sshPub)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var ts []trial
		for name, pin := range map[string]ohris.Option{"key": ohris.WithHostKey(otherKey.Public()),
			"fingerprint": ohris.WithHostKeyFingerprint(ssh.FingerprintSHA256(sshPub)), "known_hosts": ohris.WithKnownHosts(known)} {
			tr := trial{target: "ohris pinned by " + name}
			tr.err = call(func(ctx context.Context) error {
				c, err := ohris.NewClient(srv.URL, pin, ohris.WithPassword(srv.Username, srv.Password))
				if err != nil {
					return err
				}
				defer c.Close()
				for _, err := range c.Depot(ctx, ohris.Prod) {
					if err != nil {
						return err
					}
				}
				return nil
			})
			tr.forged = tr.err == nil
			ts = append(ts, tr)
		}
		if logins := srv.Logins(); logins != 0 {
			t.Errorf("the password was sent to a server with the wrong key: %d logins", logins)
		}
		return ts
	})

	run("TLS certificate not trusted", "every fake over HTTPS, the client not given its CA", refused, func(t *testing.T) []trial {
		var ts []trial
		for _, ct := range clientTargets(t, setup{tls: true}) {
			ts = append(ts, trial{target: ct.name, err: call(ct.call)})
		}
		return ts
	})

	_, port, _ := strings.Cut(strings.TrimPrefix(catch.URL, "http://"), ":")
	for _, r := range []struct {
		threat, input string
		tls           bool
		location      string
	}{
		{"redirect to another host", "302, 307 and 308 to http://localhost:<port>, from a fake on 127.0.0.1", false, "http://localhost:" + port + "/stolen"},
		{"redirect to plain HTTP", "302, 307 and 308 from a fake on HTTPS to http://127.0.0.1:<port>", true, catch.URL + "/stolen"},
	} {
		run(r.threat, r.input, refused, func(t *testing.T) []trial {
			var ts []trial
			for _, ct := range clientTargets(t, setup{tls: r.tls, trust: true}) {
				for _, status := range []int{302, 307, 308} {
					ct.faults.Push(fault.Fault{Match: ct.match, Status: status, Header: http.Header{"Location": {r.location}}})
					err := call(ct.call)
					ct.faults.Reset()
					ts = append(ts, trial{target: fmt.Sprintf("%s (%d)", ct.name, status), err: err})
				}
			}
			return ts
		})
	}
}

func basic(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}

// fileTargets are the readers of files from outside: oHRis's user flux
// (what another system left in the depot may be read back).
func fileTargets(t *testing.T) []*clientTarget {
	flux, err := os.ReadFile("../ohris/testdata/seed-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	read := func(doc []byte) error {
		for _, err := range ohris.NewReader(bytes.NewReader(doc)).Users() {
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := read(flux); err != nil {
		t.Fatalf("ohris Reader: the seed's flux: %v", err)
	}
	// The JSON document in the <content> of an HCM feed entry.
	srv := hcmatomtest.NewServer(t)
	srv.Hire(time.Date(2024, 1, 2, 9, 0, 0, 0, time.UTC), hcmatomtest.Worker{PersonNumber: "1001", Name: "Lee, Ann"})
	entries := srv.Entries(hcmatom.NewHireFeed)
	if len(entries) == 0 {
		t.Fatal("hcmatomtest: no newhire entry")
	}
	entry := entries[0]
	decode := func(doc []byte) error {
		e := entry
		e.Content = string(doc)
		_, err := hcmatom.Decode(hcmatom.NewHireFeed, e)
		return err
	}
	if err := decode([]byte(entry.Content)); err != nil {
		t.Fatalf("hcmatom Decode: the genuine entry: %v", err)
	}
	return []*clientTarget{{name: "ohris Reader", kind: "xml", valid: flux, parse: read},
		{name: "hcmatom Decode (entry content)", kind: "json", valid: []byte(entry.Content), parse: decode, uncapped: true}}
}
