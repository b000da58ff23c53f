package resolver

import (
	"errors"
	"fmt"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// SchemaCollection is the collection, and the $type, of published lexicons.
const SchemaCollection = datamodel.SchemaCollection

// CheckSchemaRecord checks what makes a record (a tree DecodeJSON built) a
// publication of the lexicon its record key names: the $type, and an id
// equal to the key. The rest of the document is the validator's to judge.
func CheckSchemaRecord(m map[string]any, rkey syntax.NSID) error {
	if t, ok := m["$type"].(string); !ok || t != string(SchemaCollection) {
		return fmt.Errorf("$type is %s, want %q", describeValue(m["$type"]), SchemaCollection)
	}
	id, ok := m["id"].(string)
	if !ok {
		return fmt.Errorf("id is %s, want the record key %q", describeValue(m["id"]), rkey)
	}
	if id != string(rkey) {
		return fmt.Errorf("id %q differs from the record key %q", id, rkey)
	}
	return nil
}

// errCIDDiffers: a record hashes to a CID other than the one its source
// claims. Each caller says so in its own words, with ErrCIDMismatch.
var errCIDDiffers = errors.New("record hashes to another CID")

// authenticate is the pipeline every published record goes through: decode
// raw, hash it, compare with the claimed CID, check that it is the
// publication of lexicon rkey, parse it. It returns the computed CID once it
// is known. A CID other than claimed is errCIDDiffers; other errors are the
// record's flaws, unwrapped, for the caller to wrap or format as its source
// requires.
func authenticate(raw []byte, claimed cid.Cid, rkey syntax.NSID) (*lexdoc.Document, cid.Cid, error) {
	v, err := datamodel.DecodeJSON(raw)
	if err != nil {
		return nil, cid.Undef, err
	}
	computed, err := datamodel.RecordCID(v)
	if err != nil {
		return nil, cid.Undef, err
	}
	if !computed.Equals(claimed) {
		return nil, computed, errCIDDiffers
	}
	m := v.(map[string]any) // RecordCID accepts objects only
	if err := CheckSchemaRecord(m, rkey); err != nil {
		return nil, computed, err
	}
	doc, err := parseDocument(m, computed)
	if err != nil {
		return nil, computed, err
	}
	return doc, computed, nil
}

// parseDocument parses a schema record whose CID is known and ties the two.
func parseDocument(m map[string]any, c cid.Cid) (*lexdoc.Document, error) {
	doc, err := lexdoc.NewDocument(m)
	if err != nil {
		return nil, err
	}
	return doc.WithCID(c.String()), nil
}

// describe names the record for messages: its AT-URI, else where it was read.
func (r *Record) describe() string {
	if r.URI != "" {
		return string(r.URI)
	}
	return r.Location
}

func describeValue(v any) string {
	if v == nil {
		return "missing or null"
	}
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return datamodel.KindOf(v)
}
