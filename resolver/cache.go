package resolver

import (
	"fmt"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// cache remembers lookups, successes for ttl and failures for negativeTTL,
// holding at most size entries (the least recently used go first). Safe for
// concurrent use.
//
// golang-lru's expirable package was the other candidate; it keeps one TTL
// per cache (two caches per step, for the negative TTL), reads the wall
// clock, and starts a goroutine per cache that never exits (v2.0.7). Here
// each entry carries its expiry: an expired entry is a miss and is
// overwritten by the next fetch, or evicted when it is the least recently
// used.
type cache[V any] struct {
	name             string // tells caches apart in singleflight keys
	counted          bool   // lookups count in Stats
	ttl, negativeTTL time.Duration
	now              func() time.Time
	entries          *lru.Cache[string, cacheEntry[V]]
}

type cacheEntry[V any] struct {
	val     V
	err     error
	expires time.Time
}

func newCache[V any](name string, size int, ttl, negativeTTL time.Duration, now func() time.Time) *cache[V] {
	entries, err := lru.New[string, cacheEntry[V]](size)
	if err != nil {
		// New fails only for a size below 1, which Config rules out.
		panic(fmt.Sprintf("resolver: %s cache: %v", name, err))
	}
	return &cache[V]{name: name, ttl: ttl, negativeTTL: negativeTTL, now: now, entries: entries}
}

// get returns a live entry: its value or its error.
func (c *cache[V]) get(key string) (V, error, bool) {
	e, ok := c.entries.Get(key)
	if !ok || !c.now().Before(e.expires) {
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
	c.entries.Add(key, cacheEntry[V]{val: val, err: err, expires: c.now().Add(ttl)})
}

// len is the number of entries held, live or expired.
func (c *cache[V]) len() int { return c.entries.Len() }
