package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
)

var checkDNSCommand = &command{
	name:     "check-dns",
	synopsis: "[flags] NSID|FILE|DIR...",
	summary:  "check the _lexicon DNS records that publishing needs",
	detail: `Checks that the _lexicon.<authority> TXT record of every lexicon named (by
NSID, or by the id of the lexicon files given) exists and names the DID of
the repository that publishes it (--did; without it, any DID). NSIDs that
differ only in their last segment share one authority and need one record;
there is no recursion up or down the DNS tree. For each authority to fix,
it prints the exact record to create.

Formats: text, json ({"ok", "checks": [{"authority", "name", "nsids",
"txt", "did", "status", "message", "record"}]}).

Exit status: 0 every record names the DID, 1 a record is missing or names
another DID (or two), 2 usage errors or failed lookups.`,
	run: runCheckDNS,
}

func runCheckDNS(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	didFlag := fs.String("did", "", "the `DID` of the repository that publishes the lexicons")
	format := newChoice(formatText, formatText, formatJSON)
	fs.Var(format, "format", "output `format`: text or json")
	maxValue := byteSize(defaultMaxValue)
	fs.Var(&maxValue, "max-value", "largest lexicon document in `BYTES`")
	follow := fs.Bool("follow-symlinks", false, "in directories, read symbolic links to files outside the directory too")
	args, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(args) == 0 {
		return s.usageError(cmd, fs, errors.New("no NSID, FILE or DIR given"))
	}
	var want syntax.DID
	if *didFlag != "" {
		d, err := syntax.ParseDID(*didFlag)
		if err != nil {
			return s.usageError(cmd, fs, fmt.Errorf("--did %q is not a DID", *didFlag))
		}
		want = d
	}
	var nsids []syntax.NSID
	for _, arg := range args {
		if _, err := os.Stat(arg); err != nil {
			n, perr := syntax.ParseNSID(arg)
			if perr != nil {
				return s.usageError(cmd, fs, fmt.Errorf("%q is no file or directory, nor an NSID", arg))
			}
			nsids = append(nsids, n)
			continue
		}
		files, err := s.readLexiconFiles(ctx, cmd, []string{arg}, int64(maxValue), *follow)
		if err != nil {
			return s.fail(cmd, err)
		}
		for _, f := range files {
			n, err := documentID(f)
			if err != nil {
				return s.fail(cmd, err)
			}
			nsids = append(nsids, n)
		}
	}
	res, err := resolver.New(resolver.Config{DNS: testDNS, Logger: cliLogger(s)})
	if err != nil {
		return s.fail(cmd, err)
	}
	checks, err := service.New(res).CheckDNS(ctx, nsids, want)
	if err != nil {
		return s.fail(cmd, err)
	}
	out := bufio.NewWriter(s.stdout)
	if format.value == formatJSON {
		writeJSONLine(out, struct {
			OK     bool               `json:"ok"`
			Checks []service.DNSCheck `json:"checks"`
		}{service.DNSChecksPass(checks), checks})
	} else {
		writeDNSText(out, checks, want)
	}
	if err := out.Flush(); err != nil {
		return s.fail(cmd, err)
	}
	for _, c := range checks {
		if c.Status == service.DNSError {
			return exitError
		}
	}
	if !service.DNSChecksPass(checks) {
		return exitInvalid
	}
	return exitOK
}

// documentID is the NSID a lexicon file declares.
func documentID(f lexiconFile) (syntax.NSID, error) {
	if f.err != nil {
		return "", fmt.Errorf("%s: %w", f.name, f.err)
	}
	m, _ := f.doc.(map[string]any)
	id, _ := m["id"].(string)
	n, err := syntax.ParseNSID(id)
	if err != nil {
		return "", fmt.Errorf("%s: the document has no valid id (lexval lint says more)", f.name)
	}
	return n, nil
}

// writeDNSText writes a line per authority, then the records to create.
func writeDNSText(w *bufio.Writer, checks []service.DNSCheck, want syntax.DID) {
	fix := 0
	for _, c := range checks {
		fmt.Fprintf(w, "%-8s  %s  (%s)\n", c.Status, safeText(c.Message), strings.Join(c.NSIDs, ", "))
		if c.Record != "" {
			fix++
		}
	}
	if fix > 0 {
		if fix == 1 {
			w.WriteString("\nCreate this DNS TXT record:\n")
		} else {
			w.WriteString("\nCreate these DNS TXT records, one per authority:\n")
		}
		for _, c := range checks {
			if c.Record == "" {
				continue
			}
			line := "  " + c.Record
			if c.Status == service.DNSMismatch || c.Status == service.DNSInvalid {
				line += "  (in place of " + safeText(strings.Join(didEntries(c.TXT), " ")) + ")"
			}
			w.WriteString(line + "\n")
		}
		if want == "" {
			w.WriteString("Replace " + service.DNSPlaceholder + " with the DID of the account that publishes the lexicons, or give --did.\n")
		}
		w.WriteString("DNS hosting panels often want the name relative to the zone: _lexicon.app in example.com's zone for _lexicon.app.example.com.\n")
	}
	ok := len(checks) - fix
	errs := 0
	for _, c := range checks {
		if c.Status == service.DNSError {
			errs++
		}
	}
	ok -= errs
	noun := "authorities"
	if len(checks) == 1 {
		noun = "authority"
	}
	s := fmt.Sprintf("%d %s: %d ok, %d to fix", len(checks), noun, ok, fix)
	if errs > 0 {
		s += fmt.Sprintf(", %d not checked (the lookup failed)", errs)
	}
	w.WriteString(s + "\n")
}

// didEntries are the did= strings of a TXT record, quoted: those the
// record to create replaces (others are someone else's).
func didEntries(txt []string) []string {
	var out []string
	for _, s := range txt {
		if strings.HasPrefix(strings.TrimSpace(s), "did=") {
			out = append(out, fmt.Sprintf("%q", s))
		}
	}
	return out
}
