package sagepeople

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// readJSON reads one record of a query answer (a JSON object whose
// relationship fields are nested objects, or null) into d's values.
// Fields the client did not ask for are skipped.
func (d *decoder) readJSON(rec []byte) error {
	d.reset()
	s := scanner{b: rec}
	if err := s.object(d, d.path[:0]); err != nil {
		return err
	}
	if s.ws(); s.i != len(s.b) {
		return s.errorf("text after the record")
	}
	return nil
}

// scanner is a small JSON reader over one record: enough of JSON to walk
// objects, with every value kept as text, and strict about the syntax.
type scanner struct {
	b     []byte
	i     int
	depth int
}

const maxDepth = 32

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("malformed JSON record at byte %d: %s", s.i, fmt.Sprintf(format, args...))
}

func (s *scanner) ws() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

// object reads an object whose fields' paths start with prefix (lower
// case, "" at the top), storing the values d wants.
func (s *scanner) object(d *decoder, prefix []byte) error {
	if s.depth++; s.depth > maxDepth {
		return s.errorf("nested too deep")
	}
	defer func() { s.depth-- }()
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return s.errorf("an object was expected")
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == '}' {
		s.i++
		return nil
	}
	for {
		s.ws()
		key, escaped, err := s.raw()
		if err != nil {
			return err
		}
		if escaped {
			k, err := unescape(key)
			if err != nil {
				return s.errorf("bad string: %v", err)
			}
			key = []byte(k)
		}
		path := prefix
		if len(path) > 0 {
			path = append(path, '.')
		}
		for _, c := range key {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			path = append(path, c)
		}
		d.path = path[:0] // keep the grown buffer for the next record
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return s.errorf("':' was expected")
		}
		s.i++
		s.ws()
		if err := s.value(d, path, string(key) == "attributes"); err != nil {
			return err
		}
		s.ws()
		if s.i >= len(s.b) {
			return s.errorf("the record ends inside an object")
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return s.errorf("',' or '}' was expected")
		}
	}
}

// value reads one value at path.
func (s *scanner) value(d *decoder, path []byte, skip bool) error {
	if s.i >= len(s.b) {
		return s.errorf("a value was expected")
	}
	idx, want := d.index[string(path)]
	switch c := s.b[s.i]; {
	case want && (c == '{' || c == '['):
		return s.errorf("field %s holds an object or array, not a value", d.cols[idx].path)
	case c == '{':
		if skip {
			return s.skip()
		}
		return s.object(d, path)
	case c == '[':
		return s.skip()
	case c == '"':
		v, err := s.str()
		if err != nil {
			return err
		}
		if want {
			d.vals[idx] = value{s: v, set: true}
		}
	case c == 'n':
		if err := s.lit("null"); err != nil {
			return err
		}
		if want {
			d.vals[idx] = value{set: true, null: true}
		} else {
			d.nullPrefix(path)
		}
	case c == 't' || c == 'f':
		lit := "false"
		if c == 't' {
			lit = "true"
		}
		if err := s.lit(lit); err != nil {
			return err
		}
		if want {
			d.vals[idx] = value{s: lit, set: true}
		}
	case c == '-' || '0' <= c && c <= '9':
		num, err := s.number()
		if err != nil {
			return err
		}
		if want {
			d.vals[idx] = value{s: string(num), set: true}
		}
	default:
		return s.errorf("unexpected %q", c)
	}
	return nil
}

// number reads a number.
func (s *scanner) number() ([]byte, error) {
	start := s.i
	for s.i < len(s.b) && strings.IndexByte("+-.eE0123456789", s.b[s.i]) >= 0 {
		s.i++
	}
	if num := s.b[start:s.i]; json.Valid(num) {
		return num, nil
	}
	return nil, s.errorf("bad number %q", clip(string(s.b[start:s.i])))
}

func (s *scanner) lit(l string) error {
	if !strings.HasPrefix(string(s.b[s.i:min(len(s.b), s.i+len(l))]), l) {
		return s.errorf("a value was expected")
	}
	s.i += len(l)
	return nil
}

// str reads a string.
func (s *scanner) str() (string, error) {
	raw, escaped, err := s.raw()
	if err != nil || !escaped {
		return string(raw), err
	}
	out, err := unescape(raw)
	if err != nil {
		return "", s.errorf("bad string: %v", err)
	}
	return out, nil
}

// raw reads a string and returns its bytes between the quotes, still
// escaped when escaped is true.
func (s *scanner) raw() (raw []byte, escaped bool, err error) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false, s.errorf("a string was expected")
	}
	start := s.i + 1
	for s.i++; s.i < len(s.b); s.i++ {
		switch c := s.b[s.i]; {
		case c == '\\':
			escaped = true
			s.i++
		case c == '"':
			s.i++
			return s.b[start : s.i-1], escaped, nil
		case c < 0x20:
			return nil, false, s.errorf("control character in a string")
		}
	}
	return nil, false, s.errorf("the record ends inside a string")
}

// unescape decodes the escapes of a string's bytes.
func unescape(raw []byte) (string, error) {
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	var out string
	err := json.Unmarshal(q, &out)
	return out, err
}

// skip passes over a value (an object or array the client does not read),
// checking it is valid JSON.
func (s *scanner) skip() error { return s.skipOver(true) }

// skipOver passes over an object or array, checking its JSON when valid
// is true (records are checked when they are read, not when they are
// found).
func (s *scanner) skipOver(valid bool) error {
	start := s.i
	depth := 0
	for ; s.i < len(s.b); s.i++ {
		switch s.b[s.i] {
		case '"':
			if _, _, err := s.raw(); err != nil {
				return err
			}
			s.i--
		case '{', '[':
			depth++
			if depth > maxDepth {
				return s.errorf("nested too deep")
			}
		case '}', ']':
			depth--
			if depth == 0 {
				s.i++
				if valid && !json.Valid(s.b[start:s.i]) {
					return s.errorf("malformed value")
				}
				return nil
			}
		}
	}
	return s.errorf("the record ends inside a value")
}

// csvReader reads Bulk API 2.0 CSV results into TeamMembers. In a Bulk
// CSV an empty value is a null, and the header names the fields as the
// query did (relationship fields as "Rel__r.Field__c").
type csvReader struct {
	d    *decoder
	r    *csv.Reader
	cols []int // CSV column → decoder column, -1 for a column not asked for
	row  int
}

// newCSVReader reads the header of r and matches it to d's columns.
func newCSVReader(d *decoder, r io.Reader) (*csvReader, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("reading the CSV header: %w", err)
	}
	c := &csvReader{d: d, r: cr, cols: make([]int, len(header)), row: 1}
	found := make([]bool, len(d.cols))
	for i, h := range header {
		j, ok := d.index[strings.ToLower(strings.TrimPrefix(h, "\ufeff"))]
		if !ok {
			c.cols[i] = -1
			continue
		}
		c.cols[i], found[j] = j, true
	}
	for j, f := range found {
		if !f {
			return nil, fmt.Errorf("the CSV header has no column %s", d.cols[j].path)
		}
	}
	return c, nil
}

// next reads the next row: io.EOF after the last; a *RecordError for a row
// that cannot be read (the reader can go on after it).
func (c *csvReader) next() (TeamMember, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return TeamMember{}, io.EOF
	}
	c.row++
	row := c.row
	where := func() string { return fmt.Sprintf("CSV row %d", row) }
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe):
		return TeamMember{}, &RecordError{Where: fmt.Sprintf("%s (line %d)", where(), pe.StartLine), Problem: pe.Err.Error()}
	case err != nil:
		return TeamMember{}, err
	}
	if line, _ := c.r.FieldPos(0); line > 0 {
		where = func() string { return fmt.Sprintf("CSV row %d (line %d)", row, line) }
	}
	c.d.reset()
	for i, v := range rec {
		if j := c.cols[i]; j >= 0 {
			c.d.vals[j] = value{s: v, set: true, null: v == ""}
		}
	}
	return c.d.member(where)
}

// readPage reads a REST query answer: totalSize, done, nextRecordsUrl, and
// the bytes of each record (slices of body, decoded one by one later).
func readPage(body []byte) (*queryAnswer, error) {
	s := scanner{b: body}
	qa := &queryAnswer{}
	s.ws()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return nil, s.errorf("the answer is not a JSON object")
	}
	s.i++
	for first := true; ; first = false {
		s.ws()
		if first && s.i < len(s.b) && s.b[s.i] == '}' {
			s.i++
			break
		}
		key, err := s.str()
		if err != nil {
			return nil, err
		}
		s.ws()
		if s.i >= len(s.b) || s.b[s.i] != ':' {
			return nil, s.errorf("':' was expected")
		}
		s.i++
		s.ws()
		switch key {
		case "totalSize":
			start := s.i
			if err := s.skipAny(); err != nil {
				return nil, err
			}
			if qa.TotalSize, err = strconv.Atoi(string(s.b[start:s.i])); err != nil {
				return nil, s.errorf("totalSize %q is not a count", clip(string(s.b[start:s.i])))
			}
		case "done":
			switch {
			case s.lit("true") == nil:
				qa.Done = true
			case s.lit("false") == nil:
			default:
				return nil, s.errorf("done is not true or false")
			}
		case "nextRecordsUrl":
			if s.lit("null") != nil {
				if qa.NextRecordsURL, err = s.str(); err != nil {
					return nil, err
				}
			}
		case "records":
			if err := s.records(qa); err != nil {
				return nil, err
			}
		default:
			if err := s.skipAny(); err != nil {
				return nil, err
			}
		}
		s.ws()
		if s.i >= len(s.b) {
			return nil, s.errorf("the answer ends inside its object")
		}
		if s.b[s.i] == '}' {
			s.i++
			break
		}
		if s.b[s.i] != ',' {
			return nil, s.errorf("',' or '}' was expected")
		}
		s.i++
	}
	if s.ws(); s.i != len(s.b) {
		return nil, s.errorf("text after the answer")
	}
	return qa, nil
}

// records reads the records array into qa.Records.
func (s *scanner) records(qa *queryAnswer) error {
	if s.i >= len(s.b) || s.b[s.i] != '[' {
		return s.errorf("records is not an array")
	}
	s.i++
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == ']' {
		s.i++
		return nil
	}
	for {
		s.ws()
		start := s.i
		if s.i >= len(s.b) || s.b[s.i] != '{' {
			return s.errorf("a record is not an object")
		}
		if err := s.skipOver(false); err != nil {
			return err
		}
		qa.Records = append(qa.Records, s.b[start:s.i])
		s.ws()
		if s.i >= len(s.b) {
			return s.errorf("the answer ends inside records")
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.errorf("',' or ']' was expected")
		}
	}
}

// skipAny passes over any value.
func (s *scanner) skipAny() error {
	if s.i >= len(s.b) {
		return s.errorf("a value was expected")
	}
	switch c := s.b[s.i]; {
	case c == '{' || c == '[':
		return s.skip()
	case c == '"':
		_, _, err := s.raw()
		return err
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	case c == '-' || '0' <= c && c <= '9':
		_, err := s.number()
		return err
	}
	return s.errorf("unexpected %q", s.b[s.i])
}
