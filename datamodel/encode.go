package datamodel

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// EncodeJSON writes a value tree (as DecodeJSON or DecodeDAGCBOR build it)
// as compact JSON text: object members sorted by key, numbers as their
// json.Number text, no HTML escaping (a record shown is the record, "<"
// and all). DecodeJSON reads the text back as the same tree, so a record
// decoded from its DAG-CBOR block is shown as JSON that hashes to its CID.
//
// encoding/json does the writing: on this tree it is exact (json.Number is
// written verbatim, after a syntax check; strings are valid UTF-8, which
// both decoders ensure), and its one habit in the way, HTML escaping, is an
// option. A value outside the tree's types is an error wrapping
// ErrInvalidJSON.
func EncodeJSON(v any) ([]byte, error) {
	if err := jsonTree(v, 0); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// jsonTree checks that v holds only the types of a decoded tree, which
// encoding/json writes as they were read; anything else (a float64, a
// struct) it would write in its own way.
func jsonTree(v any, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: nested deeper than %d levels", ErrInvalidJSON, MaxDepth)
	}
	switch x := v.(type) {
	case nil, bool, string, json.Number:
		return nil
	case []any:
		for _, e := range x {
			if err := jsonTree(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for _, e := range x {
			if err := jsonTree(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%w: %T is not a decoded value", ErrInvalidJSON, v)
}
