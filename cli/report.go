package cli

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

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

// formatter renders verdicts in one output format. format runs on the
// workers, many at once, so a formatter keeps no state; the writer only
// copies the bytes out in input order.
type formatter interface {
	// format appends v's output (nothing for a value that needs no
	// attention, in the text and github formats) to dst.
	format(dst []byte, v *verdict) []byte
	// summary is the last line after every value, "" for none.
	summary(t *tally, noun string) string
}

func newFormatter(name string) formatter {
	switch name {
	case formatJSON:
		return jsonFormat{}
	case formatGitHub:
		return githubFormat{}
	}
	return textFormat{}
}

// textFormat is for people: only what needs attention, then a summary.
//
//	posts.jsonl:3: invalid
//	  /text: text is 320 graphemes, maximum 300
type textFormat struct{}

func (textFormat) format(dst []byte, v *verdict) []byte {
	res := &v.result
	switch {
	case !res.Valid:
		dst = append(append(dst, safeText(v.src.String())...), ": invalid\n"...)
	case len(res.Unresolved) > 0:
		dst = append(append(dst, safeText(v.src.String())...), ": valid, with unchecked references\n"...)
	default:
		return dst
	}
	for _, e := range res.Errors {
		dst = textEntry(dst, e.Path, e.Message)
	}
	for _, u := range res.Unresolved {
		dst = textEntry(dst, u.Path, unresolvedMessage(u))
	}
	if res.ErrorsTruncated {
		dst = textEntry(dst, "", truncatedMessage(res))
	}
	return dst
}

func textEntry(dst []byte, path, message string) []byte {
	dst = append(dst, "  "...)
	if path != "" {
		dst = append(append(dst, safeText(path)...), ": "...)
	}
	return append(append(dst, safeText(message)...), '\n')
}

func (textFormat) summary(t *tally, noun string) string { return t.summary(noun) + "\n" }

func unresolvedMessage(u validator.Unresolved) string {
	return "not checked: unresolved reference " + u.Ref
}

// truncatedMessage says that a value's list of errors was cut at
// --max-errors, and how many were counted.
func truncatedMessage(r *validator.Result) string {
	msg := "only the first " + strconv.Itoa(len(r.Errors)+len(r.Unresolved)) + " listed"
	if r.ErrorCount > 0 {
		msg += "; at least " + strconv.Itoa(r.ErrorCount) + " errors in all"
	}
	return msg + " (--max-errors)"
}

// jsonFormat writes one JSON object per value, in input order.
type jsonFormat struct{}

type jsonVerdict struct {
	Source          string                 `json:"source"`
	Valid           bool                   `json:"valid"`
	Errors          []validator.Error      `json:"errors"`
	Unresolved      []validator.Unresolved `json:"unresolved"`
	ErrorsTruncated bool                   `json:"errorsTruncated,omitempty"`
	ErrorCount      int                    `json:"errorCount,omitempty"`
}

func (jsonFormat) format(dst []byte, v *verdict) []byte {
	if r := &v.result; r.Valid && len(r.Errors) == 0 && len(r.Unresolved) == 0 && !r.ErrorsTruncated {
		// Most values of a bulk run: the one line json.Marshal would
		// write, without its reflection (a twentieth of a run's CPU).
		dst = append(dst, `{"source":`...)
		dst = appendJSONString(dst, v.src.String())
		return append(dst, `,"valid":true,"errors":[],"unresolved":[]}`+"\n"...)
	}
	out := jsonVerdict{
		Source:          v.src.String(),
		Valid:           v.result.Valid,
		Errors:          v.result.Errors,
		Unresolved:      v.result.Unresolved,
		ErrorsTruncated: v.result.ErrorsTruncated,
		ErrorCount:      v.result.ErrorCount,
	}
	if out.Errors == nil {
		out.Errors = []validator.Error{}
	}
	if out.Unresolved == nil {
		out.Unresolved = []validator.Unresolved{}
	}
	b, err := json.Marshal(out)
	if err != nil {
		panic("cli: verdict not marshalable: " + err.Error()) // strings, bools and slices of them
	}
	return append(append(dst, b...), '\n')
}

func (jsonFormat) summary(*tally, string) string { return "" }

// appendJSONString appends s as encoding/json writes a string: quoted, with
// its escapes (HTML-safe, as json.Marshal's), invalid UTF-8 as U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // rare: let encoding/json escape it
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// githubFormat writes GitHub Actions workflow commands: an error annotation
// per error, a warning per unchecked reference, on the line of the offending
// value.
type githubFormat struct{}

func (githubFormat) format(dst []byte, v *verdict) []byte {
	res := &v.result
	if len(res.Errors) == 0 && len(res.Unresolved) == 0 && !res.ErrorsTruncated {
		return dst
	}
	var lines []int
	if v.src.line == 0 && v.data != "" {
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
		dst = annotation(dst, "error", v.src.file, lineOf(i), e.Path, e.Message)
	}
	for i, u := range res.Unresolved {
		dst = annotation(dst, "warning", v.src.file, lineOf(len(res.Errors)+i), u.Path, unresolvedMessage(u))
	}
	if res.ErrorsTruncated {
		dst = annotation(dst, "notice", v.src.file, v.src.line, "", truncatedMessage(res))
	}
	return dst
}

func annotation(dst []byte, level, file string, line int, path, message string) []byte {
	dst = append(dst, "::"+level+" file="+githubProperty(safeText(file))...)
	if line > 0 {
		dst = strconv.AppendInt(append(dst, ",line="...), int64(line), 10)
	}
	dst = append(dst, "::"...)
	if path != "" {
		message = path + ": " + message
	}
	return append(append(dst, githubData(safeText(message))...), '\n')
}

func (githubFormat) summary(t *tally, noun string) string {
	return "lexval: " + t.summary(noun) + "\n"
}

// Escaping of workflow commands, as GitHub's runner (and @actions/core)
// does it: a message escapes %, CR and LF; a property also : and ,. (The
// text has been through safeText, which writes CR and LF as \r and \n
// already: these escapes keep what is left unambiguous.)
var (
	githubDataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	githubPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func githubData(s string) string     { return githubDataEscaper.Replace(s) }
func githubProperty(s string) string { return githubPropertyEscaper.Replace(s) }
