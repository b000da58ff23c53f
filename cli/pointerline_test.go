package cli

import "testing"

func TestPointerLine(t *testing.T) {
	doc := []byte(`{
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
}`)
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
		{name: "not a pointer", ptr: "text", want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pointerLine(doc, tt.ptr); got != tt.want {
				t.Errorf("pointerLine(%q): got %d, want %d", tt.ptr, got, tt.want)
			}
		})
	}
}

func TestPointerLineBrokenJSON(t *testing.T) {
	doc := []byte("\n\n{\"a\": [1, 2,")
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
			if got := pointerLine(doc, tt.ptr); got != tt.want {
				t.Errorf("pointerLine(%q): got %d, want %d", tt.ptr, got, tt.want)
			}
		})
	}
}
