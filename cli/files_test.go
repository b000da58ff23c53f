package cli

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lexval/lexval/datamodel"
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
		{args: []string{"lint", path}, code: exitInvalid, want: "  document is 1099511627776 bytes, over the limit of 2097152 bytes (--max-value) [invalid-json]\n"},
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

// TestDecodeErrorQuotesNothing: what a decoding error says of a file that
// is not JSON names places and kinds, never the file's bytes.
func TestDecodeErrorQuotesNothing(t *testing.T) {
	tests := []struct {
		name, data, want, secret string
	}{
		{name: "unexpected character", data: "root:x:0:0", secret: "'r'", want: "invalid JSON at line 1, column 1: JSON syntax does not allow a letter there (byte offset 0)"},
		{name: "control character", data: "\x07bell", secret: "bell", want: "invalid JSON at line 1, column 1: JSON syntax does not allow a control character there (byte offset 0)"},
		{name: "invalid escape", data: `"pass\qword"`, secret: `\q`, want: "invalid JSON at line 1, column 6: JSON syntax does not allow punctuation there (byte offset 5)"},
		{name: "duplicate key", data: `{"hunter2":1,"hunter2":2}`, secret: "hunter2", want: "invalid JSON at line 1, column 14: a key appears twice in one object"},
		{name: "the end, said as is", data: `{"a":`, want: "invalid JSON at line 1, column 6: unexpected end of input"},
		{name: "data after the value, said as is", data: `{} x`, want: "invalid JSON at line 1, column 4: data after the JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verdict{data: tt.data, size: int64(len(tt.data))}
			_, err := v.decode(1<<20, "value")
			if err == nil {
				t.Fatal("decoded, want an error")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
				t.Errorf("%q quotes the input", err)
			}
			if !errors.Is(err, datamodel.ErrInvalidJSON) {
				t.Errorf("%v does not wrap datamodel.ErrInvalidJSON", err)
			}
		})
	}
}
