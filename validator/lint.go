package validator

// Lint checks a lexicon document (decoded by DecodeJSON) against every
// authoring rule of the Lexicon specification: lexicon is 1, id is an NSID,
// primary types only as main, min <= max, known types and formats, union refs
// point at objects or records, every ref resolvable in cat or reported. The
// document itself counts as part of the catalog. An empty result means clean.
// Errors are sorted by path.
func Lint(doc any, cat *Catalog) []Error {
	panic("TODO(validator lint)")
}
