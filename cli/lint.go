package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/service"
)

var lintCommand = &command{
	name:     "lint",
	synopsis: "[flags] FILE|DIR...",
	summary:  "check lexicon documents (for authors)",
	detail: `Checks lexicon documents against every authoring rule of the Lexicon
specification, and the style rules authors expect (descriptions, length
limits, lowerCamel names, a file path that matches the id, ...). A directory
stands for the .json files under it; "-" reads one document from standard
input. References resolve against the catalog (embedded lexicons and
--lexicons directories) plus the documents being linted, so a set of new
lexicons that refer to one another lints together.

Every finding names its rule and severity (--list-rules lists them). Errors
break the specification and make a document invalid; warnings and info are
advice and leave it valid.

Formats: text, json (one object per document: {"source", "valid", "errors",
"unresolved"}, each finding with its rule and severity), github (annotations
on the offending line), sarif (SARIF 2.1.0, for GitHub code scanning).

Exit status: 0 no errors (warnings and info allowed), 1 any error, 2 usage,
I/O or resolution errors.`,
	env: resolverEnv,
	run: runLint,
}

// Output formats of the author's commands, beside text, json and github.
const formatSARIF = "sarif"

func newAuthorFormatFlag() *choiceFlag {
	return newChoice(formatText, formatText, formatJSON, formatGitHub, formatSARIF)
}

func runLint(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	var rf resolverFlags
	rf.register(fs)
	format := newAuthorFormatFlag()
	fs.Var(format, "format", "output `format`: text, json, github or sarif")
	var ignore repeatedFlag
	fs.Var(&ignore, "ignore", "leave out the findings of `RULE` (repeatable)")
	minSeverity := newChoice(string(lexdoc.SeverityInfo), string(lexdoc.SeverityInfo), string(lexdoc.SeverityWarning), string(lexdoc.SeverityError))
	fs.Var(minSeverity, "min-severity", "leave out findings less severe than `SEVERITY`: info, warning or error")
	listRules := fs.Bool("list-rules", false, "list the rules (name, severity, description) and exit")
	maxValue := byteSize(defaultMaxValue)
	fs.Var(&maxValue, "max-value", "largest document in `BYTES`; a larger one is a problem")
	paths, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if *listRules {
		return s.listRules(cmd, fs, paths, lexdoc.LintRules(), format.value)
	}
	if len(paths) == 0 {
		return s.usageError(cmd, fs, errors.New("no FILE or DIR given (use - for standard input)"))
	}
	if err := rf.check(); err != nil {
		return s.usageError(cmd, fs, err)
	}
	if err := lexdoc.CheckRuleNames(ignore); err != nil {
		return s.usageError(cmd, fs, err)
	}
	opts := lexdoc.LintOptions{Ignore: ignore, MinSeverity: lexdoc.Severity(minSeverity.value)}
	files, err := s.readLexiconFiles(ctx, cmd, paths, int64(maxValue), rf.followSymlinks)
	if err != nil {
		return s.fail(cmd, err)
	}
	svc, _, err := rf.open(cliLogger(s))
	if err != nil {
		return s.fail(cmd, err)
	}

	results := make([]linted, len(files))
	var docs []any
	var names, onDisk []string // the file of each document, for errors naming another and the file-path rule
	var docIndex []int         // results[docIndex[k]] is docs[k]
	for i, f := range files {
		results[i].file = f
		if f.err != nil {
			results[i].findings = opts.Filter([]lexdoc.Finding{{Message: f.err.Error(), Rule: lexdoc.RuleInvalidJSON, Severity: lexdoc.SeverityError}})
			continue
		}
		docs = append(docs, f.doc)
		names = append(names, f.name)
		path := f.name
		if path == stdinName {
			path = "" // standard input has no path to match
		}
		onDisk = append(onDisk, path)
		docIndex = append(docIndex, i)
	}
	// When no file parses there is nothing to lint, but every file still
	// has its verdict: the service refuses an empty set.
	if len(docs) > 0 {
		problems, err := svc.LintSetWith(ctx, docs, names, service.LintSetOptions{Options: opts, Files: onDisk})
		if err != nil {
			return s.fail(cmd, err)
		}
		if len(problems) != len(docs) {
			return s.fail(cmd, fmt.Errorf("internal error: %d lint results for %d documents", len(problems), len(docs)))
		}
		for k, i := range docIndex {
			results[i].findings = problems[k]
		}
	}
	if err := writeLint(s.stdout, format.value, results); err != nil {
		return s.fail(cmd, err)
	}
	for _, r := range results {
		if lexdoc.HasErrors(r.findings) {
			return exitInvalid
		}
	}
	return exitOK
}

// linted is one file and what lint found in it.
type linted struct {
	file     lexiconFile
	findings []lexdoc.Finding
}

// writeLint writes lint's results in format.
func writeLint(w io.Writer, format string, results []linted) error {
	out := bufio.NewWriter(w)
	switch format {
	case formatSARIF:
		b := newSARIF(lexdoc.LintRules())
		for _, r := range results {
			fs := make([]sarifFinding, len(r.findings))
			for i, f := range r.findings {
				fs[i] = sarifFinding{rule: f.Rule, severity: f.Severity, path: f.Path, message: f.Message}
			}
			b.add(r.file.name, r.file.data, fs)
		}
		if err := b.write(out); err != nil {
			return err
		}
	case formatJSON:
		for _, r := range results {
			writeJSONLine(out, lintJSON{Source: r.file.name, Valid: !lexdoc.HasErrors(r.findings), Errors: r.findings, Unresolved: []lexdoc.Unresolved{}})
		}
	case formatGitHub:
		var c findingCount
		for _, r := range results {
			c.add(r.findings)
			writeAnnotations(out, r.file, r.findings)
		}
		out.WriteString("lexval: " + c.summary() + "\n")
	default:
		var c findingCount
		for _, r := range results {
			c.add(r.findings)
			writeLintText(out, r.file.name, r.findings)
		}
		out.WriteString(c.summary() + "\n")
	}
	return out.Flush()
}

// lintJSON is one document's line in lint's json format: the keys of
// validate's, each finding with its rule and severity.
type lintJSON struct {
	Source     string              `json:"source"`
	Valid      bool                `json:"valid"`
	Errors     []lexdoc.Finding    `json:"errors"`
	Unresolved []lexdoc.Unresolved `json:"unresolved"`
}

// writeJSONLine writes v as one line of JSON.
func writeJSONLine(w *bufio.Writer, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic("cli: not marshalable: " + err.Error()) // strings, bools and slices of them
	}
	w.Write(append(b, '\n'))
}

// findingCount counts documents and findings for the summary line.
type findingCount struct {
	documents, invalid, warnings, infos int
}

func (c *findingCount) add(fs []lexdoc.Finding) {
	c.documents++
	if lexdoc.HasErrors(fs) {
		c.invalid++
	}
	for _, f := range fs {
		switch f.Severity {
		case lexdoc.SeverityWarning:
			c.warnings++
		case lexdoc.SeverityInfo:
			c.infos++
		}
	}
}

// summary reads "3 documents, 1 invalid, 2 warnings, 4 info".
func (c *findingCount) summary() string {
	s := fmt.Sprintf("%d %s, %d invalid", c.documents, plural(c.documents, "document"), c.invalid)
	if c.warnings > 0 {
		s += fmt.Sprintf(", %d %s", c.warnings, plural(c.warnings, "warning"))
	}
	if c.infos > 0 {
		s += fmt.Sprintf(", %d info", c.infos)
	}
	return s
}

// writeLintText writes a document that has findings: a header saying
// whether it is valid, then each finding, its severity named unless an
// error, its rule in brackets.
//
//	lexicons/com/example/post.json: invalid
//	  /defs/main/record/properties/text/minLength: minLength 10 is greater than maxLength 3 [min-above-max]
//	  /defs/main/description: warning: the record has no description: say what it is for [missing-description]
func writeLintText(w *bufio.Writer, name string, fs []lexdoc.Finding) {
	if len(fs) == 0 {
		return
	}
	header := ": invalid\n"
	if !lexdoc.HasErrors(fs) {
		header = ": valid, with advice\n"
	}
	w.WriteString(safeText(name) + header)
	for _, f := range fs {
		msg := f.Message
		if f.Severity != lexdoc.SeverityError && f.Severity != "" {
			msg = string(f.Severity) + ": " + msg
		}
		if f.Rule != "" {
			msg += " [" + f.Rule + "]"
		}
		w.Write(textEntry(nil, f.Path, msg))
	}
}

// writeAnnotations writes a GitHub annotation per finding, on the line of
// the value its pointer names: error, warning or notice, titled with the
// rule.
func writeAnnotations(w *bufio.Writer, f lexiconFile, fs []lexdoc.Finding) {
	var lines []int
	if f.data != "" {
		// In a file that is not JSON, what could be read counts.
		ptrs := make([]string, len(fs))
		for i, x := range fs {
			ptrs[i] = x.Path
		}
		lines = pointerLines(f.data, ptrs)
	}
	for i, x := range fs {
		line := 0
		if lines != nil {
			line = lines[i]
		}
		w.WriteString(githubAnnotation(x.Severity, f.name, line, x.Rule, x.Path, x.Message))
	}
}

// githubAnnotation is one workflow command: ::error, ::warning or ::notice
// (for info), with the file, the line when known, and the rule as title.
func githubAnnotation(sev lexdoc.Severity, file string, line int, rule, path, message string) string {
	level := "error"
	switch sev {
	case lexdoc.SeverityWarning:
		level = "warning"
	case lexdoc.SeverityInfo:
		level = "notice"
	}
	s := "::" + level + " file=" + githubProperty(safeText(file))
	if line > 0 {
		s += ",line=" + strconv.Itoa(line)
	}
	if rule != "" {
		s += ",title=" + githubProperty(safeText(rule))
	}
	if path != "" {
		message = path + ": " + message
	}
	return s + "::" + githubData(safeText(message)) + "\n"
}

// listRules answers --list-rules, which takes no other argument.
func (s *streams) listRules(cmd *command, fs *flag.FlagSet, args []string, rules []lexdoc.Rule, format string) int {
	if len(args) > 0 {
		return s.usageError(cmd, fs, fmt.Errorf("--list-rules takes no argument, got %q", args[0]))
	}
	return s.printRules(cmd, rules, format)
}

// printRules prints a rule table: text (aligned name, severity,
// description) or json (an array).
func (s *streams) printRules(cmd *command, rules []lexdoc.Rule, format string) int {
	out := bufio.NewWriter(s.stdout)
	if format == formatJSON {
		b, err := json.MarshalIndent(rules, "", "  ")
		if err != nil {
			return s.fail(cmd, err)
		}
		out.Write(append(b, '\n'))
	} else {
		width := 0
		for _, r := range rules {
			width = max(width, len(r.Name))
		}
		for _, r := range rules {
			sev := string(r.Severity)
			if r.Loosening {
				sev = "loosening" // --loosening chooses it
			}
			if r.Direction != "" {
				fmt.Fprintf(out, "%-*s  %-9s  %-8s  %s\n", width, r.Name, sev, r.Direction, r.Description)
			} else {
				fmt.Fprintf(out, "%-*s  %-7s  %s\n", width, r.Name, sev, r.Description)
			}
		}
	}
	if err := out.Flush(); err != nil {
		return s.fail(cmd, err)
	}
	return exitOK
}
