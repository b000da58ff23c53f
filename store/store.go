package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
)

// Sentinel errors; wrapped with the cause, tested with errors.Is.
var (
	ErrNotFound = errors.New("not stored")
	// ErrCorrupt: a stored version's bytes no longer hash to its CID, or
	// its row cannot be read back.
	ErrCorrupt = errors.New("stored version corrupt")
	// ErrInvalidVersion: a version that cannot be stored (no DID, a CID
	// its bytes do not hash to, a record that is not its key's lexicon).
	ErrInvalidVersion = errors.New("invalid version")
	// ErrBadURL: a database URL of an unknown scheme or without a path.
	ErrBadURL = errors.New("bad database URL")
)

// Version is one version of a lexicon schema record: one repository's
// record for one NSID at one CID.
type Version struct {
	DID  syntax.DID
	NSID syntax.NSID // the record key
	CID  cid.Cid
	// Record is the record's DAG-CBOR encoding; it hashes to CID.
	Record []byte
	// Rev is the repository revision the version was first seen at: the
	// commit that wrote it (Tap) or the one that proved it (network).
	Rev string
	// Proof is the signed commit that proved it, when known.
	Proof  *resolver.Proof
	Source resolver.SourceKind
	// FirstSeen is "Indexed At"; LastSeen moves each time it is seen again.
	FirstSeen, LastSeen time.Time
	// Deleted: the lexicon was deleted while this was its current version,
	// at DeletedRev.
	Deleted    bool
	DeletedRev string
	DeletedAt  time.Time
	// Problems are the lint findings of the record as a lexicon document,
	// kept to be shown; never nil once read.
	Problems []lexdoc.Finding
	// Seq orders versions by when they were stored, for paging.
	Seq int64
}

// URI is the version's AT-URI.
func (v *Version) URI() syntax.ATURI {
	return syntax.ATURI("at://" + string(v.DID) + "/" + string(resolver.SchemaCollection) + "/" + string(v.NSID))
}

// Key names a schema record: a repository and an NSID.
type Key struct {
	DID  syntax.DID
	NSID syntax.NSID
}

// Op is one change a batch applies: a version to put or, with Delete set,
// the record Key deleted at Rev.
type Op struct {
	Put    *Version
	Delete *Deletion
}

// Deletion says that a record was deleted, at which revision and when.
type Deletion struct {
	Key
	Rev string
	At  time.Time
}

// HistoryQuery selects versions, newest first: of one record (DID set) or
// of every publisher of an NSID.
type HistoryQuery struct {
	NSID syntax.NSID
	DID  syntax.DID // "" for every publisher
	// Before, when positive, lists only versions stored before the one of
	// that Seq: the cursor of the page before.
	Before int64
	// Limit bounds the rows (default DefaultHistoryLimit, at most
	// MaxHistoryLimit).
	Limit int
}

// Bounds of a history page.
const (
	DefaultHistoryLimit = 100
	MaxHistoryLimit     = 1000
)

// Store keeps lexicon versions. Implementations are safe for concurrent use.
type Store interface {
	// Apply applies ops in one transaction, in order, and returns for each
	// whether it changed anything (a new version, a record newly
	// deleted). A version already stored is no new row: its last-seen time
	// moves, and it gains a proof or revision it lacked.
	Apply(ctx context.Context, ops []Op) ([]bool, error)
	// Current returns key's current version: ErrNotFound when none is
	// stored or the record is deleted.
	Current(ctx context.Context, key Key) (*Version, error)
	// Version returns key's version at c, deleted or not.
	Version(ctx context.Context, key Key, c cid.Cid) (*Version, error)
	// History lists versions newest first (by when they were stored).
	History(ctx context.Context, q HistoryQuery) ([]*Version, error)
	// SetAuthority remembers which DID an NSID authority's _lexicon record
	// named when checked ("" for none), so that replicas and commands
	// without DNS can tell authoritative versions.
	SetAuthority(ctx context.Context, authority string, did syntax.DID, checked time.Time) error
	// Authority returns what SetAuthority remembered: ErrNotFound when
	// nothing is.
	Authority(ctx context.Context, authority string) (syntax.DID, time.Time, error)
	// Describe names the database for logs: its kind and where, without
	// credentials.
	Describe() string
	// Ping checks that the database answers, for readiness probes.
	Ping(ctx context.Context) error
	Close() error
}

// Put stores one version: Apply with one op.
func Put(ctx context.Context, st Store, v *Version) (created bool, err error) {
	done, err := st.Apply(ctx, []Op{{Put: v}})
	if err != nil {
		return false, err
	}
	return done[0], nil
}

// Delete marks key deleted at rev: Apply with one op.
func Delete(ctx context.Context, st Store, key Key, rev string, at time.Time) (bool, error) {
	done, err := st.Apply(ctx, []Op{{Delete: &Deletion{Key: key, Rev: rev, At: at}}})
	if err != nil {
		return false, err
	}
	return done[0], nil
}

// Open opens the database url names and applies pending migrations:
// sqlite://PATH (sqlite:///abs/path or sqlite://rel/path; the file and its
// directory are created) or postgres://... (postgresql:// too).
func Open(ctx context.Context, rawURL string) (Store, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("%w: %q: want sqlite://PATH or postgres://...", ErrBadURL, redact(rawURL))
	}
	switch strings.ToLower(scheme) {
	case "sqlite", "sqlite3":
		if rest == "" {
			return nil, fmt.Errorf("%w: %q: no file path", ErrBadURL, rawURL)
		}
		return openSQLite(ctx, rest)
	case "postgres", "postgresql":
		return openPostgres(ctx, rawURL)
	}
	return nil, fmt.Errorf("%w: %q: unknown scheme %q (want sqlite or postgres)", ErrBadURL, redact(rawURL), scheme)
}

// redact drops a URL's password, for messages and logs.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if err != nil {
			return "(unparsable URL)"
		}
		return raw
	}
	return u.Redacted()
}
