package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
)

// RecordInfo says which record a verdict was made on, when it was fetched by
// AT-URI: the record and how it was proven.
type RecordInfo struct {
	URI   string         `json:"uri"`
	CID   string         `json:"cid"`
	Proof resolver.Proof `json:"proof"`
}

// NewRecordInfo describes a proven record.
func NewRecordInfo(rec *resolver.ProvenRecord) RecordInfo {
	return RecordInfo{URI: string(rec.URI), CID: rec.CID.String(), Proof: rec.Proof}
}

// ParseRecordURI parses the AT-URI of a record of any collection:
// at://DID/COLLECTION/RKEY, or at://HANDLE/COLLECTION/RKEY (FetchRecord
// resolves the handle, confirmed both ways). Errors have
// CodeInvalidRequest.
func ParseRecordURI(s string) (syntax.ATURI, error) {
	if !strings.HasPrefix(s, "at://") {
		return "", fmt.Errorf("%w: %q is not an AT-URI (want at://DID/COLLECTION/RKEY)", ErrInvalidRequest, s)
	}
	uri, err := lexdoc.ParseATURI(s)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if uri.Collection() == "" || uri.RecordKey() == "" {
		return "", fmt.Errorf("%w: AT-URI %q does not name a record (want at://DID/COLLECTION/RKEY)", ErrInvalidRequest, s)
	}
	return uri, nil
}

// FetchRecord returns the record at uri from its author's repository,
// proven by the signed commit that holds it (resolver.FetchRecord). A
// record the repository does not hold has CodeRecordNotFound; a proof
// refused, CodeProofInvalid; with network resolution off, every record
// has CodeInvalidRequest.
func (s *Service) FetchRecord(ctx context.Context, uri syntax.ATURI) (*resolver.ProvenRecord, error) {
	if !s.res.Network() {
		return nil, fmt.Errorf("%w: record %s: records named by AT-URI are fetched from the network, and network resolution is off", ErrInvalidRequest, uri)
	}
	rec, err := s.res.FetchRecord(ctx, uri)
	if err != nil {
		return nil, &recordError{err: err}
	}
	return rec, nil
}

// recordError marks the failure of a record fetch by AT-URI, so that
// ErrorCode tells a record that is not there (RecordNotFound) from a
// lexicon that is not (LexiconNotFound). It adds nothing to the message:
// the resolver's names the record.
type recordError struct{ err error }

func (e *recordError) Error() string { return e.err.Error() }
func (e *recordError) Unwrap() error { return e.err }
