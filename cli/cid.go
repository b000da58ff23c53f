package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/lexval/lexval/datamodel"
)

var cidCommand = &command{
	name:     "cid",
	synopsis: "[--as-lexicon] FILE...",
	summary:  "print the CID of each record",
	detail: `Prints "<cid>  <source>" for each record: the CID (v1, dag-cbor, sha2-256) it
has when published in a repository. A .json file holds one record; a .jsonl
(or .ndjson) file and standard input ("-") hold one per line.

A file is hashed exactly as it is. A lexicon document as kept in source trees
(no $type) is not byte-for-byte the published schema record, which carries
"$type": "com.atproto.lexicon.schema": --as-lexicon adds that $type when it is
absent, giving the CID the document has once published (and the CID lexval
reports for --lexicons directories).

Exit status: 0 all hashed, 1 some value is not in the atproto data model (a
float, say) or not JSON, 2 usage or I/O errors.`,
	run: runCID,
}

func runCID(ctx context.Context, s *streams, cmd *command, args []string) int {
	fs := newFlagSet(cmd.name)
	asLexicon := fs.Bool("as-lexicon", false, `add "$type": "`+string(datamodel.SchemaCollection)+`" when absent (the CID of a lexicon document once published)`)
	maxValue := byteSize(defaultMaxValue)
	fs.Var(&maxValue, "max-value", "largest record in `BYTES`")
	files, code, ok := s.parse(cmd, fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		return s.usageError(cmd, fs, errors.New("no FILE given (use - for standard input)"))
	}
	for _, f := range files {
		if f == "-" {
			continue
		}
		info, err := os.Stat(f)
		if err != nil {
			return s.fail(cmd, err)
		}
		if !info.Mode().IsRegular() {
			return s.fail(cmd, notRegular(f, info.Mode()))
		}
	}
	h := &hasher{s: s, asLexicon: *asLexicon, limit: int64(maxValue)}
	for _, path := range files {
		if err := streamValues(ctx, path, s.stdin, h.limit, h.value); err != nil {
			if ctx.Err() != nil {
				err = errors.New("interrupted")
			}
			return s.fail(cmd, err)
		}
	}
	if h.failed {
		return exitInvalid
	}
	return exitOK
}

type hasher struct {
	s         *streams
	asLexicon bool
	limit     int64
	failed    bool
}

// value prints one CID; a value that has none is reported on stderr.
func (h *hasher) value(v verdict) error {
	c, err := h.cid(v)
	if err != nil {
		h.failed = true
		_, err = fmt.Fprintf(h.s.stderr, "lexval cid: %s: %s\n", safeText(v.src.String()), safeText(err.Error()))
		return err
	}
	_, err = fmt.Fprintf(h.s.stdout, "%s  %s\n", c, safeText(v.src.String()))
	return err
}

func (h *hasher) cid(in verdict) (string, error) {
	v, err := in.decode(h.limit, "record")
	if err != nil {
		return "", err
	}
	if obj, ok := v.(map[string]any); ok {
		if _, typed := obj["$type"]; !typed {
			switch {
			case h.asLexicon:
				pub, err := datamodel.PublishLexicon(obj, []byte(in.data))
				if err != nil {
					return "", err
				}
				return pub.CID.String(), nil
			case in.src.line == 0 && isLexiconDocument(obj):
				fmt.Fprintf(h.s.stderr, "lexval cid: note: %s is a lexicon document without $type, hashed as is; its CID once published is what --as-lexicon prints\n", safeText(in.src.String()))
			}
		}
	}
	c, err := datamodel.RecordCID(v)
	if err != nil {
		return "", err
	}
	return c.String(), nil
}

// isLexiconDocument recognises a lexicon document by its top-level fields.
func isLexiconDocument(obj map[string]any) bool {
	_, hasLexicon := obj["lexicon"]
	_, hasID := obj["id"]
	_, hasDefs := obj["defs"]
	return hasLexicon && hasID && hasDefs
}
