package server

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/resolver"
)

func TestHealth(t *testing.T) {
	s := newTestServer(t)
	runCases(t, s, []apiCase{
		{name: "healthz", method: http.MethodGet, path: "/healthz", status: 200, golden: "healthz"},
		{
			name: "readyz", method: http.MethodGet, path: "/readyz", status: 200,
			check: func(t *testing.T, b map[string]any) {
				wantField(t, b, "ready", "status")
				wantField(t, b, false, "network")
				if n, _ := b["lexicons"].(float64); n < 5 {
					t.Errorf("got %v lexicons, want the embedded ones plus testdata's", b["lexicons"])
				}
			},
		},
		{name: "healthz wrong method", method: http.MethodPost, path: "/healthz", body: "{}", status: 405, errName: "MethodNotAllowed"},
	})
}

func TestUnknownRoute(t *testing.T) {
	s := newTestServer(t)
	for _, path := range []string{"/api/v1/nothing", "/api/v2/validate", "/nothing/at/all"} {
		t.Run(path, func(t *testing.T) {
			r := s.do(t, http.MethodGet, path, "")
			if r.status != http.StatusNotFound {
				t.Fatalf("got %d, want 404\n%s", r.status, r.body)
			}
			checkErrorShape(t, r.decode(t), "NotFound", path)
			if got := r.header.Get("Content-Security-Policy"); got != apiCSP {
				t.Errorf("got Content-Security-Policy %q, want %q", got, apiCSP)
			}
		})
	}
}

// TestBrowserAskingTheAPI: a browser's error on the API's or the probes'
// paths leaves as JSON; elsewhere it gets the web UI's page.
func TestBrowserAskingTheAPI(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct {
		name, path string
		closing    bool
		status     int
		errName    string // empty: a page
	}{
		{name: "unregistered API path", path: "/api/thing", status: 404, errName: "NotFound"},
		{name: "API error", path: "/api/v1/schema?nsid=com.example.nope", status: 404, errName: "LexiconNotFound"},
		{name: "unknown XRPC method", path: "/xrpc/com.example.nope", status: 404, errName: "MethodNotImplemented"},
		{name: "probe", path: "/readyz", closing: true, status: 503, errName: "ServiceUnavailable"},
		{name: "mistyped page", path: "/catalog", status: 404},
		{name: "below a probe", path: "/healthz/", status: 404},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s.closing.Store(tt.closing)
			defer s.closing.Store(false)
			r := s.do(t, http.MethodGet, tt.path, "", "Accept", "text/html,*/*")
			if r.status != tt.status {
				t.Fatalf("got %d, want %d\n%s", r.status, tt.status, r.body)
			}
			isPage := strings.HasPrefix(r.header.Get("Content-Type"), "text/html")
			if isPage != (tt.errName == "") {
				t.Fatalf("rendered as a page: got %v, want %v\n%s", isPage, tt.errName == "", r.body)
			}
			if tt.errName != "" {
				checkErrorShape(t, r.decode(t), tt.errName)
			}
		})
	}
}

// TestPanicIsA500 checks that a panicking handler answers 500 in the XRPC
// shape and leaves the server serving.
func TestPanicIsA500(t *testing.T) {
	s := newTestServer(t)
	s.echo.GET("/test/panic", func(echo.Context) error { panic("boom") })
	r := s.do(t, http.MethodGet, "/test/panic", "")
	if r.status != http.StatusInternalServerError {
		t.Fatalf("got %d, want 500", r.status)
	}
	checkErrorShape(t, r.decode(t), "InternalError")
	if strings.Contains(string(r.body), "boom") {
		t.Errorf("got %s, want the panic's text kept out of the response", r.body)
	}
	if r := s.do(t, http.MethodGet, "/healthz", ""); r.status != http.StatusOK {
		t.Errorf("after a panic: got %d, want 200", r.status)
	}
}

// TestWebUIKeepsItsCSP checks that the API's content security policy does
// not land on the web UI's pages.
func TestWebUIKeepsItsCSP(t *testing.T) {
	s := newTestServer(t)
	r := s.do(t, http.MethodGet, "/", "")
	if r.status != http.StatusOK {
		t.Fatalf("GET /: got %d, want 200", r.status)
	}
	if got := r.header.Values("Content-Security-Policy"); len(got) != 1 || got[0] == apiCSP {
		t.Errorf("GET /: got Content-Security-Policy %q, want the UI's own, once", got)
	}
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("GET /: got X-Content-Type-Options %q, want nosniff", got)
	}
}

func TestMetrics(t *testing.T) {
	s := newTestServer(t)
	scrape := func() string {
		t.Helper()
		r := s.do(t, http.MethodGet, "/metrics", "")
		if r.status != http.StatusOK {
			t.Fatalf("GET /metrics: got %d, want 200", r.status)
		}
		return string(r.body)
	}
	before := scrape()

	s.do(t, http.MethodPost, "/api/v1/validate", validateBody(refreshSession, validSession))
	s.do(t, http.MethodPost, "/api/v1/validate", `{"schema":"`+refreshSession+`","values":[`+validSession+`,{}]}`)
	s.do(t, http.MethodPost, "/api/v1/validate", validateBody("com.example.note", noteWithAttachment, `"options":{"allowUnresolved":true}`))
	s.do(t, http.MethodPost, "/api/v1/validate", `{`)
	s.do(t, http.MethodGet, "/no/such/route/42", "")
	after := scrape()

	tests := []struct {
		name   string
		series string
		delta  float64
	}{
		{name: "valid", series: `lexval_validations_total{outcome="valid"}`, delta: 2},
		{name: "invalid", series: `lexval_validations_total{outcome="invalid"}`, delta: 1},
		{name: "unresolved", series: `lexval_validations_total{outcome="unresolved"}`, delta: 1},
		{name: "requests by route", series: `lexval_http_requests_total{code="200",method="POST",route="/api/v1/validate"}`, delta: 3},
		{name: "bad requests", series: `lexval_http_requests_total{code="400",method="POST",route="/api/v1/validate"}`, delta: 1},
		{name: "unmatched route", series: `lexval_http_requests_total{code="404",method="GET",route="unmatched"}`, delta: 1},
		{name: "latency", series: `lexval_http_request_duration_seconds_count{method="POST",route="/api/v1/validate"}`, delta: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := metricValue(after, tt.series) - metricValue(before, tt.series); got != tt.delta {
				t.Errorf("%s moved by %v, want %v", tt.series, got, tt.delta)
			}
		})
	}
	for _, name := range []string{
		"lexval_resolver_cache_hits_total", "lexval_resolver_cache_misses_total", "lexval_resolver_fetch_errors_total",
		"go_goroutines", "go_memstats_alloc_bytes",
	} {
		if !regexp.MustCompile(`(?m)^` + name + ` `).MatchString(after) {
			t.Errorf("metric %s missing from /metrics", name)
		}
	}
	if strings.Contains(after, "/no/such/route") {
		t.Error("a raw path became a metric label, want only route patterns")
	}
}

// metricValue reads one series from the Prometheus text format; absent is 0.
func metricValue(text, series string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return f
			}
		}
	}
	return 0
}

// TestServerTimeouts checks that the http.Server bounds every phase.
func TestServerTimeouts(t *testing.T) {
	s := newTestServer(t)
	h := s.http
	for _, tt := range []struct {
		name string
		got  int64
	}{
		{"ReadHeaderTimeout", int64(h.ReadHeaderTimeout)},
		{"ReadTimeout", int64(h.ReadTimeout)},
		{"WriteTimeout", int64(h.WriteTimeout)},
		{"IdleTimeout", int64(h.IdleTimeout)},
	} {
		if tt.got <= 0 {
			t.Errorf("%s is %d, want a bound", tt.name, tt.got)
		}
	}
	if h.WriteTimeout <= DefaultRequestTimeout {
		t.Errorf("WriteTimeout %v leaves no time to write after a request that uses its %v", h.WriteTimeout, DefaultRequestTimeout)
	}
}

// TestAccessLog checks the access log: one constant message per request,
// the facts as attributes, the route pattern beside the raw path, and a
// level by outcome.
func TestAccessLog(t *testing.T) {
	var buf bytes.Buffer
	s := newTestServer(t, func(_ *resolver.Config, c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	s.do(t, http.MethodGet, "/api/v1/schema?nsid="+refreshSession, "")
	s.do(t, http.MethodPost, "/api/v1/validate", "{")

	var lines []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %s", err, line)
		}
		if m["msg"] == "http request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("got %d access log lines, want 2:\n%s", len(lines), buf.Bytes())
	}
	want := []map[string]any{
		{"level": "DEBUG", "method": "GET", "route": "/api/v1/schema", "path": "/api/v1/schema", "status": float64(200)},
		{"level": "INFO", "method": "POST", "route": "/api/v1/validate", "path": "/api/v1/validate", "status": float64(400)},
	}
	for i, w := range want {
		for k, v := range w {
			if lines[i][k] != v {
				t.Errorf("line %d: got %s=%v, want %v", i, k, lines[i][k], v)
			}
		}
		for _, k := range []string{"duration", "bytes", "remote"} {
			if _, ok := lines[i][k]; !ok {
				t.Errorf("line %d: attribute %s missing", i, k)
			}
		}
	}
}

// TestHead: HEAD is answered wherever GET is, with GET's status and no body.
func TestHead(t *testing.T) {
	s := newTestServer(t)
	for _, tt := range []struct {
		path   string
		status int
	}{
		{"/healthz", 200},
		{"/readyz", 200},
		{"/metrics", 200},
		{"/api/v1/schema?nsid=com.atproto.server.refreshSession", 200},
		{"/api/v1/schema?nsid=com.example.nope", 404},
		{"/xrpc/com.atproto.lexicon.resolveLexicon?nsid=com.atproto.server.refreshSession", 200},
		{"/", 200},
		{"/validate", 200},
		{"/lexicon/com.atproto.server.refreshSession", 200},
		{"/lexicon/com.example.nope", 404},
	} {
		t.Run(tt.path, func(t *testing.T) {
			if r := s.do(t, http.MethodHead, tt.path, ""); r.status != tt.status {
				t.Errorf("got %d, want %d", r.status, tt.status)
			}
		})
	}
}
