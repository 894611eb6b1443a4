package cmo

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
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
	// StatusUnknown: CMO's answer does not say what became of the record
	// (its log does not name it, as an asynchronous import may not), or the
	// call got no answer (an outage, a dropped connection). The record's Err
	// matches ErrUnconfirmed.
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
	// Err is nil for a record CMO saved (StatusSaved, StatusUpdated), else
	// a *RecordError saying why it is not known to be saved.
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

	saved int // records the log says were saved or updated
}

// mismatch reports counts that contradict the call: a Total other than the
// records sent, or an Imported other than the records the log says saved.
func (b *BatchResult) mismatch() bool {
	return b.Counted && (b.Total != b.Sent || b.Imported != b.saved)
}

// ImportResult is the typed result of an import, over all its calls.
type ImportResult struct {
	Operation string // the SOAP operation used
	// Outcome is CMO's word for the import: True if every call's was,
	// False if every call's was, and Partially completed otherwise. It does
	// not say whether the import succeeded (the seed's successful import
	// answers "Partially completed"): Err does, from the records and counts.
	Outcome Outcome
	// The sums of the calls' counts.
	Imported, Selected, Total, Reported int
	// Records holds one result per record given, in the same order.
	Records []RecordResult
	Batches []BatchResult

	kind string
}

// Err returns nil if CMO saved every record (StatusSaved or StatusUpdated)
// and its counts agree, else an *ImportError. The methods that import return
// it already, unless a call failed (they then return the call's error); Err
// serves a stored result.
func (r *ImportResult) Err() error {
	for i := range r.Batches {
		if r.Batches[i].mismatch() {
			return &ImportError{Result: r}
		}
	}
	if len(r.failed()) > 0 {
		return &ImportError{Result: r}
	}
	return nil
}

// explain gives every record not known to be saved a *RecordError, unless
// it has one: a record CMO did not name, or a call never made, is never
// left without an error.
func (r *ImportResult) explain() {
	for i := range r.Records {
		rec := &r.Records[i]
		if rec.Err == nil && rec.Status != StatusSaved && rec.Status != StatusUpdated {
			rec.Err = &RecordError{Kind: r.kind, Key: rec.Key, Status: rec.Status}
		}
	}
}

// failed returns the errors of the records not known to be saved.
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

// resultDoc is a result document: CMO's outcome and its log lines. The seed
// shows only the users import's (<UsersImportResults><UsersImportResult>
// <Exceptions><Exception>); the element names of the other imports are not
// documented, so they are read by shape, whatever their names: the child
// named ...ImportResult, or else the first child holding only text, is the
// outcome; the child named Exceptions, or else one holding elements, is the
// log, one line per element it holds.
type resultDoc struct {
	outcome string
	lines   []string
}

func (r *resultDoc) UnmarshalXML(d *xml.Decoder, _ xml.StartElement) error {
	var outcomes []string // the text-only children, the ...ImportResult one first
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			text, lines, err := readChild(d)
			if err != nil {
				return err
			}
			switch {
			case t.Name.Local == "Exceptions" || lines != nil:
				r.lines = append(r.lines, lines...)
			case strings.HasSuffix(t.Name.Local, "ImportResult"):
				outcomes = append([]string{text}, outcomes...)
			default:
				outcomes = append(outcomes, text)
			}
		case xml.EndElement:
			if len(outcomes) > 0 {
				r.outcome = outcomes[0]
			}
			return nil
		}
	}
}

// readChild reads a child of the result document: its text, or, when it
// holds elements, the text of each (nil lines when it holds none).
func readChild(d *xml.Decoder) (string, []string, error) {
	var text strings.Builder
	var lines []string
	for {
		tok, err := d.Token()
		if err != nil {
			return "", nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			var line struct {
				Text string `xml:",chardata"`
			}
			if err := d.DecodeElement(&line, &t); err != nil {
				return "", nil, err
			}
			lines = append(lines, line.Text)
		case xml.EndElement:
			return text.String(), lines, nil
		}
	}
}

// reBegin is the line that opens a record's part of the log, "Begin
// Processing user: cmotest". The key is taken as written, but for the white
// space around it: a LoginName with a run of inner spaces ("anne  marie")
// is echoed with it.
var reBegin = regexp.MustCompile(`(?i)^begin\s+processing\s+(\S[^:]*):(.*)$`)

// parseLog reads a result document: its outcome, its log lines, the
// records they tell of.
func parseLog(v *resultDoc) (*parsedLog, error) {
	p := &parsedLog{}
	switch oc := strings.Join(strings.Fields(v.outcome), " "); {
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
	for _, raw := range v.lines {
		line := strings.TrimSpace(raw)
		p.log = append(p.log, line)
		if _, begin := cutPrefixFold(line, "begin"); begin { // spares most lines the regular expression
			if m := reBegin.FindStringSubmatch(line); m != nil {
				p.blocks = append(p.blocks, logBlock{key: strings.TrimSpace(m[2]), status: StatusFailed})
				cur = &p.blocks[len(p.blocks)-1]
				continue
			}
		}
		l := collapse(line)
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
// whatever its root element's name.
func decodeResults(doc string) (*resultDoc, error) {
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
			v := new(resultDoc)
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
