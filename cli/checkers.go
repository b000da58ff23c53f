package cli

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/service"
	"github.com/lexval/lexval/validator"
)

// typeCheckers checks each record against the record definition its $type
// names, preparing one Checker per distinct $type (concurrent first uses of a
// type prepare it once).
type typeCheckers struct {
	svc  *service.Service
	opts validator.Options
	lim  validator.Limits

	mu     sync.Mutex
	byType map[string]*typeChecker
}

// typeChecker is what one $type resolved to: a checker, or a verdict that
// holds for every value of that type (an unknown type), or a fatal error.
type typeChecker struct {
	once    sync.Once
	checker *service.Checker
	result  validator.Result
	err     error
}

func newTypeCheckers(svc *service.Service, opts validator.Options, lim validator.Limits) *typeCheckers {
	return &typeCheckers{svc: svc, opts: opts, lim: lim, byType: make(map[string]*typeChecker)}
}

func (t *typeCheckers) check(ctx context.Context, v any) (validator.Result, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return invalid("", "a record must be a JSON object (to check other values name a schema with --schema)"), nil
	}
	raw, ok := obj["$type"]
	if !ok {
		return invalid("/$type", "required field missing: $type (it names the record's lexicon; or check against one with --schema)"), nil
	}
	typ, ok := raw.(string)
	if !ok {
		return invalid("/$type", "$type must be a string"), nil
	}
	tc := t.lookup(typ)
	tc.once.Do(func() { tc.prepare(ctx, t.svc, typ, t.opts) })
	switch {
	case tc.err != nil:
		return validator.Result{}, tc.err
	case tc.checker == nil:
		return tc.result, nil
	}
	return tc.checker.Explain(ctx, v, t.lim)
}

func (t *typeCheckers) lookup(typ string) *typeChecker {
	t.mu.Lock()
	defer t.mu.Unlock()
	tc, ok := t.byType[typ]
	if !ok {
		tc = new(typeChecker)
		// A stream of made-up types must not grow memory without end: past
		// the service's own bound on kept checkers, each value prepares anew.
		if len(t.byType) < service.DefaultCheckerCacheSize {
			t.byType[typ] = tc
		}
	}
	return tc
}

func (tc *typeChecker) prepare(ctx context.Context, svc *service.Service, typ string, opts validator.Options) {
	ref, err := lexdoc.ParseDefRef(typ)
	if err != nil {
		tc.result = invalid("/$type", fmt.Sprintf("$type %q does not name a lexicon definition: %v", typ, err))
		return
	}
	tc.checker, err = svc.Prepare(ctx, service.Request{
		Schema:  service.SchemaRef{Def: ref},
		Target:  validator.TargetRecord,
		Options: opts,
	})
	if err == nil {
		return
	}
	switch service.ErrorCode(err) {
	case service.CodeNotFound:
		if opts.AllowUnresolved {
			// The whole record is an unresolved reference: valid, but
			// listed as not checked, like any other reference.
			tc.result = validator.Result{Valid: true, Unresolved: []validator.Unresolved{{Ref: typ}}}
			return
		}
		msg := fmt.Sprintf("unknown $type: %v", err)
		if errors.Is(err, resolver.ErrNotFound) && !svc.Network() {
			msg = fmt.Sprintf("unknown $type %s: lexicon %s is not in the catalog (add it with --lexicons DIR, or see --network and --allow-unresolved)", typ, ref.NSID)
		}
		tc.result = invalid("/$type", msg)
	case service.CodeInvalidRequest:
		// The service's error names the schema, hence the $type.
		tc.result = invalid("/$type", err.Error())
	default:
		tc.err = fmt.Errorf("$type: %w", err)
	}
}
