package resolver

import (
	"os"
	"path/filepath"
	"runtime"
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

// BenchmarkNew is start-up: loading the embedded catalog (verifying every
// CID, parsing every document). heap-B is what the loaded resolver keeps
// live on the heap.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	var r *Resolver
	for b.Loop() {
		var err error
		if r, err = New(Config{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var before, after runtime.MemStats
	r = nil
	runtime.GC()
	runtime.ReadMemStats(&before)
	r, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(r)
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "heap-B")
}
