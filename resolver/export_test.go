package resolver

import (
	"crypto/x509"
	"io/fs"
	"net/netip"
	"sync"
	"time"
)

// This file lends the external tests (package resolver_test, which may
// import internal/atprototest) the test hooks of the package.

// Seams are the test hooks; see seams.
type Seams struct {
	Catalog     fs.FS
	Bundled     fs.FS
	DialAddrs   map[string]string
	PublicAddrs map[netip.AddrPort]bool
	RootCAs     *x509.CertPool
	Now         func() time.Time
}

// NewWithSeams is New with test hooks.
func NewWithSeams(cfg Config, s Seams) (*Resolver, error) {
	return newResolver(cfg, seams{
		catalog:     s.Catalog,
		bundled:     s.Bundled,
		dialAddrs:   s.DialAddrs,
		publicAddrs: s.PublicAddrs,
		rootCAs:     s.RootCAs,
		now:         s.Now,
	})
}

var (
	ErrBodyTooLarge = errBodyTooLarge
	ErrRedirect     = errRedirect
)

// FakeClock is a settable clock for cache expiry, a Seams.Now.
type FakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func NewFakeClock() *FakeClock {
	return &FakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
