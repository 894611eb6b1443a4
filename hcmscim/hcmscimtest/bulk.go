package hcmscimtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/hrbridge/hrbridge/hcmscim"
)

// BulkOperation is an operation of a Bulk request, as FailBulk's Match sees
// it.
type BulkOperation struct {
	Index  int // position in its request, from 0
	Method string
	Path   string
	BulkID string
	Data   json.RawMessage
}

// BulkFailure makes Bulk operations fail inside a Bulk answer that is
// otherwise 200, as Oracle's example answers 500 "PER_IIP_2410-Error
// occured while updating MasteredIn Flag" to one operation of two. A
// failed operation changes nothing.
type BulkFailure struct {
	Match       func(BulkOperation) bool // nil: any operation
	Times       int                      // how many operations it fails; 0 means 1
	Status      int                      // 500 if 0
	Description string
	SCIMType    string // sent in the RFC 7644 dialect's error response
}

type bulkFailure struct {
	BulkFailure
	left int
}

// FailBulk adds a failure for the next matching Bulk operations; failures
// are tried in the order they were added.
func (s *Server) FailBulk(f BulkFailure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	s.bulkFailures = append(s.bulkFailures, &bulkFailure{BulkFailure: f, left: max(f.Times, 1)})
}

// injected returns the failure op suffers, if any.
func (s *Server) injected(op BulkOperation) *scimError {
	for i, f := range s.bulkFailures {
		if f.Match != nil && !f.Match(op) {
			continue
		}
		if f.left--; f.left == 0 {
			s.bulkFailures = append(s.bulkFailures[:i], s.bulkFailures[i+1:]...)
		}
		return &scimError{status: f.Status, scimType: f.SCIMType, detail: f.Description}
	}
	return nil
}

// bulk carries out each operation in turn and answers 200 with a status per
// operation.
func (s *Server) bulk(body []byte) (int, any, string, *scimError) {
	fields, serr := object(body)
	if serr != nil {
		return 0, nil, "", serr
	}
	if s.dialect == hcmscim.DialectStandard {
		if serr := s.checkSchemas(fields, hcmscim.BulkRequestSchema); serr != nil {
			return 0, nil, "", serr
		}
	}
	var req struct {
		FailOnErrors int `json:"failOnErrors"`
		Operations   []struct {
			Method string          `json:"method"`
			Path   string          `json:"path"`
			BulkID string          `json:"bulkId"`
			Data   json.RawMessage `json:"data"`
		} `json:"Operations"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return 0, nil, "", errorf(http.StatusBadRequest, "invalidSyntax", "the Bulk request cannot be read: %v", err)
	}
	if len(req.Operations) == 0 {
		return 0, nil, "", errorf(http.StatusBadRequest, "invalidSyntax", "the Bulk request has no Operations")
	}
	if len(req.Operations) > s.maxBulkOps {
		return 0, nil, "", errorf(http.StatusRequestEntityTooLarge, "tooMany", "the Bulk request has %d operations; at most %d are allowed", len(req.Operations), s.maxBulkOps)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var results []any
	failures := 0
	for i, op := range req.Operations {
		if req.FailOnErrors > 0 && failures >= req.FailOnErrors {
			break
		}
		status, loc, serr := s.bulkOne(BulkOperation{Index: i, Method: strings.ToUpper(op.Method), Path: op.Path, BulkID: op.BulkID, Data: op.Data})
		if serr != nil {
			failures++
			status = serr.status
		}
		results = append(results, s.bulkResult(op.Method, op.BulkID, loc, status, serr))
	}
	schema := hcmscim.OracleBulkSchema
	if s.dialect == hcmscim.DialectStandard {
		schema = hcmscim.BulkResponseSchema
	}
	return http.StatusOK, newObject().set("schemas", []string{schema}).set("Operations", results), "", nil
}

// bulkOne carries out one operation with the server's lock held.
func (s *Server) bulkOne(op BulkOperation) (int, string, *scimError) {
	loc := ""
	if strings.HasPrefix(op.Path, "/") && op.Method != http.MethodPost {
		loc = s.base + op.Path
	}
	if serr := s.injected(op); serr != nil {
		return 0, loc, serr
	}
	kind, id, _ := strings.Cut(strings.TrimPrefix(op.Path, "/"), "/")
	var (
		status int
		serr   *scimError
		l      string
	)
	switch {
	case op.Method == http.MethodPost && kind == "Users" && id == "":
		status, _, l, serr = s.createUserLocked(op.Data)
		loc = l
	case op.Method == http.MethodPatch && kind == "Users" && id != "" && !strings.Contains(id, "/"):
		status, _, _, serr = s.patchUserLocked(id, op.Data)
	case op.Method == http.MethodPut && kind == "Users" && id != "" && !strings.Contains(id, "/"):
		status, _, _, serr = s.putUserLocked(id, op.Data)
	case op.Method == http.MethodDelete && kind == "Users" && id != "" && !strings.Contains(id, "/"):
		status, _, _, serr = s.deleteUserLocked(id)
	case op.Method == http.MethodPatch && kind == "Roles" && id != "" && !strings.Contains(id, "/"):
		status, _, _, serr = s.patchRoleLocked(id, op.Data)
		if serr == nil {
			status = http.StatusOK // Oracle's Bulk reports 200 for a role PATCH
		}
	case (kind == "Users" || kind == "Roles") && (op.Method == http.MethodPost || op.Method == http.MethodPatch ||
		op.Method == http.MethodPut || op.Method == http.MethodDelete):
		serr = errorf(http.StatusMethodNotAllowed, "", "%s %s is not supported here", op.Method, op.Path)
	case op.Method != http.MethodPost && op.Method != http.MethodPatch && op.Method != http.MethodPut && op.Method != http.MethodDelete:
		serr = errorf(http.StatusBadRequest, "invalidSyntax", "method %q is not POST, PUT, PATCH or DELETE", op.Method)
	default:
		serr = errorf(http.StatusNotFound, "", "no resource at %s", op.Path)
	}
	return status, loc, serr
}

// bulkResult writes one operation's result in the dialect's form.
func (s *Server) bulkResult(method, bulkID, loc string, status int, serr *scimError) any {
	o := newObject()
	if loc != "" {
		o.set("location", loc)
	}
	o.set("method", method).set("bulkId", bulkID)
	code := strconv.Itoa(status)
	if s.dialect == hcmscim.DialectStandard {
		o.set("status", code)
		if serr != nil {
			o.set("response", s.errorBody(serr))
		}
		return o
	}
	st := newObject().set("code", code)
	if serr != nil && serr.detail != "" {
		st.set("description", serr.detail)
	}
	return o.set("status", st)
}

// errorBody is RFC 7644's error message (section 3.12), in both dialects:
// Oracle documents none of its own.
func (s *Server) errorBody(e *scimError) any {
	o := newObject().set("schemas", []string{hcmscim.ErrorSchema})
	if e.scimType != "" {
		o.set("scimType", e.scimType)
	}
	return o.set("detail", e.detail).set("status", strconv.Itoa(e.status))
}

func (s *Server) writeError(w http.ResponseWriter, e *scimError) {
	writeJSON(w, e.status, s.errorBody(e))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "hcmscimtest: encoding the answer: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}
