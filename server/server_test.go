package server

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

const (
	refreshSession    = "com.atproto.server.refreshSession"
	refreshSessionURI = "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession"
	refreshSessionCID = "bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne"
	// lexiconSchemaCID is the CID of the embedded com.atproto.lexicon.schema
	// record: a valid CID that is not refreshSession's.
	lexiconSchemaCID = "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4"
)

// validSession is a refreshSession output that passes.
const validSession = `{"accessJwt":"a.b.c","refreshJwt":"d.e.f","handle":"alice.example.com","did":"did:plc:6msi3pj7krzih5qxqtryxlzw","active":true}`

// testServer is a Server over the embedded catalog plus testdata/lexicons.
type testServer struct {
	*Server
	res *resolver.Resolver
	svc *service.Service
}

func newTestServer(tb testing.TB, mod ...func(*resolver.Config, *Config)) *testServer {
	tb.Helper()
	rcfg := resolver.Config{Directories: []string{filepath.Join("testdata", "lexicons")}}
	cfg := Config{}
	for _, m := range mod {
		m(&rcfg, &cfg)
	}
	res, err := resolver.New(rcfg)
	if err != nil {
		tb.Fatalf("resolver.New: %v", err)
	}
	svc := service.New(res)
	cfg.Service, cfg.Resolver = svc, res
	if cfg.Logger == nil {
		// Errors (5xx, panics) show in the test's output; access logs do not.
		cfg.Logger = slog.New(slog.NewTextHandler(testLogWriter{tb}, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	s, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return &testServer{Server: s, res: res, svc: svc}
}

// response is what a test sees of an HTTP response.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request to the server's handler. A non-empty body gets
// Content-Type: application/json unless header names one; naming it with
// an empty value sends none.
func (s *testServer) do(tb testing.TB, method, target, body string, header ...string) response {
	tb.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// decode parses a JSON response body.
func (r response) decode(tb testing.TB) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		tb.Fatalf("response body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// checkGolden compares body (re-indented) with testdata/golden/name.json,
// rewriting it under -update.
func checkGolden(tb testing.TB, name string, body []byte) {
	tb.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		tb.Fatalf("golden %s: body is not JSON: %v\n%s", name, err, body)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("golden %s: %v (run go test ./server -update to create it)", name, err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		tb.Errorf("golden %s: got\n%s\nwant\n%s", name, buf.Bytes(), want)
	}
}

func TestNewRequiresService(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Fatal("New without a service: got nil error, want one")
	}
}

func TestOpenServeShutdown(t *testing.T) {
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.Addr = "127.0.0.1:0" })
	if s.Addr() != nil {
		t.Fatalf("Addr before Open: got %v, want nil", s.Addr())
	}
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	if err := s.Open(); err == nil {
		t.Error("second Open: got nil error, want one")
	}
	base := "http://" + s.Addr().String()

	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz: got %d, want 200", resp.StatusCode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("GET after Shutdown: got a response, want a connection error")
	}
	if r := s.do(t, http.MethodGet, "/readyz", ""); r.status != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz after Shutdown: got %d, want 503", r.status)
	}
}

func TestShutdownBeforeOpen(t *testing.T) {
	s := newTestServer(t)
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown before Open: got %v, want nil", err)
	}
}

// newChunkedRequest is a POST /api/v1/validate without a Content-Length.
func newChunkedRequest(body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/validate", io.NopCloser(strings.NewReader(body)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	return req
}

func (s *testServer) serve(req *http.Request) response {
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// testLogWriter sends log lines to the test's log.
type testLogWriter struct{ tb testing.TB }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.tb.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func TestStatusFor(t *testing.T) {
	tests := []struct {
		name string
		code service.Code
		want int
	}{
		{name: "invalid request", code: service.CodeInvalidRequest, want: http.StatusBadRequest},
		{name: "not found", code: service.CodeNotFound, want: http.StatusNotFound},
		{name: "CID mismatch", code: service.CodeCIDMismatch, want: http.StatusConflict},
		{name: "upstream failure", code: service.CodeUpstreamFailure, want: http.StatusBadGateway},
		{name: "upstream timeout", code: service.CodeUpstreamTimeout, want: http.StatusGatewayTimeout},
		{name: "internal", code: service.CodeInternal, want: http.StatusInternalServerError},
		{name: "unknown", code: service.Code("Unheard"), want: http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusFor(tt.code); got != tt.want {
				t.Errorf("StatusFor(%q): got %d, want %d", tt.code, got, tt.want)
			}
		})
	}
}
