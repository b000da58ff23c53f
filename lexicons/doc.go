// Package lexicons embeds the default, offline catalog in two parts.
//
// FS holds schema records exactly as published, and a manifest giving each
// record's AT-URI, CID and the time it was indexed. The resolver verifies
// every CID at start-up. The record files are the published bytes and must
// not be reformatted: the resolver recomputes each CID and refuses to start
// when one differs. To add a record, save the value of
// com.atproto.repo.getRecord as records/<nsid>.json and add an entry to
// manifest.json.
//
// Bundled holds the lexicon documents of the atproto repository (app.bsky,
// chat.bsky, com.atproto, tools.ozone), copied unchanged from the snapshot
// that bundled/upstream.json names, with its licence (bundled/LICENSE.txt,
// bundled/NOTICE). They are documents, not published records: nothing
// proves that their authors published them so, and the resolver serves them
// as such, below every other source. To refresh them, copy those four
// namespaces from the atproto repository's lexicons/ directory over
// bundled/lexicons/ and update upstream.json and NOTICE.
//
// This package only carries bytes; it knows nothing of CIDs, lexicon parsing
// or the network.
package lexicons
