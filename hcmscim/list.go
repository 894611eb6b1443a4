package hcmscim

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/internal/scimfilter"
)

// Query selects and pages resources of a list request.
type Query struct {
	// Filter selects resources; the zero Filter selects all.
	Filter Filter
	// Attributes names the attributes to return (all by default); id is
	// always returned.
	Attributes []string
	// StartIndex is the 1-based index of the first resource (1 if 0).
	StartIndex int
	// Count is the page size (the client's page size if 0). Oracle's list
	// answers carry no total, so a page shorter than Count is taken as the
	// last one: Count must not exceed the server's largest page.
	Count int
	// SortBy and SortOrder ("ascending" or "descending") order the results
	// on servers that sort.
	SortBy, SortOrder string
}

// Page is one answer of a list request.
type Page[T any] struct {
	Resources []T
	// StartIndex is the 1-based index of Resources[0].
	StartIndex int
	// TotalResults is the number of matching resources, when the server
	// says (RFC 7644 servers do; Oracle does not).
	TotalResults Opt[int]
	// Next is the StartIndex of the next page, or 0 if this page is the
	// last: it is empty, shorter than the count asked for, or reaches
	// TotalResults.
	Next int
}

// listResponse is a list answer of either dialect.
type listResponse[T any] struct {
	listHead
	Resources []T `json:"Resources"`
}

// values checks q and returns its query parameters.
func (c *Client) values(q Query) (url.Values, int, int, error) {
	var p problems
	if err := q.Filter.Err(); err != nil {
		p.add("query filter: %v", err)
	}
	if q.StartIndex < 0 {
		p.add("query StartIndex %d is negative", q.StartIndex)
	}
	if q.Count < 0 {
		p.add("query Count %d is negative", q.Count)
	}
	for _, a := range q.Attributes {
		if _, err := scimfilter.ParsePath(a); err != nil {
			p.add("query Attributes: %v", err)
		}
	}
	if err := p.err(); err != nil {
		return nil, 0, 0, err
	}
	start, count := max(q.StartIndex, 1), q.Count
	if count == 0 {
		count = c.pageSize
	}
	v := url.Values{"startIndex": {strconv.Itoa(start)}, "count": {strconv.Itoa(count)}}
	if !q.Filter.IsZero() {
		v.Set("filter", q.Filter.String())
	}
	if len(q.Attributes) > 0 {
		v.Set("attributes", strings.Join(q.Attributes, ","))
	}
	if q.SortBy != "" {
		v.Set("sortBy", q.SortBy)
	}
	if q.SortOrder != "" {
		v.Set("sortOrder", q.SortOrder)
	}
	return v, start, count, nil
}

// listPage fetches one page of resources of type T at path.
func listPage[T any](ctx context.Context, c *Client, path string, q Query) (*Page[T], error) {
	v, start, count, err := c.values(q)
	if err != nil {
		return nil, err
	}
	d := c.dialect
	if d == DialectAuto {
		d = Dialect(c.detected.Load())
	}
	var lr listResponse[T]
	if _, err := c.do(ctx, d, request{method: http.MethodGet, path: path, query: v}, &lr); err != nil {
		return nil, err
	}
	c.learn(&lr.listHead)
	return pageOf(path, &lr, start, count)
}

// pageOf checks a list answer to a request for count resources from start
// and says where the next page starts.
func pageOf[T any](path string, lr *listResponse[T], start, count int) (*Page[T], error) {
	if lr.StartIndex != 0 && lr.StartIndex != start {
		// A server that ignores startIndex would make the caller read the
		// same page for ever.
		return nil, fmt.Errorf("hcmscim: GET %s asked for startIndex %d and the answer starts at %d", path, start, lr.StartIndex)
	}
	page := &Page[T]{Resources: lr.Resources, StartIndex: start, TotalResults: lr.TotalResults}
	n := len(lr.Resources)
	last := n == 0 || n < count
	if total, ok := lr.TotalResults.Get(); ok && start-1+n >= total {
		last = true
	}
	if !last {
		page.Next = start + n
	}
	return page, nil
}

// listAll yields every resource of every page, fetching pages as the
// caller ranges.
func listAll[T any](ctx context.Context, c *Client, path string, q Query) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, fmt.Errorf("hcmscim: listing %s: %w", path, err))
				return
			}
			page, err := listPage[T](ctx, c, path, q)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, r := range page.Resources {
				if !yield(r, nil) {
					return
				}
			}
			if page.Next == 0 {
				return
			}
			q.StartIndex = page.Next
		}
	}
}
