package lexdoc

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

// Absent returns why lexicon nsid is missing, when the catalog was told
// (WithAbsent).
func (c *Catalog) Absent(nsid syntax.NSID) (reason string, ok bool) {
	reason, ok = c.absent[nsid]
	return reason, ok
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
func (c *Catalog) Def(ref DefRef) (Schema, error) {
	if def, ok := c.Lookup(ref); ok {
		return def, nil
	}
	if _, ok := c.docs[ref.NSID]; !ok {
		return nil, fmt.Errorf("%w: lexicon %s is not in the catalog", ErrNotFound, ref.NSID)
	}
	return nil, fmt.Errorf("%w: lexicon %s has no definition %q", ErrNotFound, ref.NSID, defName(ref))
}

// Lookup is Def without the error, for lookups that a miss does not fail
// (it allocates nothing).
func (c *Catalog) Lookup(ref DefRef) (Schema, bool) {
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
