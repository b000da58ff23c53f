// Package suggest finds what a user probably meant by a word that names
// nothing: a command, a flag, an NSID one or two edits from a known one. Every
// front end words its "did you mean" with it, so that they agree.
//
// It knows nothing of what the words are; callers pass the candidates.
package suggest

import (
	"cmp"
	"slices"
)

// Nearest returns the candidates at most maxEdits edits from word (an edit
// inserts, deletes or replaces a character, or swaps two adjacent ones),
// nearest first, then in lexical order; at most three, and never word
// itself.
func Nearest(word string, candidates []string, maxEdits int) []string {
	type hit struct {
		s string
		d int
	}
	var hits []hit
	w := []rune(word)
	for _, c := range candidates {
		if c == word {
			continue
		}
		r := []rune(c)
		if abs(len(r)-len(w)) > maxEdits {
			continue
		}
		if d := distance(w, r, maxEdits); d <= maxEdits {
			hits = append(hits, hit{c, d})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(a.d-b.d, cmp.Compare(a.s, b.s)) })
	hits = slices.CompactFunc(hits, func(a, b hit) bool { return a.s == b.s })
	out := make([]string, 0, min(len(hits), 3))
	for _, h := range hits[:min(len(hits), 3)] {
		out = append(out, h.s)
	}
	return out
}

// distance is the optimal string alignment distance between a and b, or
// any number above max once every alignment exceeds it.
func distance(a, b []rune, max int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			cur[j] = d
			best = min(best, d)
		}
		if best > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
