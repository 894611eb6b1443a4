package reliability_test

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/hrbridge/hrbridge/internal/apierr"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// TestTLS: every HTTP client works against its fake serving TLS when given
// the fake's CA with WithRootCAs, and refuses the fake without it, with a
// certificate error and a single attempt (no retry mends a certificate).
// oHRis (SFTP) refuses a host key that is not the server's.
func TestTLS(t *testing.T) {
	for _, s := range systems {
		t.Run(s.pkg, func(t *testing.T) {
			if s.tls == nil {
				s.trust(t)
				return
			}
			ca, call := s.tls(t)
			if err := call(ca); err != nil {
				t.Errorf("with WithRootCAs(the fake's CA): %v", err)
			}
			err := call(nil)
			if err == nil {
				t.Fatal("without the fake's CA: the client trusted a certificate it must not")
			}
			var unknown x509.UnknownAuthorityError
			var verify *tls.CertificateVerificationError
			if !errors.As(err, &unknown) && !errors.As(err, &verify) {
				t.Errorf("without the fake's CA: %v (%T), want a certificate verification error", err, err)
			}
			var ae *apierr.Error
			if !errors.As(err, &ae) {
				t.Errorf("without the fake's CA: %T is not an *APIError", err)
			} else if ae.Attempts > 1 {
				t.Errorf("without the fake's CA: %d attempts, want 1 (a certificate error is not retried): %v", ae.Attempts, err)
			}
		})
	}
}
