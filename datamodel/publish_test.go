package datamodel

import (
	"errors"
	"maps"
	"reflect"
	"testing"
)

func TestPublishLexicon(t *testing.T) {
	const doc = "{\n  \"lexicon\": 1, \"id\": \"com.example.ping\", \"defs\": {\"main\": {\"type\": \"token\"}}}\n"
	const typed = `{"$type":"com.atproto.lexicon.schema","lexicon":1,"id":"com.example.ping","defs":{"main":{"type":"token"}}}`
	// encoding/json's rendering: keys sorted.
	const marshaled = `{"$type":"com.atproto.lexicon.schema","defs":{"main":{"type":"token"}},"id":"com.example.ping","lexicon":1}`
	tests := []struct {
		name     string
		raw      string
		keepRaw  bool // pass raw to PublishLexicon
		wantJSON string
		wantErr  error
	}{
		{name: "no $type, as written", raw: doc, keepRaw: true, wantJSON: "{\"$type\":\"com.atproto.lexicon.schema\",\n  \"lexicon\": 1, \"id\": \"com.example.ping\", \"defs\": {\"main\": {\"type\": \"token\"}}}\n"},
		{name: "no $type, no text", raw: doc, wantJSON: marshaled},
		{name: "$type already", raw: typed, keepRaw: true, wantJSON: typed},
		{name: "$type already, no text", raw: typed, wantJSON: marshaled},
		{name: "empty document", raw: ` {} `, keepRaw: true, wantJSON: `{"$type":"com.atproto.lexicon.schema"} `},
		{name: "another $type", raw: `{"$type":"app.bsky.feed.post","lexicon":1}`, keepRaw: true, wantErr: ErrNotSchemaRecord},
		{name: "$type not a string", raw: `{"$type":1,"lexicon":1}`, wantErr: ErrNotSchemaRecord},
		{name: "a float", raw: `{"lexicon":1,"defs":{"main":{"type":"integer","default":1.5}}}`, keepRaw: true, wantErr: ErrInvalidJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := DecodeJSON([]byte(tt.raw))
			if err != nil {
				t.Fatal(err)
			}
			m := v.(map[string]any)
			before := len(m)
			var raw []byte
			if tt.keepRaw {
				raw = []byte(tt.raw)
			}
			pub, err := PublishLexicon(m, raw)
			if len(m) != before {
				t.Errorf("the document changed: got %d members, want %d", len(m), before)
			}
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got error %v, want one wrapping %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(pub.JSON) != tt.wantJSON {
				t.Errorf("got JSON %s, want %s", pub.JSON, tt.wantJSON)
			}
			// The JSON is the document with $type, and the CID its hash.
			fromJSON, err := DecodeJSON(pub.JSON)
			if err != nil {
				t.Fatalf("the record's JSON does not decode: %v", err)
			}
			want := maps.Clone(m)
			want["$type"] = string(SchemaCollection)
			if !reflect.DeepEqual(fromJSON, want) {
				t.Errorf("the JSON decodes to %v, want %v", fromJSON, want)
			}
			c, err := RecordCID(fromJSON)
			if err != nil {
				t.Fatal(err)
			}
			if !c.Equals(pub.CID) {
				t.Errorf("got CID %s, want the record's %s", pub.CID, c)
			}
		})
	}
}
