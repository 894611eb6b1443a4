package hcmscim

import (
	"context"
	"fmt"
	"hash/fnv"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/internal/paging"
	"github.com/hrbridge/hrbridge/internal/scimfilter"
)

// Query selects and orders the resources of a list request.
type Query struct {
	// Filter selects resources; the zero Filter selects all.
	Filter Filter
	// Attributes names the attributes to return (all by default); id is
	// always returned.
	Attributes []string
	// Count is the page size (the client's page size if 0). When the server
	// says how many resources match (totalResults, as RFC 7644 servers do),
	// the list goes on until it has them all, however short its pages. When
	// it does not (Oracle), a page shorter than Count is taken as the last
	// one: Count must then not exceed the server's largest page.
	Count int
	// SortBy and SortOrder ("ascending" or "descending") order the results
	// on servers that sort.
	SortBy, SortOrder string
}

// Page is one page of a list, for callers who checkpoint between pages:
// Items are the page's resources, Next the startIndex of the next page in
// decimal ("" after the last page: it is empty, shorter than the count
// asked for when the server gives no totalResults, or reaches
// totalResults), and Total the server's totalResults (-1 when it sends
// none, as Oracle does).
type Page[T any] = paging.Page[T]

// listResponse is a list answer of either dialect.
type listResponse[T any] struct {
	listHead
	Resources []T `json:"Resources"`
}

// resource is what a list yields: a resource with an id.
type resource interface {
	User | Role
	resourceID() string
}

// values checks q and the page token next, and returns the query
// parameters, the startIndex and the count.
func (c *Client) values(q Query, next string) (url.Values, int, int, error) {
	var p problems
	if err := q.Filter.Err(); err != nil {
		p.add("query filter: %v", strings.TrimPrefix(err.Error(), pkg+": "))
	}
	start := 1
	if next != "" {
		n, err := strconv.Atoi(next)
		if err != nil || n < 1 {
			p.add("page token %q is not a startIndex (the Next of a page)", next)
		}
		start = n
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
	count := q.Count
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

// listPage fetches the page of resources of type T at path that next
// names ("" for the first).
func listPage[T resource](ctx context.Context, c *Client, op, path string, q Query, next string) (*Page[T], error) {
	v, start, count, err := c.values(q, next)
	if err != nil {
		return nil, err
	}
	d := c.dialect
	if d == DialectAuto {
		d = Dialect(c.detected.Load())
	}
	var lr listResponse[T]
	if _, err := c.do(ctx, d, request{op: op, method: http.MethodGet, path: path, query: v}, &lr); err != nil {
		return nil, err
	}
	c.learn(&lr.listHead)
	return pageOf(op, path, &lr, start, count)
}

// pageOf checks a list answer to a request for count resources from start
// and says where the next page starts.
func pageOf[T any](op, path string, lr *listResponse[T], start, count int) (*Page[T], error) {
	if lr.StartIndex != 0 && lr.StartIndex != start {
		// A server that ignores startIndex would make the caller read the
		// same page for ever.
		return nil, &APIError{Package: pkg, Op: op, Method: http.MethodGet, URL: path, Kind: ErrUnexpectedContent,
			Message: fmt.Sprintf("asked for startIndex %d and the answer starts at %d", start, lr.StartIndex)}
	}
	page := &Page[T]{Items: lr.Resources, Total: -1}
	n := len(lr.Resources)
	total, hasTotal := lr.TotalResults.Get()
	if hasTotal {
		page.Total = total
	}
	var last bool
	switch {
	case n == 0:
		last = true
	case hasTotal:
		// RFC 7644 lets a server send fewer resources than asked for:
		// the total says whether more follow.
		last = start-1+n >= total
	default:
		last = n < count
	}
	if !last {
		page.Next = strconv.Itoa(start + n)
	}
	return page, nil
}

// pageKey identifies a page by the ids of its resources (by the whole
// resource where a server left the id out), so that a server sending a
// page again is noticed.
func pageKey[T resource](items []T) string {
	if len(items) == 0 {
		return ""
	}
	h := fnv.New64a()
	for _, r := range items {
		if id := r.resourceID(); id != "" {
			h.Write([]byte(id))
		} else {
			fmt.Fprintf(h, "%+v", r)
		}
		h.Write([]byte{0})
	}
	return fmt.Sprintf("%s…%s#%x", items[0].resourceID(), items[len(items)-1].resourceID(), h.Sum64())
}

// listAll yields every resource of every page, fetching pages as the
// caller ranges. A page the server has already sent stops the list with an
// error wrapping paging.ErrRepeatedPage.
func listAll[T resource](ctx context.Context, c *Client, op, path string, q Query) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var guard paging.Guard
		next := ""
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, &APIError{Package: pkg, Op: op, Method: http.MethodGet, URL: path, Err: err})
				return
			}
			page, err := listPage[T](ctx, c, op, path, q, next)
			if err != nil {
				yield(zero, err)
				return
			}
			if err := guard.Seen(pageKey(page.Items)); err != nil {
				yield(zero, &APIError{Package: pkg, Op: op, Method: http.MethodGet, URL: path,
					Message: fmt.Sprintf("the page at startIndex %s holds the resources of a page already read: the server does not page", orOne(next)),
					Kind:    ErrUnexpectedContent, Err: err})
				return
			}
			for _, r := range page.Items {
				if !yield(r, nil) {
					return
				}
			}
			if page.Next == "" {
				return
			}
			next = page.Next
		}
	}
}

func orOne(next string) string {
	if next == "" {
		return "1"
	}
	return next
}
