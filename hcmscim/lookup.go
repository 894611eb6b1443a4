package hcmscim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// PersonNumberAttribute is the filter attribute Oracle's guide looks users
// up by: personNumber eq "<personNumber1>" or personNumber eq ...
const PersonNumberAttribute = "personNumber"

// LookupPersonNumbers finds the users of HCM persons by their person
// numbers, the way Oracle's integration guide advises: one list request per
// six numbers (personNumber eq "1" or personNumber eq "2" or ...), with at
// most WithLookupConcurrency requests in flight. It returns the users found,
// by person number, and the numbers no user has, in the order given.
// Repeated numbers are looked up once.
//
// Every user in an answer must carry one of the person numbers asked for
// in its faUser workerInformation: an answer that holds another, or two
// users for one number, is an error, never silently dropped. On error the
// map and the list hold what was resolved before it; the numbers of the
// failed requests are in neither.
func (c *Client) LookupPersonNumbers(ctx context.Context, personNumbers []string) (map[string]User, []string, error) {
	var pr problems
	var numbers []string
	seen := make(map[string]bool, len(personNumbers))
	for i, n := range personNumbers {
		if strings.TrimSpace(n) == "" {
			pr.add("person number %d is empty", i)
			continue
		}
		if !seen[n] {
			seen[n] = true
			numbers = append(numbers, n)
		}
	}
	if err := pr.err(); err != nil {
		return nil, nil, err
	}
	if len(numbers) == 0 {
		return map[string]User{}, nil, nil
	}
	// Find the dialect before the requests fan out.
	if _, err := c.Dialect(ctx); err != nil {
		return nil, nil, err
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []string)
	var (
		mu    sync.Mutex
		found = make(map[string]User, len(numbers))
		done  int
		errs  []error
		wg    sync.WaitGroup
	)
	for range min(c.concurrency, (len(numbers)+PersonNumbersPerRequest-1)/PersonNumbersPerRequest) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range batches {
				users, err := c.lookupBatch(ctx, batch)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
					cancel()
				}
				for n, u := range users {
					found[n] = u
				}
				if err == nil {
					done += len(batch)
					c.report(done, len(numbers))
				}
				mu.Unlock()
			}
		}()
	}
send:
	for lo := 0; lo < len(numbers); lo += PersonNumbersPerRequest {
		select {
		case batches <- numbers[lo:min(lo+PersonNumbersPerRequest, len(numbers))]:
		case <-ctx.Done():
			break send
		}
	}
	close(batches)
	wg.Wait()

	if len(errs) == 0 && ctx.Err() != nil {
		errs = append(errs, &APIError{Package: pkg, Op: "LookupPersonNumbers", Err: context.Cause(ctx)})
	}
	if len(errs) > 0 {
		return found, nil, errors.Join(errs...)
	}
	var missing []string
	for _, n := range numbers {
		if _, ok := found[n]; !ok {
			missing = append(missing, n)
		}
	}
	return found, missing, nil
}

// lookupBatch resolves up to six person numbers with one list request (more
// only if the answer fills a whole page).
func (c *Client) lookupBatch(ctx context.Context, batch []string) (map[string]User, error) {
	fs := make([]Filter, len(batch))
	want := make(map[string]bool, len(batch))
	for i, n := range batch {
		fs[i] = Eq(PersonNumberAttribute, n)
		want[n] = true
	}
	users := make(map[string]User, len(batch))
	for u, err := range c.Users(ctx, Query{Filter: Or(fs...)}) {
		if err != nil {
			return nil, wrapf(err, "looking up person numbers %s", strings.Join(batch, ", "))
		}
		n := u.FA.WorkerInformation.PersonNumber
		switch {
		case !want[n]:
			return nil, &APIError{Package: pkg, Op: "LookupPersonNumbers", Kind: ErrUnexpectedContent,
				Message: fmt.Sprintf("looking up person numbers %s: the answer holds user %s with person number %q, which was not asked for", strings.Join(batch, ", "), u.ID, n)}
		case users[n].ID != "":
			return nil, &APIError{Package: pkg, Op: "LookupPersonNumbers", Kind: ErrConflict,
				Message: fmt.Sprintf("person number %q belongs to two users, %s and %s", n, users[n].ID, u.ID)}
		}
		users[n] = u
	}
	return users, nil
}
