package canonical

import (
	"slices"
	"strings"
)

// Lifecycle names what happened to a person between two HR snapshots, in
// joiner/mover/leaver terms. It is the word hcmatom.Lifecycle uses too, for
// what one feed event did.
type Lifecycle string

// The lifecycles Classify finds, in the order it tests them.
const (
	Joiner    Lifecycle = "joiner"
	Rehire    Lifecycle = "rehire"
	Leaver    Lifecycle = "leaver"
	Mover     Lifecycle = "mover"
	Update    Lifecycle = "update"
	Unchanged Lifecycle = "unchanged"
)

// Classification is Classify's answer: the lifecycle, and the changes from before
// to after that explain it (nil when a side is absent and there is nothing to
// compare).
type Classification struct {
	Lifecycle Lifecycle `json:"lifecycle"`
	Changes   []Change  `json:"changes"`
}

// Classify names what happened to a person between an older and a newer
// snapshot of the same source; nil means the person is absent from that
// snapshot. Below, "employed" means a status other than inactive (a person
// whose status is not given counts as employed), so a pending worker or a
// future-dated hire is employed; Classify knows no date of its own, so an end
// date alone does not make a person a leaver: it is an update until the source
// sets the status to inactive.
//
//   - Joiner: before absent, after employed (active, pending, or a future
//     start date). A person first seen already inactive is None.
//   - Rehire: after employed, and before inactive, or before ended (an end date)
//     and after started again (a start date after that end date): HCM's
//     rehire, a new period of service for a known person.
//   - Leaver: before employed, and after inactive or absent. A person absent
//     from both, or inactive and then absent, is None.
//   - Mover: employed on both sides, and a change to the assignments (one added
//     or removed; the primary flag, organisation unit, entity, business unit,
//     department, position, location or job of one) or to the managers.
//   - Update: any other change, including a pending worker who becomes active
//     (employment.status) and changes to an inactive person.
//   - None: no change.
func Classify(before, after *Person) Classification {
	switch {
	case after == nil:
		if before != nil && employed(before, Date{}) {
			return Classification{Lifecycle: Leaver}
		}
		return Classification{Lifecycle: Unchanged}
	case before == nil:
		if !employed(after, Date{}) {
			return Classification{Lifecycle: Unchanged}
		}
		return Classification{Lifecycle: Joiner, Changes: Diff(Person{}, *after)}
	}
	c := Classification{Changes: Diff(*before, *after)}
	was, is := employed(before, Date{}), employed(after, Date{})
	switch {
	case is && (!was || restarted(before, after)):
		c.Lifecycle = Rehire
	case was && !is:
		c.Lifecycle = Leaver
	case len(c.Changes) == 0:
		c.Lifecycle = Unchanged
	case was && slices.ContainsFunc(c.Changes, isMove):
		c.Lifecycle = Mover
	default:
		c.Lifecycle = Update
	}
	return c
}

// restarted reports whether after starts a new period of work after the end
// of before's.
func restarted(before, after *Person) bool {
	end := before.Employment.End.Or(Date{})
	start, ok := after.Employment.Start.Get()
	return ok && !end.IsZero() && start.After(end)
}

// isMove reports whether c changes where a person works or to whom they
// report.
func isMove(c Change) bool {
	if c.Path == "managers" {
		return true
	}
	if !strings.HasPrefix(c.Path, "assignments[") {
		return false
	}
	switch c.Path[strings.LastIndexByte(c.Path, ']')+1:] {
	case "", ".primary", ".orgUnit", ".entity", ".businessUnit", ".department",
		".position", ".location", ".job":
		return true
	}
	return false
}
