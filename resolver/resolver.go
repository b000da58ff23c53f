package resolver

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/lexicons"
)

// Sentinel errors; wrapped with the cause, tested with errors.Is.
var (
	ErrNotFound       = errors.New("not found")
	ErrCIDMismatch    = errors.New("CID mismatch")
	ErrInvalidRecord  = errors.New("invalid record") // outside the data model, or a schema record not of its key's lexicon
	ErrResolution     = errors.New("resolution failed")
	ErrBlockedAddress = errors.New("blocked address")
	ErrTimeout        = errors.New("resolution timed out")
	// ErrInvalidQuery: the query cannot name a schema record (no NSID or
	// AT-URI, a collection other than com.atproto.lexicon.schema, a record
	// key that is not an NSID, a handle instead of a DID).
	ErrInvalidQuery = errors.New("invalid schema query")
)

// Record is an authenticated schema record. Records are shared between
// callers and caches: treat every field as read-only.
type Record struct {
	// URI is the record's AT-URI; empty for documents loaded from a directory.
	URI syntax.ATURI
	// CID is recomputed from Value's DAG-CBOR encoding (for directory
	// documents: of the record as it would be published, with
	// "$type":"com.atproto.lexicon.schema" added).
	CID cid.Cid
	// IndexedAt is when the record was indexed or fetched; zero when unknown.
	IndexedAt time.Time
	Source    SourceKind
	// Location is the file or URL the record was read from.
	Location string
	// Proof is how a network record was proven: its author's signed
	// commit. Nil for embedded, directory and bundled records.
	Proof *Proof
	// Upstream, for a bundled document, is the snapshot of the repository
	// it was copied from; nil for other sources.
	Upstream *Upstream
	// NetworkError, on a bundled document answered with the network on,
	// says why the network gave no version of its own (not published, or
	// unreachable); nil otherwise.
	NetworkError error
	// Value is the record's JSON as stored or published (for a directory
	// document: the file as it is, without the added $type).
	Value json.RawMessage
	// Document is the parsed lexicon; Document.CID() is CID.String().
	Document *lexdoc.Document

	// published is PublishedValue's answer when it is not Value, worked out
	// once at load.
	published json.RawMessage
}

// PublishedValue returns the record's JSON as the record whose hash is CID.
// That is Value, except for a directory document without "$type": it gains
// that $type (first, the document's own members following in their order),
// so that a record shown beside its CID reproduces it.
func (r *Record) PublishedValue() json.RawMessage {
	if r.published != nil {
		return r.published
	}
	return r.Value
}

// NSID returns the lexicon's NSID.
func (r *Record) NSID() syntax.NSID { return r.Document.ID }

// Query asks for one schema record.
type Query struct {
	// URI, when set, names the record; its collection must be
	// com.atproto.lexicon.schema and its record key the NSID.
	URI syntax.ATURI
	// NSID names the lexicon when URI is empty.
	NSID syntax.NSID
	// CID pins the expected CID; cid.Undef pins nothing.
	CID cid.Cid
}

// TXTResolver looks up DNS TXT records; tests fake it. Names are fully
// qualified (they end with a dot), so no search domain is ever appended.
type TXTResolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Config configures a Resolver. Zero values mean the documented defaults.
type Config struct {
	// Directories of lexicon JSON files; later ones override earlier ones and
	// all override embedded lexicons of the same NSID.
	Directories []string
	// FollowSymlinks reads, in Directories, symbolic links to files outside
	// the directory's tree too; without it they are skipped and logged
	// (links within the tree are always followed).
	FollowSymlinks bool
	// Network enables resolution over DNS, PLC and PDS.
	Network bool
	// PLCURL is the PLC directory (default https://plc.directory). It is
	// dialled under the same address rules as every other server.
	PLCURL string
	// AllowPrivateAddresses permits connections to loopback, private,
	// link-local and unspecified addresses (tests; local development).
	AllowPrivateAddresses bool
	// DNS resolves TXT records (default: the system resolver).
	DNS TXTResolver
	// Timeout bounds each fetch (default 10s).
	Timeout time.Duration
	// MaxResponseBytes bounds each response body (default 1 MiB).
	MaxResponseBytes int64
	// MaxConcurrentFetches bounds fetches in flight (default 16).
	MaxConcurrentFetches int
	// MaxFetchesPerHost bounds the fetches in flight from any one server
	// but the PLC directory (default 4), and MaxWaitingPerHost those that
	// wait for one (default 16): past it, a fetch fails at once
	// (ErrResolution), so that a slow server cannot hold every fetch slot.
	MaxFetchesPerHost, MaxWaitingPerHost int
	// CacheTTL (default 10m) and NegativeCacheTTL (default 30s).
	CacheTTL, NegativeCacheTTL time.Duration
	// CacheSize bounds each network cache (records, identities, lexicon
	// authorities; default 10,000 entries): users choose what gets looked
	// up, so an unbounded cache would be theirs to grow.
	CacheSize int
	// MaxDepth (default 8) and MaxRecords (default 64) bound transitive
	// resolution of references.
	MaxDepth, MaxRecords int
	// Logger receives a debug line per fetch (default: discarded).
	Logger *slog.Logger

	// Sources are asked after the local catalog and before the network, in
	// order: the seam for a database store read through before the network.
	// The bundled lexicons come after all of them.
	Sources []Source
	// OmitBundled leaves the bundled lexicons out: the catalog is then the
	// embedded records and the directories, and what the network proves.
	OmitBundled bool
	// Sink, when set, receives every record the network fetched and
	// authenticated (the seam for a store to keep them).
	Sink Sink
}

// Defaults for the zero values of Config.
const (
	DefaultPLCURL               = "https://plc.directory"
	DefaultTimeout              = 10 * time.Second
	DefaultMaxResponseBytes     = 1 << 20
	DefaultMaxConcurrentFetches = 16
	DefaultMaxFetchesPerHost    = 4
	DefaultMaxWaitingPerHost    = 16
	DefaultCacheTTL             = 10 * time.Minute
	DefaultNegativeCacheTTL     = 30 * time.Second
	DefaultCacheSize            = 10_000
	DefaultMaxDepth             = 8
	DefaultMaxRecords           = 64
)

// withDefaults fills in zero fields and rejects nonsensical ones.
func (c Config) withDefaults() (Config, error) {
	if c.PLCURL == "" {
		c.PLCURL = DefaultPLCURL
	}
	if u, err := url.Parse(c.PLCURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("PLC directory URL %q: want an http or https URL", c.PLCURL)
	}
	c.PLCURL = strings.TrimRight(c.PLCURL, "/")
	// The first error stops the rest, as it is the one reported.
	var err error
	orDefault(&err, "timeout", &c.Timeout, DefaultTimeout)
	orDefault(&err, "cache TTL", &c.CacheTTL, DefaultCacheTTL)
	orDefault(&err, "negative cache TTL", &c.NegativeCacheTTL, DefaultNegativeCacheTTL)
	orDefault(&err, "cache size", &c.CacheSize, DefaultCacheSize)
	orDefault(&err, "max concurrent fetches", &c.MaxConcurrentFetches, DefaultMaxConcurrentFetches)
	orDefault(&err, "max fetches per host", &c.MaxFetchesPerHost, DefaultMaxFetchesPerHost)
	orDefault(&err, "max waiting per host", &c.MaxWaitingPerHost, DefaultMaxWaitingPerHost)
	orDefault(&err, "max depth", &c.MaxDepth, DefaultMaxDepth)
	orDefault(&err, "max records", &c.MaxRecords, DefaultMaxRecords)
	orDefault(&err, "max response bytes", &c.MaxResponseBytes, DefaultMaxResponseBytes)
	if err != nil {
		return c, err
	}
	if c.DNS == nil {
		c.DNS = net.DefaultResolver
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// orDefault sets *v to def when it is zero and reports a negative *v, unless
// *err already holds an earlier field's error. %v prints a Duration as
// "-1s" and an integer as %d would.
func orDefault[T ~int | ~int64](err *error, name string, v *T, def T) {
	switch {
	case *err != nil:
	case *v < 0:
		*err = fmt.Errorf("%s %v is negative", name, *v)
	case *v == 0:
		*v = def
	}
}

// Stats are counters for metrics. CacheHits and CacheMisses count network
// record lookups by AT-URI (a negative-cache hit is a hit); FetchErrors
// counts failed DNS and HTTP fetches. All are zero when the network is off.
type Stats struct {
	CacheHits, CacheMisses, FetchErrors uint64
}

// Resolver finds and authenticates schema records: it asks its sources in
// order of precedence (directories, the later first; the embedded catalog;
// Config.Sources; the network; the bundled lexicons) and takes the first
// answer. Safe for concurrent use.
type Resolver struct {
	cfg     Config
	sources []Source
	// local holds the local sources' records, the first source of an NSID
	// winning.
	local localSet
	net   *network // nil when the network is off
}

// seams are test hooks. The zero value is the production behaviour.
type seams struct {
	// catalog replaces the embedded catalog (lexicons.FS).
	catalog fs.FS
	// bundled replaces the bundled lexicons (lexicons.Bundled).
	bundled fs.FS
	// dialAddrs maps "host:port" to the "ip:port" the dialer connects to
	// instead, a fake DNS for HTTP connections. The address check still
	// applies to the address actually dialled.
	dialAddrs map[string]string
	// publicAddrs are addresses the dial check treats as public, so a test
	// can stand a "public" server on loopback beside a private one.
	publicAddrs map[netip.AddrPort]bool
	// rootCAs verifies TLS test servers (did:web is https only).
	rootCAs *x509.CertPool
	// now is the clock of the caches.
	now func() time.Time
}

// New loads the embedded catalog (verifying every CID: a mismatch is an
// error naming the file, the expected and the computed CID) and the
// configured directories, and indexes the bundled lexicons (each is parsed
// the first time it is asked for).
func New(cfg Config) (*Resolver, error) {
	return newResolver(cfg, seams{})
}

func newResolver(cfg Config, s seams) (*Resolver, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("resolver config: %w", err)
	}
	if s.catalog == nil {
		s.catalog = lexicons.FS
	}
	if s.bundled == nil {
		s.bundled = lexicons.Bundled
	}
	if s.now == nil {
		s.now = time.Now
	}
	embedded, err := loadEmbedded(s.catalog)
	if err != nil {
		return nil, err
	}
	dirs := make([]Source, len(cfg.Directories))
	for i, dir := range cfg.Directories {
		d, err := loadDirectorySource(dir, cfg.FollowSymlinks, cfg.Logger)
		if err != nil {
			return nil, err
		}
		dirs[len(dirs)-1-i] = d // a later directory overrides an earlier one
	}
	r := &Resolver{cfg: cfg, sources: append(dirs, embedded)}
	r.sources = append(r.sources, cfg.Sources...)
	if cfg.Network {
		r.net = newNetwork(cfg, s)
		r.sources = append(r.sources, r.net)
	}
	if !cfg.OmitBundled {
		bundled, err := loadBundled(s.bundled)
		if err != nil {
			return nil, err
		}
		// Last: a published, proven version of a bundled lexicon
		// supersedes it.
		r.sources = append(r.sources, bundled)
	}
	r.local = mergeLocal(r.sources)
	return r, nil
}

// Resolve returns the record q names. Local records (directories, then
// embedded) answer NSID queries first, then Config.Sources; the network is
// asked only when enabled; the bundled lexicons last.
//
// When the network fails for an NSID the bundle holds (not published,
// unreachable, unprovable), the bundled document answers, its NetworkError
// saying why; only the end of ctx is the caller's error. Without the
// network, the bundle answers at once.
//
// An AT-URI query is answered by the embedded record of that AT-URI when
// there is one (even if a directory overrides its NSID), else by the
// configured sources or the network; never by the bundle, whose documents
// are not published records.
//
// A pinned CID selects: a source whose answer has another CID does not end
// the search, so that a store later in the order can answer with the
// version pinned, or the network with its current one. Only when no source
// has that CID is it an error wrapping ErrCIDMismatch, naming the pin and
// the first other version found (or the network's failure, when only the
// bundle had another version).
func (r *Resolver) Resolve(ctx context.Context, q Query) (*Record, error) {
	q, err := checkQuery(q)
	if err != nil {
		return nil, err
	}
	var (
		netErr error   // the network's failure, when the bundle may answer
		other  *Record // the first answer of another CID than pinned
	)
	for _, src := range r.sources {
		rec, err := src.Resolve(ctx, q)
		switch {
		case err == nil && q.CID.Defined() && !q.CID.Equals(rec.CID):
			if other == nil {
				other = rec
			}
		case err == nil && netErr != nil && rec.Source == SourceBundled:
			r.cfg.Logger.Debug("bundled lexicon answers for the network", "nsid", q.NSID, "network_error", netErr)
			return rec.instead(netErr), nil
		case err == nil:
			return rec, nil
		case r.net != nil && src == Source(r.net) && ctx.Err() == nil:
			netErr = err // the bundle may have it
		case !errors.Is(err, ErrNotFound):
			return nil, err
		}
	}
	switch {
	case netErr != nil && (other == nil || other.Source == SourceBundled):
		return nil, netErr // the network's, which says why
	case other != nil:
		return nil, fmt.Errorf("%w: pinned %s, but %s (%s) has %s", ErrCIDMismatch, q.CID, other.describe(), other.Source, other.CID)
	}
	return nil, fmt.Errorf("%w: %s is not in the local catalog and network resolution is off", ErrNotFound, describeQuery(q))
}

// checkQuery checks what every source relies on: an AT-URI names a schema
// record of a DID's repository, and NSID is its record key.
func checkQuery(q Query) (Query, error) {
	if q.URI == "" {
		if q.NSID == "" {
			return q, fmt.Errorf("%w: neither an AT-URI nor an NSID", ErrInvalidQuery)
		}
		return q, nil
	}
	_, nsid, err := parseSchemaURI(q.URI)
	if err != nil {
		return q, err
	}
	if q.NSID != "" && q.NSID != nsid {
		return q, fmt.Errorf("%w: NSID %s differs from the record key of %s", ErrInvalidQuery, q.NSID, q.URI)
	}
	q.NSID = nsid
	return q, nil
}

// parseSchemaURI checks that uri names a schema record and returns its
// repository and NSID.
func parseSchemaURI(uri syntax.ATURI) (syntax.DID, syntax.NSID, error) {
	if uri.Collection() != SchemaCollection {
		return "", "", fmt.Errorf("%w: %s: collection must be %s", ErrInvalidQuery, uri, SchemaCollection)
	}
	did, err := uri.Authority().AsDID()
	if err != nil {
		return "", "", fmt.Errorf("%w: %s: the authority must be a DID, the repository that publishes the lexicon", ErrInvalidQuery, uri)
	}
	nsid, err := lexdoc.ParseNSID(uri.RecordKey().String())
	if err != nil {
		return "", "", fmt.Errorf("%w: %s: the record key must be an NSID: %w", ErrInvalidQuery, uri, err)
	}
	return did, nsid, nil
}

// Local returns the records of the directories, the embedded catalog and
// the bundled lexicons (a directory document overriding an embedded one of
// the same NSID, which overrides a bundled one), sorted by NSID. It loads
// every bundled document not loaded yet, leaving out any that fails to
// (LocalRecord says why); LocalNSIDs and LocalRecord load none or one.
func (r *Resolver) Local() []*Record {
	return r.local.records()
}

// LocalNSIDs returns the NSIDs of the records Local returns (and of any
// that fails to load), sorted, without loading any.
func (r *Resolver) LocalNSIDs() []syntax.NSID {
	return slices.Clone(r.local.nsids)
}

// LocalRecord returns the local record of lexicon nsid, the one Local
// lists, loading it if need be: an error wrapping ErrNotFound when there is
// none, or the reason a bundled document fails to load (wrapping
// ErrInvalidRecord).
func (r *Resolver) LocalRecord(nsid syntax.NSID) (*Record, error) {
	e := r.local.byNSID[nsid]
	if e == nil {
		return nil, fmt.Errorf("%w: %s is not in the local catalog", ErrNotFound, nsid)
	}
	return e.get()
}

// LexiconDID returns the DID that the _lexicon TXT record of nsid's
// authority names: the repository whose records are authoritative for
// nsid. Answers are cached as resolution caches them; no such record is an
// error wrapping ErrNotFound, and the network off one wrapping
// ErrResolution.
func (r *Resolver) LexiconDID(ctx context.Context, nsid syntax.NSID) (syntax.DID, error) {
	if r.net == nil {
		return "", fmt.Errorf("%w: authority of %s: network resolution is off", ErrResolution, nsid)
	}
	return r.net.lexiconDID(ctx, nsid)
}

// Network reports whether network resolution is enabled.
func (r *Resolver) Network() bool { return r.cfg.Network }

// Stats returns the cache and fetch counters.
func (r *Resolver) Stats() Stats {
	if r.net == nil {
		return Stats{}
	}
	return r.net.stats()
}

// Identity returns what did's DID document says: its PDS and its #atproto
// signing key. The answer is cached like records are; a document without
// an #atproto_pds http(s) origin, or for another DID, is an error wrapping
// ErrResolution.
func (r *Resolver) Identity(ctx context.Context, did syntax.DID) (*Identity, error) {
	if r.net == nil {
		return nil, fmt.Errorf("%w: identity of %s: network resolution is off", ErrResolution, did)
	}
	return r.net.identity(ctx, did, false)
}

// RefreshIdentity fetches did's DID document again, bypassing the cache,
// and caches the answer: for a signature that fails to verify because the
// key may have rotated since the document was cached. Concurrent refreshes
// of one DID share one fetch; a failed refresh keeps the cached identity.
func (r *Resolver) RefreshIdentity(ctx context.Context, did syntax.DID) (*Identity, error) {
	if r.net == nil {
		return nil, fmt.Errorf("%w: identity of %s: network resolution is off", ErrResolution, did)
	}
	return r.net.identity(ctx, did, true)
}
