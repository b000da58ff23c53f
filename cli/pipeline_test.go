package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lexval/lexval/validator"
)

// numberCheck is a fake checkFunc: a value {"n": N} is valid unless N ends
// in 7.
func numberCheck(ctx context.Context, v any) (validator.Result, error) {
	n, _ := v.(map[string]any)["n"].(fmt.Stringer)
	if n != nil && strings.HasSuffix(n.String(), "7") {
		return invalid("/n", "ends in 7"), nil
	}
	return validator.Result{Valid: true}, nil
}

// jitteryCheck is numberCheck taking a random while, so that workers finish
// out of order.
func jitteryCheck(ctx context.Context, v any) (validator.Result, error) {
	switch rand.IntN(64) {
	case 0:
		time.Sleep(time.Duration(rand.IntN(500)) * time.Microsecond)
	case 1, 2, 3, 4:
		runtime.Gosched()
	}
	return numberCheck(ctx, v)
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
			var got []string
			p := &pipeline{workers: workers, limit: 1 << 10, check: jitteryCheck,
				emit: func(v *verdict) error {
					got = append(got, fmt.Sprintf("%s %v", v.src, v.result.Valid))
					return nil
				},
				flush: func() error { return nil }}
			if err := p.run(context.Background(), []string{"-"}, strings.NewReader(numberLines(n))); err != nil {
				t.Fatal(err)
			}
			if len(got) != n {
				t.Fatalf("got %d verdicts, want %d", len(got), n)
			}
			for i, g := range got {
				want := fmt.Sprintf("stdin:%d %v", i+1, (i+1)%10 != 7)
				if g != want {
					t.Fatalf("verdict %d: got %q, want %q", i, g, want)
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

func TestPipelineErrors(t *testing.T) {
	errFatal := errors.New("upstream down")
	errRead := errors.New("disk on fire")
	errWrite := errors.New("stdout closed")
	tests := []struct {
		name    string
		input   io.Reader
		check   checkFunc
		emitErr error // returned by emit for the 100th value
		want    error
		// wantAll: every value before the failure point is emitted, in order
		wantPrefix int
	}{
		{
			name:  "fatal check error",
			input: strings.NewReader(numberLines(3000)),
			check: func(ctx context.Context, v any) (validator.Result, error) {
				if v.(map[string]any)["n"].(fmt.Stringer).String() == "2000" {
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
			name:    "emit error",
			input:   strings.NewReader(numberLines(3000)),
			check:   numberCheck,
			emitErr: errWrite,
			want:    errWrite,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			emitted := 0
			p := &pipeline{workers: 4, limit: 1 << 10, check: tt.check,
				emit: func(v *verdict) error {
					emitted++
					if v.src.line != emitted {
						t.Fatalf("got %s as verdict %d: out of order", v.src, emitted)
					}
					if tt.emitErr != nil && emitted == 100 {
						return tt.emitErr
					}
					return nil
				},
				flush: func() error { return nil }}
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
		emit:  func(v *verdict) error { return nil },
		flush: func() error { return nil }}
	done := make(chan error)
	go func() { done <- p.run(ctx, []string{"-"}, pr) }()
	fmt.Fprint(pw, numberLines(100)) // the reader now waits for more input
	cancel()
	pw.CloseWithError(context.Canceled) // what a signal does to a blocked read
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

	base := heapInuse()
	sampler := sampleHeap(5 * time.Millisecond)
	next := 1
	p := &pipeline{workers: runtime.GOMAXPROCS(0), limit: 1 << 10, check: numberCheck,
		emit: func(v *verdict) error {
			if v.src.line != next {
				return fmt.Errorf("got %s, want line %d: out of order", v.src, next)
			}
			next++
			return nil
		},
		flush: func() error { return nil }}
	err := p.run(context.Background(), []string{"-"}, pr)
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
