package store

import (
	"fmt"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
)

// NewVersion makes the version of did's schema record for nsid whose value
// is v (a tree datamodel.DecodeJSON built): its DAG-CBOR encoding and CID,
// and its lint findings as a lexicon document (references to other
// lexicons are not findings: they resolve elsewhere). A value outside the
// data model, or that is not the publication of lexicon nsid ($type, id
// equal to the record key), is an error wrapping ErrInvalidVersion; a
// document with lint findings is not, its findings are kept to be shown.
// The caller sets the rest (revision, proof, source, times).
func NewVersion(did syntax.DID, nsid syntax.NSID, v any) (*Version, error) {
	uri := "at://" + string(did) + "/" + string(resolver.SchemaCollection) + "/" + string(nsid)
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: %s: the record is %s, not an object", ErrInvalidVersion, uri, datamodel.KindOf(v))
	}
	if err := resolver.CheckSchemaRecord(m, nsid); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidVersion, uri, err)
	}
	block, err := datamodel.EncodeDAGCBOR(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidVersion, uri, err)
	}
	report := lexdoc.Lint(v, nil, lexdoc.LintOptions{AllowUnresolved: true})
	return &Version{
		DID:      did,
		NSID:     nsid,
		CID:      blockCID(block),
		Record:   block,
		Problems: report.Findings,
	}, nil
}
