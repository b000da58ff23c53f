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
		{"/10", "/9a", -1}, // an integer before other tokens
		{"/9a", "/10", 1},
		{"/1a", "/9", 1},  // so that 9 < 10 < 1a holds, and not 1a < 9 too
		{"/01", "/1", -1}, // one number written two ways: bytewise
		{"/1", "/01/x", 1},
		{"/-1", "/0", -1},
		{"/a~1b", "/a~0b", 1}, // escaped tokens, bytewise
	}
	for _, tc := range tests {
		if got := ComparePointers(tc.a, tc.b); got != tc.want {
			t.Errorf("ComparePointers(%q, %q): got %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestCompareTokensTotalOrder: over tokens that mix integers, integers
// written oddly and other text, CompareTokens is antisymmetric and
// transitive, so every sort of the same pointers gives one order.
func TestCompareTokensTotalOrder(t *testing.T) {
	tokens := []string{"", "0", "1", "01", "+1", "-1", "9", "10", "1a", "9a", "a", "A", "~0", "~1", "é", "10 ", "99999999999999999999"}
	for _, a := range tokens {
		for _, b := range tokens {
			ab, ba := CompareTokens(a, b), CompareTokens(b, a)
			if ab != -ba || (ab == 0) != (a == b) {
				t.Errorf("CompareTokens(%q, %q) = %d but CompareTokens(%q, %q) = %d", a, b, ab, b, a, ba)
			}
			for _, c := range tokens {
				if ab < 0 && CompareTokens(b, c) < 0 && CompareTokens(a, c) >= 0 {
					t.Errorf("%q < %q < %q, but not %q < %q", a, b, c, a, c)
				}
			}
		}
	}
}
