package server

import (
	"net/http"
	"strings"
	"testing"
)

// TestLLMsTxt: /llms.txt documents every route open to other origins, and
// documents none that is not registered.
func TestLLMsTxt(t *testing.T) {
	s := newTestServer(t)
	routes := s.llmsRoutes()
	for _, key := range routes {
		if routeDocs[key] == "" {
			t.Errorf("route %s has no line in routeDocs", key)
		}
	}
	for key := range routeDocs {
		found := false
		for _, r := range routes {
			found = found || r == key
		}
		if !found {
			t.Errorf("routeDocs documents %s, which is not registered", key)
		}
	}
	r := s.do(t, http.MethodGet, "/llms.txt", "")
	body := string(r.body)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("got %d %s, want 200 text/plain", r.status, r.header.Get("Content-Type"))
	}
	for _, want := range []string{"# lexval", "- POST /api/v1/validate: ", "- GET /llms/{nsid}.txt: ", "[app.bsky.feed.post](/llms/app.bsky.feed.post.txt) (bundled)", "[com.example.note](/llms/com.example.note.txt) (directory)"} {
		if !strings.Contains(body, want) {
			t.Errorf("llms.txt lacks %q", want)
		}
	}
}

func TestLexiconText(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		path     string
		status   int
		contains string
	}{
		{"/llms/app.bsky.feed.post.txt", 200, "- text (required): string; at most bytes 3000, at most graphemes 300"},
		{"/llms/com.example.note.txt", 200, "A document from a local directory, not published"},
		{"/llms/app.bsky.feed.pots.txt", 404, "did you mean app.bsky.feed.post?"},
		{"/llms/not-an-nsid.txt", 400, `not-an-nsid\" is not an NSID`},
		{"/llms/app.bsky.feed.post", 404, "/llms/{nsid}.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := s.do(t, http.MethodGet, tt.path, "")
			if r.status != tt.status || !strings.Contains(string(r.body), tt.contains) {
				t.Errorf("got %d %s, want %d containing %q", r.status, r.body, tt.status, tt.contains)
			}
		})
	}
}
