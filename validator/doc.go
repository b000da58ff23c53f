// Package validator compiles Lexicon documents to JSON Schema, runs them on
// github.com/santhosh-tekuri/jsonschema/v5, and reports every error in a value
// with its JSON Pointer, a message in Lexicon terms and the lexicon location
// that made the rule.
//
// Lexicon rules that JSON Schema lacks (UTF-8 byte lengths, graphemes, atproto
// string formats, unions keyed by $type, blobs, bytes, cid-links) become custom
// formats and keywords registered on each compiler, never globally.
//
// The package knows nothing of HTTP and nothing of where lexicons come from: it
// receives documents (from the resolver, or a directory) and gathers them in an
// immutable Catalog. A Compiler turns a definition of the catalog and a Target
// into an immutable Schema that many goroutines may use at once.
//
// Specification: https://atproto.com/specs/lexicon and https://atproto.com/specs/data-model
package validator
