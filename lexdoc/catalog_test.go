package lexdoc_test

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

const (
	lazyA = `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"object","properties":{"b":{"type":"ref","ref":"com.example.b"}}}}}`
	lazyB = `{"lexicon":1,"id":"com.example.b","defs":{"main":{"type":"string"},"other":{"type":"integer"}}}`
)

// TestLazyCatalog: a lazy catalog loads a document the first time it is
// asked for, once however many goroutines ask, and a failed load leaves the
// lexicon absent with the loader's reason.
func TestLazyCatalog(t *testing.T) {
	src := map[syntax.NSID]string{"com.example.a": lazyA, "com.example.b": lazyB, "com.example.wrong": lazyB}
	var loads sync.Map // NSID → *atomic.Int32
	load := func(nsid syntax.NSID) (*lexdoc.Document, error) {
		n, _ := loads.LoadOrStore(nsid, new(atomic.Int32))
		n.(*atomic.Int32).Add(1)
		if nsid == "com.example.broken" {
			return nil, errors.New("broken file")
		}
		return lexicontest.Parse(t, src[nsid]), nil
	}
	ids := []syntax.NSID{"com.example.wrong", "com.example.b", "com.example.broken", "com.example.a"}
	cat := lexdoc.NewLazyCatalog(ids, load)

	if got, want := cat.NSIDs(), []syntax.NSID{"com.example.a", "com.example.b", "com.example.broken", "com.example.wrong"}; !slices.Equal(got, want) {
		t.Errorf("got NSIDs %v, want %v", got, want)
	}
	loads.Range(func(k, _ any) bool {
		t.Errorf("got %s loaded by NSIDs, want no load", k)
		return true
	})

	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := cat.Def(lexdoc.DefRef{NSID: "com.example.b", Name: "other"}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n, _ := loads.Load(syntax.NSID("com.example.b")); n.(*atomic.Int32).Load() != 1 {
		t.Errorf("got com.example.b loaded %d times, want once", n.(*atomic.Int32).Load())
	}
	if _, ok := loads.Load(syntax.NSID("com.example.a")); ok {
		t.Error("got com.example.a loaded, want it left alone until asked for")
	}

	tests := []struct {
		name string
		nsid syntax.NSID
	}{
		{name: "the loader fails", nsid: "com.example.broken"},
		{name: "the loader returns another lexicon", nsid: "com.example.wrong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d, ok := cat.Document(tt.nsid); ok {
				t.Errorf("got document %s, want none", d.ID)
			}
			if why, ok := cat.Absent(tt.nsid); !ok || why == "" {
				t.Errorf("got absent %q, %v; want the reason", why, ok)
			}
			if _, err := cat.Def(lexdoc.DefRef{NSID: tt.nsid}); !errors.Is(err, lexdoc.ErrNotFound) {
				t.Errorf("got %v, want ErrNotFound", err)
			}
		})
	}

	t.Run("With overrides and shares the loads", func(t *testing.T) {
		own := lexicontest.Parse(t, `{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"integer"}}}`)
		with := cat.With(own)
		if d, _ := with.Document("com.example.a"); d != own {
			t.Errorf("got %v, want the added document", d)
		}
		if _, ok := loads.Load(syntax.NSID("com.example.a")); ok {
			t.Error("got com.example.a loaded, want the added document to replace it unloaded")
		}
		d1, _ := with.Document("com.example.b")
		d2, _ := cat.Document("com.example.b")
		if d1 == nil || d1 != d2 {
			t.Errorf("got %p and %p, want one shared document", d1, d2)
		}
		if got := len(with.Documents()); got != 2 {
			t.Errorf("got %d documents, want 2 (a, b; broken and wrong left out)", got)
		}
	})
}
