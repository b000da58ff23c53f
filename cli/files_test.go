package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOversizedFileIsNotRead: a .json file over --max-value is an invalid
// value by its size on disk. The file here is a terabyte of sparse zeros:
// reading it, even to measure it, would outlast the test's timeout.
func TestOversizedFileIsNotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Truncate(path, 1<<40); err != nil {
		t.Skipf("no sparse files here: %v", err)
	}
	tests := []struct {
		args []string
		code int
		want string
	}{
		{args: []string{"validate", path}, code: exitInvalid, want: "  value is 1099511627776 bytes, over the limit of 2097152 bytes (--max-value)\n"},
		{args: []string{"lint", path}, code: exitInvalid, want: "  document is 1099511627776 bytes, over the limit of 2097152 bytes (--max-value)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.args[0], func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stdout, tt.want) {
				t.Errorf("got %d, %q (stderr %q); want %d and %q", code, stdout, stderr, tt.code, tt.want)
			}
		})
	}
}
