package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/lexval/lexval/internal/suggest"
	"github.com/lexval/lexval/server"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1 // something checked is invalid
	exitError   = 2 // usage, I/O, resolution, proof or CID-pin errors
)

// streams are the process's standard streams.
type streams struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one lexval subcommand.
type command struct {
	name     string
	synopsis string // arguments after the command name
	summary  string // one line for the command list
	detail   string // paragraphs for `lexval help NAME`
	// env lists the flags that read a LEXVAL_* environment variable.
	env []string
	run func(ctx context.Context, s *streams, cmd *command, args []string) int
}

// commands in the order of the usage text; serve comes first.
var commands = []*command{serveCommand, validateCommand, lintCommand, breakingCommand, diffCommand, checkDNSCommand, cidCommand, schemaCommand, verifyCommand, historyCommand, healthcheckCommand, versionCommand}

func lookupCommand(name string) *command {
	i := slices.IndexFunc(commands, func(c *command) bool { return c.name == name })
	if i < 0 {
		return nil
	}
	return commands[i]
}

// Run runs the command line args (without the program name) and returns the
// process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := &streams{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		return serveCommand.run(ctx, s, serveCommand, nil)
	}
	switch name := args[0]; name {
	case "-version", "--version":
		return versionCommand.run(ctx, s, versionCommand, args[1:])
	case "help", "-h", "-help", "--help":
		if name == "help" && len(args) > 1 {
			cmd := lookupCommand(args[1])
			if cmd == nil {
				fmt.Fprintf(stderr, "lexval help: unknown command %q%s\nRun 'lexval help' for the list of commands.\n", args[1], didYouMean(args[1], commandNames(), ""))
				return exitError
			}
			return cmd.run(ctx, s, cmd, []string{"-h"})
		}
		printUsage(stdout)
		return exitOK
	default:
		if strings.HasPrefix(name, "-") {
			// Flags without a command: `go run . --addr :9000` serves.
			return serveCommand.run(ctx, s, serveCommand, args)
		}
		cmd := lookupCommand(name)
		if cmd == nil {
			// A few lines, not the whole usage: the mistake stays in view.
			fmt.Fprintf(stderr, "lexval: unknown command %q%s\nRun 'lexval help' for the list of commands.\n", safeText(name), didYouMean(name, commandNames(), ""))
			return exitError
		}
		return cmd.run(ctx, s, cmd, args[1:])
	}
}

func printUsage(w io.Writer) {
	lines := [][2]string{{"[serve] [flags]", serveCommand.summary + " (default " + server.DefaultAddr + ")"}}
	for _, c := range commands[1:] {
		lines = append(lines, [2]string{c.name + " " + c.synopsis, c.summary})
	}
	lines = append(lines, [2]string{"help [COMMAND]", "show a command's flags"})
	width := 0
	for _, l := range lines {
		width = max(width, len(l[0]))
	}
	fmt.Fprint(w, "lexval checks AT Protocol Lexicon records against their schemas.\n\nUsage:\n")
	for _, l := range lines {
		fmt.Fprintf(w, "  lexval %-*s  %s\n", width, l[0], l[1])
	}
	fmt.Fprint(w, `
Exit status: 0 all valid, 1 something invalid, 2 usage, I/O, resolution,
proof or CID-pin errors (with a message on stderr).
`)
}

// parse parses a command's flags. When it returns ok == false the command
// must return code at once: the user asked for help, or made a mistake (usage
// has been printed).
func (s *streams) parse(cmd *command, fs *flag.FlagSet, args []string) (positional []string, code int, ok bool) {
	positional, err := parseFlags(fs, args, cmd.env...)
	switch {
	case err == nil:
		return positional, 0, true
	case errors.Is(err, flag.ErrHelp):
		printCommandUsage(s.stdout, cmd, fs)
		return nil, exitOK, false
	default:
		return nil, s.usageError(cmd, fs, err), false
	}
}

// commandNames lists the commands, help included.
func commandNames() []string {
	names := []string{"help"}
	for _, c := range commands {
		names = append(names, c.name)
	}
	return names
}

// didYouMean is "; did you mean X?" for the candidate nearest word, with
// prefix before it (a flag's "--"), or "" when none is near.
func didYouMean(word string, candidates []string, prefix string) string {
	near := suggest.Nearest(word, candidates, 2)
	if len(near) == 0 {
		return ""
	}
	return "; did you mean " + prefix + near[0] + "?"
}

// usageError prints err and the command's usage on stderr and returns 2. An
// unknown flag gets a few lines instead, with the flag it is near.
func (s *streams) usageError(cmd *command, fs *flag.FlagSet, err error) int {
	var unknown *unknownFlagError
	if errors.As(err, &unknown) {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		fmt.Fprintf(s.stderr, "lexval %s: unknown flag --%s%s\nRun 'lexval help %s' for its flags.\n", cmd.name, safeText(unknown.name), didYouMean(unknown.name, names, "--"), cmd.name)
		return exitError
	}
	msg := strings.TrimPrefix(err.Error(), errUsage.Error()+": ")
	fmt.Fprintf(s.stderr, "lexval %s: %s\n\n", cmd.name, safeText(msg))
	printCommandUsage(s.stderr, cmd, fs)
	return exitError
}

// fail prints a runtime error (I/O, resolution, ...) and returns 2.
func (s *streams) fail(cmd *command, err error) int {
	fmt.Fprintf(s.stderr, "lexval %s: %s\n", cmd.name, safeText(err.Error()))
	return exitError
}

func printCommandUsage(w io.Writer, cmd *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: lexval %s %s\n\n%s\n", cmd.name, cmd.synopsis, strings.TrimSpace(cmd.detail))
	var lines [][2]string
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		arg, usage := flag.UnquoteUsage(f)
		if _, isList := f.Value.(*listFlag); isList {
			arg = "DIR"
		}
		name := "--" + f.Name
		if arg != "" {
			name += " " + arg
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" {
			usage += fmt.Sprintf(" (default %s)", def)
		}
		if slices.Contains(cmd.env, f.Name) {
			usage += " [$" + envName(f.Name) + "]"
		}
		width = max(width, len(name))
		lines = append(lines, [2]string{name, usage})
	})
	if len(lines) == 0 {
		return
	}
	fmt.Fprint(w, "\nFlags:\n")
	for _, l := range lines {
		fmt.Fprintf(w, "  %-*s  %s\n", width, l[0], l[1])
	}
}
