package taptest

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestIndigoVersion: the Tap the end-to-end tests build is of the indigo
// version lexval requires.
func TestIndigoVersion(t *testing.T) {
	version := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/bluesky-social/indigo (v\S+)`)
	read := func(path string) string {
		t.Helper()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m := version.FindSubmatch(data)
		if m == nil {
			t.Fatalf("%s requires no github.com/bluesky-social/indigo", path)
		}
		return string(m[1])
	}
	lexval := read(filepath.Join("..", "..", "go.mod"))
	tap := read(filepath.Join(moduleDir(t), "go.mod"))
	if tap != lexval {
		t.Errorf("tapmod/go.mod requires indigo %s, lexval's go.mod %s: run go get github.com/bluesky-social/indigo@%s && go mod tidy in internal/taptest/tapmod", tap, lexval, lexval)
	}
}
