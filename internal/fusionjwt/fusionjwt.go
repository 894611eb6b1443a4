// Package fusionjwt signs and verifies the JSON Web Tokens that Oracle
// Fusion Applications (HCM REST, ATOM feeds, SCIM, Risk Management) accept
// as "Authorization: Bearer <jwt>".
//
// The customer registers a certificate under Security Console > API
// Authentication with a trusted issuer name; a token is then signed with the
// certificate's private key using RS256, names the certificate by its
// SHA-1 thumbprint in the x5t header (base64url, as in Oracle's sample
// token), and carries the claims iss (the trusted issuer), sub and prn (the
// Fusion user name), iat and exp. Oracle's examples carry no aud claim, so
// none is sent. Sources: Oracle's "Use JWT Token for Authorization" pages,
// protocol-notes.md section 2.
package fusionjwt

import (
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/hrbridge/hrbridge/internal/transport"
)

// DefaultLifetime is how long a token is valid when Config.Lifetime is zero.
// Tokens are re-signed a minute before they expire.
const DefaultLifetime = 30 * time.Minute

// Config says who signs.
type Config struct {
	// Issuer is the trusted issuer name registered in the Security Console.
	Issuer string
	// Username is the Fusion user the calls run as (sub and prn).
	Username string
	// Key signs the tokens; it must belong to Cert.
	Key *rsa.PrivateKey
	// Cert is the certificate registered in the Security Console.
	Cert *x509.Certificate
	// Lifetime is each token's validity; zero selects DefaultLifetime.
	Lifetime time.Duration
	// Now is the clock; nil selects time.Now.
	Now func() time.Time
}

// Thumbprint returns a certificate's x5t: the base64url SHA-1 of its DER.
func Thumbprint(cert *x509.Certificate) string {
	sum := sha1.Sum(cert.Raw)
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// NewAuthorizer checks cfg and returns a transport authorizer that signs a
// token when none is held or the held one is about to expire, and signs a
// new one when the server answers 401.
func NewAuthorizer(cfg Config) (*transport.Bearer, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	b := transport.NewBearer(func(context.Context) (string, time.Time, error) {
		return Sign(cfg)
	}, time.Minute)
	return b, nil
}

func (cfg *Config) check() error {
	switch {
	case cfg.Issuer == "":
		return errors.New("hrbridge: Fusion JWT: the trusted issuer is empty")
	case cfg.Username == "":
		return errors.New("hrbridge: Fusion JWT: the user name is empty")
	case cfg.Key == nil || cfg.Cert == nil:
		return errors.New("hrbridge: Fusion JWT: a private key and its certificate are both needed")
	case cfg.Key.N.BitLen() < 2048:
		return fmt.Errorf("hrbridge: Fusion JWT: the RSA key has %d bits; Oracle requires at least 2048", cfg.Key.N.BitLen())
	}
	pub, ok := cfg.Cert.PublicKey.(*rsa.PublicKey)
	if !ok || !pub.Equal(&cfg.Key.PublicKey) {
		return errors.New("hrbridge: Fusion JWT: the private key does not belong to the certificate")
	}
	return nil
}

// Sign returns a signed token and its expiry.
func Sign(cfg Config) (string, time.Time, error) {
	if err := cfg.check(); err != nil {
		return "", time.Time{}, err
	}
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	life := cfg.Lifetime
	if life <= 0 {
		life = DefaultLifetime
	}
	iat := now().Truncate(time.Second)
	exp := iat.Add(life)
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss": cfg.Issuer,
		"sub": cfg.Username,
		"prn": cfg.Username,
		"iat": iat.Unix(),
		"exp": exp.Unix(),
	})
	tok.Header["x5t"] = Thumbprint(cfg.Cert)
	s, err := tok.SignedString(cfg.Key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("hrbridge: Fusion JWT: signing: %w", err)
	}
	return s, exp, nil
}

// Verifier checks tokens as a Fusion pod does; the test kits' fakes use it.
type Verifier struct {
	// Issuer is the trusted issuer expected in iss.
	Issuer string
	// Certs are the registered certificates, found by their x5t.
	Certs []*x509.Certificate
	// Now is the clock; nil selects time.Now.
	Now func() time.Time
}

// Verify checks the signature, the x5t, the issuer and the validity period
// of token, and returns the user it names (prn, or sub when prn is absent).
func (v *Verifier) Verify(token string) (string, error) {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(t *jwt.Token) (any, error) {
		x5t, _ := t.Header["x5t"].(string)
		for _, c := range v.Certs {
			if Thumbprint(c) == x5t {
				return c.PublicKey, nil
			}
		}
		return nil, fmt.Errorf("no registered certificate has thumbprint %q", x5t)
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(v.Issuer), jwt.WithTimeFunc(now),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	if err != nil {
		return "", fmt.Errorf("invalid Fusion JWT: %w", err)
	}
	if prn, _ := claims["prn"].(string); prn != "" {
		return prn, nil
	}
	if sub, _ := claims["sub"].(string); sub != "" {
		return sub, nil
	}
	return "", errors.New("invalid Fusion JWT: neither prn nor sub names a user")
}
