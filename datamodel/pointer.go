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
// before those below it.
func ComparePointers(a, b string) int {
	for a != "" && b != "" {
		var ta, tb string
		ta, a = nextToken(a)
		tb, b = nextToken(b)
		if ta == tb {
			continue
		}
		na, errA := strconv.Atoi(ta)
		nb, errB := strconv.Atoi(tb)
		if errA == nil && errB == nil {
			return cmp.Compare(na, nb)
		}
		return strings.Compare(ta, tb)
	}
	return cmp.Compare(len(a), len(b))
}

// nextToken splits "/a/b" into "a" and "/b".
func nextToken(p string) (string, string) {
	p = p[1:]
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}
