package lexdoc

// Type is a Lexicon type name, the "type" of a schema object.
type Type string

// The Lexicon types (https://atproto.com/specs/lexicon#overview-of-types).
const (
	TypeBoolean       Type = "boolean"
	TypeInteger       Type = "integer"
	TypeString        Type = "string"
	TypeBytes         Type = "bytes"
	TypeCIDLink       Type = "cid-link"
	TypeBlob          Type = "blob"
	TypeArray         Type = "array"
	TypeObject        Type = "object"
	TypeParams        Type = "params"
	TypePermission    Type = "permission"
	TypeToken         Type = "token"
	TypeRef           Type = "ref"
	TypeUnion         Type = "union"
	TypeUnknown       Type = "unknown"
	TypeRecord        Type = "record"
	TypeQuery         Type = "query"
	TypeProcedure     Type = "procedure"
	TypeSubscription  Type = "subscription"
	TypePermissionSet Type = "permission-set"
)

// What each type may be, asked by the parser, the validator and Lint alike,
// so that compiling and linting cannot disagree (the validator's one
// deliberate exception is a parameter of type unknown: see IsParam).

// Known reports whether t is a Lexicon type.
func (t Type) Known() bool {
	switch t {
	case TypeBoolean, TypeInteger, TypeString, TypeBytes, TypeCIDLink, TypeBlob, TypeArray, TypeObject,
		TypeParams, TypePermission, TypeToken, TypeRef, TypeUnion, TypeUnknown,
		TypeRecord, TypeQuery, TypeProcedure, TypeSubscription, TypePermissionSet:
		return true
	}
	return false
}

// IsPrimary reports whether t may only appear as a definition (ideally main).
func (t Type) IsPrimary() bool {
	switch t {
	case TypeRecord, TypeQuery, TypeProcedure, TypeSubscription, TypePermissionSet:
		return true
	}
	return false
}

// HasDataForm reports whether a definition of type t describes a value, so
// that a ref may name it and a value may be checked against it. Endpoints,
// permission sets, permissions, params and tokens describe none.
func (t Type) HasDataForm() bool {
	switch t {
	case TypeQuery, TypeProcedure, TypeSubscription, TypePermissionSet, TypePermission, TypeParams, TypeToken:
		return false
	}
	return true
}

// IsVariant reports whether a union may list a definition of type t: "The
// schema definitions pointed to by a union must have type object or record."
func (t Type) IsVariant() bool {
	return t == TypeObject || t == TypeRecord
}

// IsParam reports whether the spec lets a query parameter, or an element of
// an array parameter, have type t: params "can only include the types
// boolean, integer, string; or an array of one of these types". Lint holds
// lexicons to it. The validator also compiles a parameter of type unknown,
// as @atproto/lexicon does, so that the values of a published lexicon with
// one are still checked: there compiling and linting differ on purpose.
func (t Type) IsParam() bool {
	switch t {
	case TypeBoolean, TypeInteger, TypeString:
		return true
	}
	return false
}

// WithArticle puts "a" or "an" before the type name: "an integer", "a string".
func (t Type) WithArticle() string {
	switch t {
	case TypeInteger, TypeArray, TypeObject, TypeUnknown:
		return "an " + string(t)
	}
	return "a " + string(t)
}
