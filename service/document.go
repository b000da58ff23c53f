package service

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
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
// clean document has an empty, non-nil slice. Findings are errors, warnings
// and information (lexdoc.HasErrors tells an invalid document).
func (s *Service) LintSet(ctx context.Context, docs []any, names []string) ([][]lexdoc.Finding, error) {
	return s.LintSetWith(ctx, docs, names, LintSetOptions{})
}

// LintSetOptions tune LintSetWith.
type LintSetOptions struct {
	// Options apply to every document (File aside).
	Options lexdoc.LintOptions
	// Files are the paths the documents were read from, in order, for the
	// file-path rule; nil when they come from no file.
	Files []string
}

// LintSetWith is LintSet with options: rules ignored, a minimum severity,
// the files the documents come from.
func (s *Service) LintSetWith(ctx context.Context, docs []any, names []string, opts LintSetOptions) ([][]lexdoc.Finding, error) {
	if opts.Files != nil && len(opts.Files) != len(docs) {
		return nil, fmt.Errorf("%d files for %d lexicon documents", len(opts.Files), len(docs))
	}
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
		if err := context.Cause(ctx); err != nil {
			return nil, err
		}
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
		lo := opts.Options
		if opts.Files != nil {
			lo.File = opts.Files[i]
		}
		r, err := lexdoc.LintContext(ctx, d, cat, lo)
		if err != nil {
			return nil, err
		}
		out[i] = r.Findings
	}
	name := func(j int) string {
		if names == nil {
			return fmt.Sprintf("document %d", j+1)
		}
		return names[j]
	}
	clashes, err := conflicts(ctx, docs)
	if err != nil {
		return nil, err
	}
	for i, c := range clashes {
		list := make([]string, len(c.others))
		for k, j := range c.others {
			list[k] = name(j)
		}
		named := strings.Join(list, ", ")
		if more := c.n - len(c.others); more > 0 {
			named += fmt.Sprintf(" and %d more", more)
		}
		id := docs[i].(map[string]any)["id"]
		out[i] = append(out[i], opts.Options.Filter([]lexdoc.Finding{{
			Path:     "/id",
			Message:  fmt.Sprintf("id %s is also the id of %s, with different content: a set of lexicons holds one document per id", id, named),
			Rule:     lexdoc.RuleDuplicateID,
			Severity: lexdoc.SeverityError,
		}})...)
		// Lint sorts by path; the document's own members are its first
		// segments, so a stable sort on them puts /id in its place.
		slices.SortStableFunc(out[i], func(a, b lexdoc.Finding) int {
			return strings.Compare(topMember(a.Path), topMember(b.Path))
		})
	}
	return out, nil
}

// maxNamedConflicts bounds the other documents a same-id error names; it
// says how many more there are, so that n documents with one id cost n
// errors, not n² names.
const maxNamedConflicts = 5

// conflict is what a document's same-id error says: the first few other
// documents with its id and other content (in order), and how many in all.
type conflict struct {
	others []int
	n      int
}

// conflicts finds, for each document whose id other documents have with
// different content, those documents. Content is compared by a hash of the
// document's canonical JSON (datamodel.EncodeJSON: members sorted, numbers
// as written), so the work is linear in the documents' size, however many
// share an id.
func conflicts(ctx context.Context, docs []any) (map[int]conflict, error) {
	byID := make(map[string][]int)
	for i, d := range docs {
		if m, ok := d.(map[string]any); ok {
			if id, ok := m["id"].(string); ok && id != "" {
				byID[id] = append(byID[id], i)
			}
		}
	}
	out := make(map[int]conflict)
	for _, same := range byID {
		if len(same) < 2 {
			continue
		}
		// classes of one content, in order of first appearance, each with
		// its members in order.
		var classes [][]int
		classOf := make(map[[sha256.Size]byte]int, len(same))
		class := make(map[int]int, len(same)) // document → its class
		for _, i := range same {
			if err := context.Cause(ctx); err != nil {
				return nil, err
			}
			h := contentHash(docs[i], i)
			c, ok := classOf[h]
			if !ok {
				c = len(classes)
				classOf[h] = c
				classes = append(classes, nil)
			}
			classes[c] = append(classes[c], i)
			class[i] = c
		}
		if len(classes) < 2 {
			continue
		}
		for _, i := range same {
			c := class[i]
			// The first few documents of other classes come from the first
			// few classes: a class appears no earlier than its first member.
			var others []int
			for k := 0; k < len(classes) && k <= maxNamedConflicts; k++ {
				if k != c {
					members := classes[k]
					others = append(others, members[:min(len(members), maxNamedConflicts)]...)
				}
			}
			slices.Sort(others)
			out[i] = conflict{others: others[:min(len(others), maxNamedConflicts)], n: len(same) - len(classes[c])}
		}
	}
	return out, nil
}

// contentHash hashes a decoded document's canonical JSON. A value that
// cannot be written (none that DecodeJSON builds) gets a hash of its own
// index: it conflicts with every other document of its id.
func contentHash(doc any, i int) [sha256.Size]byte {
	data, err := datamodel.EncodeJSON(doc)
	if err != nil {
		data = []byte(fmt.Sprintf("\x00unencodable document %d", i))
	}
	return sha256.Sum256(data)
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
	if err := context.Cause(ctx); err != nil {
		return lexdoc.LintReport{}, err
	}
	var docs []*lexdoc.Document
	if m, ok := doc.(map[string]any); ok {
		if parsed, err := lexdoc.NewDocument(m); err == nil {
			docs = append(docs, parsed)
		}
	}
	return lexdoc.LintContext(ctx, doc, s.catalogWith(docs), opts)
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
			r, lerr := lexdoc.LintContext(ctx, doc, s.catalogWith(nil), lintOptions(opts))
			if lerr != nil {
				return DocumentResult{}, lerr
			}
			lint = r.Findings
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
// errors (no warnings: see lintOptions); with opts.AllowUnresolved they leave out references that neither
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
	if err := context.Cause(ctx); err != nil {
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
	report, err := lexdoc.LintContext(ctx, doc, compiler.Catalog(), lintOptions(opts))
	if err != nil {
		return nil, nil, err
	}
	lint := report.Findings
	target, schema, err := compile(ctx, compiler, ref, target, opts)
	if err != nil {
		if ctxErr := context.Cause(ctx); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, lint, err // out of time: not the document's fault
		}
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
// Only errors count when a value is checked against a document: the style
// rules' advice (lint's business) keeps no value from being checked.
func lintOptions(opts validator.Options) lexdoc.LintOptions {
	return lexdoc.LintOptions{AllowUnresolved: opts.AllowUnresolved, MinSeverity: lexdoc.SeverityError}
}

// catalogWith returns the local catalog plus docs, which override local
// documents of the same NSID. Without docs it is the local catalog itself,
// built once at New: catalogs are read-only, so requests can share it; with
// docs it shares the local catalog's documents, each loaded once.
func (s *Service) catalogWith(docs []*lexdoc.Document) *lexdoc.Catalog {
	if len(docs) == 0 {
		return s.local.Catalog()
	}
	return s.local.Catalog().With(docs...)
}
