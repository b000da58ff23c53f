package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// TestCompilerCacheEviction: the compilers of unpublished documents are
// bounded by CompilerCacheSize, the least recently used going first.
func TestCompilerCacheEviction(t *testing.T) {
	res, err := resolver.New(resolver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	const size = 2
	s := NewWithOptions(res, Options{CompilerCacheSize: size})
	ctx := context.Background()
	prepare := func(nsid string) {
		t.Helper()
		doc := decode(t, `{"lexicon":1,"id":"`+nsid+`","defs":{"main":{"type":"object","properties":{}}}}`)
		if _, lint, err := s.PrepareDocument(ctx, doc, "", "", validator.Options{}); err != nil || len(lint) != 0 {
			t.Fatalf("%s: got %v, lint %v; want a checker", nsid, err, lint)
		}
	}
	// cached lists the NSIDs whose compilers are kept, least recent first.
	cached := func() []string {
		var nsids []string
		for _, key := range s.compilers.Keys() {
			id, _, _ := strings.Cut(strings.TrimPrefix(key, "document "), "@")
			nsids = append(nsids, id)
		}
		return nsids
	}

	steps := []struct {
		prepare string
		want    []string
	}{
		{prepare: "com.example.doc.a", want: []string{"com.example.doc.a"}},
		{prepare: "com.example.doc.b", want: []string{"com.example.doc.a", "com.example.doc.b"}},
		{prepare: "com.example.doc.a", want: []string{"com.example.doc.b", "com.example.doc.a"}},
		{prepare: "com.example.doc.c", want: []string{"com.example.doc.a", "com.example.doc.c"}},
		{prepare: "com.example.doc.d", want: []string{"com.example.doc.c", "com.example.doc.d"}},
	}
	for i, step := range steps {
		prepare(step.prepare)
		if got := cached(); !slices.Equal(got, step.want) {
			t.Errorf("step %d (%s): got compilers for %v, want %v", i, step.prepare, got, step.want)
		}
	}
	for i := range 10 * size {
		prepare(fmt.Sprint("com.example.doc.n", i))
	}
	if got := s.compilers.Len(); got != size {
		t.Errorf("got %d compilers, want the bound %d", got, size)
	}
}
