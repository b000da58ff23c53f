// Package lexicons embeds the default, offline catalog: schema records exactly
// as published, and a manifest giving each record's AT-URI, CID and the time it
// was indexed. The resolver verifies every CID at start-up.
package lexicons
