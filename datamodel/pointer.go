package datamodel

import (
	"cmp"
	"strconv"
	"strings"
)

// Problems are located by JSON Pointer (RFC 6901), as every lexval report
// locates what it finds.

// EscapePointerToken escapes one JSON Pointer reference token: "~" becomes
// "~0" and "/" becomes "~1".
func EscapePointerToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// ComparePointers orders JSON Pointers token by token, array indexes
// numerically, so "/facets/2" comes before "/facets/10", and a pointer
// before those below it. It is a total order, so that a sorted list of
// pointers has one order whatever it was sorted from: tokens that read as
// integers (Atoi) come before others, in numeric order and, for one number
// written two ways ("1", "01"), bytewise; other tokens compare bytewise.
func ComparePointers(a, b string) int {
	for a != "" && b != "" {
		var ta, tb string
		ta, a = nextToken(a)
		tb, b = nextToken(b)
		if c := CompareTokens(ta, tb); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// CompareTokens orders two reference tokens of JSON Pointers as
// ComparePointers does.
func CompareTokens(a, b string) int {
	if a == b {
		return 0
	}
	na, errA := strconv.Atoi(a)
	nb, errB := strconv.Atoi(b)
	switch {
	case errA == nil && errB == nil:
		return cmp.Or(cmp.Compare(na, nb), strings.Compare(a, b))
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

// nextToken splits "/a/b" into "a" and "/b".
func nextToken(p string) (string, string) {
	p = p[1:]
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}
