package service

import (
	"encoding/json"

	"github.com/lexval/lexval/resolver"
)

// RecordValue returns rec's value as the record whose hash is rec.CID. A
// document read from a directory is kept as its file holds it, without the
// "$type" that its published record will carry and that its CID counts;
// here it gains that $type (first, the document's own members following in
// their order), so that a record shown beside its CID reproduces it. The
// resolver works that value out when it loads the file
// (resolver.Record.PublishedValue); the error is kept for callers.
func RecordValue(rec *resolver.Record) (json.RawMessage, error) {
	return rec.PublishedValue(), nil
}
