package cli

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
)

// lexiconFile is one lexicon document read from a file (or standard input).
type lexiconFile struct {
	// name is the file as given, stdinName for "-".
	name string
	// data is the file's content; empty when it was over the size limit.
	data string
	// doc is the decoded document; nil when err is set.
	doc any
	// err says why the file holds no document: not JSON, or too large.
	err error
}

// readLexiconFiles reads the lexicon documents args name: files, the .json
// files under directories, "-" for standard input (read once). Skipped
// directory entries are reported on stderr. A file that is not JSON, or is
// over maxValue, comes back with its err; reading errors and interruption
// are returned.
func (s *streams) readLexiconFiles(ctx context.Context, cmd *command, args []string, maxValue int64, follow bool) ([]lexiconFile, error) {
	in, err := collectInputs(args, func(name string) bool {
		return strings.EqualFold(filepath.Ext(name), ".json")
	}, follow)
	s.printSkipped(cmd, in)
	if err != nil {
		return nil, err
	}
	files := make([]lexiconFile, 0, len(in.paths))
	for _, path := range in.paths {
		f := lexiconFile{name: path}
		if path == "-" {
			f.name = stdinName
		}
		var size int64
		err := abandonOnCancel(ctx, func() error {
			var err error
			f.data, size, err = readValueFile(ctx, path, s.stdin, maxValue)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				err = errors.New("interrupted")
			}
			return nil, err
		}
		v := verdict{data: f.data, size: size}
		f.doc, f.err = v.decode(maxValue, "document")
		files = append(files, f)
	}
	return files, nil
}

// repeatedFlag is a flag that may be given many times, each adding a value.
type repeatedFlag []string

func (r *repeatedFlag) String() string { return strings.Join(*r, ",") }

func (r *repeatedFlag) Set(v string) error {
	if v == "" {
		return errors.New("empty value")
	}
	*r = append(*r, v)
	return nil
}
