package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCrossSiteFormPosts: the forms answer posts from lexval's own pages
// and from non-browser clients, and refuse what another site's page makes a
// browser send, with a 403 page.
func TestCrossSiteFormPosts(t *testing.T) {
	e := newUI(t, 0)
	posts := []struct {
		name, path, body string
	}{
		{name: "lexicon form", path: refreshSession, body: form("target", "output", "value", validOutput)},
		{name: "draft form", path: "/validate", body: form("lexicon", draftDoc)},
		{name: "catalog paste form", path: "/", body: form("value", `{"$type": "com.example.web.post", "text": "hi", "createdAt": "2024-11-05T10:00:00Z"}`)},
	}
	// httptest requests are for Host example.com.
	headers := []struct {
		name   string
		header []string
		method string
		status int
	}{
		{name: "no browser headers", status: http.StatusOK},
		{name: "same origin", header: []string{"Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"}, status: http.StatusOK},
		{name: "typed by the user", header: []string{"Sec-Fetch-Site", "none"}, status: http.StatusOK},
		{name: "cross site", header: []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://elsewhere.example"}, status: http.StatusForbidden},
		{name: "same site, other origin", header: []string{"Sec-Fetch-Site", "same-site", "Origin", "https://sub.example.com"}, status: http.StatusForbidden},
		{name: "old browser, other origin", header: []string{"Origin", "https://elsewhere.example"}, status: http.StatusForbidden},
		{name: "old browser, opaque origin", header: []string{"Origin", "null"}, status: http.StatusForbidden},
		{name: "old browser, this origin", header: []string{"Origin", "http://example.com"}, status: http.StatusOK},
		{name: "cross-site GET", method: http.MethodGet, header: []string{"Sec-Fetch-Site", "cross-site"}, status: http.StatusOK},
	}
	for _, p := range posts {
		for _, h := range headers {
			t.Run(p.name+"/"+h.name, func(t *testing.T) {
				method, body := h.method, p.body
				if method == "" {
					method = http.MethodPost
				} else {
					body = ""
				}
				req := httptest.NewRequest(method, p.path, strings.NewReader(body))
				if method == http.MethodPost {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				for i := 0; i+1 < len(h.header); i += 2 {
					req.Header.Set(h.header[i], h.header[i+1])
				}
				rec := httptest.NewRecorder()
				e.ServeHTTP(rec, req)
				if rec.Code != h.status {
					t.Fatalf("got %d, want %d\n%s", rec.Code, h.status, rec.Body)
				}
				page := rec.Body.String()
				if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("got Content-Type %q, want a page", ct)
				}
				refused := strings.Contains(page, "Submission from another site refused")
				if refused != (h.status == http.StatusForbidden) {
					t.Errorf("page says the submission was refused: got %v, want %v", refused, h.status == http.StatusForbidden)
				}
			})
		}
	}
}
