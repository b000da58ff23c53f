package lexdoc

import (
	"fmt"
	"slices"
	"sort"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
)

// Document is a parsed lexicon document. It is immutable once parsed: its
// fields are read-only, and WithCID returns a copy.
type Document struct {
	Lexicon     int
	ID          syntax.NSID
	Description string
	// Defs are the definitions by name: *Record, *Query, *Procedure,
	// *Subscription, *PermissionSet, or the schema of a named non-primary
	// definition (a definition of type params parses, and Lint reports it).
	Defs map[string]Schema

	cid  string
	refs []syntax.NSID // other lexicons referenced, sorted
}

// ParseDocument parses a lexicon document from JSON. A "$type" field (as in
// published com.atproto.lexicon.schema records) is ignored. It checks the
// structure needed to compile; Lint checks every authoring rule. Errors wrap
// ErrInvalidLexicon.
func ParseDocument(data []byte) (*Document, error) {
	v, err := datamodel.DecodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidLexicon, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: document must be a JSON object, got %s", ErrInvalidLexicon, datamodel.KindOf(v))
	}
	return NewDocument(m)
}

// NewDocument is ParseDocument on an already decoded JSON object.
func NewDocument(v map[string]any) (*Document, error) {
	lv, ok := v["lexicon"]
	if !ok {
		return nil, fmt.Errorf("%w: lexicon version is missing", ErrInvalidLexicon)
	}
	if version, ok := datamodel.Int64(lv); !ok || version != 1 {
		// Only version 1 has a meaning we know.
		return nil, fmt.Errorf("%w: lexicon must be 1, got %s", ErrInvalidLexicon, datamodel.Describe(lv))
	}
	iv, ok := v["id"]
	if !ok {
		return nil, fmt.Errorf("%w: id is missing", ErrInvalidLexicon)
	}
	idStr, ok := iv.(string)
	if !ok {
		return nil, fmt.Errorf("%w: id must be a string, got %s", ErrInvalidLexicon, datamodel.KindOf(iv))
	}
	id, err := ParseNSID(idStr)
	if err != nil {
		return nil, fmt.Errorf("%w: id %w", ErrInvalidLexicon, err)
	}
	doc := &Document{Lexicon: 1, ID: id}
	if doc.Description, err = optString(v, "description", string(id)); err != nil {
		return nil, err
	}
	dv, ok := v["defs"]
	if !ok {
		return nil, fmt.Errorf("%w: %s: defs is missing", ErrInvalidLexicon, id)
	}
	defs, ok := dv.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s: defs must be an object, got %s", ErrInvalidLexicon, id, datamodel.KindOf(dv))
	}
	if err := limitError(string(id), defs); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(defs))
	for name := range defs {
		names = append(names, name)
	}
	sort.Strings(names)
	p := &parser{nsid: id, refs: map[syntax.NSID]struct{}{}}
	doc.Defs = make(map[string]Schema, len(defs))
	for _, name := range names {
		if !ValidDefName(name) {
			return nil, fmt.Errorf("%w: %s: invalid definition name %q", ErrInvalidLexicon, id, name)
		}
		d, err := p.def(name, defs[name])
		if err != nil {
			return nil, err
		}
		doc.Defs[name] = d
	}
	doc.refs = make([]syntax.NSID, 0, len(p.refs))
	for r := range p.refs {
		doc.refs = append(doc.refs, r)
	}
	slices.Sort(doc.refs)
	return doc, nil
}

// References returns the other lexicons this document references (refs and
// union refs), sorted and without duplicates.
func (d *Document) References() []syntax.NSID {
	return slices.Clone(d.refs)
}

// CID is the CID of the schema record that published the document, "" when
// unknown (see WithCID).
func (d *Document) CID() string { return d.cid }

// WithCID returns a copy of d that knows the CID of the schema record that
// published it, so that callers can tell revisions of a lexicon apart. The
// copy shares d's definitions; d is not changed.
func (d *Document) WithCID(cid string) *Document {
	c := *d
	c.cid = cid
	return &c
}
