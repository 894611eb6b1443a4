package cmo

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/cmo/internal/hrimport"
)

// Outcome is the overall result CMO gives an import, in <UsersImportResult>.
type Outcome string

// The outcomes the seed shows.
const (
	OutcomeTrue    Outcome = "True"
	OutcomeFalse   Outcome = "False"
	OutcomePartial Outcome = "Partially completed"
)

// Status is what happened to one record.
type Status string

// Record statuses.
const (
	// StatusSaved: "User: X saved in database."
	StatusSaved Status = "saved"
	// StatusUpdated: "User: X updated in database." (the seed shows only
	// "saved"; the wording of an update is inferred).
	StatusUpdated Status = "updated"
	// StatusFailed: CMO processed the record and did not save it; the
	// record's Err says why.
	StatusFailed Status = "failed"
	// StatusUnknown: CMO's log does not mention the record, as an
	// asynchronous import may not.
	StatusUnknown Status = "unknown"
	// StatusNotSent: the call that would have carried the record was not
	// made, because an earlier call failed.
	StatusNotSent Status = "not sent"
)

// RecordResult is what happened to one record of an import.
type RecordResult struct {
	Key    string // LoginName, OrgName or EntityName
	Status Status
	// Messages are the lines CMO logged about the record besides its
	// progress lines: warnings for a saved record, reasons for a failed one.
	Messages []string
	// Err is the *RecordError of a record with StatusFailed, else nil.
	Err error
}

// BatchResult is the result document of one call of an import.
type BatchResult struct {
	Call int // the call's number, from 1
	Sent int // number of records the call carried
	// Outcome is the call's <UsersImportResult>.
	Outcome Outcome
	// Imported, Selected and Total come from the line "Imported: 1 Selected:
	// 1 Total: 1"; Counted reports whether the log had it.
	Imported, Selected, Total int
	Counted                   bool
	// Reported comes from the line "Users imported: 1" (or the line of the
	// kind of record imported).
	Reported int
	// Log holds every <Exception> line, in order, as CMO sent it.
	Log []string
	// Messages are the lines about no record in particular, other than
	// progress and count lines ("Login or password is incorrect.").
	Messages []string
}

func (b *BatchResult) mismatch() bool { return b.Counted && b.Total != b.Sent }

// ImportResult is the typed result of an import, over all its calls.
type ImportResult struct {
	Operation string // the SOAP operation used
	// Outcome is True if every call's was, False if every call's was, and
	// Partially completed otherwise.
	Outcome Outcome
	// The sums of the calls' counts.
	Imported, Selected, Total, Reported int
	// Records holds one result per record given, in the same order.
	Records []RecordResult
	Batches []BatchResult

	kind string
}

// Err returns nil if CMO completed the import, else an *ImportError. The
// methods that import return it already; Err serves a stored result.
func (r *ImportResult) Err() error {
	if r.Outcome == OutcomeTrue {
		for i := range r.Batches {
			if r.Batches[i].mismatch() {
				return &ImportError{Result: r}
			}
		}
		if len(r.failed()) == 0 {
			return nil
		}
	}
	return &ImportError{Result: r}
}

// failed returns the errors of the records CMO did not save.
func (r *ImportResult) failed() []error {
	var errs []error
	for _, rec := range r.Records {
		if rec.Err != nil {
			errs = append(errs, rec.Err)
		}
	}
	return errs
}

// combine folds a call's outcome into the overall one.
func combine(all, one Outcome, first bool) Outcome {
	if first || all == one {
		return one
	}
	return OutcomePartial
}

// The count lines of CMO's log, after runs of spaces are collapsed. The
// seed gives their wording; the other lines are recognised by their start
// and end (see parseLog).
var (
	reCounts   = regexp.MustCompile(`(?i)^imported: ?(\d+) selected: ?(\d+) total: ?(\d+)$`)
	reReported = regexp.MustCompile(`(?i)^[a-z][a-z ]* imported: ?(\d+)$`)
)

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// collapse replaces runs of white space with one space; it allocates only
// for a line that has such runs.
func collapse(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\t' || c == '\n' || c == '\r' || c == ' ' && i+1 < len(s) && s[i+1] == ' ' {
			return strings.Join(strings.Fields(s), " ")
		}
	}
	return s
}

// logBlock is the part of a log between "Begin Processing <kind>: <key>" and
// the next such line or the end of the records.
type logBlock struct {
	key      string
	status   Status // StatusSaved, StatusUpdated or StatusFailed
	messages []string
}

// parsedLog is a result document, parsed.
type parsedLog struct {
	outcome                             Outcome
	imported, selected, total, reported int
	hasCounts                           bool
	log, general                        []string
	blocks                              []logBlock
}

// parseLog reads a result document: its outcome, its log lines, the
// records they tell of.
func parseLog(v *hrimport.UsersImportResults) (*parsedLog, error) {
	p := &parsedLog{}
	switch oc := strings.Join(strings.Fields(v.UsersImportResult), " "); {
	case strings.EqualFold(oc, string(OutcomeTrue)):
		p.outcome = OutcomeTrue
	case strings.EqualFold(oc, string(OutcomeFalse)):
		p.outcome = OutcomeFalse
	case strings.EqualFold(oc, string(OutcomePartial)):
		p.outcome = OutcomePartial
	default:
		return nil, fmt.Errorf("the result %q is not True, False or Partially completed", truncate(oc, 80))
	}
	var cur *logBlock
	for _, raw := range v.Exceptions.Exception {
		line := strings.TrimSpace(raw)
		p.log = append(p.log, line)
		l := collapse(line)
		// "Begin Processing user: cmotest"
		if rest, ok := cutPrefixFold(l, "begin processing "); ok {
			if kind, key, ok := strings.Cut(rest, ":"); ok && kind != "" {
				p.blocks = append(p.blocks, logBlock{key: strings.TrimSpace(key), status: StatusFailed})
				cur = &p.blocks[len(p.blocks)-1]
				continue
			}
		}
		if strings.Contains(l, "mported:") || strings.Contains(l, "MPORTED:") {
			if m := reCounts.FindStringSubmatch(l); m != nil {
				var errs [3]error
				p.imported, errs[0] = strconv.Atoi(m[1])
				p.selected, errs[1] = strconv.Atoi(m[2])
				p.total, errs[2] = strconv.Atoi(m[3])
				if err := errors.Join(errs[:]...); err != nil {
					return nil, fmt.Errorf("the count line %q: %v", truncate(l, 80), err)
				}
				p.hasCounts = true
				cur = nil
				continue
			}
			if m := reReported.FindStringSubmatch(l); m != nil {
				n, err := strconv.Atoi(m[1])
				if err != nil {
					return nil, fmt.Errorf("the count line %q: %v", truncate(l, 80), err)
				}
				p.reported = n
				cur = nil
				continue
			}
		}
		if strings.HasPrefix(l, "-==") && strings.HasSuffix(l, "==-") {
			cur = nil
			continue
		}
		if cur == nil {
			p.general = append(p.general, line)
			continue
		}
		// "User: cmotest saved in database.", "User: x updated in database.",
		// "User: x not saved.", "cmotest roles, groups, superiors, jobs,
		// auditee assignments updated."
		l = strings.TrimSuffix(l, ".")
		labelled := strings.Contains(l, ": ")
		switch {
		case labelled && hasSuffixFold(l, " saved in database"):
			cur.status = StatusSaved
			continue
		case labelled && hasSuffixFold(l, " updated in database"):
			cur.status = StatusUpdated
			continue
		case labelled && hasSuffixFold(l, " not saved"):
			continue // the default status
		case hasSuffixFold(l, " roles, groups, superiors, jobs, auditee assignments updated"):
			continue // a progress line
		}
		cur.messages = append(cur.messages, line)
	}
	return p, nil
}

// decodeResults decodes a result document that came escaped in text,
// through the type generated from the WSDL. Any root element named
// "...ImportResults" is taken, since the seed shows only the users import's.
func decodeResults(doc string) (*hrimport.UsersImportResults, error) {
	dec := xml.NewDecoder(strings.NewReader(doc))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, errors.New("the result is empty")
		}
		if err != nil {
			return nil, fmt.Errorf("the result document: %v", err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			if !strings.HasSuffix(t.Name.Local, "ImportResults") {
				return nil, fmt.Errorf("the result is <%s>, not <UsersImportResults>", truncate(t.Name.Local, 80))
			}
			t.Name.Local = "UsersImportResults"
			v := new(hrimport.UsersImportResults)
			if err := dec.DecodeElement(v, &t); err != nil {
				return nil, fmt.Errorf("the result document: %v", err)
			}
			return v, nil
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
