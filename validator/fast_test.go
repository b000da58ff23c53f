package validator

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// checkFastAgrees holds the fast path to v5 on one value, whatever the
// data-model walk finds in it: the fast path runs only on values the walk
// passes, but a divergence found on any value is a bug in one evaluator, and
// fuzzed or tabled values with data-model errors must not hide it. The two
// verdicts compared are the schema's alone (the fast path's, and v5's with
// its errors explained), on the value v5 is given (unsafe parts nulled). The
// fast path may never accept what v5 refuses, and must accept what v5
// accepts outright (else it is dead weight, or mirrors v5 wrongly); lenient
// schemas may send valid legacy blobs to v5, and unresolved references
// always go there.
func checkFastAgrees(t *testing.T, s *Schema, v any) {
	t.Helper()
	checkExplainAgrees(t, s, v)
	dm := datamodel.Check(v)
	clean := len(dm.Problems) == 0 && len(dm.Unsafe()) == 0
	if clean {
		// Validate hands report an empty report when the quick walk found
		// nothing.
		if got, want := s.report(v, datamodel.Report{}), s.report(v, dm); !reflect.DeepEqual(got, want) {
			t.Errorf("report with an empty data-model report: got %+v, want %+v", got, want)
		}
	}
	if got, want := s.ValidDecoded(flatOf(v), clean), s.Valid(v); got != want {
		t.Errorf("ValidDecoded of the flat tree (data-model clean: %v): %v, Valid: %v", clean, got, want)
	}
	if got, want := s.Validate(flatOf(v)), s.Validate(v); !reflect.DeepEqual(got, want) {
		t.Errorf("Validate of the flat tree: got %+v, want %+v (the map tree's)", got, want)
	}
	v = dm.WithoutUnsafe(v)
	fast := s.fastValid(v)
	if flat := s.fastValid(flatOf(v)); flat != fast {
		t.Errorf("fast path: %v on the flat tree (datamodel.DecodeJSONFlat), %v on the map tree", flat, fast)
	}
	errs, unresolved := s.schemaErrors(v)
	slow := len(errs) == 0 && len(unresolved) == 0
	switch {
	case fast && !slow:
		t.Errorf("fast path accepts what v5 refuses (data-model clean: %v): errors %+v, unresolved %+v", clean, errs, unresolved)
	case !fast && slow && !s.opts.Lenient:
		t.Errorf("fast path refuses a value v5 accepts (data-model clean: %v)", clean)
	}
}

// flatOf is v with every map an Object, as datamodel.DecodeJSONFlat builds
// it (members in key order).
func flatOf(v any) any {
	switch x := v.(type) {
	case map[string]any:
		o := make(datamodel.Object, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			o = append(o, datamodel.Member{Key: k, Value: flatOf(x[k])})
		}
		return o
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = flatOf(e)
		}
		return out
	}
	return v
}

// TestFastPathTaken: the benchmark records take the fast path (every corpus
// unit has one: TestCompileCorpus).
func TestFastPathTaken(t *testing.T) {
	c := corpusCompiler(t)
	post, err := c.Compile(lexdoc.DefRef{NSID: "app.bsky.feed.post", Name: "main"}, TargetRecord, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"post-small.json", "post-medium.json", "post-large.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "bench", file))
		if err != nil {
			t.Fatal(err)
		}
		v, err := datamodel.DecodeJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		if !post.fastValid(v) {
			t.Errorf("%s: the fast path refuses a valid post", file)
		}
		checkFastAgrees(t, post, v)
	}
}

// TestSchemaFields holds schemaFields to the jsonschema.Schema struct: every
// field is classified exactly once, and nothing else is listed. A v5 upgrade
// that adds a field fails here (and buildFast refuses schemas that set it
// until it is classified).
func TestSchemaFields(t *testing.T) {
	use := map[string]string{}
	for _, group := range []struct {
		name   string
		fields []string
	}{{"evaluated", schemaFields.evaluated}, {"inert", schemaFields.inert}, {"refused", schemaFields.refused}} {
		for _, f := range group.fields {
			if prev, ok := use[f]; ok {
				t.Errorf("%s is listed as %s and %s", f, prev, group.name)
			}
			use[f] = group.name
		}
	}
	typ := reflect.TypeFor[jsonschema.Schema]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		if _, ok := use[name]; !ok {
			t.Errorf("jsonschema.Schema.%s is not in schemaFields: decide whether the fast path evaluates it, refuses it, or it is inert", name)
		}
		delete(use, name)
	}
	for name := range use {
		t.Errorf("schemaFields lists %s, which jsonschema.Schema does not have", name)
	}
}

// TestBuildFastRefuses: a schema that sets a refused field has no fast path,
// and every refused field is shown to be refused by some schema here. Each
// case names the field it sets; the test checks that it does.
func TestBuildFastRefuses(t *testing.T) {
	const (
		d2019 = `"$schema": "https://json-schema.org/draft/2019-09/schema", `
		d7    = `"$schema": "http://json-schema.org/draft-07/schema#", `
	)
	// at names the property whose schema sets the field ("": the root).
	cases := []struct {
		field, schema, at string
	}{
		{"Always", `false`, ""},
		{"RecursiveAnchor", `{` + d2019 + `"$recursiveAnchor": true}`, ""},
		{"RecursiveRef", `{` + d2019 + `"$recursiveAnchor": true, "properties": {"a": {"$recursiveRef": "#"}}}`, "a"},
		{"DynamicAnchor", `{"$dynamicAnchor": "a"}`, ""},
		{"dynamicAnchors", `{"$dynamicAnchor": "a"}`, ""},
		{"DynamicRef", `{"$dynamicAnchor": "a", "properties": {"a": {"$dynamicRef": "#a"}}}`, "a"},
		{"dynamicRefAnchor", `{"$dynamicAnchor": "a", "properties": {"a": {"$dynamicRef": "#a"}}}`, "a"},
		{"Not", `{"not": {"type": "string"}}`, ""},
		{"AllOf", `{"allOf": [{"type": "string"}]}`, ""},
		{"OneOf", `{"oneOf": [{"type": "string"}]}`, ""},
		{"If", `{"if": {"type": "string"}}`, ""},
		{"Then", `{"if": {"type": "string"}, "then": {"minLength": 1}}`, ""},
		{"Else", `{"if": {"type": "string"}, "else": {"minLength": 1}}`, ""},
		{"MinProperties", `{"minProperties": 1}`, ""},
		{"MaxProperties", `{"maxProperties": 1}`, ""},
		{"PropertyNames", `{"propertyNames": {"maxLength": 3}}`, ""},
		{"RegexProperties", `{"regexProperties": true}`, ""},
		{"PatternProperties", `{"patternProperties": {"^a": {"type": "string"}}}`, ""},
		{"AdditionalProperties", `{"additionalProperties": false}`, ""},
		{"Dependencies", `{` + d7 + `"dependencies": {"a": ["b"]}}`, ""},
		{"DependentRequired", `{"dependentRequired": {"a": ["b"]}}`, ""},
		{"DependentSchemas", `{"dependentSchemas": {"a": {"required": ["b"]}}}`, ""},
		{"UnevaluatedProperties", `{"unevaluatedProperties": false}`, ""},
		{"UniqueItems", `{"uniqueItems": true}`, ""},
		{"Items", `{` + d7 + `"items": [{"type": "string"}]}`, ""},
		{"AdditionalItems", `{` + d7 + `"items": [{"type": "string"}], "additionalItems": false}`, ""},
		{"PrefixItems", `{"prefixItems": [{"type": "string"}]}`, ""},
		{"Contains", `{"contains": {"type": "string"}}`, ""},
		{"ContainsEval", `{` + d2019 + `"type": "array"}`, ""},
		{"MinContains", `{"contains": {"type": "string"}, "minContains": 2}`, ""},
		{"MaxContains", `{"contains": {"type": "string"}, "maxContains": 2}`, ""},
		{"UnevaluatedItems", `{"unevaluatedItems": false}`, ""},
		{"MinLength", `{"minLength": 1}`, ""},
		{"MaxLength", `{"maxLength": 1}`, ""},
		{"Pattern", `{"pattern": "^a"}`, ""},
		{"ContentEncoding", `{"contentEncoding": "base64"}`, ""},
		{"decoder", `{"contentEncoding": "base64"}`, ""},
		{"ContentMediaType", `{"contentMediaType": "application/json"}`, ""},
		{"mediaType", `{"contentMediaType": "application/json"}`, ""},
		{"ContentSchema", `{"contentMediaType": "application/json", "contentSchema": {"type": "object"}}`, ""},
		{"ExclusiveMinimum", `{"exclusiveMinimum": 1}`, ""},
		{"ExclusiveMaximum", `{"exclusiveMaximum": 1}`, ""},
		{"MultipleOf", `{"multipleOf": 2}`, ""},
	}
	shown := map[string]bool{}
	typ := reflect.TypeFor[jsonschema.Schema]()
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			c := jsonschema.NewCompiler()
			c.Draft = jsonschema.Draft2020
			c.AssertContent = true
			if err := c.AddResource("urn:test", strings.NewReader(tc.schema)); err != nil {
				t.Fatal(err)
			}
			s, err := c.Compile("urn:test")
			if err != nil {
				t.Fatal(err)
			}
			at := s
			if tc.at != "" {
				at = s.Properties[tc.at]
			}
			f, ok := typ.FieldByName(tc.field)
			if !ok {
				t.Fatalf("jsonschema.Schema has no field %s", tc.field)
			}
			if unsetField(reflect.ValueOf(at).Elem().FieldByIndex(f.Index), unsetSchema.FieldByIndex(f.Index)) {
				t.Fatalf("%s does not set %s", tc.schema, tc.field)
			}
			shown[tc.field] = true
			if _, ok := buildFast(s); ok {
				t.Errorf("buildFast accepts %s, which sets %s", tc.schema, tc.field)
			}
		})
	}
	for _, f := range schemaFields.refused {
		if !shown[f] {
			t.Errorf("no case shows that a schema setting %s is refused", f)
		}
	}
	// The keywords the translation emits keep their fast path.
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	plain := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["a"],
	  "properties": {"a": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "integer", "minimum": 0, "maximum": 9}},
	    "b": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/s"}]}, "c": {"enum": ["x", "y"]}, "d": {"const": true}},
	  "$defs": {"s": {"type": "string", "format": "did"}}}`
	if err := c.AddResource("urn:plain", strings.NewReader(plain)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("urn:plain")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := buildFast(s); !ok {
		t.Errorf("buildFast refuses a schema of evaluated keywords only")
	}
}

// TestValidValueAllocations pins what the fast path is for: validating an
// already-decoded valid value allocates nothing, so decoding and validating
// JSON allocates exactly what decoding alone does. The values are real: posts
// with facets, embeds and labels (post-large is the union-heavy one), the
// refreshSession output, and a post whose embed is a type its open union
// does not list but the catalog knows (checked from the catalog).
func TestValidValueAllocations(t *testing.T) {
	c := NewCompiler(benchCatalog(t))
	type allocCase struct {
		name   string
		data   []byte
		ref    lexdoc.DefRef
		target Target
	}
	var cases []allocCase
	for _, bc := range benchCases {
		cases = append(cases, allocCase{bc.name, readBench(t, bc.file), bc.ref, bc.target})
	}
	cases = append(cases, allocCase{"post-unlisted-embed",
		[]byte(`{"$type":"app.bsky.feed.post","text":"square","embed":{"$type":"app.bsky.embed.defs#aspectRatio","width":1,"height":1},"createdAt":"2024-11-26T12:00:00.000Z"}`),
		lexdoc.DefRef{NSID: "app.bsky.feed.post", Name: "main"}, TargetRecord})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := c.Compile(tc.ref, tc.target, Options{})
			if err != nil {
				t.Fatal(err)
			}
			v, err := datamodel.DecodeJSON(tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if r := s.Validate(v); !r.Valid || !s.fastValid(v) {
				t.Fatalf("got %+v (fast path: %v), want valid on the fast path", r, s.fastValid(v))
			}
			if got := testing.AllocsPerRun(50, func() { s.Validate(v) }); got != 0 {
				t.Errorf("Validate of the decoded value: got %v allocations, want 0", got)
			}
			flat, known, err := datamodel.DecodeJSONFlat(string(tc.data))
			if err != nil || !known {
				t.Fatalf("DecodeJSONFlat: known valid %v, %v", known, err)
			}
			if got := testing.AllocsPerRun(50, func() { s.ValidDecoded(flat, known) }); got != 0 {
				t.Errorf("ValidDecoded of the flat value: got %v allocations, want 0", got)
			}
			if raceEnabled {
				return // the decoder's pooled scratch makes its count vary
			}
			decode := testing.AllocsPerRun(50, func() { _, _, _ = datamodel.DecodeJSONFlat(string(tc.data)) })
			if got := testing.AllocsPerRun(50, func() { _, _ = s.ValidateJSON(tc.data) }); got != decode {
				t.Errorf("ValidateJSON: got %v allocations, want %v (DecodeJSONFlat's alone)", got, decode)
			}
		})
	}
}
