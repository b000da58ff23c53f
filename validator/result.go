package validator

import "github.com/lexval/lexval/lexdoc"

// Result is the verdict on one value. Valid with a non-empty Unresolved
// means "valid, except for what could not be checked".
type Result struct {
	Valid      bool         `json:"valid"`
	Errors     []Error      `json:"errors"`
	Unresolved []Unresolved `json:"unresolved"`
}

// Error is one rule that a value breaks.
type Error struct {
	// Path is the JSON Pointer (RFC 6901) of the offending value, "" for the
	// whole value; for a missing required field it is the field's pointer.
	Path string `json:"path"`
	// Message says what is wrong in Lexicon terms, e.g.
	// "text is 320 graphemes, maximum 300".
	Message string `json:"message"`
	// SchemaPath is the lexicon location of the rule, e.g.
	// "app.bsky.feed.post#main/properties/text": the definition, then the
	// path inside it, with a record's "record" and a body's "schema" left
	// out ("nsid#main/output/properties/did"); "/required" for a field
	// missing from the lexicon's required list, but the node itself for a
	// $type, $bytes or $link that its type requires (a record, a union
	// variant, bytes, a link). It is empty for data-model rules (no floats,
	// well-formed $bytes, $link and blobs, $type a non-empty string), which
	// hold everywhere.
	SchemaPath string `json:"schemaPath"`
}

// Unresolved is a reference the catalog could not supply, reached by a value:
// Ref is the missing reference in $type form ("com.example.video" for
// com.example.video#main), Path the JSON Pointer of the value the reference
// governs, SchemaPath the lexicon location where the reference is written.
// It is lexdoc's type, which lint uses for the references of a document.
type Unresolved = lexdoc.Unresolved
