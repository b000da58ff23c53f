package validator

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/lexval/lexval/internal/reference"
)

// loadDir parses every *.json lexicon under dir (a reference directory).
func loadDir(tb testing.TB, dir string) []*Document {
	tb.Helper()
	var docs []*Document
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		doc, err := ParseDocument(data)
		if err != nil {
			tb.Errorf("%s: %v", path, err)
			return nil
		}
		docs = append(docs, doc)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].ID < docs[j].ID })
	return docs
}

// corpusCatalog is the catalog of the 402 real lexicons in ../shared.
func corpusCatalog(tb testing.TB) *Catalog {
	tb.Helper()
	return NewCatalog(loadDir(tb, reference.Path(tb, "atproto", "lexicons"))...)
}

var corpus struct {
	once sync.Once
	c    *Compiler
}

// corpusCompiler is one Compiler over the corpus, shared by the tests that
// compile it (compiling all of it takes seconds).
func corpusCompiler(tb testing.TB) *Compiler {
	tb.Helper()
	reference.Dir(tb)
	corpus.once.Do(func() { corpus.c = NewCompiler(corpusCatalog(tb)) })
	return corpus.c
}

// interopCatalog is the catalog of the interop fixtures' lexicons.
func interopCatalog(tb testing.TB) *Catalog {
	tb.Helper()
	return NewCatalog(loadDir(tb, reference.Path(tb, "atproto", "interop-tests", "lexicon", "catalog"))...)
}

func TestParseCorpus(t *testing.T) {
	cat := corpusCatalog(t)
	docs := cat.Documents()
	if len(docs) != 402 {
		t.Errorf("got %d documents, want 402", len(docs))
	}
	for _, doc := range docs {
		for _, ref := range doc.References() {
			if ref == doc.ID {
				t.Errorf("%s: References lists the document itself", doc.ID)
			}
		}
	}
}

// TestCompileCorpus compiles every target of every definition of the real
// lexicons, and its JSONSchema on a plain draft 2020-12 compiler: a failure
// here is a translator bug.
func TestCompileCorpus(t *testing.T) {
	c := corpusCompiler(t)
	cat := c.Catalog()
	records, total := 0, 0
	for _, doc := range cat.Documents() {
		names := make([]string, 0, len(doc.Defs))
		for name := range doc.Defs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			ref := DefRef{NSID: doc.ID, Name: name}
			for _, target := range doc.Targets(name) {
				t.Run(ref.String()+"/"+string(target), func(t *testing.T) {
					s, err := c.Compile(ref, target, Options{})
					if err != nil {
						t.Fatalf("Compile: %v", err)
					}
					if _, err := compilePlain(s.JSONSchema()); err != nil {
						t.Errorf("JSONSchema is no self-contained draft 2020-12 schema: %v", err)
					}
					if s.unit.fast == nil {
						t.Errorf("no fast path")
					}
				})
				total++
				if target == TargetRecord {
					records++
				}
			}
		}
	}
	if records != 26 {
		t.Errorf("got %d record definitions, want 26", records)
	}
	t.Logf("compiled %d targets (%d records)", total, records)
}
