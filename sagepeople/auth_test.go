package sagepeople_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

func TestNewClientNeedsCredentials(t *testing.T) {
	if _, err := sagepeople.NewClient("https://login.salesforce.com"); err == nil {
		t.Error("NewClient without credentials: no error")
	}
	key := sagepeopletest.NewServer(t).Key
	for _, opts := range [][]sagepeople.Option{
		{sagepeople.WithJWTBearer("", "u", sagepeople.LoginAudience, key)},
		{sagepeople.WithJWTBearer("c", "u", sagepeople.LoginAudience, nil)},
		{sagepeople.WithJWTBearer("c", "u", "not a url", key)},
		{sagepeople.WithJWTBearer("c", "u", sagepeople.LoginAudience, key), sagepeople.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x"}))},
		{sagepeople.WithJWTBearer("c", "u", sagepeople.LoginAudience, key), sagepeople.WithAPIVersion("latest")},
		{sagepeople.WithJWTBearer("c", "u", sagepeople.LoginAudience, key), sagepeople.WithCustomFields("Bad Name")},
	} {
		if _, err := sagepeople.NewClient("https://login.salesforce.com", opts...); err == nil {
			t.Errorf("NewClient accepted bad options")
		}
	}
	if _, err := sagepeople.NewClient("http://login.example", sagepeople.WithJWTBearer("c", "u", sagepeople.LoginAudience, key)); err == nil || !strings.Contains(err.Error(), "WithInsecureHTTP") {
		t.Errorf("http:// refused with %v, want a refusal naming WithInsecureHTTP", err)
	}
}

// TestJWTBearerAssertion checks what the token request carries: the fake
// verifies the signature, iss, sub, aud and exp, and the calls go to the
// instance_url of its answer, not to the login host.
func TestJWTBearerAssertion(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 1)
	c := newClient(t, srv)
	collect(t, c, sagepeople.Query{Via: sagepeople.ViaREST})
	reqs := srv.Requests()
	if len(reqs) < 2 || reqs[0].Host != "login" || reqs[0].Method != "POST" || reqs[0].Path != "/services/oauth2/token" {
		t.Fatalf("first request %+v, want the token request", reqs[0])
	}
	if !bytes.Contains(reqs[0].Body, []byte("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer")) {
		t.Errorf("token request body %s", reqs[0].Body)
	}
	for _, r := range reqs[1:] {
		if r.Host != "instance" || r.Header.Get("Authorization") == "" {
			t.Errorf("request %s %s to %s with Authorization %q", r.Method, r.Path, r.Host, r.Header.Get("Authorization"))
		}
	}
}

func TestOAuthErrorsAreTyped(t *testing.T) {
	other, _, err := sagepeopletest.NewKeyPair("another")
	if err != nil {
		t.Fatal(err)
	}
	srv := sagepeopletest.NewServer(t)
	for _, tc := range []struct {
		name                    string
		client, user, aud, code string
		key                     *rsa.PrivateKey
	}{
		{"wrong client id", "nope", srv.Username, srv.Audience, "invalid_client_id", srv.Key},
		{"wrong user", srv.ClientID, "nobody@acme.example", srv.Audience, "invalid_grant", srv.Key},
		{"wrong audience", srv.ClientID, srv.Username, sagepeople.TestAudience, "invalid_grant", srv.Key},
		{"wrong key", srv.ClientID, srv.Username, srv.Audience, "invalid_grant", other},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := sagepeople.NewClient(srv.URL, sagepeople.WithInsecureHTTP(), sagepeople.WithJWTBearer(tc.client, tc.user, tc.aud, tc.key))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Count(context.Background(), sagepeople.Query{})
			var ae *sagepeople.APIError
			if !errors.As(err, &ae) || ae.Code != tc.code || !errors.Is(err, sagepeople.ErrUnauthorized) || ae.Op != "Token" {
				t.Fatalf("error %v, want an ErrUnauthorized *APIError with code %s", err, tc.code)
			}
		})
	}
}

func TestExpiredAssertionRefused(t *testing.T) {
	// The fake's clock runs an hour ahead of the client's: the assertion
	// has expired when it arrives.
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithClock(func() time.Time { return time.Now().Add(time.Hour) }))
	_, err := newClient(t, srv).Count(context.Background(), sagepeople.Query{})
	var ae *sagepeople.APIError
	if !errors.As(err, &ae) || ae.Code != "invalid_grant" {
		t.Fatalf("error %v, want invalid_grant", err)
	}
}

// TestReauthenticatesOnceOnInvalidSession: a session that expires during a
// list is replaced once, and the list goes on; a session refused again is
// an error, not a loop.
func TestReauthenticatesOnceOnInvalidSession(t *testing.T) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithPageSize(2))
	want := fill(srv, 5)
	c := newClient(t, srv)
	var got []sagepeople.TeamMember
	for m, err := range c.TeamMembers(context.Background(), sagepeople.Query{Via: sagepeople.ViaREST}) {
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 1 {
			srv.ExpireSessions()
		}
		got = append(got, m)
	}
	if len(got) != len(want) {
		t.Errorf("%d members after the session expired, want %d", len(got), len(want))
	}
	tokens := 0
	for _, r := range srv.Requests() {
		if r.Host == "login" {
			tokens++
		}
	}
	if tokens != 2 {
		t.Errorf("%d token requests, want 2", tokens)
	}

	// Every session refused: one new token, then the error.
	srv.Faults.Push(sagepeopletest.Fault{Match: onInstance, Status: 401, Times: 2,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`})
	_, err := c.Count(context.Background(), sagepeople.Query{})
	var ae *sagepeople.APIError
	if !errors.As(err, &ae) || ae.Code != "INVALID_SESSION_ID" || !errors.Is(err, sagepeople.ErrUnauthorized) {
		t.Fatalf("error %v, want INVALID_SESSION_ID", err)
	}
}

func onInstance(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/services/data/") }
func onToken(r *http.Request) bool    { return r.URL.Path == "/services/oauth2/token" }

func TestTokenAnswerWithoutInstanceURL(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	srv.Faults.Push(sagepeopletest.Fault{Match: onToken, Status: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `{"access_token":"00Dxx!abc","token_type":"Bearer","scope":"api"}`})
	_, err := newClient(t, srv).Count(context.Background(), sagepeople.Query{})
	if !errors.Is(err, sagepeople.ErrUnexpectedContent) || !strings.Contains(err.Error(), "instance_url") {
		t.Fatalf("error %v, want ErrUnexpectedContent naming instance_url", err)
	}
}

func TestLoginPageIsUnexpectedContent(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	srv.Faults.Push(sagepeopletest.Fault{Match: onInstance, Status: 200, Header: http.Header{"Content-Type": {"text/html"}},
		Body: `<html><head><title>Login | Salesforce</title></head><body>Sign in</body></html>`})
	_, err := newClient(t, srv).Count(context.Background(), sagepeople.Query{})
	if !errors.Is(err, sagepeople.ErrUnexpectedContent) || !strings.Contains(err.Error(), "Login | Salesforce") {
		t.Fatalf("error %v, want ErrUnexpectedContent", err)
	}
}

func TestWithTokenSourceTakesTheInstanceURL(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 3)
	// The caller's own flow: here, the fake's token endpoint called by hand.
	jwtClient := newClient(t, srv)
	if _, err := jwtClient.Count(context.Background(), sagepeople.Query{}); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimPrefix(srv.Requests()[1].Header.Get("Authorization"), "Bearer ")
	c, err := sagepeople.NewClient(srv.InstanceURL, sagepeople.WithInsecureHTTP(),
		sagepeople.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token})))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(context.Background(), sagepeople.Query{}); err != nil || n != 3 {
		t.Fatalf("Count = %d, %v; want 3", n, err)
	}
	srv.ExpireSessions()
	if _, err := c.Count(context.Background(), sagepeople.Query{}); !errors.Is(err, sagepeople.ErrUnauthorized) {
		t.Fatalf("error %v after the session expired, want ErrUnauthorized", err)
	}
}

func TestTLS(t *testing.T) {
	srv := sagepeopletest.NewServer(t, sagepeopletest.WithTLS())
	fill(srv, 2)
	c, err := sagepeople.NewClient(srv.URL, sagepeople.WithRootCAs(srv.RootCAs()),
		sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.Count(context.Background(), sagepeople.Query{}); err != nil || n != 2 {
		t.Fatalf("Count = %d, %v; want 2", n, err)
	}
	untrusting, _ := sagepeople.NewClient(srv.URL, sagepeople.WithJWTBearer(srv.ClientID, srv.Username, srv.Audience, srv.Key))
	if _, err := untrusting.Count(context.Background(), sagepeople.Query{}); err == nil {
		t.Fatal("a client that does not trust the fake's CA was answered")
	}
}

// TestSecretsStayOut: no session token, assertion or key in errors or logs.
func TestSecretsStayOut(t *testing.T) {
	srv := sagepeopletest.NewServer(t)
	fill(srv, 2)
	var logs bytes.Buffer
	c := newClient(t, srv, sagepeople.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	collect(t, c, sagepeople.Query{Via: sagepeople.ViaREST})
	// An error whose body quotes the session token.
	reqs := srv.Requests()
	token := strings.TrimPrefix(reqs[len(reqs)-1].Header.Get("Authorization"), "Bearer ")
	srv.Faults.Push(sagepeopletest.Fault{Match: onInstance, Status: 400, Header: http.Header{"Content-Type": {"application/json"}},
		Body: `[{"message":"bad session ` + token + `","errorCode":"MALFORMED_QUERY"}]`})
	_, err := c.Count(context.Background(), sagepeople.Query{})
	if err == nil {
		t.Fatal("no error")
	}
	assertion := reqs[0].Body
	for what, text := range map[string]string{"error": err.Error(), "logs": logs.String()} {
		if strings.Contains(text, token) {
			t.Errorf("the %s show the session token", what)
		}
		if bytes.Contains([]byte(text), assertion[len(assertion)-40:]) {
			t.Errorf("the %s show the assertion", what)
		}
	}
}
