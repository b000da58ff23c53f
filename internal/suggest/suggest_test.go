package suggest

import (
	"slices"
	"testing"
)

func TestNearest(t *testing.T) {
	commands := []string{"serve", "validate", "lint", "cid", "schema", "verify", "healthcheck", "version", "help"}
	nsids := []string{"app.bsky.feed.post", "app.bsky.feed.like", "app.bsky.feed.repost", "app.bsky.graph.follow"}
	tests := []struct {
		name       string
		word       string
		candidates []string
		max        int
		want       []string
	}{
		{"a letter left out", "valdate", commands, 2, []string{"validate"}},
		{"a letter added", "lintt", commands, 2, []string{"lint"}},
		{"letters swapped", "veirfy", commands, 2, []string{"verify"}},
		{"nearest first", "verison", commands, 2, []string{"version"}},
		{"a flag", "shema", []string{"schema", "cid", "target", "format"}, 2, []string{"schema"}},
		{"too far", "xyz", commands, 2, nil},
		{"the word itself is no suggestion", "lint", commands, 2, nil},
		{"an NSID one edit away", "app.bsky.feed.pots", nsids, 2, []string{"app.bsky.feed.post"}},
		{"an NSID two edits away", "app.bsky.fed.pst", nsids, 2, []string{"app.bsky.feed.post"}},
		{"an NSID three edits away", "app.bsky.fd.pt", nsids, 2, nil},
		{"ties in lexical order", "cat", []string{"cut", "bat", "cab"}, 1, []string{"bat", "cab", "cut"}},
		{"at most three", "a", []string{"b", "c", "d", "e"}, 1, []string{"b", "c", "d"}},
		{"runes, not bytes", "cafe", []string{"café"}, 1, []string{"café"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Nearest(tt.word, tt.candidates, tt.max)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
