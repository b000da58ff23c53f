package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestConcurrentLoad drives every endpoint from many goroutines at once
// (run it with -race): compiled schemas, caches and metrics are shared.
func TestConcurrentLoad(t *testing.T) {
	s := newTestServer(t)
	requests := []struct {
		method, path, body string
		status             int
	}{
		{http.MethodPost, "/api/v1/validate", validateBody(refreshSession, validSession), 200},
		{http.MethodPost, "/api/v1/validate", validateBody(refreshSession, `{"did":"nope"}`), 200},
		{http.MethodPost, "/api/v1/validate", `{"schema":"` + refreshSession + `","values":[` + validSession + `,{}]}`, 200},
		{http.MethodPost, "/api/v1/validate", validateBody("com.example.note", noteWithAttachment, `"options":{"allowUnresolved":true}`), 200},
		{http.MethodPost, "/api/v1/validate", validateBody("com.example.echo", `{}`), 400},
		{http.MethodPost, "/api/v1/validate", `{"schema":`, 400},
		{http.MethodPost, "/api/v1/lint", cleanDoc, 200},
		{http.MethodPost, "/api/v1/lint", `{"documents":[` + pairA + `,` + pairB + `]}`, 200},
		{http.MethodGet, "/api/v1/schema?nsid=" + refreshSession, "", 200},
		{http.MethodGet, "/api/v1/schema?nsid=" + refreshSession + "&format=jsonschema", "", 200},
		{http.MethodGet, resolveLexiconPath + "?nsid=" + refreshSession, "", 200},
		{http.MethodGet, resolveLexiconPath + "?nsid=com.example.nothing", "", 404},
		{http.MethodPost, xrpcValidatePath, `{"schema":` + cleanDoc + `,"record":{"$type":"com.example.draft","text":"hi"}}`, 200},
		{http.MethodGet, "/healthz", "", 200},
		{http.MethodGet, "/metrics", "", 200},
	}
	const workers, rounds = 16, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				rq := requests[(w+i)%len(requests)]
				req := httptest.NewRequest(rq.method, rq.path, strings.NewReader(rq.body))
				if rq.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				rec := httptest.NewRecorder()
				s.Handler().ServeHTTP(rec, req)
				if rec.Code != rq.status {
					errs <- fmt.Errorf("%s %s: got %d, want %d: %s", rq.method, rq.path, rec.Code, rq.status, rec.Body)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
