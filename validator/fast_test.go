package validator

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/lexval/lexval/datamodel"
)

// checkFastAgrees holds the fast path to v5 on one value: the fast path may
// never accept what v5 refuses, and should accept what v5 accepts outright
// (else it is dead weight). Lenient schemas may send valid legacy blobs to
// v5, and unresolved references always go there.
func checkFastAgrees(t *testing.T, s *Schema, v any) {
	t.Helper()
	dm := datamodel.Check(v)
	if len(dm.Problems) > 0 {
		return
	}
	fast := s.fastValid(v)
	slow := s.report(v, dm)
	// Validate hands report an empty report when the quick walk found nothing.
	if got := s.report(v, datamodel.Report{}); !reflect.DeepEqual(got, slow) {
		t.Errorf("report with an empty data-model report: got %+v, want %+v", got, slow)
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
		v, err := datamodel.DecodeJSON(data)
		if err != nil {
			t.Fatal(err)
		}
		if !post.fastValid(v) {
			t.Errorf("%s: the fast path refuses a valid post", file)
		}
		checkFastAgrees(t, post, v)
	}
}
