package resolver_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

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

// TestBundleParses: every bundled document parses, and its id is the NSID
// its path names (lexicons/app/bsky/feed/post.json holds
// app.bsky.feed.post): start-up only indexes the bundle, so a broken build
// is caught here rather than at start.
func TestBundleParses(t *testing.T) {
	// An empty embedded catalog, so that the bundle answers every NSID.
	noCatalog := fstest.MapFS{lexicons.ManifestPath: &fstest.MapFile{Data: []byte(`{"records":[]}`)}}
	r, err := resolver.NewWithSeams(resolver.Config{}, resolver.Seams{Catalog: noCatalog})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	err = fs.WalkDir(lexicons.Bundled, lexicons.BundledDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		n++
		want := syntax.NSID(strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(p, lexicons.BundledDir+"/"), ".json"), "/", "."))
		rec, err := r.LocalRecord(want)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		if rec.Source != resolver.SourceBundled || rec.NSID() != want || rec.Location != "bundled:"+p {
			t.Errorf("%s: got id %s from %s (%s), want %s from the bundle", p, rec.NSID(), rec.Location, rec.Source, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(r.LocalNSIDs()); n < 300 || got != n {
		t.Errorf("got %d bundled documents, %d local NSIDs; want the whole bundle (hundreds), each once", n, got)
	}
}

// countingFS counts the opens of each file.
type countingFS struct {
	fs.FS
	mu    sync.Mutex
	opens map[string]int
}

func (c *countingFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opens[name]++
	c.mu.Unlock()
	return c.FS.Open(name)
}

func (c *countingFS) count(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opens[name]
}

// TestBundleLazy: start-up reads no bundled document; one is read the
// first time it is asked for, once however many ask at once; one that
// fails to parse, or whose id is not its path's NSID, fails the
// resolutions of that NSID with the reason, and the rest keep working.
func TestBundleLazy(t *testing.T) {
	const (
		good     = "lexicons/com/example/good.json"
		mismatch = "lexicons/com/example/mismatch.json"
		broken   = "lexicons/com/example/broken.json"
		notNSID  = "lexicons/com/example-/x.json"
	)
	doc := func(id string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte(`{"lexicon":1,"id":"` + id + `","defs":{"main":{"type":"string"}}}`)}
	}
	fsys := &countingFS{opens: map[string]int{}, FS: fstest.MapFS{
		lexicons.UpstreamPath: &fstest.MapFile{Data: []byte(`{"repository":"https://github.com/example/lexicons","commit":"` + strings.Repeat("a", 40) + `","committed":"2026-01-01T00:00:00Z","path":"lexicons"}`)},
		good:                  doc("com.example.good"),
		mismatch:              doc("com.example.other"),
		broken:                &fstest.MapFile{Data: []byte(`{"lexicon":1,"id":"com.example.broken",`)},
		notNSID:               doc("com.example.x"),
	}}
	r, err := resolver.NewWithSeams(resolver.Config{}, resolver.Seams{Bundled: fsys})
	if err != nil {
		t.Fatalf("got %v, want start-up to index the bundle without parsing it", err)
	}
	for _, p := range []string{good, mismatch, broken} {
		if n := fsys.count(p); n != 0 {
			t.Errorf("got %s read %d times at start-up, want none", p, n)
		}
	}
	for _, nsid := range []syntax.NSID{"com.example.good", "com.example.mismatch", "com.example.broken"} {
		if !slices.Contains(r.LocalNSIDs(), nsid) {
			t.Errorf("got LocalNSIDs without %s, want it listed", nsid)
		}
	}

	var wg sync.WaitGroup
	recs := make([]*resolver.Record, 8)
	for i := range recs {
		wg.Go(func() {
			rec, err := r.Resolve(t.Context(), resolver.Query{NSID: "com.example.good"})
			if err != nil {
				t.Error(err)
			}
			recs[i] = rec
		})
	}
	wg.Wait()
	for _, rec := range recs {
		if rec != recs[0] {
			t.Fatalf("got records %p and %p, want one record shared", recs[0], rec)
		}
	}
	if n := fsys.count(good); n != 1 {
		t.Errorf("got %s read %d times, want once", good, n)
	}
	if recs[0].Upstream == nil || recs[0].Upstream.Path != good {
		t.Errorf("got upstream %+v, want path %s", recs[0].Upstream, good)
	}

	tests := []struct {
		name, nsid, path, want string
	}{
		{name: "id differs from the path", nsid: "com.example.mismatch", path: mismatch, want: "id com.example.other differs from com.example.mismatch"},
		{name: "not JSON", nsid: "com.example.broken", path: broken},
		{name: "a path that names no NSID", nsid: "com.example-.x", path: notNSID, want: "differs from com.example-.x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 { // the failure is kept, not retried
				_, err := r.Resolve(t.Context(), resolver.Query{NSID: syntax.NSID(tt.nsid)})
				if !errors.Is(err, resolver.ErrInvalidRecord) || !strings.Contains(err.Error(), tt.path) || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("got %v, want ErrInvalidRecord naming %s (%q)", err, tt.path, tt.want)
				}
			}
			if n := fsys.count(tt.path); n != 1 {
				t.Errorf("got %s read %d times, want once", tt.path, n)
			}
			if _, err := r.LocalRecord(syntax.NSID(tt.nsid)); !errors.Is(err, resolver.ErrInvalidRecord) {
				t.Errorf("got LocalRecord error %v, want ErrInvalidRecord", err)
			}
		})
	}
	t.Run("Local leaves out what fails to load", func(t *testing.T) {
		var got []syntax.NSID
		for _, rec := range r.Local() {
			if rec.Source == resolver.SourceBundled {
				got = append(got, rec.NSID())
			}
		}
		if want := []syntax.NSID{"com.example.good"}; !slices.Equal(got, want) {
			t.Errorf("got bundled %v in Local, want %v", got, want)
		}
	})
}

// TestBundleUnindexable: what start-up still reads of the bundle, its
// manifest, stops it when broken.
func TestBundleUnindexable(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{name: "no manifest", fsys: fstest.MapFS{"lexicons/com/example/a.json": &fstest.MapFile{Data: []byte(`{}`)}}},
		{name: "a manifest that is not JSON", fsys: fstest.MapFS{lexicons.UpstreamPath: &fstest.MapFile{Data: []byte(`{"repository":`)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := resolver.NewWithSeams(resolver.Config{}, resolver.Seams{Bundled: tt.fsys}); err == nil || !strings.Contains(err.Error(), "bundled lexicons") {
				t.Errorf("got %v, want start-up to fail over the bundle", err)
			}
		})
	}
}
