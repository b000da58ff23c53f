package resolver

import (
	"context"
	"io/fs"
	"log/slog"
	"maps"
	"slices"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// localSet holds records loaded once, by NSID and by AT-URI.
type localSet struct {
	byNSID map[syntax.NSID]*Record
	byURI  map[syntax.ATURI]*Record // records that have an AT-URI
	sorted []*Record                // by NSID
}

func newLocalSet(recs []*Record) localSet {
	s := localSet{
		byNSID: make(map[syntax.NSID]*Record, len(recs)),
		byURI:  make(map[syntax.ATURI]*Record, len(recs)),
	}
	for _, rec := range recs {
		s.byNSID[rec.NSID()] = rec
		if rec.URI != "" {
			s.byURI[rec.URI] = rec
		}
	}
	s.sorted = sortedByNSID(maps.Values(s.byNSID))
	return s
}

// resolve answers q from the set. A miss is ErrNotFound itself: sources are
// asked in turn, and most say no, so saying it costs nothing.
func (s *localSet) resolve(q Query) (*Record, error) {
	var rec *Record
	if q.URI != "" {
		rec = s.byURI[q.URI]
	} else {
		rec = s.byNSID[q.NSID]
	}
	if rec == nil {
		return nil, ErrNotFound
	}
	return rec, nil
}

func sortedByNSID(recs func(func(*Record) bool)) []*Record {
	return slices.SortedFunc(recs, func(a, b *Record) int {
		return strings.Compare(string(a.NSID()), string(b.NSID()))
	})
}

// embeddedSource is the embedded catalog: published records, found by NSID
// or by their AT-URI.
type embeddedSource struct{ set localSet }

var _ Lister = (*embeddedSource)(nil)

func loadEmbedded(fsys fs.FS) (*embeddedSource, error) {
	recs, err := loadCatalog(fsys)
	if err != nil {
		return nil, err
	}
	return &embeddedSource{set: newLocalSet(recs)}, nil
}

func (e *embeddedSource) Resolve(_ context.Context, q Query) (*Record, error) {
	return e.set.resolve(q)
}

func (e *embeddedSource) Records() []*Record { return slices.Clone(e.set.sorted) }

// directorySource is one directory of lexicon files. Its documents are
// unpublished, so they have no AT-URI and answer NSID queries only.
type directorySource struct{ set localSet }

var _ Lister = (*directorySource)(nil)

// loadDirectorySource loads dir, logging the entries it left out.
func loadDirectorySource(dir string, log *slog.Logger) (*directorySource, error) {
	recs, skipped, err := loadDirectory(dir)
	if err != nil {
		return nil, err
	}
	for _, s := range skipped {
		log.Warn("lexicon directory entry skipped", "path", s.Path, "reason", s.Why)
	}
	return &directorySource{set: newLocalSet(recs)}, nil
}

func (d *directorySource) Resolve(_ context.Context, q Query) (*Record, error) {
	if q.URI != "" {
		return nil, ErrNotFound
	}
	return d.set.resolve(q)
}

func (d *directorySource) Records() []*Record { return slices.Clone(d.set.sorted) }

// mergeListers lists the records of the listers among sources, the first
// source holding an NSID winning, sorted by NSID.
func mergeListers(sources []Source) []*Record {
	byNSID := make(map[syntax.NSID]*Record)
	for _, s := range sources {
		l, ok := s.(Lister)
		if !ok {
			continue
		}
		for _, rec := range l.Records() {
			if _, taken := byNSID[rec.NSID()]; !taken {
				byNSID[rec.NSID()] = rec
			}
		}
	}
	return sortedByNSID(maps.Values(byNSID))
}

// describeQuery names what q asks for, in messages.
func describeQuery(q Query) string {
	if q.URI != "" {
		return string(q.URI)
	}
	return string(q.NSID)
}
