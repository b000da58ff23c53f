package validator

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

const raceLexicons = `[
 {"lexicon": 1, "id": "com.example.race", "defs": {
   "main": {"type": "record", "key": "tid", "record": {"type": "object", "required": ["text"], "properties": {
     "text": {"type": "string", "maxGraphemes": 5},
     "embed": {"type": "union", "refs": ["#a"]},
     "n": {"type": "integer", "maximum": 10}}}},
   "a": {"type": "object", "properties": {"x": {"type": "integer"}}}}},
 {"lexicon": 1, "id": "com.example.lazy", "defs": {
   "main": {"type": "object", "required": ["y"], "properties": {"y": {"type": "string"}}}}}
]`

func raceCompiler(t *testing.T) *Compiler {
	v, err := datamodel.DecodeJSON([]byte(raceLexicons))
	if err != nil {
		t.Fatal(err)
	}
	var docs []*lexdoc.Document
	for _, l := range v.([]any) {
		doc, err := lexdoc.NewDocument(l.(map[string]any))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
	}
	return NewCompiler(lexdoc.NewCatalog(docs...))
}

// TestConcurrentCompile: goroutines compiling the same key at once get the
// same Schema.
func TestConcurrentCompile(t *testing.T) {
	c := raceCompiler(t)
	ref := lexdoc.DefRef{NSID: "com.example.race", Name: "main"}
	const n = 32
	got := make([]*Schema, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := c.Compile(ref, TargetRecord, Options{})
			if err != nil {
				t.Error(err)
			}
			got[i] = s
		}()
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if got[i] != got[0] {
			t.Fatalf("goroutine %d got a different Schema", i)
		}
	}
	other, err := c.Compile(ref, TargetRecord, Options{AllowUnresolved: true})
	if err != nil {
		t.Fatal(err)
	}
	if other == got[0] || other.unit != got[0].unit {
		t.Errorf("options: want a distinct Schema sharing the compiled unit")
	}
}

// TestConcurrentValidate validates from many goroutines on one Schema,
// including open-union types compiled on first use, and compares every
// result with the sequential one. Run with -race.
func TestConcurrentValidate(t *testing.T) {
	c := raceCompiler(t)
	s, err := c.Compile(lexdoc.DefRef{NSID: "com.example.race", Name: "main"}, TargetRecord, Options{})
	if err != nil {
		t.Fatal(err)
	}
	values := []string{
		`{"$type": "com.example.race", "text": "hello"}`,
		`{"$type": "com.example.race", "text": "hello!", "n": 11}`,
		`{"$type": "com.example.race", "text": "hi", "embed": {"$type": "com.example.race#a", "x": 1.5}}`,
		`{"$type": "com.example.race", "text": "hi", "embed": {"$type": "com.example.lazy"}}`,
		`{"$type": "com.example.race", "text": "hi", "embed": {"$type": "com.example.lazy", "y": "ok"}}`,
		`{"text": 3}`,
	}
	want := make([]Result, len(values))
	seq := raceCompiler(t)
	ss, err := seq.Compile(lexdoc.DefRef{NSID: "com.example.race", Name: "main"}, TargetRecord, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range values {
		r, err := ss.ValidateJSON([]byte(v))
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r
	}
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 50 {
				i := (g + k) % len(values)
				r, err := s.ValidateJSON([]byte(values[i]))
				if err != nil {
					t.Error(err)
					return
				}
				if !reflect.DeepEqual(r, want[i]) {
					t.Errorf("value %d: got %+v, want %+v", i, r, want[i])
					return
				}
			}
		}()
	}
	// Compiling other keys meanwhile shares the Compiler.
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, name := range []string{"a", "main"} {
				ref := lexdoc.DefRef{NSID: "com.example.race", Name: name}
				target := TargetObject
				if name == "main" {
					target = TargetRecord
				}
				if _, err := c.Compile(ref, target, Options{Lenient: true}); err != nil {
					t.Error(fmt.Errorf("%s: %w", ref, err))
				}
			}
		}()
	}
	wg.Wait()
}
