package sagepeople

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/internal/paging"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// Via chooses how a list is read.
type Via int

const (
	// ViaAuto counts the members first and reads them through Bulk API
	// 2.0 when there are more than the client's bulk threshold, else
	// through REST pages.
	ViaAuto Via = iota
	// ViaREST reads REST query pages (nextRecordsUrl).
	ViaREST
	// ViaBulk reads the CSV results of a Bulk API 2.0 query job.
	ViaBulk
)

// Query selects team members.
type Query struct {
	// Where selects; the zero Cond selects every team member. Build it with
	// Eq, In, And, ...: Eq("fHCM2__Home_Address_Region__c", "EMEA").
	Where Cond
	// Deleted reads deleted (and archived) records too (queryAll); they
	// come with Deleted set.
	Deleted bool
	// OrderBy orders the members ("Name", "SystemModstamp DESC").
	OrderBy []string
	// Limit caps how many members come; 0 is no cap.
	Limit int
	// Via chooses REST pages or Bulk API 2.0 (ViaAuto by default); the
	// page-level call always reads REST pages.
	Via Via
}

// soql returns q's SOQL over the client's fields.
func (c *Client) soql(q Query, fields []string) (string, error) {
	return SOQL{Fields: fields, Object: TeamMemberObject, Where: q.Where, OrderBy: q.OrderBy, Limit: q.Limit}.String()
}

// queryAnswer is a REST query answer.
type queryAnswer struct {
	TotalSize      int
	Done           bool
	NextRecordsURL string
	Records        [][]byte // each record's JSON
}

// query fetches one REST page: the first of soql when next is "", else the
// page next (a nextRecordsUrl) names. The page's bytes are read into buf
// (nil for a new one), which a list reuses from page to page: the records
// refer to it until the next call.
func (c *Client) query(ctx context.Context, op, soql string, deleted bool, next string, buf *bytes.Buffer) (*queryAnswer, error) {
	r := &transport.Request{Method: http.MethodGet, Header: http.Header{"Accept": {"application/json"}}}
	if c.batchSize > 0 {
		r.Header.Set("Sforce-Query-Options", "batchSize="+strconv.Itoa(c.batchSize))
	}
	switch {
	case next != "":
		if !strings.HasPrefix(next, "/services/data/") {
			return nil, fmt.Errorf("sagepeople: %s: %w: next page %q is not a nextRecordsUrl (/services/data/...)", op, ErrInvalid, clip(next))
		}
		r.Path = next
	case deleted:
		r.Path, r.Query = c.path("queryAll"), url.Values{"q": {soql}}
	default:
		r.Path, r.Query = c.path("query"), url.Values{"q": {soql}}
	}
	resp, err := c.do(ctx, op, r, "JSON")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	buf.Reset()
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength))
	}
	_, err = buf.ReadFrom(resp.Body)
	var qa *queryAnswer
	if err == nil {
		qa, err = readPage(buf.Bytes())
	}
	if err != nil {
		return nil, &APIError{Package: pkg, Op: op, Method: r.Method, URL: resp.Request.URL.Redacted(),
			StatusCode: resp.StatusCode, Kind: ErrUnexpectedContent, Err: err}
	}
	if !qa.Done && qa.NextRecordsURL == "" {
		return nil, &APIError{Package: pkg, Op: op, Method: r.Method, URL: resp.Request.URL.Redacted(),
			StatusCode: resp.StatusCode, Kind: ErrUnexpectedContent, Message: "the answer is not done and has no nextRecordsUrl"}
	}
	if qa.Done {
		qa.NextRecordsURL = ""
	}
	return qa, nil
}

// TeamMembersPage returns one REST page of the team members q selects:
// the first when next is "", else the page after the one whose Next it
// is. Total is Salesforce's totalSize. Records that cannot be read are not
// in Items: the error then joins a *RecordError for each, beside the page.
func (c *Client) TeamMembersPage(ctx context.Context, q Query, next string) (*Page[TeamMember], error) {
	cols := c.fields.columns(c.custom)
	soql, err := c.soql(q, selectList(cols))
	if err != nil {
		return nil, err
	}
	qa, err := c.query(ctx, "TeamMembersPage", soql, q.Deleted, next, nil)
	if err != nil {
		return nil, err
	}
	d := newDecoder(cols)
	page := &Page[TeamMember]{Items: make([]TeamMember, 0, len(qa.Records)), Next: qa.NextRecordsURL, Total: qa.TotalSize}
	var errs []error
	for i, rec := range qa.Records {
		m, err := d.record(rec, i)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		page.Items = append(page.Items, m)
	}
	return page, errors.Join(errs...)
}

// record decodes the i-th record of a page.
func (d *decoder) record(rec []byte, i int) (TeamMember, error) {
	where := func() string { return fmt.Sprintf("record %d of the page", i+1) }
	if err := d.readJSON(rec); err != nil {
		return TeamMember{}, &RecordError{Where: where(), Problem: err.Error()}
	}
	return d.member(where)
}

// TeamMembers returns every team member q selects, fetching as the caller
// ranges: REST pages, or the results of a Bulk API 2.0 job for a list
// larger than the client's bulk threshold (see Query.Via). A record that
// cannot be read comes as a *RecordError (ErrBadRecord), and the members
// after it still come if the caller goes on; any other error ends the
// list. A page Salesforce sends twice ends it with paging.ErrRepeatedPage.
func (c *Client) TeamMembers(ctx context.Context, q Query) iter.Seq2[TeamMember, error] {
	return func(yield func(TeamMember, error) bool) {
		via := q.Via
		if via == ViaAuto {
			via = ViaREST
			if q.Limit == 0 || q.Limit > c.bulkThreshold {
				n, err := c.Count(ctx, q)
				if err != nil {
					yield(TeamMember{}, err)
					return
				}
				if n > c.bulkThreshold {
					via = ViaBulk
				}
			}
		}
		if via == ViaBulk {
			c.bulk(ctx, q, yield)
			return
		}
		c.rest(ctx, q, yield)
	}
}

// rest yields the members of q's REST pages.
func (c *Client) rest(ctx context.Context, q Query, yield func(TeamMember, error) bool) {
	cols := c.fields.columns(c.custom)
	soql, err := c.soql(q, selectList(cols))
	if err != nil {
		yield(TeamMember{}, err)
		return
	}
	d := newDecoder(cols)
	var guard paging.Guard
	var buf bytes.Buffer
	next, done := "", 0
	for {
		if err := ctx.Err(); err != nil {
			yield(TeamMember{}, fmt.Errorf("sagepeople: TeamMembers: %w", err))
			return
		}
		qa, err := c.query(ctx, "TeamMembers", soql, q.Deleted, next, &buf)
		if err != nil {
			yield(TeamMember{}, err)
			return
		}
		for i, rec := range qa.Records {
			if !yield(d.record(rec, i)) {
				return
			}
		}
		done += len(qa.Records)
		c.report(done, qa.TotalSize)
		if qa.NextRecordsURL == "" {
			return
		}
		if err := guard.Seen(qa.NextRecordsURL); err != nil {
			yield(TeamMember{}, fmt.Errorf("sagepeople: TeamMembers: %w", err))
			return
		}
		next = qa.NextRecordsURL
	}
}

// Count returns how many team members q selects (SELECT COUNT()).
func (c *Client) Count(ctx context.Context, q Query) (int, error) {
	q.OrderBy = nil
	soql, err := c.soql(q, []string{"COUNT()"})
	if err != nil {
		return 0, err
	}
	qa, err := c.query(ctx, "Count", soql, q.Deleted, "", nil)
	if err != nil {
		return 0, err
	}
	if q.Limit > 0 {
		return min(qa.TotalSize, q.Limit), nil
	}
	return qa.TotalSize, nil
}

func (c *Client) report(done, total int) {
	if c.progress != nil {
		c.progress(done, total)
	}
}
