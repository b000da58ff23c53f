package validator

import "encoding/json"

// Compiler compiles definitions of one catalog into Schemas and caches them
// (key: definition, its document's CID, target, options). It is safe for
// concurrent use; compiling the same key twice at once compiles once.
type Compiler struct {
	catalog *Catalog
}

// NewCompiler returns a Compiler over cat.
func NewCompiler(cat *Catalog) *Compiler {
	return &Compiler{catalog: cat}
}

// Catalog returns the compiler's catalog.
func (c *Compiler) Catalog() *Catalog { return c.catalog }

// Compile returns the schema for ref and target. Errors wrap ErrNotFound,
// ErrNoTarget or ErrInvalidLexicon.
func (c *Compiler) Compile(ref DefRef, target Target, opts Options) (*Schema, error) {
	panic("TODO(validator)")
}

// Schema is a compiled definition+target. It is immutable and safe for
// concurrent use.
type Schema struct {
	ref    DefRef
	target Target
}

// Ref returns the definition the schema was compiled from.
func (s *Schema) Ref() DefRef { return s.ref }

// Target returns the target the schema checks.
func (s *Schema) Target() Target { return s.target }

// Validate checks a value decoded by DecodeJSON.
func (s *Schema) Validate(v any) Result {
	panic("TODO(validator)")
}

// ValidateJSON decodes data and validates it; a decode failure is an error
// wrapping ErrInvalidJSON, not a Result.
func (s *Schema) ValidateJSON(data []byte) (Result, error) {
	v, err := DecodeJSON(data)
	if err != nil {
		return Result{}, err
	}
	return s.Validate(v), nil
}

// JSONSchema returns the JSON Schema (draft 2020-12) the definition compiles
// to, with every lexicon it references, as one self-contained document.
func (s *Schema) JSONSchema() json.RawMessage {
	panic("TODO(validator)")
}

// CheckRecordKey checks rkey against the record definition's key type (tid,
// nsid, any, literal:<value>). It returns an error for a non-record schema.
func (s *Schema) CheckRecordKey(rkey string) error {
	panic("TODO(validator)")
}
