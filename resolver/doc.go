// Package resolver answers one question: given an AT-URI or an NSID (and
// perhaps a pinned CID), which com.atproto.lexicon.schema record is it, and is
// it authentic? Records come from sources behind one interface, Source: the
// embedded catalog (package lexicons), directories of lexicon files,
// sources the caller configures (the seam for a database store), and, when
// enabled, the network (DNS _lexicon TXT → DID document → PDS →
// com.atproto.sync.getRecord and com.atproto.repo.getRecord). A Resolver
// asks them in that order of precedence and takes the first answer (or,
// for a pinned CID, the first answer of that CID, so that a store can
// answer with an older version): a
// directory document overrides an embedded one of the same NSID, a later
// directory an earlier one, and an AT-URI names the embedded record of that
// AT-URI before the network's.
// Every record's CID is recomputed from its DAG-CBOR encoding before it is
// trusted (datamodel.RecordCID); a directory document gets the CID it has
// once published (datamodel.PublishLexicon). A Sink, when configured,
// receives what the network fetched.
//
// A network record is proven, not just hashed: the sync.getRecord CAR must
// hold its author's signed commit (checked with the DID document's #atproto
// key, low-S; the document is fetched again once when the signature fails,
// for a rotated key) and the MST path to the record, every block hashing to
// its CID, and repo.getRecord must agree. The value is decoded from the
// proven block (datamodel.DecodeDAGCBOR); Record.Proof says which commit
// and key proved it. A refusal is a *ProofError (ErrProofInvalid and a
// reason). VerifyProof is that check on its own, and FetchRecord proves a
// record of any collection by AT-URI.
//
// Local records are loaded once, in New. DID resolution gives the whole
// Identity: the PDS and the #atproto signing key that commits are signed
// with; RefreshIdentity fetches it again past the cache, for a rotated key.
// Network lookups go through per-step caches (record by AT-URI, identity
// by DID, repository by NSID authority; LRU, bounded) with a short negative
// cache, and identical lookups in flight share one fetch. Every fetch has
// the caller's context, a timeout, a size limit and a slot among a bounded
// number, and at most a few of those slots per server (the PLC directory
// aside): fetches that would queue too long behind one slow server fail at
// once, so it cannot stall lookups elsewhere. Connections to loopback, private, link-local and similar
// addresses are refused when dialled, after DNS and after every redirect,
// unless configured otherwise. The _lexicon TXT name is looked up fully
// qualified, so no search domain is appended.
//
// Errors name the step that failed (the DNS lookup of _lexicon.<authority>,
// the DID document of a DID, getRecord at a PDS host, the proof) in words a
// client may read; URLs and DNS servers go to the log only.
//
// The resolver parses the documents it finds with package lexdoc (a
// Record's Document) and never imports the validator: it knows nothing of
// HTTP serving, validation rules or JSON Schema, and leaves decoding, the
// data model, DAG-CBOR and CIDs to package datamodel. It never looks up an NSID on its
// own initiative: only Resolve and Closure do, when asked. Its network tests
// run against internal/atprototest, from package resolver_test.
//
// Specifications: https://atproto.com/specs/lexicon (publication and
// resolution), https://atproto.com/specs/did (documents, keys),
// https://atproto.com/specs/repository (commits, MST),
// https://atproto.com/specs/sync (getRecord proofs),
// https://atproto.com/specs/cryptography (low-S) and
// https://atproto.com/specs/data-model (DAG-CBOR and CIDs).
package resolver
