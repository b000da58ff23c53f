// Package validator compiles Lexicon documents to JSON Schema, runs them on
// github.com/santhosh-tekuri/jsonschema/v5, and reports every error in a value
// with its JSON Pointer, a message in Lexicon terms and the lexicon location
// that made the rule.
//
// It reads documents through package lexdoc's model (a lexdoc.Catalog of
// parsed documents) and values through package datamodel, and imports no
// other lexval package. It is the only package that imports jsonschema/v5:
// nothing of JSON Schema (its errors included) leaves it. It knows nothing
// of HTTP and nothing of where lexicons come from (resolver's sources), and
// does not parse or lint documents (lexdoc does). A Compiler turns a
// definition of the catalog and a Target into an immutable Schema that many
// goroutines may use at once.
//
// # Compiling
//
// Each definition+target becomes one JSON Schema (draft 2020-12) document,
// which Schema.JSONSchema returns. Standard keywords carry what JSON Schema can
// say (type, properties, required, items, minItems/maxItems, minimum/maximum,
// enum, const, format); one custom keyword, "lexicon", holds the rest in
// Lexicon terms: UTF-8 byte lengths, graphemes, bytes, blobs, unknown, unions
// keyed by $type, references the catalog lacks. Formats and the keyword are
// registered on each compiler, never globally, and the translator refuses
// format names Lexicon does not define (v5 would ignore them). A definition
// used once is inlined where it is used; shared or recursive ones and union
// variants live in $defs. Lexicon defects met while compiling (an unknown
// format, a ref to a token or a query, an empty closed union, a parameter that
// is an object, a subscription message that is no union) fail the compile
// with ErrInvalidLexicon; lexdoc.Lint reports every authoring rule. In one place
// the compiler is the more lenient: a parameter of type unknown (or an array
// of unknown) breaks the spec's rule that params hold only booleans, integers,
// strings and arrays of those, and lexdoc.Lint reports it, but @atproto/lexicon
// accepts it, so a published lexicon may have one (the atproto repository's
// do not), and it compiles, so that its values are still checked.
//
// Compiling costs about linear time in the definitions reached: v5 gets the
// translation as several resources of bounded size and depth (see
// translate.go), a definition whose references chain deeper than
// lexdoc.MaxRefDepth is refused before it is translated, and a translation
// is at most 20,000 schema objects. CompileContext stops translating and
// compiling when its context ends; a compile several callers wait for stops
// when the last of them leaves, and a CompileGate shared by compilers bounds
// how many run at once.
//
// # Validating
//
// A value, decoded by datamodel.DecodeJSON, goes through two steps. The
// data-model check (datamodel.Valid) judges the whole value whatever the
// lexicon says (no floats, 64-bit integers, well-formed $bytes, $link and
// blob objects, $type a non-empty string), inside unknown and undeclared
// fields too, and a fast path evaluates the compiled v5 schemas without
// allocating: a valid value is accepted there (Schema.Valid). Anything else
// is explained (explain.go): the value is walked in the order errors are
// listed (by path, then message), each compiled schema that applies to a
// part of it is judged on its own keywords by the fast path, v5 itself
// explains the ones that fail, one schema and one value at a time, and each
// v5 error is worded from the lexicon node it belongs to; the data model's
// problems are found on the same walk, and values it marks unsafe never
// reach v5. So Schema.Explain can stop at Limits (errors listed, their size)
// and at the end of a context, listing the first errors of the full list and
// counting the rest cheaply; Schema.Validate lists every error.
//
// Open unions check an unlisted $type against the catalog when it knows it
// (compiled on first use) and accept types it does not know, provided the
// $type names a definition (an NSID, optionally with #name): only such a type
// can be listed by a later revision. Closed unions refuse unlisted types.
//
// $type is compared with a definition only where it discriminates: a
// record's $type is its NSID, a union variant's names the variant. An object
// reached by a plain ref may carry a $type too; the spec says it "should not
// be included" there and that unexpected fields "should be ignored", so it is
// not compared with the ref (it must still be a non-empty string, as
// everywhere).
//
// A reference the catalog cannot supply is judged per value: it matters only
// when the value reaches it, and is then an error, or, with
// Options.AllowUnresolved, an entry in Result.Unresolved.
//
// # What it leaves to others
//
// The string formats, grapheme counting and record keys are lexdoc's
// (lexdoc.FormatChecker, lexdoc.StringLengths, lexdoc.Record.CheckKey), so
// that linting a document and validating a value share one implementation.
// Decoding, the data model, kinds and numbers are package datamodel's: the
// validator knows the data model only through it.
//
// Specification: https://atproto.com/specs/lexicon and https://atproto.com/specs/data-model
package validator
