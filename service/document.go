package service

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// Lint checks lexicon documents (decoded by validator.DecodeJSON) for authors;
// references resolve against the local catalog plus the documents themselves.
// The result has one slice of errors per document, in order; a clean document
// has an empty, non-nil slice.
func (s *Service) Lint(ctx context.Context, docs ...any) ([][]validator.Error, error) {
	if len(docs) == 0 {
		return nil, fmt.Errorf("%w: no lexicon documents to lint", ErrInvalidRequest)
	}
	// Documents that do not even parse are left out of the catalog; their
	// own lint errors say why.
	parsed := make([]*validator.Document, 0, len(docs))
	for _, d := range docs {
		if m, ok := d.(map[string]any); ok {
			if doc, err := validator.NewDocument(m); err == nil {
				parsed = append(parsed, doc)
			}
		}
	}
	cat := s.catalogWith(parsed)
	out := make([][]validator.Error, len(docs))
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		errs := validator.Lint(d, cat)
		if errs == nil {
			errs = []validator.Error{}
		}
		out[i] = errs
	}
	return out, nil
}

// PrepareDocument compiles an unpublished lexicon document (for authors) with
// the local catalog; def "" means main. It also returns the document's lint
// errors; a document too broken to compile is an error with CodeInvalidRequest.
// The Checker's CID is the one the document would have once published as a
// com.atproto.lexicon.schema record; its URI is empty.
func (s *Service) PrepareDocument(ctx context.Context, doc any, def string, target validator.Target, opts validator.Options) (*Checker, []validator.Error, error) {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("%w: a lexicon document is a JSON object, got %s", ErrInvalidRequest, validator.KindOf(doc))
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	parsed, err := validator.NewDocument(m)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}

	// The record as it would be published: the same fields plus $type.
	published := maps.Clone(m)
	published["$type"] = string(SchemaCollection)
	id, err := resolver.RecordCID(published)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: the document cannot be published as a record: %w", ErrInvalidRequest, err)
	}
	value, err := json.Marshal(published)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: the document cannot be published as a record: %w", ErrInvalidRequest, err)
	}
	parsed.CID = id.String()

	if def == "" {
		def = "main"
	}
	ref, err := validator.ParseDefRef(string(parsed.ID) + "#" + def)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}

	docs := []*validator.Document{parsed}
	compiler := s.compilerWith("document "+string(parsed.ID)+"@"+parsed.CID, docs, nil)
	lint := validator.Lint(doc, compiler.Catalog())
	if lint == nil {
		lint = []validator.Error{}
	}
	target, schema, err := compile(compiler, ref, target, opts)
	if err != nil {
		return nil, lint, fmt.Errorf("%w: document %s: %w", ErrInvalidRequest, ref, err)
	}
	return &Checker{
		Info:   SchemaInfo{CID: parsed.CID, NSID: string(parsed.ID), Def: ref.Name},
		Target: target,
		Record: &resolver.Record{CID: id, Value: value, Document: parsed},
		schema: schema,
	}, lint, nil
}

// catalogWith returns the local catalog plus docs, which override local
// documents of the same NSID.
func (s *Service) catalogWith(docs []*validator.Document) *validator.Catalog {
	all := make([]*validator.Document, 0, len(s.localDocs)+len(docs))
	all = append(all, s.localDocs...)
	all = append(all, docs...)
	return validator.NewCatalog(all...)
}
