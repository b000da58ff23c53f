package datamodel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"
)

// SchemaCollection is the collection, and the $type, of published lexicons
// (https://atproto.com/specs/lexicon#lexicon-publication-and-resolution):
// the one definition every package uses.
const SchemaCollection syntax.NSID = "com.atproto.lexicon.schema"

// ErrNotSchemaRecord: a lexicon document carries a $type other than
// SchemaCollection, so no schema record publishes it as it stands.
var ErrNotSchemaRecord = errors.New("not a lexicon schema record")

// PublishedLexicon is a lexicon document as the com.atproto.lexicon.schema
// record that publishes it.
type PublishedLexicon struct {
	// CID is the record's CID (RecordCID).
	CID cid.Cid
	// JSON is the record's JSON text, "$type" included.
	JSON []byte
}

// PublishLexicon returns a lexicon document, as decoded by DecodeJSON, as
// the record that publishes it: a document kept in a source tree has no
// $type, where the record has "$type": "com.atproto.lexicon.schema", and the
// two hash differently. A document that has that $type already is its own
// record. doc is not changed.
//
// raw, when not nil, is the JSON text doc was decoded from; the record's
// JSON is then raw with the $type added as its first member, so that the
// record shown is the document as written, its members in their order.
// Without raw, the JSON is encoding/json's rendering of the record.
//
// Errors wrap ErrNotSchemaRecord for a document with another $type, and
// are *ValueError (ErrInvalidJSON) for one outside the data model (RecordCID).
func PublishLexicon(doc map[string]any, raw []byte) (PublishedLexicon, error) {
	t, typed := doc["$type"]
	if typed && t != string(SchemaCollection) {
		return PublishedLexicon{}, fmt.Errorf("%w: $type is %s, want %q or none", ErrNotSchemaRecord, Describe(t), SchemaCollection)
	}
	if doc == nil { // a nil document is an empty one
		doc = map[string]any{}
	}
	c, err := recordCID(doc, !typed)
	if err != nil {
		return PublishedLexicon{}, err
	}
	var text []byte
	switch {
	case raw != nil && typed:
		text = raw
	case raw != nil:
		text = withTypeMember(raw, len(doc) == 0)
	default:
		rec := doc
		if !typed {
			rec = maps.Clone(doc)
			rec["$type"] = string(SchemaCollection)
		}
		if text, err = json.Marshal(rec); err != nil {
			return PublishedLexicon{}, fmt.Errorf("%w: %w", ErrInvalidJSON, err)
		}
	}
	return PublishedLexicon{CID: c, JSON: text}, nil
}

// withTypeMember returns raw, the JSON text of an object without $type, with
// the $type of a published lexicon added as its first member, the others
// following in their order.
func withTypeMember(raw []byte, empty bool) []byte {
	const member = `"$type":"` + string(SchemaCollection) + `"`
	// After the object's "{" comes its first member, or its "}".
	body := bytes.TrimLeft(raw, " \t\r\n")[1:]
	out := make([]byte, 0, len(raw)+len(member)+1)
	out = append(append(out, '{'), member...)
	if !empty {
		out = append(out, ',')
	}
	return append(out, body...)
}
