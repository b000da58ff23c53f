package server

import (
	"net/http"
	"testing"
)

// TestValidateByType: without "schema", each value is checked as the
// record its own $type names.
func TestValidateByType(t *testing.T) {
	s := newTestServer(t)
	const path = "/api/v1/validate"
	const post = `{"$type":"app.bsky.feed.post","text":"hello","createdAt":"2024-01-01T00:00:00Z"}`
	const badPost = `{"$type":"app.bsky.feed.post","text":"hello","createdAt":"yesterday"}`
	ok := func(name, body string, check func(t *testing.T, b map[string]any)) apiCase {
		return apiCase{name: name, method: http.MethodPost, path: path, body: body, status: 200, check: check}
	}
	bad := func(name, body string, contains ...string) apiCase {
		return apiCase{name: name, method: http.MethodPost, path: path, body: body, status: 400, errName: "InvalidRequest", msgContains: contains}
	}
	errorAt := func(path, contains string) func(t *testing.T, b map[string]any) {
		return func(t *testing.T, b map[string]any) {
			wantField(t, b, false, "valid")
			wantField(t, b, path, "errors", 0, "path")
			wantContains(t, b, contains, "errors", 0, "message")
			if _, named := b["schema"]; named {
				t.Errorf("got schema %v, want none: the $type named nothing to check against", b["schema"])
			}
		}
	}
	runCases(t, s, []apiCase{
		ok("a bundled record type", `{"value":`+post+`}`, func(t *testing.T, b map[string]any) {
			wantField(t, b, true, "valid")
			wantField(t, b, "record", "target")
			wantField(t, b, "app.bsky.feed.post", "schema", "nsid")
			wantField(t, b, "bundled", "schema", "source")
			if _, ok := b["schema"].(map[string]any)["uri"]; ok {
				t.Errorf("got a schema AT-URI for a bundled lexicon, want none")
			}
		}),
		ok("invalid against its type", `{"value":`+badPost+`}`, func(t *testing.T, b map[string]any) {
			wantField(t, b, false, "valid")
			wantField(t, b, "/createdAt", "errors", 0, "path")
			wantField(t, b, "app.bsky.feed.post", "schema", "nsid")
		}),
		ok("no $type", `{"value":{"text":"x"}}`, errorAt("/$type", "required field missing: $type")),
		ok("not an object", `{"value":[1]}`, errorAt("", "must be a JSON object")),
		ok("a $type one edit from a known one", `{"value":{"$type":"app.bsky.feed.pots"}}`, errorAt("/$type", "did you mean app.bsky.feed.post?")),
		ok("an unknown $type, allowed", `{"value":{"$type":"com.example.nope.thing"},"options":{"allowUnresolved":true}}`, func(t *testing.T, b map[string]any) {
			wantField(t, b, true, "valid")
			wantField(t, b, "com.example.nope.thing", "unresolved", 0, "ref")
		}),
		ok("a batch of mixed types", `{"values":[`+post+`,{"$type":"com.example.note","text":"hi","createdAt":"2024-01-01T00:00:00Z"},`+badPost+`,{}]}`, func(t *testing.T, b map[string]any) {
			wantField(t, b, false, "valid")
			if _, named := b["schema"]; named {
				t.Errorf("got a batch schema %v, want one per result", b["schema"])
			}
			wantField(t, b, "app.bsky.feed.post", "results", 0, "schema", "nsid")
			wantField(t, b, true, "results", 0, "valid")
			wantField(t, b, "com.example.note", "results", 1, "schema", "nsid")
			wantField(t, b, "/createdAt", "results", 2, "errors", 0, "path")
			wantField(t, b, "/$type", "results", 3, "errors", 0, "path")
			wantField(t, b, "record", "results", 3, "target")
		}),
		bad("a pin without a schema", `{"value":`+post+`,"cid":"bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4"}`, `name the schema with "schema"`),
		bad("another target without a schema", `{"value":`+post+`,"target":"output"}`, "name the schema to check it as output"),
		bad("nothing to check", `{}`, `missing "value"`),
	})
}
