package ohris

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// Element names of the flux file, as the source document spells them.
const (
	elUtilisateurs         = "utilisateurs"
	elUtilisateur          = "utilisateur"
	elMatricule            = "matricule"
	elNom                  = "nom"
	elPrenom               = "prenom"
	elGenre                = "genre"
	elLogin                = "login"
	elAdresseMail          = "adresseMail"
	elTypeContrat          = "typeContrat"
	elGroupe               = "groupe"
	elSociete              = "societe"
	elServices             = "services"
	elService              = "service"
	elLibelleLong          = "libellelong"
	elCode                 = "code"
	elDateDebutContrat     = "dateDebutContrat"
	elDateFinContrat       = "dateFinContrat"
	elResponsable          = "responsable"
	elCycle                = "cycle"
	elDateAffectationCycle = "dateAffectationCycle"
	elJoursFeries          = "joursFeries"
	elModules              = "modules"
	elModule               = "module"
	elEnfants              = "enfants"
	elEnfant               = "enfant"
)

// The first and last lines of every file. The source document's example
// declares only version="1.0", which means UTF-8; the writer says so.
const (
	header = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<" + elUtilisateurs + ">\n"
	footer = "</" + elUtilisateurs + ">\n"
)

// Writer writes a flux file one user at a time, in UTF-8, with the elements
// in the source document's order. It holds one user's bytes at a time, so its
// memory does not grow with the number of users.
//
// Write checks each user alone (mandatory attributes, lengths, enumerations,
// dates) and refuses a user that fails; the rules across users (unique logins
// and keys, responsables that exist) and the reference lists need the whole
// file: run Check first, or use WriteFile, which does both.
type Writer struct {
	w      *bufio.Writer
	buf    []byte
	n      int
	err    error
	closed bool
}

// NewWriter returns a Writer that writes a file to w. Call Close at the end.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 64<<10)}
}

// errClosed is returned by a Write after Close.
var errClosed = errors.New("ohris: write to a closed Writer")

// Write writes u as the next utilisateur element. It returns a
// *ValidationError, and writes nothing, when u fails its own checks; an
// error from the underlying writer is returned again by every later call.
func (w *Writer) Write(u User) error {
	if w.closed {
		return errClosed
	}
	if w.err != nil {
		return w.err
	}
	if ps := u.problems(w.n + 1); len(ps) > 0 {
		return &ValidationError{Report: &Report{Users: 1, Problems: ps}}
	}
	b := w.buf[:0]
	if w.n == 0 {
		b = append(b, header...)
	}
	b = appendUser(b, &u)
	w.buf = b
	if _, err := w.w.Write(b); err != nil {
		w.err = fmt.Errorf("ohris: writing user %d: %w", w.n+1, err)
		return w.err
	}
	w.n++
	return nil
}

// Close ends the file and flushes it. It does not close the underlying
// writer. A file with no user is still a well-formed file.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if w.n == 0 {
		w.w.WriteString(header)
	}
	w.w.WriteString(footer)
	if err := w.w.Flush(); err != nil {
		w.err = fmt.Errorf("ohris: writing the end of the file: %w", err)
	}
	return w.err
}

// Written returns the number of users written so far.
func (w *Writer) Written() int { return w.n }

// appendUser appends the utilisateur element of u.
func appendUser(b []byte, u *User) []byte {
	const in1, in2, in3 = "  ", "    ", "      "
	b = append(b, in1+"<"+elUtilisateur+">\n"...)
	b = appendElem(b, in2, elMatricule, u.EmployeeNumber)
	b = appendElem(b, in2, elNom, u.LastName)
	b = appendElem(b, in2, elPrenom, u.FirstName)
	b = appendElem(b, in2, elGenre, string(u.Gender))
	b = appendElem(b, in2, elLogin, u.Login)
	if v, ok := u.Email.Get(); ok {
		b = appendElem(b, in2, elAdresseMail, v)
	}
	b = appendElem(b, in2, elTypeContrat, u.ContractType)
	b = appendElem(b, in2, elGroupe, u.Group)
	b = appendElem(b, in2, elSociete, u.Company)
	b = append(b, in2+"<"+elServices+">\n"...)
	for _, s := range u.Services {
		b = append(b, in3+"<"+elService+">\n"...)
		b = appendElem(b, in3+in1, elLibelleLong, s.LongName)
		b = appendElem(b, in3+in1, elCode, s.Code)
		b = append(b, in3+"</"+elService+">\n"...)
	}
	b = append(b, in2+"</"+elServices+">\n"...)
	b = appendDate(b, in2, elDateDebutContrat, u.ContractStart)
	if d, ok := u.ContractEnd.Get(); ok {
		b = appendDate(b, in2, elDateFinContrat, d)
	}
	if v, ok := u.Manager.Get(); ok {
		b = appendElem(b, in2, elResponsable, v)
	}
	b = appendElem(b, in2, elCycle, u.Cycle)
	b = appendDate(b, in2, elDateAffectationCycle, u.CycleStart)
	b = appendElem(b, in2, elJoursFeries, u.Holidays)
	b = append(b, in2+"<"+elModules+">\n"...)
	for _, m := range u.Modules {
		b = appendElem(b, in3, elModule, string(m))
	}
	b = append(b, in2+"</"+elModules+">\n"...)
	if ds, ok := u.Children.Get(); ok {
		b = append(b, in2+"<"+elEnfants+">\n"...)
		for _, d := range ds {
			b = appendDate(b, in3, elEnfant, d)
		}
		b = append(b, in2+"</"+elEnfants+">\n"...)
	}
	return append(b, in1+"</"+elUtilisateur+">\n"...)
}

func appendElem(b []byte, indent, name, v string) []byte {
	b = appendOpen(b, indent, name)
	b = appendEscaped(b, v)
	return appendClose(b, name)
}

// appendDate appends a date element as YYYY-MM-DD, empty for the zero Date,
// without going through time.Time.
func appendDate(b []byte, indent, name string, d Date) []byte {
	b = appendOpen(b, indent, name)
	if !d.IsZero() {
		b = appendDigits(b, d.Year, 4)
		b = append(b, '-')
		b = appendDigits(b, int(d.Month), 2)
		b = append(b, '-')
		b = appendDigits(b, d.Day, 2)
	}
	return appendClose(b, name)
}

func appendOpen(b []byte, indent, name string) []byte {
	b = append(b, indent...)
	b = append(b, '<')
	b = append(b, name...)
	return append(b, '>')
}

func appendClose(b []byte, name string) []byte {
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, ">\n"...)
}

// appendDigits appends the n lowest decimal digits of v (v >= 0, as checked
// dates are).
func appendDigits(b []byte, v, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		d := v
		for range i {
			d /= 10
		}
		b = append(b, byte('0'+d%10))
	}
	return b
}

// appendEscaped appends s as XML character data. A carriage return is
// written as a character reference, so that a reader gets it back rather
// than a line end normalised to "\n".
func appendEscaped(b []byte, s string) []byte {
	for {
		i := strings.IndexAny(s, "&<>\r")
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		switch s[i] {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '\r':
			b = append(b, "&#xD;"...)
		}
		s = s[i+1:]
	}
}

// WriteParams configures WriteFile.
type WriteParams struct {
	// References are the tenant's reference lists; see References.
	References References
	// LeaveOutInvalid writes the file without the users that fail a check.
	// By default such a user makes WriteFile refuse the whole file and
	// write nothing.
	LeaveOutInvalid bool
	// Progress, if set, is called with the number of users written after
	// every thousand users and at the end.
	Progress func(written int)
}

// WriteFile checks the users of a file and then writes them to w. It ranges
// over users two or three times, to check and then to write, and so needs
// an iterator that yields the same users each time (Users over a slice
// does). Its memory does not hold the users: the checks across users keep
// about 3 bytes a user, and the users that may repeat a login or a key;
// with References.ManagersMustExist, they keep every user's key, login and
// responsable, as Check does.
//
// When a user fails a check, WriteFile writes nothing and returns the report
// with a *ValidationError, unless p.LeaveOutInvalid is set: then it writes
// the other users and the report lists those left out. The report is
// returned in every case where the check could run.
func WriteFile(w io.Writer, users iter.Seq2[User, error], p WriteParams) (*Report, error) {
	rep, err := checkFile(users, p)
	if err != nil {
		return rep, err
	}
	return rep, writeChecked(w, users, rep, p)
}

// checkFile runs the checks of Check and refuses the file as p says.
// Without the responsable rule, it holds a few bits per user rather than
// each user's key and login: see checkTwice.
func checkFile(users iter.Seq2[User, error], p WriteParams) (*Report, error) {
	check := checkTwice
	if p.References.ManagersMustExist {
		check = Check
	}
	rep, err := check(users, p.References)
	if err == nil && !rep.OK() && !p.LeaveOutInvalid {
		err = &ValidationError{Report: rep}
	}
	return rep, err
}

// writeChecked writes the users that rep does not list to w.
func writeChecked(w io.Writer, users iter.Seq2[User, error], rep *Report, p WriteParams) error {
	fw := NewWriter(w)
	i, next := 0, 0 // next indexes the first problem not yet passed
	for u, err := range users {
		i++
		for next < len(rep.Problems) && rep.Problems[next].Index < i {
			next++
		}
		if next < len(rep.Problems) && rep.Problems[next].Index == i {
			continue
		}
		if err != nil {
			return fmt.Errorf("ohris: user %d: %w", i, err)
		}
		if i > rep.Users {
			return fmt.Errorf("ohris: the users changed between the check and the write: user %d is new", i)
		}
		if err := fw.Write(u); err != nil {
			return err
		}
		if p.Progress != nil && fw.Written()%1000 == 0 {
			p.Progress(fw.Written())
		}
	}
	if i != rep.Users {
		return fmt.Errorf("ohris: the users changed between the check and the write: %d checked, %d written", rep.Users, i)
	}
	if err := fw.Close(); err != nil {
		return err
	}
	if p.Progress != nil {
		p.Progress(fw.Written())
	}
	return nil
}
