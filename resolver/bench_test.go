package resolver

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkResolveLocal resolves an embedded lexicon past two directories:
// the cost of asking the sources in turn.
func BenchmarkResolveLocal(b *testing.B) {
	dirs := []string{b.TempDir(), b.TempDir()}
	for i, dir := range dirs {
		doc := lexiconJSON("com.example.dir.n"+string(rune('a'+i)), "d")
		if err := os.WriteFile(filepath.Join(dir, "a.json"), []byte(doc), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	r, err := New(Config{Directories: dirs})
	if err != nil {
		b.Fatal(err)
	}
	q := Query{NSID: "com.atproto.server.refreshSession"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Resolve(b.Context(), q); err != nil {
			b.Fatal(err)
		}
	}
}
