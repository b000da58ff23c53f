package datamodel

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// sameAsFlat checks that DecodeJSONFlat decodes s as DecodeJSONStringChecked
// does: the same error, or the same tree once its Objects are maps, and the
// same data-model verdict.
func sameAsFlat(t *testing.T, s string) {
	t.Helper()
	want, wantKnown, wantErr := DecodeJSONStringChecked(s)
	got, known, err := DecodeJSONFlat(s)
	switch {
	case (err == nil) != (wantErr == nil):
		t.Fatalf("%q: DecodeJSONFlat error %v, DecodeJSONStringChecked error %v", s, err, wantErr)
	case err != nil:
		if !reflect.DeepEqual(err, wantErr) {
			t.Fatalf("%q: DecodeJSONFlat error %#v, DecodeJSONStringChecked error %#v", s, err, wantErr)
		}
		return
	}
	if known != wantKnown {
		t.Fatalf("%q: DecodeJSONFlat known valid %v, DecodeJSONStringChecked %v", s, known, wantKnown)
	}
	if m := Maps(got); !reflect.DeepEqual(m, want) {
		t.Fatalf("%q: Maps(DecodeJSONFlat) is\n%#v\nwant\n%#v", s, m, want)
	}
}

// TestDecodeJSONFlat: every value and every error of the decoder's tables
// comes out of DecodeJSONFlat the same, and objects are Objects in input
// order.
func TestDecodeJSONFlat(t *testing.T) {
	const link = `{"$link":"bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"}`
	inputs := []string{
		`{"a": 1, "b": [true, false, null], "c": "x"}`, `{"a":{},"b":[]}`, `[{"x":[{"y":1.5}]},2]`, `"s"`, `[]`, `{}`,
		`{"$type":"blob","ref":` + link + `,"mimeType":"image/png","size":1234}`,
		`{"$type":"blob","ref":` + link + `,"mimeType":"","size":1}`,
		`{"$type":"blob","ref":{"$link":"bafy"},"mimeType":"a","size":1}`,
		link, `{"$link":"bafy"}`, `{"$bytes":"aGk="}`, `{"$type":1}`, `{"n":1e3}`,
		// errors, duplicate keys among them, in small and large objects
		"{\"a\": 1,\n \"a\": 2}", `{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k3":0}`,
		`{"a":[{"b":1,"c":2,"b":3}]}`, `{"a":1`, "[\"\xff\"]", strings.Repeat(`{"a":`, 129) + "1" + strings.Repeat("}", 129),
	}
	var big strings.Builder
	big.WriteString("{")
	for i := range 40 {
		if i > 0 {
			big.WriteString(",")
		}
		big.WriteString(`"k` + strings.Repeat("x", i) + `":` + "1")
	}
	inputs = append(inputs, big.String()+"}", big.String()+`,"kxxx":2}`)
	for _, in := range inputs {
		sameAsFlat(t, in)
	}

	v, _, err := DecodeJSONFlat(`{"b":1,"a":{"c":[{"d":null}]},"$type":"x"}`)
	if err != nil {
		t.Fatal(err)
	}
	want := Object{
		{"b", json.Number("1")},
		{"a", Object{{"c", []any{Object{{"d", nil}}}}}},
		{"$type", "x"},
	}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("got %#v, want %#v", v, want)
	}
	if got, ok := Field(v, "$type"); !ok || got != "x" {
		t.Errorf("Field($type) = %v, %v", got, ok)
	}
	if _, ok := Field(v, "z"); ok {
		t.Error("Field finds a member that is not there")
	}
	if n, ok := ObjectLen(v); !ok || n != 3 {
		t.Errorf("ObjectLen = %d, %v", n, ok)
	}
	if _, ok := ObjectLen([]any{}); ok {
		t.Error("ObjectLen calls an array an object")
	}
}

// TestMapsKeepsMapTrees: Maps returns a tree without Objects as it is, and
// copies (never changes) the arrays of a flat tree.
func TestMapsKeepsMapTrees(t *testing.T) {
	tree, err := DecodeJSONString(`[{"a":[1]},2]`)
	if err != nil {
		t.Fatal(err)
	}
	if got := Maps(tree); &got.([]any)[0] != &tree.([]any)[0] {
		t.Error("Maps copied a tree that holds no Object")
	}
	flat, _, err := DecodeJSONFlat(`[{"a":[1]},2]`)
	if err != nil {
		t.Fatal(err)
	}
	m := Maps(flat)
	if _, ok := flat.([]any)[0].(Object); !ok {
		t.Error("Maps changed the flat tree it converted")
	}
	if !reflect.DeepEqual(m, tree) {
		t.Errorf("got %#v, want %#v", m, tree)
	}
}

func BenchmarkDecodeJSONFlat(b *testing.B) {
	post := `{"$type":"app.bsky.feed.post","text":"hello world, this is a post with a link","createdAt":"2024-01-01T00:00:00.000Z",` +
		`"langs":["en"],"facets":[{"index":{"byteStart":0,"byteEnd":5},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"https://example.com"}]}]}`
	// A validate request of bench/http.sh: long strings (tokens).
	session := `{"schema":"com.atproto.server.refreshSession","target":"output","value":{"accessJwt":"eyJ0eXAiOiJhdCtqd3QiLCJhbGciOiJFUzI1NksifQ.eyJzY29wZSI6ImNvbS5hdHByb3RvLmFjY2VzcyIsInN1YiI6ImRpZDpwbGM6Nm1zaTNwajdrcnppaDVxeHF0cnl4bHp3In0.c2lnbmF0dXJl",` +
		`"refreshJwt":"eyJ0eXAiOiJyZWZyZXNoK2p3dCIsImFsZyI6IkVTMjU2SyJ9.eyJzY29wZSI6ImNvbS5hdHByb3RvLnJlZnJlc2giLCJzdWIiOiJkaWQ6cGxjOjZtc2kzcGo3a3J6aWg1cXhxdHJ5eGx6dyJ9.c2lnbmF0dXJl",` +
		`"handle":"alice.bsky.social","did":"did:plc:6msi3pj7krzih5qxqtryxlzw","active":true,"didDoc":{"@context":["https://www.w3.org/ns/did/v1"],"id":"did:plc:6msi3pj7krzih5qxqtryxlzw"}}}`
	for _, in := range []struct{ name, json string }{{"post", post}, {"session", session}} {
		for _, flat := range []bool{false, true} {
			name := in.name + "/maps"
			if flat {
				name = in.name + "/flat"
			}
			b.Run(name, func(b *testing.B) {
				b.ReportAllocs()
				b.SetBytes(int64(len(in.json)))
				for b.Loop() {
					if _, _, err := decodeString(in.json, flat); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
