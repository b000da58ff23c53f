package server

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/storetest"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/store"
	"github.com/lexval/lexval/tap"
)

// newStoreServer is a server over the fake network that reads through a
// SQLite store, with a Tap ingester (not running) for its metrics.
func newStoreServer(t *testing.T) *testServer {
	t.Helper()
	s, _ := newStoreServerWith(t)
	return s
}

// newStoreServerWith is newStoreServer, and its store.
func newStoreServerWith(t *testing.T) (*testServer, store.Store) {
	t.Helper()
	n := newFakeNetwork(t)
	st := storetest.Open(t, "sqlite")
	rc := resolver.Config{}
	useNetwork(&rc, n)
	res, src, err := store.NewResolver(rc, st, store.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := tap.New(tap.Config{URL: "ws://127.0.0.1:1", Store: st})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.NewWithOptions(res, service.Options{Store: src})
	s, err := New(Config{Service: svc, Resolver: res, Tap: in, Logger: slog.New(slog.NewTextHandler(testLogWriter{t}, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{Server: s, res: res, svc: svc}, st
}

func TestHistory(t *testing.T) {
	s := newStoreServer(t)
	schemaURI := "at://" + remoteDID + "/com.atproto.lexicon.schema/com.example.remote.defs"
	if r := s.do(t, "GET", "/api/v1/schema?nsid=com.example.remote.defs", ""); r.status != 200 {
		t.Fatalf("schema: got %d %s", r.status, r.body)
	}
	tests := []struct {
		name    string
		target  string
		status  int
		errName string
		says    []string
	}{
		{name: "by NSID", target: "/api/v1/history?nsid=com.example.remote.defs", status: 200, says: []string{`"authoritative":true`, `"uri":"` + schemaURI, `"proof":{`, `"deleted":false`, `"authority":"` + remoteDID}},
		{name: "by AT-URI", target: "/api/v1/history?uri=" + schemaURI, status: 200, says: []string{`"versions":[{`}},
		{name: "nothing stored", target: "/api/v1/history?nsid=com.example.remote.none", status: 200, says: []string{`"versions":[]`}},
		{name: "a page of one", target: "/api/v1/history?nsid=com.example.remote.defs&limit=1", status: 200, says: []string{`"cursor":"`}},
		{name: "neither", target: "/api/v1/history", status: 400, errName: "InvalidRequest", says: []string{"missing uri or nsid"}},
		{name: "both", target: "/api/v1/history?nsid=a.b.c&uri=at://x", status: 400, errName: "InvalidRequest"},
		{name: "not an NSID", target: "/api/v1/history?nsid=nope", status: 400, errName: "InvalidRequest"},
		{name: "a bad limit", target: "/api/v1/history?nsid=com.example.remote.defs&limit=100000", status: 400, errName: "InvalidRequest", says: []string{"limit"}},
		{name: "a bad cursor", target: "/api/v1/history?nsid=com.example.remote.defs&cursor=x", status: 400, errName: "InvalidRequest", says: []string{"cursor"}},
		{name: "an AT-URI of another collection", target: "/api/v1/history?uri=at://" + remoteDID + "/app.bsky.feed.post/x", status: 400, errName: "InvalidRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.do(t, "GET", tt.target, "")
			if r.status != tt.status {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.status)
			}
			if tt.errName != "" {
				if got := r.decode(t)["error"]; got != tt.errName {
					t.Errorf("got error %v, want %s", got, tt.errName)
				}
			}
			for _, want := range tt.says {
				if !strings.Contains(string(r.body), want) {
					t.Errorf("got %s, want it to contain %s", r.body, want)
				}
			}
		})
	}
	t.Run("the ingester's metrics", func(t *testing.T) {
		r := s.do(t, "GET", "/metrics", "")
		for _, want := range []string{`lexval_tap_events_total{outcome="cid_mismatch"} 0`, "lexval_tap_acks_total 0", "lexval_tap_connected 0", "lexval_tap_lag_seconds 0"} {
			if !strings.Contains(string(r.body), want) {
				t.Errorf("metrics lack %q", want)
			}
		}
	})
}

func TestHistoryWithoutStore(t *testing.T) {
	s := newTestServer(t)
	r := s.do(t, "GET", "/api/v1/history?nsid="+refreshSession, "")
	if r.status != http.StatusServiceUnavailable || r.decode(t)["error"] != "ServiceUnavailable" {
		t.Errorf("got %d %s, want 503 ServiceUnavailable", r.status, r.body)
	}
}

// TestReadyWithStore: /readyz says the store answers, and takes the replica
// out of rotation (503) once its database does not.
func TestReadyWithStore(t *testing.T) {
	s, st := newStoreServerWith(t)
	r := s.do(t, "GET", "/readyz", "")
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"store":"ok"`) {
		t.Fatalf("got %d %s, want 200 with \"store\":\"ok\"", r.status, r.body)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	r = s.do(t, "GET", "/readyz", "")
	if r.status != http.StatusServiceUnavailable || r.decode(t)["error"] != "ServiceUnavailable" {
		t.Errorf("with the database closed: got %d %s, want 503 ServiceUnavailable", r.status, r.body)
	}
}
