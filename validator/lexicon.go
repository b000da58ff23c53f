package validator

import (
	"slices"

	"github.com/lexval/lexval/lexdoc"
)

// What the validator reads of lexdoc's schemas beyond their fields.

// compilesAsParam reports whether the translator accepts a parameter (or
// parameter array element) of type t: the spec's types (lexdoc's IsParam),
// and unknown, which the spec does not allow but @atproto/lexicon accepts
// (its params schema lists unknown among the primitives), as issue 2 asked
// too. None of the 402 lexicons of the atproto repository has one, but a
// published lexicon elsewhere may, written against the reference
// implementation; refusing to compile it would leave every value of it
// unchecked. So the compiler takes it and Lint reports it: here compiling
// and linting differ on purpose.
func compilesAsParam(t lexdoc.Type) bool {
	return t.IsParam() || t == lexdoc.TypeUnknown
}

// valueSet is what a boolean, integer or string schema allows beyond its
// type: a const and an enum, each a closed set.
type valueSet struct {
	constVal any // bool, int64 or string; nil when absent
	intEnum  []int64
	strEnum  []string
	hasEnum  bool
}

// valuesOf returns the const and enum of s (none for other types).
func valuesOf(s lexdoc.Schema) valueSet {
	var vs valueSet
	switch n := s.(type) {
	case *lexdoc.Boolean:
		if n.Const.Set {
			vs.constVal = n.Const.Value
		}
	case *lexdoc.Integer:
		if n.Const.Set {
			vs.constVal = n.Const.Value
		}
		vs.intEnum, vs.hasEnum = n.Enum, n.Enum != nil
	case *lexdoc.String:
		if n.Const.Set {
			vs.constVal = n.Const.Value
		}
		vs.strEnum, vs.hasEnum = n.Enum, n.Enum != nil
	}
	return vs
}

// enumHas reports whether v (a bool, int64 or string constant) is one of the
// enum values.
func (vs valueSet) enumHas(v any) bool {
	switch x := v.(type) {
	case int64:
		return slices.Contains(vs.intEnum, x)
	case string:
		return slices.Contains(vs.strEnum, x)
	}
	return false
}

// allowsNoValue reports a const or enum that no value can meet: an empty
// enum, or a const that is not one of the enum values.
func (vs valueSet) allowsNoValue() bool {
	if !vs.hasEnum {
		return false
	}
	if vs.constVal != nil {
		return !vs.enumHas(vs.constVal)
	}
	return len(vs.intEnum) == 0 && len(vs.strEnum) == 0
}

// requires reports whether the object or params schema s lists name in its
// required list.
func requires(s lexdoc.Schema, name string) bool {
	switch n := s.(type) {
	case *lexdoc.Object:
		return n.IsRequired(name)
	case *lexdoc.Params:
		return n.IsRequired(name)
	}
	return false
}

// endpoint returns the parameters and bodies of a query, procedure or
// subscription (nil for what it lacks, or for any other definition).
func endpoint(def lexdoc.Schema) (params *lexdoc.Params, input, output, message *lexdoc.Body) {
	switch d := def.(type) {
	case *lexdoc.Query:
		return d.Parameters, nil, d.Output, nil
	case *lexdoc.Procedure:
		return d.Parameters, d.Input, d.Output, nil
	case *lexdoc.Subscription:
		return d.Parameters, nil, nil, d.Message
	}
	return nil, nil, nil, nil
}
