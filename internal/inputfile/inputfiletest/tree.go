//go:build unix

// Package inputfiletest builds, for tests, directories holding the kinds of
// entry package inputfile must not read. Only tests import it.
package inputfiletest

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// SpecialTree makes a directory whose .json entries are good.json (holding
// good), inside.json (a link to sub/real.txt, holding inside) and the
// kinds of entry that must not be read: a named pipe (fifo.json), a link to
// /dev/zero (zero.json), a link to a file outside the tree holding secret
// (outside.json), a link to a directory (dir.json) and a link that leads
// nowhere (broken.json).
func SpecialTree(tb testing.TB, good, inside []byte, secret string) string {
	tb.Helper()
	dir := tb.TempDir()
	outside := filepath.Join(tb.TempDir(), "shadow")
	for _, step := range []func() error{
		func() error { return os.WriteFile(filepath.Join(dir, "good.json"), good, 0o644) },
		func() error { return os.Mkdir(filepath.Join(dir, "sub"), 0o755) },
		func() error { return os.WriteFile(filepath.Join(dir, "sub", "real.txt"), inside, 0o644) },
		func() error { return os.Symlink(filepath.Join("sub", "real.txt"), filepath.Join(dir, "inside.json")) },
		func() error { return syscall.Mkfifo(filepath.Join(dir, "fifo.json"), 0o644) },
		func() error { return os.Symlink("/dev/zero", filepath.Join(dir, "zero.json")) },
		func() error { return os.WriteFile(outside, []byte(secret), 0o600) },
		func() error { return os.Symlink(outside, filepath.Join(dir, "outside.json")) },
		func() error { return os.Symlink("sub", filepath.Join(dir, "dir.json")) },
		func() error { return os.Symlink("nowhere", filepath.Join(dir, "broken.json")) },
	} {
		if err := step(); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}
