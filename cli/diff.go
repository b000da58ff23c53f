package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"unicode/utf8"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/service"
)

var diffCommand = &command{
	name:     "diff",
	synopsis: "[flags] OLD NEW",
	summary:  "show what changed from OLD to NEW, by definition and field",
	detail: `Shows every difference between two versions of a lexicon, or of a set of
lexicons, by lexicon, definition and field: members added (+), removed (-)
and changed (~, old → new). Lists of names (required, enum, knownValues,
refs, ...) compare as sets and errors by name; key order never counts. OLD
and NEW are as for breaking: a file, a directory, an NSID or AT-URI, or
NSID@CID. Use breaking to know which differences break data.

Formats: text, json ({"diff": [{"nsid", "def", "field", "path", "op", "old",
"new"}]}).

Exit status: 0 (with or without differences), 2 usage, I/O or resolution
errors.`,
	env: resolverEnv,
	run: runDiff,
}

func runDiff(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	var vf versionFlags
	vf.register(fs)
	format := newChoice(formatText, formatText, formatJSON)
	fs.Var(format, "format", "output `format`: text or json")
	args, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	old, new, code, ok := s.readVersions(ctx, cmd, fs, args, &vf)
	if !ok {
		return code
	}
	svc, _, err := vf.rf.open(cliLogger(s))
	if err != nil {
		return s.fail(cmd, err)
	}
	cmp, err := svc.CompareVersions(ctx, old.version(), new.version(), service.CompareOptions{})
	if err != nil {
		return s.fail(cmd, err)
	}
	if err := writeDiff(s.stdout, format.value, cmp.Diff); err != nil {
		return s.fail(cmd, err)
	}
	return exitOK
}

func writeDiff(w io.Writer, format string, diff []lexdoc.DiffEntry) error {
	out := bufio.NewWriter(w)
	if format == formatJSON {
		writeJSONLine(out, struct {
			Diff []lexdoc.DiffEntry `json:"diff"`
		}{diff})
		return out.Flush()
	}
	if len(diff) == 0 {
		out.WriteString("no differences\n")
		return out.Flush()
	}
	var nsid, def string
	for i, e := range diff {
		if i == 0 || e.NSID != nsid {
			nsid, def = e.NSID, "\x00"
			out.WriteString(safeText(e.NSID) + "\n")
		}
		if e.Def == "" && e.Field == "" { // the whole document
			out.WriteString("  " + diffMark(e.Op) + " the lexicon\n")
			continue
		}
		if e.Def != def {
			def = e.Def
			if e.Def == "" {
				out.WriteString("  (document)\n")
			} else if e.Field == "" { // the whole definition
				out.WriteString("  " + diffMark(e.Op) + " #" + safeText(e.Def) + diffValues(e) + "\n")
				continue
			} else {
				out.WriteString("  #" + safeText(e.Def) + "\n")
			}
		}
		out.WriteString("    " + diffMark(e.Op) + " " + safeText(e.Field) + diffValues(e) + "\n")
	}
	return out.Flush()
}

func diffMark(op lexdoc.DiffOp) string {
	switch op {
	case lexdoc.DiffAdded:
		return "+"
	case lexdoc.DiffRemoved:
		return "-"
	}
	return "~"
}

// diffValues shows an entry's values: the new one for an addition, the old
// one for a removal, both for a change; long values are cut short.
func diffValues(e lexdoc.DiffEntry) string {
	switch e.Op {
	case lexdoc.DiffAdded:
		return ": " + shortJSON(e.New)
	case lexdoc.DiffRemoved:
		return ": " + shortJSON(e.Old)
	}
	return ": " + shortJSON(e.Old) + " → " + shortJSON(e.New)
}

// maxShown is how many characters of a value text output shows.
const maxShown = 100

func shortJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	s := safeText(string(b))
	if utf8.RuneCountInString(s) > maxShown {
		s = string([]rune(s)[:maxShown-1]) + "…"
	}
	return s
}
