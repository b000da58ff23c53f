package server

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadAll(t *testing.T) {
	big := strings.Repeat("x", 3*maxInitialBody+17)
	tests := []struct {
		name string
		body string
		hint int64
	}{
		{name: "empty, no hint", body: "", hint: -1},
		{name: "exact hint", body: "hello", hint: 5},
		{name: "hint too small", body: "hello, world", hint: 3},
		{name: "hint too large", body: "hello", hint: 1 << 30},
		{name: "no hint", body: "hello", hint: -1},
		{name: "larger than the first buffer", body: big, hint: -1},
		{name: "larger than the first buffer, hinted", body: big, hint: int64(len(big))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// OneByteReader makes every Read short, as a slow client would.
			got, err := readAll(iotest.OneByteReader(strings.NewReader(tt.body)), tt.hint)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, []byte(tt.body)) {
				t.Errorf("got %d bytes, want %d", len(got), len(tt.body))
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		if _, err := readAll(iotest.ErrReader(iotest.ErrTimeout), 10); err != iotest.ErrTimeout {
			t.Errorf("got %v, want %v", err, iotest.ErrTimeout)
		}
	})
}
