package datamodel

import (
	"crypto/sha256"
	"fmt"
	"maps"

	"github.com/fxamacker/cbor/v2"
	"github.com/ipfs/go-cid"
	"github.com/multiformats/go-multihash"
)

// dagCBOR encodes with the DAG-CBOR (DRISL) normalisation: map keys sorted by
// length then bytewise, definite lengths only. Integers are always minimal in
// this library, and the values handed to it never contain floats (toCBOR
// rejects them), so no float option matters.
var dagCBOR = func() cbor.EncMode {
	em, err := cbor.EncOptions{
		Sort:        cbor.SortLengthFirst,
		IndefLength: cbor.IndefLengthForbidden,
		TagsMd:      cbor.TagsAllowed,
		String:      cbor.StringToTextString,
	}.EncMode()
	if err != nil {
		panic(fmt.Sprintf("datamodel: DAG-CBOR encoder options: %v", err))
	}
	return em
}()

// EncodeDAGCBOR encodes a value decoded by DecodeJSON as DAG-CBOR:
// map keys sorted by length then bytewise, minimal integers, {"$link": …} as
// tag 42, {"$bytes": …} as a byte string, no floats. Values outside the data
// model are errors.
//
// Integer-valued numbers written with a fraction or exponent ("123.0", "1e2")
// are integers; anything else with a fraction is a float and an error, as is
// an integer outside the signed 64-bit range. Besides the types DecodeJSON
// produces, int and int64 are accepted. Errors are *ValueError naming
// the first value that cannot be encoded; RecordCID checks every data model
// rule first and reports every problem.
func EncodeDAGCBOR(v any) ([]byte, error) {
	return encode(v, false)
}

// encode is EncodeDAGCBOR; withSchemaType, v must be an object without
// $type, and is encoded as if it had "$type": SchemaCollection, without a
// copy of v made for the purpose.
func encode(v any, withSchemaType bool) ([]byte, error) {
	c, changed, err := toCBOR(v, 0)
	if err != nil {
		if e, ok := err.(*encodeError); ok {
			return nil, e.valueError()
		}
		return nil, err
	}
	if withSchemaType {
		m := c.(map[string]any)
		if !changed { // c is v itself
			m = maps.Clone(m)
		}
		m["$type"] = string(SchemaCollection) // a constant: boxing it is free
		c = m
	}
	b, err := dagCBOR.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode DAG-CBOR: %w", err)
	}
	return b, nil
}

// RecordCID returns the CID (v1, dag-cbor, sha2-256) of v's DAG-CBOR encoding.
// v must be a record: a JSON object within the data model (CheckRecord).
// Errors are *ValueError listing every problem.
func RecordCID(v any) (cid.Cid, error) {
	return recordCID(v, false)
}

// recordCID is RecordCID; withSchemaType, of v (an object without $type)
// with "$type": SchemaCollection added.
func recordCID(v any, withSchemaType bool) (cid.Cid, error) {
	// Paths and messages are collected only for a record that needs them.
	// A $type that is a non-empty string is within the data model, so
	// checking v without it is checking the record.
	if !ValidRecord(v) {
		if ps := CheckRecord(v); len(ps) > 0 {
			return cid.Undef, &ValueError{Problems: ps}
		}
	}
	b, err := encode(v, withSchemaType)
	if err != nil {
		return cid.Undef, err
	}
	return blockCID(b), nil
}

// blockCID is the CIDv1 (dag-cbor, sha2-256) of DAG-CBOR bytes.
func blockCID(block []byte) cid.Cid {
	sum := sha256.Sum256(block)
	mh, err := multihash.Encode(sum[:], multihash.SHA2_256)
	if err != nil {
		// Encode fails only for unknown codes or a wrong digest length;
		// both are constants here.
		panic(fmt.Sprintf("datamodel: multihash: %v", err))
	}
	return cid.NewCidV1(cid.DagCBOR, mh)
}

// ParseCID parses a CID that a user wrote (a pin, say). Its error says what
// a CID looks like, where go-cid's speak of varints and multibase.
func ParseCID(s string) (cid.Cid, error) {
	c, err := cid.Decode(s)
	if err != nil {
		return cid.Undef, fmt.Errorf("%q is not a CID (a CIDv1 in base32, such as bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne)", s)
	}
	return c, nil
}
