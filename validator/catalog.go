package validator

import "github.com/bluesky-social/indigo/atproto/syntax"

// Catalog is an immutable set of lexicon documents keyed by NSID.
type Catalog struct {
	docs map[syntax.NSID]*Document
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

// Document returns the document with the given NSID.
func (c *Catalog) Document(nsid syntax.NSID) (*Document, bool) {
	d, ok := c.docs[nsid]
	return d, ok
}

// Documents returns every document, sorted by NSID.
func (c *Catalog) Documents() []*Document {
	panic("TODO(validator)")
}

// Def returns the referenced definition, or an error wrapping ErrNotFound.
func (c *Catalog) Def(ref DefRef) (*Def, error) {
	panic("TODO(validator)")
}

// DefaultTarget picks the target when the caller gave none: record for a
// record, the only body (input or output) of a query or procedure, message for
// a subscription, object for a non-primary definition. When the choice is not
// unique the error wraps ErrAmbiguousTarget and names the targets that exist.
func (c *Catalog) DefaultTarget(ref DefRef) (Target, error) {
	panic("TODO(validator)")
}
