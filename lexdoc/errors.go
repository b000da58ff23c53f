package lexdoc

import "errors"

// Sentinel errors; callers test them with errors.Is.
var (
	// ErrInvalidLexicon: a lexicon document cannot be parsed (or, as the
	// validator reports it, compiled).
	ErrInvalidLexicon = errors.New("invalid lexicon")
	// ErrNotFound: a catalog has no such lexicon or definition.
	ErrNotFound = errors.New("lexicon definition not found")
)
