package fusionsod

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// The seed (Oracle's tutorial "Integrate Oracle HCM Cloud with Entitlement
// Management Systems") and Oracle's REST reference differ on three points;
// both forms are accepted in every answer, and the options below choose
// what is sent (see docs/fusionsod.md for the evidence).

// RolesField is the name of the map of roles in a runUserProvisioningAnalysis
// body.
type RolesField string

const (
	// RolesFieldReference is the name in Oracle's REST reference (25c)
	// and in the public clients that call the API: the default.
	RolesFieldReference RolesField = "provisioningInfo"
	// RolesFieldSeed is the name in the tutorial's example body.
	RolesFieldSeed RolesField = "roleAndAttributes"
)

// WithRolesField chooses the name of the map of roles sent to
// runUserProvisioningAnalysis (RolesFieldReference by default).
func WithRolesField(f RolesField) Option {
	return func(c *config) error {
		if f != RolesFieldReference && f != RolesFieldSeed {
			return fmt.Errorf("fusionsod: WithRolesField(%q): want %q or %q", string(f), RolesFieldReference, RolesFieldSeed)
		}
		c.rolesField = f
		return nil
	}
}

// IDForm is how a request id is written in the bodies the client sends.
type IDForm int

const (
	// IDNumber writes a numeric id as a JSON number, {"requestId": 1}, as
	// Oracle's REST reference types it: the default. An id that is not a
	// number is sent as a string all the same.
	IDNumber IDForm = iota
	// IDString writes it as a JSON string, {"requestId": "1"}, as the
	// tutorial does.
	IDString
)

// WithRequestIDForm chooses how request ids are sent (IDNumber by default).
// Answers may carry either form.
func WithRequestIDForm(f IDForm) Option {
	return func(c *config) error {
		if f != IDNumber && f != IDString {
			return fmt.Errorf("fusionsod: WithRequestIDForm(%d): unknown form", int(f))
		}
		c.idForm = f
		return nil
	}
}

// WithStatusText makes the client read text, a status answer it would not
// otherwise know, as s (one of the four statuses): a pod that answers
// "Job Running>" can be told that it means StatusStarted. Texts are
// compared as the client normalises them (see ParseStatus).
func WithStatusText(text string, s Status) Option {
	return func(c *config) error {
		if _, err := ParseStatus(string(s)); err != nil {
			return fmt.Errorf("fusionsod: WithStatusText(%q, %q): %q is not a status", text, string(s), string(s))
		}
		if c.statuses == nil {
			c.statuses = map[string]Status{}
		}
		c.statuses[normStatus(text)] = s
		return nil
	}
}

// RequestID identifies a provisioning analysis. The reference answers it as
// a number ({"result": 1}), the tutorial as a string ({"result": "1"}); it is
// kept as the text either gave.
type RequestID string

// requestIDJSON writes id in form f.
func requestIDJSON(id RequestID, f IDForm) json.RawMessage {
	s := string(id)
	if f == IDNumber && isDecimal(s) {
		return json.RawMessage(s)
	}
	b, _ := json.Marshal(s)
	return b
}

func isDecimal(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s == "0" || s[0] != '0'
}

// flexString decodes a JSON string or number (an id Oracle writes either
// way) into its text; null gives "".
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("want a string or a number, got %.40s", b)
		}
		*f = flexString(n.String())
	}
	return nil
}

// parseRequestID reads the answer of runUserProvisioningAnalysis.
func parseRequestID(result json.RawMessage) (RequestID, error) {
	var f flexString
	if err := json.Unmarshal(result, &f); err != nil {
		return "", fmt.Errorf("the result is not a request id: %w", err)
	}
	id := strings.TrimSpace(string(f))
	if id == "" {
		return "", errors.New("the result holds no request id")
	}
	if len(id) > 128 || strings.ContainsFunc(id, unicode.IsControl) {
		return "", fmt.Errorf("the result %.40q is not a request id", id)
	}
	return RequestID(id), nil
}

// Status is the state of a provisioning analysis.
type Status string

const (
	StatusQueued    Status = "Queued"
	StatusStarted   Status = "Started"
	StatusCompleted Status = "Completed"
	StatusFailed    Status = "Failed"
)

// Ended reports whether s is Completed or Failed.
func (s Status) Ended() bool { return s == StatusCompleted || s == StatusFailed }

// normStatus lower-cases a status text and removes what surrounds the word
// in the tutorial's form ("Job Completed>"): a leading "Job", punctuation
// and spaces.
func normStatus(s string) string {
	s = strings.ToLower(strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) }))
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimPrefix(s, "job ")
}

// ParseStatus reads a getRequestStatus answer in either form: the
// reference's Queued, Started, Completed and Failed, or the tutorial's
// "Job Completed>" (and the same shape for the others), in any case. Any
// other text is an error wrapping ErrUnknownStatus.
func ParseStatus(text string) (Status, error) {
	switch normStatus(text) {
	case "queued":
		return StatusQueued, nil
	case "started":
		return StatusStarted, nil
	case "completed":
		return StatusCompleted, nil
	case "failed":
		return StatusFailed, nil
	}
	return "", fmt.Errorf("%w: %.80q", ErrUnknownStatus, text)
}

// parseStatus reads a status with the client's extra texts.
func (c *Client) parseStatus(text string) (Status, error) {
	if s, ok := c.statuses[normStatus(text)]; ok {
		return s, nil
	}
	return ParseStatus(text)
}
