//go:build unix

package inputfile

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestOpenRefusesPipes: a file replaced by a named pipe after the
// inputs were collected is refused when opened, without waiting for a
// writer.
func TestOpenRefusesPipes(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "x.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	f, _, err := Open(fifo)
	if err == nil {
		f.Close()
		t.Fatal("opened a named pipe, want an error")
	}
	if !strings.Contains(err.Error(), "is a named pipe, not a regular file") {
		t.Errorf("got %v, want it to say it is a named pipe", err)
	}
}
