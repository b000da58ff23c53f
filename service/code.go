package service

import (
	"context"
	"errors"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// Code classifies a failure for front ends. Its string is the XRPC error name.
type Code string

const (
	CodeInvalidRequest  Code = "InvalidRequest"     // bad input: 400, exit 2
	CodeNotFound        Code = "LexiconNotFound"    // unknown schema: 404
	CodeCIDMismatch     Code = "CIDMismatch"        // pinned or published CID differs: 409
	CodeProofInvalid    Code = "ProofInvalid"       // the upstream served a record it could not prove: 502
	CodeRecordNotFound  Code = "RecordNotFound"     // a record fetched by AT-URI is not there: 404
	CodeUpstreamFailure Code = "UpstreamFailure"    // network resolution failed: 502
	CodeUpstreamTimeout Code = "UpstreamTimeout"    // network resolution timed out: 504
	CodeUnavailable     Code = "ServiceUnavailable" // no store, or its database failed: 503
	CodeInternal        Code = "InternalError"      // a bug: 500
)

// ErrInvalidRequest marks a request that cannot be answered as asked: a
// malformed schema reference or CID, an ambiguous or missing target, an
// unpublishable lexicon document. It is wrapped together with the cause.
var ErrInvalidRequest = errors.New("invalid request")

// ErrorCode classifies err (from this package, the resolver or the validator).
// A nil error has no code and yields "".
func ErrorCode(err error) Code {
	switch {
	case err == nil:
		return ""
	// Request errors first: an ambiguous target wraps the validator's
	// sentinel too, and it is still the caller's to fix.
	case errors.Is(err, ErrInvalidRequest),
		errors.Is(err, datamodel.ErrInvalidJSON),
		errors.Is(err, validator.ErrAmbiguousTarget),
		errors.Is(err, validator.ErrNoTarget),
		errors.Is(err, validator.ErrInvalidLexicon):
		return CodeInvalidRequest
	case errors.Is(err, ErrNoStore), errors.Is(err, ErrStore):
		return CodeUnavailable
	case errors.Is(err, resolver.ErrProofInvalid):
		return CodeProofInvalid
	case errors.Is(err, resolver.ErrCIDMismatch):
		return CodeCIDMismatch
	case errors.Is(err, resolver.ErrNotFound) && errors.As(err, new(*recordError)):
		return CodeRecordNotFound
	case errors.Is(err, resolver.ErrNotFound), errors.Is(err, validator.ErrNotFound):
		return CodeNotFound
	case errors.Is(err, resolver.ErrTimeout),
		errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, context.Canceled):
		return CodeUpstreamTimeout
	case errors.Is(err, resolver.ErrResolution),
		errors.Is(err, resolver.ErrBlockedAddress),
		errors.Is(err, resolver.ErrInvalidRecord):
		return CodeUpstreamFailure
	}
	return CodeInternal
}
