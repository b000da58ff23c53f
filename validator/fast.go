package validator

import (
	"encoding/json"
	"math/big"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// The fast path: a second evaluator of the schemas v5 compiled, for the
// common case of a valid value.
//
// v5 allocates on every (schema, value) pair it visits: closures, a scope
// entry, a map of the object's property names, strings for locations, a
// big.Rat per integer. A valid 5 KB post costs some 2,600 allocations. Yet
// only an invalid value needs what those buy: locations and causes. So each
// compiled v5 schema is turned, once, into a tree of fastNodes that answers
// one question, "is this value valid?", without allocating. A yes is the
// result; a no (or a schema the fast path does not cover) hands the value to
// v5, which finds and explains every error. Both evaluators read the same
// compiled schema, and the rule tables, the corpus (TestFastAgreesCorpus) and
// FuzzCompileValidate check that they give every value the same verdict,
// values with data-model errors included, though those never reach the fast
// path: a divergence there is still a bug in one of the two.

// fastNode mirrors one compiled *jsonschema.Schema, for the keywords the
// translation emits.
type fastNode struct {
	types    typeSet
	constant []fastConst // v5's Constant: one element when set
	enum     []fastConst
	format   func(string) bool

	required []string
	props    []fastProp // sorted by name

	items              *fastNode
	minItems, maxItems int // -1 when absent

	minimum, maximum       int64
	hasMinimum, hasMaximum bool

	ref   *fastNode
	anyOf []*fastNode
	ext   fastKeyword
	union *fastUnion // ext, when it is a union

	// js is the compiled schema the node mirrors, and twin the same schema
	// with its own keywords only, for the explanation (explain.go).
	js, twin *jsonschema.Schema
}

type fastProp struct {
	name string
	node *fastNode
}

// fastConst is a schema constant or enum value, its number text classified
// once, when the node is built, rather than on every comparison.
type fastConst struct {
	v     any
	i     int64
	isInt bool // v is a json.Number denoting the integer i
}

func fastConsts(vs []any) []fastConst {
	if vs == nil {
		return nil
	}
	out := make([]fastConst, len(vs))
	for j, v := range vs {
		out[j].v = v
		if x, ok := v.(json.Number); ok {
			var class datamodel.NumberClass
			out[j].i, class = datamodel.ClassifyNumber(string(x))
			out[j].isInt = class == datamodel.NumberInteger
		}
	}
	return out
}

// classified is a json.Number's classification (datamodel.ClassifyNumber), made once
// per value a node checks; it means nothing for other values.
type classified struct {
	i     int64
	class datamodel.NumberClass
}

// fastKeyword is a lexicon keyword's own fast check.
type fastKeyword interface {
	valid(v any) bool
}

type typeSet uint8

const (
	typeNull typeSet = 1 << iota
	typeBool
	typeInt
	typeNum
	typeStr
	typeArr
	typeObj
)

// schemaFields accounts for every field of jsonschema.Schema (v5.3.1). It is
// the one list of what the fast path covers: buildFast refuses a schema that
// sets any field neither evaluated nor inert (refused, or missing from the
// list), so a field a later v5 adds sends its units to v5 instead of being
// ignored, and TestSchemaFields fails until the new field is classified here.
var schemaFields = struct {
	// evaluated: buildFast reads it and fastNode.valid evaluates it as v5
	// does (buildFast refuses the values of it that it cannot evaluate).
	// format is the checker v5 bound for Format: the one FormatChecker
	// gives for the name, which each Compiler registers with v5 and the
	// fast path calls itself.
	evaluated []string
	// inert: no part of a verdict (where the schema is, how v5 compiled
	// it, the enum's message, annotations).
	inert []string
	// refused: the translation never sets it, and a unit that does has no
	// fast path.
	refused []string
}{
	evaluated: []string{
		"Types", "Constant", "Enum", "Format", "format", "Ref", "AnyOf", "Required", "Properties",
		"MinItems", "MaxItems", "Items2020", "Minimum", "Maximum", "Extensions",
	},
	inert: []string{
		"Location", "Draft", "meta", "vocab", "enumError",
		"Title", "Description", "Default", "Comment", "ReadOnly", "WriteOnly", "Examples", "Deprecated",
	},
	refused: []string{
		"Always", "RecursiveAnchor", "RecursiveRef", "DynamicAnchor", "DynamicRef", "dynamicRefAnchor",
		"dynamicAnchors", "Not", "AllOf", "OneOf", "If", "Then", "Else",
		"MinProperties", "MaxProperties", "PropertyNames", "RegexProperties", "PatternProperties",
		"AdditionalProperties", "Dependencies", "DependentRequired", "DependentSchemas", "UnevaluatedProperties",
		"UniqueItems", "Items", "AdditionalItems", "PrefixItems", "Contains", "ContainsEval",
		"MinContains", "MaxContains", "UnevaluatedItems",
		"MinLength", "MaxLength", "Pattern", "ContentEncoding", "decoder", "ContentMediaType", "mediaType",
		"ContentSchema", "ExclusiveMinimum", "ExclusiveMaximum", "MultipleOf",
	},
}

// unsetSchema is what v5 compiles a schema that sets nothing to, in the
// draft the translation declares: the baseline that says whether a field is
// set (v5 marks some absent bounds -1, and sets ContainsEval for every
// 2020-12 schema).
var unsetSchema = reflect.ValueOf(jsonschema.MustCompileString("urn:lexval:unset",
	`{"$schema": "https://json-schema.org/draft/2020-12/schema"}`)).Elem()

// uncoveredFields are the indexes of the Schema fields the fast path does
// not cover: refused, or missing from schemaFields.
var uncoveredFields = func() []int {
	var out []int
	for i := range unsetSchema.NumField() {
		name := unsetSchema.Type().Field(i).Name
		if !slices.Contains(schemaFields.evaluated, name) && !slices.Contains(schemaFields.inert, name) {
			out = append(out, i)
		}
	}
	return out
}()

// onlyEvaluatedFields reports whether s sets no field the fast path leaves
// uncovered.
func onlyEvaluatedFields(s *jsonschema.Schema) bool {
	v := reflect.ValueOf(s).Elem()
	for _, i := range uncoveredFields {
		if !unsetField(v.Field(i), unsetSchema.Field(i)) {
			return false
		}
	}
	return true
}

// unsetField reports whether f holds the unset value u. Reflection reads
// unexported fields too, as long as it does not take their values out.
func unsetField(f, u reflect.Value) bool {
	switch f.Kind() {
	case reflect.Bool:
		return f.Bool() == u.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return f.Int() == u.Int()
	case reflect.String:
		return f.String() == u.String()
	case reflect.Slice, reflect.Map:
		return f.Len() == 0 && u.Len() == 0
	case reflect.Pointer, reflect.Interface, reflect.Func:
		return f.IsNil() && u.IsNil()
	}
	return false // a kind this does not know how to compare: refuse
}

// buildFast converts a compiled schema tree. ok is false when it uses a
// keyword the fast path does not evaluate; such a unit always goes to v5.
func buildFast(s *jsonschema.Schema) (*fastNode, bool) {
	b := fastBuilder{nodes: map[*jsonschema.Schema]*fastNode{}, ok: true}
	n := b.node(s)
	return n, b.ok
}

type fastBuilder struct {
	nodes map[*jsonschema.Schema]*fastNode
	ok    bool
}

func (b *fastBuilder) node(s *jsonschema.Schema) *fastNode {
	if n, ok := b.nodes[s]; ok {
		return n
	}
	n := &fastNode{minItems: s.MinItems, maxItems: s.MaxItems, js: s, twin: s}
	b.nodes[s] = n
	if !onlyEvaluatedFields(s) {
		return b.unsupported(n)
	}
	for _, t := range s.Types {
		switch t {
		case "null":
			n.types |= typeNull
		case "boolean":
			n.types |= typeBool
		case "integer":
			n.types |= typeInt
		case "number":
			n.types |= typeNum
		case "string":
			n.types |= typeStr
		case "array":
			n.types |= typeArr
		case "object":
			n.types |= typeObj
		default:
			return b.unsupported(n)
		}
	}
	n.constant, n.enum = fastConsts(s.Constant), fastConsts(s.Enum)
	if s.Format != "" {
		check, ok := lexdoc.FormatChecker(s.Format)
		if !ok {
			return b.unsupported(n)
		}
		n.format = check
	}
	n.required = s.Required
	for name := range s.Properties {
		n.props = append(n.props, fastProp{name: name})
	}
	sort.Slice(n.props, func(i, j int) bool { return n.props[i].name < n.props[j].name })
	for i := range n.props {
		n.props[i].node = b.node(s.Properties[n.props[i].name])
	}
	if s.Items2020 != nil {
		n.items = b.node(s.Items2020)
	}
	var ok bool
	if n.minimum, n.hasMinimum, ok = ratBound(s.Minimum); !ok {
		return b.unsupported(n)
	}
	if n.maximum, n.hasMaximum, ok = ratBound(s.Maximum); !ok {
		return b.unsupported(n)
	}
	if s.Ref != nil {
		n.ref = b.node(s.Ref)
	}
	for _, a := range s.AnyOf {
		n.anyOf = append(n.anyOf, b.node(a))
	}
	for name, ext := range s.Extensions {
		if name != keyword || n.ext != nil {
			return b.unsupported(n)
		}
		switch k := ext.(type) {
		case *stringKW, *bytesKW, *blobKW, unknownKW, *unresolvedKW, noValueKW:
			n.ext = k.(fastKeyword)
		case *unionKW:
			u := &fastUnion{k: k, variants: make([]*fastNode, len(k.variants))}
			for i, vs := range k.variants {
				if vs != nil {
					u.variants[i] = b.node(vs)
				}
			}
			n.ext, n.union = u, u
		default:
			return b.unsupported(n)
		}
	}
	n.twin = twinOf(s, n)
	return n
}

func (b *fastBuilder) unsupported(n *fastNode) *fastNode {
	b.ok = false
	return n
}

// ratBound converts a v5 numeric bound; only integer bounds within int64 are
// supported (the translation emits no others).
func ratBound(r *big.Rat) (v int64, set, ok bool) {
	if r == nil {
		return 0, false, true
	}
	if !r.IsInt() || !r.Num().IsInt64() {
		return 0, false, false
	}
	return r.Num().Int64(), true, true
}

// valid reports whether v satisfies n. It mirrors v5's evaluation of the same
// keywords; where it cannot be sure it answers false and v5 decides.
func (n *fastNode) valid(v any) bool {
	return n.validClassified(v, classify(v))
}

// classify classifies v's number text, when v is a number.
func classify(v any) classified {
	var num classified
	if x, ok := v.(json.Number); ok {
		num.i, num.class = datamodel.ClassifyNumber(string(x))
	}
	return num
}

// validClassified is valid with v's number text already classified (num), so
// that the type, constant, bounds and the nodes v is checked against again
// through ref and anyOf share one classification.
func (n *fastNode) validClassified(v any, num classified) bool {
	if !n.typeOK(v, num) || !n.constEnumOK(v, num) {
		return false
	}
	// One switch for the keywords that judge v and those that reach the
	// values it holds: this is the hot path of every valid value.
	// (valueValid and requiredValid judge v alone, for the explanation.)
	switch x := v.(type) {
	case string:
		if n.format != nil && !n.format(x) {
			return false
		}
	case map[string]any:
		if !n.hasRequired(x) {
			return false
		}
		if len(x) < len(n.props) {
			for k, pv := range x {
				if p := n.prop(k); p != nil && !p.valid(pv) {
					return false
				}
			}
		} else {
			for _, p := range n.props {
				if pv, ok := x[p.name]; ok && !p.node.valid(pv) {
					return false
				}
			}
		}
	case datamodel.Object:
		// Members are visited once and their properties found by binary
		// search: no lookup by name but the required ones.
		if !n.hasRequiredFlat(x) {
			return false
		}
		for i := range x {
			if p := n.prop(x[i].Key); p != nil && !p.valid(x[i].Value) {
				return false
			}
		}
	case []any:
		if !n.lengthOK(x) {
			return false
		}
		if n.items != nil {
			for _, e := range x {
				if !n.items.valid(e) {
					return false
				}
			}
		}
	case json.Number:
		if (n.hasMinimum || n.hasMaximum) && !n.inBounds(x, num) {
			return false
		}
	case nil, bool:
	default:
		return false // only datamodel.DecodeJSON's and DecodeJSONFlat's types are judged here
	}
	if n.ref != nil && !n.ref.validClassified(v, num) {
		return false
	}
	if len(n.anyOf) > 0 && !n.anyOfValid(v, num) {
		return false
	}
	return n.ext == nil || n.ext.valid(v)
}

// standardValid reports whether v meets n's standard keywords that judge v
// itself: not the values it holds (properties, items) nor the schemas it is
// checked against in place ($ref, anyOf), nor the lexicon keyword.
func (n *fastNode) standardValid(v any, num classified) bool {
	return n.typeOK(v, num) && n.valueValid(v, num) && n.requiredValid(v)
}

// typeOK reports whether v has one of n's types. v5 checks nothing else of
// a value that has none of them.
func (n *fastNode) typeOK(v any, num classified) bool {
	return n.types == 0 || n.types.has(v, num)
}

// requiredValid reports whether v, when an object, has n's required fields.
func (n *fastNode) requiredValid(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return n.hasRequired(x)
	case datamodel.Object:
		return n.hasRequiredFlat(x)
	}
	return true
}

// valueValid reports whether v meets n's standard keywords but type and
// required: const, enum, format, minItems and maxItems, minimum and maximum.
func (n *fastNode) valueValid(v any, num classified) bool {
	if !n.constEnumOK(v, num) {
		return false
	}
	switch x := v.(type) {
	case string:
		return n.format == nil || n.format(x)
	case []any:
		return n.lengthOK(x)
	case json.Number:
		return !(n.hasMinimum || n.hasMaximum) || n.inBounds(x, num)
	case nil, bool, map[string]any, datamodel.Object:
		return true
	}
	return false // only datamodel.DecodeJSON's types are judged here
}

func (n *fastNode) constEnumOK(v any, num classified) bool {
	if len(n.constant) > 0 && !sameValue(v, num, n.constant[0]) {
		return false
	}
	if len(n.enum) == 0 {
		return true
	}
	for _, e := range n.enum {
		if sameValue(v, num, e) {
			return true
		}
	}
	return false
}

func (n *fastNode) hasRequired(m map[string]any) bool {
	for _, r := range n.required {
		if _, ok := m[r]; !ok {
			return false
		}
	}
	return true
}

func (n *fastNode) hasRequiredFlat(o datamodel.Object) bool {
	for _, r := range n.required {
		if _, ok := o.Get(r); !ok {
			return false
		}
	}
	return true
}

func (n *fastNode) lengthOK(a []any) bool {
	return !(n.minItems >= 0 && len(a) < n.minItems || n.maxItems >= 0 && len(a) > n.maxItems)
}

// ownValid reports whether v meets n's own keywords: the standard ones
// (standardValid) and the lexicon keyword, except for the variant a union
// checks v against in place. These are the keywords n's twin holds.
func (n *fastNode) ownValid(v any, num classified) bool {
	if !n.standardValid(v, num) {
		return false
	}
	switch {
	case n.union != nil:
		return n.union.ownValid(v)
	case n.ext != nil:
		return n.ext.valid(v)
	}
	return true
}

// anyOfValid reports whether v meets one of n's anyOf schemas.
func (n *fastNode) anyOfValid(v any, num classified) bool {
	for _, a := range n.anyOf {
		if a.validClassified(v, num) {
			return true
		}
	}
	return false
}

// inBounds reports whether the number x (classified num) meets n's minimum
// and maximum, which are int64 (ratBound), as v5 does with exact rationals. A
// whole number beyond int64 lies beyond every bound on its sign's side: the
// data-model walk refuses it anyway, but the two evaluators still agree on
// it. A fraction is left to v5 (the translation bounds only integers, whose
// type refuses it).
func (n *fastNode) inBounds(x json.Number, num classified) bool {
	switch num.class {
	case datamodel.NumberInteger:
		return !(n.hasMinimum && num.i < n.minimum || n.hasMaximum && num.i > n.maximum)
	case datamodel.NumberOutOfRange:
		if strings.HasPrefix(string(x), "-") {
			return !n.hasMinimum
		}
		return !n.hasMaximum
	}
	return false
}

// prop finds a property's node by binary search.
func (n *fastNode) prop(name string) *fastNode {
	lo, hi := 0, len(n.props)
	for lo < hi {
		m := (lo + hi) / 2
		switch c := strings.Compare(n.props[m].name, name); {
		case c == 0:
			return n.props[m].node
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return nil
}

// has reports whether v is of one of the types; num classifies a json.Number.
func (t typeSet) has(v any, num classified) bool {
	switch v.(type) {
	case nil:
		return t&typeNull != 0
	case bool:
		return t&typeBool != 0
	case string:
		return t&typeStr != 0
	case []any:
		return t&typeArr != 0
	case map[string]any, datamodel.Object:
		return t&typeObj != 0
	case json.Number:
		if t&typeNum != 0 {
			return true
		}
		// v5's integer is any whole number: that the data model's are
		// 64-bit is the data-model walk's rule.
		return t&typeInt != 0 && (num.class == datamodel.NumberInteger || num.class == datamodel.NumberOutOfRange)
	}
	return false
}

// sameValue compares a value (num classifies a json.Number) with a schema
// constant (strings, booleans, null, integers as json.Number); anything else
// is left to v5.
func sameValue(v any, num classified, c fastConst) bool {
	switch cx := c.v.(type) {
	case string:
		s, ok := v.(string)
		return ok && s == cx
	case bool:
		b, ok := v.(bool)
		return ok && b == cx
	case nil:
		return v == nil
	case json.Number:
		_, ok := v.(json.Number)
		return ok && num.class == datamodel.NumberInteger && c.isInt && num.i == c.i
	}
	return false
}

// The keywords with a check (keyword.go) are valid when it finds nothing.

func (k *stringKW) valid(v any) bool {
	s, isString := v.(string)
	if !isString {
		return true
	}
	// The byte limits first: a string over them needs no grapheme count.
	if n := int64(len(s)); k.MinLength.Set && n < k.MinLength.Value || k.MaxLength.Set && n > k.MaxLength.Value {
		return false
	}
	ok := true
	k.check(v, func(string, string) { ok = false })
	return ok
}

func (k *bytesKW) valid(v any) bool {
	ok := true
	k.check(v, func(string, string) { ok = false })
	return ok
}

func (k *blobKW) valid(v any) bool {
	ok := true
	k.check(v, func(string, string) { ok = false })
	return ok
}

func (k unknownKW) valid(v any) bool {
	ok := true
	k.check(v, func(string, string) { ok = false })
	return ok
}

func (noValueKW) valid(v any) bool { return v == nil }

// valid is false for a reached unresolved reference: v5 reports it as an
// error or an unchecked reference, as the Options say.
func (k *unresolvedKW) valid(v any) bool { return v == nil && k.nullable }

// fastUnion is a union keyword with fast nodes for its variants.
type fastUnion struct {
	k        *unionKW
	variants []*fastNode
}

func (u *fastUnion) valid(v any) bool {
	c := u.k.choose(v)
	switch c.step {
	case unionPass:
		return true
	case unionUntyped:
		return u.anyVariantValid(v)
	case unionVariant:
		return u.variants[c.variant].valid(v)
	case unionUnit:
		return c.unit.fast != nil && c.unit.fast.valid(v)
	}
	return false // unionRefuse
}

// ownValid is valid without the variant a value is checked against in place
// (a listed one, the only one of a message without $type, or an unlisted
// type's own unit): what the union itself decides.
func (u *fastUnion) ownValid(v any) bool {
	c := u.k.choose(v)
	switch c.step {
	case unionRefuse:
		return false
	case unionUntyped:
		return u.k.singleVariant() || u.anyVariantValid(v)
	}
	return true
}

func (u *fastUnion) anyVariantValid(v any) bool {
	for _, n := range u.variants {
		if n != nil && n.valid(v) {
			return true
		}
	}
	return false
}
