package datamodel

import (
	"strings"
	"testing"
)

// TestDecodeJSONStringChecked: the values the decoder calls valid in the
// data model are, and the common ones are recognised; whatever it does not
// judge, or finds wrong, is left to Valid.
func TestDecodeJSONStringChecked(t *testing.T) {
	const link = `{"$link":"bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm"}`
	blob := `{"$type":"blob","ref":` + link + `,"mimeType":"image/png","size":1234}`
	for _, tc := range []struct {
		json  string
		known bool // what DecodeJSONStringChecked must say
	}{
		{`{"text":"hi","n":-123456789012345678,"ok":true,"x":null,"a":[1,"b",{}]}`, true},
		{`{"$type":"app.bsky.feed.post","embed":{"$type":"app.bsky.embed.images","images":[{"image":` + blob + `,"alt":""}]}}`, true},
		{`{"$unknown":1,"v":` + link + `}`, true},
		{`-0`, true},
		{`{"n":1.5}`, false},
		{`{"n":1.0}`, false},           // valid, but left to Valid
		{`{"n":1e3}`, false},           // valid, but left to Valid
		{`1234567890123456789`, false}, // 19 digits: in range, but left to Valid
		{`99999999999999999999`, false},
		{`{"$type":""}`, false},
		{`{"$type":1}`, false},
		{`{"$bytes":"aGk="}`, false},
		{`{"$link":"bafy"}`, false},
		{`{"$link":"bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm","x":1}`, false},
		{`{"$type":"blob","ref":` + link + `,"mimeType":"image/png"}`, false},
		{`{"$type":"blob","ref":` + link + `,"mimeType":"","size":1}`, false},
		{`{"$type":"blob","ref":` + link + `,"mimeType":"a","size":-1}`, false},
		{`{"$type":"blob","ref":` + link + `,"mimeType":"a","size":1,"extra":1}`, false},
		{`{"$type":"blob","ref":{"$link":"bafy"},"mimeType":"a","size":1}`, false},
		{`[{"a":[{"b":1.5}]}]`, false},
	} {
		v, known, err := DecodeJSONStringChecked(tc.json)
		if err != nil {
			t.Fatalf("%s: %v", tc.json, err)
		}
		if known != tc.known {
			t.Errorf("%s: known valid %v, want %v", tc.json, known, tc.known)
		}
		if known && !Valid(v) {
			t.Errorf("%s: known valid, but Valid says no", tc.json)
		}
	}
	if _, known, err := DecodeJSONStringChecked(`{"a":1.5`); err == nil || known {
		t.Errorf("truncated input: known %v, err %v; want an error and not known", known, err)
	}
	// The deepest value the decoder accepts is within the walk's depth.
	deep := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	if v, known, err := DecodeJSONStringChecked(deep); err != nil || !known || !Valid(v) {
		t.Errorf("%d nested arrays: known %v, err %v", MaxDepth, known, err)
	}
}
