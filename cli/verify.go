package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
)

var verifyCommand = &command{
	name:     "verify",
	synopsis: "[flags] AT-URI...",
	summary:  "print records fetched by AT-URI, with their proof",
	detail: `Fetches each record (at://DID/COLLECTION/RKEY, of any collection) from its
author's PDS with com.atproto.sync.getRecord, proves it (the CAR's blocks hash
to their CIDs, the commit is the DID's and is signed by the #atproto key of
its DID document, low-S, and its tree holds the record) and prints it with
its provenance: the record's CID, the repository revision, the commit and the
signing key. It does not validate the record (see validate, which takes
AT-URIs too). Verification always uses the network.

Formats: text (the provenance, then the record as JSON), json (one object per
record: {"uri", "cid", "record", "proof"}).

Exit status: 0 every record proven, 2 usage errors or any record not fetched
or not proven (each failure on stderr, the others still printed).`,
	env: []string{"plc-url", "allow-private-addresses"},
	run: runVerify,
}

func runVerify(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	rf := resolverFlags{network: true}
	rf.registerNetwork(fs)
	format := newChoice(formatText, formatText, formatJSON)
	fs.Var(format, "format", "output `format`: text or json")
	raw, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(raw) == 0 {
		return s.usageError(cmd, fs, errors.New("no AT-URI given"))
	}
	if err := rf.check(); err != nil {
		return s.usageError(cmd, fs, err)
	}
	uris := make([]syntax.ATURI, len(raw))
	for i, r := range raw {
		uri, err := service.ParseRecordURI(r)
		if err != nil {
			return s.usageError(cmd, fs, err)
		}
		uris[i] = uri
	}
	svc, _, err := rf.open(cliLogger(s))
	if err != nil {
		return s.fail(cmd, err)
	}

	out := bufio.NewWriter(s.stdout)
	failed := false
	for _, uri := range uris {
		rec, err := svc.FetchRecord(ctx, uri)
		if err != nil {
			if ctx.Err() != nil {
				out.Flush()
				return s.fail(cmd, errors.New("interrupted"))
			}
			failed = true
			fmt.Fprintf(s.stderr, "lexval %s: %v\n", cmd.name, err)
			continue
		}
		if format.value == formatJSON {
			err = writeVerifiedJSON(out, rec)
		} else {
			err = writeVerifiedText(out, rec)
		}
		if err != nil {
			return s.fail(cmd, err)
		}
	}
	if err := out.Flush(); err != nil {
		return s.fail(cmd, err)
	}
	if failed {
		return exitError
	}
	return exitOK
}

// registerNetwork defines the flags of commands that always use the network
// and no local catalog: where the PLC directory is, and whether private
// addresses may be reached.
func (r *resolverFlags) registerNetwork(fs *flag.FlagSet) {
	fs.StringVar(&r.plcURL, "plc-url", resolver.DefaultPLCURL, "PLC directory `URL` for did:plc")
	fs.BoolVar(&r.allowPrivate, "allow-private-addresses", false, "let network resolution reach loopback, private and link-local addresses")
}

// writeProvenance writes what proved a record, one fact a line:
//
//	at://did:plc:…/app.bsky.feed.post/3k…
//	  cid          bafyrei…
//	  repository   did:plc:…
//	  revision     3k…
//	  commit       bafyrei…
//	  signing key  did:key:z…
//	  verified at  2026-…Z
func writeProvenance(w io.Writer, uri syntax.ATURI, cid string, p *resolver.Proof) error {
	_, err := fmt.Fprintf(w, "%s\n  cid          %s\n  repository   %s\n  revision     %s\n  commit       %s\n  signing key  %s\n  verified at  %s\n",
		uri, cid, p.DID, p.Rev, p.Commit, p.SigningKey, p.VerifiedAt.UTC().Format(time.RFC3339))
	return err
}

// writeVerifiedText writes the provenance, then the record, indented.
func writeVerifiedText(w io.Writer, rec *resolver.ProvenRecord) error {
	if err := writeProvenance(w, rec.URI, rec.CID.String(), &rec.Proof); err != nil {
		return err
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, rec.JSON, "", "  "); err != nil {
		return fmt.Errorf("internal error: %w", err)
	}
	pretty.WriteString("\n")
	_, err := pretty.WriteTo(w)
	return err
}

// verifiedJSON is a record and its proof, one JSON object per line.
type verifiedJSON struct {
	URI    string          `json:"uri"`
	CID    string          `json:"cid"`
	Record json.RawMessage `json:"record"`
	Proof  resolver.Proof  `json:"proof"`
}

func writeVerifiedJSON(w io.Writer, rec *resolver.ProvenRecord) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // the record as it is, "<" and all
	return enc.Encode(verifiedJSON{URI: string(rec.URI), CID: rec.CID.String(), Record: rec.JSON, Proof: rec.Proof})
}
