package cli

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// safeText makes s safe to print in text output, as part of one line:
// control characters (C0, DEL, C1), line and paragraph separators,
// bidirectional controls and invalid UTF-8 are written as Go escapes (\n,
// \x1b, \u202e, \xff). So a file name, a JSON Pointer or a value quoted in a
// message cannot start a line of its own (a GitHub Actions workflow command,
// say), send terminal escape sequences, or reorder what a reader sees.
// Backslashes stay as they are, so Windows paths stay readable.
func safeText(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, size) {
			q := strconv.Quote(s[i : i+size])
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func unsafeRune(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true // not UTF-8
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true // C0, DEL, C1
	case r == 0x2028, r == 0x2029:
		return true // line and paragraph separators
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true // bidirectional controls
	}
	return false
}
