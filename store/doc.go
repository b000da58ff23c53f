// Package store keeps every version of every lexicon schema record lexval
// has seen, in a database: SQLite (modernc.org/sqlite, pure Go, so the
// binary stays static) by default, PostgreSQL (pgx) when replicas share one.
// Both implement Store; the same test suite runs against each.
//
// A Version is one row: a repository's schema record (DID, NSID = record
// key) at one CID, with its DAG-CBOR bytes (hashed again whenever read), the
// repository revision it was seen at, its proof when known, where it came
// from (network, tap), when it was first and last seen, its lint findings,
// and whether the lexicon was deleted while it was current. Storing a
// version twice adds no row (delivery is at least once); a delete keeps
// the history and marks the lexicon deleted. Each record's current version
// is the one seen at the highest revision, so events arriving out of order
// do not roll it back. Schema migrations are embedded and applied by Open
// (pressly/goose, under an advisory lock on PostgreSQL so that replicas
// starting together migrate once).
//
// Source puts a Store behind the resolver: a resolver.Source that answers
// from stored versions (by AT-URI, or by NSID from the DID that the NSID
// authority's _lexicon record names) and a resolver.Sink that keeps what the
// network fetched. It keeps parsed documents in memory, by CID; the database
// stays the source of truth for which version is current.
//
// The store knows nothing of HTTP, Tap's wire format or validation: it
// stores, checks hashes and answers queries, bounded in rows per call.
package store
