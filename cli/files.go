package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lexval/lexval/datamodel"
)

// inputs are the files a command reads, from its FILE|DIR arguments.
type inputs struct {
	paths []string
	// skipped says, for each entry of a directory left out, which and why,
	// for stderr.
	skipped []string
}

// collectInputs expands the command line's FILE|DIR arguments: "-" stays
// (standard input), a directory becomes the regular files under it whose
// names match (lexically ordered, as filepath.WalkDir walks), a file stays.
// Every file is checked before any work starts, so a typo fails fast with
// exit 2.
//
// Only regular files are read: reading a named pipe or a device (a symlink to
// /dev/zero named x.json, say) would never end. Such entries of a directory
// are skipped and listed; one named on the command line is an error. A
// symbolic link in a directory is followed when it leads to a regular file
// inside the directory's tree, or anywhere with followSymlinks; links to
// directories are not walked. A link named on the command line is the
// user's choice, and followed.
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
			n := len(in.paths)
			if err := in.walk(arg, match, followSymlinks); err != nil {
				return in, err
			}
			if len(in.paths) == n {
				return in, fmt.Errorf("%s: no matching files in the directory", arg)
			}
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
	return fmt.Errorf("%s is %s, not a regular file (to read a stream, pipe it to standard input: -)", path, fileKind(m))
}

// walk adds the matching regular files under root.
func (in *inputs) walk(root string, match func(string) bool, followSymlinks bool) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	start := root
	if li, err := os.Lstat(root); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a link, even as its root; with a trailing
		// separator the root is the directory it leads to.
		start = root + string(filepath.Separator)
	}
	return filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !match(d.Name()) {
			return nil
		}
		if why := refuseEntry(path, d, realRoot, root, followSymlinks); why != "" {
			in.skipped = append(in.skipped, path+": "+why)
			return nil
		}
		in.paths = append(in.paths, path)
		return nil
	})
}

// refuseEntry says why a directory entry is not read, "" when it is.
func refuseEntry(path string, d fs.DirEntry, realRoot, root string, followSymlinks bool) string {
	t := d.Type()
	switch {
	case t.IsRegular():
		return ""
	case t&fs.ModeSymlink == 0:
		return fileKind(t) + ", not a regular file"
	}
	target, err := os.Stat(path)
	if err != nil {
		return "a symbolic link that leads nowhere"
	}
	if !target.Mode().IsRegular() {
		return "a symbolic link to " + fileKind(target.Mode())
	}
	if followSymlinks {
		return ""
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil || !within(realRoot, real) {
		return "a symbolic link to a file outside " + root + " (--follow-symlinks reads it)"
	}
	return ""
}

// within reports whether path is dir or under it (both without symlinks).
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// fileKind names what a file that is not a regular one is.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "a special file"
}

// printSkipped tells stderr which directory entries were not read.
func (s *streams) printSkipped(cmd *command, in inputs) {
	for _, why := range in.skipped {
		fmt.Fprintf(s.stderr, "lexval %s: skipped %s\n", cmd.name, safeText(why))
	}
}

// openInput opens a file to read, refusing anything but a regular file: the
// file may have changed since collectInputs looked.
func openInput(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, fmt.Errorf("%s is %s, not a regular file", path, fileKind(info.Mode()))
	}
	return f, info, nil
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

// decodeError words a decoding failure without quoting the input: a file
// that is not JSON may be anything (a key, a password file that a link led
// to), and the output may be a CI log. The kinds of failure whose wording
// quotes the input (a syntax error names the character, a duplicate key its
// name) are said in other words: where, and what kind of byte is there.
func decodeError(data string, err error) error {
	var je *datamodel.JSONError
	if !errors.As(err, &je) {
		return err
	}
	switch {
	case errors.Is(err, datamodel.ErrSyntax) && je.Offset < len(data): // at the end, nothing is quoted
		return fmt.Errorf("%w at line %d, column %d: JSON syntax does not allow %s there (byte offset %d)", datamodel.ErrInvalidJSON, je.Line, je.Column, byteKind(data[je.Offset]), je.Offset)
	case errors.Is(err, datamodel.ErrDuplicateKey):
		return fmt.Errorf("%w at line %d, column %d: a key appears twice in one object", datamodel.ErrInvalidJSON, je.Line, je.Column)
	}
	return err // the other kinds' words quote nothing
}

// byteKind is what a byte is, in a word or two, not which.
func byteKind(c byte) string {
	switch {
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return "a letter"
	case c >= '0' && c <= '9':
		return "a digit"
	case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		return "white space"
	case c < 0x20 || c == 0x7f:
		return "a control character"
	case c >= 0x80:
		return "a byte outside ASCII"
	}
	return "punctuation"
}
