package validator

import (
	"errors"

	"github.com/lexval/lexval/lexdoc"
)

// Sentinel errors; callers test them with errors.Is.
var (
	// ErrNotFound: the catalog has no such lexicon or definition. It is
	// lexdoc.ErrNotFound, so either name matches.
	ErrNotFound = lexdoc.ErrNotFound
	// ErrNoTarget: the definition has no such target (e.g. input of a query).
	ErrNoTarget = errors.New("no such target")
	// ErrAmbiguousTarget: no target was given and the definition has several.
	ErrAmbiguousTarget = errors.New("ambiguous target")
	// ErrInvalidLexicon: a lexicon document cannot be parsed or compiled.
	// It is lexdoc.ErrInvalidLexicon, so either name matches.
	ErrInvalidLexicon = lexdoc.ErrInvalidLexicon
)
