package inputfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lexval/lexval/datamodel"
)

// ErrTooLarge: a file is over the size ReadFile allows.
var ErrTooLarge = errors.New("file too large")

// Skipped is a directory entry Walk left out, and why.
type Skipped struct {
	Path string
	Why  string
}

func (s Skipped) String() string { return s.Path + ": " + s.Why }

// WalkOptions say which entries of a directory Walk lists.
type WalkOptions struct {
	// Match selects files by name (nil: every file).
	Match func(name string) bool
	// FollowSymlinks follows links to regular files outside the tree.
	FollowSymlinks bool
	// FollowHint, when set, says after the skipped link out of the tree how
	// to have it read ("--follow-symlinks reads it").
	FollowHint string
	// SkipHidden leaves out files and directories whose names start with
	// a dot, silently.
	SkipHidden bool
}

// Walk lists the regular files under root that opts select, in lexical
// order (filepath.WalkDir's). An entry that is not a regular file (a named
// pipe, a socket, a device, a link to one of these, to a directory or to
// nothing, or a link out of root's tree) is skipped and listed. Links to
// directories are not walked; root itself may be a link.
func Walk(root string, opts WalkOptions) (paths []string, skipped []Skipped, err error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, nil, err
	}
	start := root
	if li, err := os.Lstat(root); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a link, even as its root; with a trailing
		// separator the root is the directory it leads to.
		start = root + string(filepath.Separator)
	}
	err = filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if opts.SkipHidden && path != start && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || opts.Match != nil && !opts.Match(d.Name()) {
			return nil
		}
		if why := refuseEntry(path, d, realRoot, root, opts); why != "" {
			skipped = append(skipped, Skipped{Path: path, Why: why})
			return nil
		}
		paths = append(paths, path)
		return nil
	})
	return paths, skipped, err
}

// refuseEntry says why a directory entry is not read, "" when it is.
func refuseEntry(path string, d fs.DirEntry, realRoot, root string, opts WalkOptions) string {
	t := d.Type()
	switch {
	case t.IsRegular():
		return ""
	case t&fs.ModeSymlink == 0:
		return Kind(t) + ", not a regular file"
	}
	target, err := os.Stat(path)
	if err != nil {
		return "a symbolic link that leads nowhere"
	}
	if !target.Mode().IsRegular() {
		return "a symbolic link to " + Kind(target.Mode())
	}
	if opts.FollowSymlinks {
		return ""
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil || !within(realRoot, real) {
		why := "a symbolic link to a file outside " + root
		if opts.FollowHint != "" {
			why += " (" + opts.FollowHint + ")"
		}
		return why
	}
	return ""
}

// within reports whether path is dir or under it (both without symlinks).
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Kind names what a file that is not a regular one is ("a named pipe").
func Kind(m fs.FileMode) string {
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

// Open opens a file to read, refusing anything but a regular file (the file
// may have changed since a walk looked) without waiting on a named pipe.
func Open(path string) (*os.File, fs.FileInfo, error) {
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
		return nil, nil, fmt.Errorf("%s is %s, not a regular file", path, Kind(info.Mode()))
	}
	return f, info, nil
}

// ReadFile reads a regular file (Open) of at most limit bytes; a larger one
// is an error wrapping ErrTooLarge, read no further than the limit.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, info, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info.Size() > limit {
		return nil, fmt.Errorf("%s: %w: %d bytes, more than the %d allowed", path, ErrTooLarge, info.Size(), limit)
	}
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, fmt.Errorf("%s: %w: more than the %d bytes allowed", path, ErrTooLarge, limit)
	}
	return buf.Bytes(), nil
}

// DecodeError words a failure of datamodel.DecodeJSON on data without
// quoting data: a file that is not JSON may be anything (a key, a password
// file that a link led to), and the message may reach a CI log or a client.
// The kinds of failure whose wording quotes the input (a syntax error names
// the character, a duplicate key its name) are said in other words: where,
// and what kind of byte is there. Other errors are returned as they are.
//
// fileLine is the line of the file that data is (a JSONL value), so that
// the fault is located in the file, not in the line; 0 for a whole file,
// whose byte offset is given too.
func DecodeError[T string | []byte](data T, err error, fileLine int) error {
	var je *datamodel.JSONError
	if !errors.As(err, &je) {
		return err
	}
	line, offset := je.Line, fmt.Sprintf(" (byte offset %d)", je.Offset)
	if fileLine > 0 {
		line, offset = fileLine+je.Line-1, ""
	}
	switch {
	case errors.Is(err, datamodel.ErrSyntax) && je.Offset < len(data): // at the end, nothing is quoted
		return fmt.Errorf("%w at line %d, column %d: JSON syntax does not allow %s there%s", datamodel.ErrInvalidJSON, line, je.Column, byteKind(data[je.Offset]), offset)
	case errors.Is(err, datamodel.ErrDuplicateKey):
		return fmt.Errorf("%w at line %d, column %d: a key appears twice in one object", datamodel.ErrInvalidJSON, line, je.Column)
	}
	if fileLine == 0 {
		return err // the other kinds' words quote nothing
	}
	return fmt.Errorf("%w at line %d, column %d: %s", datamodel.ErrInvalidJSON, line, je.Column, je.Reason)
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
