package resolver

import "github.com/ipfs/go-cid"

// EncodeDAGCBOR encodes a value decoded by validator.DecodeJSON as DAG-CBOR:
// map keys sorted by length then bytewise, minimal integers, {"$link": …} as
// tag 42, {"$bytes": …} as a byte string, no floats. Values outside the data
// model are errors.
func EncodeDAGCBOR(v any) ([]byte, error) {
	panic("TODO(resolver)")
}

// RecordCID returns the CID (v1, dag-cbor, sha2-256) of v's DAG-CBOR encoding.
func RecordCID(v any) (cid.Cid, error) {
	panic("TODO(resolver)")
}
