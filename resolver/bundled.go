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

	"github.com/bluesky-social/indigo/atproto/syntax"

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
//
// At start-up it only indexes them, by the NSID each file's path names (a
// command uses a few of the hundreds); a document is read and parsed the
// first time it is asked for.
type bundledSource struct{ set localSet }

var _ localLister = (*bundledSource)(nil)

// loadBundled indexes the bundle laid out as lexicons.Bundled. A bundle
// whose manifest cannot be read is fatal, like the embedded catalog: it is
// part of the binary, so a flaw there is a build's. A document that fails
// to parse, or whose id is not the NSID its path names, fails the
// resolutions of that NSID only (TestBundleParses catches it before a
// release).
func loadBundled(fsys fs.FS) (*bundledSource, error) {
	data, err := fs.ReadFile(fsys, lexicons.UpstreamPath)
	if err != nil {
		return nil, fmt.Errorf("bundled lexicons: %w", err)
	}
	var man bundleManifest
	if err := json.Unmarshal(data, &man); err != nil {
		return nil, fmt.Errorf("bundled lexicons: %s: %w", lexicons.UpstreamPath, err)
	}
	var entries []*localRecord
	seen := make(map[syntax.NSID]string)
	err = fs.WalkDir(fsys, lexicons.BundledDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		nsid := bundledNSID(p)
		if prev, dup := seen[nsid]; dup {
			return fmt.Errorf("%s and %s both define %s", prev, p, nsid)
		}
		seen[nsid] = p
		entries = append(entries, &localRecord{
			nsid: nsid,
			load: func() (*Record, error) {
				rec, err := loadBundledFile(fsys, p, nsid)
				if err != nil {
					return nil, fmt.Errorf("bundled lexicons: %w", err)
				}
				rec.Upstream = &Upstream{
					Repository: man.Repository,
					Commit:     man.Commit,
					Committed:  man.Committed,
					Path:       path.Join(man.Path, strings.TrimPrefix(p, lexicons.BundledDir+"/")),
				}
				return rec, nil
			},
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bundled lexicons: %w", err)
	}
	return &bundledSource{set: newLazySet(entries)}, nil
}

// bundledNSID is the NSID the path of a bundled document names:
// lexicons/app/bsky/feed/post.json holds app.bsky.feed.post. It is not
// parsed here (a third of start-up went to parsing them): loadBundledFile
// checks it equals the document's id, which the document's parse checks.
func bundledNSID(p string) syntax.NSID {
	rel := strings.TrimSuffix(strings.TrimPrefix(p, lexicons.BundledDir+"/"), ".json")
	return syntax.NSID(strings.ReplaceAll(rel, "/", "."))
}

// loadBundledFile reads and parses the bundled document at p, which must be
// lexicon nsid, the one its path names.
func loadBundledFile(fsys fs.FS, p string, nsid syntax.NSID) (*Record, error) {
	raw, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, err
	}
	rec, err := documentRecord(raw, "bundled:"+p, SourceBundled)
	if err != nil {
		return nil, err
	}
	if rec.NSID() != nsid {
		return nil, fmt.Errorf("bundled:%s: %w: id %s differs from %s, the NSID its path names", p, ErrInvalidRecord, rec.NSID(), nsid)
	}
	return rec, nil
}

func (b *bundledSource) Resolve(_ context.Context, q Query) (*Record, error) {
	if q.URI != "" {
		return nil, ErrNotFound
	}
	return b.set.resolve(q)
}

func (b *bundledSource) NSIDs() []syntax.NSID { return slices.Clone(b.set.nsids) }
func (b *bundledSource) Records() []*Record   { return b.set.records() }
func (b *bundledSource) localSet() *localSet  { return &b.set }

// instead returns a copy of rec, a bundled record, that says why the network
// gave no version of its own.
func (rec *Record) instead(networkErr error) *Record {
	c := *rec
	c.NetworkError = networkErr
	return &c
}
