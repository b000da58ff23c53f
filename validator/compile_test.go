package validator

import (
	"errors"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

// TestCompileErrorInLexiconTerms: a lexicon that parses but that v5 cannot
// compile fails with ErrInvalidLexicon, in lexicon terms, with no v5 error
// (nor its words) for callers to see.
func TestCompileErrorInLexiconTerms(t *testing.T) {
	doc := lexicontest.Parse(t, `{"lexicon":1,"id":"com.example.loop","defs":{
	  "main":{"type":"record","key":"tid","record":{"type":"object","properties":{"a":{"type":"ref","ref":"#a"}}}},
	  "a":{"type":"ref","ref":"#a"}}}`)
	_, err := NewCompiler(lexdoc.NewCatalog(doc)).Compile(lexdoc.DefRef{NSID: doc.ID, Name: "main"}, TargetRecord, Options{})
	if !errors.Is(err, ErrInvalidLexicon) {
		t.Fatalf("got %v, want an error wrapping ErrInvalidLexicon", err)
	}
	var schemaErr *jsonschema.SchemaError
	var loop jsonschema.InfiniteLoopError
	if errors.As(err, &schemaErr) || errors.As(err, &loop) {
		t.Errorf("got %v, which wraps a jsonschema error", err)
	}
	want := "com.example.loop (record) cannot be compiled: its references lead back to themselves"
	if msg := err.Error(); !strings.Contains(msg, want) || strings.Contains(msg, "urn:") || strings.Contains(msg, "jsonschema") {
		t.Errorf("got %q, want it to say %q and nothing of JSON Schema", msg, want)
	}
}
