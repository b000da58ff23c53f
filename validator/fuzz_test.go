package validator

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// fuzzBase is a second lexicon every fuzzed document can reference.
const fuzzBase = `{"lexicon": 1, "id": "com.example.base", "defs": {
  "main": {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer", "maximum": 5}, "b": {"type": "blob", "accept": ["image/*"]}}},
  "rec": {"type": "record", "key": "any", "record": {"type": "object", "properties": {"u": {"type": "union", "refs": ["com.example.base", "#obj"]}}}},
  "obj": {"type": "object", "nullable": ["s"], "properties": {"s": {"type": "string", "maxGraphemes": 3}, "k": {"type": "unknown"}}}}}`

var fuzzSeeds = []struct{ doc, value string }{
	{`{"lexicon": 1, "id": "com.example.f", "defs": {"main": {"type": "record", "key": "tid", "record": {"type": "object", "required": ["t"], "properties": {"t": {"type": "string", "maxLength": 4}, "r": {"type": "ref", "ref": "com.example.base"}}}}}}`,
		`{"$type": "com.example.f", "t": "hello", "r": {"a": 9}}`},
	{`{"lexicon": 1, "id": "com.example.f", "defs": {"main": {"type": "object", "properties": {"u": {"type": "union", "refs": ["com.example.base#obj", "com.example.nope"], "closed": true}, "x": {"type": "array", "items": {"type": "bytes", "maxLength": 2}}}}}}`,
		`{"u": {"$type": "com.example.base#obj", "s": "abcd"}, "x": [{"$bytes": "AAAA"}, 1.5]}`},
	{`{"lexicon": 1, "id": "com.example.f", "defs": {"main": {"type": "query", "parameters": {"type": "params", "properties": {"n": {"type": "integer"}}}, "output": {"encoding": "application/json", "schema": {"type": "ref", "ref": "#o"}}}, "o": {"type": "object", "nullable": ["c"], "properties": {"c": {"type": "cid-link"}, "d": {"type": "string", "format": "did", "enum": ["did:plc:a"]}}}}}`,
		`{"c": null, "d": "did:plc:b", "n": "1"}`},
	{`{"lexicon": 1, "id": "com.example.f", "defs": {"main": {"type": "subscription", "message": {"schema": {"type": "union", "refs": ["#m", "com.example.base#rec"]}}}, "m": {"type": "object", "properties": {"seq": {"type": "integer", "const": 3}}}}}`,
		`{"seq": 4, "$type": "com.example.base#rec"}`},
	{`{"lexicon": 1, "id": "com.example.f", "defs": {"main": {"type": "object", "properties": {"self": {"type": "ref", "ref": "#main"}, "b": {"type": "boolean", "const": true}}}}}`,
		`{"self": {"self": {"b": false, "self": {"$link": "x"}}}}`},
	// Data-model errors beside schema questions: the fast path and v5 must
	// still agree (checkFastAgrees).
	{`{"lexicon": 1, "id": "com.example.f", "defs": {"main": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}, "u": {"type": "union", "refs": ["com.example.base#obj"]}, "k": {"type": "unknown"}}}}}`,
		`{"n": -99999999999999999999, "u": {"$type": "com.example.base", "a": 1.5}, "k": {"x": 2.5}}`},
}

// FuzzCompileValidate compiles every target of an arbitrary lexicon document
// and validates an arbitrary value against each: nothing may panic, and
// results must be consistent (Valid iff no errors, sorted, deterministic,
// paths that point into the value).
func FuzzCompileValidate(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s.doc), []byte(s.value))
	}
	base, err := lexdoc.ParseDocument([]byte(fuzzBase))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, docJSON, valueJSON []byte) {
		doc, err := lexdoc.ParseDocument(docJSON)
		if err != nil {
			if !errors.Is(err, ErrInvalidLexicon) {
				t.Fatalf("lexdoc.ParseDocument error does not wrap ErrInvalidLexicon: %v", err)
			}
			return
		}
		_ = doc.References()
		value, decodeErr := datamodel.DecodeJSON(valueJSON)
		if decodeErr != nil && !errors.Is(decodeErr, datamodel.ErrInvalidJSON) {
			t.Fatalf("DecodeJSON error does not wrap datamodel.ErrInvalidJSON: %v", decodeErr)
		}
		cat := lexdoc.NewCatalog(base, doc)
		c := NewCompiler(cat)
		names := make([]string, 0, len(doc.Defs))
		for name := range doc.Defs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ref := lexdoc.DefRef{NSID: doc.ID, Name: name}
			if _, err := DefaultTarget(cat, ref); err != nil && !errors.Is(err, ErrNoTarget) && !errors.Is(err, ErrAmbiguousTarget) {
				t.Fatalf("DefaultTarget(%s): %v", ref, err)
			}
			for _, target := range Targets(doc, name) {
				for _, opts := range []Options{{}, {AllowUnresolved: true, Lenient: true}} {
					s, err := c.Compile(ref, target, opts)
					if err != nil {
						if !errors.Is(err, ErrInvalidLexicon) && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrNoTarget) {
							t.Fatalf("Compile(%s, %s): unexpected error kind: %v", ref, target, err)
						}
						continue
					}
					if !json.Valid(s.JSONSchema()) {
						t.Fatalf("Compile(%s, %s): JSONSchema is not JSON", ref, target)
					}
					if target == TargetRecord {
						_ = s.CheckRecordKey("3jzfcijpj2z2a")
					}
					if decodeErr != nil {
						continue
					}
					r := s.Validate(value)
					checkResult(t, value, r)
					checkFastAgrees(t, s, value)
					if again := s.Validate(value); !reflect.DeepEqual(r, again) {
						t.Fatalf("Validate is not deterministic:\n%+v\n%+v", r, again)
					}
				}
			}
		}
		if decodeErr == nil {
			for _, p := range datamodel.CheckRecord(value) {
				if !validPointer(value, p.Path, true) {
					t.Fatalf("CheckRecord path %q does not point into the value", p.Path)
				}
			}
		}
	})
}

func checkResult(t *testing.T, value any, r Result) {
	t.Helper()
	if r.Valid != (len(r.Errors) == 0) {
		t.Fatalf("Valid=%v with %d errors", r.Valid, len(r.Errors))
	}
	if !slices.IsSortedFunc(r.Errors, func(a, b Error) int {
		if c := datamodel.ComparePointers(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	}) {
		t.Fatalf("errors not sorted: %+v", r.Errors)
	}
	for _, e := range r.Errors {
		if e.Message == "" {
			t.Fatalf("empty message at %q", e.Path)
		}
		if strings.Contains(e.Message, "does not match the schema") {
			t.Fatalf("unexplained error at %q: %s", e.Path, e.Message)
		}
		if !validPointer(value, e.Path, true) {
			t.Fatalf("error path %q does not point into the value (%s)", e.Path, e.Message)
		}
	}
	for _, u := range r.Unresolved {
		if !validPointer(value, u.Path, false) {
			t.Fatalf("unresolved path %q does not point into the value", u.Path)
		}
	}
}

// validPointer reports whether ptr resolves in v; with parentOK, a pointer
// to a missing field of an existing object also counts (required fields).
func validPointer(v any, ptr string, parentOK bool) bool {
	if _, ok := lookup(v, ptr); ok {
		return true
	}
	if !parentOK || ptr == "" {
		return false
	}
	parent, _ := splitLast(ptr)
	p, ok := lookup(v, parent)
	_, isObject := p.(map[string]any)
	return ok && isObject
}
