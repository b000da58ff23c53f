package resolver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"golang.org/x/sync/singleflight"
)

// network resolves schema records over DNS, PLC and PDS.
type network struct {
	cfg    Config
	log    *slog.Logger
	client *http.Client
	now    func() time.Time
	sem    chan struct{}
	hosts  *hostSlots
	// plcHost is the PLC directory's host: the operator's choice, and the
	// one server every did:plc lookup asks, so not bounded per host.
	plcHost string

	records    *cache[*Record]       // by AT-URI
	proven     *cache[*ProvenRecord] // records of any collection, by AT-URI
	identities *cache[*Identity]     // by DID
	dids       *cache[syntax.DID]    // lexicon repository by NSID authority
	handles    *cache[syntax.DID]    // account by handle, confirmed both ways
	flight     singleflight.Group

	hits, misses, fetchErrors atomic.Uint64
}

func newNetwork(cfg Config, s seams) *network {
	n := &network{
		cfg:        cfg,
		log:        cfg.Logger,
		client:     newHTTPClient(cfg, s),
		now:        s.now,
		sem:        make(chan struct{}, cfg.MaxConcurrentFetches),
		hosts:      newHostSlots(cfg.MaxFetchesPerHost, cfg.MaxWaitingPerHost),
		records:    newCache[*Record]("record", cfg.CacheSize, cfg.CacheTTL, cfg.NegativeCacheTTL, s.now),
		proven:     newCache[*ProvenRecord]("proven", cfg.CacheSize, cfg.CacheTTL, cfg.NegativeCacheTTL, s.now),
		identities: newCache[*Identity]("identity", cfg.CacheSize, cfg.CacheTTL, cfg.NegativeCacheTTL, s.now),
		dids:       newCache[syntax.DID]("lexicon-did", cfg.CacheSize, cfg.CacheTTL, cfg.NegativeCacheTTL, s.now),
		handles:    newCache[syntax.DID]("handle", cfg.CacheSize, cfg.CacheTTL, cfg.NegativeCacheTTL, s.now),
	}
	n.records.counted = true
	n.proven.counted = true
	if u, err := url.Parse(cfg.PLCURL); err == nil { // withDefaults checked it
		n.plcHost = u.Host
	}
	return n
}

func (n *network) stats() Stats {
	return Stats{CacheHits: n.hits.Load(), CacheMisses: n.misses.Load(), FetchErrors: n.fetchErrors.Load()}
}

// lookup answers key from c, or runs fetch once however many callers ask at
// the same time, and caches its outcome. fresh skips the cache (callers
// asking fresh share their own fetch), and a fresh failure leaves the cached
// entry alone: a refresh that fails says nothing new. Lookups in a counted
// cache count as hits and misses in Stats.
//
// The fetch runs on a context detached from the first caller's cancellation,
// so that caller leaving does not fail the others who wait on the same
// fetch; it keeps ctx's values and is bounded by flightTimeout. Each caller
// still stops waiting when its own ctx ends.
func lookup[V any](ctx context.Context, n *network, c *cache[V], key string, fresh bool, fetch func(context.Context) (V, error)) (V, error) {
	count := c.counted
	if !fresh {
		if v, err, ok := c.get(key); ok {
			if count {
				n.hits.Add(1)
			}
			return v, err
		}
	}
	if count {
		n.misses.Add(1)
	}
	if err := ctx.Err(); err != nil {
		var zero V
		return zero, classify(key, err)
	}
	flightKey := c.name + " " + key
	if fresh {
		flightKey = "fresh " + flightKey
	}
	ch := n.flight.DoChan(flightKey, func() (any, error) {
		// A flight that ended between our cache miss and DoChan has
		// cached its outcome: use it rather than fetch again.
		if !fresh {
			if v, err, ok := c.get(key); ok {
				return v, err
			}
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), n.flightTimeout())
		defer cancel()
		v, err := fetch(fctx)
		if (err == nil || !fresh) && !errors.Is(err, errHostBusy) {
			c.put(key, v, err)
		}
		return v, err
	})
	select {
	case res := <-ch:
		v, _ := res.Val.(V)
		return v, res.Err
	case <-ctx.Done():
		var zero V
		return zero, classify(key, ctx.Err())
	}
}

// flightTimeout bounds one shared lookup: the fetches of its steps plus
// waiting for fetch slots.
func (n *network) flightTimeout() time.Duration { return 4 * n.cfg.Timeout }

var _ Source = (*network)(nil)

// Resolve fetches the record q names: by AT-URI from that repository, by
// NSID from the repository its authority's _lexicon TXT record names.
func (n *network) Resolve(ctx context.Context, q Query) (*Record, error) {
	if q.URI == "" {
		return n.resolveNSID(ctx, q.NSID)
	}
	did, err := q.URI.Authority().AsDID()
	if err != nil { // checkQuery rules it out
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidQuery, q.URI, err)
	}
	return n.resolveURI(ctx, q.URI, did, q.NSID)
}

// resolveNSID finds the repository that publishes nsid and fetches the record.
func (n *network) resolveNSID(ctx context.Context, nsid syntax.NSID) (*Record, error) {
	did, err := n.lexiconDID(ctx, nsid)
	if err != nil {
		return nil, err
	}
	uri := syntax.ATURI("at://" + string(did) + "/" + string(SchemaCollection) + "/" + string(nsid))
	return n.resolveURI(ctx, uri, did, nsid)
}

// resolveURI fetches and proves the schema record at uri.
func (n *network) resolveURI(ctx context.Context, uri syntax.ATURI, did syntax.DID, nsid syntax.NSID) (*Record, error) {
	return lookup(ctx, n, n.records, string(uri), false, func(ctx context.Context) (*Record, error) {
		rec, err := n.fetchSchema(ctx, uri, did, nsid)
		if err == nil && n.cfg.Sink != nil {
			if err := n.cfg.Sink.Put(ctx, rec); err != nil {
				n.log.Warn("sink refused a record", "uri", uri, "cid", rec.CID, "error", err)
			}
		}
		return rec, err
	})
}

// fetchSchema fetches the record at uri with its proof and checks that it
// publishes lexicon nsid.
func (n *network) fetchSchema(ctx context.Context, uri syntax.ATURI, did syntax.DID, nsid syntax.NSID) (*Record, error) {
	p, where, err := n.fetchProven(ctx, uri, did, SchemaCollection, syntax.RecordKey(nsid))
	if err != nil {
		return nil, err
	}
	// The causes below are formatted, not wrapped: a flaw in a published
	// record is an upstream failure, not the caller's invalid JSON or
	// lexicon.
	m := p.Value.(map[string]any) // a proven record is an object
	if err := CheckSchemaRecord(m, nsid); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidRecord, uri, err)
	}
	doc, err := parseDocument(m, p.CID)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidRecord, uri, err)
	}
	proof := p.Proof
	return &Record{
		URI:       uri,
		CID:       p.CID,
		IndexedAt: proof.VerifiedAt,
		Source:    SourceNetwork,
		Location:  where,
		Value:     p.JSON,
		Document:  doc,
		Proof:     &proof,
	}, nil
}
