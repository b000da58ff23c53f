package resolver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/lexicons"
)

// manifest is lexicons.ManifestPath.
type manifest struct {
	Records []manifestEntry `json:"records"`
}

type manifestEntry struct {
	Path      string    `json:"path"`
	URI       string    `json:"uri"`
	CID       string    `json:"cid"`
	IndexedAt time.Time `json:"indexedAt"`
}

// loadCatalog reads a catalog laid out like package lexicons and
// authenticates every record: the CID of its bytes must be the one the
// manifest gives. Any failure is fatal: a catalog we cannot trust is no
// catalog.
func loadCatalog(fsys fs.FS) ([]*Record, error) {
	data, err := fs.ReadFile(fsys, lexicons.ManifestPath)
	if err != nil {
		return nil, fmt.Errorf("embedded catalog: %w", err)
	}
	var man manifest
	if err := json.Unmarshal(data, &man); err != nil {
		return nil, fmt.Errorf("embedded catalog: %s: %w", lexicons.ManifestPath, err)
	}
	recs := make([]*Record, 0, len(man.Records))
	seen := make(map[syntax.NSID]string, len(man.Records))
	for _, e := range man.Records {
		rec, err := loadCatalogRecord(fsys, e)
		if err != nil {
			return nil, fmt.Errorf("embedded catalog: %s: %w", e.Path, err)
		}
		if prev, dup := seen[rec.NSID()]; dup {
			return nil, fmt.Errorf("embedded catalog: %s and %s both hold %s", prev, e.Path, rec.NSID())
		}
		seen[rec.NSID()] = e.Path
		recs = append(recs, rec)
	}
	return recs, nil
}

func loadCatalogRecord(fsys fs.FS, e manifestEntry) (*Record, error) {
	uri, err := syntax.ParseATURI(e.URI)
	if err != nil {
		return nil, fmt.Errorf("manifest uri: %w", err)
	}
	_, rkey, err := parseSchemaURI(uri)
	if err != nil {
		return nil, fmt.Errorf("manifest uri: %w", err)
	}
	want, err := cid.Decode(e.CID)
	if err != nil {
		return nil, fmt.Errorf("manifest cid %q: %w", e.CID, err)
	}
	if e.IndexedAt.IsZero() {
		return nil, fmt.Errorf("manifest indexedAt is missing")
	}
	raw, err := fs.ReadFile(fsys, e.Path)
	if err != nil {
		return nil, err
	}
	doc, got, err := authenticate(raw, want, rkey)
	switch {
	case errors.Is(err, errCIDDiffers):
		return nil, fmt.Errorf("%w: manifest says %s, computed %s", ErrCIDMismatch, want, got)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", ErrInvalidRecord, err)
	}
	return &Record{
		URI:       uri,
		CID:       got,
		IndexedAt: e.IndexedAt,
		Source:    SourceEmbedded,
		Location:  "embedded:" + e.Path,
		Value:     raw,
		Document:  doc,
	}, nil
}
