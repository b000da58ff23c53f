package service

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// LintSet checks lexicon documents (decoded by datamodel.DecodeJSON) for
// authors; references resolve against the local catalog plus the documents
// themselves. Two documents with one id but different content are an error
// on each, naming the other with names[i] for docs[i] (a file name, say;
// nil names them "document 1", "document 2", ...): a set holds one document
// per lexicon, as a lexicon directory does, and references resolve against
// the first. The result has one slice of findings per document, in order; a
// clean document has an empty, non-nil slice.
func (s *Service) LintSet(ctx context.Context, docs []any, names []string) ([][]lexdoc.Finding, error) {
	if len(docs) == 0 {
		return nil, fmt.Errorf("%w: no lexicon documents to lint", ErrInvalidRequest)
	}
	if names != nil && len(names) != len(docs) {
		return nil, fmt.Errorf("%d names for %d lexicon documents", len(names), len(docs))
	}
	// Documents that do not even parse are left out of the catalog; their
	// own lint errors say why.
	parsed := make([]*lexdoc.Document, 0, len(docs))
	seen := make(map[syntax.NSID]bool, len(docs))
	for _, d := range docs {
		if m, ok := d.(map[string]any); ok {
			if doc, err := lexdoc.NewDocument(m); err == nil && !seen[doc.ID] {
				seen[doc.ID] = true
				parsed = append(parsed, doc)
			}
		}
	}
	cat := s.catalogWith(parsed)
	out := make([][]lexdoc.Finding, len(docs))
	for i, d := range docs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out[i] = lexdoc.Lint(d, cat, lexdoc.LintOptions{}).Findings
	}
	name := func(j int) string {
		if names == nil {
			return fmt.Sprintf("document %d", j+1)
		}
		return names[j]
	}
	for i, others := range conflicts(docs) {
		list := make([]string, len(others))
		for k, j := range others {
			list[k] = name(j)
		}
		id := docs[i].(map[string]any)["id"]
		out[i] = append(out[i], lexdoc.Finding{
			Path:    "/id",
			Message: fmt.Sprintf("id %s is also the id of %s, with different content: a set of lexicons holds one document per id", id, strings.Join(list, ", ")),
		})
		// Lint sorts by path; the document's own members are its first
		// segments, so a stable sort on them puts /id in its place.
		slices.SortStableFunc(out[i], func(a, b lexdoc.Finding) int {
			return strings.Compare(topMember(a.Path), topMember(b.Path))
		})
	}
	return out, nil
}

// conflicts maps the index of each document whose id another document has
// with different content to those others' indexes, in order.
func conflicts(docs []any) map[int][]int {
	byID := make(map[string][]int)
	for i, d := range docs {
		if m, ok := d.(map[string]any); ok {
			if id, ok := m["id"].(string); ok && id != "" {
				byID[id] = append(byID[id], i)
			}
		}
	}
	out := make(map[int][]int)
	for _, same := range byID {
		for _, i := range same {
			for _, j := range same {
				if i != j && !reflect.DeepEqual(docs[i], docs[j]) {
					out[i] = append(out[i], j)
				}
			}
		}
	}
	return out
}

// topMember is the document member a JSON Pointer starts with.
func topMember(p string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	return first
}

// LintDocument lints one lexicon document as LintSet does, against the local
// catalog plus the document. With opts.AllowUnresolved a reference that
// neither resolves is not a finding but is listed in Unresolved, its Path the
// reference's JSON Pointer in the document: "valid", "valid with unresolved
// references" and "invalid" stay three answers, as they are for values.
func (s *Service) LintDocument(ctx context.Context, doc any, opts lexdoc.LintOptions) (lexdoc.LintReport, error) {
	if err := ctx.Err(); err != nil {
		return lexdoc.LintReport{}, err
	}
	var docs []*lexdoc.Document
	if m, ok := doc.(map[string]any); ok {
		if parsed, err := lexdoc.NewDocument(m); err == nil {
			docs = append(docs, parsed)
		}
	}
	return lexdoc.Lint(doc, s.catalogWith(docs), opts), nil
}

// DocumentResult is a value's verdict against an unpublished lexicon
// document.
type DocumentResult struct {
	// Result is the value's verdict. A value is not valid against a schema
	// that is not, so it is not Valid when SchemaErrors has any either.
	validator.Result
	// SchemaErrors are the document's lint findings, as PrepareDocument
	// gives them; never nil.
	SchemaErrors []lexdoc.Finding
	// Checker is the compiled document. It is nil when lint errors keep the
	// document from parsing or compiling: then the value was not checked.
	Checker *Checker
}

// ValidateDocument checks value against definition def ("" means main) of an
// unpublished lexicon document. A document too broken to parse or compile is
// a verdict, not an error, when its lint errors say why: they speak of the
// document, where the compiler would not. Errors are those of
// PrepareDocument that are the request's to fix (an unknown def, a target
// the definition lacks, a document that cannot be published), and ctx's
// when it ends first. The value is explained within lim.
func (s *Service) ValidateDocument(ctx context.Context, doc any, def string, target validator.Target, opts validator.Options, value any, lim validator.Limits) (DocumentResult, error) {
	chk, lint, err := s.PrepareDocument(ctx, doc, def, target, opts)
	if err != nil {
		if !errors.Is(err, validator.ErrInvalidLexicon) {
			return DocumentResult{}, err
		}
		if lint == nil { // it did not parse, so it was not linted
			lint = lexdoc.Lint(doc, s.catalogWith(nil), lintOptions(opts)).Findings
		}
		if len(lint) == 0 {
			return DocumentResult{}, err
		}
		return DocumentResult{
			Result:       validator.Result{Errors: []validator.Error{}, Unresolved: []validator.Unresolved{}},
			SchemaErrors: lint,
		}, nil
	}
	r, err := chk.Explain(ctx, value, lim)
	if err != nil {
		return DocumentResult{}, err
	}
	r.Valid = r.Valid && len(lint) == 0
	return DocumentResult{Result: r, SchemaErrors: lint, Checker: chk}, nil
}

// PrepareDocument compiles an unpublished lexicon document (for authors) with
// the local catalog; def "" means main. It also returns the document's lint
// findings; with opts.AllowUnresolved they leave out references that neither
// the document nor the catalog resolves, which values that reach them report
// as unresolved. A document too broken to compile, or with a $type other
// than com.atproto.lexicon.schema (no schema record can publish it), is an
// error with CodeInvalidRequest that wraps validator.ErrInvalidLexicon.
// The Checker's CID is the one the document would have once published as a
// com.atproto.lexicon.schema record; its URI is empty.
func (s *Service) PrepareDocument(ctx context.Context, doc any, def string, target validator.Target, opts validator.Options) (*Checker, []lexdoc.Finding, error) {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("%w: a lexicon document is a JSON object, got %s", ErrInvalidRequest, datamodel.KindOf(doc))
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	parsed, err := lexdoc.NewDocument(m)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}

	pub, err := datamodel.PublishLexicon(m, nil)
	if errors.Is(err, datamodel.ErrNotSchemaRecord) {
		// A lint error too: the verdict can say so (ValidateDocument).
		return nil, nil, fmt.Errorf("%w: %w: %w", ErrInvalidRequest, validator.ErrInvalidLexicon, err)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: the document cannot be published as a record: %w", ErrInvalidRequest, err)
	}
	parsed = parsed.WithCID(pub.CID.String())

	if def == "" {
		def = "main"
	}
	ref, err := lexdoc.ParseDefRef(string(parsed.ID) + "#" + def)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}

	docs := []*lexdoc.Document{parsed}
	compiler := s.compilerWith("document "+string(parsed.ID)+"@"+parsed.CID(), docs, nil)
	lint := lexdoc.Lint(doc, compiler.Catalog(), lintOptions(opts)).Findings
	target, schema, err := compile(compiler, ref, target, opts)
	if err != nil {
		return nil, lint, fmt.Errorf("%w: document %s: %w", ErrInvalidRequest, ref, err)
	}
	return &Checker{
		Info:   SchemaInfo{CID: parsed.CID(), NSID: string(parsed.ID), Def: ref.Name},
		Target: target,
		Record: &resolver.Record{CID: pub.CID, Value: pub.JSON, Document: parsed},
		schema: schema,
	}, lint, nil
}

// lintOptions are the lint options that match validation options: a
// reference values may leave unresolved may be unresolved in the document.
func lintOptions(opts validator.Options) lexdoc.LintOptions {
	return lexdoc.LintOptions{AllowUnresolved: opts.AllowUnresolved}
}

// catalogWith returns the local catalog plus docs, which override local
// documents of the same NSID. Without docs it is the local catalog itself,
// built once at New: catalogs are read-only, so requests can share it.
func (s *Service) catalogWith(docs []*lexdoc.Document) *lexdoc.Catalog {
	if len(docs) == 0 {
		return s.local.Catalog()
	}
	all := make([]*lexdoc.Document, 0, len(s.localDocs)+len(docs))
	all = append(all, s.localDocs...)
	all = append(all, docs...)
	return lexdoc.NewCatalog(all...)
}
