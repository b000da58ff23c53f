package reference

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDirFindsSpec(t *testing.T) {
	dir := Dir(t)
	if _, err := os.Stat(filepath.Join(dir, "atproto", "spec", "lexicon.en.mdx")); err != nil {
		t.Fatalf("got no lexicon spec under %s: %v", dir, err)
	}
}

func TestLocateHonoursOverride(t *testing.T) {
	t.Setenv("LEXVAL_SHARED", t.TempDir())
	if _, err := locate(); err == nil {
		t.Fatal("got nil error for a folder without atproto/, want an error")
	}
}
