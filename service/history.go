package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/store"
)

// ErrNoStore: history or a stored version (NSID@CID) was asked of a
// service without a store.
var ErrNoStore = errors.New("no lexicon store is configured: history and stored versions need a database (--db)")

// ErrStore wraps a store's failure to answer (its database unreachable,
// a row that does not hash to its CID).
var ErrStore = errors.New("lexicon store failed")

// HistoryQuery asks for the versions of one record (URI) or of every
// publisher of an NSID, newest first, a page at a time.
type HistoryQuery struct {
	URI  syntax.ATURI
	NSID syntax.NSID
	// Cursor is the Cursor of the page before; "" for the first page.
	Cursor string
	// Limit bounds the page (default store.DefaultHistoryLimit, at most
	// store.MaxHistoryLimit).
	Limit int
}

// History is a page of versions, newest first.
type History struct {
	NSID string `json:"nsid"`
	// Authority is the DID that the _lexicon record of the NSID's
	// authority names (as last known); "" when none is known.
	Authority string           `json:"authority,omitempty"`
	Versions  []HistoryVersion `json:"versions"`
	// Cursor, when set, asks for the next (older) page.
	Cursor string `json:"cursor,omitempty"`
}

// HistoryVersion is one stored version.
type HistoryVersion struct {
	URI       string    `json:"uri"`
	CID       string    `json:"cid"`
	Rev       string    `json:"rev,omitempty"`
	IndexedAt time.Time `json:"indexedAt"`
	Deleted   bool      `json:"deleted"`
	// DeletedRev is the revision that deleted the lexicon, when Deleted.
	DeletedRev string          `json:"deletedRev,omitempty"`
	Proof      *resolver.Proof `json:"proof,omitempty"`
	// Authoritative: published by the repository the NSID's authority
	// names; another repository's record is kept and shown, not used
	// when the NSID is resolved.
	Authoritative bool   `json:"authoritative"`
	Source        string `json:"source"`
	// Problems are the version's lint findings as a lexicon document.
	Problems []lexdoc.Finding `json:"problems,omitempty"`
}

// HasStore reports whether the service keeps history.
func (s *Service) HasStore() bool { return s.store != nil }

// StoreReady checks that the store's database answers; nil without a
// store. Its error wraps ErrStore.
func (s *Service) StoreReady(ctx context.Context) error {
	if s.store == nil {
		return nil
	}
	if err := s.store.Store().Ping(ctx); err != nil {
		return fmt.Errorf("%w: %w", ErrStore, err)
	}
	return nil
}

// History lists stored versions as q asks. Without a store it is
// ErrNoStore (CodeUnavailable); an unknown lexicon is an empty list.
func (s *Service) History(ctx context.Context, q HistoryQuery) (*History, error) {
	if s.store == nil {
		return nil, ErrNoStore
	}
	sq := store.HistoryQuery{NSID: q.NSID, Limit: q.Limit}
	if q.URI != "" {
		ref, err := ParseSchemaRef(string(q.URI))
		if err != nil {
			return nil, err
		}
		if ref.Def.Name != "main" && ref.Def.Name != "" {
			return nil, fmt.Errorf("%w: history is of a record, not of definition %q", ErrInvalidRequest, ref.Def.Name)
		}
		sq.NSID = ref.Def.NSID
		sq.DID, _ = ref.URI.Authority().AsDID() // ParseSchemaRef checked it is one
	}
	if sq.NSID == "" {
		return nil, fmt.Errorf("%w: history needs an NSID or the AT-URI of a schema record", ErrInvalidRequest)
	}
	if q.Cursor != "" {
		before, err := strconv.ParseInt(q.Cursor, 10, 64)
		if err != nil || before <= 0 {
			return nil, fmt.Errorf("%w: cursor %q is not one a history page gave", ErrInvalidRequest, q.Cursor)
		}
		sq.Before = before
	}
	if sq.Limit <= 0 {
		sq.Limit = store.DefaultHistoryLimit
	}
	sq.Limit = min(sq.Limit, store.MaxHistoryLimit)
	versions, err := s.store.Store().History(ctx, sq)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	h := &History{NSID: string(sq.NSID), Versions: make([]HistoryVersion, len(versions))}
	// Without an answer, no version is authoritative: it is not known.
	authority, _ := s.store.Authority(ctx, sq.NSID)
	h.Authority = string(authority)
	for i, v := range versions {
		h.Versions[i] = HistoryVersion{
			URI:           string(v.URI()),
			CID:           v.CID.String(),
			Rev:           v.Rev,
			IndexedAt:     v.FirstSeen,
			Deleted:       v.Deleted,
			DeletedRev:    v.DeletedRev,
			Proof:         v.Proof,
			Authoritative: authority != "" && v.DID == authority,
			Source:        string(v.Source),
			Problems:      v.Problems,
		}
	}
	if len(versions) == sq.Limit {
		h.Cursor = strconv.FormatInt(versions[len(versions)-1].Seq, 10)
	}
	return h, nil
}
