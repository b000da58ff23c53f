package cli

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// Progress appears only for runs long enough to wonder about.
const (
	progressDelay    = time.Second
	progressInterval = 250 * time.Millisecond
)

// progress keeps a one-line count of checked values on a terminal. A nil
// *progress (stderr is not a terminal) does nothing.
type progress struct {
	w               io.Writer
	noun            string
	delay, interval time.Duration
	values, invalid atomic.Int64
	stop, done      chan struct{}
}

func startProgress(w io.Writer, noun string) *progress {
	if !isTerminal(w) {
		return nil
	}
	return newProgress(w, noun, progressDelay, progressInterval)
}

func newProgress(w io.Writer, noun string, delay, interval time.Duration) *progress {
	p := &progress{w: w, noun: noun, delay: delay, interval: interval, stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop()
	return p
}

// isTerminal reports whether w is a character device: a terminal, or
// /dev/null, where the progress line costs nothing either.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func (p *progress) add(valid bool) {
	if p == nil {
		return
	}
	p.values.Add(1)
	if !valid {
		p.invalid.Add(1)
	}
}

func (p *progress) loop() {
	defer close(p.done)
	start := time.Now()
	select {
	case <-time.After(p.delay):
	case <-p.stop:
		return
	}
	tick := time.NewTicker(p.interval)
	defer tick.Stop()
	for {
		n := p.values.Load()
		rate := float64(n) / time.Since(start).Seconds()
		fmt.Fprintf(p.w, "\r\x1b[Klexval: %d %s, %d invalid (%.0f/s)", n, plural(int(n), p.noun), p.invalid.Load(), rate)
		select {
		case <-tick.C:
		case <-p.stop:
			fmt.Fprint(p.w, "\r\x1b[K") // leave the terminal as it was
			return
		}
	}
}

// finish erases the line; call it before writing anything else to stderr.
func (p *progress) finish() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.done
}
