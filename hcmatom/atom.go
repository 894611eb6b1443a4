package hcmatom

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultMaxFeedBytes bounds a feed document read by a FeedReader made with
// no limit of its own; it is also the client's default body cap.
const DefaultMaxFeedBytes = 32 << 20

// maxDepth bounds the nesting of elements in a feed document.
const maxDepth = 64

// Entry is one Atom <entry> of a feed, as Oracle sent it. The JSON document
// of <content> is kept as text in Content; Decode turns an Entry into a
// typed Event.
type Entry struct {
	ID        string    // <id>
	Title     string    // <title>, e.g. "Meyerson, Barbara Hired"
	Summary   string    // <summary>, e.g. "Employee Period of Service Created"
	Author    string    // <author><name>: the user who made the change
	Published time.Time // <published>: when the entry was created (the transaction date)
	Updated   time.Time // <updated>: the effective date for future-dated changes, else when the change was made
	Links     []Link    // <link> elements (Oracle sends rel "related" links to /workers and /emps)
	Content   string    // the text of <content>: a JSON document, escaped or in CDATA on the wire
	// XML is the whole <entry> element as it appeared in the feed, for
	// callers who need an element hrbridge does not read.
	XML string
}

// Link is an Atom <link> element.
type Link struct {
	Rel  string // "alternate" when the element has no rel
	Href string
	Type string
}

// FeedInfo is what a feed document says about itself.
type FeedInfo struct {
	ID      string
	Title   string // e.g. "New Hire"
	Updated time.Time
	Links   []Link
}

// Link returns the href of the first link with the relation rel ("next",
// "self", ...), or "".
func (f FeedInfo) Link(rel string) string {
	for _, l := range f.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// A FeedError is a feed document that could not be read: not well-formed
// XML, not an Atom feed, an entry without an id or with a bad timestamp, or
// a document larger than the limit. Entry is the number of the entry (from
// 1) being read when it went wrong, 0 outside entries; ID is its <id> when
// it had been read.
type FeedError struct {
	Offset int64 // byte offset in the document
	Entry  int
	ID     string
	Msg    string
	// Err is the cause, when there is one to test with errors.Is:
	// paging.ErrRepeatedPage for a server answering a page already sent.
	Err error
}

// Error says where the document went wrong and why.
func (e *FeedError) Error() string {
	var where string
	switch {
	case e.ID != "":
		where = fmt.Sprintf("entry %q: ", e.ID)
	case e.Entry > 0:
		where = fmt.Sprintf("entry %d: ", e.Entry)
	}
	return fmt.Sprintf("bad feed at byte %d: %s%s", e.Offset, where, e.Msg)
}

// Is makes errors.Is(err, ErrBadFeed) true.
func (e *FeedError) Is(target error) bool { return target == ErrBadFeed }

// Unwrap returns the cause, if any.
func (e *FeedError) Unwrap() error { return e.Err }

// role is what an element means to the reader, decided from its name and
// its parent's role.
type role uint8

const (
	roleSkip role = iota // an element hrbridge does not read
	roleFeed
	roleEntry
	roleAuthor
	roleFeedLink
	roleEntryLink
	// Elements whose text is captured.
	roleFeedID
	roleFeedTitle
	roleFeedUpdated
	roleID
	roleTitle
	roleSummary
	rolePublished
	roleUpdated
	roleContent
	roleAuthorName
)

func (r role) captures() bool { return r >= roleFeedID }

// entry fields captured as text, indexed by role-roleID.
const nEntryFields = int(roleAuthorName-roleID) + 1

// idField is the index of the entry's <id> among the entry fields (roleID's).
const idField = 0

// span is a piece of text in the stream: plain character data (entities not
// yet decoded) or the inside of a CDATA section.
type span struct {
	start, end int64 // absolute offsets
	cdata      bool
}

// lazyString is a value found in an entry: either text already decoded, or
// the offsets, relative to the start of the entry, of text that needs no
// decoding, resolved as a substring of Entry.XML once the entry is complete,
// so that most fields cost no allocation of their own.
type lazyString struct {
	s          string
	start, end int
	set        bool
	relative   bool
}

func (l lazyString) resolve(xml string) string {
	if l.relative {
		return xml[l.start:l.end]
	}
	return l.s
}

type lazyLink struct{ rel, href, typ lazyString }

// FeedReader reads the entries of an Atom feed document one at a time from
// a stream, holding in memory no more than the entry being read. It reads
// the subset of XML that feeds use: elements, attributes, character and
// entity references, CDATA sections, comments and processing instructions.
// A document type declaration is refused (it could define entities that
// expand without bound). Elements are matched by local name, whatever their
// namespace prefix. A document whose root is a single <entry> (Oracle's
// single-entry URL) is read as a feed of one entry.
type FeedReader struct {
	src   io.Reader
	limit int64 // bytes the document may still have
	max   int64

	buf      []byte
	off      int64 // stream offset of buf[0]
	pos, end int   // buf[pos:end] is unread
	valid    int64 // absolute offset up to which the input is known to be UTF-8
	srcDone  bool
	hold     int64 // earliest absolute offset still needed, or -1
	err      error

	names  []byte // the names of open elements, end to end
	starts []int  // where each open element's name starts in names
	roles  []role // the role of each open element
	root   role   // roleFeed or roleEntry once the root is open
	closed bool   // the root element has ended
	inEnt  bool   // an entry is open
	feed   FeedInfo
	count  int // entries begun

	// The entry being read.
	entryStart int64
	fields     [nEntryFields]lazyString
	links      []lazyLink
	segs       []span
	scratch    []byte
}

// NewFeedReader returns a reader of the feed document in r, which fails
// with a FeedError once the document exceeds maxBytes (DefaultMaxFeedBytes
// when maxBytes <= 0).
func NewFeedReader(r io.Reader, maxBytes int64) *FeedReader {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxFeedBytes
	}
	return &FeedReader{src: r, limit: maxBytes, max: maxBytes, hold: -1, buf: make([]byte, 0, 32<<10)}
}

// Feed returns what the feed document said about itself so far; it is
// complete once Next has returned io.EOF (a feed may put its links after its
// entries).
func (d *FeedReader) Feed() FeedInfo { return d.feed }

// Next returns the next entry of the feed, or io.EOF after the last one
// once the whole document has been read and found well-formed. Any other
// error is a *FeedError (or the error of the underlying reader) and is
// returned again by every later call.
func (d *FeedReader) Next() (Entry, error) {
	for d.err == nil {
		e, ok, err := d.step()
		if err != nil {
			d.err = err
			break
		}
		if ok {
			return e, nil
		}
	}
	return Entry{}, d.err
}

// errNoMore says the input is exhausted.
var errNoMore = errors.New("no more input")

func (d *FeedReader) abs(i int) int64 { return d.off + int64(i) }
func (d *FeedReader) idx(a int64) int { return int(a - d.off) }

// fail returns a FeedError at buffer index i.
func (d *FeedReader) fail(i int, format string, args ...any) error {
	e := &FeedError{Offset: d.abs(i), Msg: fmt.Sprintf(format, args...)}
	if d.inEnt {
		e.Entry = d.count
		if f := d.fields[idField]; f.set && !f.relative {
			e.ID = f.s
		} else if f.set {
			e.ID = string(d.buf[d.idx(d.entryStart)+f.start : d.idx(d.entryStart)+f.end])
		}
	}
	return e
}

// fill reads more input, dropping from the buffer what is no longer needed
// (everything before d.hold, or before d.pos when nothing is held). It
// returns errNoMore when the input is exhausted.
func (d *FeedReader) fill() error {
	if d.srcDone {
		return errNoMore
	}
	keep := d.pos
	if d.hold >= 0 {
		keep = d.idx(d.hold)
	}
	if keep > 0 {
		copy(d.buf, d.buf[keep:d.end])
		d.end -= keep
		d.pos -= keep
		d.off += int64(keep)
		d.buf = d.buf[:d.end]
	}
	if d.end == cap(d.buf) {
		nb := make([]byte, d.end, 2*cap(d.buf))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	want := cap(d.buf) - d.end
	if int64(want) > d.limit+1 {
		want = int(d.limit + 1)
	}
	for {
		n, err := d.src.Read(d.buf[d.end : d.end+want])
		d.end += n
		d.buf = d.buf[:d.end]
		d.limit -= int64(n)
		if d.limit < 0 {
			return &FeedError{Offset: d.max, Msg: fmt.Sprintf("the document is larger than the limit of %d bytes", d.max)}
		}
		if verr := d.validate(err == io.EOF); verr != nil {
			return verr
		}
		if err == io.EOF {
			d.srcDone = true
			if n == 0 {
				return errNoMore
			}
			return nil
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
}

// validate checks that the input read so far is UTF-8, leaving an
// incomplete character at the end for the next read unless final.
func (d *FeedReader) validate(final bool) error {
	b := d.buf[d.idx(d.valid):d.end]
	upto := len(b)
	if !final {
		// Leave out a character cut by the end of the buffer.
		for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
			if utf8.RuneStart(b[i]) {
				if !utf8.FullRune(b[i:]) {
					upto = i
				}
				break
			}
		}
	}
	if !utf8.Valid(b[:upto]) {
		for i := 0; i < upto; {
			r, n := utf8.DecodeRune(b[i:upto])
			if r == utf8.RuneError && n == 1 {
				return &FeedError{Offset: d.valid + int64(i), Msg: "invalid UTF-8"}
			}
			i += n
		}
	}
	d.valid += int64(upto)
	return nil
}

// ensure makes at least n bytes available at d.pos, or reports the end of
// input.
func (d *FeedReader) ensure(n int) error {
	for d.end-d.pos < n {
		if err := d.fill(); err != nil {
			return err
		}
	}
	return nil
}

// find returns the buffer index of delim at or after buffer index from,
// reading more input as needed.
func (d *FeedReader) find(from int, delim string) (int, error) {
	fromAbs := d.abs(from)
	for {
		from = d.idx(fromAbs)
		if i := bytes.Index(d.buf[from:d.end], []byte(delim)); i >= 0 {
			return from + i, nil
		}
		if next := d.abs(d.end - len(delim) + 1); next > fromAbs {
			fromAbs = next
		}
		if err := d.fill(); err != nil {
			return 0, err
		}
	}
}

// unexpectedEnd turns running out of input into a FeedError.
func (d *FeedReader) unexpectedEnd(err error, what string) error {
	if err == errNoMore {
		return d.fail(d.end, "the document ends inside %s (was it cut short?)", what)
	}
	return err
}

// step reads one token; it returns an entry when the token ended one.
func (d *FeedReader) step() (Entry, bool, error) {
	if d.pos >= d.end {
		if err := d.fill(); err != nil {
			if err == errNoMore {
				return Entry{}, false, d.atEnd()
			}
			return Entry{}, false, err
		}
	}
	if d.buf[d.pos] != '<' {
		return Entry{}, false, d.text()
	}
	if err := d.ensure(2); err != nil {
		return Entry{}, false, d.unexpectedEnd(err, "a tag")
	}
	switch d.buf[d.pos+1] {
	case '/':
		return d.endTag()
	case '?':
		i, err := d.find(d.pos+2, "?>")
		if err != nil {
			return Entry{}, false, d.unexpectedEnd(err, "a processing instruction")
		}
		if err := d.checkDecl(d.buf[d.pos+2 : i]); err != nil {
			return Entry{}, false, err
		}
		d.pos = i + 2
		return Entry{}, false, nil
	case '!':
		return Entry{}, false, d.bang()
	}
	return Entry{}, false, d.startTag()
}

// atEnd checks the document is complete when the input ends.
func (d *FeedReader) atEnd() error {
	switch {
	case d.root == 0:
		return d.fail(d.end, "the document is empty or holds no element: not an Atom feed")
	case !d.closed:
		return d.fail(d.end, "the document ends before the root element is closed (was it cut short?)")
	}
	return io.EOF
}

// text reads character data up to the next '<'.
func (d *FeedReader) text() error {
	startAbs := d.abs(d.pos)
	i, err := d.find(d.pos, "<")
	if err == errNoMore {
		i, err = d.end, nil
	}
	if err != nil {
		return err
	}
	if err := d.chardata(d.idx(startAbs), i, false); err != nil {
		return err
	}
	d.pos = i
	return nil
}

// checkDecl refuses an XML declaration naming an encoding other than
// UTF-8: the reader reads UTF-8 only.
func (d *FeedReader) checkDecl(pi []byte) error {
	if !bytes.HasPrefix(pi, []byte("xml")) || len(pi) > 3 && !isSpaceByte(pi[3]) {
		return nil
	}
	i := bytes.Index(pi, []byte("encoding"))
	if i < 0 {
		return nil
	}
	rest := trimLeftSpace(pi[i+len("encoding"):])
	if len(rest) == 0 || rest[0] != '=' {
		return nil
	}
	rest = trimLeftSpace(rest[1:])
	if len(rest) < 2 || rest[0] != '"' && rest[0] != '\'' {
		return nil
	}
	end := bytes.IndexByte(rest[1:], rest[0])
	if end < 0 {
		return nil
	}
	enc := rest[1 : 1+end]
	if !bytes.EqualFold(enc, []byte("UTF-8")) && !bytes.EqualFold(enc, []byte("UTF8")) {
		return d.fail(d.pos, "the document is encoded in %s; only UTF-8 is read", clip(enc))
	}
	return nil
}

// bang reads a comment, a CDATA section, or refuses a DOCTYPE.
func (d *FeedReader) bang() error {
	start := d.abs(d.pos)
	if err := d.ensure(9); err != nil && err != errNoMore {
		return err
	}
	rest := d.buf[d.pos:d.end]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		i, err := d.find(d.pos+4, "-->")
		if err != nil {
			return d.unexpectedEnd(err, "a comment")
		}
		d.pos = i + 3
		return nil
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		i, err := d.find(d.pos+9, "]]>")
		if err != nil {
			return d.unexpectedEnd(err, "a CDATA section")
		}
		if err := d.chardata(d.idx(start)+9, i, true); err != nil {
			return err
		}
		d.pos = i + 3
		return nil
	case bytes.HasPrefix(rest, []byte("<!DOCTYPE")):
		return d.fail(d.pos, "a document type declaration is not accepted in a feed")
	}
	return d.fail(d.pos, "markup starting with \"<!\" is neither a comment nor a CDATA section")
}

// chardata handles text from buffer index i to j.
func (d *FeedReader) chardata(i, j int, cdata bool) error {
	if i == j {
		return nil
	}
	n := len(d.roles)
	if n == 0 || d.closed {
		b := d.buf[i:j]
		if d.abs(i) == 0 && bytes.HasPrefix(b, []byte("\uFEFF")) {
			b = b[3:] // a byte-order mark
		}
		if !cdata && isSpace(b) {
			return nil
		}
		return d.fail(i, "text outside the root element")
	}
	if d.roles[n-1].captures() {
		d.segs = append(d.segs, span{d.abs(i), d.abs(j), cdata})
	}
	return nil
}

// startTag reads a start tag or an empty-element tag.
func (d *FeedReader) startTag() error {
	start := d.abs(d.pos)
	// Find the closing '>' outside quoted attribute values.
	var quote byte
	i := d.pos + 1
	for {
		if i >= d.end {
			di := d.abs(i)
			if err := d.fill(); err != nil {
				return d.unexpectedEnd(err, "a start tag")
			}
			i = d.idx(di)
			continue
		}
		c := d.buf[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			} else if c == '<' {
				return d.fail(i, "'<' in an attribute value")
			}
		} else if c == '"' || c == '\'' {
			quote = c
		} else if c == '>' {
			break
		} else if c == '<' {
			return d.fail(i, "'<' inside a tag")
		}
		i++
	}
	p := d.idx(start)
	tag := d.buf[p+1 : i]
	empty := len(tag) > 0 && tag[len(tag)-1] == '/'
	if empty {
		tag = tag[:len(tag)-1]
	}
	nameEnd := 0
	for nameEnd < len(tag) && !isSpaceByte(tag[nameEnd]) {
		nameEnd++
	}
	name := tag[:nameEnd]
	if err := checkName(name); err != nil {
		return d.fail(p, "bad element name %q: %v", clip(name), err)
	}
	if len(d.roles) == maxDepth {
		return d.fail(p, "elements nest deeper than %d levels", maxDepth)
	}
	if d.closed {
		return d.fail(p, "element <%s> after the end of the root element", clip(name))
	}
	r, err := d.enter(p, localName(name), tag[nameEnd:], start)
	if err != nil {
		return err
	}
	d.starts = append(d.starts, len(d.names))
	d.names = append(d.names, name...)
	d.roles = append(d.roles, r)
	d.pos = i + 1
	if empty {
		return d.leave(i + 1)
	}
	return nil
}

// enter decides the role of an element opening at buffer index p and starts
// what it needs.
func (d *FeedReader) enter(p int, local, attrs []byte, start int64) (role, error) {
	var parent role
	if n := len(d.roles); n > 0 {
		parent = d.roles[n-1]
	} else {
		switch string(local) {
		case "feed":
			d.root = roleFeed
			return roleFeed, nil
		case "entry":
			d.root = roleEntry
			d.beginEntry(start)
			return roleEntry, nil
		}
		return 0, d.fail(p, "the root element is <%s>, not <feed>: not an Atom feed", clip(local))
	}
	var r role
	switch parent {
	case roleFeed:
		switch string(local) {
		case "entry":
			d.beginEntry(start)
			return roleEntry, nil
		case "link":
			l, err := d.link(p, attrs)
			if err != nil {
				return 0, err
			}
			d.feed.Links = append(d.feed.Links, Link{Rel: l.rel.s, Href: l.href.s, Type: l.typ.s})
			return roleFeedLink, nil
		case "id":
			r = roleFeedID
		case "title":
			r = roleFeedTitle
		case "updated":
			r = roleFeedUpdated
		default:
			return roleSkip, nil
		}
		d.hold = start
	case roleEntry:
		switch string(local) {
		case "link":
			l, err := d.link(p, attrs)
			if err != nil {
				return 0, err
			}
			d.links = append(d.links, l)
			return roleEntryLink, nil
		case "author":
			return roleAuthor, nil
		case "id":
			r = roleID
		case "title":
			r = roleTitle
		case "summary":
			r = roleSummary
		case "published":
			r = rolePublished
		case "updated":
			r = roleUpdated
		case "content":
			r = roleContent
		default:
			return roleSkip, nil
		}
		if d.fields[r-roleID].set {
			return 0, d.fail(p, "the entry has a second <%s>", local)
		}
	case roleAuthor:
		if string(local) != "name" {
			return roleSkip, nil
		}
		if d.fields[roleAuthorName-roleID].set {
			return roleSkip, nil // a second author: the first one is kept
		}
		r = roleAuthorName
	default:
		if parent.captures() {
			return 0, d.fail(p, "element <%s> inside <%s>: text was expected", clip(local), parentName(parent))
		}
		return roleSkip, nil
	}
	d.segs = d.segs[:0]
	return r, nil
}

func parentName(r role) string {
	switch r {
	case roleFeedID, roleID:
		return "id"
	case roleFeedTitle, roleTitle:
		return "title"
	case roleFeedUpdated, roleUpdated:
		return "updated"
	case roleSummary:
		return "summary"
	case rolePublished:
		return "published"
	case roleContent:
		return "content"
	case roleAuthorName:
		return "name"
	}
	return "?"
}

func (d *FeedReader) beginEntry(start int64) {
	d.count++
	d.inEnt = true
	d.entryStart = start
	d.hold = start
	d.fields = [nEntryFields]lazyString{}
	d.links = d.links[:0]
}

// endTag reads an end tag and finishes the element it closes.
func (d *FeedReader) endTag() (Entry, bool, error) {
	i, err := d.find(d.pos+2, ">")
	if err != nil {
		return Entry{}, false, d.unexpectedEnd(err, "an end tag")
	}
	name := bytes.TrimRight(d.buf[d.pos+2:i], " \t\r\n")
	n := len(d.roles)
	if n == 0 {
		return Entry{}, false, d.fail(d.pos, "end tag </%s> without a start tag", clip(name))
	}
	if open := d.names[d.starts[n-1]:]; !bytes.Equal(open, name) {
		return Entry{}, false, d.fail(d.pos, "end tag </%s> does not match <%s>", clip(name), clip(open))
	}
	r := d.roles[n-1]
	if r == roleEntry {
		e, err := d.finishEntry(i + 1)
		d.pop()
		d.pos = i + 1
		if err != nil {
			return Entry{}, false, err
		}
		return e, true, nil
	}
	err = d.leave(i + 1)
	return Entry{}, false, err
}

func (d *FeedReader) pop() {
	n := len(d.roles)
	d.names = d.names[:d.starts[n-1]]
	d.starts = d.starts[:n-1]
	d.roles = d.roles[:n-1]
	if n == 1 {
		d.closed = true
	}
}

// leave finishes the innermost open element, which ends just before buffer
// index next, and pops it.
func (d *FeedReader) leave(next int) error {
	r := d.roles[len(d.roles)-1]
	if r.captures() {
		if err := d.capture(r); err != nil {
			return err
		}
	}
	d.pop()
	d.pos = next
	if r == roleEntry { // an empty <entry/>
		_, err := d.finishEntry(next)
		return err
	}
	return nil
}

// capture turns the text segments of a field into its value.
func (d *FeedReader) capture(r role) error {
	v, err := d.value()
	if err != nil {
		return err
	}
	switch r {
	case roleFeedID, roleFeedTitle, roleFeedUpdated:
		d.hold = -1
		s := v.s
		switch r {
		case roleFeedID:
			d.feed.ID = s
		case roleFeedTitle:
			d.feed.Title = s
		default:
			t, err := parseTime(s)
			if err != nil {
				return d.fail(d.pos, "feed <updated>: %v", err)
			}
			d.feed.Updated = t
		}
		return nil
	}
	d.fields[r-roleID] = v
	return nil
}

// value decodes the captured segments. Text that is one segment without
// entity references or carriage returns is returned as offsets: relative to
// the entry inside an entry, absolute otherwise.
func (d *FeedReader) value() (lazyString, error) {
	segs := d.segs
	// Drop white space around the value.
	for len(segs) > 0 && !segs[0].cdata && isSpace(d.buf[d.idx(segs[0].start):d.idx(segs[0].end)]) {
		segs = segs[1:]
	}
	for len(segs) > 0 && !segs[len(segs)-1].cdata && isSpace(d.buf[d.idx(segs[len(segs)-1].start):d.idx(segs[len(segs)-1].end)]) {
		segs = segs[:len(segs)-1]
	}
	if len(segs) == 0 {
		return lazyString{set: true}, nil
	}
	if len(segs) == 1 {
		b := d.buf[d.idx(segs[0].start):d.idx(segs[0].end)]
		if bytes.IndexByte(b, '\r') < 0 && (segs[0].cdata || bytes.IndexByte(b, '&') < 0) {
			lead := len(b) - len(trimLeftSpace(b))
			trail := len(b) - len(trimRightSpace(b))
			start, end := segs[0].start+int64(lead), segs[0].end-int64(trail)
			if start > end {
				start = end
			}
			if d.inEnt {
				return lazyString{start: int(start - d.entryStart), end: int(end - d.entryStart), set: true, relative: true}, nil
			}
			return lazyString{s: string(d.buf[d.idx(start):d.idx(end)]), set: true}, nil
		}
	}
	out := d.scratch[:0]
	for _, s := range segs {
		b := d.buf[d.idx(s.start):d.idx(s.end)]
		if s.cdata {
			out = appendNormalized(out, b)
			continue
		}
		var err error
		out, err = d.unescape(out, b, d.idx(s.start))
		if err != nil {
			return lazyString{}, err
		}
	}
	d.scratch = out
	return lazyString{s: string(trimSpace(out)), set: true}, nil
}

// appendNormalized appends b with line ends normalised to "\n", as XML
// requires of a parser.
func appendNormalized(out, b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '\r')
		if i < 0 {
			return append(out, b...)
		}
		out = append(out, b[:i]...)
		out = append(out, '\n')
		b = b[i+1:]
		if len(b) > 0 && b[0] == '\n' {
			b = b[1:]
		}
	}
}

// unescape appends the character data b, found at buffer index at, with
// its references decoded and its line ends normalised.
func (d *FeedReader) unescape(out, b []byte, at int) ([]byte, error) {
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return appendNormalized(out, b), nil
		}
		out = appendNormalized(out, b[:i])
		at += i
		b = b[i:]
		j := bytes.IndexByte(b, ';')
		if j < 0 || j > 12 {
			return nil, d.fail(at, "'&' that does not start a reference (write it as &amp;)")
		}
		ref := b[1:j]
		switch string(ref) {
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "amp":
			out = append(out, '&')
		case "apos":
			out = append(out, '\'')
		case "quot":
			out = append(out, '"')
		default:
			r, ok := charRef(ref)
			if !ok {
				return nil, d.fail(at, "unknown reference &%s;", clip(ref))
			}
			out = utf8.AppendRune(out, r)
		}
		at += j + 1
		b = b[j+1:]
	}
}

// charRef decodes the body of a character reference (#65 or #x41).
func charRef(ref []byte) (rune, bool) {
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	var n uint64
	var err error
	if ref[1] == 'x' {
		n, err = strconv.ParseUint(string(ref[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(ref[1:]), 10, 32)
	}
	if err != nil || !isXMLChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// isXMLChar reports whether r may appear in an XML 1.0 document.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// link reads the attributes of a <link> element at buffer index p.
func (d *FeedReader) link(p int, attrs []byte) (lazyLink, error) {
	var l lazyLink
	for len(attrs) > 0 {
		attrs = trimLeftSpace(attrs)
		if len(attrs) == 0 {
			break
		}
		eq := bytes.IndexByte(attrs, '=')
		if eq <= 0 {
			return l, d.fail(p, "attribute without a value in <link>")
		}
		name := bytes.TrimRight(attrs[:eq], " \t\r\n")
		rest := trimLeftSpace(attrs[eq+1:])
		if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
			return l, d.fail(p, "attribute %s of <link> is not quoted", clip(name))
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return l, d.fail(p, "attribute %s of <link> is not closed", clip(name))
		}
		val := rest[1 : 1+end]
		attrs = rest[end+2:]
		if len(attrs) > 0 && !isSpaceByte(attrs[0]) {
			return l, d.fail(p, "attributes of <link> are not separated by white space")
		}
		var dst *lazyString
		switch string(localName(name)) {
		case "rel":
			dst = &l.rel
		case "href":
			dst = &l.href
		case "type":
			dst = &l.typ
		default:
			continue
		}
		vi := cap(d.buf) - cap(val) // val is a slice of d.buf: its index there
		if bytes.IndexByte(val, '&') < 0 && bytes.IndexByte(val, '\r') < 0 {
			if d.inEnt {
				a := int(d.abs(vi) - d.entryStart)
				*dst = lazyString{start: a, end: a + len(val), set: true, relative: true}
			} else {
				*dst = lazyString{s: string(val), set: true}
			}
		} else {
			out, err := d.unescape(d.scratch[:0], val, vi)
			if err != nil {
				return l, err
			}
			d.scratch = out
			*dst = lazyString{s: string(out), set: true}
		}
	}
	if !l.rel.set {
		l.rel = lazyString{s: "alternate", set: true}
	}
	return l, nil
}

// finishEntry builds the Entry that ends just before buffer index next.
func (d *FeedReader) finishEntry(next int) (Entry, error) {
	if d.entryStart < d.off {
		return Entry{}, d.fail(next, "internal error: entry start lost")
	}
	xml := string(d.buf[d.idx(d.entryStart):next])
	d.hold = -1
	d.inEnt = false
	f := func(r role) string { return d.fields[r-roleID].resolve(xml) }
	e := Entry{
		ID:      f(roleID),
		Title:   f(roleTitle),
		Summary: f(roleSummary),
		Author:  f(roleAuthorName),
		Content: f(roleContent),
		XML:     xml,
	}
	if len(d.links) > 0 {
		e.Links = make([]Link, len(d.links))
		for i, l := range d.links {
			e.Links[i] = Link{Rel: l.rel.resolve(xml), Href: l.href.resolve(xml), Type: l.typ.resolve(xml)}
		}
	}
	at := d.abs(next)
	bad := func(format string, args ...any) error {
		return &FeedError{Offset: at, Entry: d.count, ID: e.ID, Msg: fmt.Sprintf(format, args...)}
	}
	if !d.fields[idField].set || e.ID == "" {
		return Entry{}, bad("the entry has no <id>")
	}
	if !d.fields[roleUpdated-roleID].set {
		return Entry{}, bad("the entry has no <updated>")
	}
	var err error
	if e.Updated, err = parseTime(f(roleUpdated)); err != nil {
		return Entry{}, bad("<updated>: %v", err)
	}
	if d.fields[rolePublished-roleID].set {
		if e.Published, err = parseTime(f(rolePublished)); err != nil {
			return Entry{}, bad("<published>: %v", err)
		}
	}
	return e, nil
}

// parseTime reads an RFC 3339 timestamp such as 2017-07-14T14:04:00.000Z,
// returned in UTC.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 timestamp", clipString(s))
	}
	return t.UTC(), nil
}

// checkName reports a name that cannot be an XML element name.
func checkName(b []byte) error {
	if len(b) == 0 {
		return errors.New("empty")
	}
	switch c := b[0]; {
	case c >= '0' && c <= '9', c == '-', c == '.':
		return errors.New("starts with a digit, '-' or '.'")
	}
	for _, c := range b {
		switch c {
		case '"', '\'', '=', '&', '<', '>', '/', '!', '?', ';', ',', '(', ')', '[', ']', '{', '}', '\\', '@', '#', '$', '%', '^', '*', '+', '`', '|', '~':
			return fmt.Errorf("holds %q", c)
		}
	}
	return nil
}

// localName strips a namespace prefix.
func localName(b []byte) []byte {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		return b[i+1:]
	}
	return b
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isSpace(b []byte) bool {
	for _, c := range b {
		if !isSpaceByte(c) {
			return false
		}
	}
	return true
}

func trimLeftSpace(b []byte) []byte {
	for len(b) > 0 && isSpaceByte(b[0]) {
		b = b[1:]
	}
	return b
}

func trimRightSpace(b []byte) []byte {
	for len(b) > 0 && isSpaceByte(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

func trimSpace(b []byte) []byte { return trimRightSpace(trimLeftSpace(b)) }

// clip shortens text quoted in an error message.
func clip(b []byte) string { return clipString(string(b)) }

func clipString(s string) string {
	if len(s) > 40 {
		return strings.ToValidUTF8(s[:40], "") + "…"
	}
	return s
}
