package validator

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

const exampleDoc = `{
  "$type": "com.atproto.lexicon.schema",
  "lexicon": 1,
  "id": "com.example.thing",
  "defs": {
    "main": {"type": "record", "key": "tid", "record": {"type": "object", "properties": {
      "a": {"type": "ref", "ref": "com.example.other#x"},
      "b": {"type": "union", "refs": ["#view", "com.example.third", "com.example.other#y"]},
      "c": {"type": "ref", "ref": "#view"}
    }}},
    "view": {"type": "object", "properties": {}},
    "tok": {"type": "token"},
    "str": {"type": "string"},
    "q": {"type": "query", "parameters": {"type": "params", "properties": {}}, "output": {"encoding": "application/json", "schema": {"type": "object", "properties": {}}}},
    "p": {"type": "procedure", "input": {"encoding": "application/json", "schema": {"type": "object", "properties": {}}}, "output": {"encoding": "application/json", "schema": {"type": "object", "properties": {}}}},
    "blobOut": {"type": "procedure", "input": {"encoding": "*/*"}, "output": {"encoding": "application/json", "schema": {"type": "object", "properties": {}}}},
    "paramsOnly": {"type": "query", "parameters": {"type": "params", "properties": {}}},
    "nothing": {"type": "query"},
    "sub": {"type": "subscription", "message": {"schema": {"type": "union", "refs": ["#view"]}}},
    "perms": {"type": "permission-set", "permissions": []},
    "namedParams": {"type": "params", "properties": {"n": {"type": "integer"}}}
  }
}`

func TestTargets(t *testing.T) {
	doc := lexicontest.Parse(t, exampleDoc)
	cat := lexdoc.NewCatalog(doc)
	tests := []struct {
		def        string
		targets    []Target
		defaultT   Target
		defaultErr error
	}{
		{"com.example.thing", []Target{TargetRecord}, TargetRecord, nil},
		{"com.example.thing#view", []Target{TargetObject}, TargetObject, nil},
		{"com.example.thing#str", []Target{TargetObject}, TargetObject, nil},
		{"com.example.thing#tok", nil, "", ErrNoTarget},
		{"com.example.thing#q", []Target{TargetParams, TargetOutput}, TargetOutput, nil},
		{"com.example.thing#p", []Target{TargetInput, TargetOutput}, "", ErrAmbiguousTarget},
		{"com.example.thing#blobOut", []Target{TargetOutput}, TargetOutput, nil},
		{"com.example.thing#paramsOnly", []Target{TargetParams}, "", ErrAmbiguousTarget},
		{"com.example.thing#nothing", nil, "", ErrNoTarget},
		{"com.example.thing#sub", []Target{TargetMessage}, TargetMessage, nil},
		{"com.example.thing#perms", nil, "", ErrNoTarget},
		// "params can not be declared as a top-level named type": such a
		// definition (parsed, and reported by Lint) describes no data.
		{"com.example.thing#namedParams", nil, "", ErrNoTarget},
		{"com.example.thing#missing", nil, "", ErrNotFound},
		{"com.example.absent", nil, "", ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.def, func(t *testing.T) {
			ref, err := lexdoc.ParseDefRef(tc.def)
			if err != nil {
				t.Fatal(err)
			}
			if ref.NSID == doc.ID {
				if got := Targets(doc, ref.Name); !slices.Equal(got, tc.targets) {
					t.Errorf("Targets: got %v, want %v", got, tc.targets)
				}
			}
			got, err := DefaultTarget(cat, ref)
			if tc.defaultErr != nil {
				if !errors.Is(err, tc.defaultErr) {
					t.Errorf("DefaultTarget: got %q, %v; want error wrapping %v", got, err, tc.defaultErr)
				}
				return
			}
			if err != nil || got != tc.defaultT {
				t.Errorf("DefaultTarget: got %q, %v; want %q", got, err, tc.defaultT)
			}
		})
	}
}

// TestCompileBodyWithoutSchema: a body declared by its encoding alone is no
// target, and the error says that it exists but has no schema, rather than
// that it is missing.
func TestCompileBodyWithoutSchema(t *testing.T) {
	c := NewCompiler(lexdoc.NewCatalog(lexicontest.Parse(t, exampleDoc)))
	tests := []struct {
		def    string
		target Target
		want   string
	}{
		{"com.example.thing#blobOut", TargetInput, "has no input schema: its input is described only by its encoding (*/*)"},
		{"com.example.thing#paramsOnly", TargetOutput, "has no output; it offers: params"},
		{"com.example.thing#namedParams", TargetObject, "com.example.thing#namedParams (type params) has no object: it has nothing to validate"},
		{"com.example.thing#tok", TargetObject, "com.example.thing#tok (type token) has no object: it has nothing to validate"},
	}
	for _, tc := range tests {
		t.Run(tc.def+"/"+string(tc.target), func(t *testing.T) {
			ref, err := lexdoc.ParseDefRef(tc.def)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Compile(ref, tc.target, Options{})
			if !errors.Is(err, ErrNoTarget) {
				t.Fatalf("got %v, want an error wrapping ErrNoTarget", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %q, want it to say %q", err, tc.want)
			}
		})
	}
}

// TestDefaultTargetParamsOnly: a query with parameters and no body has no
// default target, and the error names the one target it has rather than
// calling a single choice ambiguous among several.
func TestDefaultTargetParamsOnly(t *testing.T) {
	cat := lexdoc.NewCatalog(lexicontest.Parse(t, exampleDoc))
	_, err := DefaultTarget(cat, lexdoc.DefRef{NSID: "com.example.thing", Name: "paramsOnly"})
	if !errors.Is(err, ErrAmbiguousTarget) {
		t.Fatalf("got %v, want an error wrapping ErrAmbiguousTarget", err)
	}
	if want := "its only target is params: name it"; !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to say %q", err, want)
	}
}
