package validator

import (
	"maps"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/internal/reference"
	"github.com/lexval/lexval/lexdoc"
)

// corpusCatalog is the catalog of the 402 real lexicons in ../shared.
func corpusCatalog(tb testing.TB) *lexdoc.Catalog {
	tb.Helper()
	return lexicontest.Corpus(tb)
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
func interopCatalog(tb testing.TB) *lexdoc.Catalog {
	tb.Helper()
	return lexicontest.Interop(tb)
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
			ref := lexdoc.DefRef{NSID: doc.ID, Name: name}
			for _, target := range Targets(doc, name) {
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

// BenchmarkCompileCorpus compiles every target of every definition of the
// real lexicons with a fresh Compiler: translation and v5's compilation.
func BenchmarkCompileCorpus(b *testing.B) {
	cat := corpusCatalog(b)
	b.ReportAllocs()
	for b.Loop() {
		c := NewCompiler(cat)
		for _, doc := range cat.Documents() {
			// In order, so that each run compiles the same units first.
			for _, name := range slices.Sorted(maps.Keys(doc.Defs)) {
				ref := lexdoc.DefRef{NSID: doc.ID, Name: name}
				for _, target := range Targets(doc, name) {
					if _, err := c.Compile(ref, target, Options{}); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
}
