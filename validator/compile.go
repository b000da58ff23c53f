package validator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// Compiler compiles definitions of one catalog into Schemas and caches them
// (key: definition, target, options; the catalog is immutable, so a
// definition names one revision). It is safe for concurrent use; compiling
// the same key twice at once compiles once.
type Compiler struct {
	catalog *lexdoc.Catalog
	gate    *CompileGate // nil: no bound
	// maxRefDepth is lexdoc.MaxRefDepth; tests raise it to measure what
	// the limit keeps out.
	maxRefDepth int

	// mu guards js and compiling: a v5 Compiler is not safe for concurrent
	// use. Compiled v5 schemas are, and validation never takes mu.
	mu sync.Mutex
	js *jsonschema.Compiler
	// compiling is the context of the compile holding mu, which the
	// keyword's compiler (called by v5 for every schema object) looks at
	// every pollEvery calls (polls counts them).
	compiling context.Context
	polls     int
	stoppedBy error // the cause poll found

	// flights are the compiles under way, by unit URL (see unit).
	flightMu sync.Mutex
	flights  map[string]*flight
	// units maps a unit's resource URL (unitURL, a function of definition
	// and target, and what v5 errors name) to the *unit, and the URL of each
	// of its $defs entries (resourceURL) to a *unit holding only that
	// entry's index, which is all that errors located there need.
	units sync.Map
	// byKey maps the unitKey to the same *unit, for lookups that must not
	// allocate: building the URL would, for every $type an open union does
	// not list but the catalog knows.
	byKey   sync.Map
	schemas sync.Map // schemaKey → *Schema
}

// unit is one translated and compiled definition+target. Options only change
// how its errors become a Result, so every Options shares one unit.
type unit struct {
	ref    lexdoc.DefRef
	target Target
	def    lexdoc.Schema
	js     *jsonschema.Schema
	fast   *fastNode // nil when the schema uses what the fast path does not cover
	doc    []byte    // the JSON Schema document
	index  map[string]*entry
}

type unitKey struct {
	ref    lexdoc.DefRef
	target Target
}

type schemaKey struct {
	unitKey
	opts Options
}

// CompilerConfig tunes a Compiler; the zero value is the default.
type CompilerConfig struct {
	// Gate bounds the compiles that run at once, with those of every other
	// Compiler given the same gate; nil sets no bound.
	Gate *CompileGate
}

// NewCompiler returns a Compiler over cat.
func NewCompiler(cat *lexdoc.Catalog) *Compiler {
	return NewCompilerWith(cat, CompilerConfig{})
}

// NewCompilerWith returns a Compiler over cat, tuned by cfg.
func NewCompilerWith(cat *lexdoc.Catalog, cfg CompilerConfig) *Compiler {
	c := &Compiler{catalog: cat, gate: cfg.Gate, maxRefDepth: lexdoc.MaxRefDepth, js: jsonschema.NewCompiler(), flights: map[string]*flight{}}
	c.js.Draft = jsonschema.Draft2020
	c.js.AssertFormat = true
	// Every resource is added before it is compiled; nothing is ever loaded
	// from a file or the network.
	c.js.LoadURL = func(s string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("schema %s is not part of the catalog", s)
	}
	for _, name := range lexdoc.FormatNames() {
		c.js.Formats[name] = formatChecker(name)
	}
	c.js.RegisterExtension(keyword, extensionMeta, extension{c: c})
	return c
}

func formatChecker(name string) func(any) bool {
	check, _ := lexdoc.FormatChecker(name)
	return func(v any) bool {
		s, ok := v.(string)
		return !ok || check(s) // "type" reports non-strings
	}
}

// Catalog returns the compiler's catalog.
func (c *Compiler) Catalog() *lexdoc.Catalog { return c.catalog }

// Compile is CompileContext without a context: the compile runs to its end.
func (c *Compiler) Compile(ref lexdoc.DefRef, target Target, opts Options) (*Schema, error) {
	return c.CompileContext(context.Background(), ref, target, opts)
}

// CompileContext returns the schema for ref and target. Errors wrap
// ErrNotFound, ErrNoTarget or ErrInvalidLexicon, and speak of the lexicon,
// never of the JSON Schema it compiles to. A definition whose references
// chain through more than lexdoc.MaxRefDepth definitions is an
// ErrInvalidLexicon (and lexdoc.ErrLimit) before anything is translated.
//
// When ctx ends first, CompileContext returns its cause at once. The
// compile itself, which other callers may be waiting for too, stops when
// none is left waiting; one that is finished is kept for the next caller.
// With a gate (CompilerConfig.Gate), the compile waits for a slot first.
func (c *Compiler) CompileContext(ctx context.Context, ref lexdoc.DefRef, target Target, opts Options) (*Schema, error) {
	if ref.Name == "" {
		ref.Name = "main"
	}
	key := schemaKey{unitKey{ref, target}, opts}
	if s, ok := c.schemas.Load(key); ok {
		return s.(*Schema), nil
	}
	u, err := c.unit(ctx, ref, target)
	if err != nil {
		return nil, err
	}
	s, _ := c.schemas.LoadOrStore(key, &Schema{unit: u, opts: opts, c: c})
	return s.(*Schema), nil
}

// unitURL is the resource URL of the unit for ref and target.
func unitURL(ref lexdoc.DefRef, target Target) string {
	return "urn:lexval:" + string(ref.NSID) + ":" + ref.Name + ":" + string(target)
}

// flight is one compile of a unit, which every caller asking for the unit
// meanwhile waits for. It runs on a goroutine of its own under a context
// that ends when its last waiter leaves, so that a compile nobody waits for
// does not go on taking a core.
type flight struct {
	done    chan struct{}
	u       *unit
	err     error
	waiters int // guarded by Compiler.flightMu
	cancel  context.CancelFunc
}

// unit returns the compiled unit for ref and target, compiling it once.
func (c *Compiler) unit(ctx context.Context, ref lexdoc.DefRef, target Target) (*unit, error) {
	key := unitKey{ref, target}
	if u, ok := c.byKey.Load(key); ok {
		return u.(*unit), nil
	}
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	url := unitURL(ref, target)
	c.flightMu.Lock()
	if u, ok := c.byKey.Load(key); ok { // finished meanwhile
		c.flightMu.Unlock()
		return u.(*unit), nil
	}
	f, ok := c.flights[url]
	if !ok {
		// The compile keeps the first caller's values, not its end.
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		f = &flight{done: make(chan struct{}), cancel: cancel}
		c.flights[url] = f
		go c.fly(fctx, f, key, url)
	}
	f.waiters++
	c.flightMu.Unlock()
	select {
	case <-f.done:
		return f.u, f.err
	case <-ctx.Done():
		c.flightMu.Lock()
		if f.waiters--; f.waiters == 0 {
			f.cancel()
			if c.flights[url] == f {
				delete(c.flights, url) // the next caller starts afresh
			}
		}
		c.flightMu.Unlock()
		return nil, context.Cause(ctx)
	}
}

// fly runs flight f. A unit compiled is kept; an error is not, so that a
// compile stopped for want of waiters is tried again by the next caller.
func (c *Compiler) fly(ctx context.Context, f *flight, key unitKey, url string) {
	defer f.cancel()
	u, err := c.gated(ctx, key.ref, key.target, url)
	c.flightMu.Lock()
	if err == nil {
		c.units.Store(url, u)
		c.byKey.Store(key, u)
	}
	if c.flights[url] == f {
		delete(c.flights, url)
	}
	c.flightMu.Unlock()
	f.u, f.err = u, err
	close(f.done)
}

// gated compiles a unit holding a slot of the gate. A panic (a bug: v5 is
// given only what the translator writes) becomes an error, as it would on
// the caller's goroutine, where servers recover it.
func (c *Compiler) gated(ctx context.Context, ref lexdoc.DefRef, target Target, url string) (u *unit, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("validator: compiling %s (%s) failed: %v", ref, target, r)
		}
	}()
	if err := c.gate.acquire(ctx); err != nil {
		return nil, err
	}
	defer c.gate.release()
	return c.compileUnit(ctx, ref, target, url)
}

func (c *Compiler) compileUnit(ctx context.Context, ref lexdoc.DefRef, target Target, url string) (*unit, error) {
	def, err := c.catalog.Def(ref)
	if err != nil {
		return nil, err
	}
	if err := c.checkDepth(ref, def, target); err != nil {
		return nil, err
	}
	tr, err := translate(ctx, c.catalog, ref, def, target)
	if err != nil {
		return nil, err
	}
	doc, resources, err := tr.marshal(url)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidLexicon, ref, err)
	}
	u := &unit{ref: ref, target: target, def: def, doc: doc, index: tr.root.index}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range resources {
		if err := c.js.AddResource(r.url, bytes.NewReader(r.doc)); err != nil {
			return nil, compileError(ref, target, err)
		}
	}
	c.compiling, c.stoppedBy = ctx, nil
	js, err := c.js.Compile(url)
	c.compiling = nil
	if c.stoppedBy != nil {
		return nil, c.stoppedBy
	}
	if err != nil {
		return nil, compileError(ref, target, err)
	}
	u.js = js
	if fast, ok := buildFast(js); ok {
		u.fast = fast
	}
	for _, r := range resources[1:] {
		c.units.Store(r.url, &unit{ref: ref, target: target, index: r.index})
	}
	return u, nil
}

// poll returns the cause of the end of the compile holding mu, every
// pollEvery calls; nil while it goes on.
func (c *Compiler) poll() error {
	if c.compiling == nil {
		return nil
	}
	if c.polls++; c.polls%pollEvery != 0 {
		return nil
	}
	c.stoppedBy = context.Cause(c.compiling)
	return c.stoppedBy
}

// checkDepth refuses a definition whose references chain deeper than
// lexdoc.MaxRefDepth, which Lint reports too.
func (c *Compiler) checkDepth(ref lexdoc.DefRef, def lexdoc.Schema, target Target) error {
	body := def
	if target != TargetRecord && target != TargetObject {
		b, err := targetBody(ref, def, target)
		if err != nil {
			return err
		}
		body = b
	}
	if d := c.catalog.RefDepth(body); d > c.maxRefDepth {
		return fmt.Errorf("%w: %w: %s: references pass through a chain of %d definitions, more than the %d a chain may have", ErrInvalidLexicon, lexdoc.ErrLimit, ref, d, c.maxRefDepth)
	}
	return nil
}

// compileError says in lexicon terms that v5 could not compile the
// translation of ref and target. v5's own words speak of the URNs and $ref
// pointers a lexicon is compiled to, which its author never wrote, so they
// stay here, and lexdoc.Lint says which definition is at fault. The error
// wraps ErrInvalidLexicon and no v5 error.
func compileError(ref lexdoc.DefRef, target Target, err error) error {
	var loop jsonschema.InfiniteLoopError
	if errors.As(err, &loop) {
		return fmt.Errorf("%w: %s (%s) cannot be compiled: its references lead back to themselves without describing a value (lint the lexicon to see where)", ErrInvalidLexicon, ref, target)
	}
	return fmt.Errorf("%w: %s (%s) cannot be compiled (lint the lexicon to see why)", ErrInvalidLexicon, ref, target)
}

// variantUnit returns the compiled unit for an unlisted $type of an open
// union, nil when the catalog does not know it. kind is set (and the unit nil)
// when the $type names a definition that cannot be a union variant. It runs
// for every such $type of every value, so a type the catalog lacks costs a
// map lookup and no error value.
func (c *Compiler) variantUnit(ref lexdoc.DefRef) (u *unit, kind lexdoc.Type, err error) {
	def, ok := c.catalog.Lookup(ref)
	if !ok {
		return nil, "", nil
	}
	if !def.Type().IsVariant() {
		return nil, def.Type(), nil
	}
	target := TargetObject
	if def.Type() == lexdoc.TypeRecord {
		target = TargetRecord
	}
	// Values carry no context: a variant compiles to its end (the catalog's
	// documents are within lexdoc's limits).
	u, err = c.unit(context.Background(), ref, target)
	if err != nil {
		return nil, "", err
	}
	return u, "", nil
}

// Schema is a compiled definition+target. It is immutable and safe for
// concurrent use.
type Schema struct {
	unit *unit
	opts Options
	c    *Compiler
}

// Ref returns the definition the schema was compiled from.
func (s *Schema) Ref() lexdoc.DefRef { return s.unit.ref }

// Target returns the target the schema checks.
func (s *Schema) Target() Target { return s.unit.target }

// Options returns the options the schema was compiled with.
func (s *Schema) Options() Options { return s.opts }

// ValidateJSON decodes data and validates it; a decode failure is an error
// wrapping ErrInvalidJSON, not a Result.
func (s *Schema) ValidateJSON(data []byte) (Result, error) {
	v, dmValid, err := datamodel.DecodeJSONFlat(string(data))
	if err != nil {
		return Result{}, err
	}
	return s.ExplainDecoded(context.Background(), v, dmValid, Limits{})
}

// JSONSchema returns the JSON Schema (draft 2020-12) the definition compiles
// to, with every definition it references, as one self-contained document.
// Open unions name their listed variants; types a value brings that are not
// listed are checked when met, from the catalog, and are not part of it.
func (s *Schema) JSONSchema() json.RawMessage {
	return slices.Clone(s.unit.doc)
}

// errNotRecord: CheckRecordKey on a schema that is not a record.
var errNotRecord = errors.New("not a record schema")
