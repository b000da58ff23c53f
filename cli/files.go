package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/lexval/lexval/internal/inputfile"
)

// inputs are the files a command reads, from its FILE|DIR arguments.
type inputs struct {
	paths []string
	// skipped says, for each entry of a directory left out, which and why,
	// for stderr.
	skipped []inputfile.Skipped
}

// collectInputs expands the command line's FILE|DIR arguments: "-" stays
// (standard input), a directory becomes the regular files under it whose
// names match (lexically ordered, as filepath.WalkDir walks), a file stays.
// Every file is checked before any work starts, so a typo fails fast with
// exit 2.
//
// Only regular files are read (package inputfile): entries of a directory
// that are not are skipped and listed; one named on the command line is an
// error. A link named on the command line is the user's choice, and
// followed.
func collectInputs(args []string, match func(name string) bool, followSymlinks bool) (inputs, error) {
	var in inputs
	for _, arg := range args {
		if arg == "-" {
			in.paths = append(in.paths, arg)
			continue
		}
		info, err := os.Stat(arg)
		if err != nil {
			return in, err
		}
		switch {
		case info.IsDir():
			paths, skipped, err := inputfile.Walk(arg, inputfile.WalkOptions{Match: match, FollowSymlinks: followSymlinks, FollowHint: "--follow-symlinks reads it"})
			if err != nil {
				return in, err
			}
			if len(paths) == 0 {
				return in, fmt.Errorf("%s: no matching files in the directory", arg)
			}
			in.paths = append(in.paths, paths...)
			in.skipped = append(in.skipped, skipped...)
		case info.Mode().IsRegular():
			in.paths = append(in.paths, arg)
		default:
			return in, notRegular(arg, info.Mode())
		}
	}
	return in, nil
}

// notRegular is the error for a file named on the command line that is not
// a regular one.
func notRegular(path string, m fs.FileMode) error {
	return fmt.Errorf("%s is %s, not a regular file (to read a stream, pipe it to standard input: -)", path, inputfile.Kind(m))
}

// printSkipped tells stderr which directory entries were not read.
func (s *streams) printSkipped(cmd *command, in inputs) {
	for _, skipped := range in.skipped {
		fmt.Fprintf(s.stderr, "lexval %s: skipped %s\n", cmd.name, safeText(skipped.String()))
	}
}

// ctxReader stops reading once ctx ends: a stream that never ends, or never
// pauses, cannot keep a cancelled command running.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if c.ctx.Err() != nil {
		return 0, context.Cause(c.ctx)
	}
	return c.r.Read(p)
}

// abandonOnCancel runs read on a goroutine of its own and returns its error,
// or ctx's cause as soon as ctx ends: a read blocked on a pipe or a terminal
// that nothing writes to cannot be interrupted, so it is left behind for the
// process's exit to end. read must not touch anything the caller uses after
// an early return.
func abandonOnCancel(ctx context.Context, read func() error) error {
	done := make(chan error, 1)
	go func() { done <- read() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// streamValues is readValues on a goroutine of its own, handing each value to
// emit here, so that a read blocked on a pipe or terminal does not keep the
// command from ending with ctx (see abandonOnCancel).
func streamValues(ctx context.Context, path string, stdin io.Reader, limit int64, emit func(verdict) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil) // stops the reader when emit fails
	values := make(chan verdict)
	done := make(chan error, 1)
	go func() {
		done <- readValues(ctx, path, stdin, limit, func(v verdict) error {
			select {
			case values <- v:
				return nil
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		})
	}()
	for {
		select {
		case v := <-values:
			if err := emit(v); err != nil {
				return err
			}
		case err := <-done: // values is unbuffered: every value sent was received
			return err
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}
