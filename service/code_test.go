package service

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

func TestErrorCode(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Code
	}{
		{name: "nil", err: nil, want: ""},
		{name: "invalid request", err: fmt.Errorf("%w: bad", ErrInvalidRequest), want: CodeInvalidRequest},
		{name: "invalid JSON", err: fmt.Errorf("decode: %w", datamodel.ErrInvalidJSON), want: CodeInvalidRequest},
		{name: "ambiguous target", err: fmt.Errorf("x: %w", validator.ErrAmbiguousTarget), want: CodeInvalidRequest},
		{name: "no target", err: validator.ErrNoTarget, want: CodeInvalidRequest},
		{name: "invalid lexicon", err: validator.ErrInvalidLexicon, want: CodeInvalidRequest},
		{name: "definition not found", err: fmt.Errorf("x: %w", validator.ErrNotFound), want: CodeNotFound},
		{name: "record not found", err: fmt.Errorf("x: %w", resolver.ErrNotFound), want: CodeNotFound},
		{name: "CID mismatch", err: fmt.Errorf("x: %w", resolver.ErrCIDMismatch), want: CodeCIDMismatch},
		{name: "proof invalid", err: fmt.Errorf("x: %w", &resolver.ProofError{URI: "at://did:plc:x/a.b.c/r", Reason: resolver.ErrProofSignature}), want: CodeProofInvalid},
		{name: "record fetched not found", err: &recordError{err: fmt.Errorf("%w: gone", resolver.ErrNotFound)}, want: CodeRecordNotFound},
		{name: "record fetch failed", err: &recordError{err: fmt.Errorf("%w: down", resolver.ErrResolution)}, want: CodeUpstreamFailure},
		{name: "resolution failed", err: fmt.Errorf("%w: dns: %w", resolver.ErrResolution, errors.New("no such host")), want: CodeUpstreamFailure},
		{name: "blocked address", err: resolver.ErrBlockedAddress, want: CodeUpstreamFailure},
		{name: "invalid record", err: resolver.ErrInvalidRecord, want: CodeUpstreamFailure},
		{name: "resolver timeout", err: resolver.ErrTimeout, want: CodeUpstreamTimeout},
		{name: "no store", err: ErrNoStore, want: CodeUnavailable},
		{name: "store failed", err: fmt.Errorf("%w: %w", ErrStore, errors.New("connection refused")), want: CodeUnavailable},
		{name: "deadline", err: fmt.Errorf("fetch: %w", context.DeadlineExceeded), want: CodeUpstreamTimeout},
		{name: "canceled", err: context.Canceled, want: CodeUpstreamTimeout},
		{name: "resolution failed by timeout", err: fmt.Errorf("%w: %w", resolver.ErrResolution, context.DeadlineExceeded), want: CodeUpstreamTimeout},
		{name: "ambiguous beats not found", err: fmt.Errorf("%w: %w", validator.ErrAmbiguousTarget, validator.ErrNotFound), want: CodeInvalidRequest},
		{name: "unknown", err: errors.New("boom"), want: CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorCode(tt.err); got != tt.want {
				t.Errorf("ErrorCode(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}
