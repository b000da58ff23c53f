// Package reference locates the project's reference material (spec pages,
// interop fixtures, the lexicon corpus) for tests. It lives in ../shared
// beside the checkout and is never copied into the project.
//
// A fresh clone has no ../shared: tests that need it skip with a message. When
// the environment variable CI is set they fail instead, so CI cannot go green
// by skipping.
package reference

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the absolute path of the shared folder, or skips (fails under
// CI) when it is absent. LEXVAL_SHARED overrides the location.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := locate()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("reference material not found (CI is set, so this is a failure): %v", err)
		}
		tb.Skipf("reference material not found, skipping: %v (put it at ../shared beside the checkout or set LEXVAL_SHARED)", err)
	}
	return dir
}

// Path returns Dir joined with elem, failing the test if it does not exist.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Dir(tb)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("reference material incomplete: %v", err)
	}
	return p
}

func locate() (string, error) {
	if dir := os.Getenv("LEXVAL_SHARED"); dir != "" {
		return checkDir(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	// Walk up to the module root (the directory holding go.mod).
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return checkDir(filepath.Join(dir, "..", "shared"))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

func checkDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(abs, "atproto")); err != nil {
		return "", err
	}
	return abs, nil
}
