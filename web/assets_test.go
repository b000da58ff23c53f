package web_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func TestStaticAssets(t *testing.T) {
	e := newUI(t, 0)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/validate", nil))
	page := rec.Body.String()

	for _, name := range []string{"app.js", "style.css", "favicon.svg"} {
		t.Run(name, func(t *testing.T) {
			m := regexp.MustCompile(`"(/static/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]{16})"`).FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("the page links no versioned %s", name)
			}
			url := m[1]

			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: got %d, want 200", url, rec.Code)
			}
			if got := rec.Header().Get("Cache-Control"); !strings.Contains(got, "immutable") {
				t.Errorf("Cache-Control: got %q, want immutable for a versioned URL", got)
			}
			etag := rec.Header().Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}

			req := httptest.NewRequest(http.MethodGet, "/static/"+name, nil)
			req.Header.Set("If-None-Match", etag)
			rec = httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != http.StatusNotModified {
				t.Errorf("conditional GET: got %d, want 304", rec.Code)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-cache" {
				t.Errorf("Cache-Control of an unversioned URL: got %q, want no-cache", got)
			}
		})
	}

	t.Run("unknown asset", func(t *testing.T) {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/static/nope.js", nil))
		if rec.Code != http.StatusNotFound {
			t.Errorf("got %d, want 404", rec.Code)
		}
	})
}
