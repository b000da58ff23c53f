package validator

import "github.com/clipperhouse/uax29/v2/graphemes"

// graphemeCount returns the number of extended grapheme clusters in s (UAX
// #29, Unicode 17), the unit of Lexicon minGraphemes and maxGraphemes.
//
// Pure ASCII is counted without the segmenter: between two ASCII characters
// there is always a boundary except inside "\r\n" (rule GB3), since ASCII has
// no Extend, ZWJ, SpacingMark, Prepend or Regional_Indicator characters.
func graphemeCount(s string) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80:
			return segmentedGraphemeCount(s)
		case c == '\n' && i > 0 && s[i-1] == '\r':
			n--
		}
	}
	return n
}

func segmentedGraphemeCount(s string) int {
	it := graphemes.FromString(s)
	n := 0
	for it.Next() {
		n++
	}
	return n
}
