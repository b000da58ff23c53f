// Package resolver answers one question: given an AT-URI or an NSID (and
// perhaps a pinned CID), which com.atproto.lexicon.schema record is it, and is
// it authentic? Records come from the embedded catalog (package lexicons),
// from directories of lexicon files, and, when enabled, from the network
// (DNS _lexicon TXT → DID → PDS → com.atproto.repo.getRecord). Every record's
// CID is recomputed from its DAG-CBOR encoding (datamodel.RecordCID) before
// it is trusted; a directory document gets the CID it has once published
// (datamodel.PublishLexicon).
//
// Local records are loaded once, in New: a directory document overrides an
// embedded one of the same NSID, a later directory an earlier one. Network
// lookups go through per-step caches (record by AT-URI, PDS by DID,
// repository by NSID authority) with a short negative cache, and identical
// lookups in flight share one fetch. Every fetch has the caller's context, a
// timeout, a size limit and a slot among a bounded number; connections to
// loopback, private, link-local and similar addresses are refused when
// dialled, after DNS and after every redirect, unless configured otherwise.
//
// The resolver feeds the validator documents; it knows nothing of HTTP
// serving or of validation rules, and leaves decoding, the data model,
// DAG-CBOR and CIDs to package datamodel. It never looks up an NSID on its own
// initiative: only Resolve and Closure do, when asked.
//
// Specifications: https://atproto.com/specs/lexicon (publication and
// resolution) and https://atproto.com/specs/data-model (DAG-CBOR and CIDs).
package resolver
