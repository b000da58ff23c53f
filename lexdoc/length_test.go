package lexdoc

import (
	"strings"
	"testing"
)

func TestGraphemeCount(t *testing.T) {
	tests := []struct {
		name string
		s    string
		want int
	}{
		{"empty", "", 0},
		{"ASCII", "hello", 5},
		{"CRLF is one", "a\r\nb", 3},
		{"CR CR LF", "\r\r\n", 2},
		{"LF CR is two", "\n\r", 2},
		{"CRLF at end", "ab\r\n", 3},
		{"CRLF then non-ASCII", "\r\né", 2},
		{"combining acute", "e\u0301", 1},
		{"ASCII letter then combining mark", "ae\u0301b", 3},
		{"stacked combining marks", "a\u0301\u0302\u0303\u0304", 1},
		{"precomposed", "é", 1},
		{"CJK", "世界", 2},
		{"Hangul syllable", "한", 1},
		{"Hangul jamo L V T", "\u1112\u1161\u11ab", 1},
		{"Hangul jamo word", "\u1112\u1161\u11ab\u1100\u1173\u11af", 2},
		{"emoji", "👍", 1},
		{"skin tone", "👍🏽", 1},
		{"ZWJ family", "👨\u200d👩\u200d👧\u200d👦", 1},
		{"ZWJ with skin tones", "🧑🏻\u200d🤝\u200d🧑🏿", 1},
		{"rainbow flag", "🏳️\u200d🌈", 1},
		{"flag", "🇫🇷", 1},
		{"two flags", "🇫🇷🇩🇪", 2},
		{"odd regional indicators", "🇫🇷🇩", 2},
		{"keycap", "1\ufe0f\u20e3", 1},
		{"tag sequence flag (Scotland)", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", 1},
		{"Devanagari conjunct", "क्षि", 1},
		{"mixed", "Hi 👋🏾!\r\n", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := graphemeCount(tt.s); got != tt.want {
				t.Errorf("graphemeCount(%q) = %d, want %d", tt.s, got, tt.want)
			}
		})
	}
}

// TestGraphemeCountLimits builds 300 and 301 graphemes out of clusters of
// several code points each, the edge of a typical maxGraphemes: 300.
func TestGraphemeCountLimits(t *testing.T) {
	clusters := []struct {
		name    string
		cluster string
	}{
		{"ZWJ family", "👨\u200d👩\u200d👧"},
		{"skin tone", "👋🏾"},
		{"flag", "🇯🇵"},
		{"combining marks", "o\u0308\u0301"},
		{"Hangul jamo", "\u1112\u1161\u11ab"},
		{"CRLF", "\r\n"},
	}
	for _, c := range clusters {
		for _, n := range []int{300, 301} {
			s := strings.Repeat(c.cluster, n)
			if got := graphemeCount(s); got != n {
				t.Errorf("%s x %d (%d bytes): graphemeCount = %d, want %d", c.name, n, len(s), got, n)
			}
		}
	}
	// A mix: every cluster kind in turn.
	var b strings.Builder
	for i := 0; i < 301; i++ {
		b.WriteString(clusters[i%len(clusters)].cluster)
	}
	if got := graphemeCount(b.String()); got != 301 {
		t.Errorf("mixed 301: graphemeCount = %d, want 301", got)
	}
}

// TestGraphemeCountASCIIPathAgrees checks the ASCII shortcut against the
// segmenter on every pair and triple of interesting ASCII bytes.
func TestGraphemeCountASCIIPathAgrees(t *testing.T) {
	alphabet := []byte{'a', ' ', '\r', '\n', '\t', 0, 0x7f, '~'}
	for _, x := range alphabet {
		for _, y := range alphabet {
			for _, z := range alphabet {
				s := string([]byte{x, y, z})
				if got, want := graphemeCount(s), segmentedGraphemeCount(s); got != want {
					t.Errorf("graphemeCount(%q) = %d, segmenter says %d", s, got, want)
				}
			}
		}
	}
}

func FuzzGraphemeCount(f *testing.F) {
	f.Add("a\r\nb")
	f.Add("e\u0301👍🏽")
	f.Fuzz(func(t *testing.T, s string) {
		got := graphemeCount(s)
		if want := segmentedGraphemeCount(s); got != want {
			t.Errorf("graphemeCount(%q) = %d, segmenter says %d", s, got, want)
		}
		if got > len(s) || (len(s) > 0) != (got > 0) {
			t.Errorf("graphemeCount(%q) = %d for %d bytes", s, got, len(s))
		}
	})
}

func BenchmarkGraphemeCount(b *testing.B) {
	inputs := []struct{ name, s string }{
		{"ASCII 300", strings.Repeat("abcdefghij", 30)},
		{"mixed 300", strings.Repeat("héllo wörld 👋🏾 ", 20)},
		{"emoji ZWJ 100", strings.Repeat("👨\u200d👩\u200d👧", 100)},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in.s)))
			for b.Loop() {
				graphemeCount(in.s)
			}
		})
	}
}

// TestCheckLengthFewCodePoints: a string of no more code points than
// maxGraphemes passes without segmenting; one with more is counted, so
// clusters of several code points are judged by their number.
func TestCheckLengthFewCodePoints(t *testing.T) {
	l := StringLengths{MaxGraphemes: Optional[int64]{Set: true, Value: 300}}
	for _, tc := range []struct {
		name string
		s    string
		want int64 // graphemes reported, 0 for none
	}{
		{"300 CJK (900 bytes)", strings.Repeat("日", 300), 0},
		{"301 CJK", strings.Repeat("日", 301), 301},
		{"300 two-code-point clusters", strings.Repeat("o\u0308", 300), 0},
		{"301 two-code-point clusters", strings.Repeat("o\u0308", 301), 301},
	} {
		var got int64
		l.CheckLength(tc.s, func(limit string, measured int64) {
			if limit == "maxGraphemes" {
				got = measured
			}
		})
		if got != tc.want {
			t.Errorf("%s: maxGraphemes failure with %d, want %d", tc.name, got, tc.want)
		}
	}
}
