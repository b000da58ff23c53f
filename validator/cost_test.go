package validator

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

// The inputs of issue 15 whose compile cost grew faster than their size: a
// chain of definitions, each an object whose one property refers to the
// next, and one object with many properties.

// chainDocument is a record whose body starts a chain of n definitions.
func chainDocument(n int) string {
	var b strings.Builder
	b.WriteString(`{"lexicon":1,"id":"com.example.chain","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{"next":{"type":"ref","ref":"#d0"}}}}`)
	for i := range n {
		if i == n-1 {
			fmt.Fprintf(&b, `,"d%d":{"type":"object","properties":{"end":{"type":"string"}}}`, i)
			continue
		}
		fmt.Fprintf(&b, `,"d%d":{"type":"object","properties":{"next":{"type":"ref","ref":"#d%d"}}}`, i, i+1)
	}
	b.WriteString(`}}`)
	return b.String()
}

// flatDocument is a record with n string properties.
func flatDocument(n int) string {
	var b strings.Builder
	b.WriteString(`{"lexicon":1,"id":"com.example.flat","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"p%d":{"type":"string","maxLength":10}`, i)
	}
	b.WriteString(`}}}}}`)
	return b.String()
}

// treeDocument is a record whose body holds n objects of 8 properties each,
// nested 8 to a level: a large translation within every limit.
func treeDocument(n int) string {
	var b strings.Builder
	b.WriteString(`{"lexicon":1,"id":"com.example.tree","defs":{"main":{"type":"record","key":"tid","record":`)
	var node func(left int)
	node = func(left int) {
		b.WriteString(`{"type":"object","properties":{`)
		left--
		for i := range 8 {
			if i > 0 {
				b.WriteByte(',')
			}
			share := left / (8 - i)
			if share == 0 {
				fmt.Fprintf(&b, `"s%d":{"type":"string"}`, i)
				continue
			}
			fmt.Fprintf(&b, `"o%d":`, i)
			node(share)
			left -= share
		}
		b.WriteString(`}}`)
	}
	node(n)
	b.WriteString(`}}}`)
	return b.String()
}

var scaleInputs = []struct {
	name string
	doc  func(int) string
	ns   []int
	// depth is the compiler's limit on chains of references: above
	// lexdoc.MaxRefDepth, to measure what the limit keeps out.
	depth int
}{
	{"chain", chainDocument, []int{60, 120, 240, 480, 960}, 1000},
	{"flat", flatDocument, []int{125, 250, 500, 1000}, 0},
	{"tree", treeDocument, []int{150, 300, 600, 1200}, 0},
}

// BenchmarkCompileScale compiles each input at several sizes: the time per
// operation should grow with n, not with its square. Run:
//
//	go test ./validator -run '^$' -bench CompileScale -benchmem -benchtime 3x
func BenchmarkCompileScale(b *testing.B) {
	for _, in := range scaleInputs {
		for _, n := range in.ns {
			b.Run(fmt.Sprintf("%s-%d", in.name, n), func(b *testing.B) {
				doc := lexicontest.Parse(b, in.doc(n))
				ref := lexdoc.DefRef{NSID: doc.ID, Name: "main"}
				b.ReportAllocs()
				for b.Loop() {
					c := NewCompiler(lexdoc.NewCatalog(doc))
					if in.depth > 0 {
						c.maxRefDepth = in.depth
					}
					if _, err := c.Compile(ref, TargetRecord, Options{}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestCompileDepthLimit: a chain of references deeper than
// lexdoc.MaxRefDepth is refused in lexicon terms before anything is
// translated; one at the limit compiles.
func TestCompileDepthLimit(t *testing.T) {
	tests := []struct {
		name  string
		chain int
		want  string // "" compiles
	}{
		// main, then chain definitions: main's references pass through
		// chain of them.
		{"at the limit", lexdoc.MaxRefDepth, ""},
		{"over", lexdoc.MaxRefDepth + 1, "com.example.chain: references pass through a chain of 129 definitions, more than the 128 a chain may have"},
		{"far over", 900, "a chain of 900 definitions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := lexicontest.Parse(t, chainDocument(tt.chain))
			_, err := NewCompiler(lexdoc.NewCatalog(doc)).Compile(lexdoc.DefRef{NSID: doc.ID, Name: "main"}, TargetRecord, Options{})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Compile: %v, want no error", err)
			case tt.want == "":
			case !errors.Is(err, ErrInvalidLexicon) || !errors.Is(err, lexdoc.ErrLimit) || !strings.Contains(err.Error(), tt.want):
				t.Errorf("Compile: got %v, want ErrInvalidLexicon and lexdoc.ErrLimit saying %q", err, tt.want)
			case strings.Contains(err.Error(), "urn:") || strings.Contains(err.Error(), "jsonschema"):
				t.Errorf("Compile: got %q, which speaks of JSON Schema", err)
			}
		})
	}
}

// TestCompileParts: translations too large or too deep for one v5 resource
// are compiled in parts, and errors found in a part are explained as
// anywhere else; the JSON Schema shown stays one self-contained document.
func TestCompileParts(t *testing.T) {
	deep := func(levels int, leaf string) string {
		return strings.Repeat(`{"next":`, levels) + leaf + strings.Repeat(`}`, levels)
	}
	var wide strings.Builder
	wide.WriteString(`{"lexicon":1,"id":"com.example.wide","defs":{"main":{"type":"object","properties":{`)
	for i := range 600 {
		if i > 0 {
			wide.WriteByte(',')
		}
		fmt.Fprintf(&wide, `"p%03d":{"type":"object","properties":{"x":{"type":"integer"}}}`, i)
	}
	wide.WriteString(`}}}}`)
	tests := []struct {
		name, doc string
		target    Target
		value     string
		path      string
		schema    string
	}{
		{"deep", chainDocument(100), TargetRecord,
			`{"$type":"com.example.chain","next":` + deep(99, `{"end":5}`) + `}`,
			"/next" + strings.Repeat("/next", 99) + "/end", "com.example.chain#d99/properties/end"},
		{"wide", wide.String(), TargetObject, `{"p599":{"x":"one"}}`, "/p599/x", "com.example.wide#main/properties/p599/properties/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := lexicontest.Parse(t, tt.doc)
			s, err := NewCompiler(lexdoc.NewCatalog(doc)).Compile(lexdoc.DefRef{NSID: doc.ID, Name: "main"}, tt.target, Options{})
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if !strings.Contains(string(s.JSONSchema()), `"#/$defs/part-1"`) {
				t.Errorf("the translation has no part: the test no longer tests parts")
			}
			if _, err := compilePlain(s.JSONSchema()); err != nil {
				t.Errorf("JSONSchema is no self-contained draft 2020-12 schema: %v", err)
			}
			r, err := s.ValidateJSON([]byte(tt.value))
			if err != nil {
				t.Fatal(err)
			}
			if r.Valid || len(r.Errors) != 1 || r.Errors[0].Path != tt.path || r.Errors[0].SchemaPath != tt.schema {
				t.Errorf("got %+v, want one error at %s from %s", r, tt.path, tt.schema)
			}
		})
	}
}

// errAfter is a context that ends at its n-th look (Err), counting looks;
// after calls, when set, at that look.
type errAfter struct {
	context.Context
	n, looks int
	at       func()
}

func (c *errAfter) Err() error {
	if c.looks++; c.looks < c.n {
		return nil
	}
	if c.looks == c.n && c.at != nil {
		c.at()
	}
	return context.Canceled
}

// TestCompileStops: a compile whose context ends stops at its next look,
// whether translating or in v5, and does no more work: the keyword compiler,
// called by v5 for every schema object, is not called again.
func TestCompileStops(t *testing.T) {
	doc := lexicontest.Parse(t, treeDocument(1200))
	ref := lexdoc.DefRef{NSID: doc.ID, Name: "main"}
	// A whole compile, to count its looks.
	full := &errAfter{Context: context.Background(), n: 1 << 30}
	c := NewCompiler(lexdoc.NewCatalog(doc))
	if _, err := c.compileUnit(full, ref, TargetRecord, unitURL(ref, TargetRecord)); err != nil {
		t.Fatal(err)
	}
	if full.looks < 20 {
		t.Fatalf("a whole compile looked at its context %d times, want many", full.looks)
	}
	for _, n := range []int{1, full.looks / 2, full.looks - 1} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c := NewCompiler(lexdoc.NewCatalog(doc))
			polls := -1
			ctx := &errAfter{Context: context.Background(), n: n, at: func() { polls = c.polls }}
			_, err := c.compileUnit(ctx, ref, TargetRecord, unitURL(ref, TargetRecord))
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("compileUnit: got %v, want context.Canceled", err)
			}
			if ctx.looks != n {
				t.Errorf("looked %d times, want %d: it went on after the context ended", ctx.looks, n)
			}
			if c.polls != polls {
				t.Errorf("v5 compiled %d schema objects after the context ended, want none", c.polls-polls)
			}
		})
	}
}

// TestCompileAbandoned: a compile whose callers have all gone stops without
// compiling (here, while it waits for the gate), keeps nothing, and the next
// caller compiles afresh. While a gate's slots are taken, no compile runs.
func TestCompileAbandoned(t *testing.T) {
	doc := lexicontest.Parse(t, flatDocument(10))
	ref := lexdoc.DefRef{NSID: doc.ID, Name: "main"}
	gate := NewCompileGate(1)
	c := NewCompilerWith(lexdoc.NewCatalog(doc), CompilerConfig{Gate: gate})
	if err := gate.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := c.CompileContext(ctx, ref, TargetRecord, Options{})
			errs <- err
		}()
	}
	url := unitURL(ref, TargetRecord)
	var f *flight
	for f == nil || f.waiters < 2 {
		runtime.Gosched()
		c.flightMu.Lock()
		f = c.flights[url]
		waiters := 0
		if f != nil {
			waiters = f.waiters
		}
		c.flightMu.Unlock()
		if waiters < 2 {
			f = nil
		}
	}
	select {
	case <-f.done:
		t.Fatal("the compile ended while the gate's only slot was taken")
	default:
	}
	cancel()
	for range 2 {
		if err := <-errs; !errors.Is(err, context.Canceled) {
			t.Errorf("CompileContext: got %v, want context.Canceled", err)
		}
	}
	<-f.done
	if !errors.Is(f.err, context.Canceled) || c.polls != 0 {
		t.Errorf("the abandoned compile ended with %v after %d schema objects, want context.Canceled before any", f.err, c.polls)
	}
	if _, ok := c.byKey.Load(unitKey{ref, TargetRecord}); ok {
		t.Error("the abandoned compile kept a unit")
	}
	gate.release()
	if _, err := c.CompileContext(context.Background(), ref, TargetRecord, Options{}); err != nil {
		t.Errorf("compiling again: %v", err)
	}
}

// TestCorpusNeedsNoParts: no real lexicon is large or deep enough to be
// compiled in parts (which cost a $ref each).
func TestCorpusNeedsNoParts(t *testing.T) {
	c := corpusCompiler(t)
	for _, doc := range c.Catalog().Documents() {
		for name := range doc.Defs {
			ref := lexdoc.DefRef{NSID: doc.ID, Name: name}
			for _, target := range Targets(doc, name) {
				s, err := c.Compile(ref, target, Options{})
				if err != nil {
					t.Fatalf("%s (%s): %v", ref, target, err)
				}
				if strings.Contains(string(s.JSONSchema()), `"#/$defs/part-`) {
					t.Errorf("%s (%s) is compiled in parts", ref, target)
				}
			}
		}
	}
}
