package validator

import "errors"

// Sentinel errors; callers test them with errors.Is.
var (
	// ErrNotFound: the catalog has no such lexicon or definition.
	ErrNotFound = errors.New("lexicon definition not found")
	// ErrNoTarget: the definition has no such target (e.g. input of a query).
	ErrNoTarget = errors.New("no such target")
	// ErrAmbiguousTarget: no target was given and the definition has several.
	ErrAmbiguousTarget = errors.New("ambiguous target")
	// ErrInvalidLexicon: a lexicon document cannot be parsed or compiled.
	ErrInvalidLexicon = errors.New("invalid lexicon")
)
