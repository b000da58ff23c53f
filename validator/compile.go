package validator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"golang.org/x/sync/singleflight"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// Compiler compiles definitions of one catalog into Schemas and caches them
// (key: definition, target, options; the catalog is immutable, so a
// definition names one revision). It is safe for concurrent use; compiling
// the same key twice at once compiles once.
type Compiler struct {
	catalog *lexdoc.Catalog

	// mu guards js: a v5 Compiler is not safe for concurrent use. Compiled
	// v5 schemas are, and validation never takes mu.
	mu sync.Mutex
	js *jsonschema.Compiler

	group singleflight.Group
	// units maps a unit's resource URL (unitURL, a function of definition
	// and target, and what v5 errors name) to the *unit.
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

// NewCompiler returns a Compiler over cat.
func NewCompiler(cat *lexdoc.Catalog) *Compiler {
	c := &Compiler{catalog: cat, js: jsonschema.NewCompiler()}
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

// Compile returns the schema for ref and target. Errors wrap ErrNotFound,
// ErrNoTarget or ErrInvalidLexicon, and speak of the lexicon, never of the
// JSON Schema it compiles to.
func (c *Compiler) Compile(ref lexdoc.DefRef, target Target, opts Options) (*Schema, error) {
	if ref.Name == "" {
		ref.Name = "main"
	}
	key := schemaKey{unitKey{ref, target}, opts}
	if s, ok := c.schemas.Load(key); ok {
		return s.(*Schema), nil
	}
	u, err := c.unit(ref, target)
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

// unit returns the compiled unit for ref and target, compiling it once.
func (c *Compiler) unit(ref lexdoc.DefRef, target Target) (*unit, error) {
	key := unitKey{ref, target}
	if u, ok := c.byKey.Load(key); ok {
		return u.(*unit), nil
	}
	url := unitURL(ref, target)
	v, err, _ := c.group.Do(url, func() (any, error) {
		if u, ok := c.units.Load(url); ok {
			return u, nil
		}
		u, err := c.compileUnit(ref, target, url)
		if err != nil {
			return nil, err
		}
		c.units.Store(url, u)
		c.byKey.Store(key, u)
		return u, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*unit), nil
}

func (c *Compiler) compileUnit(ref lexdoc.DefRef, target Target, url string) (*unit, error) {
	def, err := c.catalog.Def(ref)
	if err != nil {
		return nil, err
	}
	tr, err := translate(c.catalog, ref, def, target)
	if err != nil {
		return nil, err
	}
	doc, err := json.Marshal(tr.doc)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidLexicon, ref, err)
	}
	u := &unit{ref: ref, target: target, def: def, doc: doc, index: tr.index}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.js.AddResource(url, bytes.NewReader(doc)); err != nil {
		return nil, compileError(ref, target, err)
	}
	js, err := c.js.Compile(url)
	if err != nil {
		return nil, compileError(ref, target, err)
	}
	u.js = js
	if fast, ok := buildFast(js); ok {
		u.fast = fast
	}
	return u, nil
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
	u, err = c.unit(ref, target)
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
	v, err := datamodel.DecodeJSON(data)
	if err != nil {
		return Result{}, err
	}
	return s.Validate(v), nil
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
