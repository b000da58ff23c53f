package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// invalidSession is a refreshSession output with two errors.
const invalidSession = `{"refreshJwt":"r","handle":"alice.example.com","did":"plc:nope"}`

// batchOf is a validate request for n copies of value.
func batchOf(n int, value string) string {
	return `{"schema":"` + refreshSession + `","values":[` + strings.TrimSuffix(strings.Repeat(value+",", n), ",") + `]}`
}

// TestOutOfTime: a request whose work outlasts the budget is answered 503 in
// the XRPC shape, and /metrics counts it as such.
func TestOutOfTime(t *testing.T) {
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.RequestTimeout = time.Nanosecond })
	docs := strings.TrimSuffix(strings.Repeat(cleanDoc+",", 50), ",")
	tests := []struct {
		name, path, body, route string
	}{
		{name: "batch of invalid values", path: "/api/v1/validate", body: batchOf(500, invalidSession), route: "/api/v1/validate"},
		{name: "lint of many documents", path: "/api/v1/lint", body: `{"documents":[` + docs + `]}`, route: "/api/v1/lint"},
		{name: "draft lexicon", path: xrpcValidatePath, body: `{"schema":` + cleanDoc + `}`, route: xrpcValidatePath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			series := `lexval_http_requests_total{code="503",method="POST",route="` + tt.route + `"}`
			before := metricValue(string(s.do(t, http.MethodGet, "/metrics", "").body), series)
			r := s.do(t, http.MethodPost, tt.path, tt.body)
			if r.status != http.StatusServiceUnavailable {
				t.Fatalf("got %d, want 503\n%s", r.status, r.body)
			}
			checkErrorShape(t, r.decode(t), "RequestTimeout", "more than the 1ns")
			after := metricValue(string(s.do(t, http.MethodGet, "/metrics", "").body), series)
			if after-before != 1 {
				t.Errorf("%s moved by %v, want 1", series, after-before)
			}
		})
	}
	t.Run("a valid value against a kept schema needs no budget", func(t *testing.T) {
		// A request with no time for work compiles nothing (its compile
		// stops with it): the schema is kept beforehand.
		if _, err := s.svc.Prepare(context.Background(), service.Request{Schema: mustSchemaRef(t, s, refreshSession)}); err != nil {
			t.Fatal(err)
		}
		if r := s.do(t, http.MethodPost, "/api/v1/validate", validateBody(refreshSession, validSession)); r.status != http.StatusOK {
			t.Errorf("got %d, want 200\n%s", r.status, r.body)
		}
	})
}

// TestWorkThatIgnoresItsDeadline: work that never looks at its context is
// still answered once the budget and its grace are spent, and what it holds
// is released when it ends.
func TestWorkThatIgnoresItsDeadline(t *testing.T) {
	s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.RequestTimeout = time.Millisecond })
	unblock := make(chan struct{})
	released := make(chan struct{})
	s.echo.GET("/test/stuck", func(c echo.Context) error {
		var b budget
		return s.work(c, &b, true, func() { close(released) }, func(context.Context) error {
			<-unblock
			return nil
		})
	})
	r := s.do(t, http.MethodGet, "/test/stuck", "")
	if r.status != http.StatusServiceUnavailable {
		t.Fatalf("got %d, want 503\n%s", r.status, r.body)
	}
	checkErrorShape(t, r.decode(t), "RequestTimeout")
	select {
	case <-released:
		t.Fatal("released while the work was still running")
	default:
	}
	close(unblock)
	<-released
}

// TestPanicInWork: a panic in work on its own goroutine is a 500, not a
// crash.
func TestPanicInWork(t *testing.T) {
	s := newTestServer(t)
	s.echo.GET("/test/panic-in-work", func(c echo.Context) error {
		var b budget
		return s.work(c, &b, true, nil, func(context.Context) error { panic("boom") })
	})
	r := s.do(t, http.MethodGet, "/test/panic-in-work", "")
	if r.status != http.StatusInternalServerError {
		t.Fatalf("got %d, want 500\n%s", r.status, r.body)
	}
	checkErrorShape(t, r.decode(t), "InternalError")
}

// TestExplanationSlots: invalid values need an explanation slot and are
// turned away with 503 and Retry-After when none frees in time; valid values
// need none.
func TestExplanationSlots(t *testing.T) {
	s := newTestServer(t, func(_ *resolver.Config, c *Config) {
		c.MaxExplaining = 1
		c.ExplainWait = time.Millisecond
	})
	// Hold the only slot, as a request explaining a large value would.
	if err := s.explainers.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, body string
		status           int
	}{
		{name: "valid value", path: "/api/v1/validate", body: validateBody(refreshSession, validSession), status: 200},
		{name: "batch of valid values", path: "/api/v1/validate", body: batchOf(3, validSession), status: 200},
		{name: "valid record (XRPC)", path: xrpcValidatePath, body: `{"schema":"` + refreshSession + `","record":` + validSession + `}`, status: 200},
		{name: "invalid value", path: "/api/v1/validate", body: validateBody(refreshSession, invalidSession), status: 503},
		{name: "batch with an invalid value", path: "/api/v1/validate", body: `{"schema":"` + refreshSession + `","values":[` + validSession + `,` + invalidSession + `]}`, status: 503},
		{name: "invalid record (XRPC)", path: xrpcValidatePath, body: `{"schema":"` + refreshSession + `","record":` + invalidSession + `}`, status: 503},
		// A body over heavyBody is heavy work, valid or not: it waits for a
		// slot before it is even read.
		{name: "large batch of valid values", path: "/api/v1/validate", body: batchOf(heavyBody/len(validSession)+1, validSession), status: 503},
		{name: "large lint request", path: "/api/v1/lint", body: `{"documents":[` + strings.TrimSuffix(strings.Repeat(cleanDoc+",", heavyBody/len(cleanDoc)+1), ",") + `]}`, status: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.do(t, http.MethodPost, tt.path, tt.body)
			if r.status != tt.status {
				t.Fatalf("got %d, want %d\n%s", r.status, tt.status, r.body)
			}
			if tt.status != http.StatusServiceUnavailable {
				return
			}
			checkErrorShape(t, r.decode(t), "ServiceUnavailable", "at once")
			if got := r.header.Get("Retry-After"); got != "1" {
				t.Errorf("got Retry-After %q, want 1", got)
			}
		})
	}
	s.explainers.release()
	t.Run("once the slot is free", func(t *testing.T) {
		for _, body := range []string{
			validateBody(refreshSession, invalidSession),
			// A heavy request explains with the slot it holds.
			batchOf(heavyBody/len(invalidSession)+1, invalidSession),
		} {
			r := s.do(t, http.MethodPost, "/api/v1/validate", body)
			if r.status != http.StatusOK {
				t.Fatalf("got %d, want 200\n%.300s", r.status, r.body)
			}
			wantField(t, r.decode(t), false, "valid")
			// The request gave its slot back.
			if err := s.explainers.acquire(context.Background()); err != nil {
				t.Fatalf("the slot was not released: %v", err)
			}
			s.explainers.release()
		}
	})
}

// TestValidAnswerKept: the answer to a valid value, rendered once per
// checker, is byte for byte what rendering it each time gives.
func TestValidAnswerKept(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		req  service.Request
		body string
	}{
		{name: "NSID", req: service.Request{Schema: mustSchemaRef(t, s, refreshSession)}, body: validateBody(refreshSession, validSession)},
		{name: "directory document", req: service.Request{Schema: mustSchemaRef(t, s, "com.example.note")}, body: validateBody("com.example.note", `{"$type":"com.example.note","text":"hi","createdAt":"2024-01-01T00:00:00Z"}`)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checker, err := s.svc.Prepare(ctx, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := json.NewEncoder(&want).Encode(validateResponse{
				Valid: true, Schema: &checker.Info, Target: checker.Target,
				Errors: []validator.Error{}, Unresolved: []validator.Unresolved{},
			}); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				r := s.do(t, http.MethodPost, "/api/v1/validate", tt.body)
				if r.status != http.StatusOK || !bytes.Equal(r.body, want.Bytes()) {
					t.Fatalf("request %d: got %d %q, want 200 %q", i, r.status, r.body, want.Bytes())
				}
				if ct := r.header.Get("Content-Type"); ct != echo.MIMEApplicationJSON {
					t.Errorf("got Content-Type %q, want %q", ct, echo.MIMEApplicationJSON)
				}
			}
			if _, kept := s.validBodies.bodies.Load(checker); !kept {
				t.Error("the answer was not kept for the checker")
			}
			r := s.do(t, http.MethodPost, "/api/v1/validate?pretty", tt.body)
			if !bytes.Contains(r.body, []byte("\n  \"valid\": true")) {
				t.Errorf("?pretty: got %s, want an indented answer", r.body)
			}
		})
	}
}

func mustSchemaRef(tb testing.TB, s *testServer, raw string) service.SchemaRef {
	tb.Helper()
	ref, err := s.svc.ParseSchemaRef(raw)
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

// TestWriteTimeoutCoversTheBudget: a request that uses its whole budget is
// still answered before the connection's write deadline, which runs from
// the end of its headers.
func TestWriteTimeoutCoversTheBudget(t *testing.T) {
	for _, budget := range []time.Duration{time.Second, DefaultRequestTimeout, 5 * time.Minute} {
		s := newTestServer(t, func(_ *resolver.Config, c *Config) { c.RequestTimeout = budget })
		longest := s.http.ReadTimeout + s.cfg.ExplainWait + budget + workGrace
		if s.http.WriteTimeout <= longest {
			t.Errorf("budget %v: got WriteTimeout %v, want more than the %v a request may take before answering", budget, s.http.WriteTimeout, longest)
		}
	}
}

// TestUndelivered: a handler that outlasts the write timeout is counted and
// logged, since its answer cannot reach the client.
func TestUndelivered(t *testing.T) {
	s := newTestServer(t)
	s.http.WriteTimeout = time.Nanosecond
	s.echo.GET("/test/slow", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
	s.do(t, http.MethodGet, "/test/slow", "")
	s.http.WriteTimeout = time.Hour
	text := string(s.do(t, http.MethodGet, "/metrics", "").body)
	if got := metricValue(text, "lexval_http_responses_undelivered_total"); got != 1 {
		t.Errorf("lexval_http_responses_undelivered_total: got %v, want 1", got)
	}
}
