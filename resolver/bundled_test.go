package resolver_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexicons"
	"github.com/lexval/lexval/resolver"
)

const (
	bundledPost = "app.bsky.feed.post"
	postFile    = "lexicons/app/bsky/feed/post.json"
)

// publishCID is the CID the bundled file has once published, worked out
// here from the file itself.
func publishCID(t *testing.T, path string) string {
	t.Helper()
	raw, err := fs.ReadFile(lexicons.Bundled, path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := datamodel.DecodeJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := datamodel.PublishLexicon(v.(map[string]any), raw)
	if err != nil {
		t.Fatal(err)
	}
	return pub.CID.String()
}

func TestBundledOffline(t *testing.T) {
	r, err := resolver.New(resolver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Resolve(t.Context(), resolver.Query{NSID: bundledPost})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Source != resolver.SourceBundled || rec.URI != "" || rec.Proof != nil || rec.NetworkError != nil {
		t.Errorf("got source %s, URI %q, proof %v, network error %v; want bundled, no AT-URI, no proof, no network error", rec.Source, rec.URI, rec.Proof, rec.NetworkError)
	}
	if want := publishCID(t, postFile); rec.CID.String() != want || rec.Document.CID() != want {
		t.Errorf("got CID %s (document %s), want the published record's %s", rec.CID, rec.Document.CID(), want)
	}
	up := rec.Upstream
	if up == nil || up.Path != postFile || len(up.Commit) != 40 || !strings.HasPrefix(up.URL(), "https://github.com/bluesky-social/atproto/blob/"+up.Commit+"/") {
		t.Errorf("got upstream %+v, want the atproto repository's %s at a commit", up, postFile)
	}

	t.Run("an embedded record outranks the bundle", func(t *testing.T) {
		rec, err := r.Resolve(t.Context(), resolver.Query{NSID: "com.atproto.server.refreshSession"})
		if err != nil {
			t.Fatal(err)
		}
		if rec.Source != resolver.SourceEmbedded || rec.URI == "" {
			t.Errorf("got source %s, URI %q; want the embedded published record", rec.Source, rec.URI)
		}
	})
	t.Run("no AT-URI names a bundled document", func(t *testing.T) {
		_, err := r.Resolve(t.Context(), resolver.Query{URI: syntax.ATURI("at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/" + bundledPost)})
		if !errors.Is(err, resolver.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("the local catalog lists it once", func(t *testing.T) {
		n := 0
		for _, rec := range r.Local() {
			if rec.NSID() == bundledPost {
				n++
			}
			if rec.NSID() == "com.atproto.server.refreshSession" && rec.Source != resolver.SourceEmbedded {
				t.Errorf("got refreshSession from %s in the local catalog, want embedded", rec.Source)
			}
		}
		if n != 1 {
			t.Errorf("got %s %d times in Local, want once", bundledPost, n)
		}
	})
}

// TestBundledBelowTheNetwork: with the network on, a published, proven
// version supersedes the bundled one; when the network has none, or fails,
// the bundled one answers and says why.
func TestBundledBelowTheNetwork(t *testing.T) {
	published := []byte(`{"lexicon":1,"id":"app.bsky.feed.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{"text":{"type":"string"}}}}}}`)
	tests := []struct {
		name        string
		setup       func(n *testNet)
		wantSource  resolver.SourceKind
		wantNetErr  error // the reason a bundled answer carries
		cancelFirst bool
	}{
		{
			name:       "published and proven supersedes",
			setup:      func(n *testNet) { n.test.PublishLexicon(published) },
			wantSource: resolver.SourceNetwork,
		},
		{
			name:       "not published",
			setup:      func(n *testNet) {},
			wantSource: resolver.SourceBundled,
			wantNetErr: resolver.ErrNotFound,
		},
		{
			name: "DNS down",
			setup: func(n *testNet) {
				n.test.PublishLexicon(published)
				n.DNS.Fail(errors.New("server misbehaving"))
			},
			wantSource: resolver.SourceBundled,
			wantNetErr: resolver.ErrResolution,
		},
		{
			name: "unprovable",
			setup: func(n *testNet) {
				n.test.PublishLexicon(published)
				n.test.ClaimKey(n.other.SigningKey())
			},
			wantSource: resolver.SourceBundled,
			wantNetErr: resolver.ErrProofInvalid,
		},
		{
			name:        "the caller gave up",
			setup:       func(n *testNet) { n.test.PublishLexicon(published) },
			cancelFirst: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newTestNet(t)
			tt.setup(n)
			r := n.resolver(t, n.ResolverConfig(), resolver.Seams{})
			ctx := t.Context()
			if tt.cancelFirst {
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			rec, err := r.Resolve(ctx, resolver.Query{NSID: bundledPost})
			if tt.cancelFirst {
				if err == nil {
					t.Fatalf("got a record from %s, want the caller's context error", rec.Source)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rec.Source != tt.wantSource {
				t.Fatalf("got source %s, want %s", rec.Source, tt.wantSource)
			}
			switch tt.wantSource {
			case resolver.SourceNetwork:
				if rec.Proof == nil || rec.URI != schemaURI(testDID, bundledPost) || rec.NetworkError != nil {
					t.Errorf("got URI %s, proof %v, network error %v; want the published, proven record", rec.URI, rec.Proof, rec.NetworkError)
				}
			case resolver.SourceBundled:
				if !errors.Is(rec.NetworkError, tt.wantNetErr) {
					t.Errorf("got network error %v, want %v", rec.NetworkError, tt.wantNetErr)
				}
				if rec.URI != "" || rec.Proof != nil {
					t.Errorf("got URI %q, proof %v; want neither on a bundled document", rec.URI, rec.Proof)
				}
			}
		})
	}
}

func TestOmitBundled(t *testing.T) {
	r, err := resolver.New(resolver.Config{OmitBundled: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(t.Context(), resolver.Query{NSID: bundledPost}); !errors.Is(err, resolver.ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound without the bundle", err)
	}
	for _, rec := range r.Local() {
		if rec.Source == resolver.SourceBundled {
			t.Fatalf("got bundled %s in Local, want none", rec.NSID())
		}
	}
}
