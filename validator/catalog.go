package validator

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// Catalog is an immutable set of lexicon documents keyed by NSID.
type Catalog struct {
	docs map[syntax.NSID]*Document
	// absent says why a lexicon the documents refer to is not among them
	// (say, its network resolution timed out); errors about references to
	// it carry the reason.
	absent map[syntax.NSID]string
}

// NewCatalog gathers docs; a later document with the same ID replaces an
// earlier one.
func NewCatalog(docs ...*Document) *Catalog {
	c := &Catalog{docs: make(map[syntax.NSID]*Document, len(docs))}
	for _, d := range docs {
		c.docs[d.ID] = d
	}
	return c
}

// WithAbsent returns a catalog with the same documents that explains, for
// each NSID in reasons, why that lexicon is missing. c is not changed.
func (c *Catalog) WithAbsent(reasons map[syntax.NSID]string) *Catalog {
	return &Catalog{docs: c.docs, absent: maps.Clone(reasons)}
}

// Document returns the document with the given NSID.
func (c *Catalog) Document(nsid syntax.NSID) (*Document, bool) {
	d, ok := c.docs[nsid]
	return d, ok
}

// Documents returns every document, sorted by NSID.
func (c *Catalog) Documents() []*Document {
	out := make([]*Document, 0, len(c.docs))
	for _, d := range c.docs {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b *Document) int { return strings.Compare(string(a.ID), string(b.ID)) })
	return out
}

// Def returns the referenced definition, or an error wrapping ErrNotFound.
func (c *Catalog) Def(ref DefRef) (*Def, error) {
	if def, ok := c.def(ref); ok {
		return def, nil
	}
	if _, ok := c.docs[ref.NSID]; !ok {
		return nil, fmt.Errorf("%w: lexicon %s is not in the catalog", ErrNotFound, ref.NSID)
	}
	return nil, fmt.Errorf("%w: lexicon %s has no definition %q", ErrNotFound, ref.NSID, defName(ref))
}

// def is Def without the error, for lookups that a miss does not fail.
func (c *Catalog) def(ref DefRef) (*Def, bool) {
	doc, ok := c.docs[ref.NSID]
	if !ok {
		return nil, false
	}
	def, ok := doc.Defs[defName(ref)]
	return def, ok
}

// defName is ref's definition name, main when it has none.
func defName(ref DefRef) string {
	if ref.Name == "" {
		return "main"
	}
	return ref.Name
}

// DefaultTarget picks the target when the caller gave none: record for a
// record, the only body (input or output) of a query or procedure, message for
// a subscription, object for a non-primary definition. When the choice is not
// unique the error wraps ErrAmbiguousTarget and names the targets that exist.
func (c *Catalog) DefaultTarget(ref DefRef) (Target, error) {
	def, err := c.Def(ref)
	if err != nil {
		return "", err
	}
	ts := def.targets()
	if len(ts) == 0 {
		return "", fmt.Errorf("%w: %s (type %s) has nothing to validate", ErrNoTarget, ref, def.Type)
	}
	switch def.Type {
	case typeRecord:
		return TargetRecord, nil
	case typeSubscription:
		if slices.Contains(ts, TargetMessage) {
			return TargetMessage, nil
		}
	case typeQuery, typeProcedure:
		var bodies []Target
		for _, t := range ts {
			if t == TargetInput || t == TargetOutput {
				bodies = append(bodies, t)
			}
		}
		if len(bodies) == 1 {
			return bodies[0], nil
		}
	default:
		return TargetObject, nil
	}
	if len(ts) == 1 {
		// Only parameters: a value given without a target is more likely a
		// body than parameters, so the choice is left to the caller.
		return "", fmt.Errorf("%w: %s (type %s) has no body to check by default; its only target is %s: name it", ErrAmbiguousTarget, ref, def.Type, ts[0])
	}
	return "", fmt.Errorf("%w: %s (type %s) has targets %s; choose one", ErrAmbiguousTarget, ref, def.Type, joinTargets(ts))
}
