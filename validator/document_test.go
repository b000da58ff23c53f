package validator

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

func mustParse(t *testing.T, src string) *Document {
	t.Helper()
	doc, err := ParseDocument([]byte(src))
	if err != nil {
		t.Fatalf("ParseDocument: %v", err)
	}
	return doc
}

func TestParseDocumentErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{"not an object", `[1]`},
		{"not JSON", `{"lexicon":`},
		{"lexicon missing", `{"id":"com.example.a","defs":{}}`},
		{"lexicon not 1", `{"lexicon":2,"id":"com.example.a","defs":{}}`},
		{"lexicon a string", `{"lexicon":"one","id":"com.example.a","defs":{}}`},
		{"id a number", `{"lexicon":1,"id":2,"defs":{}}`},
		{"id not an NSID", `{"lexicon":1,"id":"one-two-three","defs":{}}`},
		{"defs missing", `{"lexicon":1,"id":"com.example.a"}`},
		{"defs an array", `{"lexicon":1,"id":"com.example.a","defs":[]}`},
		{"bad def name", `{"lexicon":1,"id":"com.example.a","defs":{"a.b":{"type":"string"}}}`},
		{"def not an object", `{"lexicon":1,"id":"com.example.a","defs":{"main":"string"}}`},
		{"def without type", `{"lexicon":1,"id":"com.example.a","defs":{"main":{}}}`},
		{"unknown type", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"float"}}}`},
		{"record without record", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"record","key":"tid"}}}`},
		{"record body without type", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"record","key":"any","record":{"properties":{}}}}}`},
		{"record body not an object", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"record","key":"any","record":{"type":"string"}}}}`},
		{"record without key", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"record","record":{"type":"object","properties":{}}}}}`},
		{"nested primary", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"object","properties":{"x":{"type":"query"}}}}}`},
		{"nested params", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"object","properties":{"x":{"type":"params"}}}}}`},
		{"maxLength a string", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"string","maxLength":"3"}}}`},
		{"maxLength fractional", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"string","maxLength":3.5}}}`},
		{"maxLength negative", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"string","maxLength":-1}}}`},
		{"array without items", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"array"}}}`},
		{"ref not a string", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"object","properties":{"x":{"type":"ref","ref":1}}}}}`},
		{"ref unparsable", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"object","properties":{"x":{"type":"ref","ref":"not a ref"}}}}}`},
		{"union without refs", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"object","properties":{"x":{"type":"union"}}}}}`},
		{"union closed a string", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"object","properties":{"x":{"type":"union","refs":[],"closed":"yes"}}}}}`},
		{"enum of mixed", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"integer","enum":[1,"a"]}}}`},
		{"parameters not params", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"query","parameters":{"type":"object","properties":{}}}}}`},
		{"body schema a string", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"query","output":{"encoding":"application/json","schema":{"type":"string"}}}}}`},
		{"message without schema", `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"subscription","message":{}}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseDocument([]byte(tc.src))
			if !errors.Is(err, ErrInvalidLexicon) {
				t.Fatalf("got error %v, want one wrapping ErrInvalidLexicon", err)
			}
		})
	}
}

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

func TestDocumentAccessors(t *testing.T) {
	doc := mustParse(t, exampleDoc)
	if got, want := doc.References(), []syntax.NSID{"com.example.other", "com.example.third"}; !slices.Equal(got, want) {
		t.Errorf("References: got %v, want %v", got, want)
	}
	cat := NewCatalog(doc)
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
			ref, err := ParseDefRef(tc.def)
			if err != nil {
				t.Fatal(err)
			}
			if ref.NSID == doc.ID {
				if got := doc.Targets(ref.Name); !slices.Equal(got, tc.targets) {
					t.Errorf("Targets: got %v, want %v", got, tc.targets)
				}
			}
			got, err := cat.DefaultTarget(ref)
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

func TestCatalogDef(t *testing.T) {
	cat := NewCatalog(mustParse(t, exampleDoc))
	def, err := cat.Def(DefRef{NSID: "com.example.thing", Name: "main"})
	if err != nil || def.Type != "record" || def.Name != "main" {
		t.Fatalf("got %+v, %v; want the main record", def, err)
	}
	if _, err := cat.Def(DefRef{NSID: "com.example.thing", Name: "nope"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
	docs := cat.Documents()
	if len(docs) != 1 || docs[0].ID != "com.example.thing" {
		t.Errorf("Documents: got %v", docs)
	}
}

// TestCompileBodyWithoutSchema: a body declared by its encoding alone is no
// target, and the error says that it exists but has no schema, rather than
// that it is missing.
func TestCompileBodyWithoutSchema(t *testing.T) {
	c := NewCompiler(NewCatalog(mustParse(t, exampleDoc)))
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
			ref, err := ParseDefRef(tc.def)
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
	cat := NewCatalog(mustParse(t, exampleDoc))
	_, err := cat.DefaultTarget(DefRef{NSID: "com.example.thing", Name: "paramsOnly"})
	if !errors.Is(err, ErrAmbiguousTarget) {
		t.Fatalf("got %v, want an error wrapping ErrAmbiguousTarget", err)
	}
	if want := "its only target is params: name it"; !strings.Contains(err.Error(), want) {
		t.Errorf("got %q, want it to say %q", err, want)
	}
}
