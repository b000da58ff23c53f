package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/inputfile"
	"github.com/lexval/lexval/validator"
)

// stdinName is how standard input ("-") appears in sources.
const stdinName = "stdin"

// verdict is one value (or document) and what checking it found.
type verdict struct {
	src source
	// data is the value's JSON, decoded in place (DecodeJSONString); empty
	// when it was over the size limit.
	data string
	// size is the value's length in bytes, also when over the limit.
	size   int64
	result validator.Result
}

// decode decodes the value's JSON, refusing it when over limit bytes (the
// --max-value flag); noun names it in that refusal ("value", "record",
// "document").
func (v *verdict) decode(limit int64, noun string) (any, error) {
	x, _, err := v.decodeWith(limit, noun, datamodel.DecodeJSONStringChecked)
	return x, err
}

// decodeFlat is decode for a value that goes to a checker: its objects are
// datamodel.Objects (datamodel.DecodeJSONFlat), which the validator's fast
// path reads without building maps, and dmValid says whether the value is
// known to be valid in the data model.
func (v *verdict) decodeFlat(limit int64, noun string) (x any, dmValid bool, err error) {
	return v.decodeWith(limit, noun, datamodel.DecodeJSONFlat)
}

func (v *verdict) decodeWith(limit int64, noun string, decode func(string) (any, bool, error)) (any, bool, error) {
	if v.size > limit {
		return nil, false, fmt.Errorf("%s is %d bytes, over the limit of %d bytes (--max-value)", noun, v.size, limit)
	}
	x, dmValid, err := decode(v.data)
	if err != nil {
		return nil, false, inputfile.DecodeError(v.data, err, v.src.line)
	}
	return x, dmValid, nil
}

// invalid is a result with one error at path.
func invalid(path, message string) validator.Result {
	return validator.Result{Errors: []validator.Error{{Path: path, Message: message}}}
}

// source locates a value: a file and, for JSONL, a line. Line 0 means the
// value is the whole file.
type source struct {
	file string
	line int
}

func (s source) String() string {
	if s.line == 0 {
		return s.file
	}
	return fmt.Sprintf("%s:%d", s.file, s.line)
}

// isJSONL reports whether a file holds one value per line.
func isJSONL(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return true
	}
	return false
}

// readValues hands each value of path ("-" is standard input) to emit: the
// whole file, or one value per line for .jsonl/.ndjson files and standard
// input, blank lines skipped. A value over limit comes with its size and no
// data. An error from emit stops the reading and is returned as is; so does
// ctx's end, between reads.
func readValues(ctx context.Context, path string, stdin io.Reader, limit int64, emit func(verdict) error) error {
	name := path
	if path == "-" {
		name = stdinName
	}
	if path != "-" && !isJSONL(path) {
		data, size, err := readValueFile(ctx, path, stdin, limit)
		if err != nil {
			return err
		}
		return emit(verdict{src: source{file: name}, data: data, size: size})
	}
	r := stdin
	if path != "-" {
		f, _, err := inputfile.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	lr := newLineReader(ctxReader{ctx, r}, limit)
	for line := 1; ; line++ {
		data, size, err := lr.readLine()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if size <= limit && len(strings.TrimSpace(data)) == 0 {
			continue
		}
		if err := emit(verdict{src: source{file: name, line: line}, data: data, size: size}); err != nil {
			return err
		}
	}
}

// readValueFile reads a whole file (or standard input for "-"), up to limit
// bytes. A larger file is not an I/O error: its size comes back with no data
// so the caller can turn it into an invalid value; a regular file's size is
// its length on disk, not read at all.
func readValueFile(ctx context.Context, path string, stdin io.Reader, limit int64) (data string, size int64, err error) {
	r := stdin
	if path != "-" {
		f, info, err := inputfile.Open(path)
		if err != nil {
			return "", 0, err
		}
		defer f.Close()
		if info.Size() > limit {
			return "", info.Size(), nil
		}
		r = f
	}
	r = ctxReader{ctx, r}
	var b strings.Builder
	if _, err := io.Copy(&b, io.LimitReader(r, limit+1)); err != nil {
		return "", 0, err
	}
	size = int64(b.Len())
	if size > limit {
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			return "", 0, err
		}
		return "", size + n, nil
	}
	return b.String(), size, nil
}

// lineReader reads lines of bounded length in constant memory: a line over
// the limit is measured and skipped, never buffered whole.
type lineReader struct {
	br    *bufio.Reader
	limit int64
}

func newLineReader(r io.Reader, limit int64) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), limit: limit}
}

// readLine returns the next line, without its "\n" or "\r\n", and its
// length. The line is a string built as it is read, so that it is decoded
// in place, never copied again (datamodel.DecodeJSONString). A line longer
// than the limit is not kept (size > limit tells the caller). err is io.EOF
// once no line is left.
func (lr *lineReader) readLine() (line string, size int64, err error) {
	var b strings.Builder
	newline := false
	for {
		frag, err := lr.br.ReadSlice('\n')
		size += int64(len(frag))
		if size <= lr.limit+2 { // room for "\r\n"
			b.Write(frag)
		}
		if err == nil {
			newline = true
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			if size == 0 {
				return "", 0, io.EOF
			}
			break
		}
		return "", size, err
	}
	if newline {
		size--
	}
	if size > lr.limit+1 {
		return "", size, nil
	}
	s := b.String()
	if size > 0 && s[size-1] == '\r' {
		size--
	}
	if size > lr.limit {
		return "", size, nil
	}
	return s[:size], size, nil
}
