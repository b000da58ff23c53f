package service

import (
	"context"
	"encoding/json"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// Code classifies a failure for front ends. Its string is the XRPC error name.
type Code string

const (
	CodeInvalidRequest  Code = "InvalidRequest"  // bad input: 400, exit 2
	CodeNotFound        Code = "LexiconNotFound" // unknown schema: 404
	CodeCIDMismatch     Code = "CIDMismatch"     // pinned or published CID differs: 409
	CodeUpstreamFailure Code = "UpstreamFailure" // network resolution failed: 502
	CodeUpstreamTimeout Code = "UpstreamTimeout" // network resolution timed out: 504
	CodeInternal        Code = "InternalError"   // a bug: 500
)

// ErrorCode classifies err (from this package, the resolver or the validator).
func ErrorCode(err error) Code {
	panic("TODO(service)")
}

// SchemaRef is a schema as a user names it: an AT-URI or an NSID, and a
// definition of that lexicon.
type SchemaRef struct {
	URI syntax.ATURI // empty when named by NSID
	Def validator.DefRef
}

// ParseSchemaRef parses "at://did/com.atproto.lexicon.schema/nsid[#def]",
// "nsid" or "nsid#def". Errors have CodeInvalidRequest.
func ParseSchemaRef(s string) (SchemaRef, error) {
	panic("TODO(service)")
}

// SchemaInfo says which schema record a verdict was made against.
type SchemaInfo struct {
	URI  string `json:"uri,omitempty"` // empty for directory documents
	CID  string `json:"cid"`
	NSID string `json:"nsid"`
	Def  string `json:"def"`
}

// Request names what to check values against.
type Request struct {
	Schema  SchemaRef
	CID     cid.Cid          // pinned CID; cid.Undef pins nothing
	Target  validator.Target // "" picks the default target
	Options validator.Options
}

// Checker is a resolved, authenticated, compiled schema: ready to validate
// many values, from many goroutines.
type Checker struct {
	Info   SchemaInfo
	Target validator.Target
	Record *resolver.Record
	schema *validator.Schema
}

// Validate checks one value decoded by validator.DecodeJSON.
func (c *Checker) Validate(v any) validator.Result { return c.schema.Validate(v) }

// JSONSchema returns the compiled JSON Schema.
func (c *Checker) JSONSchema() json.RawMessage { return c.schema.JSONSchema() }

// Service is safe for concurrent use.
type Service struct {
	res *resolver.Resolver
}

// New returns a Service over res.
func New(res *resolver.Resolver) *Service {
	return &Service{res: res}
}

// Prepare resolves, authenticates and compiles the schema req names.
func (s *Service) Prepare(ctx context.Context, req Request) (*Checker, error) {
	panic("TODO(service)")
}

// Lookup returns the schema record ref names, checked against pin.
func (s *Service) Lookup(ctx context.Context, ref SchemaRef, pin cid.Cid) (*resolver.Record, error) {
	panic("TODO(service)")
}

// Catalog returns the local records (embedded and directories), by NSID.
func (s *Service) Catalog() []*resolver.Record { return s.res.Local() }

// Network reports whether network resolution is on.
func (s *Service) Network() bool { return s.res.Network() }

// Lint checks lexicon documents (decoded by validator.DecodeJSON) for authors;
// references resolve against the local catalog plus the documents themselves.
// The result has one slice of errors per document, in order.
func (s *Service) Lint(ctx context.Context, docs ...any) ([][]validator.Error, error) {
	panic("TODO(service)")
}

// PrepareDocument compiles an unpublished lexicon document (for authors) with
// the local catalog; def "" means main. It also returns the document's lint
// errors; a document too broken to compile is an error with CodeInvalidRequest.
func (s *Service) PrepareDocument(ctx context.Context, doc any, def string, target validator.Target, opts validator.Options) (*Checker, []validator.Error, error) {
	panic("TODO(service)")
}
