package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// errUsage marks errors that are the user's command line: the caller prints
// the command's usage and exits 2.
var errUsage = errors.New("usage")

// unknownFlagError is a flag the command does not define; it is a usage
// error (errUsage).
type unknownFlagError struct{ name string }

func (e *unknownFlagError) Error() string { return errUsage.Error() + ": unknown flag --" + e.name }

func (e *unknownFlagError) Unwrap() error { return errUsage }

// newFlagSet returns a FlagSet that reports errors to the caller instead of
// printing or exiting: Run decides where usage goes (stdout for -h, stderr for
// mistakes).
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("lexval "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parseFlags applies the LEXVAL_* environment variables of the flags named in
// envFlags, then args, and returns the positional arguments. Flags may follow
// positional arguments (`lexval validate a.json --format json`); "--" ends
// flag parsing. A flag given on the command line wins over its variable.
//
// fs holds the flags, their defaults and usage, but args are read here rather
// than by fs.Parse, so that errors name flags as the usage does (--format,
// where the flag package says -format) and say what a boolean accepts. The
// syntax is the flag package's: -name or --name, a value as the next argument
// or after "=", a boolean's only after "=".
func parseFlags(fs *flag.FlagSet, args []string, envFlags ...string) ([]string, error) {
	for _, name := range envFlags {
		v, ok := os.LookupEnv(envName(name))
		if !ok || v == "" {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			panic("cli: env flag " + name + " is not defined") // a programming error
		}
		var err error
		if ev, ok := f.Value.(envValue); ok {
			err = ev.setEnv(v)
		} else {
			err = setFlag(fs, f, v)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s=%q: %w", errUsage, envName(name), v, err)
		}
	}
	var positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return append(positional, args[i+1:]...), nil
		}
		if len(arg) < 2 || arg[0] != '-' {
			positional = append(positional, arg) // "-" is standard input
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(arg[1:], "-"), "=")
		if name == "" || name[0] == '-' {
			return nil, fmt.Errorf("%w: bad flag syntax %q (write --name or --name=value)", errUsage, arg)
		}
		f := fs.Lookup(name)
		switch {
		case f == nil && (name == "h" || name == "help"):
			return nil, flag.ErrHelp
		case f == nil:
			return nil, &unknownFlagError{name: name}
		case !hasValue && isBoolFlag(f):
			value = "true"
		case !hasValue:
			if i+1 == len(args) {
				return nil, fmt.Errorf("%w: flag --%s needs a value", errUsage, name)
			}
			i++
			value = args[i]
		}
		if err := setFlag(fs, f, value); err != nil {
			return nil, fmt.Errorf("%w: --%s: %w", errUsage, name, err)
		}
	}
	return positional, nil
}

// setFlag sets f to value, saying what a boolean accepts where the flag
// package says "parse error".
func setFlag(fs *flag.FlagSet, f *flag.Flag, value string) error {
	if isBoolFlag(f) {
		if _, err := strconv.ParseBool(value); err != nil {
			return fmt.Errorf("%q is not a boolean: use true or false (or 1 or 0)", value)
		}
	}
	return fs.Set(f.Name, value)
}

// isBoolFlag reports whether f is a boolean, which takes no separate value.
func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// envName is the environment variable of a flag: LEXVAL_ + upper snake case.
func envName(flagName string) string {
	return "LEXVAL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// envValue is a flag.Value whose environment form differs from its flag form.
type envValue interface {
	setEnv(string) error
}

// listFlag is a repeatable string flag. Its environment variable holds a list
// separated by the OS path-list separator; any use of the flag replaces the
// environment's list rather than adding to it.
type listFlag struct {
	values  []string
	fromEnv bool
}

func (l *listFlag) String() string { return strings.Join(l.values, string(filepath.ListSeparator)) }

func (l *listFlag) Set(v string) error {
	if l.fromEnv {
		l.values, l.fromEnv = nil, false
	}
	if v == "" {
		return errors.New("empty value")
	}
	l.values = append(l.values, v)
	return nil
}

func (l *listFlag) setEnv(v string) error {
	l.values = nil
	for _, p := range filepath.SplitList(v) {
		if p != "" {
			l.values = append(l.values, p)
		}
	}
	l.fromEnv = true
	return nil
}

// byteSize is a positive size in bytes: "2097152", "2MiB", "512KiB", "1MB".
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	n, err := parseByteSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

var byteUnits = []struct {
	suffix string
	factor int64
}{
	// Longest suffixes first so "MiB" is not read as "B".
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30},
	{"b", 1},
}

func parseByteSize(s string) (int64, error) {
	num, factor := strings.TrimSpace(s), int64(1)
	lower := strings.ToLower(num)
	for _, u := range byteUnits {
		if strings.HasSuffix(lower, u.suffix) {
			num, factor = strings.TrimSpace(num[:len(num)-len(u.suffix)]), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive size in bytes (e.g. 2097152 or 2MiB)", s)
	}
	if n > (1<<62)/factor {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n * factor, nil
}

// choiceFlag is a string flag limited to a fixed set of values.
type choiceFlag struct {
	value   string
	choices []string
}

func newChoice(def string, choices ...string) *choiceFlag {
	return &choiceFlag{value: def, choices: choices}
}

func (c *choiceFlag) String() string { return c.value }

func (c *choiceFlag) Set(s string) error {
	for _, ch := range c.choices {
		if s == ch {
			c.value = s
			return nil
		}
	}
	return fmt.Errorf("%q is not one of: %s", s, strings.Join(c.choices, ", "))
}
