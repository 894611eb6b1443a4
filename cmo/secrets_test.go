package cmo_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hrbridge/hrbridge/cmo"
	"github.com/hrbridge/hrbridge/cmo/cmotest"
)

// TestSecretsNeverAppear drives every kind of error and debug logging with
// known credentials, user passwords and tokens, and checks that none of them
// shows in an error text or a log line.
func TestSecretsNeverAppear(t *testing.T) {
	const (
		login        = "hr-sync-bot"
		password     = "Tr0ub4dor&3-secret"
		wrong        = "Wrong-Passw0rd!"
		userPassword = "ann-Pa55word!"
	)
	srv := cmotest.NewServer(t, cmotest.WithAccount(login, password, true), cmotest.WithAccount("reader", password+"-r", false))
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	client := func(login, password string) *cmo.Client {
		c, err := cmo.NewClient(srv.URL, cmo.WithLogin(login, password), cmo.WithInsecureHTTP(), cmo.WithLogger(logger), cmo.WithRetry(1, time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	c := client(login, password)
	var errs []error
	note := func(err error) {
		if err == nil {
			t.Error("an error was expected")
		}
		errs = append(errs, err)
	}

	ann := person("ann")
	ann.Password = cmo.Some(userPassword)
	if _, err := c.ImportUsers(ctx, []cmo.User{ann}); err != nil {
		t.Fatal(err)
	}
	// Validation: a user with a password and a bad field.
	bad := ann
	bad.Password = cmo.Some(userPassword + "\x01")
	_, err := c.ImportUsers(ctx, []cmo.User{bad})
	note(err)
	// A user CMO refuses (unknown role), password in the request.
	refused := ann
	refused.UserRole = cmo.Some("Nobody")
	_, err = c.ImportUsers(ctx, []cmo.User{refused})
	note(err)
	// Server errors that echo the request.
	echo := "<html>login=" + login + " password=" + password + " <Password>" + userPassword + "</Password></html>"
	srv.Faults.Push(cmotest.Fault{Status: 503, RetryAfter: "0", Body: echo}) // an import is not retried after a 503
	_, err = c.ImportUsers(ctx, []cmo.User{ann})
	note(err)
	srv.Faults.Push(cmotest.Fault{Status: 500, Header: http.Header{"Content-Type": {"text/xml"}},
		Body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>bad request for ` + login + ` / ` + password + `</faultstring></soap:Fault></soap:Body></soap:Envelope>`})
	_, err = c.ImportUsers(ctx, []cmo.User{ann})
	note(err)
	// Wrong password, on both APIs.
	w := client(login, wrong)
	_, err = w.ImportUsers(ctx, []cmo.User{ann})
	note(err)
	_, err = w.ExportUsersPage(ctx, cmo.ExportQuery{}, "")
	note(err)
	// The export: a token refused twice, a token endpoint echoing, a
	// forbidden account.
	if _, err := c.ExportUsersPage(ctx, cmo.ExportQuery{}, ""); err != nil {
		t.Fatal(err)
	}
	srv.RotateSecret()
	srv.Faults.Push(cmotest.Fault{Status: 401, Body: `{"Message":"denied"}`, Times: 2, Match: isExport})
	_, err = c.ExportUsersPage(ctx, cmo.ExportQuery{}, "")
	note(err)
	srv.Faults.Push(cmotest.Fault{Status: 400, Body: `{"login":"` + login + `","password":"` + password + `"}`, Match: func(r *http.Request) bool { return r.URL.Path == cmo.TokenPath }})
	_, err = client(login, password).ExportUsersPage(ctx, cmo.ExportQuery{}, "")
	note(err)
	_, err = client("reader", password+"-r").ExportUsersPage(ctx, cmo.ExportQuery{}, "")
	note(err)
	srv.Faults.Push(cmotest.Fault{Garble: true, Match: isExport})
	_, err = c.ExportUsersPage(ctx, cmo.ExportQuery{}, "")
	note(err)

	secrets := []string{login, password, wrong, userPassword, "reader"}
	tokens := 0
	for _, r := range srv.Requests() {
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			secrets = append(secrets, tok)
			tokens++
		}
	}
	if tokens < 3 {
		t.Fatalf("only %d requests carried a token", tokens)
	}
	var text strings.Builder
	for _, err := range errs {
		text.WriteString(err.Error() + "\n")
		var ae *cmo.APIError
		if errors.As(err, &ae) {
			text.WriteString(ae.Message + "\n")
		}
	}
	if logs.Len() == 0 {
		t.Fatal("nothing was logged")
	}
	for _, s := range secrets {
		if strings.Contains(text.String(), s) {
			t.Errorf("%q in an error:\n%s", s, text.String())
		}
		if strings.Contains(logs.String(), s) {
			t.Errorf("%q in the log:\n%s", s, logs.String())
		}
	}
}
