package resolver_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/resolver"
)

// publishChain publishes a.one → b.two → c.three → d.four → a.one (a cycle),
// with a.one also referring to z.nope, which nobody publishes.
func publishChain(n *testNet) {
	const (
		a = "com.example.a.one"
		b = "com.example.b.two"
		c = "com.example.c.three"
		d = "com.example.d.four"
	)
	n.test.PublishLexicon(lexiconValue(a, b, "com.example.z.nope"))
	n.other.PublishLexicon(lexiconValue(b, c, "com.atproto.lexicon.schema"))
	n.test.PublishLexicon(lexiconValue(c, d))
	n.test.PublishLexicon(lexiconValue(d, a))
}

// closureOf resolves nsid and returns its closure.
func closureOf(t *testing.T, r *resolver.Resolver, nsid syntax.NSID) ([]*resolver.Record, map[syntax.NSID]error) {
	t.Helper()
	root, err := r.Resolve(t.Context(), resolver.Query{NSID: nsid})
	if err != nil {
		t.Fatal(err)
	}
	recs, missing, err := r.Closure(t.Context(), root)
	if err != nil {
		t.Fatal(err)
	}
	return recs, missing
}

func TestClosure(t *testing.T) {
	tests := []struct {
		name        string
		maxDepth    int
		maxRecords  int
		want        []syntax.NSID // records, root first
		wantMissing map[syntax.NSID]error
	}{
		{
			name: "everything within the defaults",
			want: []syntax.NSID{"com.example.a.one", "com.atproto.lexicon.schema", "com.example.b.two", "com.example.c.three", "com.example.d.four"},
			wantMissing: map[syntax.NSID]error{
				"com.example.z.nope": resolver.ErrNotFound,
			},
		},
		{
			name:     "depth bound",
			maxDepth: 2,
			want:     []syntax.NSID{"com.example.a.one", "com.atproto.lexicon.schema", "com.example.b.two", "com.example.c.three"},
			wantMissing: map[syntax.NSID]error{
				"com.example.z.nope": resolver.ErrNotFound,
				"com.example.d.four": resolver.ErrResolution,
			},
		},
		{
			name:       "count bound",
			maxRecords: 2,
			want:       []syntax.NSID{"com.example.a.one", "com.example.b.two"},
			wantMissing: map[syntax.NSID]error{
				// Sorted, b.two comes first and takes the last place.
				"com.example.z.nope":         resolver.ErrResolution,
				"com.example.c.three":        resolver.ErrResolution,
				"com.atproto.lexicon.schema": resolver.ErrResolution,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			publishChain(n)
			cfg := n.ResolverConfig()
			cfg.MaxDepth, cfg.MaxRecords = tt.maxDepth, tt.maxRecords
			// The real embedded catalog, to see local records join in.
			r, err := resolver.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			recs, missing := closureOf(t, r, "com.example.a.one")
			var got []syntax.NSID
			for _, rec := range recs {
				got = append(got, rec.NSID())
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got records %v, want %v", got, tt.want)
			}
			if !slices.Equal(slices.Sorted(maps.Keys(missing)), slices.Sorted(maps.Keys(tt.wantMissing))) {
				t.Errorf("got missing %v, want %v", missing, tt.wantMissing)
			}
			for nsid, want := range tt.wantMissing {
				if err := missing[nsid]; !errors.Is(err, want) {
					t.Errorf("%s: got reason %v, want one wrapping %v", nsid, err, want)
				}
			}
		})
	}
}

// TestClosureOffline: without the network, a closure is what the local
// catalog holds.
func TestClosureOffline(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.json", `{"lexicon":1,"id":"com.example.a.one","defs":{"main":{"type":"object","properties":{
		"x":{"type":"ref","ref":"com.example.b.two#thing"},
		"y":{"type":"union","refs":["com.example.gone.away"]}}}}}`)
	writeFile(t, dir, "b.json", `{"lexicon":1,"id":"com.example.b.two","defs":{"thing":{"type":"object","properties":{}}}}`)
	r, err := resolver.New(resolver.Config{Directories: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	recs, missing := closureOf(t, r, "com.example.a.one")
	if len(recs) != 2 || recs[1].NSID() != "com.example.b.two" {
		t.Errorf("got %d records, want a.one and b.two", len(recs))
	}
	if err := missing["com.example.gone.away"]; !errors.Is(err, resolver.ErrNotFound) || len(missing) != 1 {
		t.Errorf("got missing %v, want com.example.gone.away not found", missing)
	}
}

func TestClosureCanceled(t *testing.T) {
	n := newTestNet(t)
	publishChain(n)
	r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
	root, err := r.Resolve(t.Context(), resolver.Query{NSID: "com.example.a.one"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := r.Closure(ctx, root); !errors.Is(err, context.Canceled) {
		t.Errorf("got error %v, want one wrapping context.Canceled", err)
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
