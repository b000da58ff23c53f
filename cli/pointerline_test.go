package cli

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestPointerLines(t *testing.T) {
	doc := `{
  "text": "hi",
  "a/b": 1,
  "m~n": 2,
  "langs": [
    "en",
    "??"
  ],
  "embed": {
    "uri": "x"
  }
}`
	tests := []struct {
		name string
		ptr  string
		want int
	}{
		{name: "root", ptr: "", want: 1},
		{name: "field", ptr: "/text", want: 2},
		{name: "escaped slash", ptr: "/a~1b", want: 3},
		{name: "escaped tilde", ptr: "/m~0n", want: 4},
		{name: "array", ptr: "/langs", want: 5},
		{name: "array item", ptr: "/langs/1", want: 7},
		{name: "nested field", ptr: "/embed/uri", want: 10},
		{name: "missing field: its object", ptr: "/embed/title", want: 9},
		{name: "missing top-level field", ptr: "/createdAt", want: 1},
		{name: "index out of range: the array", ptr: "/langs/5", want: 5},
		{name: "deeper than a scalar", ptr: "/text/0", want: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pointerLines(doc, []string{tt.ptr}); got[0] != tt.want {
				t.Errorf("pointerLines(%q): got %d, want %d", tt.ptr, got[0], tt.want)
			}
		})
	}
	t.Run("all at once", func(t *testing.T) {
		var ptrs []string
		var want []int
		for _, tt := range tests {
			ptrs = append(ptrs, tt.ptr)
			want = append(want, tt.want)
		}
		if got := pointerLines(doc, ptrs); !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

func TestPointerLinesBrokenJSON(t *testing.T) {
	doc := "\n\n{\"a\": [1, 2,"
	tests := []struct {
		name string
		ptr  string
		want int
	}{
		{name: "root after blank lines", ptr: "", want: 3},
		{name: "truncated array", ptr: "/a/7", want: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pointerLines(doc, []string{tt.ptr}); got[0] != tt.want {
				t.Errorf("pointerLines(%q): got %d, want %d", tt.ptr, got[0], tt.want)
			}
		})
	}
}

// BenchmarkPointerLinesManyErrors: a document with an error on each of its
// 10,000 array items is one pass, not 10,000.
func BenchmarkPointerLinesManyErrors(b *testing.B) {
	var doc strings.Builder
	doc.WriteString("{\"items\": [\n")
	ptrs := make([]string, 10_000)
	for i := range ptrs {
		if i > 0 {
			doc.WriteString(",\n")
		}
		fmt.Fprintf(&doc, "  {\"n\": %d}", i)
		ptrs[i] = fmt.Sprintf("/items/%d/n", i)
	}
	doc.WriteString("\n]}")
	data := doc.String()
	b.ReportAllocs()
	for b.Loop() {
		pointerLines(data, ptrs)
	}
}
