package service

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// SchemaInfo says which schema record a verdict was made against.
type SchemaInfo struct {
	URI  string `json:"uri,omitempty"` // empty for directory documents
	CID  string `json:"cid"`
	NSID string `json:"nsid"`
	Def  string `json:"def"`
	// Proof is how a network record was proven; nil for embedded,
	// directory and bundled records, whose source says where they came from.
	Proof *resolver.Proof `json:"proof,omitempty"`
	// Source is where the record came from (resolver.SourceKind); empty for
	// a document sent with the request.
	Source resolver.SourceKind `json:"source,omitempty"`
	// NetworkError, for a bundled document used with the network on, says
	// why the network gave no published version.
	NetworkError string `json:"networkError,omitempty"`
}

// NewSchemaInfo describes rec as the schema of a verdict against its
// definition def.
func NewSchemaInfo(rec *resolver.Record, def string) SchemaInfo {
	info := SchemaInfo{
		URI:    string(rec.URI),
		CID:    rec.CID.String(),
		NSID:   string(rec.NSID()),
		Def:    def,
		Proof:  rec.Proof,
		Source: rec.Source,
	}
	if rec.NetworkError != nil {
		info.NetworkError = rec.NetworkError.Error()
	}
	return info
}

// Request names what to check values against.
type Request struct {
	Schema  SchemaRef
	CID     cid.Cid          // pinned CID; cid.Undef pins nothing
	Target  validator.Target // "" picks the default target
	Options validator.Options
}

// Checker is a resolved, authenticated, compiled schema: ready to validate
// many values, from many goroutines. Checkers are shared between callers:
// treat every field as read-only.
type Checker struct {
	Info   SchemaInfo
	Target validator.Target
	Record *resolver.Record
	// Missing lists the lexicons the schema references that network
	// resolution could not supply, with the reason; values that reach them
	// are reported as unresolved. Nil for local schemas.
	Missing map[syntax.NSID]error
	schema  *validator.Schema
	kept    bool
}

// Kept reports whether the Service keeps this Checker for the life of the
// process (Prepared returns it), so that what a caller derives from it may
// be kept as long.
func (c *Checker) Kept() bool { return c.kept }

// Validate checks one value decoded by datamodel.DecodeJSON, explaining
// every error.
func (c *Checker) Validate(v any) validator.Result { return c.schema.Validate(v) }

// Explain checks one value within limits and while ctx lasts
// (validator.Schema.Explain): what a front end runs on values anyone may
// send. Its error is ctx's, when ctx ends first.
func (c *Checker) Explain(ctx context.Context, v any, lim validator.Limits) (validator.Result, error) {
	return c.schema.Explain(ctx, v, lim)
}

// ExplainDecoded is Explain for a value decoded by
// datamodel.DecodeJSONStringChecked, given what it said
// (validator.Schema.ExplainDecoded).
func (c *Checker) ExplainDecoded(ctx context.Context, v any, dmValid bool, lim validator.Limits) (validator.Result, error) {
	return c.schema.ExplainDecoded(ctx, v, dmValid, lim)
}

// Valid reports, cheaply and without allocating, whether v is valid with
// nothing left unchecked (validator.Schema.Valid): true means Validate's
// Result would be valid, with no errors and no unresolved references; false
// means v needs Validate to be judged and explained.
func (c *Checker) Valid(v any) bool { return c.schema.Valid(v) }

// ValidDecoded is Valid for a value decoded by
// datamodel.DecodeJSONStringChecked or DecodeJSONFlat, given what it said
// (validator.Schema.ValidDecoded).
func (c *Checker) ValidDecoded(v any, dmValid bool) bool { return c.schema.ValidDecoded(v, dmValid) }

// JSONSchema returns the compiled JSON Schema.
func (c *Checker) JSONSchema() json.RawMessage { return c.schema.JSONSchema() }

// Schema returns the compiled schema.
func (c *Checker) Schema() *validator.Schema { return c.schema }

// Prepared returns the Checker that Prepare keeps for req, if it keeps one:
// a map lookup that neither resolves nor compiles, so a caller can keep
// deadlines and their cost for the requests that need them.
func (s *Service) Prepared(req Request) (*Checker, bool) {
	c, ok := s.checkers.Load(req)
	if !ok {
		return nil, false
	}
	return c.(*Checker), true
}

// Prepare resolves, authenticates and compiles the schema req names.
func (s *Service) Prepare(ctx context.Context, req Request) (*Checker, error) {
	if c, ok := s.Prepared(req); ok {
		return c, nil
	}
	rec, err := s.Lookup(ctx, req.Schema, req.CID)
	if err != nil {
		return nil, err
	}

	var (
		compiler *validator.Compiler
		missing  map[syntax.NSID]error
		local    = rec.Source.Local()
	)
	switch {
	case local && s.isLocalDocument(rec):
		compiler = s.local
	case local:
		// A local record the local catalog does not hold as is (say, an
		// embedded record named by AT-URI that a directory overrides).
		compiler = s.compilerWith("record "+closureKey([]*resolver.Record{rec}), []*lexdoc.Document{rec.Document}, nil)
	default:
		records, miss, err := s.res.Closure(ctx, rec)
		if err != nil {
			return nil, fmt.Errorf("schema %s: references: %w", req.Schema, err)
		}
		docs := make([]*lexdoc.Document, len(records))
		for i, r := range records {
			docs[i] = r.Document
		}
		reasons := make(map[syntax.NSID]string, len(miss))
		key := "closure " + closureKey(records)
		for _, nsid := range slices.Sorted(maps.Keys(miss)) {
			reasons[nsid] = miss[nsid].Error()
			key += " missing " + string(nsid) + ": " + reasons[nsid]
		}
		compiler = s.compilerWith(key, docs, reasons)
		missing = miss
	}

	target, schema, err := compile(ctx, compiler, req.Schema.Def, req.Target, req.Options)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", req.Schema, err)
	}
	c := &Checker{
		Info:    NewSchemaInfo(rec, req.Schema.Def.Name),
		Target:  target,
		Record:  rec,
		Missing: missing,
		schema:  schema,
	}
	// A bundled document answers for the network only until the network
	// has a published version: with the network on, it is asked again.
	keep := local && !(rec.Source == resolver.SourceBundled && s.res.Network())
	if keep && s.numCheckers.Load() < s.maxCheckers {
		c.kept = true
		if prev, loaded := s.checkers.LoadOrStore(req, c); loaded {
			return prev.(*Checker), nil
		}
		s.numCheckers.Add(1)
	}
	return c, nil
}

// isLocalDocument reports whether the local catalog holds rec's document.
func (s *Service) isLocalDocument(rec *resolver.Record) bool {
	doc, ok := s.local.Catalog().Document(rec.NSID())
	return ok && (doc == rec.Document || doc.CID() == rec.Document.CID())
}

// closureKey identifies a set of records by their NSID@CID, sorted.
func closureKey(records []*resolver.Record) string {
	ids := make([]string, len(records))
	for i, r := range records {
		ids[i] = string(r.NSID()) + "@" + r.CID.String()
	}
	sort.Strings(ids)
	return strings.Join(ids, " ")
}

// compile picks the target (the default when want is "") and compiles ref.
// Target errors name the targets that ref offers.
func compile(ctx context.Context, c *validator.Compiler, ref lexdoc.DefRef, want validator.Target, opts validator.Options) (validator.Target, *validator.Schema, error) {
	cat := c.Catalog()
	if _, err := cat.Def(ref); err != nil {
		return "", nil, err
	}
	target := want
	if target == "" {
		t, err := validator.DefaultTarget(cat, ref)
		if err != nil {
			return "", nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
		}
		target = t
	} else if doc, ok := cat.Document(ref.NSID); ok {
		if offered := validator.Targets(doc, ref.Name); !slices.Contains(offered, target) {
			return "", nil, fmt.Errorf("%w: %w: %s has no %s target (%s)", ErrInvalidRequest, validator.ErrNoTarget, ref, target, describeTargets(offered))
		}
	}
	schema, err := c.CompileContext(ctx, ref, target, opts)
	if err != nil {
		return "", nil, err
	}
	return target, schema, nil
}

func describeTargets(ts []validator.Target) string {
	if len(ts) == 0 {
		return "it offers none"
	}
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = string(t)
	}
	return "it offers: " + strings.Join(names, ", ")
}
