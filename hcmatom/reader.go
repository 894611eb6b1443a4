package hcmatom

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"

	"github.com/hrbridge/hrbridge/internal/paging"
)

// item is one entry of a feed in reading order, decoded.
type item struct {
	entry Entry
	ev    Event
	// err is the *EntryError of an entry whose content could not be
	// decoded: it keeps its place in the order.
	err error
	at  time.Time
	id  string
}

// feedCursor reads one collection from an exclusive lower bound, page by
// page, so that no entry is skipped at a page edge.
//
// Oracle documents the lower bound (updated-min, published-min) as
// exclusive, so a reader that resumes from the timestamp of the last entry
// it handled skips the other entries of that same timestamp that were on
// the next page. Oracle's own Integration Cloud adapter avoids it this way,
// and so does feedCursor: of a full page whose last k entries share a
// timestamp, only the first N-k are handed out; the next request starts
// after the timestamp of the last of those (page 1 again), so the k
// entries come back first on it. A full page whose entries all share one
// timestamp cannot move the bound forward: the next page of the same query
// is read instead (its rel="next" link when there is one), and the
// timestamp counts as done only once a later one is seen. complete tells
// the Sync when the cursor may move to an entry's timestamp.
type feedCursor struct {
	c *Client
	q Query // the next request: its bound, page number and size
	// next is the rel="next" link to follow for the next request.
	next string
	// firstID is the first entry of the page read last, to notice a server
	// that answers the same page again.
	firstID string

	items    []item
	i        int  // items[i] is the next one handed out
	tailDone bool // every entry at the timestamp of the last item is among items
	end      bool // the page read last was the last one

	beforeFetch func(context.Context) error
	pages       int
	repeated    int // entries at or before the bound, dropped as already handled
}

// peek returns the next item, reading pages as needed, or nil at the end
// of the feed.
func (r *feedCursor) peek(ctx context.Context) (*item, error) {
	for r.i >= len(r.items) {
		if r.end {
			return nil, nil
		}
		if err := r.fetch(ctx); err != nil {
			return nil, err
		}
	}
	return &r.items[r.i], nil
}

func (r *feedCursor) advance() { r.i++ }

// complete reports whether every entry of the feed at or before t (the
// timestamp of the last item handed out) has been handed out.
func (r *feedCursor) complete(t time.Time) bool {
	if r.i < len(r.items) {
		return r.items[r.i].at.After(t)
	}
	return r.tailDone
}

// fetch reads the next page and decides which of its entries to hand out.
func (r *feedCursor) fetch(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.beforeFetch != nil {
		if err := r.beforeFetch(ctx); err != nil {
			return err
		}
	}
	p, err := r.c.follow(ctx, r.q, r.next)
	if err != nil {
		return err
	}
	r.pages++
	col, order, bound := r.q.Collection, r.q.Order, r.q.After
	raw := p.Entries
	for i := range raw {
		at := order.at(&raw[i])
		if at.IsZero() {
			return &FeedError{Entry: i + 1, ID: raw[i].ID, Msg: fmt.Sprintf("the entry has no <%s>, which the feed is read by", order)}
		}
		if i > 0 && at.Before(order.at(&raw[i-1])) {
			return &FeedError{Entry: i + 1, ID: raw[i].ID, Msg: fmt.Sprintf(
				"entries are not in ascending <%s> order (did the server ignore orderBy?)", order)}
		}
	}
	r.items, r.i = r.items[:0], 0
	continued := r.q.Page > 1 // the page before was of the same query
	cut := len(raw)
	switch {
	case !p.More() || len(raw) == 0:
		r.end, r.tailDone = true, true
	default:
		last := order.at(&raw[len(raw)-1])
		k := 1
		for k < len(raw) && order.at(&raw[len(raw)-1-k]).Equal(last) {
			k++
		}
		if k < len(raw) && order.at(&raw[len(raw)-1-k]).After(bound) {
			// Hand out the first N-k entries; start the next request
			// after the last of them, so the k come back first.
			cut = len(raw) - k
			r.q.After, r.q.Page, r.next = order.at(&raw[cut-1]), 1, ""
			r.tailDone = true
			r.firstID = ""
		} else {
			// The bound cannot move: read on with the same query.
			if r.q.Page <= 1 {
				r.q.Page = 1
			}
			if continued && raw[0].ID == r.firstID {
				return &FeedError{ID: raw[0].ID, Msg: fmt.Sprintf("the server answered page %d with the entries of the page before", r.q.Page),
					Err: paging.ErrRepeatedPage}
			}
			r.firstID = raw[0].ID
			r.q.Page++
			r.next = p.Next
			r.tailDone = false
		}
	}
	for i := range raw[:cut] {
		e := &raw[i]
		at := order.at(e)
		if !at.After(bound) {
			// At or before the bound: handled before (a server that
			// treats the bound as inclusive, or a bound rounded to the
			// millisecond).
			r.repeated++
			r.c.log.DebugContext(ctx, "hcmatom: entry at or before the lower bound dropped as already handled",
				"collection", string(col), "id", e.ID, "at", at, "bound", bound)
			continue
		}
		ev, err := Decode(col, *e)
		if ev != nil {
			ev.Raw().At = at
		}
		r.items = append(r.items, item{entry: *e, ev: ev, err: err, at: at, id: e.ID})
	}
	return nil
}

// Events returns every event of a feed after q.After, oldest first, reading
// page after page as the caller ranges over it (q.Page is ignored). An
// entry whose content cannot be decoded yields a nil Event and its
// *EntryError, in its place: the caller may stop or go on. Any other error
// ends the sequence. Entries that share a timestamp across a page edge are
// all read (see Sync for how).
func (c *Client) Events(ctx context.Context, q Query) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if err := q.check(); err != nil {
			yield(nil, err)
			return
		}
		q.Page = 1
		r := &feedCursor{c: c, q: q}
		for {
			it, err := r.peek(ctx)
			if err != nil {
				yield(nil, err)
				return
			}
			if it == nil {
				return
			}
			r.advance()
			if !yield(it.ev, it.err) {
				return
			}
		}
	}
}

// Page is one page of a list, for callers who checkpoint between pages
// (EntriesPage): Items, Next ("" after the last page) and Total (-1: Oracle
// does not say how many entries a feed holds).
type Page[T any] = paging.Page[T]

// EntriesPage reads one page of a feed's entries after q.After, oldest
// first, for callers who checkpoint between pages: next is "" for the first
// page, then the Next of the page before, which the caller may store and
// give again after a restart. Next is "" after the last page. Pages follow
// the rule Events does, so that no entry that shares a timestamp with
// others across a page edge is lost: a page may hold fewer entries than
// q.PageSize, or none, and still have a Next. The entries' content is not
// decoded: see Decode. A next that is not one this method gave for the same
// collection and order is ErrInvalid.
func (c *Client) EntriesPage(ctx context.Context, q Query, next string) (*Page[Entry], error) {
	if err := q.check(); err != nil {
		return nil, err
	}
	q.Page = 1
	r := &feedCursor{c: c, q: q}
	if next != "" {
		if err := r.resume(next); err != nil {
			return nil, err
		}
	}
	if err := r.fetch(ctx); err != nil {
		return nil, err
	}
	p := &Page[Entry]{Items: make([]Entry, 0, len(r.items)), Total: -1}
	for _, it := range r.items {
		p.Items = append(p.Items, it.entry)
	}
	if !r.end {
		p.Next = r.token()
	}
	return p, nil
}

// token encodes where the cursor stands, for EntriesPage's Next.
func (r *feedCursor) token() string {
	v := url.Values{}
	v.Set("c", string(r.q.Collection))
	v.Set("o", r.q.Order.String())
	if !r.q.After.IsZero() {
		v.Set("after", r.q.After.UTC().Format(time.RFC3339Nano))
	}
	v.Set("page", strconv.Itoa(r.q.Page))
	if r.next != "" {
		v.Set("next", r.next)
	}
	if r.firstID != "" {
		v.Set("first", r.firstID)
	}
	return v.Encode()
}

// resume sets the cursor from a token of the same collection and order.
func (r *feedCursor) resume(tok string) error {
	bad := func(why string) error { return invalidf("EntriesPage: next %q: %s", tok, why) }
	v, err := url.ParseQuery(tok)
	if err != nil {
		return bad("not a page token of EntriesPage")
	}
	if v.Get("c") != string(r.q.Collection) || v.Get("o") != r.q.Order.String() {
		return bad("given for another collection or order")
	}
	if a := v.Get("after"); a != "" {
		t, err := time.Parse(time.RFC3339Nano, a)
		if err != nil {
			return bad("its bound is not a timestamp")
		}
		r.q.After = t
	}
	page, err := strconv.Atoi(v.Get("page"))
	if err != nil || page < 1 {
		return bad("its page is not a positive number")
	}
	r.q.Page, r.next, r.firstID = page, v.Get("next"), v.Get("first")
	return nil
}

// entryError returns err as an *EntryError, if it is one.
func entryError(err error) (*EntryError, bool) {
	var ee *EntryError
	ok := errors.As(err, &ee)
	return ee, ok
}
