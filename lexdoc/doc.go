// Package lexdoc is lexicon documents as a public model: parsing a document
// into one exported type per definition kind, references between
// definitions, the Catalog of documents that resolves them, Lint, the
// authoring rules a document must meet, and Compare and Diff, what changed
// between two versions.
//
// # The model
//
// A Document holds its definitions (Defs) as Schemas: *Record, *Query,
// *Procedure, *Subscription and *PermissionSet for the primary types, and
// *Object, *Params, *Array, *String, *Integer, *Boolean, *Bytes, *CIDLink,
// *Blob, *Token, *Ref, *Union, *Unknown and *Permission for the rest. Each
// keeps every constraint of its type (Optional says whether the document
// sets one), its description, and its Location: the JSON Pointer of the
// schema in the document, and the "nsid#def/path" form that validation
// errors give as SchemaPath. Documents, schemas and catalogs are immutable
// once built and safe to share between goroutines; Document.WithCID returns
// a copy that knows the CID of the record that published it.
//
// ParseDocument checks what compiling needs, so that a document parses
// exactly when the validator can compile it; fields compiling does not need
// (the errors of endpoints, permission sets) are read leniently. Type says
// what each Lexicon type may be (IsPrimary, HasDataForm, IsVariant, IsParam),
// for the parser, the validator and Lint alike.
//
// # Lint
//
// Lint checks a decoded document, not a Document, so that it reports every
// problem of one that does not parse. Its Findings carry a Path (a JSON
// Pointer into the document), a Message, the definition they belong to, the
// Rule broken and its Severity. One table (LintRules, in lint_rules.go)
// names every rule: the specification's are errors, the style rules
// warnings or information, and only errors make a document invalid;
// LintOptions leave out rules (Ignore) or severities (MinSeverity). The
// Lexicon string formats
// (CheckFormat, FormatChecker), grapheme counting and string lengths
// (StringLengths.CheckLength) and record keys (Record.CheckKey) are here
// because the specification defines them for lexicons: Lint checks a
// const or default with them, and the validator checks values with the
// same code.
//
// # Limits
//
// A document has at most MaxDefinitions definitions, MaxProperties
// properties in an object, MaxUnionRefs refs in a union, MaxSchemas schemas
// and MaxLocation bytes in the location of any schema: ParseDocument refuses
// one over them (ErrLimit) and Lint reports each with its numbers and a rule
// name. Catalog.RefDepth measures chains of references, which MaxRefDepth
// bounds. LintContext stops with its context.
//
// # Versions
//
// Compare and CompareSets tell what changed between two versions of a
// lexicon (or of a set of them) that breaks data, by the specification's
// Lexicon Evolution principle: each Change names its rule (ChangeRules, in
// change_rules.go), which data breaks (Direction: old data under the new
// version, new data under the old one, or both), its Severity (a tightening
// is an error; a loosening, which breaks old readers, takes the severity
// the author chooses) and where (a JSON Pointer into the new version, or
// the old one for what was removed). References are followed into the
// definitions they name, through a catalog for each side. Diff and
// DiffSets list every difference by definition and field, breaking or not,
// for changelogs and review.
//
// # What it must not know
//
// lexdoc imports only package datamodel of lexval (and indigo's syntax). It
// knows nothing of JSON Schema, of how a value is validated against a
// definition (package validator compiles the model for that), of HTTP, or of
// where documents come from (sources are package resolver's, which parses
// the records they find with lexdoc).
//
// Specification: https://atproto.com/specs/lexicon
package lexdoc
