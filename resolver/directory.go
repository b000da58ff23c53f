package resolver

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/inputfile"
)

// maxLexiconFileBytes bounds one lexicon file. The largest lexicon of the
// atproto corpus is about 20 KB; a bigger file is a mistake, not a lexicon.
const maxLexiconFileBytes = 4 << 20

// loadDirectory reads every *.json file under dir (skipping hidden files and
// directories) as a lexicon document. Each gets the CID it would have when
// published: that of the document with "$type":"com.atproto.lexicon.schema"
// added. Errors name the file; two files with the same id are an error.
// Files are parsed in parallel; the result follows the walk's (lexical) order.
//
// Files are read as the lexval command reads its inputs (package inputfile):
// only regular files, and links to regular files inside dir's tree; the
// entries left out (a named pipe, a link to /dev/zero, a link out of the
// tree unless followSymlinks) are returned with the reason, for the log.
func loadDirectory(dir string, followSymlinks bool) ([]*Record, []inputfile.Skipped, error) {
	paths, skipped, err := inputfile.Walk(dir, inputfile.WalkOptions{
		Match:          func(name string) bool { return strings.HasSuffix(name, ".json") },
		SkipHidden:     true,
		FollowSymlinks: followSymlinks,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("lexicon directory %s: %w", dir, err)
	}
	recs, errs := loadEach(paths, loadLexiconFile)

	seen := make(map[syntax.NSID]string, len(paths))
	for i, rec := range recs {
		if errs[i] != nil {
			return nil, nil, fmt.Errorf("lexicon directory %s: %w", dir, errs[i])
		}
		if prev, dup := seen[rec.NSID()]; dup {
			return nil, nil, fmt.Errorf("lexicon directory %s: %s and %s both define %s", dir, prev, paths[i], rec.NSID())
		}
		seen[rec.NSID()] = paths[i]
	}
	return recs, skipped, nil
}

// loadEach runs load on every path, on every core; the results follow the
// order of paths.
func loadEach(paths []string, load func(string) (*Record, error)) ([]*Record, []error) {
	recs := make([]*Record, len(paths))
	errs := make([]error, len(paths))
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(paths); i = int(next.Add(1) - 1) {
				recs[i], errs[i] = load(paths[i])
			}
		})
	}
	wg.Wait()
	return recs, errs
}

// loadLexiconFile reads one unpublished lexicon document.
func loadLexiconFile(path string) (*Record, error) {
	raw, err := inputfile.ReadFile(path, maxLexiconFileBytes)
	if err != nil {
		return nil, err
	}
	return documentRecord(raw, path, SourceDirectory)
}

// documentRecord is an unpublished lexicon document, read from location, as
// the record it will be once published: its CID is that record's.
func documentRecord(raw []byte, location string, source SourceKind) (*Record, error) {
	v, err := datamodel.DecodeJSON(raw)
	if err != nil {
		// Worded without quoting the file.
		return nil, fmt.Errorf("%s: %w: %w", location, ErrInvalidRecord, inputfile.DecodeError(raw, err, 0))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: %w: a lexicon document is a JSON object, not %s", location, ErrInvalidRecord, datamodel.KindOf(v))
	}
	pub, err := datamodel.PublishLexicon(m, raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", location, ErrInvalidRecord, err)
	}
	doc, err := parseDocument(m, pub.CID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %w", location, ErrInvalidRecord, err)
	}
	return &Record{
		CID:       pub.CID,
		Source:    source,
		Location:  location,
		Value:     raw,
		Document:  doc,
		published: pub.JSON,
	}, nil
}
