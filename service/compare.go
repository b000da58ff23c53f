package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// Version is one side of a comparison: documents (a file, a directory, a
// request's), or a reference resolved as Lookup does: an NSID (the published
// version, as the resolver finds it), the AT-URI of a schema record, or
// NSID@CID (a stored version).
type Version struct {
	// Documents are decoded lexicon documents (datamodel.DecodeJSON); when
	// set, Ref is not used.
	Documents []any
	// Names name the documents in errors ("old/post.json"); nil names them
	// "document 1", ...
	Names []string
	// Ref names a published or stored version.
	Ref string
}

// MaxVersionDocuments bounds the documents one side of a comparison may
// hold when sent rather than named.
const MaxVersionDocuments = 1000

// VersionOf reads one side of a comparison as a client sends it (JSON
// decoded by datamodel.DecodeJSON): a lexicon document, an array of them
// (compared by id; named "name[i]" in errors), or a string naming a
// published or stored version (an NSID, AT-URI or NSID@CID). Errors say
// what is wrong with the value, for the caller to wrap as its request's.
func VersionOf(name string, v any) (Version, error) {
	switch x := v.(type) {
	case string:
		return Version{Ref: x}, nil
	case map[string]any:
		return Version{Documents: []any{x}}, nil
	case []any:
		if len(x) == 0 {
			return Version{}, fmt.Errorf("%q is empty", name)
		}
		if len(x) > MaxVersionDocuments {
			return Version{}, fmt.Errorf("%q holds %d documents, more than the %d a comparison may have", name, len(x), MaxVersionDocuments)
		}
		ver := Version{Documents: x, Names: make([]string, len(x))}
		for i := range x {
			ver.Names[i] = fmt.Sprintf("%s[%d]", name, i)
		}
		return ver, nil
	}
	return Version{}, fmt.Errorf("field %q must be a lexicon document, an array of them, or a string naming a version (NSID, AT-URI or NSID@CID), got %s", name, datamodel.KindOf(v))
}

// CompareOptions tune CompareVersions.
type CompareOptions struct {
	// Loosening is the severity of loosenings (lexdoc.CompareOptions).
	Loosening lexdoc.Severity
	// Records are real records to validate against both versions: which
	// would become invalid is evidence no static rule gives.
	Records []CompareRecord
}

// CompareRecord is a record to check, with where it came from.
type CompareRecord struct {
	Source string
	Value  any
}

// Comparison is what changed between two versions.
type Comparison struct {
	// Breaking is true when a change is an error or a record that is
	// valid under the old version is invalid under the new one.
	Breaking bool `json:"breaking"`
	// Changes break data (lexdoc.Compare), sorted; never nil.
	Changes []lexdoc.Change `json:"changes"`
	// Diff is every difference by definition and field; never nil.
	Diff []lexdoc.DiffEntry `json:"diff"`
	// Records is the evidence of the records given, in order.
	Records []RecordEvidence `json:"records,omitempty"`
	// Old and New say what each side was.
	Old []VersionInfo `json:"old"`
	New []VersionInfo `json:"new"`
}

// VersionInfo is one lexicon of a side.
type VersionInfo struct {
	NSID string `json:"nsid"`
	// CID is the record's: as published, or as the document would be.
	CID string `json:"cid,omitempty"`
	URI string `json:"uri,omitempty"`
	// Source is where it came from: embedded, directory, network, store,
	// or "document" for one given.
	Source string `json:"source"`
	// Name is the document's name as given (a file), when given.
	Name string `json:"name,omitempty"`
}

// RecordEvidence is one record checked against both versions.
type RecordEvidence struct {
	Source string `json:"source"`
	// Type is the record's $type, the definition it is checked against.
	Type string `json:"type,omitempty"`
	// Checked is false when neither version defines Type (or the record
	// has none): Note says why.
	Checked bool   `json:"checked"`
	Note    string `json:"note,omitempty"`
	// OldValid and NewValid are the verdicts; nil when that version does
	// not define Type.
	OldValid *bool `json:"oldValid,omitempty"`
	NewValid *bool `json:"newValid,omitempty"`
	// Breaks is true when the record is valid under the old version and
	// not under the new one: data the change would invalidate.
	Breaks bool `json:"breaks"`
	// Errors are the record's errors under the new version: the first
	// ten, ErrorsTruncated saying there are more.
	Errors          []validator.Error `json:"errors,omitempty"`
	ErrorsTruncated bool              `json:"errorsTruncated,omitempty"`
}

// side is one resolved side of a comparison.
type side struct {
	docs []*lexdoc.Document
	raw  []any // decoded JSON of each document, for Diff
	info []VersionInfo
	cat  *lexdoc.Catalog
}

// CompareVersions compares two versions of a lexicon or of a set of
// lexicons, by id: the breaking changes (lexdoc.CompareSets, references
// followed through each side's catalog: the local catalog and the side's
// own documents, or a network record's references as resolved), the diff,
// and the records given checked against both. This is the one call the
// CLI, the API, the web page and tools (MCP) share. Errors are a side that
// cannot be had: unparsable documents, two with one id, a reference that
// does not resolve (codes as Lookup's).
func (s *Service) CompareVersions(ctx context.Context, old, new Version, opts CompareOptions) (*Comparison, error) {
	o, err := s.side(ctx, "old", old)
	if err != nil {
		return nil, err
	}
	n, err := s.side(ctx, "new", new)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	changes := lexdoc.CompareSets(o.docs, n.docs, lexdoc.CompareOptions{OldCatalog: o.cat, NewCatalog: n.cat, Loosening: opts.Loosening})
	cmp := &Comparison{
		Changes: changes,
		Diff:    lexdoc.DiffSets(o.raw, n.raw),
		Old:     o.info,
		New:     n.info,
	}
	if cmp.Diff == nil {
		cmp.Diff = []lexdoc.DiffEntry{}
	}
	cmp.Breaking = lexdoc.HasBreaking(changes)
	if len(opts.Records) > 0 {
		cmp.Records = s.checkRecords(ctx, o, n, opts.Records)
		for _, r := range cmp.Records {
			cmp.Breaking = cmp.Breaking || r.Breaks
		}
	}
	return cmp, nil
}

// side resolves one Version; which names it in errors ("old", "new").
func (s *Service) side(ctx context.Context, which string, v Version) (*side, error) {
	if len(v.Documents) > 0 {
		return s.documentsSide(which, v)
	}
	if v.Ref == "" {
		return nil, fmt.Errorf("%w: %s: no lexicon documents and no reference", ErrInvalidRequest, which)
	}
	rec, err := s.lookupVersion(ctx, v.Ref)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", which, err)
	}
	raw, err := datamodel.DecodeJSON(rec.Value)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: stored record: %w", which, v.Ref, err)
	}
	sd := &side{docs: []*lexdoc.Document{rec.Document}, raw: []any{raw}, info: []VersionInfo{{
		NSID: string(rec.NSID()), CID: rec.CID.String(), URI: string(rec.URI), Source: string(rec.Source),
	}}}
	docs := []*lexdoc.Document{rec.Document}
	if rec.Source == resolver.SourceNetwork {
		// The references of a published lexicon are published too: follow
		// them where its publishers put them, not into local copies.
		records, _, err := s.res.Closure(ctx, rec)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: references: %w", which, v.Ref, err)
		}
		docs = docs[:0]
		for _, r := range records {
			docs = append(docs, r.Document)
		}
	}
	sd.cat = s.catalogWith(docs)
	return sd, nil
}

// lookupVersion resolves a reference: NSID@CID through the version store,
// anything else as Lookup does.
func (s *Service) lookupVersion(ctx context.Context, ref string) (*resolver.Record, error) {
	if at := strings.LastIndexByte(ref, '@'); at > 0 && !strings.HasPrefix(ref, "at://") {
		nsid, err := lexdoc.ParseNSID(ref[:at])
		if err != nil {
			return nil, fmt.Errorf("%w: %q: want NSID@CID: %w", ErrInvalidRequest, ref, err)
		}
		c, err := datamodel.ParseCID(ref[at+1:])
		if err != nil {
			return nil, fmt.Errorf("%w: %q: want NSID@CID: %w", ErrInvalidRequest, ref, err)
		}
		if s.store == nil {
			return nil, fmt.Errorf("%w: %s names a stored version: %w (or name the published version by NSID)", ErrInvalidRequest, ref, ErrNoStore)
		}
		// A pinned CID selects the stored version (resolver.Resolve).
		rec, err := s.res.Resolve(ctx, resolver.Query{NSID: nsid, CID: c})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ref, err)
		}
		return rec, nil
	}
	sr, err := s.ParseSchemaRef(ref)
	if err != nil {
		return nil, err
	}
	if sr.Def.Name != "main" {
		return nil, fmt.Errorf("%w: %q names a definition: compare whole lexicons (an NSID or AT-URI without #)", ErrInvalidRequest, ref)
	}
	return s.Lookup(ctx, sr, cid.Undef)
}

// documentsSide parses a side's documents.
func (s *Service) documentsSide(which string, v Version) (*side, error) {
	if v.Names != nil && len(v.Names) != len(v.Documents) {
		return nil, fmt.Errorf("%d names for %d lexicon documents", len(v.Names), len(v.Documents))
	}
	name := func(i int) string {
		if v.Names == nil {
			return fmt.Sprintf("document %d", i+1)
		}
		return v.Names[i]
	}
	sd := &side{}
	seen := make(map[syntax.NSID]string)
	for i, d := range v.Documents {
		m, ok := d.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%w: %s: %s: a lexicon document is a JSON object, got %s", ErrInvalidRequest, which, name(i), datamodel.KindOf(d))
		}
		doc, err := lexdoc.NewDocument(m)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %s: %w", ErrInvalidRequest, which, name(i), err)
		}
		if other, dup := seen[doc.ID]; dup {
			return nil, fmt.Errorf("%w: %s: %s and %s both have id %s: a version holds one document per lexicon", ErrInvalidRequest, which, other, name(i), doc.ID)
		}
		seen[doc.ID] = name(i)
		info := VersionInfo{NSID: string(doc.ID), Source: "document"}
		if v.Names != nil {
			info.Name = v.Names[i]
		}
		if pub, err := datamodel.PublishLexicon(m, nil); err == nil {
			info.CID = pub.CID.String()
		}
		sd.docs = append(sd.docs, doc)
		sd.raw = append(sd.raw, d)
		sd.info = append(sd.info, info)
	}
	slices.SortFunc(sd.info, func(a, b VersionInfo) int { return strings.Compare(a.NSID, b.NSID) })
	sd.cat = s.catalogWith(sd.docs)
	return sd, nil
}

// checkRecords validates each record against the definition its $type
// names in both versions.
func (s *Service) checkRecords(ctx context.Context, o, n *side, records []CompareRecord) []RecordEvidence {
	cfg := validator.CompilerConfig{Gate: s.gate}
	oc, nc := validator.NewCompilerWith(o.cat, cfg), validator.NewCompilerWith(n.cat, cfg)
	defines := func(sd *side, ref lexdoc.DefRef) bool {
		return slices.ContainsFunc(sd.docs, func(d *lexdoc.Document) bool { return d.ID == ref.NSID })
	}
	out := make([]RecordEvidence, len(records))
	for i, r := range records {
		e := RecordEvidence{Source: r.Source}
		if ctx.Err() != nil {
			e.Note = "not checked: " + ctx.Err().Error()
			out[i] = e
			continue
		}
		m, _ := r.Value.(map[string]any)
		t, _ := m["$type"].(string)
		ref, ok := lexdoc.ParseTypeRef(t)
		switch {
		case t == "":
			e.Note = "not checked: the record has no $type"
		case !ok:
			e.Type = t
			e.Note = "not checked: $type is not an NSID"
		case !defines(o, ref) && !defines(n, ref):
			e.Type = t
			e.Note = "not checked: neither version defines " + t
		default:
			e.Type, e.Checked = t, true
			if defines(o, ref) {
				e.OldValid = verdict(ctx, oc, ref, r.Value, nil)
			}
			if defines(n, ref) {
				e.NewValid = verdict(ctx, nc, ref, r.Value, &e)
			}
			e.Breaks = e.OldValid != nil && *e.OldValid && (e.NewValid == nil || !*e.NewValid)
			if e.NewValid == nil {
				e.Note = "the new version does not define " + t
			}
		}
		out[i] = e
	}
	return out
}

// evidenceLimits bound the errors a record's evidence lists: a comparison
// may check a thousand records, and one error says the record breaks.
var evidenceLimits = validator.Limits{MaxErrors: 10, MaxBytes: 4 << 10}

// verdict validates v as the record ref names; nil when it cannot be
// compiled. The errors (within evidenceLimits) go to e when given; a
// definition that cannot be compiled is an error there too.
func verdict(ctx context.Context, c *validator.Compiler, ref lexdoc.DefRef, v any, e *RecordEvidence) *bool {
	valid := false
	schema, err := c.CompileContext(ctx, ref, validator.TargetRecord, validator.Options{})
	if err != nil {
		if e != nil {
			e.Errors = []validator.Error{{Message: "cannot check: " + err.Error()}}
		}
		return &valid
	}
	if schema.Valid(v) {
		valid = true
		return &valid
	}
	res, err := schema.Explain(ctx, v, evidenceLimits)
	if err != nil {
		if e != nil {
			e.Errors = []validator.Error{{Message: "not checked: " + err.Error()}}
		}
		return nil
	}
	valid = res.Valid
	if e != nil && !valid {
		e.Errors, e.ErrorsTruncated = res.Errors, res.ErrorsTruncated
	}
	return &valid
}
