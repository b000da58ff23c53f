package resolver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lexval/lexval/resolver"
)

// TestSlowHostFairness (issue 15): 100 lookups of distinct records on a PDS
// that never answers take that server's slots and queue, not every fetch
// slot: the rest fail at once, saying why, and a lookup on another PDS is
// answered meanwhile.
func TestSlowHostFairness(t *testing.T) {
	n := newTestNet(t)
	good := n.NewPDS()
	n.other.MoveTo(good)
	want := n.other.PublishLexicon(lexiconValue(testNSID))
	// inFlight counts the requests the slow server holds.
	var inFlight atomic.Int64
	n.PDS.Intercept(func(w http.ResponseWriter, r *http.Request, _ http.Handler) {
		inFlight.Add(1)
		n.PDS.Stall(w, r)
		inFlight.Add(-1)
	})
	cfg := n.ResolverConfig()
	cfg.Timeout = time.Minute // the stalled fetches wait until the test ends them
	r := n.resolver(t, cfg, resolver.Seams{})

	const lookups = 100
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	defer func() {
		cancel() // the lookups still waiting end
		wg.Wait()
	}()
	var busy, other atomic.Int64
	for i := range lookups {
		wg.Go(func() {
			_, err := r.Resolve(ctx, resolver.Query{URI: schemaURI(testDID, fmt.Sprintf("com.example.slow.n%d", i))})
			switch {
			case errors.Is(err, resolver.ErrResolution) && strings.Contains(err.Error(), "too many fetches from this server are already waiting"):
				busy.Add(1)
			case ctx.Err() == nil:
				other.Add(1)
				t.Errorf("lookup %d: got %v, want it refused at once or waiting", i, err)
			}
		})
	}
	// The lookups the slow server cannot take fail at once; the others hold
	// its slots (stalled) or wait for them. A lookup makes two requests
	// (the record and its proof), so at most (4+16)/2 are taken.
	perHost, waiting := int64(resolver.DefaultMaxFetchesPerHost), int64(resolver.DefaultMaxWaitingPerHost)
	refused := lookups - (perHost+waiting)/2
	for busy.Load()+other.Load() < refused || inFlight.Load() < perHost {
		time.Sleep(time.Millisecond)
	}
	rec, err := r.Resolve(t.Context(), resolver.Query{URI: schemaURI(otherDID, testNSID)})
	if err != nil {
		t.Fatalf("lookup on the other PDS: got %v, want the record", err)
	}
	if !rec.CID.Equals(want) {
		t.Errorf("lookup on the other PDS: got CID %s, want %s", rec.CID, want)
	}
	// A lookup whose second request is refused cancels its first, which
	// frees that request's slot at once, while the server notices the
	// closed connection a little later: for a moment it may hold one more
	// request than the resolver has in flight. Once those have drained it
	// holds exactly the slots, whoever waits for them.
	deadline := time.Now().Add(10 * time.Second)
	for inFlight.Load() != perHost && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := inFlight.Load(); got != perHost {
		t.Errorf("the slow server holds %d requests, want %d (the fetches one server may have in flight)", got, perHost)
	}
	if got := r.Stats().FetchErrors; got < uint64(busy.Load()) {
		t.Errorf("got %d fetch errors, want at least the %d refused", got, busy.Load())
	}
}
