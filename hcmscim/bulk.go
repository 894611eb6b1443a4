package hcmscim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/hrbridge/hrbridge/internal/apierr"
)

// BulkOp is one operation of a Bulk request. Build it with PatchUserOp,
// CreateUserOp, AddRoleMembersOp, RemoveRoleMembersOp or RawBulkOp.
type BulkOp struct {
	// BulkID is the client's name for the operation. Oracle's guide calls
	// it "unique within the bulk request"; its own example repeats one, so
	// results are matched by bulkId when they are unique within a batch and
	// by position otherwise. An empty BulkID is set to "op<n>", n being the
	// operation's 1-based position in the call.
	BulkID  string
	Method  string // POST, PUT, PATCH or DELETE
	Path    string // "/Users" for a POST, "/Users/<id>" or "/Roles/<id>" otherwise
	data    func(Dialect) any
	check   func(who string, pr *problems)
	secrets []string // passwords the data carries
}

// PatchUserOp patches user userID as PatchUser does.
func PatchUserOp(bulkID, userID string, p UserPatch) BulkOp {
	return BulkOp{BulkID: bulkID, Method: http.MethodPatch, Path: "/Users/" + userID,
		data: p.body, secrets: p.secrets(),
		check: func(who string, pr *problems) {
			if !validID(userID) {
				pr.add("%s: user id %q is not a resource id", who, userID)
			}
			p.check(who, pr)
		}}
}

// CreateUserOp creates a user as CreateUser does.
func CreateUserOp(bulkID string, u User) BulkOp {
	return BulkOp{BulkID: bulkID, Method: http.MethodPost, Path: "/Users", secrets: []string{u.Password},
		data: func(d Dialect) any {
			u.Schemas = userSchemas(d, u.FA != (FAUser{}))
			u.Meta = Meta{}
			return u
		},
		check: func(who string, pr *problems) {
			if strings.TrimSpace(u.UserName) == "" {
				pr.add("%s: userName is empty", who)
			}
			if u.ID != "" {
				pr.add("%s: id is set by the server", who)
			}
			checkEmails(who, u.Emails, pr)
		}}
}

// AddRoleMembersOp grants role roleID to the users, as AddRoleMembers does.
func AddRoleMembersOp(bulkID, roleID string, userIDs ...string) BulkOp {
	return membersOp(bulkID, roleID, "ADD", userIDs)
}

// RemoveRoleMembersOp takes role roleID away from the users.
func RemoveRoleMembersOp(bulkID, roleID string, userIDs ...string) BulkOp {
	return membersOp(bulkID, roleID, "REMOVE", userIDs)
}

func membersOp(bulkID, roleID, op string, userIDs []string) BulkOp {
	ids := append([]string(nil), userIDs...)
	return BulkOp{BulkID: bulkID, Method: http.MethodPatch, Path: "/Roles/" + roleID,
		data: func(d Dialect) any { return membersBody(d, op, ids) },
		check: func(who string, pr *problems) {
			if !validID(roleID) {
				pr.add("%s: role id %q is not a resource id", who, roleID)
			}
			if err := checkMembers(roleID, ids); err != nil {
				for _, p := range err.(*ValidationError).Problems {
					pr.add("%s: %s", who, p)
				}
			}
		}}
}

// RawBulkOp is an operation the package does not model; data (which may be
// nil for a DELETE) is sent as it is, whatever the dialect.
func RawBulkOp(bulkID, method, path string, data json.RawMessage) BulkOp {
	return BulkOp{BulkID: bulkID, Method: method, Path: path,
		data: func(Dialect) any {
			if data == nil {
				return nil
			}
			return data
		},
		check: func(who string, pr *problems) {
			if data != nil && !json.Valid(data) {
				pr.add("%s: data is not valid JSON", who)
			}
		}}
}

// BulkResult is the outcome of one operation.
type BulkResult struct {
	Index    int    // the operation's position in the slice given to Bulk
	BulkID   string // as sent
	Method   string
	Path     string
	Location string // the resource's URL, as the server gives it
	Status   int    // the operation's own status; 0 if unknown
	// Err is nil when the operation succeeded. Otherwise it is an *APIError
	// with the operation's status and the server's description (for Oracle,
	// Code holds the message code such as PER_IIP_2410), or an error that
	// matches ErrNotSent (its batch was not sent) or ErrNoResult (the
	// answer did not mention it), or the error of its whole batch.
	Err error
}

// BulkError reports the operations of a Bulk call that failed.
type BulkError struct {
	Total  int          // operations in the call
	Failed []BulkResult // those whose Err is not nil, in order
}

func (e *BulkError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "hcmscim: %d of %d bulk operations failed", len(e.Failed), e.Total)
	for i, r := range e.Failed {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Failed)-i)
			break
		}
		fmt.Fprintf(&b, "; operation %d (bulkId %s, %s %s): %s", r.Index+1, r.BulkID, r.Method, r.Path, strings.TrimPrefix(r.Err.Error(), pkg+": "))
	}
	return b.String()
}

// Unwrap returns the errors of the failed operations, for errors.Is and
// errors.As.
func (e *BulkError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, r := range e.Failed {
		errs[i] = r.Err
	}
	return errs
}

type bulkRequest struct {
	Schemas    []string        `json:"schemas,omitempty"`
	Operations []bulkOperation `json:"Operations"`
}

type bulkOperation struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	BulkID string `json:"bulkId,omitempty"`
	Data   any    `json:"data,omitempty"`
}

type bulkResponse struct {
	Schemas    []string       `json:"schemas"`
	Operations []bulkOpResult `json:"Operations"`
}

type bulkOpResult struct {
	Location string          `json:"location"`
	Method   string          `json:"method"`
	BulkID   string          `json:"bulkId"`
	Status   json.RawMessage `json:"status"`
	Response json.RawMessage `json:"response"`
}

// Bulk sends ops in batches (50 operations per request by default, see
// WithBulkBatchSize) and returns one result per operation, in the order of
// ops. Oracle answers a Bulk request 200 even when operations in it failed:
// each result says how its own operation went.
//
// The error is nil when every operation succeeded, a *ValidationError when
// ops are not well formed (nothing is then sent), and a *BulkError listing
// the failed operations otherwise. When a batch fails as a whole (the
// request got no answer or an error status), its operations carry that
// error, since whether they were applied is not known, the later batches
// are not sent (ErrNotSent), and the Bulk POST is not retried once sent.
// Source: POST /hcmRestApi/scim/Bulk.
func (c *Client) Bulk(ctx context.Context, ops []BulkOp) ([]BulkResult, error) {
	if err := checkBulk(ops); err != nil {
		return nil, err
	}
	d, err := c.Dialect(ctx)
	if err != nil {
		return nil, err
	}
	ops = slices.Clone(ops) // bulkIds are filled in below
	results := make([]BulkResult, len(ops))
	for i, op := range ops {
		if op.BulkID == "" {
			op.BulkID = fmt.Sprintf("op%d", i+1)
			ops[i].BulkID = op.BulkID
		}
		results[i] = BulkResult{Index: i, BulkID: op.BulkID, Method: op.Method, Path: op.Path}
	}
	for lo := 0; lo < len(ops); lo += c.batchSize {
		hi := min(lo+c.batchSize, len(ops))
		if err := ctx.Err(); err != nil {
			for i := lo; i < len(ops); i++ {
				results[i].Err = fmt.Errorf("hcmscim: bulk operation %d: %w (%w)", i+1, ErrNotSent, err)
			}
			break
		}
		if err := c.bulkBatch(ctx, d, ops[lo:hi], results[lo:hi]); err != nil {
			for i := lo; i < hi; i++ {
				results[i].Err = wrapf(err, "bulk request for operations %d to %d", lo+1, hi)
			}
			for i := hi; i < len(ops); i++ {
				results[i].Err = fmt.Errorf("hcmscim: bulk operation %d: %w", i+1, ErrNotSent)
			}
			break
		}
		c.report(hi, len(ops))
	}
	var failed []BulkResult
	for _, r := range results {
		if r.Err != nil {
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 {
		return results, &BulkError{Total: len(ops), Failed: failed}
	}
	return results, nil
}

// checkBulk lists every problem of ops.
func checkBulk(ops []BulkOp) error {
	var pr problems
	if len(ops) == 0 {
		pr.add("bulk: no operations")
	}
	for i, op := range ops {
		who := fmt.Sprintf("bulk operation %d", i+1)
		if op.BulkID != "" {
			who += fmt.Sprintf(" (bulkId %s)", op.BulkID)
		}
		switch op.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			pr.add("%s: method %q is not POST, PUT, PATCH or DELETE", who, op.Method)
		}
		if !strings.HasPrefix(op.Path, "/") {
			pr.add("%s: path %q does not start with /", who, op.Path)
		}
		if op.data == nil && op.Method != http.MethodDelete {
			pr.add("%s: no data (build operations with PatchUserOp, CreateUserOp, ... or RawBulkOp)", who)
		}
		if op.check != nil {
			op.check(who, &pr)
		}
	}
	return pr.err()
}

// bulkBatch sends one batch and fills its results.
func (c *Client) bulkBatch(ctx context.Context, d Dialect, ops []BulkOp, results []BulkResult) error {
	req := bulkRequest{}
	if d == DialectStandard {
		req.Schemas = []string{BulkRequestSchema}
	}
	for _, op := range ops {
		o := bulkOperation{Method: op.Method, Path: op.Path, BulkID: op.BulkID}
		if op.data != nil {
			o.Data = op.data(d)
		}
		req.Operations = append(req.Operations, o)
	}
	var secrets []string
	for _, op := range ops {
		secrets = append(secrets, op.secrets...)
	}
	var resp bulkResponse
	if _, err := c.do(ctx, d, request{op: "Bulk", method: http.MethodPost, path: "Bulk", body: req, secrets: secrets}, &resp); err != nil {
		return err
	}
	matchBulk(ops, results, &resp)
	for i := range results {
		results[i].Err = scrub(results[i].Err, secrets)
	}
	return nil
}

// matchBulk fills results (one per operation of ops) from a Bulk answer.
func matchBulk(ops []BulkOp, results []BulkResult, resp *bulkResponse) {
	var byID map[string]int
	if unique(ops) {
		byID = make(map[string]int, len(ops))
		for i, op := range ops {
			byID[op.BulkID] = i
		}
	}
	done := make([]bool, len(ops))
	for j, r := range resp.Operations {
		i := -1
		if k, ok := byID[r.BulkID]; ok && !done[k] {
			i = k
		} else if (byID == nil || r.BulkID == "") && j < len(ops) && !done[j] {
			i = j
		}
		if i < 0 {
			continue
		}
		done[i] = true
		res := &results[i]
		res.Location = r.Location
		res.Status, res.Err = opOutcome(ops[i], r)
	}
	for i := range ops {
		if !done[i] {
			results[i].Err = fmt.Errorf("hcmscim: bulk operation %d (bulkId %s): %w", results[i].Index+1, ops[i].BulkID, ErrNoResult)
		}
	}
}

func unique(ops []BulkOp) bool {
	seen := make(map[string]bool, len(ops))
	for _, op := range ops {
		if seen[op.BulkID] {
			return false
		}
		seen[op.BulkID] = true
	}
	return true
}

// opOutcome reads an operation's status: Oracle's {"code": "500",
// "description": "..."} or RFC 7644's "500" with the error in "response".
func opOutcome(op BulkOp, r bulkOpResult) (int, error) {
	var status int
	var desc string
	var obj struct {
		Code        json.RawMessage `json:"code"`
		Description string          `json:"description"`
	}
	raw := bytes.TrimSpace(r.Status)
	if len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &obj) == nil {
		status, _ = parseStatus(obj.Code)
		desc = obj.Description
	} else {
		status, _ = parseStatus(raw)
	}
	if status >= 200 && status <= 299 {
		return status, nil
	}
	if status == 0 {
		return 0, fmt.Errorf("hcmscim: bulk operation %s %s: status %s is not an HTTP status: %w", op.Method, op.Path, apierr.Snippet(string(raw)), ErrNoResult)
	}
	e := &APIError{Package: pkg, Op: "Bulk", Method: op.Method, URL: op.Path, StatusCode: status, Message: apierr.Snippet(desc)}
	var eb errorBody
	scimType := ""
	if len(r.Response) > 0 && eb.read(r.Response) {
		scimType = eb.SCIMType
		if e.Message == "" {
			e.Message = apierr.Snippet(eb.message())
		}
	}
	classify(e, scimType)
	return status, e
}
