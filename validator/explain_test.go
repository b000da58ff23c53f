package validator

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// checkExplainAgrees holds the explainer to v5 on one value: without
// limits, Validate (the explainer, one schema and one value at a time)
// lists exactly what report (v5 on the whole value, with the whole
// data-model check) lists; with limits, what it lists is the start of that
// list, and its counts are bounds of it. Every value the fast path is
// checked on (checkFastAgrees) comes here too.
func checkExplainAgrees(t *testing.T, s *Schema, v any) {
	t.Helper()
	want := s.report(v, datamodel.Check(v))
	if s.Valid(v) {
		want = Result{Valid: true, Errors: []Error{}, Unresolved: []Unresolved{}}
	}
	got := s.Validate(v)
	switch {
	case hasEmptyKey(v):
		// v5 locates a value under a field named "" at its object (it
		// appends no token for an empty name); the explainer, which gives
		// v5 one value at a time, locates it at "/", as RFC 6901 does. Only
		// the limits are checked here.
		want = got
	case !reflect.DeepEqual(got, want):
		t.Errorf("the explainer and v5 on the whole value differ:\n got %s\nwant %s", describeResult(got), describeResult(want))
		return
	}
	entries := len(want.Errors) + len(want.Unresolved)
	for _, max := range []int{1, 2, 3, entries - 1, entries} {
		if max < 1 || max > entries || max > 3 && max < entries-1 {
			continue
		}
		capped, err := s.Explain(context.Background(), v, Limits{MaxErrors: max})
		if err != nil {
			t.Fatalf("Explain: %v", err)
		}
		checkPrefix(t, capped, want, max)
	}
}

// hasEmptyKey reports an object field named "" anywhere in v.
func hasEmptyKey(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "" || hasEmptyKey(e) {
				return true
			}
		}
	case []any:
		return slices.ContainsFunc(x, hasEmptyKey)
	}
	return false
}

// checkPrefix checks a result explained within limits (at most max entries)
// against the result without limits.
func checkPrefix(t *testing.T, capped, full Result, max int) {
	t.Helper()
	n := len(capped.Errors) + len(capped.Unresolved)
	fullN := len(full.Errors) + len(full.Unresolved)
	switch {
	case n > max:
		t.Errorf("MaxErrors %d: got %d entries", max, n)
	case capped.ErrorsTruncated != (fullN > max):
		t.Errorf("MaxErrors %d: got ErrorsTruncated=%v with %d entries in all", max, capped.ErrorsTruncated, fullN)
	case !capped.ErrorsTruncated && !reflect.DeepEqual(capped, full):
		t.Errorf("MaxErrors %d, not truncated: got %s, want %s", max, describeResult(capped), describeResult(full))
	case capped.Valid != full.Valid:
		t.Errorf("MaxErrors %d: got valid=%v, want %v", max, capped.Valid, full.Valid)
	case !slices.Equal(capped.Errors, full.Errors[:len(capped.Errors)]) || !slices.Equal(capped.Unresolved, full.Unresolved[:len(capped.Unresolved)]):
		t.Errorf("MaxErrors %d: not the start of the whole list:\n got %s\nwant %s", max, describeResult(capped), describeResult(full))
	case capped.ErrorsTruncated && n != max:
		t.Errorf("MaxErrors %d: truncated at %d entries", max, n)
	case capped.ErrorsTruncated && (capped.ErrorCount < len(capped.Errors) || capped.ErrorCount > len(full.Errors)):
		t.Errorf("MaxErrors %d: ErrorCount %d, want between %d listed and %d in all", max, capped.ErrorCount, len(capped.Errors), len(full.Errors))
	case capped.ErrorsTruncated && len(full.Errors) > len(capped.Errors) && capped.ErrorCount == len(capped.Errors):
		t.Errorf("MaxErrors %d: ErrorCount %d counts none of the %d errors not listed", max, capped.ErrorCount, len(full.Errors)-len(capped.Errors))
	}
}

func describeResult(r Result) string {
	var b strings.Builder
	b.WriteString("valid=" + map[bool]string{true: "true", false: "false"}[r.Valid])
	if r.ErrorsTruncated {
		b.WriteString(" truncated, count " + itoa(int64(r.ErrorCount)))
	}
	b.WriteString(ruleErrors(r.Errors))
	for _, u := range r.Unresolved {
		b.WriteString("\n  unresolved " + u.Ref + " at " + u.Path + " [" + u.SchemaPath + "]")
	}
	return b.String()
}

// explainCompiler compiles the lexicon documents given as JSON.
func explainCompiler(t testing.TB, docs ...string) *Compiler {
	t.Helper()
	var parsed []*lexdoc.Document
	for _, d := range docs {
		doc, err := lexdoc.ParseDocument([]byte(d))
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, doc)
	}
	return NewCompiler(lexdoc.NewCatalog(parsed...))
}

func mustCompile(t testing.TB, c *Compiler, def string, target Target, opts Options) *Schema {
	t.Helper()
	ref, err := lexdoc.ParseDefRef(def)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(ref, target, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustDecode(t testing.TB, s string) any {
	t.Helper()
	v, err := datamodel.DecodeJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const explainLexicon = `{"lexicon":1,"id":"com.example.explain","defs":{
  "main":{"type":"record","key":"tid","record":{"type":"object","required":["text","langs"],"properties":{
    "text":{"type":"string","maxLength":10,"maxGraphemes":3},
    "langs":{"type":"array","maxLength":3,"items":{"type":"string","format":"language"}},
    "n":{"type":"integer","minimum":0},
    "inner":{"type":"ref","ref":"#inner"},
    "any":{"type":"unknown"},
    "u":{"type":"union","refs":["#inner"]}}}},
  "inner":{"type":"object","required":["a"],"properties":{"a":{"type":"integer"},"b":{"type":"array","items":{"type":"integer"}}}}}}`

// TestExplainLimits: a value with many errors is explained up to the limit,
// in the order of the whole list, and the rest is counted.
func TestExplainLimits(t *testing.T) {
	c := explainCompiler(t, explainLexicon)
	s := mustCompile(t, c, "com.example.explain", TargetRecord, Options{})
	v := mustDecode(t, `{"$type":"com.example.explain","text":"much too long for this","langs":["!","!","!","!","!"],
	  "n":-1.5,"inner":{"b":[1,"x",2.5]},"any":{"x":[1.5,2.5]},"u":{"$type":"com.example.explain#inner","a":"x"},"zz":3.5}`)
	full := s.Validate(v)
	if full.Valid || full.ErrorsTruncated || len(full.Errors) < 12 {
		t.Fatalf("got %s, want a dozen errors or more", describeResult(full))
	}
	checkExplainAgrees(t, s, v)
	for max := 1; max <= len(full.Errors)+1; max++ {
		r, err := s.Explain(context.Background(), v, Limits{MaxErrors: max})
		if err != nil {
			t.Fatal(err)
		}
		checkPrefix(t, r, full, max)
	}
	// A negative limit lists nothing, and still judges and counts.
	none, err := s.Explain(context.Background(), v, Limits{MaxErrors: -1})
	if err != nil || none.Valid || len(none.Errors) != 0 || !none.ErrorsTruncated || none.ErrorCount < 12 {
		t.Errorf("MaxErrors -1: got %s, %v; want nothing listed, a dozen errors or more counted", describeResult(none), err)
	}
	// The size limit cuts at an entry too.
	size := 0
	for i, e := range full.Errors {
		size += EntrySize(e.Path, e.Message, e.SchemaPath, false)
		r, err := s.Explain(context.Background(), v, Limits{MaxBytes: size})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Errors) != i+1 || r.ErrorsTruncated != (i+1 < len(full.Errors)) {
			t.Errorf("MaxBytes %d: got %d errors (truncated %v), want %d", size, len(r.Errors), r.ErrorsTruncated, i+1)
		}
	}
}

// TestExplainCheapFirst: an array far over its maxLength is reported at
// once, before its items, and a limit leaves every item but the first
// unexplained.
func TestExplainCheapFirst(t *testing.T) {
	c := explainCompiler(t, explainLexicon)
	s := mustCompile(t, c, "com.example.explain", TargetRecord, Options{})
	v := mustDecode(t, `{"$type":"com.example.explain","text":"ok","langs":[`+strings.Repeat(`"!",`, 9999)+`"!"]}`)
	r, err := s.Explain(context.Background(), v, Limits{MaxErrors: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := []Error{
		{Path: "/langs", Message: "langs has 10000 items, maximum 3", SchemaPath: "com.example.explain#main/properties/langs"},
		{Path: "/langs/0", Message: `must be a valid language tag, got "!"`, SchemaPath: "com.example.explain#main/properties/langs/items"},
	}
	if !slices.Equal(r.Errors, want) || !r.ErrorsTruncated || r.ErrorCount != 10001 || r.Valid {
		t.Errorf("got %s\nwant the two errors %v, truncated, count 10001", describeResult(r), want)
	}
}

// TestExplainCost: past the limit nothing is explained, so a value with
// 10,000 bad items costs about what one with 1,000 does, per item far less
// than explaining them, and the answer stays the same size.
func TestExplainCost(t *testing.T) {
	c := explainCompiler(t, explainLexicon)
	s := mustCompile(t, c, "com.example.explain", TargetRecord, Options{})
	value := func(n int) any {
		return mustDecode(t, `{"$type":"com.example.explain","text":"ok","langs":[`+strings.Repeat(`"!",`, n-1)+`"!"],"any":[`+strings.Repeat(`1.5,`, n-1)+`1.5]}`)
	}
	small, large := value(1000), value(10000)
	lim := Limits{MaxErrors: 100}
	allocs := func(v any) float64 {
		return testing.AllocsPerRun(3, func() {
			if _, err := s.Explain(context.Background(), v, lim); err != nil {
				t.Fatal(err)
			}
		})
	}
	// Past the limit, a bad item is counted without allocating: no v5, no
	// message, no path.
	a1, a10 := allocs(small), allocs(large)
	if perItem := (a10 - a1) / 9000 / 2; perItem > 0.05 {
		t.Errorf("got %.2f allocations per item past the limit (%v for 1,000 items of each kind, %v for 10,000), want none", perItem, a1, a10)
	}
	// Within it, each error listed costs a few (v5's error, the message, the
	// path), far fewer than explaining every error does.
	whole := testing.AllocsPerRun(1, func() { s.report(small, datamodel.Check(small)) })
	if a1 > 10*float64(lim.MaxErrors) || a1 > whole/20 {
		t.Errorf("got %v allocations for the %d errors listed, want at most 10 each, and far fewer than the %v of explaining everything", a1, lim.MaxErrors, whole)
	}
	r1, _ := s.Explain(context.Background(), small, lim)
	r10, _ := s.Explain(context.Background(), large, lim)
	b1, _ := json.Marshal(r1)
	b10, _ := json.Marshal(r10)
	if len(b10) > len(b1)+8 {
		t.Errorf("answer for 10,000 bad items: %d bytes, for 1,000: %d; want the same but for the count", len(b10), len(b1))
	}
	if r10.ErrorCount != 20002 {
		t.Errorf("got ErrorCount %d, want 20002 (the array's length, each item of both arrays)", r10.ErrorCount)
	}
}

// TestExplainContext: the explanation ends with its context.
func TestExplainContext(t *testing.T) {
	c := explainCompiler(t, explainLexicon)
	s := mustCompile(t, c, "com.example.explain", TargetRecord, Options{})
	v := mustDecode(t, `{"$type":"com.example.explain","text":"ok","langs":[`+strings.Repeat(`"!",`, 999)+`"!"]}`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Explain(ctx, v, Limits{}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	// A valid value is accepted whatever the context.
	ok := mustDecode(t, `{"$type":"com.example.explain","text":"ok","langs":["en"]}`)
	if r, err := s.Explain(ctx, ok, Limits{}); err != nil || !r.Valid {
		t.Errorf("valid value: got %+v, %v", r, err)
	}
}

// TestEntrySize: EntrySize is the size encoding/json gives an entry in a
// list.
func TestEntrySize(t *testing.T) {
	for _, s := range []string{"", "plain", `quote " and \ backslash`, "<html> & co", "tab\tnew\nline\r\b\f\x01", "é😀", "\u2028\u2029", "bad \xff utf-8"} {
		e := Error{Path: "/" + s, Message: s + " message", SchemaPath: s}
		b, _ := json.Marshal([]Error{e, e})
		if got, want := EntrySize(e.Path, e.Message, e.SchemaPath, false), (len(b)-1)/2; got != want {
			t.Errorf("%q: got %d, want %d", s, got, want)
		}
		u := Unresolved{Ref: s, Path: "/" + s, SchemaPath: s}
		b, _ = json.Marshal([]Unresolved{u, u})
		if got, want := EntrySize(u.Path, u.Ref, u.SchemaPath, true), (len(b)-1)/2; got != want {
			t.Errorf("unresolved %q: got %d, want %d", s, got, want)
		}
	}
}
