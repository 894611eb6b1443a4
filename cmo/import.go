package cmo

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"

	"github.com/hrbridge/hrbridge/cmo/internal/hrimport"
	"github.com/hrbridge/hrbridge/internal/apierr"
	"github.com/hrbridge/hrbridge/internal/soap"
)

// ImportUsers creates or updates users in CMO, matched by LoginName, through
// the users operation (UserControlledImport unless WithUsersOperation says
// otherwise), many users per call (WithBatchSize). Every user must have a
// FirstName and a LastName, which CMO needs to create a user; use
// UpdateUsers to change users that exist already.
//
// The users are validated first, all of them: on any problem nothing is sent
// and the error is a *ValidationError listing every problem. A field not
// given is not sent, and CMO leaves it unchanged.
//
// The result has one RecordResult per user, in order. When CMO does not
// complete the import (an outcome of False or "Partially completed", a user
// not saved, fewer users counted than sent), the result comes with an
// *ImportError. Credentials CMO refuses give an *APIError matching
// ErrUnauthorized. A call is not sent again after an outage or a dropped
// connection (only after a 429): its users are then StatusUnknown, those of
// the calls not made StatusNotSent, and sending them again is the caller's
// decision (every field is set again alike; an assignment may be added
// twice).
//
// Source: "HR Integration Instructions", sections "Fields to integrate",
// "Schema for Users" and "Example Web Service Call".
func (c *Client) ImportUsers(ctx context.Context, users []User) (*ImportResult, error) {
	return c.importUsers(ctx, users, true)
}

// UpdateUsers is ImportUsers for users that exist in CMO: only LoginName is
// required ("All other fields are optional when updating an existing user").
// A LoginName CMO does not know makes it create a user, which fails without
// a first and last name: the result reports it.
func (c *Client) UpdateUsers(ctx context.Context, users []User) (*ImportResult, error) {
	return c.importUsers(ctx, users, false)
}

func (c *Client) importUsers(ctx context.Context, users []User, requireNames bool) (*ImportResult, error) {
	if err := validateUsers(users, requireNames); err != nil {
		return nil, err
	}
	return c.run(ctx, c.usersJob(users))
}

// usersJob is the import of users through the users operation.
func (c *Client) usersJob(users []User) job {
	wrap := usersFeed
	if c.cfg.bare {
		wrap = bareUsers
	}
	return jobOf(c.cfg.usersOp, "user", users, wrap, userKey, func(b []byte, u *User) ([]byte, error) {
		return appendUser(b, u, c.cfg.words), nil
	})
}

// ImportOrgUnits creates or updates org units, matched by OrgName, through
// AsyncGroupsImport. An org unit whose parent is in the list is sent after
// it. Validation, results and errors are as for ImportUsers.
//
// Source: "HR Integration Instructions", section "Schema for Org Units".
func (c *Client) ImportOrgUnits(ctx context.Context, units []OrgUnit) (*ImportResult, error) {
	if err := validateOrgUnits(units); err != nil {
		return nil, err
	}
	j := jobOf(OpAsyncGroupsImport, "org unit", units, orgUnitsFeed, orgUnitKey, func(b []byte, o *OrgUnit) ([]byte, error) {
		return appendOrgUnit(b, o, c.cfg.words), nil
	})
	j.order = parentsFirst(units)
	return c.run(ctx, j)
}

// ImportEntities creates or updates entities, matched by EntityName, through
// the entities operation (see WithEntitiesOperation), as a CmoAuditeeFeed.
// Validation, results and errors are as for ImportUsers.
//
// Source: "HR Integration Instructions", section "Schema for Entities".
func (c *Client) ImportEntities(ctx context.Context, entities []Entity) (*ImportResult, error) {
	if err := validateEntities(entities); err != nil {
		return nil, err
	}
	return c.run(ctx, jobOf(c.cfg.entitiesOp, "entity", entities, entitiesFeed, entityKey, appendEntity))
}

// parentsFirst returns the order in which to send units: each after its
// parent when the parent is in the list, else in the order given.
func parentsFirst(units []OrgUnit) []int {
	byName := make(map[string]int, len(units))
	for i, o := range units {
		byName[strings.ToLower(o.OrgName)] = i
	}
	order := make([]int, 0, len(units))
	done := make([]bool, len(units))
	for i := range units {
		// Walk up to the first ancestor not yet placed, place it, repeat.
		for !done[i] {
			j := i
			for {
				p, ok := units[j].OrgParentName.Get()
				k, in := byName[strings.ToLower(p)]
				if !ok || !in || done[k] || k == j {
					break
				}
				j = k
			}
			done[j] = true
			order = append(order, j)
		}
	}
	return order
}

// A job is one import: records of one kind sent through one operation.
type job struct {
	op     string
	kind   string
	n      int
	wrap   payload
	order  []int // the order to send the records in; nil for the order given
	key    func(i int) string
	encode func(b []byte, i int) ([]byte, error)
}

// jobOf returns the import of records through op.
func jobOf[R any](op, kind string, records []R, wrap payload, key func(*R) string, encode func([]byte, *R) ([]byte, error)) job {
	return job{
		op: op, kind: kind, n: len(records), wrap: wrap,
		key:    func(i int) string { return key(&records[i]) },
		encode: func(b []byte, i int) ([]byte, error) { return encode(b, &records[i]) },
	}
}

// run sends the records of j in batches, one call after the other on the
// client's kept-alive connection, and gathers the results.
func (c *Client) run(ctx context.Context, j job) (*ImportResult, error) {
	res := &ImportResult{Operation: j.op, Outcome: OutcomeTrue, Records: make([]RecordResult, j.n), kind: j.kind}
	for i := range res.Records {
		res.Records[i] = RecordResult{Key: j.key(i), Status: StatusNotSent}
	}
	defer res.explain()
	bt := &batcher{j: j, size: c.cfg.batchSize}
	for call := 1; ; call++ {
		if err := ctx.Err(); err != nil {
			return res, &APIError{Package: pkg, Op: j.op, Err: err}
		}
		xmlData, batch, err := bt.next()
		if err != nil {
			return res, fmt.Errorf("cmo: %s: encoding %s %q: %v", j.op, j.kind, res.Records[bt.failed].Key, err)
		}
		if batch == nil {
			break
		}
		b, err := c.send(ctx, j, res, call, batch, xmlData)
		if b != nil {
			res.Outcome = combine(res.Outcome, b.Outcome, call == 1)
			res.Imported += b.Imported
			res.Selected += b.Selected
			res.Total += b.Total
			res.Reported += b.Reported
			res.Batches = append(res.Batches, *b)
		}
		if err != nil {
			return res, err
		}
		if c.cfg.progress != nil {
			c.cfg.progress(bt.pos, j.n)
		}
	}
	res.explain()
	if err := res.Err(); err != nil {
		return res, err
	}
	return res, nil
}

// batcher cuts the records of a job into xmlData payloads of at most size
// records and maxBatchBytes bytes, reusing one buffer.
type batcher struct {
	j      job
	size   int
	pos    int // records taken so far, in sending order
	failed int // the record whose encoding failed
	buf    []byte
	batch  []int
}

// next returns the next payload and the indexes of its records, or a nil
// batch when every record has been taken. The payload is valid until the
// next call.
func (bt *batcher) next() ([]byte, []int, error) {
	j := bt.j
	if bt.pos >= j.n {
		return nil, nil, nil
	}
	bt.buf = append(bt.buf[:0], j.wrap.open...)
	bt.batch = bt.batch[:0]
	for bt.pos < j.n && len(bt.batch) < bt.size {
		i := bt.pos
		if j.order != nil {
			i = j.order[bt.pos]
		}
		mark := len(bt.buf)
		var err error
		if bt.buf, err = j.encode(bt.buf, i); err != nil {
			bt.failed = i
			return nil, nil, err
		}
		if len(bt.batch) > 0 && len(bt.buf)+len(j.wrap.close) > maxBatchBytes {
			bt.buf = bt.buf[:mark] // the record opens the next call
			break
		}
		bt.batch = append(bt.batch, i)
		bt.pos++
	}
	bt.buf = append(bt.buf, j.wrap.close...)
	return bt.buf, bt.batch, nil
}

// send makes one call carrying the records batch (indexes into
// res.Records) and records what CMO said of each.
func (c *Client) send(ctx context.Context, j job, res *ImportResult, call int, batch []int, xmlData []byte) (*BatchResult, error) {
	for _, i := range batch {
		res.Records[i].Status = StatusUnknown
	}
	p, err := c.call(ctx, j.op, xmlData)
	if err != nil {
		return nil, err
	}
	b := &BatchResult{
		Call: call, Sent: len(batch), Outcome: p.outcome,
		Imported: p.imported, Selected: p.selected, Total: p.total, Counted: p.hasCounts,
		Reported: p.reported, Log: p.log, Messages: p.general,
	}
	if p.outcome == OutcomeFalse && len(p.blocks) == 0 {
		for _, m := range p.general {
			if strings.Contains(strings.ToLower(m), "login or password") {
				for _, i := range batch {
					r := &res.Records[i]
					r.Status = StatusFailed
					r.Err = &RecordError{Kind: j.kind, Key: r.Key, Status: StatusFailed, Messages: []string{m}, reasons: []error{ErrUnauthorized}}
				}
				return b, &APIError{
					Package: pkg, Op: j.op, Method: http.MethodPost, URL: c.serviceURL, StatusCode: http.StatusOK,
					Code: string(OutcomeFalse), Message: apierr.Snippet(c.t.Redact(m)), Kind: ErrUnauthorized,
				}
			}
		}
	}
	// A record's key is matched as CMO echoes it, and then without regard
	// to case (CMO matches LoginName so).
	exact := make(map[string]int, len(batch))
	folded := make(map[string]int, len(batch))
	for _, i := range batch {
		exact[res.Records[i].Key] = i
		folded[strings.ToLower(res.Records[i].Key)] = i
	}
	for _, blk := range p.blocks {
		i, ok := exact[blk.key]
		if !ok {
			i, ok = folded[strings.ToLower(blk.key)]
		}
		if !ok {
			b.Messages = append(b.Messages, fmt.Sprintf("CMO reported on %s %q, which this call did not carry: %s",
				j.kind, blk.key, strings.Join(append([]string{string(blk.status)}, blk.messages...), "; ")))
			continue
		}
		r := &res.Records[i]
		r.Status, r.Messages, r.Err = blk.status, blk.messages, nil
		if blk.status == StatusFailed {
			r.Err = &RecordError{Kind: j.kind, Key: r.Key, Status: StatusFailed, Messages: blk.messages, reasons: reasonsOf(blk.messages)}
		} else {
			b.saved++
		}
	}
	return b, nil
}

// call sends one import operation with xmlData as its payload and returns
// the result document of the answer, parsed.
func (c *Client) call(ctx context.Context, op string, xmlData []byte) (*parsedLog, error) {
	out := &response{op: op}
	// Not Idempotent: CMO adds the assignments it is sent, and the seed does
	// not say that it ignores one it has already.
	check := func(resp *http.Response) error { return apierr.CheckContent(pkg, op, resp, "a SOAP envelope") }
	if err := c.soap.Do(ctx, soap.Call{Action: Namespace + op, Body: c.request(op, xmlData), Check: check}, out); err != nil {
		return nil, c.apiError(op, err)
	}
	doc, err := out.document()
	var p *parsedLog
	if err == nil {
		p, err = parseLog(doc)
	}
	if err != nil {
		return nil, &APIError{
			Package: pkg, Op: op, Method: http.MethodPost, URL: c.serviceURL, StatusCode: http.StatusOK,
			Message: apierr.Snippet("malformed result document: " + c.t.Redact(err.Error())), Kind: ErrUnexpectedContent,
		}
	}
	return p, nil
}

// request returns the generated request of op carrying xmlData.
func (c *Client) request(op string, xmlData []byte) any {
	data := hrimport.AnyType{InnerXML: string(xmlData)}
	if c.cfg.asString {
		data.InnerXML = string(appendEscaped(nil, data.InnerXML))
	}
	login, password := c.cfg.login, c.cfg.password
	switch op {
	case OpUserControlledImport:
		return &hrimport.UserControlledImport{Login: login, Password: password, XmlData: data}
	case OpUserImport:
		return &hrimport.UserImport{Login: login, Password: password, XmlData: data}
	case OpAsyncUsersImport:
		return &hrimport.AsyncUsersImport{Login: login, Password: password, XmlData: data}
	case OpAsyncGroupsImport:
		return &hrimport.AsyncGroupsImport{Login: login, Password: password, XmlData: data}
	case OpAsyncAuditeesImport:
		return &hrimport.AsyncAuditeesImport{Login: login, Password: password, XmlData: data}
	}
	// An entities operation of another name: the generated request under
	// the configured element name.
	return renamed{name: xml.Name{Space: Namespace, Local: op}, v: &hrimport.AsyncAuditeesImport{Login: login, Password: password, XmlData: data}}
}

// renamed marshals v under another element name.
type renamed struct {
	name xml.Name
	v    any
}

func (r renamed) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return e.EncodeElement(r.v, xml.StartElement{Name: r.name})
}

// response decodes an answer, <{op}Response><{op}Result>, in one pass: the
// result document inline is decoded (into the type generated from the WSDL)
// as it streams by, instead of being kept as inner XML by the generated
// response types and parsed a second time. A result that is text (a
// tenant typing it as a string) is kept and parsed after.
type response struct {
	op      string
	found   bool
	results *resultDoc
	text    strings.Builder
}

func (r *response) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	if start.Name.Local != r.op+"Response" || start.Name.Space != Namespace {
		return fmt.Errorf("the answer is <%s xmlns=%q>, not <%sResponse xmlns=%q>", truncate(start.Name.Local, 80), truncate(start.Name.Space, 80), r.op, Namespace)
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != r.op+"Result" || r.found {
				if err := d.Skip(); err != nil {
					return err
				}
				continue
			}
			r.found = true
			if err := r.readResult(d); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// readResult reads the content of <{op}Result>.
func (r *response) readResult(d *xml.Decoder) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if r.results != nil {
				if err := d.Skip(); err != nil {
					return err
				}
				continue
			}
			// The seed shows only the users import's document: take its
			// root whatever its name (see resultDoc).
			r.results = new(resultDoc)
			if err := d.DecodeElement(r.results, &t); err != nil {
				return err
			}
		case xml.CharData:
			if r.results == nil {
				r.text.Write(t)
			}
		case xml.EndElement:
			return nil
		}
	}
}

// document returns the result document the answer carried.
func (r *response) document() (*resultDoc, error) {
	switch {
	case !r.found:
		return nil, fmt.Errorf("the answer has no <%sResult>", r.op)
	case r.results != nil:
		return r.results, nil
	}
	return decodeResults(strings.TrimSpace(r.text.String()))
}
