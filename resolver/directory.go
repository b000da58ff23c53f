package resolver

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
)

// maxLexiconFileBytes bounds one lexicon file. The largest lexicon of the
// atproto corpus is about 20 KB; a bigger file is a mistake, not a lexicon.
const maxLexiconFileBytes = 4 << 20

// loadDirectory reads every *.json file under dir (skipping hidden files and
// directories) as a lexicon document. Each gets the CID it would have when
// published: that of the document with "$type":"com.atproto.lexicon.schema"
// added. Errors name the file; two files with the same id are an error.
// Files are parsed in parallel; the result follows the walk's (lexical) order.
func loadDirectory(dir string) ([]*Record, error) {
	paths, err := lexiconFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("lexicon directory %s: %w", dir, err)
	}
	recs, errs := loadEach(paths, loadLexiconFile)

	seen := make(map[syntax.NSID]string, len(paths))
	for i, rec := range recs {
		if errs[i] != nil {
			return nil, fmt.Errorf("lexicon directory %s: %w", dir, errs[i])
		}
		if prev, dup := seen[rec.NSID()]; dup {
			return nil, fmt.Errorf("lexicon directory %s: %s and %s both define %s", dir, prev, paths[i], rec.NSID())
		}
		seen[rec.NSID()] = paths[i]
	}
	return recs, nil
}

// lexiconFiles lists the *.json files under dir, skipping hidden ones.
func lexiconFiles(dir string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
			paths = append(paths, path)
		}
		return nil
	})
	return paths, err
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
	raw, err := readFileLimited(path, maxLexiconFileBytes)
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
		return nil, fmt.Errorf("%s: %w: %w", location, ErrInvalidRecord, err)
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

func readFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if info, err := f.Stat(); err == nil && info.Size() <= limit {
		buf.Grow(int(info.Size()) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, fmt.Errorf("%s: more than the %d bytes a lexicon file may have", path, limit)
	}
	return buf.Bytes(), nil
}
