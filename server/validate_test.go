package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/lexval/lexval/resolver"
)

func validateBody(schema, value string, extra ...string) string {
	b := `{"schema":"` + schema + `","value":` + value
	for _, e := range extra {
		b += "," + e
	}
	return b + "}"
}

func TestValidate(t *testing.T) {
	s := newTestServer(t)
	const path = "/api/v1/validate"
	post := func(name, body string, status int) apiCase {
		return apiCase{name: name, method: http.MethodPost, path: path, body: body, status: status}
	}
	cases := []apiCase{
		func() apiCase {
			c := post("valid by NSID", validateBody(refreshSession, validSession), 200)
			c.golden = "validate_valid"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, "output", "target")
				wantField(t, b, refreshSessionCID, "schema", "cid")
				wantField(t, b, refreshSessionURI, "schema", "uri")
				wantField(t, b, nil, "schema", "proof")
				wantPaths(t, b["errors"])
				wantPaths(t, b["unresolved"])
			}
			return c
		}(),
		func() apiCase {
			c := post("invalid reports every error", validateBody(refreshSession, `{"refreshJwt":"x","handle":"alice.example.com","did":"plc:nope"}`), 200)
			c.golden = "validate_invalid"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"], "/accessJwt", "/did")
			}
			return c
		}(),
		func() apiCase {
			c := post("by AT-URI with matching pin", validateBody(refreshSessionURI, validSession, `"cid":"`+refreshSessionCID+`"`), 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, true, "valid") }
			return c
		}(),
		func() apiCase {
			c := post("explicit target", validateBody(refreshSession, validSession, `"target":"output"`), 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, "output", "target") }
			return c
		}(),
		func() apiCase {
			c := post("empty cid and target mean none", validateBody(refreshSession, validSession, `"cid":""`, `"target":""`), 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, true, "valid") }
			return c
		}(),
		func() apiCase {
			c := post("batch in order", `{"schema":"`+refreshSession+`","values":[`+validSession+`,{"accessJwt":1},`+validSession+`]}`, 200)
			c.golden = "validate_batch"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantField(t, b, true, "results", 0, "valid")
				wantField(t, b, false, "results", 1, "valid")
				wantField(t, b, true, "results", 2, "valid")
				if _, has := b["errors"]; has {
					t.Error("batch response has top-level errors, want only results")
				}
			}
			return c
		}(),
		func() apiCase {
			c := post("empty batch", `{"schema":"`+refreshSession+`","values":[]}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				if r, _ := b["results"].([]any); r == nil || len(r) != 0 {
					t.Errorf("got results %v, want []", b["results"])
				}
			}
			return c
		}(),
		func() apiCase {
			c := post("query defaults to output", validateBody("com.example.getThing", `{"id":"com.example.thing"}`), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, "output", "target")
				wantField(t, b, true, "valid")
				if _, has := b["schema"].(map[string]any)["uri"]; has {
					t.Error("directory schema has a uri, want none")
				}
			}
			return c
		}(),
		func() apiCase {
			c := post("params target", validateBody("com.example.getThing", `{"id":"not an nsid"}`, `"target":"params"`), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, "params", "target")
				wantPaths(t, b["errors"], "/id")
			}
			return c
		}(),
		func() apiCase {
			c := post("procedure input by target", validateBody("com.example.echo", `{"message":"hi"}`, `"target":"input"`), 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, true, "valid") }
			return c
		}(),
		func() apiCase {
			c := post("record def", validateBody("com.example.note", `{"$type":"com.example.note","text":"hi","createdAt":"2024-01-02T03:04:05Z"}`), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, "record", "target")
				wantField(t, b, true, "valid")
			}
			return c
		}(),
		func() apiCase {
			c := post("named object def", validateBody("com.example.note#tag", `{"name":"this name is far too long for the tag"}`), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, "tag", "schema", "def")
				wantPaths(t, b["errors"], "/name")
			}
			return c
		}(),
		func() apiCase {
			c := post("unresolved ref is an error by default", validateBody("com.example.note", noteWithAttachment), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				if len(errorPaths(b["errors"])) == 0 {
					t.Error("got no errors, want one naming the missing reference")
				}
			}
			return c
		}(),
		func() apiCase {
			c := post("allowUnresolved lists what was skipped", validateBody("com.example.note", noteWithAttachment, `"options":{"allowUnresolved":true}`), 200)
			c.golden = "validate_unresolved"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantPaths(t, b["errors"])
				wantField(t, b, "/attachment", "unresolved", 0, "path")
			}
			return c
		}(),
		func() apiCase {
			c := post("exact big integers", validateBody("com.example.note", `{"$type":"com.example.note","text":"hi","createdAt":"2024-01-02T03:04:05Z","count":-9007199254740993}`), 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"], "/count")
			}
			return c
		}(),
	}
	runCases(t, s, cases)
}

const noteWithAttachment = `{"$type":"com.example.note","text":"hi","createdAt":"2024-01-02T03:04:05Z","attachment":{"x":1}}`

// TestValidateErrors covers every way a validate request fails, each with its
// status and XRPC error.
func TestValidateErrors(t *testing.T) {
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.MaxBody = 64 << 10 })
	const path = "/api/v1/validate"
	bad := func(name, body string, contains ...string) apiCase {
		return apiCase{name: name, method: http.MethodPost, path: path, body: body, status: 400, errName: "InvalidRequest", msgContains: contains}
	}
	cases := []apiCase{
		func() apiCase {
			c := bad("malformed JSON", "{\n  \"schema\": \"x\",\n  \"value\": {,}\n}", "line 3, column 13")
			c.golden = "error_malformed_json"
			c.check = func(t *testing.T, b map[string]any) {
				// The position, in fields: offset and column in bytes.
				wantField(t, b, float64(31), "offset")
				wantField(t, b, float64(3), "line")
				wantField(t, b, float64(13), "column")
				wantField(t, b, "expected a string key", "reason")
			}
			return c
		}(),
		bad("truncated JSON", `{"schema":"x"`, "JSON"),
		bad("trailing data", `{"schema":"x"} {}`, "JSON"),
		func() apiCase {
			c := bad("empty body", ``, "empty")
			c.header = []string{"Content-Type", "application/json"}
			return c
		}(),
		func() apiCase {
			c := bad("body is an array", `[1,2]`, "must be a JSON object, got an array")
			c.check = func(t *testing.T, b map[string]any) {
				// JSON, so no position.
				for _, f := range []string{"offset", "line", "column", "reason"} {
					wantField(t, b, nil, f)
				}
			}
			return c
		}(),
		bad("too deep", `{"schema":"`+refreshSession+`","value":`+strings.Repeat("[", 200)+strings.Repeat("]", 200)+`}`, "JSON"),
		bad("no value", `{"schema":"`+refreshSession+`"}`, `missing "value"`),
		bad("schema not a string", `{"schema":1,"value":{}}`, `"schema" must be a string, got an integer`),
		bad("schema not an NSID", validateBody("refreshSession", `{}`), "refreshSession"),
		bad("schema wrong collection", validateBody("at://did:plc:6msi3pj7krzih5qxqtryxlzw/app.bsky.feed.post/x", `{}`), "com.atproto.lexicon.schema"),
		bad("missing value", `{"schema":"`+refreshSession+`"}`, `missing "value"`),
		bad("value and values", `{"schema":"`+refreshSession+`","value":{},"values":[]}`, "not several"),
		bad("value and uri", `{"schema":"`+refreshSession+`","value":{},"uri":"at://did:plc:abc/a.b.c/r"}`, "not several"),
		bad("uri not a string", `{"schema":"`+refreshSession+`","uri":1}`, `"uri" must be a string`),
		bad("uri not an AT-URI", `{"schema":"`+refreshSession+`","uri":"https://example.com/x"}`, "not an AT-URI"),
		bad("uri with a handle, network off", `{"schema":"`+refreshSession+`","uri":"at://alice.example.com/a.b.c/r"}`, "network resolution is off"),
		bad("uri naming no record", `{"schema":"`+refreshSession+`","uri":"at://did:plc:abc/a.b.c"}`, "does not name a record"),
		bad("uri with the network off", `{"schema":"`+refreshSession+`","uri":"at://did:plc:abc/a.b.c/r"}`, "network resolution is off"),
		bad("values not an array", `{"schema":"`+refreshSession+`","values":{}}`, `"values" must be an array`),
		bad("batch too large", `{"schema":"`+refreshSession+`","values":[`+strings.Repeat(`1,`, maxBatch)+`1]}`, "split the batch"),
		bad("unknown field", validateBody(refreshSession, `{}`, `"option":{}`), `unknown field "option"`),
		bad("options not an object", validateBody(refreshSession, `{}`, `"options":true`), `"options" must be an object`),
		bad("unknown option", validateBody(refreshSession, `{}`, `"options":{"strict":true}`), `unknown field "strict"`),
		bad("option not a bool", validateBody(refreshSession, `{}`, `"options":{"lenient":"yes"}`), `"lenient" must be true or false`),
		bad("invalid cid", validateBody(refreshSession, `{}`, `"cid":"not-a-cid"`), `"not-a-cid" is not a CID`),
		bad("unknown target name", validateBody(refreshSession, `{}`, `"target":"body"`), `"body" is not a target`),
		bad("target the schema lacks", validateBody(refreshSession, `{}`, `"target":"input"`), "output"),
		bad("ambiguous target", validateBody("com.example.echo", `{}`), "input", "output"),
		{
			name: "wrong content type", method: http.MethodPost, path: path, body: validateBody(refreshSession, `{}`),
			header: []string{"Content-Type", "application/x-www-form-urlencoded"},
			status: 415, errName: "UnsupportedMediaType", msgContains: []string{"application/json"},
		},
		{
			name: "no content type", method: http.MethodPost, path: path, body: validateBody(refreshSession, validSession),
			header: []string{"Content-Type", ""},
			status: 415, errName: "UnsupportedMediaType", msgContains: []string{"no Content-Type", "send Content-Type: application/json"},
		},
		{
			name: "json suffix content type", method: http.MethodPost, path: path, body: validateBody(refreshSession, validSession),
			header: []string{"Content-Type", "application/vnd.lexval+json; charset=utf-8"},
			status: 200,
		},
		{
			name: "body over the limit", method: http.MethodPost, path: path,
			body:   validateBody(refreshSession, `"`+strings.Repeat("x", 65<<10)+`"`),
			status: 413, errName: "PayloadTooLarge", msgContains: []string{"65536 bytes"}, golden: "error_too_large",
		},
		{
			name: "unknown schema", method: http.MethodPost, path: path, body: validateBody("com.example.nothing", `{}`),
			status: 404, errName: "LexiconNotFound", msgContains: []string{"com.example.nothing"}, golden: "error_not_found",
		},
		{
			name: "unknown definition", method: http.MethodPost, path: path, body: validateBody("com.example.note#nothing", `{}`),
			status: 404, errName: "LexiconNotFound", msgContains: []string{"nothing"},
		},
		{
			name: "pinned CID mismatch", method: http.MethodPost, path: path, body: validateBody(refreshSession, validSession, `"cid":"`+lexiconSchemaCID+`"`),
			status: 409, errName: "CIDMismatch", msgContains: []string{refreshSessionCID, lexiconSchemaCID}, golden: "error_cid_mismatch",
		},
		{
			name: "wrong method", method: http.MethodGet, path: path,
			status: 405, errName: "MethodNotAllowed", msgContains: []string{"GET", "POST"}, golden: "error_method",
		},
	}
	runCases(t, s, cases)
}

// TestBodyLimitChunked checks the limit when the client announces no length.
func TestBodyLimitChunked(t *testing.T) {
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.MaxBody = 1 << 10 })
	req := newChunkedRequest(validateBody(refreshSession, `"`+strings.Repeat("x", 2<<10)+`"`))
	r := s.serve(req)
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("got %d, want 413\n%s", r.status, r.body)
	}
	checkErrorShape(t, r.decode(t), "PayloadTooLarge")

	// Under the limit, a chunked body is read whole.
	r = s.serve(newChunkedRequest(validateBody(refreshSession, validSession)))
	if r.status != http.StatusOK {
		t.Fatalf("got %d, want 200\n%s", r.status, r.body)
	}
}
