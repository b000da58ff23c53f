// Package lexicontest loads the lexicons tests share: the 402 real lexicons
// and the interop fixtures' catalog from the reference material
// (internal/reference), parsed by lexdoc. It is for tests only.
package lexicontest

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/reference"
	"github.com/lexval/lexval/lexdoc"
)

// Parse parses a lexicon document, failing the test when it does not parse.
func Parse(tb testing.TB, src string) *lexdoc.Document {
	tb.Helper()
	doc, err := lexdoc.ParseDocument([]byte(src))
	if err != nil {
		tb.Fatalf("ParseDocument: %v", err)
	}
	return doc
}

// LoadDir parses every *.json lexicon under dir, sorted by NSID; a file that
// does not parse fails the test.
func LoadDir(tb testing.TB, dir string) []*lexdoc.Document {
	tb.Helper()
	var docs []*lexdoc.Document
	EachFile(tb, dir, func(path string, data []byte) {
		doc, err := lexdoc.ParseDocument(data)
		if err != nil {
			tb.Errorf("%s: %v", path, err)
			return
		}
		docs = append(docs, doc)
	})
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	return docs
}

// EachFile calls f with the path and content of every *.json file under
// dir, in lexical order; a file that cannot be read fails the test.
func EachFile(tb testing.TB, dir string, f func(path string, data []byte)) {
	tb.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f(path, data)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// CorpusDir is the directory of the 402 real lexicons.
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	return reference.Path(tb, "atproto", "lexicons")
}

// Corpus is the catalog of the 402 real lexicons.
func Corpus(tb testing.TB) *lexdoc.Catalog {
	tb.Helper()
	return lexdoc.NewCatalog(LoadDir(tb, CorpusDir(tb))...)
}

// InteropDir is the directory of the interop fixtures' lexicons.
func InteropDir(tb testing.TB) string {
	tb.Helper()
	return reference.Path(tb, "atproto", "interop-tests", "lexicon", "catalog")
}

// Interop is the catalog of the interop fixtures' lexicons.
func Interop(tb testing.TB) *lexdoc.Catalog {
	tb.Helper()
	return lexdoc.NewCatalog(LoadDir(tb, InteropDir(tb))...)
}

// ReadJSON decodes a file with datamodel.DecodeJSON.
func ReadJSON(tb testing.TB, path string) any {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := datamodel.DecodeJSON(data)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return v
}
