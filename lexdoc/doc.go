// Package lexdoc is lexicon documents as a public model: parsing a document
// into one exported type per definition kind, references between
// definitions, and the Catalog of documents that resolves them.
//
// A Document holds its definitions (Defs) as Schemas: *Record, *Query,
// *Procedure, *Subscription and *PermissionSet for the primary types, and
// *Object, *Params, *Array, *String, *Integer, *Boolean, *Bytes, *CIDLink,
// *Blob, *Token, *Ref, *Union, *Unknown and *Permission for the rest. Each
// keeps every constraint of its type, its description, and its Location in
// the document: the JSON Pointer, and the "nsid#def/path" form validation
// errors give. Documents, schemas and catalogs are immutable once built and
// safe to share between goroutines.
//
// ParseDocument checks what compiling needs: a document parses exactly when
// the validator can compile it.
//
// lexdoc imports only package datamodel of lexval (and indigo's syntax). It
// knows nothing of JSON Schema, of validating values, of HTTP, or of where
// documents come from (resolver's sources): the validator compiles its
// model, the resolver parses the records it fetches with it.
//
// Specification: https://atproto.com/specs/lexicon
package lexdoc
