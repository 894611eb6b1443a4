package fusionsod

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/paging"
)

// Page is one page of a list, for callers who checkpoint between pages:
// Items, Next ("" after the last page; else the offset of the next) and
// Total (-1 unless the server said).
type Page[T any] = paging.Page[T]

// collection is an ADF collection answer.
type collection[J any] struct {
	Items        []J  `json:"items"`
	Count        *int `json:"count"`
	HasMore      bool `json:"hasMore"`
	Limit        *int `json:"limit"`
	Offset       *int `json:"offset"`
	TotalResults *int `json:"totalResults"`
}

// link is an ADF link.
type link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

// selfKey returns the last path segment of the self link: an item's key,
// which for incidents is an opaque hash that must not be built.
func selfKey(links []link) string {
	for _, l := range links {
		if l.Rel == "self" {
			if u, err := url.Parse(l.Href); err == nil && u.Path != "" {
				return path.Base(u.Path)
			}
		}
	}
	return ""
}

// finderValue writes a finder or query value: as it is when it is plain,
// else between double quotes with \ and " escaped, so that a role code or a
// user name with spaces, quotes, commas or semicolons cannot change the
// finder's meaning.
func finderValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\"'\\,;=<>()") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}

// getPage fetches the page at offset next (a decimal, "" for 0) and says
// where the next one starts.
func getPage[J, T any](ctx context.Context, c *Client, op, p string, q url.Values, next string,
	conv func(*J) T, key func(*J) string) (*Page[T], string, error) {
	offset := 0
	if next != "" {
		n, err := strconv.Atoi(next)
		if err != nil || n < 0 {
			return nil, "", invalid(op, []string{fmt.Sprintf("next %q is not an offset", next)})
		}
		offset = n
	}
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("limit", strconv.Itoa(c.pageSize))
	v.Set("offset", strconv.Itoa(offset))
	v.Set("totalResults", "true")
	var col collection[J]
	if err := c.do(ctx, request{op: op, method: http.MethodGet, path: p, query: v}, &col); err != nil {
		return nil, "", err
	}
	return pageOf(op, &col, offset, conv, key)
}

// pageOf checks an answer to the request for the page at offset and says
// where the next page starts; pageKey identifies the page for a Guard.
func pageOf[J, T any](op string, col *collection[J], offset int, conv func(*J) T, key func(*J) string) (page *Page[T], pageKey string, err error) {
	bad := func(format string, args ...any) error {
		return &APIError{Package: pkg, Op: op, Method: http.MethodGet, Kind: ErrUnexpectedContent, Message: fmt.Sprintf(format, args...)}
	}
	if col.Items == nil {
		// Not a collection: a proxy's {"status": "ok"} must not read as
		// "no conflicts".
		return nil, "", bad("the answer has no items: not an ADF collection")
	}
	if col.Offset != nil && *col.Offset != offset {
		return nil, "", bad("asked for offset %d, the answer starts at %d", offset, *col.Offset)
	}
	page = &Page[T]{Items: make([]T, 0, len(col.Items)), Total: -1}
	if col.TotalResults != nil && *col.TotalResults >= 0 {
		page.Total = *col.TotalResults
	}
	for i := range col.Items {
		page.Items = append(page.Items, conv(&col.Items[i]))
	}
	if col.HasMore {
		if len(col.Items) == 0 {
			return nil, "", bad("the page at offset %d is empty and says hasMore", offset)
		}
		page.Next = strconv.Itoa(offset + len(col.Items))
	}
	if n := len(col.Items); n > 0 {
		pageKey = key(&col.Items[0]) + "\x00" + key(&col.Items[n-1]) + "\x00" + strconv.Itoa(n)
	}
	return page, pageKey, nil
}

// listAll yields every item of every page, fetching pages as the caller
// ranges. A page that repeats one already seen, or more than the client's
// maximum of items, ends the list with an error.
func listAll[J, T any](ctx context.Context, c *Client, op, p string, q url.Values,
	conv func(*J) T, key func(*J) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		var guard paging.Guard
		next, n := "", 0
		for {
			if err := ctx.Err(); err != nil {
				yield(zero, apierr.FromTransport(pkg, op, err))
				return
			}
			page, pageKey, err := getPage(ctx, c, op, p, q, next, conv, key)
			if err == nil {
				err = guard.Seen(pageKey)
			}
			if err == nil && n+len(page.Items) > c.maxResults {
				err = fmt.Errorf("%w: more than %d items (WithMaxResults)", ErrTooManyResults, c.maxResults)
			}
			if err != nil {
				yield(zero, apierr.FromTransport(pkg, op, err))
				return
			}
			for _, it := range page.Items {
				if !yield(it, nil) {
					return
				}
			}
			n += len(page.Items)
			if page.Next == "" {
				return
			}
			next = page.Next
		}
	}
}
