package datamodel

import "testing"

func TestEscapePointerToken(t *testing.T) {
	for in, want := range map[string]string{"a": "a", "a/b": "a~1b", "~x": "~0x", "~/": "~0~1", "": ""} {
		if got := EscapePointerToken(in); got != want {
			t.Errorf("EscapePointerToken(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestComparePointers(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"/facets/2", "/facets/10", -1},
		{"/facets/10", "/facets/2", 1},
		{"/a", "/a/b", -1},
		{"", "/a", -1},
		{"/b", "/a/z", 1},
		{"/a/x", "/a/x", 0},
		{"/10", "/9a", -1}, // not both indexes: bytewise
	}
	for _, tc := range tests {
		if got := ComparePointers(tc.a, tc.b); got != tc.want {
			t.Errorf("ComparePointers(%q, %q): got %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
