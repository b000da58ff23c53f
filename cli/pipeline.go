package cli

import (
	"bufio"
	"context"
	"io"
	"strings"
	"sync"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/validator"
)

// A batch is the unit handed between the reader, the workers and the writer:
// big enough that channel hand-offs cost little per value, small enough that
// the reorder window stays a few megabytes.
const (
	batchValues = 128
	batchBytes  = 128 << 10
)

type batch struct {
	values []verdict
	bytes  int
	out    []byte        // the values' output, rendered by the worker
	done   chan struct{} // closed when every value is checked (or err is set)
	err    error
}

func newBatch() *batch {
	return &batch{values: make([]verdict, 0, batchValues), done: make(chan struct{})}
}

// checkFunc checks one decoded value. An error is fatal to the whole run
// (resolution failure); a bad value is a Result, not an error.
type checkFunc func(ctx context.Context, v any, dmValid bool) (validator.Result, error)

// pipeline reads values from files in order, checks and renders them on
// several workers, and writes their output in input order. Memory is bounded
// by the reorder window (a few batches per worker), whatever the input's
// length.
type pipeline struct {
	workers int
	limit   int64 // largest value in bytes
	check   checkFunc
	format  func(dst []byte, v *verdict) []byte // on the workers
	count   func(*verdict)                      // in input order, on the writer
	out     *bufio.Writer
	// fetch returns the JSON of the record an input AT-URI names; its
	// error ends the run.
	fetch func(ctx context.Context, uri syntax.ATURI) ([]byte, error)
}

// run checks every value of paths ("-" is stdin; .jsonl/.ndjson files and
// stdin hold one value per line, other files one value). It returns the first
// I/O, check or emit error; values before the error have been emitted.
func (p *pipeline) run(ctx context.Context, paths []string, stdin io.Reader) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *batch, p.workers)
	order := make(chan *batch, 2*p.workers+2)

	// The reader is not waited for once the run is cancelled: it may be
	// blocked in a read from a pipe or terminal that nothing will end, and
	// it touches nothing of the run's once the run has returned (send gives
	// up on ctx).
	readDone := make(chan error, 1)
	go func() {
		defer close(work)
		defer close(order)
		readDone <- p.read(ctx, paths, stdin, func(b *batch) bool {
			// order first: the writer waits on batches in the order sent.
			select {
			case order <- b:
			case <-ctx.Done():
				return false
			}
			select {
			case work <- b:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	var wg sync.WaitGroup
	for range p.workers {
		wg.Go(func() {
			for {
				var b *batch
				var ok bool
				select {
				case b, ok = <-work:
				case <-ctx.Done():
					return
				}
				if !ok {
					return
				}
				if err := p.process(ctx, b); err != nil {
					b.err = err
					cancel(err)
				}
				close(b.done)
			}
		})
	}

	err := p.write(ctx, order, cancel)
	if err == nil {
		err = context.Cause(ctx)
	}
	cancel(nil) // release the reader and the workers if the writer stopped early
	wg.Wait()
	if err != nil {
		return err
	}
	return <-readDone
}

// write counts the batches' verdicts and writes their output, in order.
func (p *pipeline) write(ctx context.Context, order <-chan *batch, cancel context.CancelCauseFunc) error {
	for {
		var b *batch
		var ok bool
		select {
		case b, ok = <-order:
		case <-ctx.Done(): // the reader may be blocked on a read
			return context.Cause(ctx)
		}
		if !ok {
			return nil
		}
		select {
		case <-b.done:
		default:
			// Let the output show progress while the next batch is checked.
			if err := p.out.Flush(); err != nil {
				cancel(err)
				return err
			}
			select {
			case <-b.done:
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		if b.err != nil {
			return b.err
		}
		for i := range b.values {
			p.count(&b.values[i])
		}
		if _, err := p.out.Write(b.out); err != nil {
			cancel(err)
			return err
		}
	}
}

func (p *pipeline) process(ctx context.Context, b *batch) error {
	for i := range b.values {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		v := &b.values[i]
		if err := p.checkValue(ctx, v); err != nil {
			return err
		}
		b.out = p.format(b.out, v)
		v.data = "" // rendered: the writer needs only the verdict
	}
	return nil
}

func (p *pipeline) checkValue(ctx context.Context, v *verdict) error {
	val, dmValid, err := v.decodeFlat(p.limit, "value")
	if err != nil {
		v.result = invalid("", err.Error())
		return nil
	}
	v.result, err = p.check(ctx, val, dmValid)
	return err
}

// read turns paths into batches and sends them; send reports false when the
// run is cancelled.
func (p *pipeline) read(ctx context.Context, paths []string, stdin io.Reader, send func(*batch) bool) error {
	b := newBatch()
	add := func(v verdict) error {
		b.values = append(b.values, v)
		b.bytes += len(v.data)
		if len(b.values) < batchValues && b.bytes < batchBytes {
			return nil
		}
		full := b
		b = newBatch()
		if !send(full) {
			return context.Cause(ctx)
		}
		return nil
	}
	var err error
	for _, path := range paths {
		if strings.HasPrefix(path, "at://") {
			err = p.readRecord(ctx, syntax.ATURI(path), add)
		} else {
			err = readValues(ctx, path, stdin, p.limit, add)
		}
		if err != nil {
			break
		}
	}
	if len(b.values) > 0 && ctx.Err() == nil {
		send(b) // values read before an I/O error are still reported
	}
	if err == nil {
		err = context.Cause(ctx)
	}
	return err
}

// readRecord fetches the record uri names and hands it to emit, its source
// the AT-URI; over the size limit it is an invalid value, as a file's is.
func (p *pipeline) readRecord(ctx context.Context, uri syntax.ATURI, emit func(verdict) error) error {
	data, err := p.fetch(ctx, uri)
	if err != nil {
		return err
	}
	size := int64(len(data))
	if size > p.limit {
		data = nil
	}
	return emit(verdict{src: source{file: string(uri)}, data: string(data), size: size})
}
