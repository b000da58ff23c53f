package resolver

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/validator"
)

// Sentinel errors; wrapped with the cause, tested with errors.Is.
var (
	ErrNotFound       = errors.New("schema record not found")
	ErrCIDMismatch    = errors.New("CID mismatch")
	ErrInvalidRecord  = errors.New("invalid schema record")
	ErrResolution     = errors.New("resolution failed")
	ErrBlockedAddress = errors.New("blocked address")
	ErrTimeout        = errors.New("resolution timed out")
)

// Source says where a record came from.
type Source string

const (
	SourceEmbedded  Source = "embedded"
	SourceDirectory Source = "directory"
	SourceNetwork   Source = "network"
)

// Record is an authenticated schema record.
type Record struct {
	// URI is the record's AT-URI; empty for documents loaded from a directory.
	URI syntax.ATURI
	// CID is recomputed from Value's DAG-CBOR encoding (for directory
	// documents: of the record as it would be published, with
	// "$type":"com.atproto.lexicon.schema" added).
	CID cid.Cid
	// IndexedAt is when the record was indexed or fetched; zero when unknown.
	IndexedAt time.Time
	Source    Source
	// Location is the file or URL the record was read from.
	Location string
	// Value is the record's JSON as stored or published.
	Value json.RawMessage
	// Document is the parsed lexicon; Document.CID is CID.String().
	Document *validator.Document
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

// TXTResolver looks up DNS TXT records; tests fake it.
type TXTResolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Config configures a Resolver. Zero values mean the documented defaults.
type Config struct {
	// Directories of lexicon JSON files; later ones override earlier ones and
	// all override embedded lexicons of the same NSID.
	Directories []string
	// Network enables resolution over DNS, PLC and PDS.
	Network bool
	// PLCURL is the PLC directory (default https://plc.directory).
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
	// CacheTTL (default 10m) and NegativeCacheTTL (default 30s).
	CacheTTL, NegativeCacheTTL time.Duration
	// MaxDepth (default 8) and MaxRecords (default 64) bound transitive
	// resolution of references.
	MaxDepth, MaxRecords int
	Logger               *slog.Logger
}

// Stats are counters for metrics.
type Stats struct {
	CacheHits, CacheMisses, FetchErrors uint64
}

// Resolver finds and authenticates schema records. Safe for concurrent use.
type Resolver struct {
	cfg Config
}

// New loads the embedded catalog (verifying every CID: a mismatch is an
// error naming the file, the expected and the computed CID) and the
// configured directories.
func New(cfg Config) (*Resolver, error) {
	panic("TODO(resolver)")
}

// Resolve returns the record q names. Local records (directories, then
// embedded) answer NSID queries first; the network is asked only when
// enabled. A pinned CID that differs is an error wrapping ErrCIDMismatch that
// names both CIDs.
func (r *Resolver) Resolve(ctx context.Context, q Query) (*Record, error) {
	panic("TODO(resolver)")
}

// Closure returns root and every record it references, transitively, within
// the configured bounds. Lexicons that cannot be had are left out and listed
// in missing with the reason; the validator reports them as unresolved.
func (r *Resolver) Closure(ctx context.Context, root *Record) (records []*Record, missing map[syntax.NSID]error, err error) {
	panic("TODO(resolver)")
}

// Local returns the records of the embedded catalog and the directories (a
// directory document overriding an embedded one of the same NSID), sorted by
// NSID.
func (r *Resolver) Local() []*Record {
	panic("TODO(resolver)")
}

// Network reports whether network resolution is enabled.
func (r *Resolver) Network() bool { return r.cfg.Network }

// Stats returns the cache and fetch counters.
func (r *Resolver) Stats() Stats {
	panic("TODO(resolver)")
}
