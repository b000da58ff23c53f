package validator

import (
	"fmt"
	"slices"
	"sort"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
)

// Document is a parsed lexicon document. It is immutable once parsed.
type Document struct {
	Lexicon     int
	ID          syntax.NSID
	Description string
	// Defs by name.
	Defs map[string]*Def
	// CID is the CID of the published schema record when known, set by the
	// caller before building a Catalog. The validator only carries it, for
	// callers that tell revisions of a lexicon apart.
	CID string

	refs []syntax.NSID // other lexicons referenced, sorted
}

// Def is one definition of a lexicon document.
type Def struct {
	Name        string
	Type        string // "record", "query", "object", "string", ...
	Description string

	node *node
}

// ParseDocument parses a lexicon document from JSON. A "$type" field (as in
// published com.atproto.lexicon.schema records) is ignored. It checks the
// structure needed to compile; Lint checks every authoring rule.
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
	id, err := syntax.ParseNSID(idStr)
	if err != nil {
		return nil, fmt.Errorf("%w: id %q is not a valid NSID", ErrInvalidLexicon, idStr)
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
	names := make([]string, 0, len(defs))
	for name := range defs {
		names = append(names, name)
	}
	sort.Strings(names)
	p := &parser{nsid: id, refs: map[syntax.NSID]struct{}{}}
	doc.Defs = make(map[string]*Def, len(defs))
	for _, name := range names {
		if !validDefName(name) {
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

// Targets returns the targets the named definition offers, in the order
// record, params, input, output, message, object. An unknown name offers none.
func (d *Document) Targets(name string) []Target {
	def, ok := d.Defs[name]
	if !ok {
		return nil
	}
	return def.targets()
}

// targets lists what a value can be checked against: a record body, declared
// parameters, JSON bodies with a schema, a subscription's messages, or the
// definition itself when it describes data.
func (d *Def) targets() []Target {
	n := d.node
	switch d.Type {
	case typeRecord:
		return []Target{TargetRecord}
	case typeQuery, typeProcedure, typeSubscription:
		var ts []Target
		if n.parameters != nil {
			ts = append(ts, TargetParams)
		}
		if n.input != nil && n.input.schema != nil {
			ts = append(ts, TargetInput)
		}
		if n.output != nil && n.output.schema != nil {
			ts = append(ts, TargetOutput)
		}
		if n.message != nil && n.message.schema != nil {
			ts = append(ts, TargetMessage)
		}
		return ts
	}
	if !hasDataForm(d.Type) {
		// Tokens have no data representation; permission sets describe
		// scopes; params only exist as an endpoint's parameters, which
		// that endpoint's params target checks.
		return nil
	}
	return []Target{TargetObject}
}
