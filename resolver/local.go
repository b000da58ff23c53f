package resolver

import (
	"context"
	"io/fs"
	"log/slog"
	"maps"
	"slices"
	"sync"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// localRecord is a record of a local source: loaded at start-up (the
// embedded catalog, directories) or the first time it is asked for (the
// bundle), once, safely for concurrent use.
type localRecord struct {
	nsid syntax.NSID
	// load reads the record; nil for a record loaded at start-up.
	load func() (*Record, error)
	once sync.Once
	rec  *Record
	err  error
}

// loadedRecord is rec, loaded at start-up.
func loadedRecord(rec *Record) *localRecord {
	return &localRecord{nsid: rec.NSID(), rec: rec}
}

// get returns the record, loading it on first use. A record that fails to
// load always fails, with the same error.
func (l *localRecord) get() (*Record, error) {
	l.once.Do(func() {
		if l.load != nil {
			l.rec, l.err = l.load()
			l.load = nil
		}
	})
	return l.rec, l.err
}

// localSet holds the records of a local source, by NSID and by AT-URI.
type localSet struct {
	byNSID map[syntax.NSID]*localRecord
	byURI  map[syntax.ATURI]*Record // records that have an AT-URI, all loaded at start-up
	nsids  []syntax.NSID            // sorted
}

func newLocalSet(recs []*Record) localSet {
	entries := make([]*localRecord, len(recs))
	for i, rec := range recs {
		entries[i] = loadedRecord(rec)
	}
	return newLazySet(entries)
}

// newLazySet is a set of entries, which may be loaded yet or not; an NSID
// appears once among them.
func newLazySet(entries []*localRecord) localSet {
	s := localSet{
		byNSID: make(map[syntax.NSID]*localRecord, len(entries)),
		byURI:  make(map[syntax.ATURI]*Record),
	}
	for _, e := range entries {
		s.byNSID[e.nsid] = e
		if e.load == nil && e.rec.URI != "" {
			s.byURI[e.rec.URI] = e.rec
		}
	}
	s.nsids = slices.Sorted(maps.Keys(s.byNSID))
	return s
}

// resolve answers q from the set. A miss is ErrNotFound itself: sources are
// asked in turn, and most say no, so saying it costs nothing.
func (s *localSet) resolve(q Query) (*Record, error) {
	if q.URI != "" {
		if rec := s.byURI[q.URI]; rec != nil {
			return rec, nil
		}
		return nil, ErrNotFound
	}
	e := s.byNSID[q.NSID]
	if e == nil {
		return nil, ErrNotFound
	}
	return e.get()
}

// records loads every record of the set, by NSID, leaving out those that
// fail to load (resolving one says why).
func (s *localSet) records() []*Record {
	recs := make([]*Record, 0, len(s.nsids))
	for _, nsid := range s.nsids {
		if rec, err := s.byNSID[nsid].get(); err == nil {
			recs = append(recs, rec)
		}
	}
	return recs
}

// localLister is a Lister of this package, whose set the Resolver merges.
type localLister interface {
	Lister
	localSet() *localSet
}

// embeddedSource is the embedded catalog: published records, found by NSID
// or by their AT-URI.
type embeddedSource struct{ set localSet }

var _ localLister = (*embeddedSource)(nil)

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

func (e *embeddedSource) NSIDs() []syntax.NSID { return slices.Clone(e.set.nsids) }
func (e *embeddedSource) Records() []*Record   { return e.set.records() }
func (e *embeddedSource) localSet() *localSet  { return &e.set }

// directorySource is one directory of lexicon files. Its documents are
// unpublished, so they have no AT-URI and answer NSID queries only.
type directorySource struct{ set localSet }

var _ localLister = (*directorySource)(nil)

// loadDirectorySource loads dir, logging the entries it left out.
func loadDirectorySource(dir string, followSymlinks bool, log *slog.Logger) (*directorySource, error) {
	recs, skipped, err := loadDirectory(dir, followSymlinks)
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

func (d *directorySource) NSIDs() []syntax.NSID { return slices.Clone(d.set.nsids) }
func (d *directorySource) Records() []*Record   { return d.set.records() }
func (d *directorySource) localSet() *localSet  { return &d.set }

// mergeLocal gathers the records of the local sources among sources into
// one set, the first source holding an NSID winning. It loads nothing.
func mergeLocal(sources []Source) localSet {
	taken := make(map[syntax.NSID]bool)
	var entries []*localRecord
	for _, s := range sources {
		l, ok := s.(localLister)
		if !ok {
			continue
		}
		for nsid, e := range l.localSet().byNSID {
			if !taken[nsid] {
				taken[nsid] = true
				entries = append(entries, e)
			}
		}
	}
	return newLazySet(entries)
}

// describeQuery names what q asks for, in messages.
func describeQuery(q Query) string {
	if q.URI != "" {
		return string(q.URI)
	}
	return string(q.NSID)
}
