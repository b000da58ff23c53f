package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ipfs/go-cid"
	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/service"
)

// routeDocs says what each route of the API, the XRPC methods and the MCP
// endpoint does, in a line; /llms.txt lists the registered routes with it,
// and TestLLMsTxt fails when one has no line, so the two stay in step.
var routeDocs = map[string]string{
	"POST /api/v1/validate":                        `validate a value: {"schema": NSID | NSID#def | AT-URI (optional: without it the value's $type names its lexicon), "value": any | "values": [...] | "uri": record AT-URI, "target": record|params|input|output|message|object, "cid": pin, "options": {"allowUnresolved", "lenient"}} -> {"valid", "schema", "target", "errors": [{"path" (JSON Pointer), "message", "schemaPath"}], "unresolved"}`,
	"POST /api/v1/lint":                            `lint a lexicon document: the document itself, or {"documents": [...]} -> {"valid", "errors": [{"path", "message"}]}`,
	"POST /api/v1/breaking":                        `breaking changes between two versions of a lexicon: {"old": V, "new": V, "records": [values] (optional), "loosening": error|warning|info}, V a lexicon document, an array of them, or an NSID, AT-URI or NSID@CID -> {"breaking", "changes": [{"rule", "severity", "direction" (old-data|new-data|both), "path", "message"}], "diff", "records", "old", "new"}`,
	"POST /api/v1/diff":                            `every difference between two versions, by definition and field: {"old": V, "new": V} -> {"diff": [{"nsid", "def", "field", "path", "op", "old", "new"}], "old", "new"}`,
	"GET /api/v1/history":                          `every stored version of a lexicon, newest first (needs the server's store): ?nsid=NSID or ?uri=AT-URI [&limit=N&cursor=C] -> {"versions": [{"cid", "rev", "indexedAt", "deleted", "proof", "authoritative"}], "cursor"}`,
	"GET /api/v1/schema":                           `a schema record: ?nsid=NSID or ?uri=AT-URI [&format=jsonschema&target=...] -> {"uri", "cid", "nsid", "source" (embedded|directory|network|bundled), "record", "proof" or "upstream"}; ETag, If-None-Match`,
	"GET /xrpc/com.atproto.lexicon.resolveLexicon": `the official XRPC method: ?nsid=NSID -> {"uri", "cid", "schema"} for a published record; ETag, If-None-Match`,
	"POST /xrpc/com.atproto.lexicon.validate":      `Lexicon Garden's method: {"schema": document | NSID | AT-URI, "record": value (optional: without it the schema is linted), "allowUnresolved"} -> {"valid", "errors", "unresolved"}`,
	"POST /mcp":                                    "the Model Context Protocol (streamable HTTP, stateless, JSON answers): tools validate_record (schema optional: the record's $type), lint_lexicon, describe_lexicon, resolve_lexicon, record_cid, check_breaking",
	"GET /mcp":                                     "answered 405: the MCP endpoint keeps no sessions",
	"DELETE /mcp":                                  "answered 405: the MCP endpoint keeps no sessions",
	"GET /llms.txt":                                "this text",
	"GET /llms/{nsid}.txt":                         "one lexicon in words: its source, definitions, fields, types, constraints and descriptions",
}

// llmsRoutes are the registered routes /llms.txt documents, as "METHOD
// /path" in routeDocs' terms, sorted: every method but HEAD and OPTIONS
// (answered wherever GET is, and for CORS) of the paths open to other
// origins.
func (s *Server) llmsRoutes() []string {
	var keys []string
	for _, r := range s.echo.Routes() {
		if !isCORS(r.Path) || r.Method == http.MethodHead || r.Method == http.MethodOptions {
			continue
		}
		key := r.Method + " " + strings.Replace(r.Path, ":file", "{nsid}.txt", 1)
		if !slices.Contains(keys, key) {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	return keys
}

// GET /llms.txt: what lexval is and how to call it, for language models
// (https://llmstxt.org).
func (s *Server) handleLLMs(c echo.Context) error {
	var b strings.Builder
	b.WriteString(`# lexval

> lexval validates AT Protocol data against Lexicon schemas: records, XRPC parameters, inputs and outputs, and subscription messages. It reports every error at once, each with the JSON Pointer of the offending value and a message in Lexicon terms. It finds schemas in an embedded catalog (two published records, and the atproto repository's lexicons bundled: app.bsky, chat.bsky, com.atproto, tools.ozone), in local directories, or, when enabled, on the network (DNS, PLC, the author's PDS), and proves network records by their repository's signed commit.

All request and response bodies are JSON (send Content-Type: application/json). Errors have the XRPC shape {"error": "Name", "message": "..."}: 400 InvalidRequest, 404 LexiconNotFound (with a did-you-mean for a near NSID), 409 CIDMismatch, 413 body too large, 502/504 upstream failures, 503 busy or out of time (Retry-After). A value that fails validation is a 200 with "valid": false. Bundled lexicons are not published records: their "source" is "bundled", they have no AT-URI and no proof, and their CID is the one they will have once published.

## Endpoints

`)
	for _, key := range s.llmsRoutes() {
		fmt.Fprintf(&b, "- %s: %s\n", key, routeDocs[key])
	}
	b.WriteString(`- OPTIONS on each of them: the CORS preflight (any origin, no credentials)
- GET /lexicon/{nsid}: a lexicon's page in the web UI, with a form to validate against it; GET / is the catalog, with a form that validates any record by its $type

## Examples

curl -s HOST/api/v1/validate -H 'Content-Type: application/json' -d '{"value": {"$type": "app.bsky.feed.post", "text": "hello", "createdAt": "2024-01-01T00:00:00Z"}}'
curl -s 'HOST/api/v1/schema?nsid=app.bsky.feed.post'
curl -s HOST/llms/app.bsky.feed.post.txt

## Lexicons in the catalog

`)
	for _, rec := range s.cfg.Service.Catalog() {
		fmt.Fprintf(&b, "- [%s](/llms/%s.txt) (%s)\n", rec.NSID(), rec.NSID(), rec.Source)
	}
	return c.Blob(http.StatusOK, textPlain, []byte(b.String()))
}

const textPlain = "text/plain; charset=utf-8"

// GET /llms/{nsid}.txt: a lexicon in words (service.Describe).
func (s *Server) handleLexiconText(c echo.Context) error {
	raw, ok := strings.CutSuffix(c.Param("file"), ".txt")
	if !ok {
		return codeError(service.CodeNotFound, "lexicon texts are /llms/{nsid}.txt")
	}
	nsid, err := lexdoc.ParseNSID(raw)
	if err != nil {
		return badRequest("%v", err)
	}
	var b budget
	rec, err := s.lookup(c, &b, service.SchemaRef{Def: lexdoc.DefRef{NSID: nsid, Name: "main"}}, cid.Undef)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, textPlain, []byte(service.Describe(rec)))
}
