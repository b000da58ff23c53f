package lexdoc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lexval/lexval/datamodel"
)

// Limits on the size of a lexicon. The specification sets none; these keep
// the cost of parsing, linting and compiling a document in proportion to its
// size, and sit far above every published lexicon: the 402 of the atproto
// repository have at most 61 definitions, 36 properties in an object, 30
// refs in a union, 314 schemas in a document, locations 73 bytes long and
// chains of references through 20 definitions (TestLimitsCorpus measures
// them).
//
// ParseDocument refuses a document over any of the first five, with an
// error that wraps ErrLimit; Lint reports each with its numbers and a rule
// name; the validator refuses to compile a definition whose references chain
// deeper than MaxRefDepth.
const (
	// MaxDefinitions bounds the definitions of one document.
	MaxDefinitions = 1000
	// MaxProperties bounds the properties of one object or params schema.
	MaxProperties = 1000
	// MaxUnionRefs bounds the refs of one union.
	MaxUnionRefs = 1000
	// MaxSchemas bounds the schema objects of one document: definitions,
	// properties, items, record, parameter and body schemas, permissions.
	MaxSchemas = 10_000
	// MaxLocation bounds the JSON Pointer of every schema object in its
	// document, in bytes: every schema knows where it is written (for
	// errors), so long names nested deep would cost their length for every
	// schema below them.
	MaxLocation = 1024
	// MaxRefDepth bounds how many definitions a chain of references (refs
	// and union refs) may pass through (Catalog.RefDepth); definitions that
	// refer to each other in a cycle count once each.
	MaxRefDepth = 128
)

// pollEvery is how many schemas Lint walks between looks at its context.
const pollEvery = 64

// ErrLimit: a lexicon is over one of the limits above. Errors that wrap it
// wrap ErrInvalidLexicon too.
var ErrLimit = errors.New("lexicon over a size limit")

// Rule names of the limit findings, stable for tools that filter them.
const (
	RuleMaxDefinitions = "max-definitions"
	RuleMaxProperties  = "max-properties"
	RuleMaxUnionRefs   = "max-union-refs"
	RuleMaxSchemas     = "max-schemas"
	RuleMaxLocation    = "max-location"
	RuleMaxRefDepth    = "max-ref-depth"
)

// overLimit is one limit a document breaks.
type overLimit struct {
	path    string // JSON Pointer in the document
	def     string // the definition it is in, "" for the document's own
	rule    string
	message string
}

// countWords writes n with thousands separators, as the limits are written
// in messages ("6,000 definitions, more than the 1,000 ...").
func countWords(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func limitMessage(what string, n int, noun string, max int, holder string) string {
	return fmt.Sprintf("%s has %s %s, more than the %s %s may have", what, countWords(n), noun, countWords(max), holder)
}

// sizes are the largest sizes of a document that the limits bound.
type sizes struct {
	definitions, schemas         int
	properties, unionRefs, where int // where: the longest location
}

// sizeLimits walks the definitions of a decoded document (its "defs" member)
// and calls over for every limit but MaxRefDepth that it breaks; it returns
// the sizes it met. It reads the raw tree, so that Lint reports the limits
// of a document that does not parse, and the parser refuses a document
// before building anything of it. Schemas are found by the members that
// hold them whatever their type says, so that nothing large hides under a
// wrong type. A schema whose location is too long is reported at its
// parent, and not walked.
func sizeLimits(defs map[string]any, over func(overLimit)) sizes {
	if len(defs) > MaxDefinitions {
		over(overLimit{"/defs", "", RuleMaxDefinitions, limitMessage("defs", len(defs), "definitions", MaxDefinitions, "a lexicon")})
	}
	w := limitWalker{over: over, sizes: sizes{definitions: len(defs)}}
	for name, d := range defs {
		// Definition names are at most 128 characters (ValidDefName) and
		// parsing refuses longer ones.
		w.def = name
		w.schema(member("/defs", name), d)
	}
	if w.schemas > MaxSchemas {
		over(overLimit{"/defs", "", RuleMaxSchemas, limitMessage("the document", w.schemas, "schemas", MaxSchemas, "a lexicon")})
	}
	return w.sizes
}

type limitWalker struct {
	over func(overLimit)
	def  string
	sizes
}

func (w *limitWalker) schema(path string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	w.schemas++
	w.where = max(w.where, len(path))
	tooLong := false
	child := func(c any, tokens ...string) {
		n := len(path)
		for _, t := range tokens {
			n += 1 + len(t)
		}
		if n > MaxLocation {
			if !tooLong {
				tooLong = true
				w.over(overLimit{path, w.def, RuleMaxLocation, fmt.Sprintf("a schema inside it is written %s bytes deep into the document (its JSON Pointer), more than the %s a schema's location may be: use shorter names or nest less", countWords(n), countWords(MaxLocation))})
			}
			return
		}
		p := path
		for _, t := range tokens {
			p += "/" + t
		}
		w.schema(p, c)
	}
	for _, key := range []string{"record", "parameters", "items"} {
		if c, ok := m[key]; ok {
			child(c, key)
		}
	}
	for _, key := range []string{"input", "output", "message"} {
		if b, ok := m[key].(map[string]any); ok {
			if c, ok := b["schema"]; ok {
				child(c, key, "schema")
			}
		}
	}
	if props, ok := m["properties"].(map[string]any); ok {
		w.properties = max(w.properties, len(props))
		if len(props) > MaxProperties {
			w.over(overLimit{member(path, "properties"), w.def, RuleMaxProperties, limitMessage("properties", len(props), "entries", MaxProperties, "an object")})
		}
		for name, c := range props {
			child(c, "properties", datamodel.EscapePointerToken(name))
		}
	}
	if refs, ok := m["refs"].([]any); ok {
		w.unionRefs = max(w.unionRefs, len(refs))
		if len(refs) > MaxUnionRefs {
			w.over(overLimit{member(path, "refs"), w.def, RuleMaxUnionRefs, limitMessage("refs", len(refs), "entries", MaxUnionRefs, "a union")})
		}
	}
	if perms, ok := m["permissions"].([]any); ok {
		for i, c := range perms {
			child(c, "permissions", strconv.Itoa(i))
		}
	}
}

// limitError is the parser's error for the first limit a document breaks,
// nil when it breaks none.
func limitError(id string, defs map[string]any) error {
	var first *overLimit
	sizeLimits(defs, func(o overLimit) {
		if first == nil || datamodel.ComparePointers(o.path, first.path) < 0 {
			first = &o
		}
	})
	if first == nil {
		return nil
	}
	return fmt.Errorf("%w: %w: %s: %s: %s", ErrInvalidLexicon, ErrLimit, id, first.path, first.message)
}
