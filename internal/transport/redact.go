package transport

import (
	"regexp"
	"strings"
	"sync"
)

// Redacted replaces a secret in log lines and error texts.
const Redacted = "[REDACTED]"

// secretNames are the names, in XML elements, JSON keys, form fields and
// query parameters, whose values are secrets.
const secretNames = `\w*password|passwd|pwd|\w*secret|\w*token|assertion|private_?key`

// patterns find secrets by their shape or by the name they stand under. Each
// keeps its first group and replaces the rest of the match with Redacted.
var patterns = []*regexp.Regexp{
	// Authorization and Proxy-Authorization headers, as dumped or logged.
	regexp.MustCompile(`(?i)((?:proxy-)?authorization"?\s*[:=]\s*"?)[^\r\n",]+`),
	// Credentials after their scheme wherever they appear. A credential has
	// a character no English word has (a digit, a capital after the first
	// letter, or one of ._~+/=-), so that a server's own words ("Invalid
	// bearer token") are left as they are; credentials the client sent are
	// redacted by value in any case.
	regexp.MustCompile(`(?i)(\b(?:bearer|basic)\s+)(?-i:[A-Za-z][a-z]*[A-Z0-9._~+/=-][A-Za-z0-9._~+/=-]*|[0-9._~+/=-][A-Za-z0-9._~+/=-]*)`),
	// JSON Web Tokens.
	regexp.MustCompile(`()eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*`),
	// PEM private keys, including a key cut off by a size bound.
	regexp.MustCompile(`(?s)(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----).*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|\z)`),
	// XML elements such as <web:password>, <Password>, <NewPassword>, with
	// plain or CDATA content.
	regexp.MustCompile(`(?is)(<(?:[\w.-]+:)?(?:` + secretNames + `)(?:\s[^>]*)?>)(?:<!\[CDATA\[.*?\]\]>|[^<]*)`),
	// The same elements escaped inside a string payload.
	regexp.MustCompile(`(?is)(&lt;(?:[\w.-]+:)?(?:` + secretNames + `)(?:\s.*?)?&gt;)[^&]*`),
	// JSON members such as "password": "..." or "access_token":"...".
	regexp.MustCompile(`(?i)("(?:` + secretNames + `)"\s*:\s*)"(?:[^"\\]|\\.)*"`),
	// Form fields and query parameters.
	regexp.MustCompile(`(?i)(\b(?:` + secretNames + `)=)[^&\s"'<]+`),
}

// maxKnownSecrets bounds the set of exact values a Redactor remembers, so
// that a long-running process renewing tokens does not grow it for ever.
const maxKnownSecrets = 64

// A Redactor removes secrets from text: the exact values it was told about
// (passwords, the tokens seen in Authorization headers) and anything shaped
// like a secret or standing under a secret's name (see patterns). It is safe
// for concurrent use.
type Redactor struct {
	mu    sync.Mutex
	known []string // most recent last
}

// Add makes the redactor remove s wherever it appears. Values shorter than
// four bytes are ignored: replacing them would garble unrelated text, and no
// credential is that short.
func (r *Redactor) Add(s string) {
	if len(s) < 4 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range r.known {
		if k == s {
			return
		}
	}
	if len(r.known) == maxKnownSecrets {
		r.known = r.known[1:]
	}
	r.known = append(r.known, s)
}

// Redact returns s with every secret replaced by Redacted.
func (r *Redactor) Redact(s string) string {
	if r != nil {
		r.mu.Lock()
		known := r.known
		r.mu.Unlock()
		for _, k := range known {
			s = strings.ReplaceAll(s, k, Redacted)
		}
	}
	for _, p := range patterns {
		s = p.ReplaceAllString(s, "${1}"+Redacted)
	}
	return s
}
