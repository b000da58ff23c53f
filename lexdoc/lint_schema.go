package lexdoc

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lexval/lexval/datamodel"
)

// place is where a schema object appears; it decides which types may appear.
type place int

const (
	placeDef        place = iota // a named, non-primary definition
	placeField                   // an object property or array items
	placeParam                   // a params property
	placeParamItems              // the items of an array params property
	placeRecord                  // the record of a record definition
	placeBody                    // the schema of an input or output
	placeMessage                 // the schema of a subscription message
	placeParameters              // the parameters of a query, procedure or subscription
	placePermission              // an entry of a permission set's permissions
)

// fieldTypes are the types that describe data (Lexicon spec, "Overview of
// Types": concrete, container and meta types other than token).
var fieldTypes = []Type{TypeBoolean, TypeInteger, TypeString, TypeBytes, TypeCIDLink, TypeBlob, TypeArray, TypeObject, TypeRef, TypeUnion, TypeUnknown}

// knownTypes are every Lexicon type.
var knownTypes = append(slices.Clone(fieldTypes), TypeParams, TypePermission, TypeToken, TypeRecord, TypeQuery, TypeProcedure, TypeSubscription, TypePermissionSet)

// allows returns "" when a schema of type typ may appear at p, or why not.
func (p place) allows(typ Type) string {
	switch p {
	case placeDef:
		// Primary and non-definition types are handled by def.
		return ""
	case placeField:
		switch {
		case slices.Contains(fieldTypes, typ):
			return ""
		case typ == TypeToken:
			// "Tokens ... can not be referenced via ref or union, or included as
			// a field in an object."
			return "a token cannot be a field type: tokens have no data representation (list it in a string's knownValues instead)"
		}
		return fmt.Sprintf("%s cannot appear inside a schema", typ.WithArticle())
	case placeParam, placeParamItems:
		// Spec, "params": properties "can only include the types boolean,
		// integer, string; or an array of one of these types".
		// lexval compiles an unknown parameter all the same (compilesAsParam).
		var why string
		switch {
		case typ.IsParam(), typ == TypeArray && p == placeParam:
			return ""
		case p == placeParamItems:
			why = fmt.Sprintf("parameter arrays can only hold boolean, integer or string, not %s", typ)
		default:
			why = fmt.Sprintf("parameters can only be boolean, integer, string or arrays of those, not %s", typ)
		}
		if typ == TypeUnknown {
			why += " (lexval and @atproto/lexicon still accept it, but the spec does not)"
		}
		return why
	case placeRecord:
		if typ == TypeObject {
			return ""
		}
		return fmt.Sprintf("the record schema must be an object, not %s", typ)
	case placeBody:
		// "schema definition, either an object, a ref, or a union of refs"
		if typ == TypeObject || typ == TypeRef || typ == TypeUnion {
			return ""
		}
		return fmt.Sprintf("a body schema must be an object, a ref or a union, not %s", typ)
	case placeMessage:
		// "Subscription schemas ... must be a union of refs, not an object type."
		if typ == TypeUnion {
			return ""
		}
		return fmt.Sprintf("a subscription message schema must be a union, not %s", typ)
	case placeParameters:
		if typ == TypeParams {
			return ""
		}
		return fmt.Sprintf("parameters must be of type params, not %s", typ)
	case placePermission:
		if typ == TypePermission {
			return ""
		}
		return fmt.Sprintf("permissions entries must be of type permission, not %s", typ)
	}
	return ""
}

// schemaValue checks v as a schema object appearing at p.
func (l *linter) schemaValue(path string, v any, p place) {
	if len(path) > MaxLocation || l.stopped() {
		// Too long a location is reported by limits; the pointers of
		// everything inside would cost its length each.
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		l.report(ruleFieldType, path, "a schema must be an object with a type, got %s", datamodel.KindOf(v))
		return
	}
	l.schema(path, m, p)
}

// schema checks a schema object appearing at p.
func (l *linter) schema(path string, m map[string]any, p place) {
	typ, ok := l.typeOf(path, m)
	if !ok {
		return
	}
	if !slices.Contains(knownTypes, typ) {
		names := make([]string, len(knownTypes))
		for i, t := range knownTypes {
			names[i] = string(t)
		}
		l.report(ruleUnknownType, member(path, "type"), "unknown type %q; the Lexicon types are %s", typ, strings.Join(names, ", "))
		return
	}
	if why := p.allows(typ); why != "" {
		l.report(ruleTypeNotAllowed, member(path, "type"), "%s", why)
		return
	}
	l.schemaOf(path, typ, m, p)
}

// schemaOf checks the fields of a schema object of a known, allowed type.
func (l *linter) schemaOf(path string, typ Type, m map[string]any, p place) {
	l.optString(path, m, "description")
	what := typ.WithArticle() + " schema"
	switch typ {
	case TypeBoolean:
		l.fields(path, m, what, "type", "description", "default", "const")
		l.optBool(path, m, "default")
		l.optBool(path, m, "const")
		l.constOrDefault(path, m)
	case TypeInteger:
		l.integer(path, m)
	case TypeString:
		l.string(path, m)
	case TypeBytes:
		l.fields(path, m, what, "type", "description", "minLength", "maxLength")
		hi := l.optInt(path, m, "maxLength", true)
		l.minMax(path, "minLength", l.optInt(path, m, "minLength", true), "maxLength", hi)
		l.bytesLimits(path, hi)
	case TypeCIDLink, TypeUnknown, TypeToken:
		l.fields(path, m, what, "type", "description")
		if typ == TypeToken {
			// Spec, "token": "The description field should clarify the
			// meaning of the token."
			l.describe(path, m, "the token")
		}
	case TypeBlob:
		l.blob(path, m)
	case TypeArray:
		l.fields(path, m, what, "type", "description", "items", "minLength", "maxLength")
		hi := l.optInt(path, m, "maxLength", true)
		l.minMax(path, "minLength", l.optInt(path, m, "minLength", true), "maxLength", hi)
		if l.inRecord && !hi.Set {
			l.report(ruleUnlimitedArray, path, "array in a record has no maxLength: any number of items is valid")
		}
		items := placeField
		if p == placeParam {
			items = placeParamItems
		}
		if v, ok := m["items"]; !ok {
			l.report(ruleMissingField, member(path, "items"), "items is required: the schema of the array's elements")
		} else {
			l.schemaValue(member(path, "items"), v, items)
		}
	case TypeObject:
		l.object(path, m)
	case TypeParams:
		l.params(path, m)
	case TypeRef:
		l.fields(path, m, what, "type", "description", "ref")
		if v, ok := m["ref"]; !ok {
			l.report(ruleMissingField, member(path, "ref"), "ref is required: the definition referenced (nsid, nsid#name or #name)")
		} else if s, ok := v.(string); !ok {
			l.report(ruleFieldType, member(path, "ref"), "ref must be a string, got %s", datamodel.KindOf(v))
		} else {
			l.ref(member(path, "ref"), s, false)
		}
	case TypeUnion:
		l.union(path, m)
	case TypePermission:
		l.permission(path, m)
	}
}

// constOrDefault: "const and default are mutually exclusive" (Lexicon spec,
// "string"; the same holds for boolean and integer, where both are defined).
func (l *linter) constOrDefault(path string, m map[string]any) {
	if _, c := m["const"]; c {
		if _, d := m["default"]; d {
			l.report(ruleConstAndDefault, member(path, "default"), "const and default are mutually exclusive")
		}
	}
}

func (l *linter) integer(path string, m map[string]any) {
	l.fields(path, m, "an integer schema", "type", "description", "minimum", "maximum", "enum", "default", "const")
	lo := l.optInt(path, m, "minimum", false)
	hi := l.optInt(path, m, "maximum", false)
	l.minMax(path, "minimum", lo, "maximum", hi)
	var enum []int64
	listed := map[int64]bool{} // an enum may be long
	hasEnum := false
	if v, ok := m["enum"]; ok {
		arr, ok := v.([]any)
		if !ok {
			l.report(ruleFieldType, member(path, "enum"), "enum must be an array of integers, got %s", datamodel.KindOf(v))
		} else {
			hasEnum = true
			if len(arr) == 0 {
				l.report(ruleEmptyEnum, member(path, "enum"), "enum is empty: no value can match")
			}
			for i, e := range arr {
				n, ok := datamodel.Int64(e)
				switch {
				case !ok:
					l.report(ruleFieldType, index(member(path, "enum"), i), "enum entries must be integers, got %s", datamodel.Describe(e))
				case listed[n]:
					l.report(ruleDuplicateEntry, index(member(path, "enum"), i), "enum lists %d more than once", n)
				default:
					if why := intProblem(n, lo, hi, nil, false); why != "" {
						l.report(ruleValueViolatesSchema, index(member(path, "enum"), i), "enum value %d %s", n, why)
					}
				}
				enum = append(enum, n)
				listed[n] = true
			}
		}
	}
	for _, key := range []string{"const", "default"} {
		if v, ok := m[key]; ok {
			if n, ok := datamodel.Int64(v); !ok {
				l.report(ruleFieldType, member(path, key), "%s must be an integer, got %s", key, datamodel.Describe(v))
			} else if why := intProblem(n, lo, hi, enum, hasEnum); why != "" {
				l.report(ruleValueViolatesSchema, member(path, key), "%s %d %s", key, n, why)
			}
		}
	}
	l.constOrDefault(path, m)
}

// intProblem says why n breaks the integer schema's own constraints.
func intProblem(n int64, lo, hi Optional[int64], enum []int64, hasEnum bool) string {
	switch {
	case lo.Set && n < lo.Value:
		return fmt.Sprintf("is less than minimum %d", lo.Value)
	case hi.Set && n > hi.Value:
		return fmt.Sprintf("is greater than maximum %d", hi.Value)
	case hasEnum && !slices.Contains(enum, n):
		return "is not one of the enum values"
	}
	return ""
}

// stringRules are the constraints of a string schema that a const, default
// or enum value must meet.
type stringRules struct {
	format string // a known format, or ""
	// lengths are checked as values are validated.
	lengths StringLengths
	enum    []listItem
	hasEnum bool
}

// problem says why s breaks the rules, or "".
func (r *stringRules) problem(s string, checkEnum bool) string {
	if r.format != "" {
		if ok, _ := CheckFormat(r.format, s); !ok {
			return "is not a valid " + FormatNoun(r.format)
		}
	}
	if why := r.lengthProblem(s); why != "" {
		return why
	}
	if checkEnum && r.hasEnum && !slices.ContainsFunc(r.enum, func(it listItem) bool { return it.s == s }) {
		return "is not one of the enum values"
	}
	return ""
}

// lengthProblem says which length rule s breaks first, or "".
func (r *stringRules) lengthProblem(s string) string {
	k := &r.lengths
	why := ""
	k.CheckLength(s, func(limit string, n int64) {
		if why != "" {
			return
		}
		switch limit {
		case "minLength":
			why = fmt.Sprintf("is %d bytes, minimum %d", n, k.MinLength.Value)
		case "maxLength":
			why = fmt.Sprintf("is %d bytes, maximum %d", n, k.MaxLength.Value)
		case "minGraphemes":
			why = fmt.Sprintf("is %d graphemes, minimum %d", n, k.MinGraphemes.Value)
		case "maxGraphemes":
			why = fmt.Sprintf("is %d graphemes, maximum %d", n, k.MaxGraphemes.Value)
		}
	})
	return why
}

func (l *linter) string(path string, m map[string]any) {
	l.fields(path, m, "a string schema", "type", "description", "format", "minLength", "maxLength",
		"minGraphemes", "maxGraphemes", "knownValues", "enum", "default", "const")
	var r stringRules
	if f, ok := l.optString(path, m, "format"); ok {
		if _, known := FormatChecker(f); known {
			r.format = f
		} else {
			l.report(ruleUnknownFormat, member(path, "format"), "unknown format %q; the Lexicon formats are %s", f, strings.Join(formatNames, ", "))
		}
	}
	k := &r.lengths
	k.MinLength = l.optInt(path, m, "minLength", true)
	k.MaxLength = l.optInt(path, m, "maxLength", true)
	k.MinGraphemes = l.optInt(path, m, "minGraphemes", true)
	k.MaxGraphemes = l.optInt(path, m, "maxGraphemes", true)
	l.minMax(path, "minLength", k.MinLength, "maxLength", k.MaxLength)
	l.minMax(path, "minGraphemes", k.MinGraphemes, "maxGraphemes", k.MaxGraphemes)
	// A grapheme is at least one byte, so more graphemes than bytes can
	// never be met.
	if k.MinGraphemes.Set && k.MaxLength.Set && k.MinGraphemes.Value > k.MaxLength.Value {
		l.report(ruleUnsatisfiableLength, member(path, "minGraphemes"), "minGraphemes %d can never be met with maxLength %d bytes", k.MinGraphemes.Value, k.MaxLength.Value)
	}
	l.stringLimits(path, m, k)

	r.enum, r.hasEnum = l.stringList(path, m, "enum")
	if ev, ok := m["enum"].([]any); ok && len(ev) == 0 {
		// Like an empty closed union, which the spec calls invalid, an empty
		// enum accepts no value at all.
		l.report(ruleEmptyEnum, member(path, "enum"), "enum is empty: no value can match")
	}
	for _, it := range r.enum {
		if why := r.problem(it.s, false); why != "" {
			l.report(ruleValueViolatesSchema, index(member(path, "enum"), it.i), "enum value %q %s", it.s, why)
		}
		l.localToken(index(member(path, "enum"), it.i), "enum value", it.s)
	}
	known, _ := l.stringList(path, m, "knownValues")
	for _, it := range known {
		l.localToken(index(member(path, "knownValues"), it.i), "known value", it.s)
	}
	for _, key := range []string{"const", "default"} {
		if v, ok := m[key]; ok {
			if s, ok := v.(string); !ok {
				l.report(ruleFieldType, member(path, key), "%s must be a string, got %s", key, datamodel.KindOf(v))
			} else if why := r.problem(s, true); why != "" {
				l.report(ruleValueViolatesSchema, member(path, key), "%s %q %s", key, s, why)
			}
		}
	}
	l.constOrDefault(path, m)
}

// localToken reports a string value written as a local reference. Spec,
// "token": token references "might appear ... as strings in the knownValues
// or enum fields of a string definition. Tokens should always be
// fully-qualified references (an NSID followed by an optional fragment), not
// local references within a schema file."
func (l *linter) localToken(path, what, s string) {
	if strings.HasPrefix(s, "#") {
		l.report(ruleLocalTokenRef, path, "%s %q is a local reference; write tokens fully qualified, e.g. %s%s", what, s, l.id, s)
	}
}

func (l *linter) blob(path string, m map[string]any) {
	l.fields(path, m, "a blob schema", "type", "description", "accept", "maxSize")
	if _, ok := m["maxSize"]; !ok {
		l.report(ruleUnlimitedBlob, path, "blob has no maxSize: any size is valid")
	}
	l.optInt(path, m, "maxSize", true)
	accept, _ := l.stringList(path, m, "accept")
	if av, ok := m["accept"].([]any); ok && len(av) == 0 {
		// "list of acceptable MIME types": an empty list accepts no blob at
		// all ("*/*" accepts any; leaving accept out sets no limit).
		l.report(ruleEmptyAccept, member(path, "accept"), `accept is empty: no blob can match (use "*/*", or leave accept out, to accept any type)`)
	}
	for _, it := range accept {
		if !validAcceptPattern(it.s) {
			l.report(ruleInvalidAccept, index(member(path, "accept"), it.i), `accept pattern %q is not a MIME type, "type/*" or "*/*" (partial globs and a bare "*" are not supported)`, it.s)
		}
	}
}

// validAcceptPattern: an exact MIME type, "type/*" or "*/*" (Lexicon spec,
// "blob": "Partial globs (text/ht*) or stand-alone wildcard (*) are not
// supported").
func validAcceptPattern(p string) bool {
	if p == "*/*" {
		return true
	}
	typ, sub, ok := strings.Cut(p, "/")
	return ok && mimeToken(typ) && (sub == "*" || mimeToken(sub))
}

// mimeToken: an RFC 2045 token without '*', which a pattern uses only as a
// whole subtype.
func mimeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?=*`, c) >= 0 {
			return false
		}
	}
	return true
}

func (l *linter) object(path string, m map[string]any) {
	l.fields(path, m, "an object schema", "type", "description", "properties", "required", "nullable")
	props := l.properties(path, m, placeField, true)
	required, _ := l.stringList(path, m, "required")
	l.namesProperties(path, "required", required, props)
	nullable, _ := l.stringList(path, m, "nullable")
	l.namesProperties(path, "nullable", nullable, props)
	l.nullableOptional(path, nullable, required, props)
}

func (l *linter) params(path string, m map[string]any) {
	what := "a params schema"
	if _, ok := m["nullable"]; ok {
		// Spec, "params": "unlike object, there is no nullable field".
		what = "a params schema (query parameters cannot be null)"
	}
	l.fields(path, m, what, "type", "description", "properties", "required")
	props := l.properties(path, m, placeParam, false)
	names, _ := l.stringList(path, m, "required")
	l.namesProperties(path, "required", names, props)
}

// properties checks the properties of an object or params schema and returns
// them (nil when absent or not an object).
func (l *linter) properties(path string, m map[string]any, p place, required bool) map[string]any {
	v, ok := m["properties"]
	if !ok {
		if required {
			// Spec, "object": "properties (map of strings-to-objects, required)".
			l.report(ruleMissingField, member(path, "properties"), "properties is required (it may be empty)")
		}
		return nil
	}
	props, ok := v.(map[string]any)
	if !ok {
		l.report(ruleFieldType, member(path, "properties"), "properties must be an object of schemas, got %s", datamodel.KindOf(v))
		return nil
	}
	for _, name := range sortedKeys(props) {
		if l.err != nil {
			break
		}
		pp := member(member(path, "properties"), name)
		switch {
		case name == "":
			l.report(ruleInvalidPropertyName, pp, "property names must not be empty")
		case strings.HasPrefix(name, "$"):
			// Data model spec: "Data field names starting with $ are reserved
			// for use by the data model or protocol itself".
			l.report(ruleInvalidPropertyName, pp, "property %q: names starting with $ are reserved by the data model", name)
		default:
			l.fieldName(pp, name)
		}
		l.schemaValue(pp, props[name], p)
	}
	return props
}

// namesProperties reports entries of required or nullable that name no
// property.
func (l *linter) namesProperties(path, key string, names []listItem, props map[string]any) {
	for _, it := range names {
		if _, ok := props[it.s]; !ok {
			l.report(ruleUndefinedProperty, index(member(path, key), it.i), "%s names %q, which is not a property", key, it.s)
		}
	}
}

func (l *linter) union(path string, m map[string]any) {
	l.fields(path, m, "a union schema", "type", "description", "refs", "closed")
	closed, _ := l.optBool(path, m, "closed")
	refs, present := l.stringList(path, m, "refs")
	if !present {
		l.report(ruleMissingField, member(path, "refs"), "refs is required (an open union may have none)")
		return
	}
	if closed && len(refs) == 0 {
		// "An empty closed union ... is an invalid schema."
		l.report(ruleEmptyClosedUnion, member(path, "refs"), "a closed union needs at least one ref")
	}
	// The same text twice is reported by the list check; here, two texts
	// for one definition ("#a" and "com.example.x#a").
	texts := map[string]map[string]bool{} // by target, the texts naming it
	for _, it := range refs {
		target, ok := l.ref(index(member(path, "refs"), it.i), it.s, true)
		if ok {
			ts := texts[target]
			if len(ts) > 1 || len(ts) == 1 && !ts[it.s] {
				l.report(ruleDuplicateEntry, index(member(path, "refs"), it.i), "union refs list %s more than once", target)
			}
			if ts == nil {
				ts = map[string]bool{}
				texts[target] = ts
			}
			ts[it.s] = true
		}
	}
}
