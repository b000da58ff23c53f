package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ipfs/go-cid"
	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// resolveLexiconOutput is com.atproto.lexicon.resolveLexicon's output.
type resolveLexiconOutput struct {
	URI    string          `json:"uri"`
	CID    string          `json:"cid"`
	Schema json.RawMessage `json:"schema"`
}

// GET /xrpc/com.atproto.lexicon.resolveLexicon?nsid=…
func (s *Server) handleResolveLexicon(c echo.Context) error {
	raw := c.QueryParam("nsid")
	if raw == "" {
		return badRequest("missing required parameter nsid")
	}
	nsid, err := lexdoc.ParseNSID(raw)
	if err != nil {
		return badRequest("parameter nsid: %v", err)
	}
	ref := service.SchemaRef{Def: lexdoc.DefRef{NSID: nsid, Name: "main"}}
	var b budget
	rec, err := s.lookup(c, &b, ref, cid.Undef)
	if err != nil {
		return err
	}
	switch {
	case rec.URI != "":
	case rec.Source == resolver.SourceBundled:
		// The method answers with a published record; a bundled document
		// is none, and lexval will not claim a repository for it.
		return codeError(service.CodeNotFound, fmt.Sprintf("lexicon %s is bundled with lexval from the atproto repository, not a published schema record (GET /api/v1/schema?nsid=%s shows it)", nsid, nsid))
	default:
		// A document read from a directory has no published record either
		// (and no AT-URI to give).
		return codeError(service.CodeNotFound, fmt.Sprintf("lexicon %s is loaded from a local file and has no published schema record", nsid))
	}
	if notModified(c, schemaETag(rec.CID.String(), "resolveLexicon")) {
		return answerNotModified(c)
	}
	return c.JSON(http.StatusOK, resolveLexiconOutput{URI: string(rec.URI), CID: rec.CID.String(), Schema: rec.Value})
}

// xrpcValidateResponse answers com.atproto.lexicon.validate.
type xrpcValidateResponse struct {
	Valid bool `json:"valid"`
	// Errors are the record's errors (xrpcLintResponse answers without a
	// record).
	Errors     []validator.Error      `json:"errors"`
	Unresolved []validator.Unresolved `json:"unresolved"`
	// ErrorsTruncated and ErrorCount say that the errors listed are only
	// the first (validator.Result).
	ErrorsTruncated bool `json:"errorsTruncated,omitempty"`
	ErrorCount      int  `json:"errorCount,omitempty"`
	// SchemaErrors are the lint errors of a schema given as a document
	// together with a record; a record is not valid against a schema that
	// is not (service.ValidateDocument decides).
	SchemaErrors []lexdoc.Finding    `json:"schemaErrors,omitempty"`
	Schema       *service.SchemaInfo `json:"schema,omitempty"`
	Target       validator.Target    `json:"target,omitempty"`
}

// POST /xrpc/com.atproto.lexicon.validate
//
// {"schema": <lexicon document | AT-URI | NSID>, "record": <value, optional>,
// "allowUnresolved": bool, "lenient": bool, "target": "..."}: without a
// record, it lints the schema.
func (s *Server) handleXRPCValidate(c echo.Context) error {
	body, err := s.readObject(c)
	if err != nil {
		return err
	}
	const where = "validate request"
	if err := checkFields(body, where, "schema", "record", "allowUnresolved", "lenient", "target"); err != nil {
		return err
	}
	var opts validator.Options
	if opts.AllowUnresolved, err = boolField(body, where, "allowUnresolved"); err != nil {
		return err
	}
	if opts.Lenient, err = boolField(body, where, "lenient"); err != nil {
		return err
	}
	target, err := targetField(body, where)
	if err != nil {
		return err
	}
	record, hasRecord := body["record"]

	var b budget
	var resp xrpcValidateResponse
	switch schema := body["schema"].(type) {
	case string:
		ref, err := s.cfg.Service.ParseSchemaRef(schema)
		if err != nil {
			return err
		}
		if !hasRecord {
			return s.lintPublished(c, &b, ref, opts)
		}
		checker, err := s.prepare(c, &b, service.Request{Schema: ref, Target: target, Options: opts})
		if err != nil {
			return err
		}
		r := validResult
		if !checker.Valid(record) {
			if r, err = s.explainOne(c, &b, checker, record); err != nil {
				return err
			}
		}
		info := checker.Info
		resp = xrpcValidateResponse{
			Valid: r.Valid, Errors: r.Errors, Unresolved: r.Unresolved,
			ErrorsTruncated: r.ErrorsTruncated, ErrorCount: r.ErrorCount,
			Schema: &info, Target: checker.Target,
		}
	case map[string]any:
		if !hasRecord {
			return s.answerLint(c, &b, schema, nil, opts)
		}
		// An unpublished document is compiled for the request: CPU work
		// within the budget. (Its compilation is not explanation: it takes
		// no explanation slot.)
		var d service.DocumentResult
		err := s.work(c, &b, true, nil, func(ctx context.Context) error {
			var err error
			d, err = s.cfg.Service.ValidateDocument(ctx, schema, "", target, opts, record, s.newAnswerBudget(1).next())
			return err
		})
		if err != nil {
			return err
		}
		r := newResultJSON(d.Result)
		resp = xrpcValidateResponse{
			Valid: r.Valid, Errors: r.Errors, Unresolved: r.Unresolved,
			ErrorsTruncated: r.ErrorsTruncated, ErrorCount: r.ErrorCount, SchemaErrors: d.SchemaErrors,
		}
		if d.Checker != nil { // the record was checked
			info := d.Checker.Info
			resp.Schema, resp.Target = &info, d.Checker.Target
		}
	default:
		if _, present := body["schema"]; !present {
			return badRequest("%s: missing \"schema\" (a lexicon document, AT-URI or NSID)", where)
		}
		return badRequest("%s: field \"schema\" must be a lexicon document (object) or an AT-URI or NSID (string), got %s", where, datamodel.KindOf(body["schema"]))
	}
	s.metrics.observeResult(resp.Valid, len(resp.Unresolved))
	return c.JSON(http.StatusOK, resp)
}

// lintPublished lints the document of a resolved schema record.
func (s *Server) lintPublished(c echo.Context, b *budget, ref service.SchemaRef, opts validator.Options) error {
	rec, err := s.lookup(c, b, ref, cid.Undef)
	if err != nil {
		return err
	}
	doc, err := datamodel.DecodeJSON(rec.Value)
	if err != nil {
		return fmt.Errorf("schema %s: stored record: %w", ref, err)
	}
	info := service.NewSchemaInfo(rec, ref.Def.Name)
	return s.answerLint(c, b, doc, &info, opts)
}

// xrpcLintResponse answers com.atproto.lexicon.validate without a record:
// xrpcValidateResponse's fields, its errors the schema's lint findings.
type xrpcLintResponse struct {
	Valid      bool                `json:"valid"`
	Errors     []lexdoc.Finding    `json:"errors"`
	Unresolved []lexdoc.Unresolved `json:"unresolved"`
	Schema     *service.SchemaInfo `json:"schema,omitempty"`
}

// answerLint answers a request without a record with the schema's lint
// findings (and, with AllowUnresolved, its unresolved references).
func (s *Server) answerLint(c echo.Context, b *budget, doc any, info *service.SchemaInfo, opts validator.Options) error {
	var r lexdoc.LintReport
	err := s.work(c, b, true, nil, func(ctx context.Context) error {
		var err error
		// Lexicon Garden's shape has errors, which its clients take as
		// such: the style rules' advice is /api/v1/lint's.
		r, err = s.cfg.Service.LintDocument(ctx, doc, lexdoc.LintOptions{AllowUnresolved: opts.AllowUnresolved, MinSeverity: lexdoc.SeverityError})
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, xrpcLintResponse{
		Valid: r.Valid, Errors: r.Findings, Unresolved: r.Unresolved, Schema: info,
	})
}
