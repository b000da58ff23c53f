package server

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/lexval/lexval/resolver"
)

// mcpSession connects the SDK's own client to the server's /mcp.
func mcpSession(t *testing.T, s *testServer) *mcp.ClientSession {
	t.Helper()
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	client := mcp.NewClient(&mcp.Implementation{Name: "lexval-test", Version: "1"}, nil)
	cs, err := client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: ts.URL + "/mcp", DisableStandaloneSSE: true, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func TestMCP(t *testing.T) {
	s := newTestServer(t)
	cs := mcpSession(t, s)
	ctx := context.Background()

	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools.Tools {
		names = append(names, tl.Name)
	}
	slices.Sort(names)
	if want := []string{"check_breaking", "describe_lexicon", "lint_lexicon", "record_cid", "resolve_lexicon", "validate_record"}; !slices.Equal(names, want) {
		t.Errorf("got tools %v, want %v", names, want)
	}

	post := map[string]any{"$type": "app.bsky.feed.post", "text": "hello", "createdAt": "2024-01-01T00:00:00Z"}
	tests := []struct {
		name    string
		tool    string
		args    any
		isError bool
		want    []string // phrases of the text content
	}{
		{"valid by $type", "validate_record", map[string]any{"record": post}, false, []string{`"valid":true`, `"nsid":"app.bsky.feed.post"`, `"source":"bundled"`}},
		{"invalid by $type", "validate_record", map[string]any{"record": map[string]any{"$type": "app.bsky.feed.post", "text": "x", "createdAt": "yesterday"}}, false, []string{`"valid":false`, `"path":"/createdAt"`}},
		{"a named schema and target", "validate_record", map[string]any{"schema": "com.atproto.server.refreshSession", "record": map[string]any{}}, false, []string{`"valid":false`, `"target":"output"`, "required field missing: accessJwt"}},
		{"many errors are capped", "validate_record", map[string]any{"record": manyBadLangs(300)}, false, []string{`"valid":false`, `"errorsTruncated":true`, `"errorCount":301`}},
		{"no $type", "validate_record", map[string]any{"record": map[string]any{"text": "x"}}, false, []string{`"path":"/$type"`}},
		{"an unknown schema", "validate_record", map[string]any{"schema": "app.bsky.feed.pots", "record": post}, true, []string{"LexiconNotFound", "did you mean app.bsky.feed.post?"}},
		{"a bad schema name", "validate_record", map[string]any{"schema": "com..x", "record": post}, true, []string{"InvalidRequest", "empty segment"}},
		{"no record", "validate_record", map[string]any{"schema": "app.bsky.feed.post"}, true, []string{"record"}},
		{"lint", "lint_lexicon", map[string]any{"lexicon": map[string]any{"lexicon": 2, "id": "com.example.x", "defs": map[string]any{}}}, false, []string{`"valid":false`, `"path":"/lexicon"`}},
		{"lint not a document", "lint_lexicon", map[string]any{"lexicon": "x"}, true, []string{"lexicon document"}},
		{"describe", "describe_lexicon", map[string]any{"nsid": "app.bsky.feed.post"}, false, []string{"# app.bsky.feed.post", "not verified against a published record", "- text (required): string"}},
		{"describe unknown", "describe_lexicon", map[string]any{"nsid": "com.example.nope.x"}, true, []string{"LexiconNotFound"}},
		{"resolve published", "resolve_lexicon", map[string]any{"nsid": "com.atproto.server.refreshSession"}, false, []string{`"source":"embedded"`, `"uri":"at://did:plc:6msi3pj7krzih5qxqtryxlzw/`}},
		{"resolve bundled", "resolve_lexicon", map[string]any{"nsid": "app.bsky.feed.like"}, false, []string{`"source":"bundled"`, `"upstream":{"repository":"https://github.com/bluesky-social/atproto"`}},
		{"resolve neither", "resolve_lexicon", map[string]any{}, true, []string{"nsid (or uri) is required"}},
		{"cid", "record_cid", map[string]any{"record": map[string]any{"$type": "com.example.x", "n": 1}}, false, []string{`"cid":"bafyrei`}},
		{"cid of a float", "record_cid", map[string]any{"record": map[string]any{"n": 1.5}}, true, []string{"InvalidRequest"}},
		{"breaking: a tightened maximum", "check_breaking", map[string]any{
			"old":     noteDoc(100),
			"new":     noteDoc(5),
			"records": []any{map[string]any{"$type": "com.example.note", "text": "hello there"}},
		}, false, []string{`"breaking":true`, `"rule":"max-length-tightened"`, `"direction":"old-data"`, `"newValid":false`}},
		{"breaking: a loosened maximum is a warning", "check_breaking", map[string]any{"old": noteDoc(5), "new": noteDoc(100)}, false, []string{`"breaking":false`, `"rule":"max-length-loosened"`, `"severity":"warning"`}},
		{"breaking: nothing changed", "check_breaking", map[string]any{"old": noteDoc(5), "new": noteDoc(5)}, false, []string{`"breaking":false`, `"changes":[]`}},
		{"breaking: a side of the wrong kind", "check_breaking", map[string]any{"old": 1, "new": noteDoc(5)}, true, []string{"InvalidRequest", `field "old" must be a lexicon document`}},
		{"breaking: a side missing", "check_breaking", map[string]any{"old": noteDoc(5)}, true, []string{"InvalidRequest", "new is required"}},
		{"breaking: an unknown published version", "check_breaking", map[string]any{"old": "com.example.nope.note", "new": noteDoc(5)}, true, []string{"LexiconNotFound"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: tt.tool, Arguments: tt.args})
			if err != nil {
				t.Fatalf("protocol error: %v", err)
			}
			var text strings.Builder
			for _, c := range res.Content {
				if tc, ok := c.(*mcp.TextContent); ok {
					text.WriteString(tc.Text)
				}
			}
			if res.IsError != tt.isError {
				t.Errorf("got isError %v, want %v: %s", res.IsError, tt.isError, text.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(text.String(), w) {
					t.Errorf("got %s, want it to contain %s", text.String(), w)
				}
			}
			if !tt.isError && tt.tool != "describe_lexicon" && res.StructuredContent == nil {
				t.Errorf("got no structured content")
			}
		})
	}

	t.Run("exact numbers", func(t *testing.T) {
		// 2^53+1 would round through float64; the data model keeps it.
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "record_cid", Arguments: json.RawMessage(`{"record":{"n":9007199254740993}}`)})
		if err != nil || res.IsError {
			t.Fatalf("got %v, %+v", err, res)
		}
		other, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "record_cid", Arguments: json.RawMessage(`{"record":{"n":9007199254740992}}`)})
		if err != nil || other.IsError {
			t.Fatalf("got %v, %+v", err, other)
		}
		a, b := res.Content[0].(*mcp.TextContent).Text, other.Content[0].(*mcp.TextContent).Text
		if a == b {
			t.Errorf("got the same CID %s for 2^53+1 and 2^53, want two", a)
		}
	})
}

// TestMCPBounds: the endpoint takes no larger body than the API does, and
// is open to other origins as the API is.
func TestMCPBounds(t *testing.T) {
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.MaxBody = 1 << 10 })
	big := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"record_cid","arguments":{"record":{"x":"` + strings.Repeat("a", 2<<10) + `"}}}}`
	r := s.do(t, http.MethodPost, "/mcp", big, "Accept", "application/json, text/event-stream")
	if r.status != http.StatusRequestEntityTooLarge && r.status != http.StatusBadRequest {
		t.Errorf("got status %d for a body over MaxBody, want 413 or 400", r.status)
	}
	pre := s.do(t, http.MethodOptions, "/mcp", "", "Origin", "https://tools.example", "Access-Control-Request-Method", "POST")
	if pre.status != http.StatusNoContent || pre.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(pre.header.Get("Access-Control-Allow-Headers"), "Mcp-Protocol-Version") {
		t.Errorf("got preflight %d %v, want 204 allowing any origin and MCP's headers", pre.status, pre.header)
	}
}

// noteDoc is com.example.note whose required text has the given maxLength.
func noteDoc(maxLength int) map[string]any {
	return map[string]any{"lexicon": 1, "id": "com.example.note", "defs": map[string]any{"main": map[string]any{
		"type": "record", "key": "tid", "record": map[string]any{"type": "object", "required": []any{"text"},
			"properties": map[string]any{"text": map[string]any{"type": "string", "maxLength": maxLength}}},
	}}}
}

// manyBadLangs is a post whose langs holds n invalid tags: n+1 errors.
func manyBadLangs(n int) map[string]any {
	langs := make([]any, n)
	for i := range langs {
		langs[i] = "!"
	}
	return map[string]any{"$type": "app.bsky.feed.post", "text": "x", "createdAt": "2024-01-01T00:00:00Z", "langs": langs}
}
