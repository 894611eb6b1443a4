// Package paging holds what every hrbridge client's lists share: the
// page-level shape beside the iterators, and the guard that stops a list
// when a server sends a page it has already sent.
package paging

import (
	"errors"
	"fmt"
)

// Page is one page of a list, for callers who checkpoint between pages. Each
// package exposes it by alias (cmo.Page[T], hcmscim.Page[T], ...) and its
// page-level calls take the Next of the page before ("" for the first).
type Page[T any] struct {
	// Items are the page's items, in the server's order.
	Items []T
	// Next is what asks for the next page (a cursor, an offset, a URL, as
	// the system pages); "" after the last page.
	Next string
	// Total is the number of items in the whole list when the server says,
	// else -1.
	Total int
}

// ErrRepeatedPage is a server answering the request for a new page with a
// page it has already sent: following it would never end.
var ErrRepeatedPage = errors.New("the server sent a page it had already sent")

// Guard remembers the pages of one list by a key the caller derives from
// each (its next-page token, or its first and last items' ids). The zero
// value is ready to use.
type Guard struct {
	seen map[string]struct{}
}

// Seen records key and returns an error wrapping ErrRepeatedPage if it was
// recorded before. An empty key (a page with no items) is never a repeat.
func (g *Guard) Seen(key string) error {
	if key == "" {
		return nil
	}
	if g.seen == nil {
		g.seen = make(map[string]struct{})
	}
	if _, ok := g.seen[key]; ok {
		return fmt.Errorf("%w (page %q again after %d pages)", ErrRepeatedPage, key, len(g.seen))
	}
	g.seen[key] = struct{}{}
	return nil
}
