package validator

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

var update = flag.Bool("update", false, "rewrite golden files")

// compilePlain compiles a JSON Schema document the way any draft 2020-12
// tool would: checked against the meta-schema, without the lexicon keyword or
// formats, and with nothing loadable from outside the document.
func compilePlain(doc []byte) (*jsonschema.Schema, error) {
	plain := jsonschema.NewCompiler()
	plain.Draft = jsonschema.Draft2020
	plain.LoadURL = func(u string) (io.ReadCloser, error) { return nil, errors.New("external reference " + u) }
	if err := plain.AddResource("urn:test:schema", bytes.NewReader(doc)); err != nil {
		return nil, err
	}
	return plain.Compile("urn:test:schema")
}

// TestJSONSchemaSelfContained gives Schema.JSONSchema to a plain JSON Schema
// compiler (no lexicon keyword, no lexicon formats, nothing loadable): it
// must compile on its own and still tell a valid post from one missing its
// text.
func TestJSONSchemaSelfContained(t *testing.T) {
	c := corpusCompiler(t)
	s, err := c.Compile(lexdoc.DefRef{NSID: "app.bsky.feed.post", Name: "main"}, TargetRecord, Options{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := compilePlain(s.JSONSchema())
	if err != nil {
		t.Fatalf("a plain compiler cannot compile JSONSchema(): %v", err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "bench", "post-medium.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := datamodel.DecodeJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := js.Validate(v); err != nil {
		t.Errorf("plain validation of a valid post: %v", err)
	}
	delete(v.(map[string]any), "text")
	if err := js.Validate(v); err == nil {
		t.Error("plain validation accepts a post without text")
	}
}

// TestJSONSchemaGolden pins the translation of small definitions; refresh
// with go test -run TestJSONSchemaGolden -update.
func TestJSONSchemaGolden(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "bench", "refresh-session-lexicon.json"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := lexdoc.ParseDocument(data)
	if err != nil {
		t.Fatal(err)
	}
	feed := lexicontest.Parse(t, `{"lexicon": 1, "id": "com.example.feed", "defs": {
	  "main": {"type": "record", "key": "tid", "record": {"type": "object", "required": ["text"], "nullable": ["note"], "properties": {
	    "text": {"type": "string", "maxLength": 300, "maxGraphemes": 30},
	    "note": {"type": "ref", "ref": "#strongRef"},
	    "a": {"type": "ref", "ref": "#strongRef"},
	    "b": {"type": "ref", "ref": "#strongRef"},
	    "embed": {"type": "union", "refs": ["#strongRef", "com.example.missing"]},
	    "langs": {"type": "array", "maxLength": 3, "items": {"type": "string", "format": "language"}},
	    "kind": {"type": "string", "enum": ["a", "b"]},
	    "n": {"type": "integer", "minimum": 0, "maximum": 9},
	    "data": {"type": "bytes", "maxLength": 8},
	    "image": {"type": "blob", "accept": ["image/*"], "maxSize": 1000},
	    "link": {"type": "cid-link"},
	    "extra": {"type": "unknown"}}}},
	  "strongRef": {"type": "object", "required": ["uri"], "properties": {"uri": {"type": "string", "format": "at-uri"}}}}}`)
	c := NewCompiler(lexdoc.NewCatalog(rs, feed))
	for _, tc := range []struct {
		name   string
		ref    lexdoc.DefRef
		target Target
	}{
		{"refresh-session-output", lexdoc.DefRef{NSID: "com.atproto.server.refreshSession", Name: "main"}, TargetOutput},
		{"feed-record", lexdoc.DefRef{NSID: "com.example.feed", Name: "main"}, TargetRecord},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := c.Compile(tc.ref, tc.target, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, s.JSONSchema(), "", "  "); err != nil {
				t.Fatal(err)
			}
			got.WriteByte('\n')
			path := filepath.Join("testdata", "jsonschema", tc.name+".golden.json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got.String() != string(want) {
				t.Errorf("JSONSchema differs from %s (run with -update after checking):\n%s", path, got.String())
			}
			if strings.Contains(got.String(), "urn:lexval") {
				t.Error("the document names an internal resource URL")
			}
		})
	}
}
