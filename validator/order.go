package validator

import (
	"slices"
	"strings"

	"github.com/lexval/lexval/datamodel"
)

// nextToken splits "/a/b" into "a" and "/b".
func nextToken(p string) (string, string) {
	p = p[1:]
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[:i], p[i:]
	}
	return p, ""
}

// sortErrors sorts by path, then message, then schema path, and drops exact
// duplicates in place.
func sortErrors(errs []Error) []Error {
	slices.SortFunc(errs, func(a, b Error) int {
		if c := datamodel.ComparePointers(a.Path, b.Path); c != 0 {
			return c
		}
		if c := strings.Compare(a.Message, b.Message); c != 0 {
			return c
		}
		return strings.Compare(a.SchemaPath, b.SchemaPath)
	})
	return slices.Compact(errs)
}
