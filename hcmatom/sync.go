package hcmatom

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/hrbridge/hrbridge/internal/statefile"
)

// A Handler processes one event. An event is handed to it at least once:
// again after an error or a crash, and again when a page edge or a restart
// makes it come back, so it must be idempotent (Roster.Apply is).
type Handler func(ctx context.Context, ev Event) error

// State is where a Sync stands: for each collection, the timestamp up to
// which (inclusive) every entry was handled, and the order the feeds are
// read by.
type State struct {
	Order   Order                    `json:"order"`
	Cursors map[Collection]time.Time `json:"cursors"`
}

// A CursorStore keeps a Sync's State between runs and across crashes. Load
// returns the zero State when nothing was saved yet. Save must replace the
// stored state as a whole or not at all.
type CursorStore interface {
	Load(ctx context.Context) (State, error)
	Save(ctx context.Context, s State) error
}

// Sync polls feeds and hands their events to a Handler in order, moving
// each feed's stored cursor only past events the handler accepted: every
// event is delivered at least once and none is lost, across errors,
// crashes and restarts.
//
// The workstructures feeds are read first, then the others (Oracle advises
// it: employee data refers to workstructures). Within each of those two
// groups the feeds' events are merged by timestamp; events with the same
// timestamp come in the order of Feeds (EmployeeFeeds puts newhire first).
//
// A cursor moves to a timestamp only once every entry of that timestamp has
// been handled (see the page-edge rule on Client.Events); it is saved before
// each page is read and when Run returns, so after a crash at most the
// events since the last save come again.
type Sync struct {
	Client *Client
	Store  CursorStore
	// Feeds are the collections to read; nil means AllFeeds.
	Feeds []Collection
	// Order is the timestamp the feeds are read by; it cannot change once
	// cursors are stored.
	Order Order
	// PageSize is the page-size asked for; 0 means DefaultPageSize.
	PageSize int
	// Start is the exclusive lower bound for a feed with no stored cursor
	// (the time of the initial extract, say); zero reads the whole feed.
	Start time.Time
	// OnBadEntry is called with an entry whose content cannot be decoded.
	// If it returns nil the entry counts as handled (the caller has kept it
	// somewhere); if it is nil or returns an error, Run stops there and the
	// entry comes again next time.
	OnBadEntry func(ctx context.Context, err *EntryError) error
}

// RunStats counts what a run did.
type RunStats struct {
	Events     int // events the handler accepted
	BadEntries int // entries accepted by OnBadEntry
	Pages      int // pages read
	Repeated   int // entries read again at or before a cursor, and dropped
}

// HandlerError is a handler's error, with the event it refused.
type HandlerError struct {
	Collection Collection
	EntryID    string
	Err        error
}

// Error names the entry the handler refused, and why.
func (e *HandlerError) Error() string {
	return fmt.Sprintf("hcmatom: %s entry %q: handler: %s", e.Collection, e.EntryID, unprefixed(e.Err))
}

// Unwrap returns the handler's error.
func (e *HandlerError) Unwrap() error { return e.Err }

// stream is one feed being read in a run.
type stream struct {
	r         *feedCursor
	col       Collection
	done      bool
	pending   bool      // handled events past the stored cursor
	pendingAt time.Time // the timestamp of the last of them
}

// run is the state of one Run.
type run struct {
	s     *Sync
	h     Handler
	state State
	dirty bool
	stats RunStats
}

// Run reads every feed to its current end once, handing each event to h.
// It returns the first error: of the handler (a *HandlerError), of
// OnBadEntry, of a read, or of the store; the cursors then stand just
// before the event that failed.
func (s *Sync) Run(ctx context.Context, h Handler) (RunStats, error) {
	if s.Client == nil || s.Store == nil || h == nil {
		return RunStats{}, errors.New("hcmatom: Sync needs a Client, a Store and a Handler")
	}
	feeds := s.Feeds
	if feeds == nil {
		feeds = AllFeeds()
	}
	for i, f := range feeds {
		if err := f.check(); err != nil {
			return RunStats{}, err
		}
		if slices.Contains(feeds[:i], f) {
			return RunStats{}, fmt.Errorf("hcmatom: Sync.Feeds names %s twice", f)
		}
	}
	st, err := s.Store.Load(ctx)
	if err != nil {
		return RunStats{}, wrap("loading the cursors", err)
	}
	if len(st.Cursors) > 0 && st.Order != s.Order {
		return RunStats{}, fmt.Errorf("hcmatom: the stored cursors are by %s, this Sync reads by %s: they cannot be mixed", st.Order, s.Order)
	}
	st.Order = s.Order
	st.Cursors = maps.Clone(st.Cursors)
	if st.Cursors == nil {
		st.Cursors = map[Collection]time.Time{}
	}
	ru := &run{s: s, h: h, state: st}
	var first, rest []Collection
	for _, f := range feeds {
		if f.Workspace() == "workstructures" {
			first = append(first, f)
		} else {
			rest = append(rest, f)
		}
	}
	for _, group := range [][]Collection{first, rest} {
		if len(group) == 0 {
			continue
		}
		if err := ru.merge(ctx, group); err != nil {
			if ferr := ru.flush(ctx); ferr != nil {
				err = errors.Join(err, ferr)
			}
			return ru.stats, err
		}
	}
	return ru.stats, ru.flush(ctx)
}

// merge hands out the events of feeds in timestamp order.
func (ru *run) merge(ctx context.Context, feeds []Collection) error {
	s := ru.s
	streams := make([]*stream, len(feeds))
	for i, f := range feeds {
		after, ok := ru.state.Cursors[f]
		if !ok {
			after = s.Start
		}
		streams[i] = &stream{col: f, r: &feedCursor{c: s.Client, beforeFetch: ru.flush,
			q: Query{Collection: f, Order: s.Order, After: after, Page: 1, PageSize: s.PageSize}}}
	}
	defer func() {
		for _, st := range streams {
			ru.stats.Pages += st.r.pages
			ru.stats.Repeated += st.r.repeated
		}
	}()
	for {
		var best *stream
		var next *item
		for _, st := range streams {
			if st.done {
				continue
			}
			it, err := st.r.peek(ctx)
			if err != nil {
				return err
			}
			if it == nil {
				st.done = true
				continue
			}
			if next == nil || it.at.Before(next.at) {
				best, next = st, it
			}
		}
		if best == nil {
			return nil
		}
		if best.pending && next.at.After(best.pendingAt) {
			ru.commit(best)
		}
		if err := ru.deliver(ctx, best.col, next); err != nil {
			return err
		}
		best.r.advance()
		best.pending, best.pendingAt = true, next.at
		if best.r.complete(next.at) {
			ru.commit(best)
		}
	}
}

// deliver hands one item to the handler, or a bad entry to OnBadEntry.
func (ru *run) deliver(ctx context.Context, col Collection, it *item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if it.err != nil {
		ee, ok := entryError(it.err)
		if !ok || ru.s.OnBadEntry == nil {
			return it.err
		}
		if err := ru.s.OnBadEntry(ctx, ee); err != nil {
			return wrap(fmt.Sprintf("OnBadEntry refused %s entry %q", col, it.id), err)
		}
		ru.stats.BadEntries++
		return nil
	}
	if err := ru.h(ctx, it.ev); err != nil {
		return &HandlerError{Collection: col, EntryID: it.id, Err: err}
	}
	ru.stats.Events++
	return nil
}

// commit moves a feed's cursor to its last handled timestamp.
func (ru *run) commit(st *stream) {
	ru.state.Cursors[st.col] = st.pendingAt
	st.pending = false
	ru.dirty = true
}

// flush saves the cursors if they moved.
func (ru *run) flush(ctx context.Context) error {
	if !ru.dirty {
		return nil
	}
	if err := ru.s.Store.Save(ctx, State{Order: ru.state.Order, Cursors: maps.Clone(ru.state.Cursors)}); err != nil {
		return wrap("saving the cursors", err)
	}
	ru.dirty = false
	return nil
}

// Poll runs the Sync, then again every interval, until ctx ends (it then
// returns ctx's error) or a run fails (it returns that error).
func (s *Sync) Poll(ctx context.Context, every time.Duration, h Handler) error {
	if every <= 0 {
		return fmt.Errorf("hcmatom: Poll: interval %v must be positive", every)
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		if _, err := s.Run(ctx, h); err != nil {
			return err
		}
		t.Reset(every)
	}
}

// MemoryStore is a CursorStore in memory, for tests and for programs that
// keep their state elsewhere. The zero value is ready to use.
type MemoryStore struct {
	mu sync.Mutex
	s  State
}

// Load returns a copy of the saved state.
func (m *MemoryStore) Load(context.Context) (State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return State{Order: m.s.Order, Cursors: maps.Clone(m.s.Cursors)}, nil
}

// Save keeps a copy of s.
func (m *MemoryStore) Save(_ context.Context, s State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.s = State{Order: s.Order, Cursors: maps.Clone(s.Cursors)}
	return nil
}

// FileStore is a CursorStore in a JSON file. Save writes a temporary file
// in the same directory, flushes it to disk, renames it over the old one and
// flushes the directory: a crash at any point leaves either the old state
// or the new one, never a mix.
type FileStore struct {
	path string
}

// NewFileStore returns a store kept at path.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// Load reads the state; a missing file is the zero State.
func (f *FileStore) Load(context.Context) (State, error) {
	var s State
	if _, err := statefile.Load(f.path, &s); err != nil {
		return State{}, fmt.Errorf("cursor file: %w", err)
	}
	for c := range s.Cursors {
		if err := c.check(); err != nil {
			return State{}, fmt.Errorf("%s: %w", f.path, err)
		}
	}
	return s, nil
}

// Save replaces the stored state with s, atomically.
func (f *FileStore) Save(_ context.Context, s State) error { return statefile.Save(f.path, s) }
