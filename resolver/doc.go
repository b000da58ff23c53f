// Package resolver answers one question: given an AT-URI or an NSID (and
// perhaps a pinned CID), which com.atproto.lexicon.schema record is it, and is
// it authentic? Records come from the embedded catalog (package lexicons),
// from directories of lexicon files, and, when enabled, from the network
// (DNS _lexicon TXT → DID → PDS → com.atproto.repo.getRecord). Every record's
// CID is recomputed from its DAG-CBOR encoding before it is trusted.
//
// The resolver feeds the validator documents; it knows nothing of HTTP
// serving or of validation rules.
package resolver
