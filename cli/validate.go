package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// defaultMaxValue bounds one value (a JSONL line or a .json file), like the
// server's request body limit.
const defaultMaxValue = 2 << 20

var validateCommand = &command{
	name:     "validate",
	synopsis: "[flags] FILE|DIR|AT-URI...",
	summary:  "check records (.json, .jsonl, - for stdin, AT-URIs)",
	detail: `Checks values against their schema and reports every error with its JSON
Pointer. A .json file holds one value; a .jsonl (or .ndjson) file and standard
input ("-") hold one value per line, blank lines skipped; a directory stands
for the .json, .jsonl and .ndjson files under it. An AT-URI
(at://DID/COLLECTION/RKEY, with --network) names a record that is fetched
from its author's repository and proven by its signed commit (see verify);
its source in the output is the AT-URI. Without --schema each record is
checked as the record its $type names.

Formats: text (for people: what is wrong, then a summary), json (one object
per value, in input order: {"source", "valid", "errors", "unresolved"}),
github (GitHub Actions ::error annotations on the offending line).

At most --max-errors errors are listed for one value (default 100, as the
server); the rest are counted, not explained, and the value's output says
how many were counted in all (json: "errorsTruncated", "errorCount").

Exit status: 0 all valid, 1 any invalid, 2 usage, I/O, resolution, proof or
CID-pin errors.`,
	env: append([]string{"max-errors"}, resolverEnv...),
	run: runValidate,
}

func runValidate(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	var rf resolverFlags
	rf.register(fs)
	var cf checkFlags
	cf.register(fs, true)
	format := newFormatFlag()
	fs.Var(format, "format", "output `format`: text, json or github")
	maxValue := byteSize(defaultMaxValue)
	fs.Var(&maxValue, "max-value", "largest value (a line, or a .json file) in `BYTES`; a larger one is invalid")
	maxErrors := fs.Int("max-errors", service.DefaultMaxErrors, "most errors listed for one value, `N` (0: every error); past it the rest are counted")
	files, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		if !piped(s.stdin) {
			return s.usageError(cmd, fs, errors.New("no FILE given (use - for standard input)"))
		}
		files = []string{"-"} // `... | lexval validate` reads what is piped
	}
	if err := rf.check(); err != nil {
		return s.usageError(cmd, fs, err)
	}
	if *maxErrors < 0 {
		return s.usageError(cmd, fs, fmt.Errorf("--max-errors %d: want 0 (every error) or a positive number", *maxErrors))
	}
	lim := valueLimits(*maxErrors)
	req, err := cf.request()
	if err != nil {
		return s.usageError(cmd, fs, err)
	}
	in, records, err := validateInputs(files, rf.followSymlinks)
	s.printSkipped(cmd, in)
	switch {
	case errors.Is(err, service.ErrInvalidRequest):
		return s.usageError(cmd, fs, err)
	case err != nil:
		return s.fail(cmd, err)
	case records > 0 && !rf.network:
		return s.usageError(cmd, fs, errors.New("records named by AT-URI are fetched from the network: add --network"))
	}

	paceGC(os.Getenv, cgroupMemoryMax)
	svc, _, err := rf.open(cliLogger(s))
	if err != nil {
		return s.fail(cmd, err)
	}
	var check checkFunc
	if cf.schema == "" {
		check = typeCheck(svc, req.Options, lim)
	} else {
		c, err := svc.Prepare(ctx, req)
		if err != nil {
			return s.fail(cmd, err) // the service names the schema
		}
		check = func(ctx context.Context, v any, dmValid bool) (validator.Result, error) {
			return c.ExplainDecoded(ctx, v, dmValid, lim)
		}
	}

	out := bufio.NewWriterSize(s.stdout, 64<<10)
	f := newFormatter(format.value)
	prog := startProgress(s.stderr, "value")
	var t tally
	p := &pipeline{
		workers: runtime.GOMAXPROCS(0),
		limit:   int64(maxValue),
		check:   check,
		format:  f.format,
		count: func(v *verdict) {
			t.add(v.result)
			prog.add(v.result.Valid)
		},
		out: out,
		fetch: func(ctx context.Context, uri syntax.ATURI) ([]byte, error) {
			rec, err := svc.FetchRecord(ctx, uri)
			if err != nil {
				return nil, err
			}
			return rec.JSON, nil
		},
	}
	err = p.run(ctx, in.paths, s.stdin)
	prog.finish()
	if err == nil {
		_, err = out.WriteString(f.summary(&t, "value"))
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		if ctx.Err() != nil {
			err = errors.New("interrupted")
		}
		return s.fail(cmd, err)
	}
	return t.exitCode()
}

// piped reports whether standard input is piped or redirected rather than
// a terminal (or /dev/null, another character device), so that reading it
// is what a user who gives no file means. A reader that is no file (a test's)
// counts as piped.
func piped(stdin io.Reader) bool {
	f, ok := stdin.(*os.File)
	if !ok {
		return stdin != nil
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice == 0
}

// maxListedBytes bounds the errors listed for one value, as JSON
// (validator.Limits.MaxBytes), so that a value's output stays a few hundred
// kilobytes however long its paths and messages are.
const maxListedBytes = 256 << 10

// valueLimits are the limits of one value's explanation for --max-errors n
// (0: none).
func valueLimits(n int) validator.Limits {
	if n == 0 {
		return validator.Limits{}
	}
	return validator.Limits{MaxErrors: n, MaxBytes: maxListedBytes}
}

// validateInputs expands the command line's inputs in order: files and
// directories (collectInputs), and the AT-URIs of records, which stay as
// they are and are counted. An AT-URI that names no record is an error with
// service.ErrInvalidRequest.
func validateInputs(args []string, followSymlinks bool) (in inputs, records int, err error) {
	for _, arg := range args {
		if !strings.HasPrefix(arg, "at://") {
			files, err := collectInputs([]string{arg}, func(name string) bool {
				return isJSONL(name) || strings.EqualFold(filepath.Ext(name), ".json")
			}, followSymlinks)
			in.paths = append(in.paths, files.paths...)
			in.skipped = append(in.skipped, files.skipped...)
			if err != nil {
				return in, 0, err
			}
			continue
		}
		if _, err := service.ParseRecordURI(arg); err != nil {
			return in, 0, err
		}
		in.paths = append(in.paths, arg)
		records++
	}
	return in, records, nil
}

// checkFlags name the schema values are checked against and how.
type checkFlags struct {
	schema, cid, target      string
	allowUnresolved, lenient bool
}

// register defines the flags; withSchema false leaves out --schema, for
// commands that take the schema as their argument.
func (c *checkFlags) register(fs *flag.FlagSet, withSchema bool) {
	if withSchema {
		fs.StringVar(&c.schema, "schema", "", "check every value against the schema `REF` (an AT-URI, NSID or NSID#def) instead of each record's $type")
	}
	fs.StringVar(&c.cid, "cid", "", "require the schema record to have this `CID`")
	fs.StringVar(&c.target, "target", "", "check values as `TARGET` of the definition: record, params, input, output, message or object (default: the only one it has)")
	fs.BoolVar(&c.allowUnresolved, "allow-unresolved", false, "treat references the catalog cannot supply as valid, and list them")
	fs.BoolVar(&c.lenient, "lenient", false, "accept legacy blobs ({\"cid\", \"mimeType\"})")
}

// request parses the flags into a service request; without --schema only the
// options matter.
func (c *checkFlags) request() (service.Request, error) {
	req := service.Request{
		CID:     cid.Undef,
		Options: validator.Options{AllowUnresolved: c.allowUnresolved, Lenient: c.lenient},
	}
	if c.schema == "" {
		if c.cid != "" || c.target != "" {
			return req, fmt.Errorf("%w: --cid and --target need --schema", errUsage)
		}
		return req, nil
	}
	var err error
	if req.Schema, err = service.ParseSchemaRef(c.schema); err != nil {
		return req, fmt.Errorf("%w: --schema: %w", errUsage, err)
	}
	if c.cid != "" {
		if req.CID, err = datamodel.ParseCID(c.cid); err != nil {
			return req, fmt.Errorf("%w: --cid: %w", errUsage, err)
		}
	}
	if c.target != "" {
		if req.Target, err = validator.ParseTarget(c.target); err != nil {
			return req, fmt.Errorf("%w: --target: %w", errUsage, err)
		}
	}
	return req, nil
}
