package validator

import (
	"unicode/utf8"

	"github.com/lexval/lexval/lexdoc"
)

// Result is the verdict on one value. Valid with a non-empty Unresolved
// means "valid, except for what could not be checked".
type Result struct {
	Valid      bool         `json:"valid"`
	Errors     []Error      `json:"errors"`
	Unresolved []Unresolved `json:"unresolved"`
	// ErrorsTruncated says that the explanation stopped at its Limits:
	// Errors and Unresolved hold the first entries only (the ones an
	// explanation without limits lists first).
	ErrorsTruncated bool `json:"errorsTruncated,omitempty"`
	// ErrorCount, set when ErrorsTruncated, is the number of errors found: those
	// listed, and past the limits at least one for each further value (JSON
	// Pointer) at fault. It is a lower bound on the errors an explanation
	// without limits lists.
	ErrorCount int `json:"errorCount,omitempty"`
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

// EntrySize is the size in bytes of the JSON encoding/json writes for one
// Error, or, with unresolved set, one Unresolved (ref being message), in a
// list: fields, quotes, escapes (HTML-safe, as encoding/json escapes by
// default) and the comma after it. Limits.MaxBytes counts these.
func EntrySize(path, message, schemaPath string, unresolved bool) int {
	// {"path":"","message":"","schemaPath":""}, and
	// {"ref":"","path":"","schemaPath":""},
	const errorFixed, unresolvedFixed = 41, 37
	n := errorFixed
	if unresolved {
		n = unresolvedFixed
	}
	return n + jsonStringSize(path) + jsonStringSize(message) + jsonStringSize(schemaPath)
}

// jsonStringSize is the length of s as a JSON string, quotes left out, as
// encoding/json writes it.
func jsonStringSize(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
				n += 2
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				n += 6 // \u00XX
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1, r == '\u2028', r == '\u2029':
			n += 6 // \ufffd, \u2028, \u2029
		default:
			n += size
		}
		i += size
	}
	return n
}
