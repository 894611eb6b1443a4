package sagepeople

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hrbridge/hrbridge/internal/paging"
	"github.com/hrbridge/hrbridge/internal/transport"
)

// Job is a Bulk API 2.0 query job, as Salesforce describes it.
type Job struct {
	ID              string  `json:"id"`
	Operation       string  `json:"operation"`
	Object          string  `json:"object"`
	State           string  `json:"state"` // UploadComplete, InProgress, JobComplete, Failed, Aborted
	APIVersion      float64 `json:"apiVersion"`
	NumberRecords   int     `json:"numberRecordsProcessed"`
	ErrorMessage    string  `json:"errorMessage"`
	ContentType     string  `json:"contentType"`
	ColumnDelimiter string  `json:"columnDelimiter"`
	LineEnding      string  `json:"lineEnding"`
}

// The states of a Bulk API 2.0 job.
const (
	JobUploadComplete = "UploadComplete"
	JobInProgress     = "InProgress"
	JobComplete       = "JobComplete"
	JobFailed         = "Failed"
	JobAborted        = "Aborted"
)

// CreateQueryJob starts a Bulk API 2.0 query job for soql ("queryAll" with
// deleted rows when all is true).
func (c *Client) CreateQueryJob(ctx context.Context, soql string, all bool) (*Job, error) {
	op := "query"
	if all {
		op = "queryAll"
	}
	body, _ := json.Marshal(map[string]string{"operation": op, "query": soql, "contentType": "CSV",
		"columnDelimiter": "COMMA", "lineEnding": "LF"})
	return c.job(ctx, "CreateQueryJob", &transport.Request{Method: http.MethodPost, Path: c.path("jobs", "query"),
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}, Body: body})
}

// QueryJob returns the job id as it stands.
func (c *Client) QueryJob(ctx context.Context, id string) (*Job, error) {
	return c.job(ctx, "QueryJob", &transport.Request{Method: http.MethodGet, Path: c.path("jobs", "query", url.PathEscape(id)),
		Header: http.Header{"Accept": {"application/json"}}})
}

// AbortQueryJob aborts the job id.
func (c *Client) AbortQueryJob(ctx context.Context, id string) error {
	_, err := c.job(ctx, "AbortQueryJob", &transport.Request{Method: http.MethodPatch, Path: c.path("jobs", "query", url.PathEscape(id)),
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
		Body:   []byte(`{"state":"Aborted"}`), Idempotent: true})
	return err
}

// DeleteQueryJob deletes the job id and its results.
func (c *Client) DeleteQueryJob(ctx context.Context, id string) error {
	resp, err := c.do(ctx, "DeleteQueryJob", &transport.Request{Method: http.MethodDelete,
		Path: c.path("jobs", "query", url.PathEscape(id)), Idempotent: true}, "nothing")
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func (c *Client) job(ctx context.Context, op string, r *transport.Request) (*Job, error) {
	resp, err := c.do(ctx, op, r, "JSON")
	if err != nil {
		return nil, err
	}
	var j Job
	if err := transport.DecodeJSON(resp, &j); err != nil || j.ID == "" {
		if err == nil {
			err = errors.New("the answer has no job id")
		}
		return nil, &APIError{Package: pkg, Op: op, Method: r.Method, URL: resp.Request.URL.Redacted(),
			StatusCode: resp.StatusCode, Kind: ErrUnexpectedContent, Err: err}
	}
	return &j, nil
}

// WaitQueryJob polls the job id, waiting longer between polls up to the
// client's maximum, until it is complete; a job that fails or is aborted
// gives an error wrapping ErrJobFailed with Salesforce's message.
func (c *Client) WaitQueryJob(ctx context.Context, id string) (*Job, error) {
	wait := c.pollMin
	for {
		j, err := c.QueryJob(ctx, id)
		if err != nil {
			return nil, err
		}
		switch j.State {
		case JobComplete:
			return j, nil
		case JobFailed, JobAborted:
			return j, &APIError{Package: pkg, Op: "WaitQueryJob", Kind: ErrJobFailed, Code: j.State,
				Message: fmt.Sprintf("job %s: %s", j.ID, j.ErrorMessage)}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("sagepeople: WaitQueryJob %s: %w", id, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, c.pollMax)
	}
}

// bulk yields the members of q through a Bulk API 2.0 query job: it creates
// the job, waits for it, reads the CSV result sets one after the other
// (Sforce-Locator), and deletes the job when done, or aborts it when the
// caller stops or the context ends first.
func (c *Client) bulk(ctx context.Context, q Query, yield func(TeamMember, error) bool) {
	cols := c.fields.columns(c.custom)
	soql, err := c.soql(q, selectList(cols))
	if err != nil {
		yield(TeamMember{}, err)
		return
	}
	j, err := c.CreateQueryJob(ctx, soql, q.Deleted)
	if err != nil {
		yield(TeamMember{}, err)
		return
	}
	complete := false
	defer func() {
		// Clean up even when ctx has ended, but not for ever.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if !complete {
			_ = c.AbortQueryJob(cctx, j.ID)
		}
		_ = c.DeleteQueryJob(cctx, j.ID)
	}()
	done, err := c.WaitQueryJob(ctx, j.ID)
	if err != nil {
		yield(TeamMember{}, err)
		return
	}
	j = done
	complete = true
	d := newDecoder(cols)
	var guard paging.Guard
	locator, read := "", 0
	for {
		if err := ctx.Err(); err != nil {
			yield(TeamMember{}, fmt.Errorf("sagepeople: TeamMembers: %w", err))
			return
		}
		next, n, ok := c.resultSet(ctx, j.ID, locator, d, yield)
		if !ok {
			return
		}
		read += n
		c.report(read, j.NumberRecords)
		if next == "" || next == "null" {
			return
		}
		if err := guard.Seen(next); err != nil {
			yield(TeamMember{}, fmt.Errorf("sagepeople: TeamMembers: job %s: %w", j.ID, err))
			return
		}
		locator = next
	}
}

// resultSet reads one CSV result set of job id, yielding its members. It
// returns the next locator, the rows read, and false when the list must
// stop (the caller stopped or an error was yielded).
func (c *Client) resultSet(ctx context.Context, id, locator string, d *decoder, yield func(TeamMember, error) bool) (string, int, bool) {
	const op = "QueryJobResults"
	v := url.Values{"maxRecords": {strconv.Itoa(c.bulkMaxRecords)}}
	if locator != "" {
		v.Set("locator", locator)
	}
	resp, err := c.do(ctx, op, &transport.Request{Method: http.MethodGet, Path: c.path("jobs", "query", url.PathEscape(id), "results"),
		Query: v, Header: http.Header{"Accept": {"text/csv"}, "Accept-Encoding": {"gzip"}}}, "CSV")
	if err != nil {
		yield(TeamMember{}, err)
		return "", 0, false
	}
	defer resp.Body.Close()
	var body io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			yield(TeamMember{}, &APIError{Package: pkg, Op: op, URL: resp.Request.URL.Redacted(), StatusCode: resp.StatusCode,
				Kind: ErrUnexpectedContent, Err: fmt.Errorf("the gzip body cannot be read: %w", err)})
			return "", 0, false
		}
		defer zr.Close()
		body = &capped{r: zr, left: c.maxUnzipped()}
	}
	bad := func(err error) (string, int, bool) {
		yield(TeamMember{}, &APIError{Package: pkg, Op: op, URL: resp.Request.URL.Redacted(), StatusCode: resp.StatusCode,
			Kind: ErrUnexpectedContent, Err: err})
		return "", 0, false
	}
	cr, err := newCSVReader(d, body)
	if err == io.EOF {
		return resp.Header.Get("Sforce-Locator"), 0, true
	}
	if err != nil {
		return bad(err)
	}
	n := 0
	for {
		m, err := cr.next()
		if err == io.EOF {
			break
		}
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			return bad(err)
		}
		n++
		if !yield(m, err) {
			return "", n, false
		}
	}
	if want := resp.Header.Get("Sforce-NumberOfRecords"); want != "" && want != strconv.Itoa(n) {
		return bad(fmt.Errorf("the result set holds %d rows, Sforce-NumberOfRecords says %s", n, want))
	}
	return resp.Header.Get("Sforce-Locator"), n, true
}

// unzipFactor bounds a gzip result set: at most this many times the body
// cap once decompressed (CSV compresses about tenfold).
const unzipFactor = 16

func (c *Client) maxUnzipped() int64 {
	n := c.tc.MaxBodyBytes
	if n <= 0 {
		n = transport.DefaultMaxBodyBytes
	}
	return n * unzipFactor
}

// capped fails once more than left bytes are read: a result set that
// inflates without end is refused rather than read.
type capped struct {
	r    io.Reader
	left int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, errors.New("the decompressed result set exceeds its bound (raise WithMaxBodyBytes)")
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}
