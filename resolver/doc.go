// Package resolver answers one question: given an AT-URI or an NSID (and
// perhaps a pinned CID), which com.atproto.lexicon.schema record is it, and is
// it authentic? Records come from sources behind one interface, Source: the
// embedded catalog (package lexicons), directories of lexicon files,
// sources the caller configures (the seam for a database store), and, when
// enabled, the network (DNS _lexicon TXT → DID document → PDS →
// com.atproto.repo.getRecord). A Resolver asks them in that order of
// precedence and takes the first answer: a directory document overrides an
// embedded one of the same NSID, a later directory an earlier one, and an
// AT-URI names the embedded record of that AT-URI before the network's.
// Every record's CID is recomputed from its DAG-CBOR encoding before it is
// trusted (datamodel.RecordCID); a directory document gets the CID it has
// once published (datamodel.PublishLexicon). A Sink, when configured,
// receives what the network fetched.
//
// Local records are loaded once, in New. DID resolution gives the whole
// Identity: the PDS and the #atproto signing key that commits are signed
// with; RefreshIdentity fetches it again past the cache, for a rotated key.
// Network lookups go through per-step caches (record by AT-URI, identity
// by DID, repository by NSID authority; LRU, bounded) with a short negative
// cache, and identical lookups in flight share one fetch. Every fetch has
// the caller's context, a timeout, a size limit and a slot among a bounded
// number; connections to loopback, private, link-local and similar
// addresses are refused when dialled, after DNS and after every redirect,
// unless configured otherwise. The _lexicon TXT name is looked up fully
// qualified, so no search domain is appended.
//
// The resolver parses the documents it finds with package lexdoc (a
// Record's Document) and never imports the validator: it knows nothing of
// HTTP serving, validation rules or JSON Schema, and leaves decoding, the
// data model, DAG-CBOR and CIDs to package datamodel. It never looks up an NSID on its
// own initiative: only Resolve and Closure do, when asked. Its network tests
// run against internal/atprototest, from package resolver_test.
//
// Specifications: https://atproto.com/specs/lexicon (publication and
// resolution), https://atproto.com/specs/did (documents, keys) and
// https://atproto.com/specs/data-model (DAG-CBOR and CIDs).
package resolver
