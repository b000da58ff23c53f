package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/validator"
)

// numberCheck is a fake checkFunc: a value {"n": N} is valid unless N ends
// in 7.
func numberCheck(ctx context.Context, v any, _ bool) (validator.Result, error) {
	f, _ := datamodel.Field(v, "n")
	n, _ := f.(fmt.Stringer)
	if n != nil && strings.HasSuffix(n.String(), "7") {
		return invalid("/n", "ends in 7"), nil
	}
	return validator.Result{Valid: true}, nil
}

// jitteryCheck is numberCheck taking a random while, so that workers finish
// out of order.
func jitteryCheck(ctx context.Context, v any, _ bool) (validator.Result, error) {
	switch rand.IntN(64) {
	case 0:
		time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
	case 1, 2, 3, 4:
		runtime.Gosched()
	}
	return numberCheck(ctx, v, false)
}

func numberLines(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "{\"n\": %d}\n", i)
	}
	return b.String()
}

func TestPipelineKeepsInputOrder(t *testing.T) {
	const n = 5000
	for _, workers := range []int{1, 3, 8} {
		t.Run(fmt.Sprintf("%d workers", workers), func(t *testing.T) {
			var counted []string
			var out strings.Builder
			p := &pipeline{workers: workers, limit: 1 << 10, check: jitteryCheck,
				format: func(dst []byte, v *verdict) []byte {
					return fmt.Appendf(dst, "%s %v\n", v.src, v.result.Valid)
				},
				count: func(v *verdict) { counted = append(counted, fmt.Sprintf("%s %v", v.src, v.result.Valid)) },
				out:   bufio.NewWriter(&out)}
			if err := p.run(context.Background(), []string{"-"}, strings.NewReader(numberLines(n))); err != nil {
				t.Fatal(err)
			}
			p.out.Flush()
			written := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			if len(counted) != n || len(written) != n {
				t.Fatalf("got %d verdicts counted and %d written, want %d", len(counted), len(written), n)
			}
			for i := range n {
				want := fmt.Sprintf("stdin:%d %v", i+1, (i+1)%10 != 7)
				if counted[i] != want || written[i] != want {
					t.Fatalf("verdict %d: got %q counted and %q written, want %q", i, counted[i], written[i], want)
				}
			}
		})
	}
}

// failingReader yields data, then fails.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

// failingWriter fails after n bytes.
type failingWriter struct {
	n   int
	err error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

func TestPipelineErrors(t *testing.T) {
	errFatal := errors.New("upstream down")
	errRead := errors.New("disk on fire")
	errWrite := errors.New("stdout closed")
	tests := []struct {
		name     string
		input    io.Reader
		check    checkFunc
		writeErr error // the output fails after 1,000 bytes
		want     error
		// wantPrefix: at least this many values, in order, before the error
		wantPrefix int
	}{
		{
			name:  "fatal check error",
			input: strings.NewReader(numberLines(3000)),
			check: func(ctx context.Context, v any, _ bool) (validator.Result, error) {
				if n, _ := datamodel.Field(v, "n"); n.(fmt.Stringer).String() == "2000" {
					return validator.Result{}, errFatal
				}
				return validator.Result{Valid: true}, nil
			},
			want: errFatal,
		},
		{
			name:       "read error after some values",
			input:      &failingReader{r: strings.NewReader(numberLines(1000)), err: errRead},
			check:      numberCheck,
			want:       errRead,
			wantPrefix: 1000,
		},
		{
			name:     "write error",
			input:    strings.NewReader(numberLines(3000)),
			check:    numberCheck,
			writeErr: errWrite,
			want:     errWrite,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emitted := 0
			var out io.Writer = io.Discard
			if tt.writeErr != nil {
				out = &failingWriter{n: 1000, err: tt.writeErr}
			}
			p := &pipeline{workers: 4, limit: 1 << 10, check: tt.check,
				format: func(dst []byte, v *verdict) []byte { return fmt.Appendf(dst, "%s\n", v.src) },
				count: func(v *verdict) {
					emitted++
					if v.src.line != emitted {
						t.Errorf("got %s as verdict %d: out of order", v.src, emitted)
					}
				},
				out: bufio.NewWriterSize(out, 16)}
			done := make(chan error)
			go func() { done <- p.run(context.Background(), []string{"-"}, tt.input) }()
			select {
			case err := <-done:
				if !errors.Is(err, tt.want) {
					t.Fatalf("got err %v, want %v", err, tt.want)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("pipeline did not return: deadlock")
			}
			if emitted < tt.wantPrefix {
				t.Errorf("got %d verdicts before the error, want %d", emitted, tt.wantPrefix)
			}
		})
	}
}

func TestPipelineCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	p := &pipeline{workers: 2, limit: 1 << 10, check: numberCheck,
		format: func(dst []byte, v *verdict) []byte { return dst },
		count:  func(v *verdict) {},
		out:    bufio.NewWriter(io.Discard)}
	done := make(chan error)
	go func() { done <- p.run(ctx, []string{"-"}, pr) }()
	fmt.Fprint(pw, numberLines(100)) // the reader now waits for more input
	cancel()                         // as SIGINT does: the blocked read is left behind
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got err %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("pipeline did not return after cancel")
	}
}

// heapSampler records the peak HeapInuse while a test streams.
type heapSampler struct {
	stop chan struct{}
	wg   sync.WaitGroup
	peak uint64
}

func sampleHeap(every time.Duration) *heapSampler {
	h := &heapSampler{stop: make(chan struct{})}
	h.wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			h.peak = max(h.peak, m.HeapInuse)
			select {
			case <-h.stop:
				return
			case <-time.After(every):
			}
		}
	})
	return h
}

func (h *heapSampler) done() uint64 {
	close(h.stop)
	h.wg.Wait()
	return h.peak
}

func heapInuse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// writeLines feeds lines generated by line(i) into w, then closes it.
func writeLines(w *io.PipeWriter, n int, line func(i int) string) {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(line(i))
		b.WriteByte('\n')
		if b.Len() > 64<<10 || i == n {
			if _, err := io.WriteString(w, b.String()); err != nil {
				w.CloseWithError(err)
				return
			}
			b.Reset()
		}
	}
	w.Close()
}

func TestPipelineStreamsInBoundedMemory(t *testing.T) {
	n := 50_000
	if raceEnabled {
		n = 20_000
	}
	padding := strings.Repeat("x", 500)
	pr, pw := io.Pipe()
	go writeLines(pw, n, func(i int) string { return fmt.Sprintf(`{"n": %d, "pad": %q}`, i, padding) })
	// ~25 MB of input (10 MB under -race), and as much again decoded: kept
	// in memory it would exceed the bound below.

	// Measure what the pipeline keeps rather than how far garbage runs
	// ahead of the collector: at the default GOGC the heap in use may double
	// between collections, and on a busy machine (CI running packages in
	// parallel) it overshot the bound with nothing retained.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	base := heapInuse()
	sampler := sampleHeap(5 * time.Millisecond)
	next := 1
	var outOfOrder error
	p := &pipeline{workers: runtime.GOMAXPROCS(0), limit: 1 << 10, check: numberCheck,
		format: func(dst []byte, v *verdict) []byte { return fmt.Appendf(dst, "%s\n", v.src) },
		count: func(v *verdict) {
			if v.src.line != next && outOfOrder == nil {
				outOfOrder = fmt.Errorf("got %s, want line %d: out of order", v.src, next)
			}
			next++
		},
		out: bufio.NewWriter(io.Discard)}
	err := p.run(context.Background(), []string{"-"}, pr)
	if err == nil {
		err = outOfOrder
	}
	peak := sampler.done()
	if err != nil {
		t.Fatal(err)
	}
	if next-1 != n {
		t.Fatalf("got %d verdicts, want %d", next-1, n)
	}
	const bound = 12 << 20
	growth := int64(peak) - int64(base)
	t.Logf("heap in use: %d KiB before, %d KiB peak while streaming %d lines", base>>10, peak>>10, n)
	if growth > bound {
		t.Errorf("heap grew by %d MiB while streaming, want at most %d MiB", growth>>20, bound>>20)
	}
}
