package validator

import (
	"github.com/bluesky-social/indigo/atproto/syntax"
)

// Document is a parsed lexicon document. It is immutable once parsed.
type Document struct {
	Lexicon     int
	ID          syntax.NSID
	Description string
	// Defs by name.
	Defs map[string]*Def
	// CID is the CID of the published schema record when known (set by the
	// caller before building a Catalog); it is part of compiled schemas'
	// identity.
	CID string
	// TODO(validator): unexported parsed form
}

// Def is one definition of a lexicon document.
type Def struct {
	Name        string
	Type        string // "record", "query", "object", "string", ...
	Description string
	// TODO(validator): unexported parsed schema
}

// ParseDocument parses a lexicon document from JSON. A "$type" field (as in
// published com.atproto.lexicon.schema records) is ignored. It checks the
// structure needed to compile; Lint checks every authoring rule.
func ParseDocument(data []byte) (*Document, error) {
	panic("TODO(validator)")
}

// NewDocument is ParseDocument on an already decoded JSON object.
func NewDocument(v map[string]any) (*Document, error) {
	panic("TODO(validator)")
}

// References returns the other lexicons this document references (refs and
// union refs), sorted and without duplicates.
func (d *Document) References() []syntax.NSID {
	panic("TODO(validator)")
}

// Targets returns the targets the named definition offers, in the order
// record, params, input, output, message, object.
func (d *Document) Targets(name string) []Target {
	panic("TODO(validator)")
}
