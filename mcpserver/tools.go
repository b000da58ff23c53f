package mcpserver

import (
	"context"
	"fmt"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// tools are the tools the endpoint offers; a new tool is one more entry,
// its handler calling the service as these do.
func (h *handlers) tools() []tool {
	readOnly := &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(false)}
	return []tool{
		{&mcp.Tool{
			Name:        "validate_record",
			Title:       "Validate a record",
			Description: "Validate an AT Protocol record (or another value, naming its schema and target) against its Lexicon schema. Without schema, the record's $type names the lexicon. Returns valid, and every error with the JSON Pointer of the value at fault.",
			InputSchema: object(map[string]any{
				"record":          map[string]any{"description": "the value to check, as JSON (a record carries its $type)"},
				"schema":          str("the schema: an NSID (app.bsky.feed.post), NSID#def, or the AT-URI of a schema record; default: the record's $type"),
				"target":          map[string]any{"type": "string", "enum": []string{"record", "params", "input", "output", "message", "object"}, "description": "what the value is for the definition; default: the record, or the only body a method has"},
				"allowUnresolved": map[string]any{"type": "boolean", "description": "accept values governed by references lexval cannot resolve, listing them as unresolved"},
			}, "record"),
			Annotations: readOnly,
		}, h.validate},
		{&mcp.Tool{
			Name:        "lint_lexicon",
			Title:       "Lint a lexicon document",
			Description: "Check a Lexicon document (JSON with \"lexicon\": 1, an id and defs) against every authoring rule; references resolve against lexval's catalog. Returns valid and each problem with its JSON Pointer in the document.",
			InputSchema: object(map[string]any{
				"lexicon":         map[string]any{"type": "object", "description": "the lexicon document"},
				"allowUnresolved": map[string]any{"type": "boolean", "description": "list references to lexicons lexval cannot find as unresolved rather than as problems"},
			}, "lexicon"),
			Annotations: readOnly,
		}, h.lint},
		{&mcp.Tool{
			Name:        "describe_lexicon",
			Title:       "Describe a lexicon",
			Description: "Describe a Lexicon in plain words: where it comes from, each definition's type, fields, constraints and descriptions.",
			InputSchema: object(map[string]any{"nsid": str("the lexicon's NSID, e.g. app.bsky.feed.post")}, "nsid"),
			Annotations: readOnly,
		}, h.describe},
		{&mcp.Tool{
			Name:        "resolve_lexicon",
			Title:       "Resolve a lexicon",
			Description: "Find a Lexicon's schema record by NSID or AT-URI: the record, its CID, where it comes from (embedded, directory, network with its proof, or bundled from the atproto repository, not published).",
			InputSchema: object(map[string]any{
				"nsid": str("the lexicon's NSID"),
				"uri":  str("or the AT-URI of its schema record (at://DID/com.atproto.lexicon.schema/NSID)"),
			}),
			Annotations: readOnly,
		}, h.resolve},
		{&mcp.Tool{
			Name:        "record_cid",
			Title:       "Compute a record's CID",
			Description: "Compute the CID of a record (CIDv1, dag-cbor, sha2-256 of its DAG-CBOR encoding), as a repository would store it.",
			InputSchema: object(map[string]any{"record": map[string]any{"type": "object", "description": "the record, as JSON"}}, "record"),
			Annotations: readOnly,
		}, h.cid},
		{&mcp.Tool{
			Name:        "check_breaking",
			Title:       "Check breaking changes",
			Description: "Compare two versions of a Lexicon by the specification's Lexicon Evolution principle (old data must stay valid under the new version, new data valid under the old). Returns breaking, each change with its rule, severity, direction (old-data, new-data or both) and JSON Pointer, and the structured diff. Optional records are validated against both versions.",
			InputSchema: object(map[string]any{
				"old":       map[string]any{"description": "the old version: a lexicon document, an array of them, or a string naming a published version (NSID or AT-URI) or a stored one (NSID@CID)"},
				"new":       map[string]any{"description": "the new version, as old"},
				"records":   map[string]any{"type": "array", "description": "real records to validate against both versions (at most 1,000)"},
				"loosening": map[string]any{"type": "string", "enum": []string{"error", "warning", "info"}, "description": "the severity of loosenings (they break old readers); default warning"},
			}, "old", "new"),
			Annotations: readOnly,
		}, h.breaking},
	}
}

func ptr[T any](v T) *T { return &v }

func str(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }

// object is the input schema of an object with these properties.
func object(props map[string]any, required ...string) map[string]any {
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// stringArg is the optional string argument name.
func stringArg(a map[string]any, name string) (string, error) {
	v, ok := a[name]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string, not %s", name, datamodel.KindOf(v))
	}
	return s, nil
}

func boolArg(a map[string]any, name string) (bool, error) {
	v, ok := a[name]
	if !ok || v == nil {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("%s must be a boolean, not %s", name, datamodel.KindOf(v))
	}
	return b, nil
}

// verdict is validate_record's answer.
type verdict struct {
	Valid           bool                   `json:"valid"`
	Schema          *service.SchemaInfo    `json:"schema,omitempty"`
	Target          validator.Target       `json:"target"`
	Errors          []validator.Error      `json:"errors"`
	Unresolved      []validator.Unresolved `json:"unresolved"`
	ErrorsTruncated bool                   `json:"errorsTruncated,omitempty"`
	ErrorCount      int                    `json:"errorCount,omitempty"`
}

func (h *handlers) validate(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	a, err := args(req)
	if err != nil {
		return toolError(err), nil
	}
	record, ok := a["record"]
	if !ok {
		return toolError(fmt.Errorf("%w: record is required", service.ErrInvalidRequest)), nil
	}
	schema, err := stringArg(a, "schema")
	if err != nil {
		return toolError(err), nil
	}
	rawTarget, err := stringArg(a, "target")
	if err != nil {
		return toolError(err), nil
	}
	var opts validator.Options
	if opts.AllowUnresolved, err = boolArg(a, "allowUnresolved"); err != nil {
		return toolError(err), nil
	}
	var target validator.Target
	if rawTarget != "" {
		if target, err = validator.ParseTarget(rawTarget); err != nil {
			return toolError(fmt.Errorf("%w: %w", service.ErrInvalidRequest, err)), nil
		}
	}

	svc := h.cfg.Service
	var checker *service.Checker
	v := verdict{Target: validator.TargetRecord}
	err = h.cfg.Work(ctx, false, func(ctx context.Context) error {
		if schema == "" {
			if target != "" && target != validator.TargetRecord {
				return fmt.Errorf("%w: without schema, the value is checked as the record its $type names: name the schema to check it as %s", service.ErrInvalidRequest, target)
			}
			c, r, err := svc.ByType(opts, "or name the schema to check against").Checker(ctx, record)
			checker = c
			v.Valid, v.Errors, v.Unresolved = r.Valid, r.Errors, r.Unresolved
			return err
		}
		ref, err := svc.ParseSchemaRef(schema)
		if err != nil {
			return err
		}
		checker, err = svc.Prepare(ctx, service.Request{Schema: ref, Target: target, Options: opts})
		return err
	})
	if err != nil {
		return toolError(err), nil
	}
	if checker != nil {
		v.Schema, v.Target = &checker.Info, checker.Target
		if checker.Valid(record) {
			v.Valid = true
		} else {
			err := h.cfg.Work(ctx, true, func(ctx context.Context) error {
				r, err := checker.Explain(ctx, record, h.limits())
				v.Valid, v.Errors, v.Unresolved = r.Valid, r.Errors, r.Unresolved
				v.ErrorsTruncated, v.ErrorCount = r.ErrorsTruncated, r.ErrorCount
				return err
			})
			if err != nil {
				return toolError(err), nil
			}
		}
	}
	if v.Errors == nil {
		v.Errors = []validator.Error{}
	}
	if v.Unresolved == nil {
		v.Unresolved = []validator.Unresolved{}
	}
	return result(v)
}

func (h *handlers) lint(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	a, err := args(req)
	if err != nil {
		return toolError(err), nil
	}
	doc, ok := a["lexicon"].(map[string]any)
	if !ok {
		return toolError(fmt.Errorf("%w: lexicon must be a lexicon document (a JSON object), not %s", service.ErrInvalidRequest, datamodel.KindOf(a["lexicon"]))), nil
	}
	allow, err := boolArg(a, "allowUnresolved")
	if err != nil {
		return toolError(err), nil
	}
	var r lexdoc.LintReport
	err = h.cfg.Work(ctx, true, func(ctx context.Context) error {
		var err error
		r, err = h.cfg.Service.LintDocument(ctx, doc, lexdoc.LintOptions{AllowUnresolved: allow})
		return err
	})
	if err != nil {
		return toolError(err), nil
	}
	return result(map[string]any{"valid": r.Valid, "errors": r.Findings, "unresolved": r.Unresolved})
}

// lookup resolves the lexicon a call names by nsid or uri.
func (h *handlers) lookup(ctx context.Context, a map[string]any) (*resolver.Record, error) {
	nsid, err := stringArg(a, "nsid")
	if err != nil {
		return nil, err
	}
	uri, err := stringArg(a, "uri")
	if err != nil {
		return nil, err
	}
	raw := nsid
	switch {
	case nsid != "" && uri != "":
		return nil, fmt.Errorf("%w: give nsid or uri, not both", service.ErrInvalidRequest)
	case uri != "":
		raw = uri
	case nsid == "":
		return nil, fmt.Errorf("%w: nsid (or uri) is required", service.ErrInvalidRequest)
	}
	svc := h.cfg.Service
	ref, err := svc.ParseSchemaRef(raw)
	if err != nil {
		return nil, err
	}
	var rec *resolver.Record
	err = h.cfg.Work(ctx, false, func(ctx context.Context) error {
		var err error
		rec, err = svc.Lookup(ctx, ref, cid.Undef)
		return err
	})
	return rec, err
}

func (h *handlers) describe(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	a, err := args(req)
	if err != nil {
		return toolError(err), nil
	}
	rec, err := h.lookup(ctx, a)
	if err != nil {
		return toolError(err), nil
	}
	return text(service.Describe(rec)), nil
}

// resolved is resolve_lexicon's answer: /api/v1/schema's.
type resolved struct {
	URI          string             `json:"uri,omitempty"`
	CID          string             `json:"cid"`
	NSID         string             `json:"nsid"`
	Source       string             `json:"source"`
	IndexedAt    string             `json:"indexedAt,omitempty"`
	Proof        *resolver.Proof    `json:"proof,omitempty"`
	Upstream     *resolver.Upstream `json:"upstream,omitempty"`
	NetworkError string             `json:"networkError,omitempty"`
	Record       any                `json:"record"`
}

func (h *handlers) resolve(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	a, err := args(req)
	if err != nil {
		return toolError(err), nil
	}
	rec, err := h.lookup(ctx, a)
	if err != nil {
		return toolError(err), nil
	}
	value, err := service.RecordValue(rec)
	if err != nil {
		return toolError(err), nil
	}
	out := resolved{
		URI: string(rec.URI), CID: rec.CID.String(), NSID: string(rec.NSID()), Source: string(rec.Source),
		Proof: rec.Proof, Upstream: rec.Upstream, Record: value,
	}
	if !rec.IndexedAt.IsZero() {
		out.IndexedAt = rec.IndexedAt.UTC().Format(time.RFC3339)
	}
	if rec.NetworkError != nil {
		out.NetworkError = rec.NetworkError.Error()
	}
	return result(out)
}

func (h *handlers) cid(_ context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	a, err := args(req)
	if err != nil {
		return toolError(err), nil
	}
	record, ok := a["record"].(map[string]any)
	if !ok {
		return toolError(fmt.Errorf("%w: record must be a JSON object, not %s", service.ErrInvalidRequest, datamodel.KindOf(a["record"]))), nil
	}
	c, err := datamodel.RecordCID(record)
	if err != nil {
		return toolError(fmt.Errorf("%w: %w", service.ErrInvalidRequest, err)), nil
	}
	return result(map[string]string{"cid": c.String()})
}

// maxCompareRecords bounds check_breaking's records, as the API does.
const maxCompareRecords = 1000

func (h *handlers) breaking(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	a, err := args(req)
	if err != nil {
		return toolError(err), nil
	}
	var sides [2]service.Version
	for i, name := range []string{"old", "new"} {
		v, ok := a[name]
		if !ok {
			return toolError(fmt.Errorf("%w: %s is required", service.ErrInvalidRequest, name)), nil
		}
		if sides[i], err = service.VersionOf(name, v); err != nil {
			return toolError(fmt.Errorf("%w: %w", service.ErrInvalidRequest, err)), nil
		}
	}
	var opts service.CompareOptions
	loosening, err := stringArg(a, "loosening")
	if err != nil {
		return toolError(err), nil
	}
	if loosening != "" {
		if opts.Loosening, err = lexdoc.ParseSeverity(loosening); err != nil {
			return toolError(fmt.Errorf("%w: loosening: %w", service.ErrInvalidRequest, err)), nil
		}
	}
	if v, ok := a["records"]; ok {
		records, ok := v.([]any)
		if !ok {
			return toolError(fmt.Errorf("%w: records must be an array, not %s", service.ErrInvalidRequest, datamodel.KindOf(v))), nil
		}
		if len(records) > maxCompareRecords {
			return toolError(fmt.Errorf("%w: %d records, more than the %d a call may carry", service.ErrInvalidRequest, len(records), maxCompareRecords)), nil
		}
		for i, r := range records {
			opts.Records = append(opts.Records, service.CompareRecord{Source: fmt.Sprintf("records[%d]", i), Value: r})
		}
	}
	var cmp *service.Comparison
	err = h.cfg.Work(ctx, true, func(ctx context.Context) error {
		var err error
		cmp, err = h.cfg.Service.CompareVersions(ctx, sides[0], sides[1], opts)
		return err
	})
	if err != nil {
		return toolError(err), nil
	}
	return result(cmp)
}

// maxListedBytes bounds the errors validate_record lists, as JSON
// (validator.Limits.MaxBytes), as the API bounds its answers.
const maxListedBytes = 256 << 10

// limits are validate_record's limits on one value's explanation.
func (h *handlers) limits() validator.Limits {
	n := h.cfg.MaxErrors
	if n <= 0 {
		n = service.DefaultMaxErrors
	}
	return validator.Limits{MaxErrors: n, MaxBytes: maxListedBytes}
}
