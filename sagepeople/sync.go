package sagepeople

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hrbridge/hrbridge/internal/paging"
	"github.com/hrbridge/hrbridge/internal/statefile"
)

// Cursor is where an incremental read stands: every team member up to
// (SystemModstamp, ID), in that order, was handled. Ordering by the Id
// after the time stamp is what lets a read stop between two records that
// share a time stamp and take up again at the second.
type Cursor struct {
	SystemModstamp time.Time `json:"systemModstamp"`
	ID             string    `json:"id"`
}

// IsZero reports the zero Cursor: nothing read yet.
func (c Cursor) IsZero() bool { return c.SystemModstamp.IsZero() && c.ID == "" }

// passed reports whether m comes after the cursor.
func (c Cursor) passed(m *TeamMember) bool {
	return cmp.Or(m.SystemModstamp.Compare(c.SystemModstamp), strings.Compare(m.ID, c.ID)) > 0
}

// A CursorStore keeps a Sync's Cursor between runs and across crashes.
// Load returns the zero Cursor when nothing was saved yet; Save replaces
// the stored cursor as a whole or not at all.
type CursorStore interface {
	Load(ctx context.Context) (Cursor, error)
	Save(ctx context.Context, c Cursor) error
}

// MemoryStore is a CursorStore in memory. The zero value is ready to use.
type MemoryStore struct {
	mu sync.Mutex
	c  Cursor
}

// Load returns the saved cursor.
func (m *MemoryStore) Load(context.Context) (Cursor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.c, nil
}

// Save keeps c.
func (m *MemoryStore) Save(_ context.Context, c Cursor) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.c = c
	return nil
}

// FileStore is a CursorStore in a JSON file, replaced atomically: a crash
// leaves the old cursor or the new one.
type FileStore struct{ path string }

// NewFileStore returns a store kept at path.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// Load reads the cursor; a missing file is the zero Cursor.
func (f *FileStore) Load(context.Context) (Cursor, error) {
	var c Cursor
	if _, err := statefile.Load(f.path, &c); err != nil {
		return Cursor{}, fmt.Errorf("sagepeople: %w", err)
	}
	return c, nil
}

// Save replaces the stored cursor with c.
func (f *FileStore) Save(_ context.Context, c Cursor) error { return statefile.Save(f.path, c) }

// Sync reads the team members changed since its stored cursor, in
// (SystemModstamp, Id) order, and hands each to a handler, moving the
// cursor only past members the handler accepted: each change is delivered
// at least once and none is skipped, across errors, crashes, and page
// edges that fall between members with the same time stamp.
type Sync struct {
	Client *Client
	Store  CursorStore
	// Query filters (Where) and reads deleted members too (Deleted, so
	// that the handler hears of deletions); its OrderBy, Limit and Via
	// are not used.
	Query Query
	// Since is the lower bound (exclusive) when no cursor is stored; zero
	// reads every team member.
	Since time.Time
	// Lag leaves the changes of the last Lag for the next run (0 means
	// DefaultLag; a negative Lag reads up to now). SystemModstamp has whole
	// seconds, so a member changed again within the second the cursor
	// stands on would keep its time stamp and be missed; and a transaction
	// may commit after its time stamp. A run reads only seconds that are
	// over by Lag.
	Lag time.Duration
	// Now is the clock Lag counts back from; nil means time.Now.
	Now func() time.Time
	// OnBadRecord is given a record that cannot be read. If it returns nil
	// the record counts as handled; if it is nil or returns an error, Run
	// stops there and the record comes again next time.
	OnBadRecord func(ctx context.Context, err *RecordError) error
}

// SyncStats counts what a run did.
type SyncStats struct {
	Members    int // members the handler accepted
	BadRecords int // records OnBadRecord accepted
	Pages      int // REST pages read
	Repeated   int // members at or before the cursor, read again and dropped
}

// DefaultLag is the Lag of a Sync that does not set one.
const DefaultLag = time.Minute

// HandlerError is a handler's error, with the team member it refused.
type HandlerError struct {
	ID  string
	Err error
}

func (e *HandlerError) Error() string {
	return fmt.Sprintf("sagepeople: team member %s: handler: %v", e.ID, e.Err)
}

// Unwrap returns the handler's error.
func (e *HandlerError) Unwrap() error { return e.Err }

// Run reads every change since the cursor once. It saves the cursor after
// each page and when it returns; its error is the handler's (a
// *HandlerError), OnBadRecord's, a read's or the store's.
func (s *Sync) Run(ctx context.Context, h func(context.Context, TeamMember) error) (SyncStats, error) {
	var st SyncStats
	if s.Client == nil || s.Store == nil || h == nil {
		return st, errors.New("sagepeople: Sync needs a Client, a Store and a handler")
	}
	cur, err := s.Store.Load(ctx)
	if err != nil {
		return st, fmt.Errorf("sagepeople: loading the cursor: %w", err)
	}
	if cur.IsZero() && !s.Since.IsZero() {
		cur.SystemModstamp = s.Since.Add(time.Millisecond) // exclusive: passed() keeps what is after it
	}
	now, lag := time.Now, s.Lag
	if s.Now != nil {
		now = s.Now
	}
	switch {
	case lag == 0:
		lag = DefaultLag
	case lag < 0:
		lag = 0
	}
	until := Cond{}
	if lag > 0 {
		until = Lt("SystemModstamp", now().Add(-lag).Truncate(time.Second))
	}
	c := s.Client
	cols := c.fields.columns(c.custom)
	soql, err := c.soql(Query{Where: And(s.Query.Where, since(cur), until), OrderBy: []string{"SystemModstamp", "Id"}}, selectList(cols))
	if err != nil {
		return st, err
	}
	d := newDecoder(cols)
	saved := cur
	save := func() error {
		if cur == saved {
			return nil
		}
		if err := s.Store.Save(ctx, cur); err != nil {
			return fmt.Errorf("sagepeople: saving the cursor: %w", err)
		}
		saved = cur
		return nil
	}
	stop := func(err error) (SyncStats, error) { return st, errors.Join(err, save()) }
	var guard paging.Guard
	var buf bytes.Buffer
	next := ""
	for {
		if err := ctx.Err(); err != nil {
			return stop(err)
		}
		qa, err := c.query(ctx, "Sync", soql, s.Query.Deleted, next, &buf)
		if err != nil {
			return stop(err)
		}
		st.Pages++
		for i, rec := range qa.Records {
			m, err := d.record(rec, i)
			var re *RecordError
			switch {
			case errors.As(err, &re):
				if s.OnBadRecord == nil {
					return stop(re)
				}
				if err := s.OnBadRecord(ctx, re); err != nil {
					return stop(fmt.Errorf("sagepeople: OnBadRecord refused %s: %w", re.Where, err))
				}
				st.BadRecords++
				continue
			case err != nil:
				return stop(err)
			case !cur.passed(&m):
				st.Repeated++
				continue
			}
			if err := h(ctx, m); err != nil {
				return stop(&HandlerError{ID: m.ID, Err: err})
			}
			st.Members++
			cur = Cursor{SystemModstamp: m.SystemModstamp, ID: m.ID}
		}
		if err := save(); err != nil {
			return st, err
		}
		if qa.NextRecordsURL == "" {
			return st, nil
		}
		if err := guard.Seen(qa.NextRecordsURL); err != nil {
			return stop(fmt.Errorf("sagepeople: Sync: %w", err))
		}
		next = qa.NextRecordsURL
	}
}

// since selects what may come after cur: later time stamps, and at cur's
// own second the Ids after cur's. SOQL date-times have whole seconds: for
// a cursor with a fraction of a second the whole second is read again, and
// Run drops what it has already handled.
func since(cur Cursor) Cond {
	if cur.IsZero() {
		return Cond{}
	}
	sec := cur.SystemModstamp.Truncate(time.Second)
	if !sec.Equal(cur.SystemModstamp) || cur.ID == "" {
		return Ge("SystemModstamp", sec)
	}
	return Or(Gt("SystemModstamp", sec), And(Eq("SystemModstamp", sec), Gt("Id", cur.ID)))
}
