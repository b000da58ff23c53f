package lexdoc

import (
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// Catalog is an immutable set of lexicon documents keyed by NSID. Some may
// be loaded on demand (NewLazyCatalog); to its users the catalog is the
// same either way, and safe for concurrent use.
type Catalog struct {
	docs map[syntax.NSID]*Document
	// lazy holds the documents loaded the first time they are asked for;
	// docs of the same NSID replace them.
	lazy map[syntax.NSID]*lazyDocument
	// absent says why a lexicon the documents refer to is not among them
	// (say, its network resolution timed out); errors about references to
	// it carry the reason.
	absent map[syntax.NSID]string
}

// NewCatalog gathers docs; a later document with the same ID replaces an
// earlier one.
func NewCatalog(docs ...*Document) *Catalog {
	return &Catalog{docs: byID(docs)}
}

// LoadFunc loads the document of lexicon nsid for a lazy catalog. An error
// leaves the lexicon out of the catalog, the error saying why (Absent).
type LoadFunc func(nsid syntax.NSID) (*Document, error)

// NewLazyCatalog returns a catalog of the lexicons nsids name whose
// documents load returns the first time each is asked for: a catalog of
// hundreds of lexicons costs nothing until a few are used. load is called
// at most once per NSID, perhaps from several goroutines for different
// NSIDs, and must return a document with that ID.
func NewLazyCatalog(nsids []syntax.NSID, load LoadFunc) *Catalog {
	lazy := make(map[syntax.NSID]*lazyDocument, len(nsids))
	for _, nsid := range nsids {
		lazy[nsid] = &lazyDocument{nsid: nsid, load: load}
	}
	return &Catalog{lazy: lazy}
}

// With returns a catalog of c's documents and docs, which replace c's of
// the same ID (a later one of docs replacing an earlier). Lazy documents
// are shared, so each is still loaded once. c is not changed.
func (c *Catalog) With(docs ...*Document) *Catalog {
	merged := maps.Clone(c.docs)
	if merged == nil {
		merged = make(map[syntax.NSID]*Document, len(docs))
	}
	maps.Copy(merged, byID(docs))
	return &Catalog{docs: merged, lazy: c.lazy, absent: c.absent}
}

// WithAbsent returns a catalog with the same documents that explains, for
// each NSID in reasons, why that lexicon is missing. c is not changed.
func (c *Catalog) WithAbsent(reasons map[syntax.NSID]string) *Catalog {
	return &Catalog{docs: c.docs, lazy: c.lazy, absent: maps.Clone(reasons)}
}

// Absent returns why lexicon nsid is missing, when the catalog was told
// (WithAbsent) or its lazy document failed to load.
func (c *Catalog) Absent(nsid syntax.NSID) (reason string, ok bool) {
	if reason, ok = c.absent[nsid]; ok {
		return reason, ok
	}
	if _, ok := c.docs[nsid]; ok {
		return "", false
	}
	if l, ok := c.lazy[nsid]; ok {
		if _, err := l.get(); err != nil {
			return err.Error(), true
		}
	}
	return "", false
}

// Document returns the document with the given NSID.
func (c *Catalog) Document(nsid syntax.NSID) (*Document, bool) {
	if d, ok := c.docs[nsid]; ok {
		return d, true
	}
	if l, ok := c.lazy[nsid]; ok {
		d, err := l.get()
		return d, err == nil
	}
	return nil, false
}

// NSIDs returns the NSID of every lexicon of the catalog, sorted, without
// loading any document (a lazy document that fails to load is listed).
func (c *Catalog) NSIDs() []syntax.NSID {
	ids := slices.Collect(maps.Keys(c.docs))
	for nsid := range c.lazy {
		if _, ok := c.docs[nsid]; !ok {
			ids = append(ids, nsid)
		}
	}
	slices.Sort(ids)
	return ids
}

// Documents returns every document, sorted by NSID, loading the lazy ones
// (those that fail to load are left out).
func (c *Catalog) Documents() []*Document {
	out := make([]*Document, 0, len(c.docs)+len(c.lazy))
	for _, nsid := range c.NSIDs() {
		if d, ok := c.Document(nsid); ok {
			out = append(out, d)
		}
	}
	return out
}

// Def returns the referenced definition, or an error wrapping ErrNotFound.
func (c *Catalog) Def(ref DefRef) (Schema, error) {
	if def, ok := c.Lookup(ref); ok {
		return def, nil
	}
	if _, ok := c.Document(ref.NSID); !ok {
		if l, ok := c.lazy[ref.NSID]; ok {
			_, err := l.get()
			return nil, fmt.Errorf("%w: lexicon %s: %w", ErrNotFound, ref.NSID, err)
		}
		return nil, fmt.Errorf("%w: lexicon %s is not in the catalog", ErrNotFound, ref.NSID)
	}
	return nil, fmt.Errorf("%w: lexicon %s has no definition %q", ErrNotFound, ref.NSID, defName(ref))
}

// Lookup is Def without the error, for lookups that a miss does not fail
// (it allocates nothing once the document is loaded).
func (c *Catalog) Lookup(ref DefRef) (Schema, bool) {
	doc, ok := c.Document(ref.NSID)
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

// byID maps docs by ID, a later one replacing an earlier.
func byID(docs []*Document) map[syntax.NSID]*Document {
	m := make(map[syntax.NSID]*Document, len(docs))
	for _, d := range docs {
		m[d.ID] = d
	}
	return m
}

// lazyDocument is a document of a lazy catalog, loaded once.
type lazyDocument struct {
	nsid syntax.NSID
	load LoadFunc
	once sync.Once
	doc  *Document
	err  error
}

func (l *lazyDocument) get() (*Document, error) {
	l.once.Do(func() {
		l.doc, l.err = l.load(l.nsid)
		switch {
		case l.err != nil:
			l.doc = nil
		case l.doc == nil:
			l.err = fmt.Errorf("lexicon %s: no document", l.nsid)
		case l.doc.ID != l.nsid:
			l.doc, l.err = nil, fmt.Errorf("lexicon %s: loaded a document of id %s", l.nsid, l.doc.ID)
		}
	})
	return l.doc, l.err
}
