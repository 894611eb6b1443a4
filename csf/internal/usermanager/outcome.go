package usermanager

// This file is written by hand; usermanager.go is generated.

// Outcome returns what every response carries: the echoed RequestContext,
// the ResultCode (nil when the response has none) and the ResultMessage.
func (r *Result) Outcome() (requestContext string, code *int32, message string) {
	if r == nil {
		return "", nil, ""
	}
	return r.RequestContext, r.ResultCode, r.ResultMessage
}

// Outcome is Result's, for the operations of CSF 2.5.
func (r *Result21) Outcome() (requestContext string, code *int32, message string) {
	if r == nil {
		return "", nil, ""
	}
	return r.RequestContext, r.ResultCode, r.ResultMessage
}
