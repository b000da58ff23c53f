package lexdoc

import (
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/graphemes"
)

// StringLengths are the length limits of a string: UTF-8 bytes and
// graphemes (extended grapheme clusters).
type StringLengths struct {
	MinLength, MaxLength       Optional[int64]
	MinGraphemes, MaxGraphemes Optional[int64]
}

// CheckLength calls fail for each limit s breaks, in the order minLength,
// maxLength, minGraphemes, maxGraphemes, with the limit's name and what s
// measures: UTF-8 bytes, or extended grapheme clusters (UAX #29). Graphemes
// are counted only when a grapheme limit could be broken, and a string
// within its limits costs no allocation: the validator checks every string
// value with it.
func (l *StringLengths) CheckLength(s string, fail func(limit string, measured int64)) {
	n := int64(len(s))
	if l.MinLength.Set && n < l.MinLength.Value {
		fail("minLength", n)
	}
	if l.MaxLength.Set && n > l.MaxLength.Value {
		fail("maxLength", n)
	}
	// A grapheme takes at least one byte: short strings need no counting.
	needMin := l.MinGraphemes.Set && l.MinGraphemes.Value > 0
	needMax := l.MaxGraphemes.Set && n > l.MaxGraphemes.Value
	if !needMin && !needMax {
		return
	}
	// Nor does a string of few code points, each at most one grapheme.
	if !needMin && int64(utf8.RuneCountInString(s)) <= l.MaxGraphemes.Value {
		return
	}
	g := int64(graphemeCount(s))
	if needMin && g < l.MinGraphemes.Value {
		fail("minGraphemes", g)
	}
	if needMax && g > l.MaxGraphemes.Value {
		fail("maxGraphemes", g)
	}
}

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
