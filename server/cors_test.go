package server

import (
	"net/http"
	"strings"
	"testing"
)

func TestCORS(t *testing.T) {
	s := newTestServer(t)
	origin := []string{"Origin", "https://tools.example"}
	t.Run("preflights", func(t *testing.T) {
		tests := []struct {
			path, wantMethods string
		}{
			{"/api/v1/validate", "POST, OPTIONS"},
			{"/api/v1/schema", "GET, HEAD, OPTIONS"},
			{"/xrpc/com.atproto.lexicon.resolveLexicon", "GET, HEAD, OPTIONS"},
			{"/xrpc/com.atproto.lexicon.validate", "POST, OPTIONS"},
		}
		for _, tt := range tests {
			t.Run(tt.path, func(t *testing.T) {
				r := s.do(t, http.MethodOptions, tt.path, "", "Origin", "https://tools.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
				if r.status != http.StatusNoContent {
					t.Fatalf("got status %d, want 204", r.status)
				}
				want := map[string]string{
					"Access-Control-Allow-Origin":  "*",
					"Access-Control-Allow-Methods": tt.wantMethods,
					"Access-Control-Max-Age":       "86400",
				}
				for k, v := range want {
					if got := r.header.Get(k); got != v {
						t.Errorf("got %s %q, want %q", k, got, v)
					}
				}
				if got := r.header.Get("Access-Control-Allow-Headers"); !strings.Contains(got, "Content-Type") {
					t.Errorf("got Access-Control-Allow-Headers %q, want Content-Type among them", got)
				}
				if r.header.Get("Access-Control-Allow-Credentials") != "" {
					t.Errorf("got Access-Control-Allow-Credentials, want none")
				}
			})
		}
	})
	t.Run("answers and errors are readable", func(t *testing.T) {
		for _, tc := range []struct{ method, path, body string }{
			{http.MethodPost, "/api/v1/validate", `{"schema":"com.atproto.server.refreshSession","value":{}}`},
			{http.MethodPost, "/api/v1/validate", `{"schema":"com.example.nope","value":{}}`},
			{http.MethodGet, "/xrpc/com.atproto.lexicon.resolveLexicon?nsid=com.atproto.server.refreshSession", ""},
		} {
			r := s.do(t, tc.method, tc.path, tc.body, origin...)
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("%s %s (%d): got Access-Control-Allow-Origin %q, want *", tc.method, tc.path, r.status, got)
			}
		}
	})
	t.Run("not on the web UI nor the probes", func(t *testing.T) {
		for _, path := range []string{"/", "/validate", "/healthz"} {
			r := s.do(t, http.MethodGet, path, "", origin...)
			if got := r.header.Get("Access-Control-Allow-Origin"); got != "" {
				t.Errorf("GET %s: got Access-Control-Allow-Origin %q, want none", path, got)
			}
		}
		r := s.do(t, http.MethodOptions, "/validate", "", "Origin", "https://tools.example", "Access-Control-Request-Method", "POST")
		if r.header.Get("Access-Control-Allow-Origin") != "" || r.header.Get("Access-Control-Allow-Methods") != "" {
			t.Errorf("OPTIONS /validate: got CORS %q, methods %q; want no preflight answer for a web form", r.header.Get("Access-Control-Allow-Origin"), r.header.Get("Access-Control-Allow-Methods"))
		}
	})
}

func TestETag(t *testing.T) {
	s := newTestServer(t)
	tests := []struct{ name, path string }{
		{"resolveLexicon", "/xrpc/com.atproto.lexicon.resolveLexicon?nsid=com.atproto.server.refreshSession"},
		{"schema record", "/api/v1/schema?nsid=com.atproto.server.refreshSession"},
		{"schema of a bundled lexicon", "/api/v1/schema?nsid=app.bsky.feed.post"},
		{"JSON Schema", "/api/v1/schema?nsid=com.atproto.server.refreshSession&format=jsonschema"},
	}
	tags := map[string]string{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first := s.do(t, http.MethodGet, tt.path, "")
			etag := first.header.Get("ETag")
			if first.status != 200 || !strings.HasPrefix(etag, `W/"bafy`) {
				t.Fatalf("got status %d, ETag %q; want 200 and a tag from the CID", first.status, etag)
			}
			if prev, dup := tags[etag]; dup {
				t.Errorf("got ETag %s for %s too, want one per representation", etag, prev)
			}
			tags[etag] = tt.name
			if cc := first.header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") {
				t.Errorf("got Cache-Control %q, want a max-age", cc)
			}
			for _, inm := range []string{etag, strings.TrimPrefix(etag, "W/"), `"other", ` + etag, "*"} {
				again := s.do(t, http.MethodGet, tt.path, "", "If-None-Match", inm)
				if again.status != http.StatusNotModified || len(again.body) != 0 || again.header.Get("ETag") != etag {
					t.Errorf("If-None-Match %s: got status %d, %d bytes, ETag %q; want 304, no body, the same tag", inm, again.status, len(again.body), again.header.Get("ETag"))
				}
			}
			other := s.do(t, http.MethodGet, tt.path, "", "If-None-Match", `W/"bafyother.record"`)
			if other.status != 200 {
				t.Errorf("a stale tag: got status %d, want 200", other.status)
			}
		})
	}
}
