package cli

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is written by the progress goroutine and read by the test.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestProgress(t *testing.T) {
	var buf lockedBuffer
	p := newProgress(&buf, "value", 0, time.Millisecond)
	p.add(true)
	p.add(false)
	p.add(true)
	want := "\r\x1b[Klexval: 3 values, 1 invalid ("
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(buf.String(), want); {
		if time.Now().After(deadline) {
			t.Fatalf("got %q, want a progress line containing %q", buf.String(), want)
		}
		time.Sleep(time.Millisecond)
	}
	p.finish()
	if out := buf.String(); !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("got %q, want the line erased at the end", out)
	}
}

func TestProgressOnlyOnTerminals(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if p := startProgress(f, "value"); p != nil {
		p.finish()
		t.Error("got a progress line on a regular file, want none")
	}
	var buf bytes.Buffer
	if p := startProgress(&buf, "value"); p != nil {
		p.finish()
		t.Error("got a progress line on a buffer, want none")
	}
	var nilProgress *progress
	nilProgress.add(true) // a nil progress does nothing
	nilProgress.finish()
}
