package service

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// RecordValue returns rec's value as the record whose hash is rec.CID. A
// document read from a directory is kept as its file holds it, without the
// "$type" that its published record will carry and that its CID counts;
// here it gains that $type (first, the document's own members following in
// their order), so that a record shown beside its CID reproduces it.
func RecordValue(rec *resolver.Record) (json.RawMessage, error) {
	if rec.Source != resolver.SourceDirectory {
		return rec.Value, nil
	}
	v, err := validator.DecodeJSON(rec.Value)
	if err != nil {
		return nil, fmt.Errorf("schema %s: stored document: %w", rec.NSID(), err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema %s: stored document is %s, not an object", rec.NSID(), validator.KindOf(v))
	}
	if _, has := m["$type"]; has || len(m) == 0 {
		return rec.Value, nil
	}
	// The value is an object with members: after its "{" comes the first.
	body := bytes.TrimLeft(rec.Value, " \t\r\n")[1:]
	out := make([]byte, 0, len(rec.Value)+len(typeMember))
	out = append(append(append(out, '{'), typeMember...), body...)
	return out, nil
}

// typeMember is the $type member of a published lexicon record, with the
// comma that separates it from the document's first member.
const typeMember = `"$type":"` + string(SchemaCollection) + `",`
