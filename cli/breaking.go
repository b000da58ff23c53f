package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/service"
)

var breakingCommand = &command{
	name:     "breaking",
	synopsis: "[flags] OLD NEW",
	summary:  "report the changes from OLD to NEW that break data",
	detail: `Compares two versions of a lexicon, or of a set of lexicons, by the Lexicon
Evolution rule: old data must stay valid under the new version, and new data
valid under the old one. OLD and NEW are each a lexicon file, a directory
(compared document by document, by id), an NSID or AT-URI (the published
version, resolved as validate resolves schemas), or NSID@CID (a stored
version; needs a store). References are followed into the definitions they
name.

Every change names its rule (--list-rules), which data breaks (old-data,
new-data or both) and where (a JSON Pointer into NEW, or into OLD for what
was removed). Tightenings are errors; loosenings break old readers and are
warnings unless --loosening says otherwise. --records checks real records
against both versions: one valid under OLD and invalid under NEW breaks too.

Formats: text, json ({"breaking", "changes", "records", "old", "new"}),
github (annotations on NEW's lines), sarif (SARIF 2.1.0).

Exit status: 0 nothing breaks (warnings and info allowed), 1 something
breaks, 2 usage, I/O or resolution errors.`,
	env: resolverEnv,
	run: runBreaking,
}

// versionFlags are the flags of the commands that read two versions.
type versionFlags struct {
	rf       resolverFlags
	maxValue byteSize
}

func (v *versionFlags) register(fs *flag.FlagSet) {
	v.rf.register(fs)
	v.maxValue = byteSize(defaultMaxValue)
	fs.Var(&v.maxValue, "max-value", "largest lexicon document or record in `BYTES`")
}

// versionArg is OLD or NEW as read: files, or a reference.
type versionArg struct {
	arg   string
	files []lexiconFile
	ref   string
}

// version is the argument as the service takes it.
func (v *versionArg) version() service.Version {
	if v.ref != "" {
		return service.Version{Ref: v.ref}
	}
	out := service.Version{}
	for _, f := range v.files {
		out.Documents = append(out.Documents, f.doc)
		out.Names = append(out.Names, f.name)
	}
	return out
}

// file returns the file that holds lexicon nsid, if this side is files.
func (v *versionArg) file(nsid string) (lexiconFile, bool) {
	for _, f := range v.files {
		if m, ok := f.doc.(map[string]any); ok && m["id"] == nsid {
			return f, true
		}
	}
	return lexiconFile{}, false
}

// readVersion reads OLD or NEW (which): a file or directory that exists, or
// else a reference for the service to resolve. Usage errors wrap errUsage.
func (s *streams) readVersion(ctx context.Context, cmd *command, which, arg string, v *versionFlags) (*versionArg, error) {
	if arg == "-" {
		return nil, fmt.Errorf("%w: %s: standard input is not supported here: name a file", errUsage, which)
	}
	if _, err := os.Stat(arg); err == nil {
		files, err := s.readLexiconFiles(ctx, cmd, []string{arg}, int64(v.maxValue), v.rf.followSymlinks)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", which, err)
		}
		for _, f := range files {
			if f.err != nil {
				return nil, fmt.Errorf("%s: %s: %w", which, f.name, f.err)
			}
		}
		return &versionArg{arg: arg, files: files}, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", which, err)
	}
	if looksLikeReference(arg) {
		return &versionArg{arg: arg, ref: arg}, nil
	}
	return nil, fmt.Errorf("%w: %s %q is no file or directory, nor an NSID, AT-URI or NSID@CID", errUsage, which, arg)
}

// looksLikeReference tells an NSID, AT-URI or NSID@CID from a mistyped
// path; the service parses it for good.
func looksLikeReference(s string) bool {
	return strings.HasPrefix(s, "at://") || !strings.ContainsAny(s, `/\`) && strings.Count(s, ".") >= 2 && !strings.HasSuffix(strings.ToLower(s), ".json")
}

// readVersions reads OLD and NEW.
func (s *streams) readVersions(ctx context.Context, cmd *command, fs *flag.FlagSet, args []string, v *versionFlags) (old, new *versionArg, code int, ok bool) {
	if len(args) != 2 {
		return nil, nil, s.usageError(cmd, fs, errors.New("want two arguments: OLD and NEW")), false
	}
	if err := v.rf.check(); err != nil {
		return nil, nil, s.usageError(cmd, fs, err), false
	}
	for i, which := range []string{"OLD", "NEW"} {
		a, err := s.readVersion(ctx, cmd, which, args[i], v)
		switch {
		case errors.Is(err, errUsage):
			return nil, nil, s.usageError(cmd, fs, err), false
		case err != nil:
			return nil, nil, s.fail(cmd, err), false
		}
		if i == 0 {
			old = a
		} else {
			new = a
		}
	}
	return old, new, 0, true
}

func runBreaking(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	var vf versionFlags
	vf.register(fs)
	format := newAuthorFormatFlag()
	fs.Var(format, "format", "output `format`: text, json, github or sarif")
	loosening := newChoice(string(lexdoc.SeverityWarning), string(lexdoc.SeverityError), string(lexdoc.SeverityWarning), string(lexdoc.SeverityInfo))
	fs.Var(loosening, "loosening", "severity of loosenings, which break old readers: `SEVERITY` error, warning or info")
	var records repeatedFlag
	fs.Var(&records, "records", "check the records in `FILE|DIR` (.json, .jsonl) against both versions (repeatable)")
	listRules := fs.Bool("list-rules", false, "list the rules (name, severity, direction, description) and exit")
	args, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if *listRules {
		return s.listRules(cmd, fs, args, lexdoc.ChangeRules(), format.value)
	}
	old, new, code, ok := s.readVersions(ctx, cmd, fs, args, &vf)
	if !ok {
		return code
	}
	var recs []service.CompareRecord
	if len(records) > 0 {
		var err error
		if recs, err = s.readRecords(ctx, cmd, records, int64(vf.maxValue), vf.rf.followSymlinks); err != nil {
			return s.fail(cmd, err)
		}
	}
	svc, _, err := vf.rf.open(cliLogger(s))
	if err != nil {
		return s.fail(cmd, err)
	}
	cmp, err := svc.CompareVersions(ctx, old.version(), new.version(), service.CompareOptions{Loosening: lexdoc.Severity(loosening.value), Records: recs})
	if err != nil {
		return s.fail(cmd, err)
	}
	if err := writeBreaking(s.stdout, format.value, cmp, old, new); err != nil {
		return s.fail(cmd, err)
	}
	if cmp.Breaking {
		return exitInvalid
	}
	return exitOK
}

// readRecords reads the records of the --records files.
func (s *streams) readRecords(ctx context.Context, cmd *command, args []string, limit int64, follow bool) ([]service.CompareRecord, error) {
	in, err := collectInputs(args, func(name string) bool {
		switch strings.ToLower(filepath.Ext(name)) {
		case ".json", ".jsonl", ".ndjson":
			return true
		}
		return false
	}, follow)
	s.printSkipped(cmd, in)
	if err != nil {
		return nil, err
	}
	var out []service.CompareRecord
	for _, path := range in.paths {
		err := readValues(ctx, path, s.stdin, limit, func(v verdict) error {
			x, err := v.decode(limit, "record")
			if err != nil {
				return fmt.Errorf("%s: %w", v.src, err)
			}
			out = append(out, service.CompareRecord{Source: v.src.String(), Value: x})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// changeJSON is a change in breaking's json output: the change, and the
// file its path is in when lexval read one.
type changeJSON struct {
	lexdoc.Change
	File string `json:"file,omitempty"`
}

type breakingJSON struct {
	Breaking bool                     `json:"breaking"`
	Changes  []changeJSON             `json:"changes"`
	Records  []service.RecordEvidence `json:"records,omitempty"`
	Old      []service.VersionInfo    `json:"old"`
	New      []service.VersionInfo    `json:"new"`
}

// changeFile finds the file a change's path is in: the side it points into,
// else the other side's file for the same lexicon. With preferNew, the new
// file comes first whatever the side: annotations belong on the files of
// the change under review, where a removal lands on the nearest member the
// new file still has.
func changeFile(c lexdoc.Change, old, new *versionArg, preferNew bool) (lexiconFile, bool) {
	first, second := new, old
	if c.In == lexdoc.SideOld && !preferNew {
		first, second = old, new
	}
	if f, ok := first.file(c.NSID); ok {
		return f, true
	}
	return second.file(c.NSID)
}

func writeBreaking(w io.Writer, format string, cmp *service.Comparison, old, new *versionArg) error {
	out := bufio.NewWriter(w)
	switch format {
	case formatJSON:
		j := breakingJSON{Breaking: cmp.Breaking, Changes: make([]changeJSON, len(cmp.Changes)), Records: cmp.Records, Old: cmp.Old, New: cmp.New}
		for i, c := range cmp.Changes {
			j.Changes[i].Change = c
			if f, ok := changeFile(c, old, new, false); ok {
				j.Changes[i].File = f.name
			}
		}
		writeJSONLine(out, j)
	case formatSARIF:
		b := newSARIF(lexdoc.ChangeRules())
		for _, c := range cmp.Changes {
			f, ok := changeFile(c, old, new, true)
			if !ok {
				f = lexiconFile{name: c.NSID}
			}
			b.add(f.name, f.data, []sarifFinding{{rule: c.Rule, severity: c.Severity, path: c.Path, message: c.Message + " (" + string(c.Direction) + ")"}})
		}
		if err := b.write(out); err != nil {
			return err
		}
	case formatGitHub:
		for _, c := range cmp.Changes {
			name, line := c.NSID, 0
			if f, ok := changeFile(c, old, new, true); ok {
				name = f.name
				if f.data != "" {
					line = pointerLines(f.data, []string{c.Path})[0]
				}
			}
			out.WriteString(githubAnnotation(c.Severity, name, line, c.Rule, c.Path, c.Message+" ("+string(c.Direction)+")"))
		}
		for _, r := range cmp.Records {
			if r.Breaks {
				out.WriteString(githubAnnotation(lexdoc.SeverityError, r.Source, 0, "record-breaks", "", "valid under the old version, invalid under the new one"))
			}
		}
		out.WriteString("lexval: " + breakingSummary(cmp) + "\n")
	default:
		for _, c := range cmp.Changes {
			where := c.NSID
			if f, ok := changeFile(c, old, new, false); ok {
				where = f.name
			}
			line := safeText(where) + ": "
			if c.In == lexdoc.SideOld {
				line += "(old) "
			}
			if c.Path != "" {
				line += safeText(c.Path) + ": "
			}
			out.WriteString(line + safeText(fmt.Sprintf("%s: %s [%s, %s]", c.Severity, c.Message, c.Rule, c.Direction)) + "\n")
		}
		for _, r := range cmp.Records {
			switch {
			case r.Breaks:
				out.WriteString(safeText(r.Source) + ": valid under the old version, invalid under the new one\n")
				for _, e := range r.Errors {
					out.Write(textEntry(nil, e.Path, e.Message))
				}
			case !r.Checked:
				out.WriteString(safeText(r.Source) + ": " + r.Note + "\n")
			}
		}
		out.WriteString(breakingSummary(cmp) + "\n")
	}
	return out.Flush()
}

// breakingSummary reads "3 changes (1 error, 2 warnings): breaking; 1 of 4
// records would become invalid".
func breakingSummary(cmp *service.Comparison) string {
	counts := map[lexdoc.Severity]int{}
	for _, c := range cmp.Changes {
		counts[c.Severity]++
	}
	s := fmt.Sprintf("%d %s", len(cmp.Changes), plural(len(cmp.Changes), "change"))
	var parts []string
	for _, sev := range []lexdoc.Severity{lexdoc.SeverityError, lexdoc.SeverityWarning, lexdoc.SeverityInfo} {
		if n := counts[sev]; n > 0 {
			name := string(sev)
			if sev != lexdoc.SeverityInfo {
				name = plural(n, name)
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, name))
		}
	}
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if len(cmp.Records) > 0 {
		breaks := 0
		for _, r := range cmp.Records {
			if r.Breaks {
				breaks++
			}
		}
		s += fmt.Sprintf("; %d of %d %s would become invalid", breaks, len(cmp.Records), plural(len(cmp.Records), "record"))
	}
	if cmp.Breaking {
		return s + ": breaking"
	}
	return s + ": nothing breaks"
}
