// Package datamodel is the atproto data model as lexval reads it: JSON text
// decoded strictly, the values it may hold, their DAG-CBOR encoding and CIDs.
// Every other lexval package builds on it; it imports none of them.
//
// DecodeJSON is the decoder for every JSON value a user sends, in every
// package (DecodeJSONString is the same decoder for text held as a string,
// decoded in place). It is stricter than encoding/json (invalid UTF-8, lone
// surrogates, duplicate keys, a byte order mark and trailing data are
// errors, nesting is bounded by MaxDepth) so that the value judged is the
// value sent, and it keeps numbers as text, so that the data model, not the
// decoder, decides what is an integer. Its errors are *JSONError, with the
// position and one sentinel for the kind of failure (ErrDuplicateKey,
// ErrLoneSurrogate, ErrTooDeep, ...) beside ErrInvalidJSON: callers use
// errors.Is and errors.As, never the message.
//
// DecodeJSONFlat is the same decoder building each object as an Object (its
// members in one slice, in input order) rather than a map: for values that
// go to the validator's fast path, which reads them without a map. Maps
// turns such a tree into the map tree everything else reads; Field and
// ObjectLen read an object of either form.
//
// ClassifyNumber is the one reading of JSON number text: the data model has
// 64-bit integers and no floats, 123.0 and 1e2 are integers, and nothing is
// evaluated through float64 or big numbers. KindOf and Describe word a
// value's kind and the value itself, so that every package's messages read
// alike.
//
// Check and Valid judge a decoded value against the data model whatever
// lexicon applies (integers, UTF-8, $bytes, $link and blob objects with
// blessed CIDs, $type a non-empty string); CheckRecord and ValidRecord add
// that a record is an object. Valid allocates nothing, so the report is built
// only for invalid values; Check also marks the values a schema evaluator
// must not see (Report.Unsafe). EncodeDAGCBOR and RecordCID give a record's
// bytes and CID (v1, dag-cbor, sha2-256), and PublishLexicon the record, CID
// and JSON of a lexicon document once published as a
// com.atproto.lexicon.schema record.
//
// DecodeDAGCBOR is the way back: a record block, as a repository holds it,
// decoded strictly (canonical DAG-CBOR only, nothing the data model lacks;
// errors are *CBORError with a kind) into the very tree DecodeJSON builds
// from the record's JSON, links as {"$link"} and bytes as {"$bytes"}; and
// EncodeJSON writes such a tree as JSON text. A record proven from its
// repository is thus shown, and validated, as the bytes its CID names.
//
// The package must know nothing of lexicons beyond that collection name:
// not their definitions, validation or lint (PublishLexicon treats a
// document as any object). Nor of where values and schemas come from (files,
// the network, a store), nor of HTTP.
//
// Specification: https://atproto.com/specs/data-model
package datamodel
