package validator

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// The rule tables in ../testdata/rules/*.json: one file per Lexicon rule (or
// family), each with its own lexicons and cases.
//
//	{
//	  "description": "what the file covers",
//	  "lexicons": [ {lexicon documents} ],
//	  "cases": [{
//	    "name": "unique within the file",
//	    "def": "com.example.rules#main",      // nsid or nsid#name
//	    "target": "record",                   // optional: the definition's default target
//	    "options": {"allowUnresolved": true, "lenient": true},  // optional
//	    "value": ...,                         // the value to validate
//	    "fill": [{"path": "/text", "repeat": "e\u0301", "count": 301}],  // optional: long strings
//	    "valid": false,
//	    "errors": [{"path": "/text", "message": "...", "schemaPath": "..."}],  // every error, in order; schemaPath optional
//	    "unresolved": [{"ref": "...", "path": "...", "schemaPath": "..."}],     // schemaPath optional
//	    "compileError": "invalid lexicon"     // instead of valid/errors: Compile fails with this sentinel
//	  }]
//	}
//
// Values are decoded with datamodel.DecodeJSON, so numbers keep their exact text.

type ruleFile struct {
	description string
	lexicons    []any
	cases       []ruleCase
}

type ruleCase struct {
	name, def, target, compileError string
	allowUnresolved, lenient        bool
	value                           any
	fills                           []ruleFill
	valid                           bool
	errors                          []Error
	unresolved                      []Unresolved
	checkSchemaPath                 []bool
	checkUnresolvedSchemaPath       []bool
}

type ruleFill struct {
	path, repeat string
	count        int
}

func TestRules(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "rules", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no rule files in ../testdata/rules")
	}
	total := 0
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			rf := readRuleFile(t, file)
			var docs []*lexdoc.Document
			for i, l := range rf.lexicons {
				m, ok := l.(map[string]any)
				if !ok {
					t.Fatalf("lexicons/%d is not an object", i)
				}
				doc, err := lexdoc.NewDocument(m)
				if err != nil {
					t.Fatalf("lexicons/%d: %v", i, err)
				}
				docs = append(docs, doc)
			}
			c := NewCompiler(lexdoc.NewCatalog(docs...))
			seen := map[string]bool{}
			for _, tc := range rf.cases {
				if seen[tc.name] {
					t.Errorf("duplicate case name %q", tc.name)
				}
				seen[tc.name] = true
				total++
				t.Run(tc.name, func(t *testing.T) { runRuleCase(t, c, tc) })
			}
		})
	}
	t.Logf("%d rule cases in %d files", total, len(files))
}

func runRuleCase(t *testing.T, c *Compiler, tc ruleCase) {
	ref, err := lexdoc.ParseDefRef(tc.def)
	if err != nil {
		t.Fatalf("def: %v", err)
	}
	target := Target(tc.target)
	if target == "" {
		if target, err = DefaultTarget(c.Catalog(), ref); err != nil {
			t.Fatalf("DefaultTarget: %v", err)
		}
	}
	s, err := c.Compile(ref, target, Options{AllowUnresolved: tc.allowUnresolved, Lenient: tc.lenient})
	if tc.compileError != "" {
		want := map[string]error{"invalid lexicon": ErrInvalidLexicon, "no target": ErrNoTarget, "not found": ErrNotFound}[tc.compileError]
		if want == nil {
			t.Fatalf("unknown compileError %q", tc.compileError)
		}
		if !errors.Is(err, want) {
			t.Fatalf("Compile: got %v, want an error wrapping %v", err, want)
		}
		return
	}
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	if _, err := compilePlain(s.JSONSchema()); err != nil {
		t.Errorf("JSONSchema is no self-contained draft 2020-12 schema: %v", err)
	}
	v := tc.value
	for _, f := range tc.fills {
		if v, err = setAt(v, f.path, strings.Repeat(f.repeat, f.count)); err != nil {
			t.Fatalf("fill %s: %v", f.path, err)
		}
	}
	r := s.Validate(v)
	checkFastAgrees(t, s, v)
	if r.Valid != tc.valid {
		t.Errorf("got valid=%v, want %v", r.Valid, tc.valid)
	}
	got := make([]Error, len(r.Errors))
	for i, e := range r.Errors {
		got[i] = Error{Path: e.Path, Message: e.Message}
		if i < len(tc.checkSchemaPath) && tc.checkSchemaPath[i] {
			got[i].SchemaPath = e.SchemaPath
		}
	}
	if !slices.Equal(got, tc.errors) {
		t.Errorf("errors:\n got %s\nwant %s\n(with schema paths: %s)", ruleErrors(got), ruleErrors(tc.errors), ruleErrors(r.Errors))
	}
	gotU := make([]Unresolved, len(r.Unresolved))
	for i, u := range r.Unresolved {
		gotU[i] = Unresolved{Ref: u.Ref, Path: u.Path}
		if i < len(tc.checkUnresolvedSchemaPath) && tc.checkUnresolvedSchemaPath[i] {
			gotU[i].SchemaPath = u.SchemaPath
		}
	}
	if !slices.Equal(gotU, tc.unresolved) {
		t.Errorf("unresolved:\n got %+v\nwant %+v\n(full: %+v)", gotU, tc.unresolved, r.Unresolved)
	}
}

func ruleErrors(errs []Error) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("\n  " + e.Path + ": " + e.Message)
		if e.SchemaPath != "" {
			b.WriteString(" [" + e.SchemaPath + "]")
		}
	}
	if b.Len() == 0 {
		return "(none)"
	}
	return b.String()
}

// setAt returns v with the value at the JSON Pointer path replaced by x.
func setAt(v any, path string, x any) (any, error) {
	if path == "" {
		return x, nil
	}
	tok, rest := nextToken(path)
	tok = unescapeToken(tok)
	switch c := v.(type) {
	case map[string]any:
		child, err := setAt(c[tok], rest, x)
		if err != nil {
			return nil, err
		}
		c[tok] = child
		return c, nil
	case []any:
		i, ok := indexToken(tok)
		if !ok || i >= len(c) {
			return nil, errors.New("no element " + tok)
		}
		child, err := setAt(c[i], rest, x)
		if err != nil {
			return nil, err
		}
		c[i] = child
		return c, nil
	}
	return nil, errors.New("cannot descend into " + datamodel.KindOf(v))
}

// readRuleFile reads a rule file strictly: unknown fields are mistakes.
func readRuleFile(t *testing.T, path string) ruleFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := datamodel.DecodeJSON(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	top := fields(t, "file", v, "description", "lexicons", "cases")
	rf := ruleFile{}
	rf.description, _ = top["description"].(string)
	rf.lexicons, _ = top["lexicons"].([]any)
	cases, _ := top["cases"].([]any)
	for i, cv := range cases {
		m := fields(t, "case", cv, "name", "def", "target", "options", "value", "fill", "valid", "errors", "unresolved", "compileError")
		tc := ruleCase{value: m["value"]}
		tc.name, _ = m["name"].(string)
		if tc.name == "" {
			t.Fatalf("cases/%d has no name", i)
		}
		tc.def, _ = m["def"].(string)
		tc.target, _ = m["target"].(string)
		tc.compileError, _ = m["compileError"].(string)
		tc.valid, _ = m["valid"].(bool)
		if _, ok := m["valid"]; !ok && tc.compileError == "" {
			t.Fatalf("case %q: valid is missing", tc.name)
		}
		if _, ok := m["value"]; !ok && tc.compileError == "" {
			t.Fatalf("case %q: value is missing", tc.name)
		}
		if o, ok := m["options"]; ok {
			om := fields(t, "options", o, "allowUnresolved", "lenient")
			tc.allowUnresolved, _ = om["allowUnresolved"].(bool)
			tc.lenient, _ = om["lenient"].(bool)
		}
		fills, _ := m["fill"].([]any)
		for _, f := range fills {
			fm := fields(t, "fill", f, "path", "repeat", "count")
			n, _ := datamodel.Int64(fm["count"])
			fl := ruleFill{count: int(n)}
			fl.path, _ = fm["path"].(string)
			fl.repeat, _ = fm["repeat"].(string)
			tc.fills = append(tc.fills, fl)
		}
		errs, _ := m["errors"].([]any)
		tc.errors = []Error{}
		for _, e := range errs {
			em := fields(t, "error", e, "path", "message", "schemaPath")
			var x Error
			x.Path, _ = em["path"].(string)
			x.Message, _ = em["message"].(string)
			x.SchemaPath, _ = em["schemaPath"].(string)
			tc.errors = append(tc.errors, x)
			tc.checkSchemaPath = append(tc.checkSchemaPath, x.SchemaPath != "")
		}
		if tc.valid && len(tc.errors) > 0 {
			t.Fatalf("case %q: valid with errors", tc.name)
		}
		if !tc.valid && tc.compileError == "" && len(tc.errors) == 0 {
			t.Fatalf("case %q: invalid needs its errors listed", tc.name)
		}
		us, _ := m["unresolved"].([]any)
		tc.unresolved = []Unresolved{}
		for _, u := range us {
			um := fields(t, "unresolved", u, "ref", "path", "schemaPath")
			var x Unresolved
			x.Ref, _ = um["ref"].(string)
			x.Path, _ = um["path"].(string)
			x.SchemaPath, _ = um["schemaPath"].(string)
			tc.unresolved = append(tc.unresolved, x)
			tc.checkUnresolvedSchemaPath = append(tc.checkUnresolvedSchemaPath, x.SchemaPath != "")
		}
		rf.cases = append(rf.cases, tc)
	}
	return rf
}

// fields returns v as an object, failing on a field not in allowed.
func fields(t *testing.T, what string, v any, allowed ...string) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%s is not an object", what)
	}
	for k := range m {
		if !slices.Contains(allowed, k) {
			t.Fatalf("%s has unknown field %q (allowed: %v)", what, k, allowed)
		}
	}
	return m
}
