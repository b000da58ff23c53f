package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/store"
)

var historyCommand = &command{
	name:     "history",
	synopsis: "--db URL NSID|AT-URI",
	summary:  "list the stored versions of a lexicon",
	detail: `Lists, newest first, the versions of a lexicon that the store (--db, or
LEXVAL_DB) holds: of the record an AT-URI names, or of every publisher of an
NSID. Each version says its CID, the repository revision it was seen at, when
it was first indexed, whether the lexicon was deleted while it was current,
whether its publisher is the repository that the NSID authority's _lexicon
record names (authoritative), its proof when known, and its lint problems.

Formats: text, json (the same object as GET /api/v1/history).`,
	env: []string{"db"},
	run: runHistory,
}

func runHistory(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	db := fs.String("db", "", "lexicon store `URL`: sqlite://PATH or postgres://...")
	limit := fs.Int("limit", store.DefaultHistoryLimit, fmt.Sprintf("most versions listed, `N` (at most %d)", store.MaxHistoryLimit))
	cursor := fs.String("cursor", "", "list versions older than this `cursor` (from the previous page)")
	format := newChoice(formatText, formatText, formatJSON)
	fs.Var(format, "format", "output `format`: text or json")
	raw, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	switch {
	case len(raw) != 1:
		return s.usageError(cmd, fs, errors.New("want exactly one NSID or AT-URI"))
	case *db == "" || *db == dbNone:
		return s.usageError(cmd, fs, errors.New("history needs the store: give --db URL (or LEXVAL_DB)"))
	case *limit < 1 || *limit > store.MaxHistoryLimit:
		return s.usageError(cmd, fs, fmt.Errorf("--limit %d: want a number from 1 to %d", *limit, store.MaxHistoryLimit))
	}
	q := service.HistoryQuery{Cursor: *cursor, Limit: *limit}
	if strings.HasPrefix(raw[0], "at://") {
		ref, err := service.ParseSchemaRef(raw[0])
		if err != nil {
			return s.usageError(cmd, fs, err)
		}
		q.URI = ref.URI
	} else {
		nsid, err := syntax.ParseNSID(raw[0])
		if err != nil {
			return s.usageError(cmd, fs, fmt.Errorf("%q is neither an NSID nor an AT-URI: %w", raw[0], err))
		}
		q.NSID = nsid
	}
	rf := resolverFlags{db: *db}
	svc, _, err := rf.open(cliLogger(s))
	if err != nil {
		return s.fail(cmd, err)
	}
	h, err := svc.History(ctx, q)
	if err != nil {
		return s.fail(cmd, err)
	}
	out := bufio.NewWriter(s.stdout)
	if format.value == formatJSON {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		err = enc.Encode(h)
	} else {
		err = writeHistoryText(out, h)
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return s.fail(cmd, err)
	}
	return exitOK
}

// writeHistoryText writes one block per version:
//
//	com.example.thing: 2 versions (authority did:plc:…)
//	bafyrei…  authoritative
//	  uri          at://did:plc:…/com.atproto.lexicon.schema/com.example.thing
//	  revision     3k…
//	  indexed at   2026-…Z
//	  ...
func writeHistoryText(w io.Writer, h *service.History) error {
	authority := "no authority known"
	if h.Authority != "" {
		authority = "authority " + h.Authority
	}
	fmt.Fprintf(w, "%s: %d versions (%s)\n", safeText(h.NSID), len(h.Versions), safeText(authority))
	for _, v := range h.Versions {
		var marks []string
		if v.Authoritative {
			marks = append(marks, "authoritative")
		} else {
			marks = append(marks, "not authoritative")
		}
		if v.Deleted {
			marks = append(marks, "deleted at revision "+v.DeletedRev)
		}
		fmt.Fprintf(w, "%s  %s\n", v.CID, safeText(strings.Join(marks, ", ")))
		fmt.Fprintf(w, "  uri          %s\n", safeText(v.URI))
		if v.Rev != "" {
			fmt.Fprintf(w, "  revision     %s\n", safeText(v.Rev))
		}
		fmt.Fprintf(w, "  indexed at   %s\n  source       %s\n", v.IndexedAt.UTC().Format(time.RFC3339), safeText(v.Source))
		if p := v.Proof; p != nil {
			fmt.Fprintf(w, "  commit       %s\n  signing key  %s\n", safeText(p.Commit), safeText(p.SigningKey))
		}
		for _, f := range v.Problems {
			fmt.Fprintf(w, "  problem      %s: %s\n", safeText(f.Path), safeText(f.Message))
		}
	}
	var err error
	if h.Cursor != "" {
		_, err = fmt.Fprintf(w, "more: --cursor %s\n", h.Cursor)
	}
	return err
}
