package lexdoc_test

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

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
			_, err := lexdoc.ParseDocument([]byte(tc.src))
			if !errors.Is(err, lexdoc.ErrInvalidLexicon) {
				t.Fatalf("got error %v, want one wrapping lexdoc.ErrInvalidLexicon", err)
			}
		})
	}
}

const exampleDoc = `{
  "$type": "com.atproto.lexicon.schema",
  "lexicon": 1,
  "id": "com.example.thing",
  "description": "Things.",
  "defs": {
    "main": {"type": "record", "key": "tid", "description": "A thing.", "record": {"type": "object", "required": ["a"], "nullable": ["c"], "properties": {
      "a": {"type": "ref", "ref": "com.example.other#x"},
      "b": {"type": "union", "refs": ["#view", "com.example.third", "com.example.other#y"], "closed": true},
      "c": {"type": "ref", "ref": "#view"},
      "odd/name~": {"type": "array", "items": {"type": "string", "format": "did", "maxLength": 64, "maxGraphemes": 10, "knownValues": ["x"]}, "maxLength": 3}
    }}},
    "view": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1, "enum": [1, 2], "default": 1}}},
    "tok": {"type": "token", "description": "A token."},
    "q": {"type": "query", "parameters": {"type": "params", "required": ["limit"], "properties": {"limit": {"type": "integer"}}},
      "output": {"encoding": "application/json", "description": "The view.", "schema": {"type": "ref", "ref": "#view"}},
      "errors": [{"name": "NotFound", "description": "No such thing."}, {"name": 7}, "Odd"]},
    "p": {"type": "procedure", "input": {"encoding": "*/*"}, "output": {"encoding": "application/json", "schema": {"type": "object", "properties": {}}}},
    "sub": {"type": "subscription", "message": {"schema": {"type": "union", "refs": ["#view"]}}},
    "perms": {"type": "permission-set", "title": "Things", "title:lang": {"fr": "Choses", "de": 1}, "detail": 2, "permissions": [
      {"type": "permission", "resource": "repo", "collection": ["com.example.thing", 3], "action": ["create"]},
      {"type": "permission", "resource": "rpc", "lxm": ["com.example.thing#q"], "inheritAud": true},
      {"type": "nothing"}
    ]}
  }
}`

func TestReferences(t *testing.T) {
	doc := lexicontest.Parse(t, exampleDoc)
	if got, want := doc.References(), []syntax.NSID{"com.example.other", "com.example.third"}; !slices.Equal(got, want) {
		t.Errorf("References: got %v, want %v", got, want)
	}
}

// TestModel reads every kind of definition of exampleDoc back.
func TestModel(t *testing.T) {
	doc := lexicontest.Parse(t, exampleDoc)
	if doc.Lexicon != 1 || doc.ID != "com.example.thing" || doc.Description != "Things." {
		t.Errorf("got %d %s %q, want 1 com.example.thing \"Things.\"", doc.Lexicon, doc.ID, doc.Description)
	}
	rec := doc.Defs["main"].(*lexdoc.Record)
	if rec.Key != "tid" || rec.Description() != "A thing." || !rec.Record.IsRequired("a") || !rec.Record.IsNullable("c") || rec.Record.IsNullable("a") {
		t.Errorf("record: got %+v", rec)
	}
	if names := propertyNames(rec.Record.Properties); !slices.Equal(names, []string{"a", "b", "c", "odd/name~"}) {
		t.Errorf("properties: got %v, want them sorted by name", names)
	}
	b, _ := rec.Record.Properties.Get("b")
	if u := b.(*lexdoc.Union); !u.Closed || len(u.Refs) != 3 || u.Refs[0] != (lexdoc.DefRef{NSID: "com.example.thing", Name: "view"}) {
		t.Errorf("union: got %+v, want a closed union whose local ref names the document", u)
	}
	odd, _ := rec.Record.Properties.Get("odd/name~")
	arr := odd.(*lexdoc.Array)
	s := arr.Items.(*lexdoc.String)
	if !arr.MaxLength.Set || arr.MaxLength.Value != 3 || arr.MinLength.Set || s.Format != "did" || s.MaxGraphemes.Value != 10 || s.MaxLength.Value != 64 || !slices.Equal(s.KnownValues, []string{"x"}) || s.Enum != nil {
		t.Errorf("array of strings: got %+v of %+v", arr, s)
	}
	n, _ := doc.Defs["view"].(*lexdoc.Object).Properties.Get("n")
	if i := n.(*lexdoc.Integer); i.Minimum.Value != 1 || i.Maximum.Set || !slices.Equal(i.Enum, []int64{1, 2}) || i.Default != (lexdoc.Optional[int64]{Value: 1, Set: true}) || i.Const.Set {
		t.Errorf("integer: got %+v", i)
	}
	q := doc.Defs["q"].(*lexdoc.Query)
	if q.Parameters == nil || !q.Parameters.IsRequired("limit") || q.Output.Encoding != "application/json" || q.Output.Description != "The view." || q.Output.Schema.Type() != lexdoc.TypeRef {
		t.Errorf("query: got %+v", q)
	}
	// Lenient fields: entries without a string name are left out.
	if want := []lexdoc.EndpointError{{Name: "NotFound", Description: "No such thing."}}; !slices.Equal(q.Errors, want) {
		t.Errorf("query errors: got %+v, want %+v", q.Errors, want)
	}
	p := doc.Defs["p"].(*lexdoc.Procedure)
	if p.Parameters != nil || p.Input.Encoding != "*/*" || p.Input.Schema != nil || p.Output.Schema.Type() != lexdoc.TypeObject {
		t.Errorf("procedure: got %+v", p)
	}
	if sub := doc.Defs["sub"].(*lexdoc.Subscription); sub.Message.Schema.Type() != lexdoc.TypeUnion {
		t.Errorf("subscription: got %+v", sub)
	}
	ps := doc.Defs["perms"].(*lexdoc.PermissionSet)
	if ps.Title != "Things" || ps.Detail != "" || !maps.Equal(ps.TitleLang, map[string]string{"fr": "Choses"}) || len(ps.Permissions) != 2 {
		t.Fatalf("permission set: got %+v", ps)
	}
	if r := ps.Permissions[0]; r.Resource != "repo" || !slices.Equal(r.Collection, []string{"com.example.thing"}) || !slices.Equal(r.Action, []string{"create"}) {
		t.Errorf("repo permission: got %+v", r)
	}
	if r := ps.Permissions[1]; r.Resource != "rpc" || !r.InheritAud || r.Aud != "" || r.Location().Pointer != "/defs/perms/permissions/1" {
		t.Errorf("rpc permission: got %+v at %+v", r, r.Location())
	}
	if tok := doc.Defs["tok"]; tok.Type() != lexdoc.TypeToken || tok.Description() != "A token." {
		t.Errorf("token: got %+v", tok)
	}
}

func propertyNames(ps lexdoc.Properties) []string {
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	return names
}

// TestLocations: each schema knows its JSON Pointer and its SchemaPath.
func TestLocations(t *testing.T) {
	doc := lexicontest.Parse(t, exampleDoc)
	rec := doc.Defs["main"].(*lexdoc.Record)
	odd, _ := rec.Record.Properties.Get("odd/name~")
	q := doc.Defs["q"].(*lexdoc.Query)
	limit, _ := q.Parameters.Properties.Get("limit")
	sub := doc.Defs["sub"].(*lexdoc.Subscription)
	tests := []struct {
		name                string
		got                 lexdoc.Location
		pointer, schemaPath string
	}{
		{"record", rec.Location(), "/defs/main", "com.example.thing#main"},
		{"record body", rec.Record.Location(), "/defs/main/record", "com.example.thing#main"},
		{"escaped property", odd.Location(), "/defs/main/record/properties/odd~1name~0", "com.example.thing#main/properties/odd~1name~0"},
		{"items", odd.(*lexdoc.Array).Items.Location(), "/defs/main/record/properties/odd~1name~0/items", "com.example.thing#main/properties/odd~1name~0/items"},
		{"parameters", q.Parameters.Location(), "/defs/q/parameters", "com.example.thing#q/parameters"},
		{"parameter", limit.Location(), "/defs/q/parameters/properties/limit", "com.example.thing#q/parameters/properties/limit"},
		{"output", q.Output.Location(), "/defs/q/output", "com.example.thing#q/output"},
		{"output schema", q.Output.Schema.Location(), "/defs/q/output/schema", "com.example.thing#q/output"},
		{"message schema", sub.Message.Schema.Location(), "/defs/sub/message/schema", "com.example.thing#sub/message"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got.Pointer != tc.pointer || tc.got.SchemaPath != tc.schemaPath {
				t.Errorf("got %q and %q, want %q and %q", tc.got.Pointer, tc.got.SchemaPath, tc.pointer, tc.schemaPath)
			}
		})
	}
}

// TestParseCorpus parses the real lexicons and checks, for every schema of
// every one, that its Pointer names an object of its type in the document
// and that its SchemaPath is the Pointer as SchemaPath writes it.
func TestParseCorpus(t *testing.T) {
	dir := lexicontest.CorpusDir(t)
	docs := lexicontest.LoadDir(t, dir)
	if len(docs) != 402 {
		t.Errorf("got %d documents, want 402", len(docs))
	}
	schemas := 0
	for _, doc := range docs {
		for _, ref := range doc.References() {
			if ref == doc.ID {
				t.Errorf("%s: References lists the document itself", doc.ID)
			}
		}
		typed := map[string]string{}
		typedObjects(lexicontest.ReadJSON(t, dir+"/"+strings.ReplaceAll(string(doc.ID), ".", "/")+".json"), "", typed)
		walkDocument(doc, func(s lexdoc.Schema) {
			schemas++
			loc := s.Location()
			if got, ok := typed[loc.Pointer]; !ok || got != string(s.Type()) {
				t.Errorf("%s: %s names a schema of type %q, not %s", doc.ID, loc.Pointer, got, s.Type())
			}
			if want := schemaPath(doc.ID, loc.Pointer); loc.SchemaPath != want {
				t.Errorf("%s: got SchemaPath %q for %s, want %q", doc.ID, loc.SchemaPath, loc.Pointer, want)
			}
		})
	}
	t.Logf("%d schemas", schemas)
}

// schemaPath writes a pointer as SchemaPath does: "/defs/name" becomes
// "nsid#name", and a record's "record" and a body's "schema" are left out.
func schemaPath(nsid syntax.NSID, ptr string) string {
	toks := strings.Split(strings.TrimPrefix(ptr, "/defs/"), "/")
	out := string(nsid) + "#" + toks[0]
	for i, tok := range toks[1:] {
		if i == 0 && tok == "record" || i == 1 && tok == "schema" && slices.Contains([]string{"input", "output", "message"}, toks[1]) {
			continue
		}
		out += "/" + tok
	}
	return out
}

// walkDocument calls fn for every schema of doc.
func walkDocument(doc *lexdoc.Document, fn func(lexdoc.Schema)) {
	var walk func(lexdoc.Schema)
	body := func(b *lexdoc.Body) {
		if b != nil && b.Schema != nil {
			walk(b.Schema)
		}
	}
	params := func(p *lexdoc.Params) {
		if p != nil {
			walk(p)
		}
	}
	walk = func(s lexdoc.Schema) {
		fn(s)
		switch s := s.(type) {
		case *lexdoc.Record:
			walk(s.Record)
		case *lexdoc.Query:
			params(s.Parameters)
			body(s.Output)
		case *lexdoc.Procedure:
			params(s.Parameters)
			body(s.Input)
			body(s.Output)
		case *lexdoc.Subscription:
			params(s.Parameters)
			body(s.Message)
		case *lexdoc.PermissionSet:
			for _, p := range s.Permissions {
				walk(p)
			}
		case *lexdoc.Array:
			walk(s.Items)
		case *lexdoc.Object:
			for _, p := range s.Properties {
				walk(p.Schema)
			}
		case *lexdoc.Params:
			for _, p := range s.Properties {
				walk(p.Schema)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(doc.Defs)) {
		walk(doc.Defs[name])
	}
}

// typedObjects maps the JSON Pointer of every object in v (at ptr) that has
// a string "type" to that type.
func typedObjects(v any, ptr string, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		if t, ok := x["type"].(string); ok {
			out[ptr] = t
		}
		for k, e := range x {
			typedObjects(e, ptr+"/"+datamodel.EscapePointerToken(k), out)
		}
	case []any:
		for i, e := range x {
			typedObjects(e, ptr+"/"+strconv.Itoa(i), out)
		}
	}
}

func TestWithCID(t *testing.T) {
	doc := lexicontest.Parse(t, exampleDoc)
	withCID := doc.WithCID("bafyreid")
	if withCID.CID() != "bafyreid" || doc.CID() != "" {
		t.Errorf("got CIDs %q and %q, want the copy's set and the original's unchanged", withCID.CID(), doc.CID())
	}
	if withCID.ID != doc.ID || withCID.Defs["main"] != doc.Defs["main"] {
		t.Error("the copy does not share the definitions")
	}
}

func TestCatalog(t *testing.T) {
	doc := lexicontest.Parse(t, exampleDoc)
	cat := lexdoc.NewCatalog(doc).WithAbsent(map[syntax.NSID]string{"com.example.other": "timed out"})
	def, err := cat.Def(lexdoc.DefRef{NSID: "com.example.thing", Name: "main"})
	if err != nil || def.Type() != lexdoc.TypeRecord {
		t.Fatalf("got %+v, %v; want the main record", def, err)
	}
	if def, ok := cat.Lookup(lexdoc.DefRef{NSID: "com.example.thing"}); !ok || def.Type() != lexdoc.TypeRecord {
		t.Errorf("Lookup with no name: got %v, %v; want main", def, ok)
	}
	for _, ref := range []lexdoc.DefRef{{NSID: "com.example.thing", Name: "nope"}, {NSID: "com.example.other", Name: "x"}} {
		if _, err := cat.Def(ref); !errors.Is(err, lexdoc.ErrNotFound) {
			t.Errorf("Def(%s): got %v, want ErrNotFound", ref, err)
		}
	}
	if why, ok := cat.Absent("com.example.other"); !ok || why != "timed out" {
		t.Errorf("Absent: got %q, %v", why, ok)
	}
	if _, ok := cat.Absent("com.example.thing"); ok {
		t.Error("Absent: got a reason for a lexicon the catalog has")
	}
	docs := cat.Documents()
	if len(docs) != 1 || docs[0].ID != "com.example.thing" {
		t.Errorf("Documents: got %v", docs)
	}
}

// TestDecodeErrors: a document that is no JSON wraps both sentinels.
func TestDecodeErrors(t *testing.T) {
	_, err := lexdoc.ParseDocument([]byte(`{"lexicon":1,"id":"com.example.a","id":"com.example.b","defs":{}}`))
	if !errors.Is(err, lexdoc.ErrInvalidLexicon) || !errors.Is(err, datamodel.ErrDuplicateKey) {
		t.Errorf("got %v, want an error wrapping ErrInvalidLexicon and datamodel.ErrDuplicateKey", err)
	}
}
