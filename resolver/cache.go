package resolver

import (
	"sync"
	"time"
)

// maxCacheEntries bounds each cache: users choose what gets looked up, so an
// unbounded cache would be theirs to grow.
const maxCacheEntries = 10_000

// cache remembers lookups, successes for ttl and failures for negativeTTL.
// Safe for concurrent use.
type cache[V any] struct {
	name             string // tells caches apart in singleflight keys
	ttl, negativeTTL time.Duration
	now              func() time.Time

	mu      sync.Mutex
	entries map[string]cacheEntry[V]
}

type cacheEntry[V any] struct {
	val     V
	err     error
	expires time.Time
}

func newCache[V any](name string, ttl, negativeTTL time.Duration, now func() time.Time) *cache[V] {
	return &cache[V]{name: name, ttl: ttl, negativeTTL: negativeTTL, now: now, entries: make(map[string]cacheEntry[V])}
}

// get returns a live entry: its value or its error.
func (c *cache[V]) get(key string) (V, error, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		var zero V
		return zero, nil, false
	}
	if !c.now().Before(e.expires) {
		delete(c.entries, key)
		var zero V
		return zero, nil, false
	}
	return e.val, e.err, true
}

// put remembers a result; an error is kept for the negative TTL.
func (c *cache[V]) put(key string, val V, err error) {
	ttl := c.ttl
	if err != nil {
		ttl = c.negativeTTL
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCacheEntries {
		c.evict(now)
	}
	c.entries[key] = cacheEntry[V]{val: val, err: err, expires: now.Add(ttl)}
}

// evict drops expired entries, and when none have expired, an arbitrary
// tenth: crude, but it keeps the bound without an LRU's bookkeeping on every
// hit.
func (c *cache[V]) evict(now time.Time) {
	for k, e := range c.entries {
		if !now.Before(e.expires) {
			delete(c.entries, k)
		}
	}
	excess := len(c.entries) - maxCacheEntries*9/10
	for k := range c.entries {
		if excess <= 0 {
			break
		}
		delete(c.entries, k)
		excess--
	}
}
