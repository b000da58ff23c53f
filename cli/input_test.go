package cli

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 200<<10) // several bufio buffers long
	tests := []struct {
		name  string
		in    string
		limit int64
		want  []string // "!N" is a skipped line of N bytes
	}{
		{name: "LF", in: "a\nbb\n", limit: 10, want: []string{"a", "bb"}},
		{name: "CRLF", in: "a\r\nbb\r\n", limit: 10, want: []string{"a", "bb"}},
		{name: "no final newline", in: "a\nbb", limit: 10, want: []string{"a", "bb"}},
		{name: "blank lines kept for the caller", in: "\n\na\n", limit: 10, want: []string{"", "", "a"}},
		{name: "exactly the limit", in: "abcd\n", limit: 4, want: []string{"abcd"}},
		{name: "exactly the limit with CRLF", in: "abcd\r\n", limit: 4, want: []string{"abcd"}},
		{name: "one over the limit", in: "abcde\nok\n", limit: 4, want: []string{"!5", "ok"}},
		{name: "over the limit with CRLF", in: "abcde\r\nok\n", limit: 4, want: []string{"!6", "ok"}},
		{name: "long line fits", in: long + "\nok", limit: int64(len(long)), want: []string{long, "ok"}},
		{name: "long line skipped", in: "a\n" + long + "\nb\n", limit: 1000, want: []string{"a", "!" + strconv.Itoa(len(long)), "b"}},
		{name: "long last line skipped", in: "a\n" + long, limit: 1000, want: []string{"a", "!" + strconv.Itoa(len(long))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lr := newLineReader(strings.NewReader(tt.in), tt.limit)
			var got []string
			for {
				line, size, err := lr.readLine()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if size > tt.limit {
					if len(line) != 0 {
						t.Errorf("line over the limit: got %d bytes back, want none", len(line))
					}
					got = append(got, "!"+strconv.Itoa(int(size)))
					continue
				}
				if int64(len(line)) != size {
					t.Errorf("got size %d for a line of %d bytes", size, len(line))
				}
				got = append(got, line)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d lines, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("line %d: got %.20q (%d bytes), want %.20q (%d bytes)", i+1, got[i], len(got[i]), tt.want[i], len(tt.want[i]))
				}
			}
		})
	}
}
