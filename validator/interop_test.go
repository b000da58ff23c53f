package validator

import (
	"os"
	"testing"

	"github.com/lexval/lexval/internal/reference"
)

// readFixture decodes an interop fixture file with DecodeJSON, so numbers keep
// their exact text.
func readFixture(t *testing.T, elem ...string) []any {
	t.Helper()
	data, err := os.ReadFile(reference.Path(t, append([]string{"atproto", "interop-tests"}, elem...)...))
	if err != nil {
		t.Fatal(err)
	}
	v, err := DecodeJSON(data)
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
	s, err := c.Compile(DefRef{NSID: "example.lexicon.record", Name: "main"}, TargetRecord, Options{})
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

func TestInteropDataModel(t *testing.T) {
	for _, file := range []struct {
		name  string
		valid bool
	}{{"data-model-valid.json", true}, {"data-model-invalid.json", false}, {"data-model-fixtures.json", true}} {
		t.Run(file.name, func(t *testing.T) {
			for i, raw := range readFixture(t, "data-model", file.name) {
				tc := raw.(map[string]any)
				name, _ := tc["note"].(string)
				if name == "" {
					name = "case"
				}
				t.Run(name, func(t *testing.T) {
					errs := CheckDataModel(tc["json"])
					if got := len(errs) == 0; got != file.valid {
						t.Errorf("case %d: got valid=%v, want %v; errors: %v", i, got, file.valid, errs)
					}
					for _, e := range errs {
						t.Logf("%s: %s", e.Path, e.Message)
					}
				})
			}
		})
	}
}
