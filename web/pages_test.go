package web_test

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/server"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/web"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

const (
	refreshSession = "/lexicon/did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.server.refreshSession"
	testPost       = "/lexicon/com.example.web.post"
)

// newService is a service over the embedded catalog plus testdata/lexicons,
// whose com.example.web.post refers to a lexicon nobody has. The bundled
// lexicons are left out, so that the golden pages stay readable;
// TestBundledPages shows them.
func newService(t *testing.T) *service.Service {
	t.Helper()
	res, err := resolver.New(resolver.Config{Directories: []string{filepath.Join("testdata", "lexicons")}, OmitBundled: true})
	if err != nil {
		t.Fatalf("resolver.New: %v", err)
	}
	return service.New(res)
}

// pagesOf is the UI over svc, with the server's statuses.
func pagesOf(t *testing.T, svc *service.Service) *echo.Echo {
	t.Helper()
	ui, err := web.New(web.Config{Service: svc, Status: server.StatusFor})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	e := echo.New()
	ui.Register(e)
	return e
}

// bundledService is a service over everything lexval embeds, the bundled
// lexicons of the atproto repository included.
func bundledService(t *testing.T) *service.Service {
	t.Helper()
	res, err := resolver.New(resolver.Config{})
	if err != nil {
		t.Fatalf("resolver.New: %v", err)
	}
	return service.New(res)
}

// pageMaxErrors is the UI's Config.MaxErrors in these tests: few, so that
// a page shows a truncated explanation.
const pageMaxErrors = 3

func newUI(t *testing.T, maxBody int64) *echo.Echo {
	t.Helper()
	ui, err := web.New(web.Config{Service: newService(t), Status: server.StatusFor, MaxBody: maxBody, MaxErrors: pageMaxErrors})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	e := echo.New()
	ui.Register(e)
	return e
}

// TestNewRequires checks that New names the field a caller left out.
func TestNewRequires(t *testing.T) {
	svc := newService(t)
	tests := []struct {
		name string
		cfg  web.Config
		want string
	}{
		{name: "service", cfg: web.Config{Status: server.StatusFor}, want: "no service"},
		{name: "status", cfg: web.Config{Service: svc}, want: "no Status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := web.New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

func form(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

const (
	validOutput = `{
  "accessJwt": "eyJhbGciOiJIUzI1NiJ9.e30.x",
  "refreshJwt": "eyJhbGciOiJIUzI1NiJ9.e30.y",
  "handle": "alice.example.com",
  "did": "did:plc:6msi3pj7krzih5qxqtryxlzw"
}`
	invalidOutput = `{
  "refreshJwt": "eyJhbGciOiJIUzI1NiJ9.e30.y",
  "handle": "alice.example.com",
  "did": "plc:nope"
}`
	postWithEmbed = `{
  "$type": "com.example.web.post",
  "text": "hello <world>",
  "createdAt": "2024-11-05T10:00:00Z",
  "embed": {"$type": "com.example.missing.video", "cid": "x"}
}`
	// manyErrorsOutput has five errors, more than pageMaxErrors.
	manyErrorsOutput = `{"accessJwt": 1, "refreshJwt": 2, "handle": 3, "did": 4, "active": "yes"}`
	malformed        = "{\n  \"accessJwt\": \"a\",\n  \"did\": plc\n}"
	draftDoc         = `{
  "lexicon": 1,
  "id": "com.example.draft.note",
  "defs": {
    "main": {
      "type": "record",
      "key": "tid",
      "record": {
        "type": "object",
        "required": ["text"],
        "properties": {"text": {"type": "string", "maxLength": 10}}
      }
    }
  }
}`
	// publishedPost is testdata/lexicons/com.example.web.post.json, the
	// version the resolver finds; draftPostV2 tightens it twice.
	publishedPost = `{"lexicon": 1, "id": "com.example.web.post", "defs": {"main": {"type": "record",
  "description": "A test post whose embed refers to a lexicon that no catalog has.", "key": "tid",
  "record": {"type": "object", "required": ["text", "createdAt"], "properties": {
    "text": {"type": "string", "maxLength": 300, "maxGraphemes": 30},
    "createdAt": {"type": "string", "format": "datetime"},
    "embed": {"type": "ref", "ref": "com.example.missing.video"}}}}}}`
	draftPostV2 = `{"lexicon": 1, "id": "com.example.web.post", "defs": {"main": {"type": "record",
  "description": "A test post whose embed refers to a lexicon that no catalog has.", "key": "tid",
  "record": {"type": "object", "required": ["text", "createdAt", "lang"], "properties": {
    "text": {"type": "string", "maxLength": 100, "maxGraphemes": 30},
    "lang": {"type": "string", "format": "language"},
    "createdAt": {"type": "string", "format": "datetime"},
    "embed": {"type": "ref", "ref": "com.example.missing.video"}}}}}}`
	// draftDocDangling refers to a lexicon nobody has.
	draftDocDangling = `{"lexicon": 1, "id": "com.example.draft.dangling", "defs": {"main": {"type": "record", "key": "tid",
  "record": {"type": "object", "properties": {"x": {"type": "ref", "ref": "com.example.missing.thing"}}}}}}`
	draftRecordInvalid = `{"$type": "com.example.draft.note", "text": "far too long for ten"}`
	// draftDocTags and draftRecordTags: a record with more errors than
	// pageMaxErrors (the list is too long, and each of its five items bad).
	draftDocTags = `{"lexicon": 1, "id": "com.example.draft.tags", "defs": {"main": {"type": "record", "key": "tid",
  "record": {"type": "object", "properties": {"langs": {"type": "array", "maxLength": 3, "items": {"type": "string", "format": "language"}}}}}}}`
	draftRecordTags    = `{"$type": "com.example.draft.tags", "langs": ["!", "!", "!", "!", "!"]}`
	draftDocLintErrors = `{
  "lexicon": 1,
  "id": "com.example.draft.broken",
  "defs": {
    "main": {
      "type": "record",
      "key": "tid",
      "record": {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 10, "maximum": 1}}
      }
    }
  }
}`
)

func TestPages(t *testing.T) {
	e := newUI(t, 0)
	tests := []struct {
		name     string
		method   string
		target   string
		body     string
		status   int
		contains []string // beyond the golden file, what this state is about
	}{
		{name: "catalog", target: "/", status: 200, contains: []string{"com.atproto.server.refreshSession", `id="filter"`}},
		{name: "catalog-open-empty", target: "/lexicon?ref=+", status: 400, contains: []string{"Nothing to open"}},
		{name: "catalog-open-invalid", target: "/lexicon?ref=" + url.QueryEscape("at://not a uri"), status: 400, contains: []string{"Not an AT-URI or NSID", `value="at://not a uri"`, "is not the AT-URI of a lexicon", `class="verdict-more">Details: schema: &#34;at://not a uri&#34; is not an AT-URI`}},
		{name: "catalog-open-bad-nsid", target: "/lexicon?ref=foo", status: 400, contains: []string{"“foo” is not a valid NSID or AT-URI: an NSID looks like com.example.thing"}},
		{name: "catalog-paste-valid", method: "POST", target: "/", body: form("value", `{"$type": "com.example.web.post", "text": "hi", "createdAt": "2024-11-05T10:00:00Z"}`), status: 200, contains: []string{"verdict-valid", "This record matches <code>com.<wbr>example.<wbr>web.<wbr>post</code>", "Checked as record against CID"}},
		{name: "catalog-paste-invalid", method: "POST", target: "/", body: form("value", `{"$type": "com.example.web.post", "text": "hi", "createdAt": "yesterday"}`), status: 200, contains: []string{"verdict-invalid", "/createdAt"}},
		{name: "catalog-paste-no-type", method: "POST", target: "/", body: form("value", `{"text": "hi"}`), status: 200, contains: []string{"verdict-invalid", "/$type", "required field missing: $type", "does not match <code>its $type</code>"}},
		{name: "catalog-paste-near-type", method: "POST", target: "/", body: form("value", `{"$type": "com.example.web.pots"}`), status: 200, contains: []string{"did you mean com.example.web.post?"}},
		{name: "catalog-paste-unresolved-allowed", method: "POST", target: "/", body: form("value", `{"$type": "com.example.nope.thing"}`, "allowUnresolved", "true"), status: 200, contains: []string{"verdict-partial", "com.example.nope.thing", "checked"}},
		{name: "catalog-paste-bad-json", method: "POST", target: "/", body: form("value", "{\"$type\": }"), status: 400, contains: []string{"Not valid JSON", "Line 1, column 11", `aria-invalid="true"`}},
		{name: "catalog-paste-empty", method: "POST", target: "/", body: form("value", " "), status: 400, contains: []string{"Nothing to validate"}},
		{name: "lexicon-fresh", target: refreshSession, status: 200, contains: []string{"Validate an output against", `aria-label="Copy DID"`, `aria-label="Copy AT-URI"`, `data-copy="2026-01-09T12:47:00Z" aria-label="Copy Indexed At"`, "Treat any remaining unresolved references as valid", "did:plc:6msi3pj7krzih5qxqtryxlzw", `class="j-key"`}},
		{name: "lexicon-by-nsid", target: "/lexicon/com.atproto.server.refreshSession", status: 200},
		{name: "lexicon-directory", target: testPost, status: 200, contains: []string{"from a local directory", "Validate a record against", `<span class="badge">record</span>`}},
		{name: "lexicon-valid", method: "POST", target: refreshSession, body: form("target", "output", "value", validOutput), status: 200, contains: []string{"verdict-valid"}},
		{name: "lexicon-invalid", method: "POST", target: refreshSession, body: form("target", "output", "value", invalidOutput), status: 200, contains: []string{"verdict-invalid", "/accessJwt", "/did", `<ol class="issues" data-for="value">`, `<li class="issue" data-path="/did">`}},
		{name: "lexicon-invalid-truncated", method: "POST", target: refreshSession, body: form("target", "output", "value", manyErrorsOutput), status: 200, contains: []string{"Invalid: at least 5 errors", "Only the first 3 problems are listed; lexval counted at least 5 errors in all."}},
		{name: "lexicon-unresolved-allowed", method: "POST", target: testPost, body: form("target", "record", "value", postWithEmbed, "allowUnresolved", "true"), status: 200, contains: []string{"verdict-partial", "com.example.missing.video", "Not checked", "checked", `<ul class="issues" data-for="value">`, `<li class="issue" data-path="/embed">`}},
		{name: "lexicon-unresolved-refused", method: "POST", target: testPost, body: form("target", "record", "value", postWithEmbed), status: 200, contains: []string{"verdict-invalid"}},
		{name: "lexicon-bad-json", method: "POST", target: refreshSession, body: form("target", "output", "value", malformed), status: 400, contains: []string{"Line 3, column 10", "did&#34;: plc", `aria-invalid="true"`}},
		{name: "lexicon-empty-value", method: "POST", target: refreshSession, body: form("target", "output", "value", "  "), status: 400, contains: []string{"Nothing to validate"}},
		{name: "lexicon-bad-target", method: "POST", target: refreshSession, body: form("target", "input", "value", validOutput), status: 400, contains: []string{"Choose what to validate"}},
		{name: "lexicon-defs-only", target: "/lexicon/com.example.web.defs", status: 200, contains: []string{`<span class="badge">definitions</span>`, "Validate an object against", "Shared definitions without a main definition.", `<p class="hint">A label on a post.</p>`, `aria-label="Definitions"`, "com.example.web.defs#label", `href="/lexicon/com.example.web.defs?def=viewer#validate"`}},
		{name: "lexicon-def-chosen", target: "/lexicon/com.example.web.defs?def=viewer", status: 200, contains: []string{"com.example.web.defs#viewer", `aria-current="true">viewer <span class="def-type">object</span>`}},
		{name: "lexicon-def-invalid", method: "POST", target: "/lexicon/com.example.web.defs?def=label", body: form("target", "object", "value", `{"val": 7, "neg": "no"}`), status: 200, contains: []string{"/val", "/neg"}},
		{name: "lexicon-query", target: "/lexicon/com.example.web.getThing", status: 200, contains: []string{"Validate a value against", `name="target" value="params"`, `value="output" data-hint=`, "Parameters (query string)"}},
		{name: "lexicon-query-params-invalid", method: "POST", target: "/lexicon/com.example.web.getThing", body: form("target", "params", "value", `{"limit": 500}`), status: 200, contains: []string{"/name", "/limit", `value="params" data-hint="Paste the parameters`}},
		{name: "lexicon-query-output-valid", method: "POST", target: "/lexicon/com.example.web.getThing", body: form("target", "output", "value", `{"label": {"val": "ok"}}`), status: 200, contains: []string{"verdict-valid", "This output matches"}},
		{name: "lexicon-unknown-nsid", target: "/lexicon/com.example.nope", status: 404, contains: []string{"Lexicon not found", `value="com.example.nope"`}},
		{name: "lexicon-near-nsid", target: "/lexicon/com.atproto.server.refreshSesion", status: 404, contains: []string{"Did you mean com.atproto.server.refreshSession?", `href="/lexicon/com.atproto.server.refreshSession"`}},
		{name: "lexicon-unknown-def", target: refreshSession + "?def=nope", status: 404, contains: []string{"No such definition"}},
		{name: "lexicon-other-did", target: "/lexicon/did:plc:abc/com.atproto.server.refreshSession", status: 404, contains: []string{"com.atproto.server.refreshSession is published by did:plc:6msi3pj7krzih5qxqtryxlzw, not by did:plc:abc.", `href="` + refreshSession + `"`}},
		{name: "lexicon-other-did-directory", target: "/lexicon/did:plc:abc/com.example.web.post", status: 404, contains: []string{"from a local directory, not published by did:plc:abc.", `href="` + testPost + `"`}},
		{name: "lexicon-unknown-did", target: "/lexicon/did:plc:abc/com.example.nope", status: 404, contains: []string{"There is no lexicon com.example.nope published by did:plc:abc"}},
		{name: "lexicon-invalid-aturi", target: "/lexicon/not-a-did/com.atproto.server.refreshSession", status: 400, contains: []string{"Not a valid DID", "“not-a-did” is not a DID"}},
		{name: "lexicon-invalid-nsid", target: "/lexicon/nope", status: 400, contains: []string{"Not a valid NSID", "“nope” is not a valid NSID: an NSID is a domain name reversed"}},
		// The path is unescaped once: %25 is a percent sign of the NSID,
		// and an escaped DID is the DID.
		{name: "lexicon-escaped-percent", target: "/lexicon/%25zz", status: 400, contains: []string{"“%zz” is not a valid NSID", `value="%zz"`}},
		{name: "lexicon-escaped-twice", target: "/lexicon/com.atproto.server.refreshSessio%256E", status: 400, contains: []string{"Not a valid NSID", `value="com.atproto.server.refreshSessio%6E"`}},
		{name: "lexicon-escaped-did", target: "/lexicon/did%3Aplc%3A6msi3pj7krzih5qxqtryxlzw/com.atproto.server.refreshSession", status: 200},
		{name: "lexicon-did-with-percent", target: "/lexicon/did:web:example.com%253A8080/com.example.nope", status: 404, contains: []string{"published by did:web:example.com%3A8080", `value="at://did:web:example.com%3A8080/com.atproto.lexicon.schema/com.example.nope"`}},
		{name: "unknown-route", target: "/lexicon/a/b/c", status: 404, contains: []string{"Page not found"}},
		{name: "unknown-route-validate", target: "/validate/x", status: 404, contains: []string{"Page not found"}},
		{name: "validate-fresh", target: "/validate", status: 200, contains: []string{"Lexicon document"}},
		{name: "validate-lint-clean", method: "POST", target: "/validate", body: form("lexicon", draftDoc), status: 200, contains: []string{"No problems found"}},
		{name: "validate-lint-errors", method: "POST", target: "/validate", body: form("lexicon", draftDocLintErrors), status: 200, contains: []string{"verdict-invalid", `<ol class="issues" data-for="lexicon">`, `<li class="issue" data-path="/defs/main/record/properties/n/minimum">`}},
		{name: "validate-record-invalid", method: "POST", target: "/validate", body: form("lexicon", draftDoc, "record", draftRecordInvalid), status: 200, contains: []string{"/text", `<ol class="issues" data-for="record">`, `<li class="issue" data-path="/text">`, `<p class="summary">The record is invalid (1 error); the lexicon has no problems.</p>`}},
		{name: "validate-record-truncated", method: "POST", target: "/validate", body: form("lexicon", draftDocTags, "record", draftRecordTags), status: 200, contains: []string{`<p class="summary">The record is invalid (at least 6 errors); the lexicon has no problems.</p>`, "Only the first 3 problems are listed"}},
		{name: "validate-record-valid", method: "POST", target: "/validate", body: form("lexicon", draftDoc, "record", `{"$type": "com.example.draft.note", "text": "short"}`, "target", "record"), status: 200, contains: []string{"This record matches"}},
		{name: "validate-bad-lexicon-json", method: "POST", target: "/validate", body: form("lexicon", `{"lexicon": 1,,}`), status: 400, contains: []string{"The lexicon document is not valid JSON", "Line 1, column 15"}},
		{name: "validate-bad-record-json", method: "POST", target: "/validate", body: form("lexicon", draftDoc, "record", `{"text": }`), status: 400, contains: []string{"The record is not valid JSON"}},
		{name: "validate-no-main", method: "POST", target: "/validate", body: form("lexicon", `{"lexicon": 1, "id": "com.example.draft.x", "defs": {"thing": {"type": "token"}}}`, "record", `{}`), status: 400, contains: []string{"The record was not checked", "The lexicon has no definition “main”"}},
		{name: "validate-no-id", method: "POST", target: "/validate", body: form("lexicon", `{"lexicon": 1, "defs": {}}`, "record", `{}`), status: 400, contains: []string{"The record was not checked", "problems, listed below, keep lexval from checking"}},
		{name: "validate-lint-unresolved-allowed", method: "POST", target: "/validate", body: form("lexicon", draftDocDangling, "allowUnresolved", "true"), status: 200, contains: []string{"No problems found, with unchecked references", "com.example.missing.thing", "/defs/main/record/properties/x/ref"}},
		{name: "validate-lint-unresolved-refused", method: "POST", target: "/validate", body: form("lexicon", draftDocDangling), status: 200, contains: []string{"1 problem", "com.example.missing.thing"}},
		{name: "validate-record-unresolved-allowed", method: "POST", target: "/validate", body: form("lexicon", draftDocDangling, "record", `{"$type": "com.example.draft.dangling", "x": {}}`, "allowUnresolved", "true"), status: 200, contains: []string{"The record is valid, with unchecked references; the lexicon has no problems.", "Not checked"}},
		{name: "validate-empty", method: "POST", target: "/validate", body: form("lexicon", ""), status: 400, contains: []string{"Nothing to check"}},
		{name: "validate-fresh-compare-button", target: "/validate", status: 200, contains: []string{`name="compare" value="published"`, "Compare with the published version"}},
		{name: "validate-compare-breaking", method: "POST", target: "/validate", body: form("lexicon", draftPostV2, "compare", "published"), status: 200,
			contains: []string{"Against the published version", "Breaking: 2 changes", "max-length-tightened", "/defs/main/record/properties/text/maxLength", "required-added", "breaks old-data",
				"#main /record/properties/text/maxLength</code> <code>300</code> → <code>100</code>", "(directory)"}},
		{name: "validate-compare-same", method: "POST", target: "/validate", body: form("lexicon", publishedPost, "compare", "published"), status: 200, contains: []string{"Nothing breaks", "The draft is the published version."}},
		{name: "validate-compare-loosened", method: "POST", target: "/validate", body: form("lexicon", strings.Replace(publishedPost, `"maxLength": 300`, `"maxLength": 3000`, 1), "compare", "published"), status: 200,
			contains: []string{"Nothing breaks, with 1 warning", "max-length-loosened", "<span class=\"badge\">warning</span>"}},
		{name: "validate-compare-unpublished", method: "POST", target: "/validate", body: form("lexicon", draftDoc, "compare", "published"), status: 404, contains: []string{"No published version", "com.example.draft.note to compare the draft with", "No problems found"}},
		{name: "validate-compare-no-id", method: "POST", target: "/validate", body: form("lexicon", `{"lexicon": 1, "defs": {}}`, "compare", "published"), status: 400, contains: []string{"Nothing to compare with"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := servePage(t, e, tt.method, tt.target, tt.body, tt.status)
			if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
				t.Errorf("Content-Type: got %q, want text/html", got)
			}
			if got := rec.Header().Get("Content-Security-Policy"); got != web.ContentSecurityPolicy {
				t.Errorf("Content-Security-Policy: got %q, want %q", got, web.ContentSecurityPolicy)
			}
			body := rec.Body.String()
			for _, s := range tt.contains {
				if !strings.Contains(body, s) {
					t.Errorf("page does not contain %q", s)
				}
			}
			assertNoInline(t, body)
			// The service's wording of a request error is a detail under
			// a message in the page's terms, never the message itself.
			if strings.Contains(body, "invalid request:") {
				t.Errorf("page shows the raw error text %q", "invalid request: …")
			}
			golden(t, tt.name+".html", rec.Body.Bytes())
		})
	}
}

// servePage asks e for target with method (GET when empty) and a form body,
// and checks the status.
func servePage(t *testing.T, e *echo.Echo, method, target, body string, status int) *httptest.ResponseRecorder {
	t.Helper()
	if method == "" {
		method = http.MethodGet
	}
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != status {
		t.Errorf("status: got %d, want %d", rec.Code, status)
	}
	return rec
}

// assertNoInline checks what the Content-Security-Policy would block anyway,
// so that a page never depends on it: inline scripts, styles and handlers.
func assertNoInline(t *testing.T, body string) {
	t.Helper()
	for _, bad := range []string{"<script>", "<style", " style=", " onclick=", " onsubmit=", " oninput=", "javascript:"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains %q, which the Content-Security-Policy forbids", bad)
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./web -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\ngot  %q\nwant %q\n(run go test ./web -update if the change is intended)", path, i+1, g, w)
			}
		}
	}
}

// TestHandleError checks the pages for errors raised before a UI handler
// runs, when the server's error handler hands them to the UI.
func TestHandleError(t *testing.T) {
	ui, err := web.New(web.Config{Service: newService(t), Status: server.StatusFor})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	ui.Register(e)
	e.GET("/api/thing", func(c echo.Context) error { return echo.ErrTeapot })
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		if !ui.HandleError(err, c) {
			_ = c.JSON(599, map[string]string{"error": "NotAPage"})
		}
	}
	tests := []struct {
		name, method, target, accept string
		status                       int
		page                         bool
	}{
		{name: "method not allowed on a page", method: http.MethodPut, target: "/validate", status: http.StatusMethodNotAllowed, page: true},
		{name: "too large", method: http.MethodGet, target: "/lexicon/too-large", status: http.StatusRequestEntityTooLarge, page: true},
		{name: "not a page", method: http.MethodGet, target: "/api/thing", status: 599},
		{name: "a browser mistyping a page", method: http.MethodGet, target: "/catalog", accept: "text/html,*/*", status: http.StatusNotFound, page: true},
		{name: "a program asking for a missing path", method: http.MethodGet, target: "/catalog", accept: "application/json", status: 599},
		{name: "a browser posting to a missing path", method: http.MethodPost, target: "/catalog", accept: "text/html", status: 599},
	}
	e.GET("/lexicon/too-large", func(c echo.Context) error { return echo.ErrStatusRequestEntityTooLarge })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(tt.method, tt.target, nil)
			if tt.accept != "" {
				req.Header.Set("Accept", tt.accept)
			}
			e.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Errorf("status: got %d, want %d", rec.Code, tt.status)
			}
			isPage := strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html")
			if isPage != tt.page {
				t.Errorf("rendered as a page: got %v, want %v (%s)", isPage, tt.page, rec.Body)
			}
		})
	}
}

// TestServiceFailureIsLogged: a page that tells the reader lexval failed
// has logged why, since the handler renders the page rather than returning
// the error to the server's access log.
func TestServiceFailureIsLogged(t *testing.T) {
	var logs bytes.Buffer
	ui, err := web.New(web.Config{Service: newService(t), Status: server.StatusFor, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	ui.Register(e)
	// A request abandoned by its client: linting the draft stops, as a
	// timeout would.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := httptest.NewRequest(http.MethodPost, "/validate", strings.NewReader(form("lexicon", draftDoc))).WithContext(ctx)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusGatewayTimeout {
		t.Fatalf("status: got %d, want %d", rec.Code, http.StatusGatewayTimeout)
	}
	if got := logs.String(); !strings.Contains(got, `msg="web page failed" path=/validate error="context canceled"`) {
		t.Errorf("log: got %q, want the failure with its path and cause", got)
	}
}

func TestOpenRedirects(t *testing.T) {
	e := newUI(t, 0)
	tests := []struct {
		name, ref, want string
	}{
		{name: "nsid", ref: "com.atproto.server.refreshSession", want: "/lexicon/com.atproto.server.refreshSession"},
		{name: "nsid with def", ref: "app.bsky.feed.post#replyRef", want: "/lexicon/app.bsky.feed.post?def=replyRef"},
		{name: "at-uri", ref: "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession", want: refreshSession},
		{name: "spaces around", ref: "  app.bsky.feed.post ", want: "/lexicon/app.bsky.feed.post"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/lexicon?ref="+url.QueryEscape(tt.ref), nil))
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("status: got %d, want %d", rec.Code, http.StatusSeeOther)
			}
			if got := rec.Header().Get("Location"); got != tt.want {
				t.Errorf("Location: got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	e := newUI(t, 1024)
	big := form("target", "output", "value", `{"accessJwt": "`+strings.Repeat("a", 2048)+`"}`)
	for _, target := range []string{refreshSession, "/validate"} {
		t.Run(target, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(big))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("status: got %d, want %d", rec.Code, http.StatusRequestEntityTooLarge)
			}
			if body := rec.Body.String(); !strings.Contains(body, "limited to 1 KiB") {
				t.Errorf("page does not say the limit: %s", body)
			}
		})
	}
}

// TestDraftOutOfTime: a draft whose work outlasts the request timeout is
// answered 503 with a page that says so; its work ends with its context.
func TestDraftOutOfTime(t *testing.T) {
	ui, err := web.New(web.Config{Service: newService(t), Status: server.StatusFor, RequestTimeout: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	ui.Register(e)
	for _, tt := range []struct{ name, body string }{
		{"lint", form("lexicon", `{"lexicon":1,"id":"com.example.draft","defs":{"main":{"type":"token"}}}`)},
		{"compile", form("lexicon", `{"lexicon":1,"id":"com.example.draft","defs":{"main":{"type":"object","properties":{}}}}`, "record", `{}`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := servePage(t, e, http.MethodPost, "/validate", tt.body, http.StatusServiceUnavailable)
			if body := rec.Body.String(); !strings.Contains(body, "This took too long") || !strings.Contains(body, "1ns of work") {
				t.Errorf("page does not say the draft ran out of time: %s", body)
			}
		})
	}
}
