// Package lexicons embeds the default, offline catalog: schema records exactly
// as published, and a manifest giving each record's AT-URI, CID and the time it
// was indexed. The resolver verifies every CID at start-up.
//
// The record files are the published bytes and must not be reformatted: the
// resolver recomputes each CID and refuses to start when one differs. To add
// a record, save the value of com.atproto.repo.getRecord as records/<nsid>.json
// and add an entry to manifest.json.
//
// This package only carries bytes; it knows nothing of CIDs, lexicon parsing
// or the network.
package lexicons
