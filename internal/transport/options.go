package transport

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// The setters below check and apply the options every client offers
// (WithHTTPClient, WithRetry, WithLogger, WithUserAgent, WithMaxBodyBytes,
// WithInsecureHTTP), so that each system package's option is one line and
// the options mean the same, and fail the same, in every package.

// SetHTTPClient makes the client send through a copy of hc.
func (cfg *Config) SetHTTPClient(hc *http.Client) error {
	if hc == nil {
		return errors.New("hrbridge: WithHTTPClient: nil *http.Client")
	}
	cfg.HTTPClient = hc
	return nil
}

// SetRetry sets how many times a request that is safe to repeat is sent
// again (0 disables retries) and the longest wait between attempts, which
// also caps a server's Retry-After.
func (cfg *Config) SetRetry(retries int, maxWait time.Duration) error {
	if retries < 0 || maxWait <= 0 {
		return fmt.Errorf("hrbridge: WithRetry(%d, %v): retries must be >= 0 and the wait positive", retries, maxWait)
	}
	cfg.Retries = retries
	if retries == 0 {
		cfg.Retries = -1
	}
	cfg.WaitMax = maxWait
	cfg.WaitMin = min(DefaultWaitMin, maxWait)
	return nil
}

// SetLogger sends debug records of each attempt, redacted, to l.
func (cfg *Config) SetLogger(l *slog.Logger) error {
	if l == nil {
		return errors.New("hrbridge: WithLogger: nil *slog.Logger")
	}
	cfg.Logger = l
	return nil
}

// SetUserAgent puts ua before the SDK's own User-Agent product token.
func (cfg *Config) SetUserAgent(ua string) error {
	if strings.TrimSpace(ua) == "" || strings.ContainsAny(ua, "\r\n") {
		return fmt.Errorf("hrbridge: WithUserAgent(%q): empty or multi-line", ua)
	}
	cfg.UserAgent = ua
	return nil
}

// SetRootCAs makes the client trust only the certificate authorities of
// pool (WithRootCAs).
func (cfg *Config) SetRootCAs(pool *x509.CertPool) error {
	if pool == nil {
		return errors.New("hrbridge: WithRootCAs: nil *x509.CertPool")
	}
	cfg.RootCAs = pool
	return nil
}

// SetTokenSource sends "Authorization: Bearer" with the tokens of ts
// (WithTokenSource). It refuses a second authentication option.
func (cfg *Config) SetTokenSource(ts oauth2.TokenSource) error {
	if ts == nil {
		return errors.New("hrbridge: WithTokenSource: nil oauth2.TokenSource")
	}
	if cfg.Auth != nil {
		return errors.New("hrbridge: WithTokenSource: the client already has an authentication option")
	}
	cfg.Auth = TokenSource(ts)
	return nil
}

// SetMaxBodyBytes caps the size of a response body.
func (cfg *Config) SetMaxBodyBytes(n int64) error {
	if n <= 0 {
		return fmt.Errorf("hrbridge: WithMaxBodyBytes(%d): must be positive", n)
	}
	cfg.MaxBodyBytes = n
	return nil
}
