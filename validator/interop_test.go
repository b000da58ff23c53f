package validator

import (
	"os"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/reference"
	"github.com/lexval/lexval/lexdoc"
)

// readFixture decodes an interop fixture file with datamodel.DecodeJSON, so numbers keep
// their exact text.
func readFixture(t *testing.T, elem ...string) []any {
	t.Helper()
	data, err := os.ReadFile(reference.Path(t, append([]string{"atproto", "interop-tests"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	v, err := datamodel.DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	cases, ok := v.([]any)
	if !ok {
		t.Fatalf("fixture %v is not an array", elem)
	}
	return cases
}

func TestInteropRecordData(t *testing.T) {
	c := NewCompiler(interopCatalog(t))
	s, err := c.Compile(lexdoc.DefRef{NSID: "example.lexicon.record", Name: "main"}, TargetRecord, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []struct {
		name  string
		valid bool
	}{{"record-data-valid.json", true}, {"record-data-invalid.json", false}} {
		t.Run(file.name, func(t *testing.T) {
			for i, raw := range readFixture(t, "lexicon", file.name) {
				tc := raw.(map[string]any)
				name, _ := tc["name"].(string)
				t.Run(name, func(t *testing.T) {
					r := s.Validate(tc["data"])
					checkFastAgrees(t, s, tc["data"])
					if r.Valid != file.valid {
						t.Errorf("case %d: got valid=%v, want %v; errors: %v", i, r.Valid, file.valid, r.Errors)
					}
					if !file.valid && len(r.Errors) == 0 {
						t.Errorf("case %d: invalid without errors", i)
					}
					if rkey, ok := tc["rkey"].(string); ok {
						if err := s.CheckRecordKey(rkey); err != nil {
							t.Errorf("CheckRecordKey(%q): %v", rkey, err)
						}
					}
					for _, e := range r.Errors {
						t.Logf("%s: %s (%s)", e.Path, e.Message, e.SchemaPath)
					}
				})
			}
		})
	}
}

// TestInteropCatalog compiles every target the interop catalog offers, and
// parses the lexicon-valid documents (authoring rules are Lint's).
func TestInteropCatalog(t *testing.T) {
	cat := interopCatalog(t)
	c := NewCompiler(cat)
	for _, doc := range cat.Documents() {
		for name := range doc.Defs {
			ref := lexdoc.DefRef{NSID: doc.ID, Name: name}
			for _, target := range Targets(doc, name) {
				t.Run(ref.String()+"/"+string(target), func(t *testing.T) {
					if _, err := c.Compile(ref, target, Options{}); err != nil {
						t.Errorf("Compile: %v", err)
					}
				})
			}
		}
	}
	for _, raw := range readFixture(t, "lexicon", "lexicon-valid.json") {
		tc := raw.(map[string]any)
		name, _ := tc["name"].(string)
		t.Run("lexicon-valid/"+name, func(t *testing.T) {
			m, _ := tc["lexicon"].(map[string]any)
			if _, err := lexdoc.NewDocument(m); err != nil {
				t.Errorf("lexdoc.NewDocument: %v", err)
			}
		})
	}
}

// TestInteropTargets validates small values against the query, procedure and
// subscription fixtures; the procedure's input refers to a lexicon the
// catalog lacks, which only matters when a value reaches it.
func TestInteropTargets(t *testing.T) {
	c := NewCompiler(interopCatalog(t))
	tests := []struct {
		name, def  string
		target     Target
		opts       Options
		value      string
		valid      bool
		unresolved int
	}{
		{"query params", "example.lexicon.query", TargetParams, Options{}, `{"boolean": true, "integer": 1, "stringField": "s", "array": [1, 2]}`, true, 0},
		{"query params wrong type", "example.lexicon.query", TargetParams, Options{}, `{"stringField": "s", "integer": "1"}`, false, 0},
		{"subscription message", "example.lexicon.subscription", TargetMessage, Options{}, `{"$type": "example.lexicon.subscription#yo", "seq": 1, "yo": true}`, true, 0},
		{"subscription message without $type", "example.lexicon.subscription", TargetMessage, Options{}, `{"name": "OutdatedCursor"}`, true, 0},
		{"procedure input reaching a missing lexicon", "example.lexicon.procedure", TargetInput, Options{}, `{"preferences": []}`, false, 0},
		{"procedure input reaching a missing lexicon, allowed", "example.lexicon.procedure", TargetInput, Options{AllowUnresolved: true}, `{"preferences": []}`, true, 1},
		{"procedure input not reaching it", "example.lexicon.procedure", TargetInput, Options{}, `{}`, false, 0},
		{"procedure output", "example.lexicon.procedure", TargetOutput, Options{}, `{"array": [1], "object": {"a": 1}}`, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref, err := lexdoc.ParseDefRef(tc.def)
			if err != nil {
				t.Fatal(err)
			}
			s, err := c.Compile(ref, tc.target, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			r, err := s.ValidateJSON([]byte(tc.value))
			if err != nil {
				t.Fatal(err)
			}
			if r.Valid != tc.valid || len(r.Unresolved) != tc.unresolved {
				t.Errorf("got valid=%v with %d unresolved (%+v), want valid=%v with %d", r.Valid, len(r.Unresolved), r, tc.valid, tc.unresolved)
			}
		})
	}
}
