package server

import (
	"net/http"

	"github.com/ipfs/go-cid"
	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// maxBatch bounds "values": the response lists every error of every value,
// so without a bound a 2 MiB body of "{}"s could ask for a response a
// hundred times larger.
const maxBatch = 10000

// validateResponse answers a single value.
type validateResponse struct {
	Valid      bool                   `json:"valid"`
	Schema     service.SchemaInfo     `json:"schema"`
	Target     validator.Target       `json:"target"`
	Errors     []validator.Error      `json:"errors"`
	Unresolved []validator.Unresolved `json:"unresolved"`
	// Record is the record validated when the request named it by "uri".
	Record *service.RecordInfo `json:"record,omitempty"`
}

// batchResponse answers "values": valid when every value is.
type batchResponse struct {
	Valid   bool               `json:"valid"`
	Schema  service.SchemaInfo `json:"schema"`
	Target  validator.Target   `json:"target"`
	Results []resultJSON       `json:"results"`
}

// resultJSON is a validator.Result whose lists are never null.
type resultJSON struct {
	Valid      bool                   `json:"valid"`
	Errors     []validator.Error      `json:"errors"`
	Unresolved []validator.Unresolved `json:"unresolved"`
}

func newResultJSON(r validator.Result) resultJSON {
	out := resultJSON{Valid: r.Valid, Errors: r.Errors, Unresolved: r.Unresolved}
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
// "uri" names a record to fetch, with its proof, and validate. There is no
// batch of URIs: each costs a fetch and a proof upstream, which a request
// should not multiply by thousands; clients send one request per record.
func (s *Server) handleValidate(c echo.Context) error {
	body, err := s.readObject(c)
	if err != nil {
		return err
	}
	const where = "validate request"
	if err := checkFields(body, where, "schema", "cid", "target", "value", "values", "uri", "options"); err != nil {
		return err
	}
	req, err := s.parseRequest(body, where)
	if err != nil {
		return err
	}
	value, single := body["value"]
	rawValues, batch := body["values"]
	rawURI, byURI, err := stringField(body, where, "uri")
	if err != nil {
		return err
	}
	switch given := btoi(single) + btoi(batch) + btoi(byURI); {
	case given > 1:
		return badRequest("%s: give one of \"value\", \"values\" and \"uri\", not several", where)
	case given == 0:
		return badRequest("%s: missing \"value\" (one value), \"values\" (an array of values) or \"uri\" (the AT-URI of a record)", where)
	}
	if byURI {
		return s.validateURI(c, req, rawURI)
	}
	var values []any
	if batch {
		var ok bool
		if values, ok = rawValues.([]any); !ok {
			return badRequest("%s: field \"values\" must be an array, got %s", where, datamodel.KindOf(rawValues))
		}
		if len(values) > maxBatch {
			return badRequest("%s: %d values, more than the %d a request may carry: split the batch", where, len(values), maxBatch)
		}
	}

	checker, err := s.cfg.Service.Prepare(c.Request().Context(), req)
	if err != nil {
		return err
	}
	if single {
		return s.answerOne(c, checker, value, nil)
	}
	resp := batchResponse{Valid: true, Schema: checker.Info, Target: checker.Target, Results: make([]resultJSON, len(values))}
	for i, v := range values {
		r := newResultJSON(checker.Validate(v))
		s.metrics.observeResult(r.Valid, len(r.Unresolved))
		resp.Results[i] = r
		resp.Valid = resp.Valid && r.Valid
	}
	return c.JSON(http.StatusOK, resp)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// validateURI validates the record at uri, fetched and proven, against the
// schema req names.
func (s *Server) validateURI(c echo.Context, req service.Request, raw string) error {
	uri, err := service.ParseRecordURI(raw)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	checker, err := s.cfg.Service.Prepare(ctx, req)
	if err != nil {
		return err
	}
	rec, err := s.cfg.Service.FetchRecord(ctx, uri)
	if err != nil {
		return err
	}
	info := service.NewRecordInfo(rec)
	return s.answerOne(c, checker, rec.Value, &info)
}

// answerOne validates one value and answers with its verdict; record names
// the record validated when the request named it by AT-URI.
func (s *Server) answerOne(c echo.Context, checker *service.Checker, value any, record *service.RecordInfo) error {
	r := newResultJSON(checker.Validate(value))
	s.metrics.observeResult(r.Valid, len(r.Unresolved))
	return c.JSON(http.StatusOK, validateResponse{
		Valid:      r.Valid,
		Schema:     checker.Info,
		Target:     checker.Target,
		Errors:     r.Errors,
		Unresolved: r.Unresolved,
		Record:     record,
	})
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
	if opts, present := body["options"]; present {
		m, ok := opts.(map[string]any)
		if !ok {
			return req, badRequest("%s: field \"options\" must be an object, got %s", where, datamodel.KindOf(opts))
		}
		where := where + " options"
		if err := checkFields(m, where, "allowUnresolved", "lenient"); err != nil {
			return req, err
		}
		if req.Options.AllowUnresolved, err = boolField(m, where, "allowUnresolved"); err != nil {
			return req, err
		}
		if req.Options.Lenient, err = boolField(m, where, "lenient"); err != nil {
			return req, err
		}
	}
	return req, nil
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
	c, err := cid.Decode(s)
	if err != nil {
		return cid.Undef, badRequest("%s: invalid CID %q: %v", where, s, err)
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
