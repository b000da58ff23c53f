package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
)

// SourceOptions configure a Source. Zero values mean the defaults.
type SourceOptions struct {
	// Authority looks up the DID that the _lexicon TXT record of an NSID's
	// authority names (Resolver.LexiconDID); its answers are remembered in
	// the store. Nil: only what the store remembers counts, as for a
	// command without the network.
	Authority func(ctx context.Context, nsid syntax.NSID) (syntax.DID, error)
	// MaxAge: a current version last seen longer ago is not an answer, so
	// that the network is asked again (and its answer stored). Zero: every
	// stored version answers, as when Tap keeps the store current or the
	// network is off.
	MaxAge time.Duration
	// CacheSize bounds the parsed versions kept in memory, and the
	// current versions and authorities remembered (default 4096 each).
	CacheSize int
	// CacheTTL is how long a record's current version, or an authority,
	// once read from the database answers again without asking it
	// (default 2s): what another replica writes shows within it; what
	// this process writes (Put, Forget) at once. Negative: ask every time.
	CacheTTL time.Duration
	Logger   *slog.Logger
}

// Defaults of SourceOptions.
const (
	DefaultSourceCacheSize = 4096
	DefaultSourceCacheTTL  = 2 * time.Second
)

// Source reads a Store as a resolver.Source and keeps what the network
// fetched as its resolver.Sink. A version's parsed record is kept in
// memory by AT-URI and CID (a CID names immutable bytes); which version is
// current is read from the store on every query. Safe for concurrent use.
type Source struct {
	st     Store
	opts   SourceOptions
	log    *slog.Logger
	parsed *lru.Cache[string, *resolver.Record]
	// current and stored are short-lived: what the database said a
	// record's current version is (nil: none), and what it remembers of
	// an authority.
	current *lru.Cache[Key, expiring[*Version]]
	stored  *lru.Cache[string, expiring[syntax.DID]]
	now     func() time.Time

	mu         sync.Mutex
	remembered map[string]syntax.DID // authority → DID last written to the store
}

var (
	_ resolver.Source = (*Source)(nil)
	_ resolver.Sink   = (*Source)(nil)
)

// maxRemembered bounds the authorities a Source remembers having written.
const maxRemembered = 10_000

// NewSource returns a Source over st.
func NewSource(st Store, opts SourceOptions) *Source {
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultSourceCacheSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = DefaultSourceCacheTTL
	}
	// New fails only for a size below 1.
	parsed, _ := lru.New[string, *resolver.Record](opts.CacheSize)
	current, _ := lru.New[Key, expiring[*Version]](opts.CacheSize)
	stored, _ := lru.New[string, expiring[syntax.DID]](opts.CacheSize)
	return &Source{st: st, opts: opts, log: opts.Logger, parsed: parsed, current: current, stored: stored, now: time.Now, remembered: map[string]syntax.DID{}}
}

// expiring is a cached answer and when it stops counting.
type expiring[V any] struct {
	v       V
	expires time.Time
}

// cached returns c's answer for k while it counts.
func cached[K comparable, V any](s *Source, c *lru.Cache[K, expiring[V]], k K) (V, bool) {
	if e, ok := c.Get(k); ok && s.now().Before(e.expires) {
		return e.v, true
	}
	var zero V
	return zero, false
}

func keep[K comparable, V any](s *Source, c *lru.Cache[K, expiring[V]], k K, v V) {
	if s.opts.CacheTTL > 0 {
		c.Add(k, expiring[V]{v: v, expires: s.now().Add(s.opts.CacheTTL)})
	}
}

// Forget drops what the Source remembers of keys' current versions, for a
// writer beside it (Tap ingestion) whose commits must show at once.
func (s *Source) Forget(keys ...Key) {
	for _, k := range keys {
		s.current.Remove(k)
	}
}

// currentVersion is Store.Current, remembered for CacheTTL; a record with
// none is a nil version.
func (s *Source) currentVersion(ctx context.Context, key Key) (*Version, error) {
	if v, ok := cached(s, s.current, key); ok {
		return v, nil
	}
	v, err := s.st.Current(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound):
		v = nil
	case err != nil:
		return nil, err
	}
	keep(s, s.current, key, v)
	return v, nil
}

// Store returns the store the Source reads.
func (s *Source) Store() Store { return s.st }

// Resolve answers q from the store: by AT-URI from that repository, by
// NSID from the repository the NSID's authority names. A pinned CID
// selects that version (deleted or not); otherwise the current one
// answers, unless the record is deleted or, with MaxAge, stale.
func (s *Source) Resolve(ctx context.Context, q resolver.Query) (*resolver.Record, error) {
	var key Key
	if q.URI != "" {
		did, err := q.URI.Authority().AsDID()
		if err != nil { // the resolver rules it out
			return nil, fmt.Errorf("%w: %s: %w", resolver.ErrInvalidQuery, q.URI, err)
		}
		key = Key{DID: did, NSID: q.NSID}
	} else {
		did, err := s.Authority(ctx, q.NSID)
		if err != nil {
			return nil, err
		}
		key = Key{DID: did, NSID: q.NSID}
	}
	var (
		v   *Version
		err error
	)
	if q.CID.Defined() {
		v, err = s.st.Version(ctx, key, q.CID)
	} else if v, err = s.currentVersion(ctx, key); err == nil && v == nil {
		err = fmt.Errorf("%w: no current version of %s/%s", ErrNotFound, key.DID, key.NSID)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("%w: %w", resolver.ErrNotFound, err)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", resolver.ErrResolution, err)
	case !q.CID.Defined() && s.opts.MaxAge > 0 && time.Since(v.LastSeen) > s.opts.MaxAge:
		return nil, fmt.Errorf("%w: the stored version of %s was last seen %s ago", resolver.ErrNotFound, v.URI(), time.Since(v.LastSeen).Round(time.Second))
	}
	return s.Record(v)
}

// Record returns v as a resolver record: its value decoded from the
// DAG-CBOR bytes, parsed as a lexicon document, its first sighting as
// IndexedAt. A version that is not a lexicon document (kept to show its
// problems) is an error wrapping resolver.ErrInvalidRecord.
func (s *Source) Record(v *Version) (*resolver.Record, error) {
	k := string(v.URI()) + "@" + v.CID.String()
	if v.Proof != nil {
		k += " proven" // a version may gain a proof later
	}
	if rec, ok := s.parsed.Get(k); ok {
		return rec, nil
	}
	val, err := decodeRecord(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", resolver.ErrInvalidRecord, err)
	}
	m, ok := val.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s: not an object", resolver.ErrInvalidRecord, v.URI())
	}
	doc, err := lexdoc.NewDocument(m)
	if err != nil {
		return nil, fmt.Errorf("%w: %s@%s: %v", resolver.ErrInvalidRecord, v.URI(), v.CID, err)
	}
	js, err := datamodel.EncodeJSON(val)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", resolver.ErrInvalidRecord, v.URI(), err)
	}
	rec := &resolver.Record{
		URI:       v.URI(),
		CID:       v.CID,
		IndexedAt: v.FirstSeen,
		Source:    v.Source,
		Location:  s.st.Describe(),
		Proof:     v.Proof,
		Value:     js,
		Document:  doc.WithCID(v.CID.String()),
	}
	s.parsed.Add(k, rec)
	return rec, nil
}

// Put keeps a record the network fetched and proved: a new version, or a
// sighting of one already stored.
func (s *Source) Put(ctx context.Context, rec *resolver.Record) error {
	if rec.URI == "" {
		return fmt.Errorf("%w: a record without an AT-URI (%s)", ErrInvalidVersion, rec.Location)
	}
	did, err := rec.URI.Authority().AsDID()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalidVersion, rec.URI, err)
	}
	val, err := datamodel.DecodeJSON(rec.PublishedValue())
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalidVersion, rec.URI, err)
	}
	v, err := NewVersion(did, rec.NSID(), val)
	if err != nil {
		return err
	}
	if !v.CID.Equals(rec.CID) {
		return fmt.Errorf("%w: %s: the record encodes as %s, not %s", ErrInvalidVersion, rec.URI, v.CID, rec.CID)
	}
	v.Source, v.Proof = rec.Source, rec.Proof
	v.FirstSeen, v.LastSeen = rec.IndexedAt, rec.IndexedAt
	if rec.Proof != nil {
		v.Rev = string(rec.Proof.Rev)
	}
	_, err = Put(ctx, s.st, v)
	s.Forget(Key{DID: did, NSID: v.NSID})
	return err
}

// Authority returns the DID whose records are authoritative for nsid: what
// the _lexicon TXT record of its authority names, looked up with
// SourceOptions.Authority and remembered in the store, or, without that
// lookup or when it fails for another reason than an absent record, what
// the store remembers. No authority known is an error wrapping
// resolver.ErrNotFound.
func (s *Source) Authority(ctx context.Context, nsid syntax.NSID) (syntax.DID, error) {
	authority := nsid.Authority()
	if s.opts.Authority != nil {
		did, err := s.opts.Authority(ctx, nsid)
		switch {
		case err == nil:
			s.remember(ctx, authority, did)
			return did, nil
		case errors.Is(err, resolver.ErrNotFound):
			s.remember(ctx, authority, "")
			return "", err
		}
		s.log.Warn("authority lookup failed; using the one stored", "authority", authority, "error", err)
	}
	did, err := s.storedAuthority(ctx, authority)
	switch {
	case errors.Is(err, ErrNotFound):
		return "", fmt.Errorf("%w: no repository known for the lexicons of %s", resolver.ErrNotFound, authority)
	case err != nil:
		return "", fmt.Errorf("%w: %w", resolver.ErrResolution, err)
	case did == "":
		return "", fmt.Errorf("%w: no DNS TXT record _lexicon.%s when last checked", resolver.ErrNotFound, authority)
	}
	return did, nil
}

// storedAuthority is Store.Authority, remembered for CacheTTL.
func (s *Source) storedAuthority(ctx context.Context, authority string) (syntax.DID, error) {
	if did, ok := cached(s, s.stored, authority); ok {
		return did, nil
	}
	did, _, err := s.st.Authority(ctx, authority)
	if err != nil {
		return "", err
	}
	keep(s, s.stored, authority, did)
	return did, nil
}

// remember writes what the authority's record names to the store when it
// differs from what this Source last wrote: the lookup is cached, the
// write need not repeat.
func (s *Source) remember(ctx context.Context, authority string, did syntax.DID) {
	s.mu.Lock()
	prev, ok := s.remembered[authority]
	s.mu.Unlock()
	if ok && prev == did {
		return
	}
	if err := s.st.SetAuthority(ctx, authority, did, time.Now()); err != nil {
		s.log.Warn("cannot store a lexicon authority", "authority", authority, "error", err)
		return
	}
	keep(s, s.stored, authority, did)
	s.mu.Lock()
	if len(s.remembered) >= maxRemembered {
		clear(s.remembered)
	}
	s.remembered[authority] = did
	s.mu.Unlock()
}

// NewResolver returns a resolver over cfg that reads through st: a Source
// over st is asked after the local catalog and before the network, and
// keeps what the network fetches. With the network on and no
// opts.Authority, the resolver's own _lexicon lookup (cached) tells the
// authoritative repository of an NSID.
func NewResolver(cfg resolver.Config, st Store, opts SourceOptions) (*resolver.Resolver, *Source, error) {
	src := NewSource(st, opts)
	var res *resolver.Resolver
	if cfg.Network && src.opts.Authority == nil {
		// res is set below, before any query can reach the Source.
		src.opts.Authority = func(ctx context.Context, nsid syntax.NSID) (syntax.DID, error) {
			return res.LexiconDID(ctx, nsid)
		}
	}
	cfg.Sources = append([]resolver.Source{src}, cfg.Sources...)
	cfg.Sink = src
	res, err := resolver.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	return res, src, nil
}
