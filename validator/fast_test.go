package validator

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// checkFastAgrees holds the fast path to v5 on one value: the fast path may
// never accept what v5 refuses, and should accept what v5 accepts outright
// (else it is dead weight). Lenient schemas may send valid legacy blobs to
// v5, and unresolved references always go there.
func checkFastAgrees(t *testing.T, s *Schema, v any) {
	t.Helper()
	w := dataModelWalker{collect: true}
	w.value(v, 0)
	if len(w.errs) > 0 || w.unsafe {
		return
	}
	fast := s.fastValid(v)
	slow := s.report(v, &w)
	// Validate hands report the non-collecting walker when it found nothing.
	var quick dataModelWalker
	quick.value(v, 0)
	if got := s.report(v, &quick); !reflect.DeepEqual(got, slow) {
		t.Errorf("report with the quick walker: got %+v, want %+v", got, slow)
	}
	switch {
	case fast && (!slow.Valid || len(slow.Unresolved) > 0):
		t.Errorf("fast path accepts what v5 refuses: %+v", slow)
	case !fast && slow.Valid && len(slow.Unresolved) == 0 && !s.opts.Lenient:
		t.Errorf("fast path refuses a value v5 accepts")
	}
}

// TestFastPathTaken: the benchmark records take the fast path (every corpus
// unit has one: TestCompileCorpus).
func TestFastPathTaken(t *testing.T) {
	c := corpusCompiler(t)
	post, err := c.Compile(DefRef{NSID: "app.bsky.feed.post", Name: "main"}, TargetRecord, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"post-small.json", "post-medium.json", "post-large.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "bench", file))
		if err != nil {
			t.Fatal(err)
		}
		v, err := DecodeJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		if !post.fastValid(v) {
			t.Errorf("%s: the fast path refuses a valid post", file)
		}
		checkFastAgrees(t, post, v)
	}
}
