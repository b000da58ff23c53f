package service

import (
	"testing"
	"time"

	"github.com/lexval/lexval/internal/atprototest"
	"github.com/lexval/lexval/resolver"
)

// TestPrepareBundled: offline, a bundled lexicon is a local schema, kept;
// with the network on, it stands in only until a published version
// appears, so it is not kept and the network is asked again.
func TestPrepareBundled(t *testing.T) {
	req := Request{Schema: mustRef(t, "app.bsky.feed.post")}
	t.Run("offline", func(t *testing.T) {
		res, err := resolver.New(resolver.Config{})
		if err != nil {
			t.Fatal(err)
		}
		s := New(res)
		c, err := s.Prepare(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if c.Info.Source != resolver.SourceBundled || c.Info.URI != "" || c.Info.Proof != nil || c.Info.NetworkError != "" {
			t.Errorf("got info %+v, want a bundled schema without AT-URI, proof or network error", c.Info)
		}
		if kept, ok := s.Prepared(req); !c.Kept() || !ok || kept != c {
			t.Errorf("got kept %v, Prepared %v; want the checker kept", c.Kept(), ok)
		}
		if r := c.Validate(map[string]any{"$type": "app.bsky.feed.post", "text": "hi", "createdAt": "2024-01-01T00:00:00Z"}); !r.Valid {
			t.Errorf("got %+v, want a valid post", r)
		}
	})
	t.Run("superseded once published", func(t *testing.T) {
		n := atprototest.New(t)
		a := n.NewAccount(remoteDID, atprototest.P256)
		cfg := n.ResolverConfig()
		cfg.NegativeCacheTTL = time.Nanosecond // ask again at once
		res, err := resolver.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		s := New(res)
		c, err := s.Prepare(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if c.Info.Source != resolver.SourceBundled || c.Info.NetworkError == "" || c.Kept() {
			t.Fatalf("got source %s, network error %q, kept %v; want bundled, saying why, not kept", c.Info.Source, c.Info.NetworkError, c.Kept())
		}
		a.PublishLexicon([]byte(`{"lexicon":1,"id":"app.bsky.feed.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["only"],"properties":{"only":{"type":"string"}}}}}}`))
		c, err = s.Prepare(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if c.Info.Source != resolver.SourceNetwork || c.Info.Proof == nil {
			t.Fatalf("got source %s, proof %v; want the published, proven version", c.Info.Source, c.Info.Proof)
		}
		if r := c.Validate(map[string]any{"$type": "app.bsky.feed.post", "only": "x"}); !r.Valid {
			t.Errorf("got %+v, want valid against the published version", r)
		}
	})
}
