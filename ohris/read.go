package ohris

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/hrbridge/hrbridge/internal/civil"
)

// Bounds of Reader, so that no input can make it hold more than a little
// memory: the file, one utilisateur element, and one run of text (the bytes
// between two '<').
const (
	DefaultMaxFileBytes = 4 << 30
	maxUserBytes        = 1 << 20
	maxRunBytes         = 64 << 10
)

// ErrTooLarge is returned by Reader when its input passes one of its bounds.
var ErrTooLarge = errors.New("ohris: input too large")

// Reader reads a flux file user by user, holding one user at a time.
//
// It reports two kinds of errors. A user that oHRis would ignore (an
// element it does not know, an element given twice, a date not written
// YYYY-MM-DD) is yielded with a *ValidationError beside what could be read
// of it, and reading goes on. A file that is not well-formed XML, is not
// UTF-8, is not a list of utilisateur elements, or is larger than the bounds
// stops the reading with an error that gives the line and column.
type Reader struct {
	// MaxBytes bounds the size of the file; 0 means DefaultMaxFileBytes.
	MaxBytes int64

	r    io.Reader
	used bool
}

// NewReader returns a Reader that reads a file from r.
func NewReader(r io.Reader) *Reader { return &Reader{r: r} }

// Users returns an iterator over the users of the file, in file order. It
// can be ranged over once.
func (r *Reader) Users() iter.Seq2[User, error] {
	return func(yield func(User, error) bool) {
		if r.used {
			yield(User{}, errors.New("ohris: the Reader's users were already read"))
			return
		}
		r.used = true
		max := r.MaxBytes
		if max <= 0 {
			max = DefaultMaxFileBytes
		}
		// The decoder has no CharsetReader: a file that declares another
		// encoding than UTF-8 is refused.
		p := &parser{d: xml.NewDecoder(&boundedReader{r: r.r, max: max})}
		if err := p.root(); err != nil {
			yield(User{}, err)
			return
		}
		for {
			u, ps, err := p.next()
			if err != nil {
				if err != io.EOF {
					yield(User{}, err)
				}
				return
			}
			var uerr error
			if len(ps) > 0 {
				uerr = &ValidationError{Report: &Report{Users: 1, Problems: ps}}
			}
			if !yield(u, uerr) {
				return
			}
		}
	}
}

// boundedReader fails once it has read more than max bytes in all, or a run
// of more than maxRunBytes without a '<', which bounds every token that
// encoding/xml buffers.
type boundedReader struct {
	r        io.Reader
	max, n   int64
	run      int
	exceeded error
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.exceeded != nil {
		return 0, b.exceeded
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.max {
		b.exceeded = fmt.Errorf("%w: more than %d bytes", ErrTooLarge, b.max)
		return 0, b.exceeded
	}
	for s := p[:n]; len(s) > 0; {
		i := bytes.IndexByte(s, '<')
		if i < 0 {
			b.run += len(s)
			break
		}
		if b.run+i > maxRunBytes {
			b.run += i
			break
		}
		b.run, s = 0, s[i+1:]
	}
	if b.run > maxRunBytes {
		b.exceeded = fmt.Errorf("%w: more than %d bytes of text without markup", ErrTooLarge, maxRunBytes)
		return 0, b.exceeded
	}
	return n, err
}

// parser walks the tokens of a file.
type parser struct {
	d     *xml.Decoder
	index int // position of the current user, from 1
	start int64
	user  *User
	ps    []Problem
	seen  uint32 // simple elements already read in the current user, by bit
}

// A fileError is a fatal error in a file: where, and why. It is ErrInvalid,
// so that a caller tells a bad file from a failed transfer.
type fileError struct {
	line, col int
	msg       string
	err       error // the decoder's, if any
}

func (e *fileError) Error() string {
	return fmt.Sprintf("ohris: line %d, column %d: %s", e.line, e.col, e.msg)
}

func (e *fileError) Is(target error) bool { return target == ErrInvalid }

func (e *fileError) Unwrap() error { return e.err }

// fail returns a fatal error that gives the position in the file.
func (p *parser) fail(format string, args ...any) error {
	line, col := p.d.InputPos()
	return &fileError{line: line, col: col, msg: fmt.Sprintf(format, args...)}
}

// wrap turns an error of the decoder into a fatal error with the position;
// one that has its position already is returned as it is.
func (p *parser) wrap(err error) error {
	if err == io.EOF {
		return p.fail("the file ends before </%s>", elUtilisateurs)
	}
	var fe *fileError
	if errors.As(err, &fe) {
		return err
	}
	line, col := p.d.InputPos()
	return &fileError{line: line, col: col, msg: err.Error(), err: err}
}

// token returns the next token that matters: start and end elements and
// text that is not only white space. Comments, processing instructions and
// white space are skipped.
func (p *parser) token() (xml.Token, error) {
	for {
		t, err := p.d.Token()
		if err != nil {
			return nil, err
		}
		switch t := t.(type) {
		case xml.StartElement:
			if t.Name.Space != "" {
				return nil, p.fail("element <%s:%s> has a namespace; the flux uses none", t.Name.Space, t.Name.Local)
			}
			if p.user != nil && p.d.InputOffset()-p.start > maxUserBytes {
				return nil, fmt.Errorf("%w: user %d is larger than %d bytes", ErrTooLarge, p.index, maxUserBytes)
			}
			return t, nil
		case xml.EndElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return t, nil
			}
		case xml.Directive:
			return nil, p.fail("a DOCTYPE or other directive is not allowed in the flux")
		}
	}
}

// root reads up to the opening <utilisateurs>. A byte order mark, which
// some Windows tools write at the start of UTF-8 files, is passed over.
func (p *parser) root() error {
	t, err := p.token()
	if cd, ok := t.(xml.CharData); ok && p.d.InputOffset() == int64(len(cd)) &&
		string(bytes.TrimSpace(bytes.TrimPrefix(cd, []byte("\uFEFF")))) == "" {
		t, err = p.token()
	}
	if err != nil {
		if err == io.EOF {
			return p.fail("the file is empty")
		}
		return p.wrap(err)
	}
	if s, ok := t.(xml.StartElement); !ok || s.Name.Local != elUtilisateurs {
		return p.fail("the file does not start with <%s>", elUtilisateurs)
	}
	return nil
}

// next reads the next utilisateur element; it returns io.EOF after
// </utilisateurs> when nothing but white space, comments and processing
// instructions follow.
func (p *parser) next() (User, []Problem, error) {
	t, err := p.token()
	if err != nil {
		return User{}, nil, p.wrap(err)
	}
	switch t := t.(type) {
	case xml.EndElement: // </utilisateurs>
		if _, err := p.token(); err != io.EOF {
			if err != nil {
				return User{}, nil, p.wrap(err)
			}
			return User{}, nil, p.fail("content after </%s>", elUtilisateurs)
		}
		return User{}, nil, io.EOF
	case xml.StartElement:
		if t.Name.Local != elUtilisateur {
			return User{}, nil, p.fail("<%s> in <%s>: only <%s> elements are allowed there", t.Name.Local, elUtilisateurs, elUtilisateur)
		}
	default:
		return User{}, nil, p.fail("text in <%s>", elUtilisateurs)
	}
	p.index++
	p.start = p.d.InputOffset()
	var u User
	p.user, p.ps, p.seen = &u, nil, 0
	defer func() { p.user = nil }()
	if err := p.userBody(&u); err != nil {
		return User{}, nil, err
	}
	for i := range p.ps {
		p.ps[i].EmployeeNumber, p.ps[i].Company, p.ps[i].Login = u.EmployeeNumber, u.Company, u.Login
	}
	return u, p.ps, nil
}

// problem records a problem of the current user.
func (p *parser) problem(field, value, reason string) {
	p.ps = append(p.ps, Problem{Index: p.index, Field: field, Value: value, Reason: reason})
}

// simple lists the elements of a user that hold only text, with where the
// text goes.
var simple = []string{elMatricule, elNom, elPrenom, elGenre, elLogin, elAdresseMail, elTypeContrat,
	elGroupe, elSociete, elDateDebutContrat, elDateFinContrat, elResponsable, elCycle,
	elDateAffectationCycle, elJoursFeries}

// lists are the elements of a user that hold a list.
var lists = []string{elServices, elModules, elEnfants}

// userBody reads the children of <utilisateur> up to its end.
func (p *parser) userBody(u *User) error {
	for {
		t, err := p.token()
		if err != nil {
			return p.wrap(err)
		}
		switch t := t.(type) {
		case xml.EndElement:
			return nil
		case xml.CharData:
			p.problem(elUtilisateur, strings.TrimSpace(string(t)), "holds text where elements are expected")
		case xml.StartElement:
			name := t.Name.Local
			bit := elementBit(name)
			if bit == 0 {
				p.problem(name, "", "is not an element of the flux")
				if err := p.d.Skip(); err != nil {
					return p.wrap(err)
				}
				continue
			}
			if p.seen&bit != 0 {
				p.problem(name, "", "is given twice")
				if err := p.d.Skip(); err != nil {
					return p.wrap(err)
				}
				continue
			}
			p.seen |= bit
			if err := p.element(u, name); err != nil {
				return err
			}
		}
	}
}

// elementBit returns a bit for each element a user may hold, 0 for others.
func elementBit(name string) uint32 {
	for i, n := range simple {
		if n == name {
			return 1 << i
		}
	}
	for i, n := range lists {
		if n == name {
			return 1 << (len(simple) + i)
		}
	}
	return 0
}

// element reads one child of <utilisateur> whose start tag was just read.
func (p *parser) element(u *User, name string) error {
	switch name {
	case elServices:
		u.Services = []Service{}
		return p.list(name, elService, func(i int) error {
			var s Service
			var seen uint8
			err := p.list(elService, "", func(int) error { return nil }, func(child string) error {
				at := itemField(elServices, elService, i-1) + "/" + child
				var dst *string
				var bit uint8
				switch child {
				case elLibelleLong:
					dst, bit = &s.LongName, 1
				case elCode:
					dst, bit = &s.Code, 2
				default:
					p.problem(at, "", "is not an element of the flux")
					return p.d.Skip()
				}
				if seen&bit != 0 {
					p.problem(at, "", "is given twice")
					return p.d.Skip()
				}
				seen |= bit
				v, err := p.text(at)
				*dst = v
				return err
			})
			u.Services = append(u.Services, s)
			return err
		}, nil)
	case elModules:
		u.Modules = []Module{}
		return p.list(name, elModule, func(i int) error {
			v, err := p.text(itemField(elModules, elModule, i-1))
			u.Modules = append(u.Modules, Module(v))
			return err
		}, nil)
	case elEnfants:
		ds := []Date{}
		err := p.list(name, elEnfant, func(i int) error {
			d, err := p.date(itemField(elEnfants, elEnfant, i-1))
			ds = append(ds, d)
			return err
		}, nil)
		u.Children = Some(ds)
		return err
	case elDateDebutContrat:
		d, err := p.date(name)
		u.ContractStart = d
		return err
	case elDateFinContrat:
		d, err := p.date(name)
		u.ContractEnd = Some(d)
		return err
	case elDateAffectationCycle:
		d, err := p.date(name)
		u.CycleStart = d
		return err
	}
	v, err := p.text(name)
	switch name {
	case elMatricule:
		u.EmployeeNumber = v
	case elNom:
		u.LastName = v
	case elPrenom:
		u.FirstName = v
	case elGenre:
		u.Gender = Gender(v)
	case elLogin:
		u.Login = v
	case elAdresseMail:
		u.Email = Some(v)
	case elTypeContrat:
		u.ContractType = v
	case elGroupe:
		u.Group = v
	case elSociete:
		u.Company = v
	case elResponsable:
		u.Manager = Some(v)
	case elCycle:
		u.Cycle = v
	case elJoursFeries:
		u.Holidays = v
	}
	return err
}

// list reads the children of a list element up to its end. Each child
// named item is read by one(i), with i counting from 1; a child with
// another name goes to other, or is reported and skipped when other is nil.
func (p *parser) list(name, item string, one func(i int) error, other func(child string) error) error {
	i := 0
	for {
		t, err := p.token()
		if err != nil {
			return p.wrap(err)
		}
		switch t := t.(type) {
		case xml.EndElement:
			return nil
		case xml.CharData:
			p.problem(name, strings.TrimSpace(string(t)), "holds text where elements are expected")
		case xml.StartElement:
			switch {
			case t.Name.Local == item:
				i++
				if err := one(i); err != nil {
					return err
				}
			case other != nil:
				if err := other(t.Name.Local); err != nil {
					return err
				}
			default:
				p.problem(name+"/"+t.Name.Local, "", "is not an element of the flux")
				if err := p.d.Skip(); err != nil {
					return p.wrap(err)
				}
			}
		}
	}
}

// text reads the text of an element whose start tag was just read, up to
// its end tag. An element inside it is reported and skipped.
func (p *parser) text(field string) (string, error) {
	var v []byte
	for {
		t, err := p.d.Token()
		if err != nil {
			return "", p.wrap(err)
		}
		switch t := t.(type) {
		case xml.EndElement:
			return string(v), nil
		case xml.CharData:
			v = append(v, t...)
		case xml.StartElement:
			p.problem(field, "", "holds an element where text is expected")
			if err := p.d.Skip(); err != nil {
				return "", p.wrap(err)
			}
		case xml.Directive:
			return "", p.fail("a directive is not allowed in the flux")
		}
	}
}

// date reads a date element; an empty one is the zero Date.
func (p *parser) date(field string) (Date, error) {
	v, err := p.text(field)
	if err != nil || v == "" {
		return Date{}, err
	}
	d, perr := civil.ParseISO(v)
	if perr != nil || d.Year < 1 {
		p.problem(field, v, "is not a date written YYYY-MM-DD")
		return Date{}, nil
	}
	return d, nil
}
