package lexdoc

import (
	"cmp"
	"slices"
	"strings"

	"github.com/lexval/lexval/datamodel"
)

// Finding is one problem Lint finds in a document.
type Finding struct {
	// Path is the JSON Pointer (RFC 6901) of the offending member of the
	// document; for a missing field, the pointer it would have.
	Path string `json:"path"`
	// Message says what is wrong and, where it helps, how to fix it.
	Message string `json:"message"`
	// SchemaPath is the definition the member belongs to
	// ("com.example.post#main"); "" for the document's own fields, and in a
	// document without a valid id.
	SchemaPath string `json:"schemaPath"`
	// Rule names the rule broken (LintRules) and Severity says how much it
	// matters: the specification's rules (and fields no type defines) are
	// errors, the style rules warnings or information. Only errors make a
	// document invalid (HasErrors).
	Rule     string   `json:"rule,omitempty"`
	Severity Severity `json:"severity,omitempty"`
}

// Severity says how much a Finding matters; empty means an error.
type Severity string

// Severities, most severe first.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// Unresolved is a reference that could not be resolved where it is needed:
// Lint lists those of a document under LintOptions.AllowUnresolved, and the
// validator those a value reaches.
type Unresolved struct {
	// Ref is the missing reference in $type form ("com.example.video",
	// "com.example.defs#view").
	Ref string `json:"ref"`
	// Path is the JSON Pointer of what the reference governs: in a document,
	// the reference string itself; in a value, the value it describes.
	Path string `json:"path"`
	// SchemaPath is the lexicon location where the reference is written.
	SchemaPath string `json:"schemaPath"`
}

// sortFindings sorts by path, then message, then schema path, and drops
// exact duplicates in place.
func sortFindings(fs []Finding) []Finding {
	slices.SortFunc(fs, func(a, b Finding) int {
		return cmp.Or(datamodel.ComparePointers(a.Path, b.Path), strings.Compare(a.Message, b.Message), strings.Compare(a.SchemaPath, b.SchemaPath))
	})
	return slices.Compact(fs)
}

// SortUnresolved sorts by path, then reference, then schema path, and drops
// exact duplicates in place.
func SortUnresolved(us []Unresolved) []Unresolved {
	slices.SortFunc(us, func(a, b Unresolved) int {
		return cmp.Or(datamodel.ComparePointers(a.Path, b.Path), strings.Compare(a.Ref, b.Ref), strings.Compare(a.SchemaPath, b.SchemaPath))
	})
	return slices.Compact(us)
}
