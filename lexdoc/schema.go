package lexdoc

import (
	"slices"
	"sort"
	"strings"
)

// Schema is one schema object of a document: a definition, or a schema
// inside one (a record's body, a property, an array's items, parameters, a
// body's schema). Its dynamic type is one of the pointer types of this file,
// one per Lexicon type: switch on it to read the type's constraints.
//
// Schemas are immutable once parsed and shared by every reader: treat every
// field as read-only.
type Schema interface {
	// Type is the schema's Lexicon type.
	Type() Type
	// Description is the schema's description, "" when it has none.
	Description() string
	// Location is where the schema is written.
	Location() Location
	base() *Base
}

// Base is what every schema has besides its type; each schema type embeds it.
type Base struct {
	desc string
	at   Location
}

// Description returns the schema's description, "" when it has none.
func (b *Base) Description() string { return b.desc }

// Location returns where the schema is written in its document.
func (b *Base) Location() Location { return b.at }

func (b *Base) base() *Base { return b }

// Location is where a schema is written, in two forms.
type Location struct {
	// Pointer is the JSON Pointer (RFC 6901) of the schema object in its
	// document, e.g. "/defs/main/record/properties/text".
	Pointer string
	// SchemaPath is the form validation errors give (validator.Error's
	// SchemaPath): the NSID, "#", the definition, then the path inside it,
	// a record's "record" and a body's "schema" left out
	// ("app.bsky.feed.post#main/properties/text",
	// "com.atproto.server.refreshSession#main/output/properties/did").
	SchemaPath string
}

// defLocation is the location of definition name of lexicon nsid.
func defLocation(nsid, name string) Location {
	// One allocation holds both forms, as in child.
	s := nsid + "#" + name + "/defs/" + name
	n := len(nsid) + 1 + len(name)
	return Location{SchemaPath: s[:n], Pointer: s[n:]}
}

// child is the location of member token of the schema at l (tokens escaped;
// "properties/x" names a property). Both forms share one allocation: every
// schema of every document parsed (a directory at start-up, each record
// fetched) gets a location, so it counts.
func (l Location) child(token string) Location {
	s := l.SchemaPath + "/" + token + l.Pointer + "/" + token
	n := len(l.SchemaPath) + 1 + len(token)
	return Location{SchemaPath: s[:n], Pointer: s[n:]}
}

// property is child("properties/" + name) in one allocation.
func (l Location) property(name string) Location {
	s := l.SchemaPath + "/properties/" + name + l.Pointer + "/properties/" + name
	n := len(l.SchemaPath) + len("/properties/") + len(name)
	return Location{SchemaPath: s[:n], Pointer: s[n:]}
}

// elided is child(token) for the members SchemaPath leaves out: a record's
// "record" and a body's "schema".
func (l Location) elided(token string) Location {
	return Location{SchemaPath: l.SchemaPath, Pointer: l.Pointer + "/" + token}
}

// Optional is a field a document may leave out: Set is false when it does.
type Optional[T any] struct {
	Value T
	Set   bool
}

// Boolean is a boolean schema.
type Boolean struct {
	Base
	Const, Default Optional[bool]
}

// Integer is an integer schema. Enum is nil when the schema has none; an
// empty, non-nil Enum allows no value.
type Integer struct {
	Base
	Minimum, Maximum Optional[int64]
	Enum             []int64
	Const, Default   Optional[int64]
}

// String is a string schema. Format is "" when the schema has none (a name
// Lexicon does not define is kept: compiling refuses it, Lint reports it).
// Enum is nil when the schema has none; an empty, non-nil Enum allows no
// value. KnownValues are suggestions, not a limit.
type String struct {
	Base
	Format string
	StringLengths
	KnownValues    []string
	Enum           []string
	Const, Default Optional[string]
}

// Bytes is a bytes schema; its lengths count raw bytes.
type Bytes struct {
	Base
	MinLength, MaxLength Optional[int64]
}

// CIDLink is a cid-link schema.
type CIDLink struct{ Base }

// Blob is a blob schema. Accept is nil when the schema sets no limit on MIME
// types; an empty, non-nil Accept accepts none.
type Blob struct {
	Base
	Accept  []string
	MaxSize Optional[int64]
}

// Array is an array schema; its lengths count elements.
type Array struct {
	Base
	Items                Schema
	MinLength, MaxLength Optional[int64]
}

// Property is a named property of an object or params schema.
type Property struct {
	Name   string
	Schema Schema
}

// Properties are an object's or params' properties, sorted by name.
type Properties []Property

// Get returns the schema of the property named name.
func (ps Properties) Get(name string) (Schema, bool) {
	i := sort.Search(len(ps), func(i int) bool { return ps[i].Name >= name })
	if i < len(ps) && ps[i].Name == name {
		return ps[i].Schema, true
	}
	return nil, false
}

// Object is an object schema. Required and Nullable are as written (a name
// may be listed twice, or name no property: Lint reports both).
type Object struct {
	Base
	Properties Properties
	Required   []string
	Nullable   []string
}

// IsRequired reports whether the object requires property name.
func (o *Object) IsRequired(name string) bool { return slices.Contains(o.Required, name) }

// IsNullable reports whether the object allows null for property name.
func (o *Object) IsNullable(name string) bool { return slices.Contains(o.Nullable, name) }

// Params is the params schema of a query, procedure or subscription's
// parameters. Its properties may have any type the parser knows; which
// types a parameter may have is the spec's rule (Type.IsParam), which Lint
// reports and compiling applies.
type Params struct {
	Base
	Properties Properties
	Required   []string
}

// IsRequired reports whether the parameters require property name.
func (p *Params) IsRequired(name string) bool { return slices.Contains(p.Required, name) }

// Token is a token definition: a name with no data form.
type Token struct{ Base }

// Ref is a reference to a definition; a local "#name" is resolved to the
// document's NSID.
type Ref struct {
	Base
	Ref DefRef
}

// Union is a union of references, open unless Closed.
type Union struct {
	Base
	Refs   []DefRef
	Closed bool
}

// Unknown is an unknown schema: any data object.
type Unknown struct{ Base }

// Permission is one permission of a permission set. Its fields are read
// leniently, as Permission sets are: a field of the wrong JSON type is left
// out (Lint reports it), since nothing is validated against a permission.
type Permission struct {
	Base
	Resource   string
	Collection []string // repo: record types
	Action     []string // repo: create, update, delete
	LXM        []string // rpc: XRPC methods
	Aud        string   // rpc: the audience, "*" in a permission set
	InheritAud bool     // rpc
}

// Record is a record definition.
type Record struct {
	Base
	// Key is the record key type: "tid", "nsid", "any" or
	// "literal:<key>" (Lint reports other values; CheckKey refuses them).
	Key    string
	Record *Object
}

// Query is a query (HTTP GET) definition.
type Query struct {
	Base
	Parameters *Params // nil when it has none
	Output     *Body   // nil when it has none
	Errors     []EndpointError
}

// Procedure is a procedure (HTTP POST) definition.
type Procedure struct {
	Base
	Parameters    *Params // nil when it has none
	Input, Output *Body   // nil when it has none
	Errors        []EndpointError
}

// Subscription is a subscription (event stream) definition.
type Subscription struct {
	Base
	Parameters *Params // nil when it has none
	Message    *Body   // its Schema is never nil
	Errors     []EndpointError
}

// PermissionSet is a permission-set definition. Its fields are read
// leniently (see Permission).
type PermissionSet struct {
	Base
	Title, Detail         string
	TitleLang, DetailLang map[string]string
	Permissions           []*Permission
}

// Body is the input or output of a query or procedure, or a subscription's
// message.
type Body struct {
	// Description is read leniently (see Permission); compiling never
	// needs it.
	Description string
	// Encoding is the MIME type ("" for a message, which has none).
	Encoding string
	// Schema is an *Object, *Ref or *Union; nil when the body has no schema
	// (its encoding alone describes it).
	Schema Schema
	at     Location
}

// Location returns where the body is written (its SchemaPath is its
// schema's).
func (b *Body) Location() Location { return b.at }

// EndpointError is an error a query, procedure or subscription declares.
type EndpointError struct {
	Name        string
	Description string
}

// Type reports the Lexicon type of each schema type (Schema.Type).
func (*Boolean) Type() Type       { return TypeBoolean }
func (*Integer) Type() Type       { return TypeInteger }
func (*String) Type() Type        { return TypeString }
func (*Bytes) Type() Type         { return TypeBytes }
func (*CIDLink) Type() Type       { return TypeCIDLink }
func (*Blob) Type() Type          { return TypeBlob }
func (*Array) Type() Type         { return TypeArray }
func (*Object) Type() Type        { return TypeObject }
func (*Params) Type() Type        { return TypeParams }
func (*Token) Type() Type         { return TypeToken }
func (*Ref) Type() Type           { return TypeRef }
func (*Union) Type() Type         { return TypeUnion }
func (*Unknown) Type() Type       { return TypeUnknown }
func (*Permission) Type() Type    { return TypePermission }
func (*Record) Type() Type        { return TypeRecord }
func (*Query) Type() Type         { return TypeQuery }
func (*Procedure) Type() Type     { return TypeProcedure }
func (*Subscription) Type() Type  { return TypeSubscription }
func (*PermissionSet) Type() Type { return TypePermissionSet }

// sortProperties sorts properties by name, the order Get searches.
func sortProperties(ps Properties) {
	slices.SortFunc(ps, func(a, b Property) int { return strings.Compare(a.Name, b.Name) })
}
