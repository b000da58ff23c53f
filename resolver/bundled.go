package resolver

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/lexval/lexval/lexicons"
)

// Upstream says which snapshot of which repository a bundled document was
// copied from.
type Upstream struct {
	// Repository is the repository's URL (https://github.com/…).
	Repository string `json:"repository"`
	// Commit is the snapshot's commit, Committed its time.
	Commit    string    `json:"commit"`
	Committed time.Time `json:"committed"`
	// Path is the document's path in the repository.
	Path string `json:"path"`
}

// URL is the document's address in the upstream repository, at the commit
// it was copied from.
func (u *Upstream) URL() string {
	return strings.TrimSuffix(u.Repository, "/") + "/blob/" + u.Commit + "/" + u.Path
}

// bundleManifest is lexicons.UpstreamPath.
type bundleManifest struct {
	Repository string    `json:"repository"`
	Commit     string    `json:"commit"`
	Committed  time.Time `json:"committed"`
	Path       string    `json:"path"`
}

// bundledSource holds the lexicon documents bundled with lexval (package
// lexicons' Bundled). They are unpublished documents, with the CID they will
// have once published, so they answer NSID queries only; the Resolver asks
// them last, after the network, and falls back on them when the network
// fails.
type bundledSource struct{ set localSet }

var _ Lister = (*bundledSource)(nil)

// loadBundled reads the bundle laid out as lexicons.Bundled. A bundle that
// cannot be read or parsed is fatal, like the embedded catalog: it is part
// of the binary, so a flaw there is a build's.
func loadBundled(fsys fs.FS) (*bundledSource, error) {
	data, err := fs.ReadFile(fsys, lexicons.UpstreamPath)
	if err != nil {
		return nil, fmt.Errorf("bundled lexicons: %w", err)
	}
	var man bundleManifest
	if err := json.Unmarshal(data, &man); err != nil {
		return nil, fmt.Errorf("bundled lexicons: %s: %w", lexicons.UpstreamPath, err)
	}
	var paths []string
	err = fs.WalkDir(fsys, lexicons.BundledDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bundled lexicons: %w", err)
	}
	recs, errs := loadEach(paths, func(p string) (*Record, error) {
		raw, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		rec, err := documentRecord(raw, "bundled:"+p, SourceBundled)
		if err != nil {
			return nil, err
		}
		rec.Upstream = &Upstream{
			Repository: man.Repository,
			Commit:     man.Commit,
			Committed:  man.Committed,
			Path:       path.Join(man.Path, strings.TrimPrefix(p, lexicons.BundledDir+"/")),
		}
		return rec, nil
	})
	seen := make(map[string]string, len(paths))
	for i, rec := range recs {
		if errs[i] != nil {
			return nil, fmt.Errorf("bundled lexicons: %w", errs[i])
		}
		if prev, dup := seen[string(rec.NSID())]; dup {
			return nil, fmt.Errorf("bundled lexicons: %s and %s both define %s", prev, paths[i], rec.NSID())
		}
		seen[string(rec.NSID())] = paths[i]
	}
	return &bundledSource{set: newLocalSet(recs)}, nil
}

func (b *bundledSource) Resolve(_ context.Context, q Query) (*Record, error) {
	if q.URI != "" {
		return nil, ErrNotFound
	}
	return b.set.resolve(q)
}

func (b *bundledSource) Records() []*Record { return slices.Clone(b.set.sorted) }

// instead returns a copy of rec, a bundled record, that says why the network
// gave no version of its own.
func (rec *Record) instead(networkErr error) *Record {
	c := *rec
	c.NetworkError = networkErr
	return &c
}
