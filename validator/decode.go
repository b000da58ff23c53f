package validator

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// MaxDepth bounds the nesting of arrays and objects in decoded values.
const MaxDepth = 128

// DecodeJSON decodes one JSON value into the tree the validator works on:
// map[string]any, []any, string, json.Number, bool and nil. Integers keep
// every digit (no float64 rounding). Errors wrap ErrInvalidJSON.
//
// TODO(validator): choose the decoder on evidence (benchmarks), reject invalid
// UTF-8, lone surrogates, duplicate keys, nesting deeper than MaxDepth.
func DecodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidJSON, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data after the value", ErrInvalidJSON)
	}
	return v, nil
}
