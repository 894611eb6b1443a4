package transport

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// An Authorizer adds credentials to an outgoing request. It is called before
// every attempt, so credentials that expire during back-off are renewed.
type Authorizer interface {
	Authorize(ctx context.Context, req *http.Request) error
}

// An Invalidator is an Authorizer holding credentials that can go stale (a
// token the server revoked early). When a request is answered 401, the
// transport calls Invalidate and sends the request once more with fresh
// credentials.
type Invalidator interface {
	Authorizer
	Invalidate()
}

// secretHolder is implemented by Authorizers that know secrets which never
// travel in a header (a Basic password), so that the Client can redact them.
type secretHolder interface {
	secrets() []string
}

// Basic returns an Authorizer for HTTP Basic authentication.
func Basic(user, password string) Authorizer { return basic{user, password} }

type basic struct{ user, password string }

// Authorize sets the Basic Authorization header.
func (b basic) Authorize(_ context.Context, req *http.Request) error {
	req.SetBasicAuth(b.user, b.password)
	return nil
}

func (b basic) secrets() []string { return []string{b.password} }

// A TokenFunc obtains a new bearer token and the instant it expires (the zero
// time if the source does not say).
type TokenFunc func(ctx context.Context) (token string, expiry time.Time, err error)

// Bearer is an Invalidator that sends "Authorization: Bearer <token>",
// obtaining the token from a TokenFunc and keeping it until shortly before it
// expires. Concurrent requests share one renewal. Create it with NewBearer.
type Bearer struct {
	fetch TokenFunc
	early time.Duration
	now   func() time.Time

	mu     sync.Mutex
	token  string
	expiry time.Time
}

// NewBearer returns a Bearer that renews its token early before the token's
// expiry. A token without an expiry is kept until the server refuses it.
func NewBearer(fetch TokenFunc, early time.Duration) *Bearer {
	return &Bearer{fetch: fetch, early: early, now: time.Now}
}

// Authorize sets the bearer token, renewing it if it is missing or about to
// expire.
func (b *Bearer) Authorize(ctx context.Context, req *http.Request) error {
	tok, err := b.Token(ctx)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// Token returns the current token, renewing it if it is missing or about to
// expire.
func (b *Bearer) Token(ctx context.Context) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.token != "" && (b.expiry.IsZero() || b.now().Add(b.early).Before(b.expiry)) {
		return b.token, nil
	}
	tok, exp, err := b.fetch(ctx)
	if err != nil {
		return "", err
	}
	b.token, b.expiry = tok, exp
	return tok, nil
}

// Invalidate forgets the token, so that the next request obtains a new one.
func (b *Bearer) Invalidate() {
	b.mu.Lock()
	b.token, b.expiry = "", time.Time{}
	b.mu.Unlock()
}

// TokenSource returns an Invalidator that sends the tokens of ts, an
// oauth2.TokenSource: a static token (oauth2.StaticTokenSource), a
// client-credentials flow, or the caller's own. Wrap a source that fetches
// tokens in oauth2.ReuseTokenSource so that it caches them. The token is
// redacted from logs and errors like every credential the client sends. A
// 401 is returned as it is: an oauth2.TokenSource cannot be told that its
// token was refused.
func TokenSource(ts oauth2.TokenSource) Authorizer { return tokenSource{ts} }

type tokenSource struct{ ts oauth2.TokenSource }

// Authorize sets "Authorization: <type> <token>" from the source.
func (s tokenSource) Authorize(_ context.Context, req *http.Request) error {
	tok, err := s.ts.Token()
	if err != nil {
		return err
	}
	if tok.AccessToken == "" {
		return errors.New("the token source gave an empty token")
	}
	req.Header.Set("Authorization", tok.Type()+" "+tok.AccessToken)
	return nil
}
