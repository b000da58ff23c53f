package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/validator"
)

var lintCommand = &command{
	name:     "lint",
	synopsis: "[flags] FILE|DIR...",
	summary:  "check lexicon documents (for authors)",
	detail: `Checks lexicon documents against every authoring rule of the Lexicon
specification. A directory stands for the .json files under it; "-" reads one
document from standard input. References resolve against the catalog (embedded
lexicons and --lexicons directories) plus the documents being linted, so a set
of new lexicons that refer to one another lints together.

Formats as for validate; the source is the file and the path a JSON Pointer
into the document.

Exit status: 0 all clean, 1 any problem, 2 usage, I/O or resolution errors.`,
	env: resolverEnv,
	run: runLint,
}

func runLint(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	var rf resolverFlags
	rf.register(fs)
	format := newFormatFlag()
	fs.Var(format, "format", "output `format`: text, json or github")
	maxValue := byteSize(defaultMaxValue)
	fs.Var(&maxValue, "max-value", "largest document in `BYTES`; a larger one is a problem")
	follow := fs.Bool("follow-symlinks", false, "in directories, read symbolic links to files outside the directory too")
	files, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		return s.usageError(cmd, fs, errors.New("no FILE or DIR given (use - for standard input)"))
	}
	if err := rf.check(); err != nil {
		return s.usageError(cmd, fs, err)
	}
	in, err := collectInputs(files, func(name string) bool {
		return strings.EqualFold(filepath.Ext(name), ".json")
	}, *follow)
	s.printSkipped(cmd, in)
	if err != nil {
		return s.fail(cmd, err)
	}
	paths := in.paths
	svc, _, err := rf.open(cliLogger(s))
	if err != nil {
		return s.fail(cmd, err)
	}

	verdicts := make([]verdict, len(paths))
	var docs []any
	var names []string // the file of each document, for errors naming another
	var docIndex []int // verdicts[docIndex[k]] is docs[k]
	for i, path := range paths {
		v := &verdicts[i]
		v.src.file = path
		if path == "-" {
			v.src.file = stdinName
		}
		var data string
		var size int64
		err := abandonOnCancel(ctx, func() error {
			var err error
			data, size, err = readValueFile(ctx, path, s.stdin, int64(maxValue))
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				err = errors.New("interrupted")
			}
			return s.fail(cmd, err)
		}
		v.data, v.size = data, size
		doc, err := v.decode(int64(maxValue), "document")
		if err != nil {
			v.result = invalid("", err.Error())
			continue
		}
		docs = append(docs, doc)
		names = append(names, v.src.file)
		docIndex = append(docIndex, i)
	}
	// When no file parses there is nothing to lint, but every file still
	// has its verdict: the service refuses an empty set.
	if len(docs) > 0 {
		problems, err := svc.LintSet(ctx, docs, names)
		if err != nil {
			return s.fail(cmd, err)
		}
		if len(problems) != len(docs) {
			return s.fail(cmd, fmt.Errorf("internal error: %d lint results for %d documents", len(problems), len(docs)))
		}
		for k, i := range docIndex {
			verdicts[i].result = validator.Result{Valid: len(problems[k]) == 0, Errors: findingErrors(problems[k])}
		}
	}

	out := bufio.NewWriter(s.stdout)
	f := newFormatter(format.value)
	var t tally
	var buf []byte
	for i := range verdicts {
		t.add(verdicts[i].result)
		buf = f.format(buf[:0], &verdicts[i])
		out.Write(buf) // a write error sticks, and Flush reports it
	}
	out.WriteString(f.summary(&t, "document"))
	if err := out.Flush(); err != nil {
		return s.fail(cmd, err)
	}
	return t.exitCode()
}

// findingErrors reports lint findings as values' errors are reported: each a
// path, a message and the definition it belongs to.
func findingErrors(fs []lexdoc.Finding) []validator.Error {
	errs := make([]validator.Error, len(fs))
	for i, f := range fs {
		errs[i] = validator.Error{Path: f.Path, Message: f.Message, SchemaPath: f.SchemaPath}
	}
	return errs
}
