package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/lexval/lexval/validator"
)

// Output formats of validate and lint.
const (
	formatText   = "text"
	formatJSON   = "json"
	formatGitHub = "github"
)

func newFormatFlag() *choiceFlag { return newChoice(formatText, formatText, formatJSON, formatGitHub) }

// tally counts verdicts for the summary and the exit code.
type tally struct {
	values, invalid, unchecked int
}

func (t *tally) add(r validator.Result) {
	t.values++
	switch {
	case !r.Valid:
		t.invalid++
	case len(r.Unresolved) > 0:
		t.unchecked++
	}
}

// exitCode is 1 when anything is invalid.
func (t *tally) exitCode() int {
	if t.invalid > 0 {
		return exitInvalid
	}
	return exitOK
}

// summary reads "3 values, 1 invalid, 1 with unchecked references".
func (t *tally) summary(noun string) string {
	s := fmt.Sprintf("%d %s, %d invalid", t.values, plural(t.values, noun), t.invalid)
	if t.unchecked > 0 {
		s += fmt.Sprintf(", %d valid with unchecked references", t.unchecked)
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// reporter writes verdicts in one output format.
type reporter interface {
	value(v *verdict) error
	// end is called once, after the last value.
	end(t *tally) error
}

func newReporter(format string, w *bufio.Writer, noun string) reporter {
	switch format {
	case formatJSON:
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return &jsonReporter{enc: enc}
	case formatGitHub:
		return &githubReporter{w: w, noun: noun}
	}
	return &textReporter{w: w, noun: noun}
}

// textReporter is for people: only what needs attention, then a summary.
//
//	posts.jsonl:3: invalid
//	  /text: text is 320 graphemes, maximum 300
type textReporter struct {
	w    *bufio.Writer
	noun string
}

func (r *textReporter) value(v *verdict) error {
	res := &v.result
	switch {
	case !res.Valid:
		fmt.Fprintf(r.w, "%s: invalid\n", v.src)
	case len(res.Unresolved) > 0:
		fmt.Fprintf(r.w, "%s: valid, with unchecked references\n", v.src)
	default:
		return nil
	}
	for _, e := range res.Errors {
		r.entry(e.Path, e.Message)
	}
	for _, u := range res.Unresolved {
		r.entry(u.Path, unresolvedMessage(u))
	}
	return writerErr(r.w)
}

// writerErr returns w's sticky write error, so that a closed stdout stops a
// long run instead of checking values nobody will see. (An empty Write
// reports the error that an earlier write met, and writes nothing.)
func writerErr(w *bufio.Writer) error {
	_, err := w.Write(nil)
	return err
}

func (r *textReporter) entry(path, message string) {
	r.w.WriteString("  ")
	if path != "" {
		r.w.WriteString(path)
		r.w.WriteString(": ")
	}
	r.w.WriteString(message)
	r.w.WriteByte('\n')
}

func (r *textReporter) end(t *tally) error {
	_, err := fmt.Fprintln(r.w, t.summary(r.noun))
	return err
}

func unresolvedMessage(u validator.Unresolved) string {
	return "not checked: unresolved reference " + u.Ref
}

// jsonReporter writes one JSON object per value, in input order.
type jsonReporter struct {
	enc *json.Encoder
}

type jsonVerdict struct {
	Source     string                 `json:"source"`
	Valid      bool                   `json:"valid"`
	Errors     []validator.Error      `json:"errors"`
	Unresolved []validator.Unresolved `json:"unresolved"`
}

func (r *jsonReporter) value(v *verdict) error {
	out := jsonVerdict{
		Source:     v.src.String(),
		Valid:      v.result.Valid,
		Errors:     v.result.Errors,
		Unresolved: v.result.Unresolved,
	}
	if out.Errors == nil {
		out.Errors = []validator.Error{}
	}
	if out.Unresolved == nil {
		out.Unresolved = []validator.Unresolved{}
	}
	return r.enc.Encode(out)
}

func (r *jsonReporter) end(*tally) error { return nil }

// githubReporter writes GitHub Actions workflow commands: an error
// annotation per error, a warning per unchecked reference, on the line of the
// offending value.
type githubReporter struct {
	w    *bufio.Writer
	noun string
}

func (r *githubReporter) value(v *verdict) error {
	res := &v.result
	if len(res.Errors) == 0 && len(res.Unresolved) == 0 {
		return nil
	}
	var lines []int
	if v.src.line == 0 && v.data != nil {
		// A whole-file value: find each path's line in the file.
		paths := make([]string, 0, len(res.Errors)+len(res.Unresolved))
		for _, e := range res.Errors {
			paths = append(paths, e.Path)
		}
		for _, u := range res.Unresolved {
			paths = append(paths, u.Path)
		}
		lines = pointerLines(v.data, paths)
	}
	lineOf := func(i int) int {
		if lines == nil {
			return v.src.line
		}
		return lines[i]
	}
	for i, e := range res.Errors {
		r.annotate("error", v.src.file, lineOf(i), e.Path, e.Message)
	}
	for i, u := range res.Unresolved {
		r.annotate("warning", v.src.file, lineOf(len(res.Errors)+i), u.Path, unresolvedMessage(u))
	}
	return writerErr(r.w)
}

func (r *githubReporter) annotate(level, file string, line int, path, message string) {
	r.w.WriteString("::" + level + " file=" + githubProperty(file))
	if line > 0 {
		r.w.WriteString(",line=" + strconv.Itoa(line))
	}
	r.w.WriteString("::")
	if path != "" {
		message = path + ": " + message
	}
	r.w.WriteString(githubData(message))
	r.w.WriteByte('\n')
}

func (r *githubReporter) end(t *tally) error {
	_, err := fmt.Fprintln(r.w, "lexval: "+t.summary(r.noun))
	return err
}

// Escaping of workflow commands, as GitHub's runner (and @actions/core)
// does it: a message escapes %, CR and LF; a property also : and ,.
var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func githubData(s string) string     { return githubDataEscaper.Replace(s) }
func githubProperty(s string) string { return githubPropertyEscaper.Replace(s) }
