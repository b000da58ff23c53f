package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

// ByType checks records against the record definition of the lexicon
// their $type names, as a record carries it: the CLI without --schema, the
// API without "schema", the MCP tool without a schema. One ByType serves a
// run or a request; each distinct $type is prepared once, also by
// concurrent callers, and a stream of made-up types grows it no further
// than the service's bound on kept checkers.
type ByType struct {
	svc  *Service
	opts validator.Options
	// hint ends the message of a $type whose lexicon is not found, saying
	// what the front end offers (a flag, a field).
	hint string

	mu     sync.Mutex
	byType map[string]*typeEntry
}

// typeEntry is what one $type resolved to: a checker, a verdict that holds
// for every value of that type, or an error that is no value's fault.
type typeEntry struct {
	once    sync.Once
	checker *Checker
	verdict validator.Result
	err     error
}

// ByType returns a ByType with options opts. hint, when not empty, ends the
// message of an unknown $type whose lexicon is not found, in the front end's
// terms (e.g. "add it with --lexicons DIR").
func (s *Service) ByType(opts validator.Options, hint string) *ByType {
	return &ByType{svc: s, opts: opts, hint: hint, byType: make(map[string]*typeEntry)}
}

// Prepared returns the checker of v's $type when the service keeps it
// ready: no resolution, no compilation, so callers can spare a deadline.
func (b *ByType) Prepared(v any) (*Checker, bool) {
	typ, ok := recordType(v)
	if !ok {
		return nil, false
	}
	ref, err := b.svc.ParseSchemaRef(typ)
	if err != nil || ref.URI != "" {
		return nil, false
	}
	return b.svc.Prepared(b.request(ref))
}

func (b *ByType) request(ref SchemaRef) Request {
	return Request{Schema: ref, Target: validator.TargetRecord, Options: b.opts}
}

// Checker returns the checker of v's $type. When v's $type names nothing
// that can check it (v is not an object, has no $type or one that names no
// lexicon's record) checker is nil and verdict is v's: invalid, with the
// error at /$type; or, with AllowUnresolved and a lexicon that is not found,
// valid with the $type listed as unresolved. err is a failure that is no
// value's fault (the network's), for the caller to report.
func (b *ByType) Checker(ctx context.Context, v any) (checker *Checker, verdict validator.Result, err error) {
	typ, ok := recordType(v)
	if !ok {
		return nil, typeProblem(v), nil
	}
	e := b.entry(typ)
	e.once.Do(func() { b.prepare(ctx, e, typ) })
	return e.checker, e.verdict, e.err
}

func (b *ByType) entry(typ string) *typeEntry {
	b.mu.Lock()
	defer b.mu.Unlock()
	e, ok := b.byType[typ]
	if !ok {
		e = new(typeEntry)
		if len(b.byType) < DefaultCheckerCacheSize {
			b.byType[typ] = e
		}
	}
	return e
}

// recordType is v's $type, when v is an object with a string $type.
func recordType(v any) (string, bool) {
	t, _ := datamodel.Field(v, "$type")
	typ, ok := t.(string)
	return typ, ok
}

// typeProblem is the verdict on a value without a usable $type.
func typeProblem(v any) validator.Result {
	obj, ok := datamodel.Maps(v).(map[string]any)
	switch {
	case !ok:
		return invalidAt("", "a record must be a JSON object (to check another kind of value, name its schema)")
	case obj["$type"] == nil:
		if _, present := obj["$type"]; !present {
			return invalidAt("/$type", "required field missing: $type (it names the record's lexicon; or name the schema to check against)")
		}
	}
	return invalidAt("/$type", "$type must be a string")
}

func invalidAt(path, message string) validator.Result {
	return validator.Result{Errors: []validator.Error{{Path: path, Message: message}}}
}

func (b *ByType) prepare(ctx context.Context, e *typeEntry, typ string) {
	ref, err := b.svc.ParseSchemaRef(typ)
	if err == nil && ref.URI != "" {
		err = fmt.Errorf("%w: an AT-URI, where a $type is an NSID", ErrInvalidRequest)
	}
	if err != nil {
		e.verdict = invalidAt("/$type", fmt.Sprintf("$type %q does not name a lexicon definition: %v", typ, technicalCause(err)))
		return
	}
	e.checker, err = b.svc.Prepare(ctx, b.request(ref))
	if err == nil {
		return
	}
	switch ErrorCode(err) {
	case CodeNotFound:
		if b.opts.AllowUnresolved {
			// The whole record is an unresolved reference: valid, but
			// listed as not checked, like any other reference.
			e.verdict = validator.Result{Valid: true, Unresolved: []validator.Unresolved{{Ref: typ}}}
			return
		}
		msg := fmt.Sprintf("unknown $type: %v", err)
		if errors.Is(err, resolver.ErrNotFound) && !b.svc.Network() {
			msg = fmt.Sprintf("unknown $type %s: lexicon %s is not in the catalog", typ, ref.Def.NSID)
			if near := b.svc.SuggestNSID(ref.Def.NSID.String()); len(near) > 0 {
				msg += " (did you mean " + near[0] + "?)"
			}
			if b.hint != "" {
				msg += "; " + b.hint
			}
		}
		e.verdict = invalidAt("/$type", msg)
	case CodeInvalidRequest:
		// The service's error names the schema, hence the $type.
		e.verdict = invalidAt("/$type", technicalCause(err))
	default:
		e.err = fmt.Errorf("$type %s: %w", typ, err)
	}
}

// technicalCause is err's text without the kind a verdict already implies.
func technicalCause(err error) string {
	return strings.Replace(err.Error(), ErrInvalidRequest.Error()+": ", "", 1)
}
