package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/reference"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

const resolveLexiconPath = "/xrpc/com.atproto.lexicon.resolveLexicon"

func TestResolveLexicon(t *testing.T) {
	s := newTestServer(t)
	get := func(name, query string, status int) apiCase {
		return apiCase{name: name, method: http.MethodGet, path: resolveLexiconPath + query, status: status}
	}
	cases := []apiCase{
		func() apiCase {
			c := get("embedded record", "?nsid="+refreshSession, 200)
			c.golden = "resolve_lexicon"
			c.check = func(t *testing.T, b map[string]any) {
				if len(b) != 3 {
					t.Errorf("got fields %v, want exactly uri, cid, schema", b)
				}
				wantField(t, b, refreshSessionURI, "uri")
				wantField(t, b, refreshSessionCID, "cid")
				wantField(t, b, "com.atproto.lexicon.schema", "schema", "$type")
				wantField(t, b, refreshSession, "schema", "id")
			}
			return c
		}(),
		func() apiCase {
			c := get("missing nsid", "", 400)
			c.errName, c.msgContains = "InvalidRequest", []string{"nsid"}
			return c
		}(),
		func() apiCase {
			c := get("invalid nsid", "?nsid=not-an-nsid", 400)
			c.errName, c.msgContains = "InvalidRequest", []string{"not-an-nsid"}
			return c
		}(),
		func() apiCase {
			c := get("nsid with a fragment", "?nsid=com.example.note%23tag", 400)
			c.errName = "InvalidRequest"
			return c
		}(),
		func() apiCase {
			c := get("unknown lexicon", "?nsid=com.example.nothing", 404)
			c.errName, c.golden = "LexiconNotFound", "resolve_lexicon_not_found"
			return c
		}(),
		func() apiCase {
			c := get("directory document has no record", "?nsid=com.example.note", 404)
			c.errName, c.msgContains = "LexiconNotFound", []string{"local file"}
			return c
		}(),
		{name: "wrong method", method: http.MethodPost, path: resolveLexiconPath, body: `{}`, status: 405, errName: "MethodNotAllowed"},
		{name: "unknown XRPC method", method: http.MethodGet, path: "/xrpc/com.example.nothing", status: 404, errName: "MethodNotImplemented", msgContains: []string{"com.example.nothing"}},
	}
	runCases(t, s, cases)
}

// TestResolveLexiconMatchesItsLexicon validates the method's responses
// against the official lexicon with lexval itself: the output against the
// output schema, and error bodies against the XRPC error shape with names the
// lexicon declares (or InvalidRequest, which every method may return).
func TestResolveLexiconMatchesItsLexicon(t *testing.T) {
	dir := reference.Path(t, "atproto", "lexicons", "com", "atproto", "lexicon")
	res, err := resolver.New(resolver.Config{Directories: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	official := service.New(res)
	ctx := context.Background()
	ref, err := service.ParseSchemaRef("com.atproto.lexicon.resolveLexicon")
	if err != nil {
		t.Fatal(err)
	}
	output, err := official.Prepare(ctx, service.Request{Schema: ref, Target: validator.TargetOutput})
	if err != nil {
		t.Fatalf("compiling the official lexicon's output: %v", err)
	}
	params, err := official.Prepare(ctx, service.Request{Schema: ref, Target: validator.TargetParams})
	if err != nil {
		t.Fatalf("compiling the official lexicon's params: %v", err)
	}
	errorShape, _, err := official.PrepareDocument(ctx, mustDecode(t, xrpcErrorLexicon), "", "", validator.Options{})
	if err != nil {
		t.Fatalf("compiling the XRPC error shape: %v", err)
	}
	declared := declaredErrors(t, output.Record.Value)
	if !slices.Contains(declared, "LexiconNotFound") {
		t.Fatalf("got declared errors %v, want LexiconNotFound among them", declared)
	}

	s := newTestServer(t)
	for _, tc := range []struct {
		name, nsid string
		status     int
	}{
		{name: "found", nsid: refreshSession, status: 200},
		{name: "found lexicon schema", nsid: "com.atproto.lexicon.schema", status: 200},
		{name: "not found", nsid: "com.example.nothing", status: 404},
		{name: "directory document", nsid: "com.example.note", status: 404},
		{name: "invalid nsid", nsid: "nope", status: 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, http.MethodGet, resolveLexiconPath+"?nsid="+tc.nsid, "")
			if r.status != tc.status {
				t.Fatalf("got %d, want %d\n%s", r.status, tc.status, r.body)
			}
			body := mustDecode(t, string(r.body))
			if tc.status == 200 {
				checkResult(t, "params", params.Validate(map[string]any{"nsid": tc.nsid}))
				checkResult(t, "output", output.Validate(body))
				return
			}
			checkResult(t, "error body", errorShape.Validate(body))
			name, _ := body.(map[string]any)["error"].(string)
			if name != "InvalidRequest" && !slices.Contains(declared, name) {
				t.Errorf("got error %q, want InvalidRequest or one the lexicon declares (%v)", name, declared)
			}
		})
	}
}

// xrpcErrorLexicon is the XRPC error body, written as a lexicon.
const xrpcErrorLexicon = `{"lexicon":1,"id":"com.example.xrpc.error","defs":{"main":{"type":"object","required":["error","message"],"properties":{"error":{"type":"string","minLength":1},"message":{"type":"string"}}}}}`

func mustDecode(t *testing.T, s string) any {
	t.Helper()
	v, err := datamodel.DecodeJSON([]byte(s))
	if err != nil {
		t.Fatalf("decoding %s: %v", s, err)
	}
	return v
}

func checkResult(t *testing.T, what string, r validator.Result) {
	t.Helper()
	if !r.Valid || len(r.Unresolved) > 0 {
		t.Errorf("%s: got valid=%v errors=%v unresolved=%v, want valid with nothing unresolved", what, r.Valid, r.Errors, r.Unresolved)
	}
}

// declaredErrors lists the error names of a method lexicon's main def.
func declaredErrors(t *testing.T, record json.RawMessage) []string {
	t.Helper()
	var doc struct {
		Defs struct {
			Main struct {
				Errors []struct{ Name string } `json:"errors"`
			} `json:"main"`
		} `json:"defs"`
	}
	if err := json.Unmarshal(record, &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range doc.Defs.Main.Errors {
		names = append(names, e.Name)
	}
	return names
}

// minMaxDoc compiles but breaks an authoring rule (minimum above maximum).
const minMaxDoc = `{"lexicon":1,"id":"com.example.minmax","defs":{"main":{"type":"object","properties":{"n":{"type":"integer","minimum":5,"maximum":1}}}}}`

const xrpcValidatePath = "/xrpc/com.atproto.lexicon.validate"

// danglingDoc is clean but for a reference to a lexicon nobody supplies, at
// /defs/main/record/properties/x/ref.
const danglingDoc = `{"lexicon":1,"id":"com.example.dangling","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{"x":{"type":"ref","ref":"com.example.missing#thing"},"n":{"type":"integer"}}}}}}`

// loopDoc passes the parser but cannot be compiled: main is a ref to itself.
const loopDoc = `{"lexicon":1,"id":"com.example.loop","defs":{"main":{"type":"ref","ref":"#main"}}}`

// wantNoCompilerInternals fails when a response speaks of the JSON Schema
// that lexval compiles lexicons to rather than of the lexicon.
func wantNoCompilerInternals(t *testing.T, body []byte) {
	t.Helper()
	for _, internal := range []string{"jsonschema", "urn:lexval", "$ref", "compilation failed"} {
		if strings.Contains(string(body), internal) {
			t.Errorf("got %s, want nothing of the compiler (%q)", body, internal)
		}
	}
}

func TestXRPCValidate(t *testing.T) {
	s := newTestServer(t)
	post := func(name, body string, status int) apiCase {
		return apiCase{name: name, method: http.MethodPost, path: xrpcValidatePath, body: body, status: status}
	}
	bad := func(name, body string, contains ...string) apiCase {
		c := post(name, body, 400)
		c.errName, c.msgContains = "InvalidRequest", contains
		return c
	}
	draftRecord := `{"$type":"com.example.draft","text":"hello"}`
	cases := []apiCase{
		func() apiCase {
			c := post("NSID and a valid record", `{"schema":"`+refreshSession+`","record":`+validSession+`}`, 200)
			c.golden = "xrpc_validate_valid"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, refreshSessionCID, "schema", "cid")
				wantField(t, b, "output", "target")
			}
			return c
		}(),
		func() apiCase {
			c := post("AT-URI and an invalid record", `{"schema":"`+refreshSessionURI+`","record":{"did":"plc:nope"}}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"], "/accessJwt", "/did", "/handle", "/refreshJwt")
			}
			return c
		}(),
		func() apiCase {
			c := post("published schema without a record is linted", `{"schema":"`+refreshSessionURI+`"}`, 200)
			c.golden = "xrpc_validate_lint_published"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, refreshSessionCID, "schema", "cid")
			}
			return c
		}(),
		func() apiCase {
			c := post("document and a record", `{"schema":`+cleanDoc+`,"record":`+draftRecord+`}`, 200)
			c.golden = "xrpc_validate_document"
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, "com.example.draft", "schema", "nsid")
				wantField(t, b, nil, "schema", "uri")
				wantField(t, b, "record", "target")
			}
			return c
		}(),
		func() apiCase {
			c := post("document and an invalid record", `{"schema":`+cleanDoc+`,"record":{"$type":"com.example.draft","text":"far too long"}}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"], "/text")
			}
			return c
		}(),
		func() apiCase {
			c := post("document without a record is linted", `{"schema":`+brokenDoc+`}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				if len(errorPaths(b["errors"])) == 0 {
					t.Error("got no lint errors, want some")
				}
			}
			return c
		}(),
		func() apiCase {
			c := post("lint errors beside a valid record", `{"schema":`+minMaxDoc+`,"record":{"n":3}}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				if len(errorPaths(b["schemaErrors"])) == 0 {
					t.Error("got no schemaErrors, want the document's lint errors")
				}
			}
			return c
		}(),
		func() apiCase {
			c := post("allowUnresolved", `{"schema":"com.example.note","record":`+noteWithAttachment+`,"allowUnresolved":true}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, "/attachment", "unresolved", 0, "path")
			}
			return c
		}(),
		func() apiCase {
			c := post("target", `{"schema":"com.example.echo","record":{"echo":"hi"},"target":"output"}`, 200)
			c.check = func(t *testing.T, b map[string]any) { wantField(t, b, true, "valid") }
			return c
		}(),
		bad("missing schema", `{"record":{}}`, `missing "schema"`),
		bad("schema a number", `{"schema":1}`, "got an integer"),
		bad("schema null", `{"schema":null}`, "got null"),
		bad("schema not an NSID", `{"schema":"nope"}`, "nope"),
		bad("unknown field", `{"schema":"`+refreshSession+`","records":[]}`, `unknown field "records"`),
		bad("allowUnresolved not a bool", `{"schema":"`+refreshSession+`","allowUnresolved":"yes"}`, "true or false"),
		bad("ambiguous target", `{"schema":"com.example.echo","record":{}}`, "input", "output"),
		func() apiCase {
			c := post("document too broken to parse", `{"schema":{"lexicon":1},"record":{}}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"])
				wantPaths(t, b["schemaErrors"], "/defs", "/id")
				wantField(t, b, nil, "schema")
				wantField(t, b, nil, "target")
			}
			return c
		}(),
		func() apiCase {
			c := post("document too broken to compile", `{"schema":`+loopDoc+`,"record":{}}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"])
				wantPaths(t, b["schemaErrors"], "/defs/main/type")
				wantField(t, b, nil, "schema")
				wantField(t, b, nil, "target")
				raw, _ := json.Marshal(b)
				wantNoCompilerInternals(t, raw)
			}
			return c
		}(),
		func() apiCase {
			c := post("document with a dangling ref, a record reaching it, allowUnresolved",
				`{"schema":`+danglingDoc+`,"record":{"$type":"com.example.dangling","x":{}},"allowUnresolved":true}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantPaths(t, b["errors"])
				wantField(t, b, nil, "schemaErrors")
				wantField(t, b, "com.example.missing#thing", "unresolved", 0, "ref")
				wantField(t, b, "/x", "unresolved", 0, "path")
			}
			return c
		}(),
		func() apiCase {
			c := post("document with a dangling ref, a record not reaching it, allowUnresolved",
				`{"schema":`+danglingDoc+`,"record":{"$type":"com.example.dangling","n":1},"allowUnresolved":true}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantField(t, b, nil, "schemaErrors")
				wantField(t, b, nil, "unresolved", 0)
			}
			return c
		}(),
		func() apiCase {
			c := post("document with a dangling ref, allowUnresolved, an invalid record",
				`{"schema":`+danglingDoc+`,"record":{"$type":"com.example.dangling","x":{},"n":"one"},"allowUnresolved":true}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"], "/n")
				wantField(t, b, "/x", "unresolved", 0, "path")
			}
			return c
		}(),
		func() apiCase {
			c := post("document with a dangling ref and a record", `{"schema":`+danglingDoc+`,"record":{"$type":"com.example.dangling","n":1}}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["schemaErrors"], "/defs/main/record/properties/x/ref")
			}
			return c
		}(),
		func() apiCase {
			c := post("document with a dangling ref linted, allowUnresolved", `{"schema":`+danglingDoc+`,"allowUnresolved":true}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, true, "valid")
				wantPaths(t, b["errors"])
				wantField(t, b, "com.example.missing#thing", "unresolved", 0, "ref")
				wantField(t, b, "/defs/main/record/properties/x/ref", "unresolved", 0, "path")
			}
			return c
		}(),
		func() apiCase {
			c := post("document with a dangling ref linted", `{"schema":`+danglingDoc+`}`, 200)
			c.check = func(t *testing.T, b map[string]any) {
				wantField(t, b, false, "valid")
				wantPaths(t, b["errors"], "/defs/main/record/properties/x/ref")
				wantField(t, b, nil, "unresolved", 0)
			}
			return c
		}(),
		bad("document not publishable", `{"schema":{"lexicon":1,"id":"com.example.float","defs":{"main":{"type":"object","properties":{}}},"x":1.5},"record":{}}`),
		func() apiCase {
			c := post("unknown lexicon", `{"schema":"com.example.nothing","record":{}}`, 404)
			c.errName = "LexiconNotFound"
			return c
		}(),
		func() apiCase {
			c := post("unknown def without a record", `{"schema":"`+refreshSession+`#zzz"}`, 404)
			c.errName, c.msgContains = "LexiconNotFound", []string{`no definition "zzz"`}
			return c
		}(),
		func() apiCase {
			c := post("unknown lexicon without a record", `{"schema":"com.example.nothing"}`, 404)
			c.errName = "LexiconNotFound"
			return c
		}(),
		{name: "wrong method", method: http.MethodGet, path: xrpcValidatePath, status: 405, errName: "MethodNotAllowed"},
	}
	runCases(t, s, cases)
}

// TestUncompilableLexicon: a lexicon that parses but cannot be compiled,
// loaded from a directory, is refused in the lexicon's terms wherever it is
// named, never in the JSON Schema compiler's.
func TestUncompilableLexicon(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "com.example.loop.json"), []byte(loopDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, func(rc *resolver.Config, _ *Config) { rc.Directories = append(rc.Directories, dir) })
	for _, tc := range []struct{ name, method, path, body string }{
		{name: "validate", method: http.MethodPost, path: "/api/v1/validate", body: `{"schema":"com.example.loop","value":{}}`},
		{name: "JSON Schema", method: http.MethodGet, path: "/api/v1/schema?nsid=com.example.loop&format=jsonschema"},
		{name: "XRPC validate", method: http.MethodPost, path: xrpcValidatePath, body: `{"schema":"com.example.loop","record":{}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, tc.method, tc.path, tc.body)
			if r.status != http.StatusBadRequest {
				t.Fatalf("got status %d, want 400\n%s", r.status, r.body)
			}
			checkErrorShape(t, r.decode(t), "InvalidRequest", "com.example.loop", "cannot be compiled")
			wantNoCompilerInternals(t, r.body)
		})
	}
}

// TestDraftOverLimits: drafts too large to compile cheaply (issue 15: a
// chain of 5,000 definitions ended in a 400 quoting the JSON Schema
// compiler) are answered with lint errors that give the limit and its
// numbers, at every draft endpoint.
func TestDraftOverLimits(t *testing.T) {
	s := newTestServer(t)
	var chain strings.Builder
	chain.WriteString(`{"lexicon":1,"id":"com.example.chain","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{"next":{"type":"ref","ref":"#d0"}}}}`)
	for i := range 5000 {
		fmt.Fprintf(&chain, `,"d%d":{"type":"object","properties":{"next":{"type":"ref","ref":"#d%d"}}}`, i, i+1)
	}
	chain.WriteString(`,"d5000":{"type":"object","properties":{}}}}`)
	const want = "defs has 5,002 definitions, more than the 1,000 a lexicon may have"
	for _, tc := range []struct{ name, path, body, field string }{
		{"XRPC validate with a record", xrpcValidatePath, `{"schema":` + chain.String() + `,"record":{"$type":"com.example.chain"}}`, "schemaErrors"},
		{"XRPC validate without", xrpcValidatePath, `{"schema":` + chain.String() + `}`, "errors"},
		{"lint", "/api/v1/lint", chain.String(), "errors"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, http.MethodPost, tc.path, tc.body)
			if r.status != http.StatusOK {
				t.Fatalf("got status %d, want 200\n%.500s", r.status, r.body)
			}
			b := r.decode(t)
			if b["valid"] != false {
				t.Errorf("valid: got %v, want false", b["valid"])
			}
			found := false
			errs, _ := b[tc.field].([]any)
			for _, e := range errs {
				m, _ := e.(map[string]any)
				found = found || m["path"] == "/defs" && m["message"] == want && m["rule"] == "max-definitions"
			}
			if !found {
				t.Errorf("%s: got %v, want %q at /defs", tc.field, errs, want)
			}
			wantNoCompilerInternals(t, r.body)
		})
	}
}
