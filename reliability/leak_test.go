package reliability_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hrbridge/hrbridge/internal/apierr"
)

// A leakScan collects what a client lets out (its debug log lines, the
// errors it returns) and the secrets it was given or saw on the wire, and
// looks for every secret in every encoding a leak takes.
type leakScan struct {
	t *testing.T

	mu      sync.Mutex
	secrets map[string]string // value → what it is
	logs    bytes.Buffer
	errs    []string
}

func newLeakScan(t *testing.T) *leakScan {
	return &leakScan{t: t, secrets: map[string]string{}}
}

// secret adds a value no output may carry.
func (s *leakScan) secret(what, v string) {
	if len(v) < 6 {
		s.t.Fatalf("secret %s %q is too short to be recognised", what, v)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.secrets[v]; !ok {
		s.secrets[v] = what
	}
}

// logger logs at debug level, as text and as JSON (the two handlers a
// program uses), into the scan's buffer.
func (s *leakScan) logger() *slog.Logger {
	w := lockedWriter{mu: &s.mu, w: &s.logs}
	opts := &slog.HandlerOptions{Level: slog.LevelDebug}
	return slog.New(fanout{slog.NewTextHandler(w, opts), slog.NewJSONHandler(w, opts)})
}

// err records an error's text, and the message of an *apierr.Error on its
// own (a program may log just that). A nil error is recorded as missing.
func (s *leakScan) err(op string, err error) {
	s.t.Helper()
	if err == nil {
		s.t.Errorf("%s: an error was expected", op)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// The text, and the value as a program may print or log it.
	s.errs = append(s.errs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	var ae *apierr.Error
	if errors.As(err, &ae) {
		s.errs = append(s.errs, ae.Message, ae.URL, ae.Code, fmt.Sprintf("%+v", *ae), fmt.Sprintf("%#v", *ae))
	}
}

// text records output the scan should also read (an example's output).
func (s *leakScan) text(out string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs = append(s.errs, strings.Split(out, "\n")...)
}

// check looks for every secret in every encoding, and returns how many lines
// it read and how many secrets (encodings apart) it looked for.
func (s *leakScan) check() (lines, secrets int) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append(strings.Split(strings.TrimSuffix(s.logs.String(), "\n"), "\n"), s.errs...)
	if s.logs.Len() == 0 {
		s.t.Error("nothing was logged: the debug records are not being scanned")
	}
	for v, what := range s.secrets {
		for enc, form := range encodings(v) {
			for i, line := range out {
				if strings.Contains(line, form) {
					s.t.Errorf("%s (%s) leaks in line %d: %s", what, enc, i, line)
				}
			}
		}
	}
	return len(out), len(s.secrets)
}

// encodings returns the forms a secret takes in a leak: as it is, in base64
// (as in a Basic header or a PEM body), URL-escaped (a query or a form),
// XML-escaped (a SOAP body), JSON- or Go-quoted (a JSON body, a log value).
// Forms shorter than 6 bytes are left out: they would match by chance.
func encodings(v string) map[string]string {
	b := []byte(v)
	forms := map[string]string{
		"raw":        v,
		"base64":     base64.StdEncoding.EncodeToString(b),
		"base64-raw": base64.RawStdEncoding.EncodeToString(b),
		"base64url":  base64.RawURLEncoding.EncodeToString(b),
		"query":      url.QueryEscape(v),
		"path":       url.PathEscape(v),
		"go-quoted":  strings.Trim(strconv.Quote(v), `"`),
	}
	var x strings.Builder
	xml.EscapeText(&x, b)
	forms["xml"] = x.String()
	j, _ := json.Marshal(v)
	forms["json"] = strings.Trim(string(j), `"`)
	var jn bytes.Buffer
	enc := json.NewEncoder(&jn)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	forms["json-unescaped-html"] = strings.Trim(strings.TrimSpace(jn.String()), `"`)
	for k, f := range forms {
		if len(f) < 6 {
			delete(forms, k)
		}
	}
	return forms
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// fanout sends each record to every handler.
type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool { return f[0].Enabled(ctx, l) }

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f {
		if err := h.Handle(ctx, r.Clone()); err != nil {
			return err
		}
	}
	return nil
}

func (f fanout) WithAttrs(as []slog.Attr) slog.Handler {
	g := make(fanout, len(f))
	for i, h := range f {
		g[i] = h.WithAttrs(as)
	}
	return g
}

func (f fanout) WithGroup(name string) slog.Handler {
	g := make(fanout, len(f))
	for i, h := range f {
		g[i] = h.WithGroup(name)
	}
	return g
}

// A wire is what one client sends: the secrets it was given to send, and
// the credentials its transport puts on the wire that the test did not
// choose (the value of each Authorization header: a Basic pair, a bearer
// token, a JWT assertion, a session id; the assertion of an OAuth JWT
// bearer grant). A server can echo only these to that client.
type wire struct {
	s    *leakScan
	mu   sync.Mutex
	sent []string
}

// wire starts the record of a client's requests with the secrets it sends.
func (s *leakScan) wire(sent ...string) *wire { return &wire{s: s, sent: sent} }

func (w *wire) saw(what, v string) {
	w.s.secret(what, v)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sent = append(w.sent, v)
}

// http is the http.Client to give the client (WithHTTPClient).
func (w *wire) http() *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if a := r.Header.Get("Authorization"); a != "" {
			_, cred, _ := strings.Cut(a, " ")
			w.saw("credential on the wire ("+strings.Fields(a)[0]+")", cred)
		}
		if r.Body != nil && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			body, err := io.ReadAll(r.Body)
			r.Body.Close()
			if err != nil {
				return nil, err
			}
			if form, err := url.ParseQuery(string(body)); err == nil && form.Get("assertion") != "" {
				w.saw("JWT assertion", form.Get("assertion"))
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
}

// echo is a server answer that repeats every secret the client sent, in the
// forms servers echo requests in: headers, a JSON document, XML elements, a
// form and prose.
func (w *wire) echo() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var b strings.Builder
	b.WriteString("request rejected; you sent:\n")
	for _, v := range w.sent {
		fmt.Fprintf(&b, "Authorization: Basic %s\nAuthorization: Bearer %s\n{\"password\":%q,\"access_token\":%q,\"assertion\":%q}\n<Password>%s</Password><wsse:Password>%s</wsse:Password>\npassword=%s&token=%s\nthe value %s is wrong\n",
			v, v, v, v, v, v, v, v, v, v)
	}
	return b.String()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
