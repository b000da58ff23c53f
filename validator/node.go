package validator

import "slices"

// node is one parsed lexicon schema object: a definition, a property, an
// array's items, a body schema. Only the fields of its type are set. Nodes are
// immutable after parsing and shared by every schema compiled from them.
type node struct {
	typ string
	// loc is the lexicon location of the node, e.g.
	// "app.bsky.feed.post#main/properties/text" (see Error.SchemaPath).
	loc         string
	description string

	// boolean, integer, string
	constVal any // bool, int64 or string; nil when absent
	intEnum  []int64
	strEnum  []string
	hasEnum  bool

	// integer
	minimum, maximum optInt

	// string; minLength/maxLength also for bytes and array
	format                     string
	minLength, maxLength       optInt
	minGraphemes, maxGraphemes optInt
	knownValues                []string

	// array
	items *node

	// object, params
	properties map[string]*node
	propNames  []string // sorted
	required   []string
	nullable   []string

	// blob
	accept  []string
	maxSize optInt

	// ref
	ref DefRef
	// union
	refs   []DefRef
	closed bool

	// record
	key    string
	record *node

	// query, procedure, subscription
	parameters *node
	input      *body
	output     *body
	message    *body
}

// body is the input or output of a query or procedure, or a subscription's
// message.
type body struct {
	encoding string
	schema   *node // nil when the body has no schema
}

// optInt is an optional integer constraint.
type optInt struct {
	v   int64
	set bool
}

// enumHas reports whether v (a bool, int64 or string constant) is one of the
// node's enum values.
func (n *node) enumHas(v any) bool {
	switch x := v.(type) {
	case int64:
		return slices.Contains(n.intEnum, x)
	case string:
		return slices.Contains(n.strEnum, x)
	}
	return false
}

// allowsNoValue reports a const or enum that no value can meet: an empty
// enum, or a const that is not one of the enum values.
func (n *node) allowsNoValue() bool {
	if !n.hasEnum {
		return false
	}
	if n.constVal != nil {
		return !n.enumHas(n.constVal)
	}
	return len(n.intEnum) == 0 && len(n.strEnum) == 0
}

// isNullable reports whether the object n allows null for property name.
func (n *node) isNullable(name string) bool {
	return slices.Contains(n.nullable, name)
}

// isRequired reports whether the object n requires property name.
func (n *node) isRequired(name string) bool {
	return slices.Contains(n.required, name)
}

// Lexicon type names.
const (
	typeBoolean       = "boolean"
	typeInteger       = "integer"
	typeString        = "string"
	typeBytes         = "bytes"
	typeCIDLink       = "cid-link"
	typeBlob          = "blob"
	typeArray         = "array"
	typeObject        = "object"
	typeParams        = "params"
	typePermission    = "permission"
	typeToken         = "token"
	typeRef           = "ref"
	typeUnion         = "union"
	typeUnknown       = "unknown"
	typeRecord        = "record"
	typeQuery         = "query"
	typeProcedure     = "procedure"
	typeSubscription  = "subscription"
	typePermissionSet = "permission-set"
)

// What each type may be, asked by the parser, the translator and Lint alike,
// so that compiling and linting cannot disagree (but for one deliberate
// exception: compilesAsParam).

// isPrimaryType reports whether t may only appear as a definition (ideally main).
func isPrimaryType(t string) bool {
	switch t {
	case typeRecord, typeQuery, typeProcedure, typeSubscription, typePermissionSet:
		return true
	}
	return false
}

// hasDataForm reports whether a definition of type t describes a value, so
// that a ref may name it and a value may be checked against it. Endpoints,
// permission sets, permissions, params and tokens describe none.
func hasDataForm(t string) bool {
	switch t {
	case typeQuery, typeProcedure, typeSubscription, typePermissionSet, typePermission, typeParams, typeToken:
		return false
	}
	return true
}

// isVariantType reports whether a union may list a definition of type t: "The
// schema definitions pointed to by a union must have type object or record."
func isVariantType(t string) bool {
	return t == typeObject || t == typeRecord
}

// isParamType reports whether the spec lets a query parameter, or an element
// of an array parameter, have type t: params "can only include the types
// boolean, integer, string; or an array of one of these types". Lint holds
// lexicons to it.
func isParamType(t string) bool {
	switch t {
	case typeBoolean, typeInteger, typeString:
		return true
	}
	return false
}

// compilesAsParam reports whether the parser and the translator accept a
// parameter (or parameter array element) of type t: the spec's types, and
// unknown, which the spec does not allow but @atproto/lexicon accepts (its
// params schema lists unknown among the primitives), as issue 2 asked too.
// None of the 402 lexicons of the atproto repository has one, but a
// published lexicon elsewhere may, written against the reference
// implementation; refusing to compile it would leave every value of it
// unchecked. So the compiler takes it and Lint reports it: here compiling and
// linting differ on purpose.
func compilesAsParam(t string) bool {
	return isParamType(t) || t == typeUnknown
}
