package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/ipfs/go-cid"
	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// maxBatch bounds "values": the response lists every error of every value,
// so without a bound a 2 MiB body of "{}"s could ask for a response a
// hundred times larger.
const maxBatch = 10000

// validateResponse answers a single value.
type validateResponse struct {
	Valid bool `json:"valid"`
	// Schema is nil when the value's $type named no schema to check it.
	Schema     *service.SchemaInfo    `json:"schema,omitempty"`
	Target     validator.Target       `json:"target"`
	Errors     []validator.Error      `json:"errors"`
	Unresolved []validator.Unresolved `json:"unresolved"`
	// ErrorsTruncated and ErrorCount say that the errors listed are only
	// the first (validator.Result).
	ErrorsTruncated bool `json:"errorsTruncated,omitempty"`
	ErrorCount      int  `json:"errorCount,omitempty"`
	// Record is the record validated when the request named it by "uri".
	Record *service.RecordInfo `json:"record,omitempty"`
}

// batchResponse answers "values": valid when every value is. Without a
// "schema" in the request, each value is checked against its own $type and
// each result says which schema (Schema and Target are then left out).
type batchResponse struct {
	Valid   bool                `json:"valid"`
	Schema  *service.SchemaInfo `json:"schema,omitempty"`
	Target  validator.Target    `json:"target,omitempty"`
	Results []resultJSON        `json:"results"`
}

// resultJSON is a validator.Result whose lists are never null.
type resultJSON struct {
	Valid           bool                   `json:"valid"`
	Errors          []validator.Error      `json:"errors"`
	Unresolved      []validator.Unresolved `json:"unresolved"`
	ErrorsTruncated bool                   `json:"errorsTruncated,omitempty"`
	ErrorCount      int                    `json:"errorCount,omitempty"`
	// Schema and Target, in a batch checked by $type: the value's.
	Schema *service.SchemaInfo `json:"schema,omitempty"`
	Target validator.Target    `json:"target,omitempty"`
}

func newResultJSON(r validator.Result) resultJSON {
	out := resultJSON{Valid: r.Valid, Errors: r.Errors, Unresolved: r.Unresolved, ErrorsTruncated: r.ErrorsTruncated, ErrorCount: r.ErrorCount}
	if out.Errors == nil {
		out.Errors = []validator.Error{}
	}
	if out.Unresolved == nil {
		out.Unresolved = []validator.Unresolved{}
	}
	return out
}

// POST /api/v1/validate
//
// {"schema": "<AT-URI | NSID | NSID#def>", "cid": "<pin>", "target": "...",
// "value": <any> | "values": [...] | "uri": "<record AT-URI>",
// "options": {"allowUnresolved", "lenient"}}
//
// Without "schema", each value (or the record at "uri") is checked as the
// record its own $type names (validateByType).
//
// "uri" names a record to fetch, with its proof, and validate. There is no
// batch of URIs: each costs a fetch and a proof upstream, which a request
// should not multiply by thousands; clients send one request per record.
func (s *Server) handleValidate(c echo.Context) error {
	body, dmValid, err := s.readEnvelope(c)
	if err != nil {
		return err
	}
	const where = "validate request"
	if err := checkFields(body, where, "schema", "cid", "target", "value", "values", "uri", "options"); err != nil {
		return err
	}
	if _, named := body["schema"]; !named {
		return s.validateByType(c, body, dmValid, where)
	}
	req, err := s.parseRequest(body, where)
	if err != nil {
		return err
	}
	value, single := body["value"]
	rawValues, batch := body["values"]
	rawURI, byURI, err := valuesGiven(body, where)
	if err != nil {
		return err
	}
	var b budget
	if byURI {
		return s.validateURI(c, &b, req, rawURI)
	}
	values, err := batchField(rawValues, batch, where)
	if err != nil {
		return err
	}

	checker, err := s.prepare(c, &b, req)
	if err != nil {
		return err
	}
	if single {
		return s.answerOne(c, &b, checker, value, dmValid, nil)
	}

	// Valid values are answered at once; the rest are explained together,
	// within the budget and holding one explanation slot.
	results := make([]resultJSON, len(values))
	var explain []int
	for i, v := range values {
		if checker.ValidDecoded(v, dmValid) {
			results[i] = validResult
		} else {
			explain = append(explain, i)
		}
	}
	if len(explain) > 0 {
		answer := s.newAnswerBudget(len(values))
		err := s.explain(c, &b, func(ctx context.Context) error {
			for _, i := range explain {
				r, err := answer.explain(func(lim validator.Limits) (validator.Result, error) {
					return checker.Explain(ctx, values[i], lim)
				})
				if err != nil {
					return err
				}
				results[i] = newResultJSON(r)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	resp := batchResponse{Valid: true, Schema: &checker.Info, Target: checker.Target, Results: results}
	for _, r := range results {
		s.metrics.observeResult(r.Valid, len(r.Unresolved))
		resp.Valid = resp.Valid && r.Valid
	}
	return c.JSON(http.StatusOK, resp)
}

// valuesGiven checks that the request gives one of "value", "values" and
// "uri", and returns the last.
func valuesGiven(body map[string]any, where string) (uri string, byURI bool, err error) {
	_, single := body["value"]
	_, batch := body["values"]
	uri, byURI, err = stringField(body, where, "uri")
	if err != nil {
		return "", false, err
	}
	switch given := btoi(single) + btoi(batch) + btoi(byURI); {
	case given > 1:
		return "", false, badRequest("%s: give one of \"value\", \"values\" and \"uri\", not several", where)
	case given == 0:
		return "", false, badRequest("%s: missing \"value\" (one value), \"values\" (an array of values) or \"uri\" (the AT-URI of a record)", where)
	}
	return uri, byURI, nil
}

// batchField checks "values", when given: an array of at most maxBatch.
func batchField(raw any, given bool, where string) ([]any, error) {
	if !given {
		return nil, nil
	}
	values, ok := raw.([]any)
	if !ok {
		return nil, badRequest("%s: field \"values\" must be an array, got %s", where, datamodel.KindOf(raw))
	}
	if len(values) > maxBatch {
		return nil, badRequest("%s: %d values, more than the %d a request may carry: split the batch", where, len(values), maxBatch)
	}
	return values, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// validateURI validates the record at uri, fetched and proven, against the
// schema req names.
func (s *Server) validateURI(c echo.Context, b *budget, req service.Request, raw string) error {
	uri, err := service.ParseRecordURI(raw)
	if err != nil {
		return err
	}
	checker, err := s.prepare(c, b, req)
	if err != nil {
		return err
	}
	var rec *resolver.ProvenRecord
	err = s.work(c, b, false, nil, func(ctx context.Context) error {
		var err error
		rec, err = s.cfg.Service.FetchRecord(ctx, uri)
		return err
	})
	if err != nil {
		return err
	}
	info := service.NewRecordInfo(rec)
	return s.answerOne(c, b, checker, rec.Value, false, &info)
}

// answerOne validates one value and answers with its verdict; dmValid is
// what the decoder said of it (service.Checker.ValidDecoded), record names
// the record validated when the request named it by AT-URI. A value the
// checker accepts needs no explanation slot.
func (s *Server) answerOne(c echo.Context, b *budget, checker *service.Checker, value any, dmValid bool, record *service.RecordInfo) error {
	if checker.ValidDecoded(value, dmValid) {
		s.metrics.observeResult(true, 0)
		if record == nil {
			return s.answerValid(c, checker)
		}
		resp := validResponse(checker)
		resp.Record = record
		return c.JSON(http.StatusOK, resp)
	}
	r, err := s.explainOne(c, b, checker, value)
	if err != nil {
		return err
	}
	s.metrics.observeResult(r.Valid, len(r.Unresolved))
	return c.JSON(http.StatusOK, validateResponse{
		Valid:           r.Valid,
		Schema:          &checker.Info,
		Target:          checker.Target,
		Errors:          r.Errors,
		Unresolved:      r.Unresolved,
		ErrorsTruncated: r.ErrorsTruncated,
		ErrorCount:      r.ErrorCount,
		Record:          record,
	})
}

// explainOne explains one value the checker refused, within the request's
// budget, holding an explanation slot, and within the answer's limits.
func (s *Server) explainOne(c echo.Context, b *budget, checker *service.Checker, value any) (resultJSON, error) {
	var r validator.Result
	err := s.explain(c, b, func(ctx context.Context) error {
		var err error
		r, err = s.newAnswerBudget(1).explain(func(lim validator.Limits) (validator.Result, error) {
			return checker.Explain(ctx, value, lim)
		})
		return err
	})
	return newResultJSON(r), err
}

// validResult is the result of a value Checker.Valid accepts.
var validResult = resultJSON{Valid: true, Errors: []validator.Error{}, Unresolved: []validator.Unresolved{}}

// prepare returns the checker req names: the one the service keeps ready, or
// one resolved and compiled within the request's budget.
func (s *Server) prepare(c echo.Context, b *budget, req service.Request) (*service.Checker, error) {
	if checker, ok := s.cfg.Service.Prepared(req); ok {
		return checker, nil
	}
	var checker *service.Checker
	err := s.work(c, b, false, nil, func(ctx context.Context) error {
		var err error
		checker, err = s.cfg.Service.Prepare(ctx, req)
		return err
	})
	return checker, err
}

// answerValid answers a single value that checker accepts. The answer
// depends on the checker alone, so it is rendered once per checker and then
// written as is: the same bytes c.JSON would write.
func (s *Server) answerValid(c echo.Context, checker *service.Checker) error {
	// Echo indents for ?pretty or in debug mode (c.JSON); parsing an empty
	// query would cost an allocation.
	if c.Request().URL.RawQuery != "" && c.QueryParams().Has("pretty") || c.Echo().Debug {
		return c.JSON(http.StatusOK, validResponse(checker))
	}
	body, err := s.validBodies.get(checker)
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, body)
}

func validResponse(checker *service.Checker) validateResponse {
	return validateResponse{
		Valid:      true,
		Schema:     &checker.Info,
		Target:     checker.Target,
		Errors:     validResult.Errors,
		Unresolved: validResult.Unresolved,
	}
}

// bodyCache holds the rendered answer to a valid value per Checker. The
// service keeps the Checkers of local schemas for good, so those are the
// ones kept here; a network schema's Checker is made anew for each request
// that resolves it, and its answer is rendered each time. The cache is
// bounded as the service's is.
type bodyCache struct {
	bodies sync.Map // *service.Checker → []byte
	n      atomic.Int64
}

func (bc *bodyCache) get(checker *service.Checker) ([]byte, error) {
	if b, ok := bc.bodies.Load(checker); ok {
		return b.([]byte), nil
	}
	var buf bytes.Buffer
	// As echo's DefaultJSONSerializer renders it, newline included.
	if err := json.NewEncoder(&buf).Encode(validResponse(checker)); err != nil {
		return nil, err
	}
	body := buf.Bytes()
	if !checker.Kept() || bc.n.Load() >= service.DefaultCheckerCacheSize {
		return body, nil
	}
	if prev, loaded := bc.bodies.LoadOrStore(checker, body); loaded {
		return prev.([]byte), nil
	}
	bc.n.Add(1)
	return body, nil
}

// parseRequest reads schema, cid, target and options.
func (s *Server) parseRequest(body map[string]any, where string) (service.Request, error) {
	var req service.Request
	schemaName, ok, err := stringField(body, where, "schema")
	if err != nil {
		return req, err
	}
	if !ok {
		return req, badRequest("%s: missing \"schema\" (an AT-URI, NSID or NSID#def)", where)
	}
	if req.Schema, err = s.cfg.Service.ParseSchemaRef(schemaName); err != nil {
		return req, err
	}
	if req.CID, err = cidField(body, where); err != nil {
		return req, err
	}
	if req.Target, err = targetField(body, where); err != nil {
		return req, err
	}
	req.Options, err = optionsField(body, where)
	return req, err
}

// optionsField reads "options": {"allowUnresolved", "lenient"}.
func optionsField(body map[string]any, where string) (validator.Options, error) {
	var o validator.Options
	opts, present := body["options"]
	if !present {
		return o, nil
	}
	m, ok := opts.(map[string]any)
	if !ok {
		return o, badRequest("%s: field \"options\" must be an object, got %s", where, datamodel.KindOf(opts))
	}
	where += " options"
	if err := checkFields(m, where, "allowUnresolved", "lenient"); err != nil {
		return o, err
	}
	var err error
	if o.AllowUnresolved, err = boolField(m, where, "allowUnresolved"); err != nil {
		return o, err
	}
	if o.Lenient, err = boolField(m, where, "lenient"); err != nil {
		return o, err
	}
	return o, nil
}

func cidField(m map[string]any, where string) (cid.Cid, error) {
	s, _, err := stringField(m, where, "cid")
	if err != nil {
		return cid.Undef, err
	}
	return parseCID(s, where)
}

// parseCID parses a pinned CID. An empty one, as a form template may send,
// pins nothing.
func parseCID(s, where string) (cid.Cid, error) {
	if s == "" {
		return cid.Undef, nil
	}
	c, err := datamodel.ParseCID(s)
	if err != nil {
		return cid.Undef, badRequest("%s: %v", where, err)
	}
	return c, nil
}

func targetField(m map[string]any, where string) (validator.Target, error) {
	s, _, err := stringField(m, where, "target")
	if err != nil {
		return "", err
	}
	return parseTarget(s, where)
}

// parseTarget parses a target. An empty one means the default, as an absent
// one does.
func parseTarget(s, where string) (validator.Target, error) {
	if s == "" {
		return "", nil
	}
	t, err := validator.ParseTarget(s)
	if err != nil {
		return "", badRequest("%s: %v", where, err)
	}
	return t, nil
}
