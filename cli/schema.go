package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
)

var schemaCommand = &command{
	name:     "schema",
	synopsis: "[flags] AT-URI|NSID[#def]",
	summary:  "print a schema record, or its JSON Schema",
	detail: `Prints the schema record the reference names (as published, pretty-printed),
after checking its CID; a document from a --lexicons directory is printed as
the record it will be once published, with its $type, whose CID that is. A
record from the network is proven by its author's signed commit, and its
provenance (CID, repository revision, commit, signing key) is printed on
stderr. With --jsonschema it prints instead the JSON Schema
(draft 2020-12) that lexval compiles the definition and target to, with every
lexicon it references: a self-contained document for other JSON Schema tools.`,
	env: resolverEnv,
	run: runSchema,
}

func runSchema(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	var rf resolverFlags
	rf.register(fs)
	jsonSchema := fs.Bool("jsonschema", false, "print the compiled JSON Schema instead of the record")
	var cf checkFlags
	cf.register(fs, false)
	refs, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(refs) != 1 {
		return s.usageError(cmd, fs, errors.New("want exactly one AT-URI, NSID or NSID#def"))
	}
	if err := rf.check(); err != nil {
		return s.usageError(cmd, fs, err)
	}
	cf.schema = refs[0]
	req, err := cf.request()
	if err != nil {
		return s.usageError(cmd, fs, err)
	}
	svc, _, err := rf.open(cliLogger(s))
	if err != nil {
		return s.fail(cmd, err)
	}

	// The service's errors name the schema ("schema NSID: ..."): not again.
	var (
		raw json.RawMessage
		rec *resolver.Record
	)
	if *jsonSchema {
		c, err := svc.Prepare(ctx, req)
		if err != nil {
			return s.fail(cmd, err)
		}
		raw, rec = c.JSONSchema(), c.Record
	} else {
		if rec, err = svc.Lookup(ctx, req.Schema, req.CID); err != nil {
			return s.fail(cmd, err)
		}
		if raw, err = service.RecordValue(rec); err != nil {
			return s.fail(cmd, err)
		}
	}
	// Where the record came from goes beside it, not into the output.
	switch {
	case rec.Proof != nil:
		fmt.Fprint(s.stderr, "proven from its repository:\n")
		if err := writeProvenance(s.stderr, rec.URI, rec.CID.String(), rec.Proof); err != nil {
			return s.fail(cmd, err)
		}
	case rec.Upstream != nil:
		fmt.Fprintf(s.stderr, "bundled from the atproto repository, not verified against a published record:\n  %s\n  cid once published  %s\n", safeText(rec.Upstream.URL()), rec.CID)
		if rec.NetworkError != nil {
			fmt.Fprintf(s.stderr, "  no published version: %s\n", safeText(rec.NetworkError.Error()))
		}
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return s.fail(cmd, fmt.Errorf("internal error: %w", err))
	}
	out.WriteByte('\n')
	if _, err := out.WriteTo(s.stdout); err != nil {
		return s.fail(cmd, err)
	}
	return exitOK
}
