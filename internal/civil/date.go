// Package civil defines Date, the calendar date that every hrbridge package
// uses for HR dates: hire dates, effective dates, ends of contract.
//
// An HR date is a day on a calendar, not an instant: it has no time zone and
// so it can never move by a day when a program runs in another zone. Each
// system package exposes Date through a type alias and parses and formats it
// in that system's own layout (DD.MM.YYYY for CMO, YYYY-MM-DD for HCM and
// oHRis). time.Time stays in use for instants (feed timestamps, token
// expiry).
package civil

import (
	"fmt"
	"time"
)

// ISO is the layout of ISO 8601 calendar dates (YYYY-MM-DD), in the notation
// of the time package. It is the layout of Date's String and JSON forms.
const ISO = "2006-01-02"

// Date is a calendar date: a year, a month and a day, with no time and no
// time zone. The zero Date (year 0, month 0, day 0) means "no date"; IsZero
// reports it. Dates compare with ==.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date on which the instant t falls in t's own location.
// Convert t with t.In(loc) first to choose another zone on purpose.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// NewDate returns the date year-month-day, normalised as time.Date does
// (month 13 is January of the next year, day 0 the last day of the month
// before).
func NewDate(year int, month time.Month, day int) Date {
	return DateOf(time.Date(year, month, day, 0, 0, 0, 0, time.UTC))
}

// Parse parses s in layout, a time-package layout holding only date
// elements, such as ISO or "02.01.2006". The date is read as written: no
// time zone takes part, so it cannot shift. An empty s is an error; callers
// that accept "no date" check for it first.
func Parse(layout, s string) (Date, error) {
	t, err := time.ParseInLocation(layout, s, time.UTC)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not in the layout %s", s, humanLayout(layout))
	}
	return DateOf(t), nil
}

// ParseISO parses a YYYY-MM-DD date.
func ParseISO(s string) (Date, error) { return Parse(ISO, s) }

// humanLayout turns a time-package layout into the form people write
// (02.01.2006 becomes DD.MM.YYYY) for error messages.
func humanLayout(layout string) string {
	out := make([]byte, 0, len(layout))
	for i := 0; i < len(layout); {
		switch {
		case hasPrefixAt(layout, i, "2006"):
			out = append(out, "YYYY"...)
			i += 4
		case hasPrefixAt(layout, i, "01"):
			out = append(out, "MM"...)
			i += 2
		case hasPrefixAt(layout, i, "02"):
			out = append(out, "DD"...)
			i += 2
		default:
			out = append(out, layout[i])
			i++
		}
	}
	return string(out)
}

func hasPrefixAt(s string, i int, p string) bool {
	return len(s)-i >= len(p) && s[i:i+len(p)] == p
}

// Format formats d in layout; the zero Date formats as "".
func (d Date) Format(layout string) string {
	if d.IsZero() {
		return ""
	}
	return d.time().Format(layout)
}

// String returns d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string { return d.Format(ISO) }

// IsZero reports whether d is the zero Date, which stands for "no date".
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d names a real day of the Gregorian calendar.
func (d Date) IsValid() bool { return !d.IsZero() && NewDate(d.Year, d.Month, d.Day) == d }

// time returns midnight UTC at the start of d, the one place where a Date
// becomes an instant, always in UTC so that no zone can move it.
func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// AddDays returns the date n days after d (before it for negative n).
func (d Date) AddDays(n int) Date { return NewDate(d.Year, d.Month, d.Day+n) }

// MarshalText encodes d as YYYY-MM-DD (empty for the zero Date), which also
// gives Date its JSON and XML forms.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes YYYY-MM-DD; empty text gives the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseISO(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
