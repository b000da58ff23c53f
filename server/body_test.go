package server

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadExactly(t *testing.T) {
	big := strings.Repeat("x", 3*maxInitialBody+17)
	tests := []struct {
		name    string
		body    string
		n       int64
		wantErr string
	}{
		{name: "empty", body: "", n: 0},
		{name: "small", body: "hello", n: 5},
		{name: "larger than the first buffer", body: big, n: int64(len(big))},
		{name: "ends early", body: "hello", n: 8, wantErr: "ended after 5 of the 8 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// OneByteReader makes every Read short, as a slow client would.
			got, err := readExactly(iotest.OneByteReader(strings.NewReader(tt.body)), tt.n)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, []byte(tt.body)) {
				t.Errorf("got %d bytes, want %d", len(got), len(tt.body))
			}
			if int64(cap(got)) != tt.n {
				t.Errorf("got a buffer of %d bytes, want exactly the %d announced", cap(got), tt.n)
			}
		})
	}
	t.Run("read error", func(t *testing.T) {
		if _, err := readExactly(iotest.ErrReader(iotest.ErrTimeout), 10); err != iotest.ErrTimeout {
			t.Errorf("got %v, want %v", err, iotest.ErrTimeout)
		}
	})
}

// TestReadExactlyTrustsNoLength: a client that announces a large body and
// sends little gets memory for what it sent, not for what it announced.
func TestReadExactlyTrustsNoLength(t *testing.T) {
	const announced, sent = 2 << 20, 100
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readExactly(strings.NewReader(strings.Repeat("x", sent)), announced)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("got no error for a body that ended early")
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 2*maxInitialBody {
		t.Errorf("allocated %d bytes for a body that sent %d, want at most %d", got, sent, 2*maxInitialBody)
	}
}

// BenchmarkReadExactly: reading a typical body is one allocation.
func BenchmarkReadExactly(b *testing.B) {
	body := strings.Repeat("x", 700)
	b.ReportAllocs()
	r := strings.NewReader(body)
	for b.Loop() {
		r.Reset(body)
		if _, err := readExactly(r, int64(len(body))); err != nil {
			b.Fatal(err)
		}
	}
}
