package resolver

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/lexdoc"
)

// mapSource answers from a map by NSID, as a store would; err, when set,
// is its answer to everything.
type mapSource struct {
	records map[syntax.NSID]*Record
	err     error
	asked   atomic.Int64
}

var _ Source = (*mapSource)(nil)

func (m *mapSource) Resolve(_ context.Context, q Query) (*Record, error) {
	m.asked.Add(1)
	if m.err != nil {
		return nil, m.err
	}
	if rec, ok := m.records[q.NSID]; ok {
		return rec, nil
	}
	return nil, ErrNotFound
}

// TestSourcePrecedence: a configured source is asked after the local
// catalog, in order, and the first answer wins.
func TestSourcePrecedence(t *testing.T) {
	const (
		refresh = "com.atproto.server.refreshSession"
		stored  = "com.example.store.thing"
	)
	dir := t.TempDir()
	writeLexicon(t, dir, "a.json", lexiconJSON("com.example.dir.thing", "directory"))
	storeRecord := func(nsid syntax.NSID, desc string) *Record {
		return &Record{Source: "store", Location: desc, Document: mustDocument(t, nsid)}
	}
	first := &mapSource{records: map[syntax.NSID]*Record{
		refresh: storeRecord(refresh, "first store"),
		stored:  storeRecord(stored, "first store"),
	}}
	second := &mapSource{records: map[syntax.NSID]*Record{
		stored:                 storeRecord(stored, "second store"),
		"com.example.store.b2": storeRecord("com.example.store.b2", "second store"),
	}}
	r, err := New(Config{Directories: []string{dir}, Sources: []Source{first, second}})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name         string
		query        Query
		wantLocation string // "" for a local record
		wantSource   SourceKind
	}{
		{name: "embedded before the store", query: Query{NSID: refresh}, wantSource: SourceEmbedded},
		{name: "a directory before the store", query: Query{NSID: "com.example.dir.thing"}, wantSource: SourceDirectory},
		{name: "the first store first", query: Query{NSID: stored}, wantSource: "store", wantLocation: "first store"},
		{name: "the second store when the first has none", query: Query{NSID: "com.example.store.b2"}, wantSource: "store", wantLocation: "second store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := r.Resolve(t.Context(), tt.query)
			if err != nil {
				t.Fatal(err)
			}
			if rec.Source != tt.wantSource || (tt.wantLocation != "" && rec.Location != tt.wantLocation) {
				t.Errorf("got %s record from %s, want %s from %q", rec.Source, rec.Location, tt.wantSource, tt.wantLocation)
			}
		})
	}

	t.Run("nobody has it", func(t *testing.T) {
		_, err := r.Resolve(t.Context(), Query{NSID: "com.example.nowhere.thing"})
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "network resolution is off") {
			t.Errorf("got error %v, want ErrNotFound saying the network is off", err)
		}
	})
	t.Run("the local catalog lists the listers", func(t *testing.T) {
		var got []string
		for _, rec := range unbundled(r.Local()) {
			got = append(got, string(rec.NSID())+" "+string(rec.Source))
		}
		want := "com.atproto.lexicon.schema embedded, " + refresh + " embedded, com.example.dir.thing directory"
		if strings.Join(got, ", ") != want {
			t.Errorf("got %s, want %s", strings.Join(got, ", "), want)
		}
	})
}

// TestSourceFailureStops: an error other than ErrNotFound ends resolution;
// later sources are not asked.
func TestSourceFailureStops(t *testing.T) {
	broken := errors.New("database is down")
	failing := &mapSource{err: broken}
	later := &mapSource{records: map[syntax.NSID]*Record{"com.example.x.y": {Document: mustDocument(t, "com.example.x.y")}}}
	r, err := New(Config{Sources: []Source{failing, later}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(t.Context(), Query{NSID: "com.example.x.y"}); !errors.Is(err, broken) {
		t.Errorf("got error %v, want the failing source's", err)
	}
	if got := later.asked.Load(); got != 0 {
		t.Errorf("got %d questions to the later source, want 0", got)
	}
	// A local record still answers first.
	if _, err := r.Resolve(t.Context(), Query{NSID: "com.atproto.lexicon.schema"}); err != nil {
		t.Errorf("got error %v for an embedded lexicon, want none", err)
	}
}

// TestPinSelects: a pinned CID that the first answer lacks is looked for in
// the later sources (a store keeping older versions); only when none has it
// is it a mismatch, naming the first version found.
func TestPinSelects(t *testing.T) {
	const refresh = "com.atproto.server.refreshSession"
	stored := cid.MustParse("bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4")
	absent := cid.MustParse("bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm")
	src := &mapSource{records: map[syntax.NSID]*Record{refresh: {CID: stored, Source: "store", Document: mustDocument(t, refresh)}}}
	r, err := New(Config{Sources: []Source{src}})
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := r.Resolve(t.Context(), Query{NSID: refresh})
	if err != nil || embedded.Source != SourceEmbedded {
		t.Fatalf("got %v, %v; want the embedded record unpinned", embedded, err)
	}
	tests := []struct {
		name       string
		pin        cid.Cid
		wantSource SourceKind
		wantErr    error
		says       []string
	}{
		{name: "the first answer's CID", pin: embedded.CID, wantSource: SourceEmbedded},
		{name: "a later source's version", pin: stored, wantSource: "store"},
		{name: "no source has it", pin: absent, wantErr: ErrCIDMismatch, says: []string{absent.String(), embedded.CID.String(), "embedded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := r.Resolve(t.Context(), Query{NSID: refresh, CID: tt.pin})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("got %v, %v; want an error wrapping %v", rec, err, tt.wantErr)
				}
				for _, s := range tt.says {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("got error %q, want it to name %s", err, s)
					}
				}
				return
			}
			if err != nil || rec.Source != tt.wantSource || !rec.CID.Equals(tt.pin) {
				t.Fatalf("got %v, %v; want the %s record of CID %s", rec, err, tt.wantSource, tt.pin)
			}
		})
	}
}

// TestSourceSeesCheckedQuery: a source gets the NSID of an AT-URI query.
func TestSourceSeesCheckedQuery(t *testing.T) {
	const nsid = "com.example.x.y"
	src := &mapSource{records: map[syntax.NSID]*Record{nsid: {Document: mustDocument(t, nsid)}}}
	r, err := New(Config{Sources: []Source{src}})
	if err != nil {
		t.Fatal(err)
	}
	uri := syntax.ATURI("at://did:plc:testtesttesttesttesttest/com.atproto.lexicon.schema/" + nsid)
	if _, err := r.Resolve(t.Context(), Query{URI: uri}); err != nil {
		t.Errorf("got error %v, want the source's record", err)
	}
}

// mustDocument is a minimal lexicon document with the given NSID.
func mustDocument(t *testing.T, nsid syntax.NSID) *lexdoc.Document {
	t.Helper()
	doc, err := lexdoc.NewDocument(map[string]any{
		"lexicon": int64(1),
		"id":      string(nsid),
		"defs":    map[string]any{"main": map[string]any{"type": "object", "properties": map[string]any{}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
