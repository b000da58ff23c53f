package resolver

import (
	"context"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// Source answers schema queries: the embedded catalog, a directory of
// lexicon files, a database store (package store) and the network. A Resolver
// asks its sources in order of precedence and takes the first answer.
//
// Resolve returns the record q names, authenticated, or an error wrapping
// ErrNotFound when the source does not hold it, which lets the next source
// answer; any other error ends the resolution. The Resolver checks queries
// before they reach a source: when q.URI is set it names a schema record
// whose repository is a DID, and q.NSID is its record key. A source may
// use q.CID to pick a version; the Resolver checks the pin on the answer,
// and asks the next source when it differs.
type Source interface {
	Resolve(ctx context.Context, q Query) (*Record, error)
}

// Lister is a Source whose records are fixed when it is loaded, so that it
// can list them all: the embedded catalog, directories and the bundle. The
// Resolver's Local merges its listers by precedence.
type Lister interface {
	Source
	// NSIDs lists the lexicons the source holds, sorted, without loading
	// any of their records.
	NSIDs() []syntax.NSID
	// Records returns every record, by NSID, loading those not loaded yet;
	// a record that fails to load is left out (resolving it says why).
	Records() []*Record
}

// Sink receives every record a fetching source (the network) has fetched
// and authenticated, once per fetch, not per cache hit: the seam for a store
// that keeps what the network served. A Sink's error is logged and does not
// fail the resolution; it must be safe for concurrent use.
type Sink interface {
	Put(ctx context.Context, rec *Record) error
}

// SourceKind says what kind of source a record came from.
type SourceKind string

const (
	SourceEmbedded  SourceKind = "embedded"
	SourceDirectory SourceKind = "directory"
	SourceNetwork   SourceKind = "network"
	// SourceBundled is a lexicon document bundled with lexval, copied from
	// an upstream repository (Record.Upstream says which snapshot): never a
	// published record, and never proven.
	SourceBundled SourceKind = "bundled"
	// SourceTap: a record a Tap sync service delivered (Tap verified the
	// commit that carried it), kept by a store.
	SourceTap SourceKind = "tap"
)

// Local reports whether records of this kind are fixed when lexval starts
// (the embedded catalog, the bundle and directories), rather than fetched or
// stored since, and so can change. (A bundled record may still be
// superseded by a published one: see Resolver.Resolve.)
func (k SourceKind) Local() bool {
	return k == SourceEmbedded || k == SourceDirectory || k == SourceBundled
}
