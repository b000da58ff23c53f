package validator

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// The "lexicon" keyword: Lexicon rules JSON Schema has no keyword for.
//
// Its errors carry a rule name in the keyword path ("lexicon/maxGraphemes")
// and the measured fact as the message ("320"); converting errors to Results
// turns them into sentences with the node the index names. Nothing outside
// this package sees these raw errors. A fact is never empty: v5 folds an
// error with an empty message into its parent.

// Rule names: the last token of a lexicon keyword error's location. The
// four length rules are the limit names lexdoc's StringLengths.CheckLength
// reports, and the lexicon fields that set them.
const (
	ruleMinLength    = "minLength"    // string (UTF-8 bytes) or bytes (raw bytes); fact: the length
	ruleMaxLength    = "maxLength"    // idem
	ruleMinGraphemes = "minGraphemes" // fact: the count
	ruleMaxGraphemes = "maxGraphemes" // fact: the count
	ruleNotBlob      = "notBlob"      // an object that is no blob; fact: "object"
	ruleLegacyBlob   = "legacyBlob"   // a legacy {cid, mimeType} blob; fact: "legacy"
	ruleAccept       = "accept"       // fact: the blob's MIME type
	ruleMaxSize      = "maxSize"      // fact: the blob's size
	ruleUnknownKind  = "unknownKind"  // an unknown that is a blob, $bytes or $link; fact: dataModelObject's name
	ruleMainSuffix   = "mainSuffix"   // $type ends in #main; fact: the $type
	ruleNotOneOf     = "notOneOf"     // closed union, unlisted $type; fact: the $type
	ruleNotTypeRef   = "notTypeRef"   // unlisted $type of an open union is no NSID[#name]; fact: the $type
	ruleVariantKind  = "variantKind"  // unlisted $type names a non-object; fact: "$type\tdeftype"
	ruleVariantError = "variantError" // unlisted $type could not be compiled; fact: the $type and error
	ruleNoVariant    = "noVariant"    // message without $type matching no variant; fact: "none"
	ruleUnresolved   = "unresolved"   // a reference the catalog lacks; fact: the ref
	ruleNoValue      = "noValue"      // an empty enum, or a const outside the enum; fact: "none"
)

var extensionMeta = jsonschema.MustCompileString("urn:lexval:keyword-meta", `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "properties": {"lexicon": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}}}
}`)

// extension compiles "lexicon" keywords of one Compiler's schemas.
type extension struct{ c *Compiler }

func (x extension) Compile(ctx jsonschema.CompilerContext, m map[string]any) (jsonschema.ExtSchema, error) {
	// v5 calls this for every schema object it compiles: where a compile
	// whose context has ended stops.
	if err := x.c.poll(); err != nil {
		return nil, err
	}
	lm, ok := m[keyword].(map[string]any)
	if !ok {
		return nil, nil
	}
	typ, _ := lm["type"].(string)
	if r, ok := lm["unresolved"].(string); ok {
		nullable, _ := lm["nullable"].(bool)
		return &unresolvedKW{ref: r, nullable: nullable}, nil
	}
	if none, _ := lm["noValue"].(bool); none {
		// Nothing but an allowed null (which the standard keywords let
		// through) can be valid here: no other rule needs checking.
		return noValueKW{}, nil
	}
	switch lexdoc.Type(typ) {
	case lexdoc.TypeString:
		k := &stringKW{lexdoc.StringLengths{
			MinLength: extInt(lm, "minLength"), MaxLength: extInt(lm, "maxLength"),
			MinGraphemes: extInt(lm, "minGraphemes"), MaxGraphemes: extInt(lm, "maxGraphemes"),
		}}
		if !k.MinLength.Set && !k.MaxLength.Set && !k.MinGraphemes.Set && !k.MaxGraphemes.Set {
			return nil, nil
		}
		return k, nil
	case lexdoc.TypeBytes:
		k := &bytesKW{minLength: extInt(lm, "minLength"), maxLength: extInt(lm, "maxLength")}
		if !k.minLength.Set && !k.maxLength.Set {
			return nil, nil
		}
		return k, nil
	case lexdoc.TypeBlob:
		// accept is a "list of acceptable MIME types": absent, any type is
		// acceptable; empty, none is (indigo treats an empty list as absent;
		// Lint reports it).
		k := &blobKW{maxSize: extInt(lm, "maxSize")}
		if acc, ok := lm["accept"].([]any); ok {
			k.accept = make([]acceptPattern, 0, len(acc))
			for _, a := range acc {
				s, _ := a.(string)
				// A pattern that does not parse can never match: leaving it
				// out says so, and the list stays non-nil.
				if p, ok := parseAcceptPattern(s); ok {
					k.accept = append(k.accept, p)
				}
			}
		}
		return k, nil
	case lexdoc.TypeUnknown, lexdoc.TypeObject:
		// An object, like unknown, is data: a blob, $bytes or $link object
		// is something else in the data model.
		return unknownKW{}, nil
	case lexdoc.TypeUnion:
		return x.union(ctx, lm)
	}
	// record, cid-link: described for readers, checked by standard keywords
	// and the data-model walk.
	return nil, nil
}

func (x extension) union(ctx jsonschema.CompilerContext, lm map[string]any) (jsonschema.ExtSchema, error) {
	k := &unionKW{c: x.c}
	k.closed, _ = lm["closed"].(bool)
	k.typeOptional, _ = lm["typeOptional"].(bool)
	refs, _ := lm["refs"].([]any)
	variants, _ := lm["variants"].([]any)
	if len(refs) != len(variants) {
		return nil, fmt.Errorf("union: %d refs but %d variants", len(refs), len(variants))
	}
	for i, r := range refs {
		s, _ := r.(string)
		k.refs = append(k.refs, s)
		// A variant the catalog lacks has no schema (null).
		var sch *jsonschema.Schema
		if vm, ok := variants[i].(map[string]any); ok {
			ref, _ := vm["$ref"].(string)
			var err error
			// Straight to the target: compiling the {"$ref"} wrapper would
			// cost a second walk of the value.
			if sch, err = ctx.CompileRef(ref, keyword+"/variants/"+strconv.Itoa(i), false); err != nil {
				return nil, err
			}
		}
		k.variants = append(k.variants, sch)
	}
	return k, nil
}

func extInt(m map[string]any, name string) optInt {
	v, ok := m[name]
	if !ok {
		return optInt{}
	}
	n, ok := datamodel.Int64(v)
	return optInt{Value: n, Set: ok}
}

// optInt is a limit of a keyword; Set is false when the lexicon has none.
type optInt = lexdoc.Optional[int64]

// The string, bytes, blob and unknown keywords write their rules once, in a
// check method that calls fail for every rule a value breaks, with the fact it
// measured. Their Validate (for v5) turns each failure into an error; their
// valid (the fast path, fast.go) only asks whether there is one. fail must not
// escape check, so that valid does not allocate.

// keywordErrors collects the failures of a check as v5 errors.
type keywordErrors struct {
	ctx  jsonschema.ValidationContext
	errs []error
}

func (r *keywordErrors) fail(rule, fact string) {
	r.errs = append(r.errs, r.ctx.Error(keyword+"/"+rule, "%s", fact))
}

// err returns no error, the one error, or several under one parent (whose
// empty message makes v5 fold it away).
func (r *keywordErrors) err() error {
	switch len(r.errs) {
	case 0:
		return nil
	case 1:
		return r.errs[0]
	}
	parent := r.ctx.Error(keyword, "")
	return parent.Group(parent, r.errs...)
}

// stringKW checks a string's lengths, as Lint checks a const or default.
type stringKW struct{ lexdoc.StringLengths }

func (k *stringKW) check(v any, fail func(rule, fact string)) {
	if s, ok := v.(string); ok {
		k.CheckLength(s, func(limit string, n int64) { fail(limit, itoa(n)) })
	}
}

func (k *stringKW) Validate(ctx jsonschema.ValidationContext, v any) error {
	r := keywordErrors{ctx: ctx}
	k.check(v, r.fail)
	return r.err()
}

type bytesKW struct{ minLength, maxLength optInt }

func (k *bytesKW) check(v any, fail func(rule, fact string)) {
	b, _ := datamodel.Field(v, "$bytes")
	s, ok := b.(string)
	if !ok {
		return
	}
	n, ok := datamodel.Base64Len(s)
	switch {
	case !ok:
		// The data-model walk reports it, and keeps the value off the
		// fast path.
	case k.minLength.Set && int64(n) < k.minLength.Value:
		fail(ruleMinLength, strconv.Itoa(n))
	case k.maxLength.Set && int64(n) > k.maxLength.Value:
		fail(ruleMaxLength, strconv.Itoa(n))
	}
}

func (k *bytesKW) Validate(ctx jsonschema.ValidationContext, v any) error {
	r := keywordErrors{ctx: ctx}
	k.check(v, r.fail)
	return r.err()
}

type blobKW struct {
	accept  []acceptPattern // split once here rather than on every value
	maxSize optInt
}

func (k *blobKW) check(v any, fail func(rule, fact string)) {
	if _, isObject := datamodel.ObjectLen(v); !isObject {
		return
	}
	field := func(name string) any { f, _ := datamodel.Field(v, name); return f }
	if field("$type") != "blob" {
		if !isLegacyBlob(v) {
			fail(ruleNotBlob, "object")
			return
		}
		// Reported as an error or dropped under Options.Lenient, so the
		// fast path leaves it to v5; the MIME type is still checked.
		fail(ruleLegacyBlob, "legacy")
		if mt, _ := field("mimeType").(string); !k.accepts(mt) {
			fail(ruleAccept, mt)
		}
		return
	}
	if mt, ok := field("mimeType").(string); ok && mt != "" && !k.accepts(mt) {
		fail(ruleAccept, mt)
	}
	if size, ok := datamodel.Int64(field("size")); ok && k.maxSize.Set && size > k.maxSize.Value {
		fail(ruleMaxSize, itoa(size))
	}
}

func (k *blobKW) Validate(ctx jsonschema.ValidationContext, v any) error {
	r := keywordErrors{ctx: ctx}
	k.check(v, r.fail)
	return r.err()
}

// acceptPattern is one accept entry, split into type and subtype; any is the
// pattern "*/*" exactly.
type acceptPattern struct {
	typ, sub string
	any      bool
}

// parseAcceptPattern splits an accept entry; ok is false when it is not a
// media type (such a pattern matches nothing).
func parseAcceptPattern(p string) (acceptPattern, bool) {
	if p == "*/*" {
		return acceptPattern{any: true}, true
	}
	typ, sub, ok := mediaType(p)
	return acceptPattern{typ: typ, sub: sub}, ok
}

// accepts matches a blob's MIME type against the accept patterns: exact,
// "type/*", "*/*". A nil list (no accept in the lexicon) accepts every type,
// an empty one none. Type and pattern are compared as media types: type and
// subtype without regard to case, and parameters left out ("The type,
// subtype, and parameter names are not case sensitive", RFC 2045 §5.1), so
// "image/png; charset=x" and "Image/PNG" are an image/png to "image/png" as
// they are to "image/*". "*/*" accepts any non-empty MIME type, even one that
// does not parse.
func (k *blobKW) accepts(mt string) bool {
	if k.accept == nil {
		return true
	}
	if mt == "" {
		return false
	}
	typ, sub, ok := mediaType(mt)
	for _, p := range k.accept {
		if p.any {
			return true
		}
		if ok && strings.EqualFold(p.typ, typ) && (p.sub == "*" || strings.EqualFold(p.sub, sub)) {
			return true
		}
	}
	return false
}

// mediaType splits "type/subtype; parameters" into type and subtype; ok is
// false unless both are present.
func mediaType(s string) (typ, sub string, ok bool) {
	s, _, _ = strings.Cut(s, ";")
	typ, sub, ok = strings.Cut(strings.TrimSpace(s), "/")
	if !ok || typ == "" || sub == "" || strings.Contains(sub, "/") {
		return "", "", false
	}
	return typ, sub, true
}

// isLegacyBlob reports the deprecated blob form: exactly {"cid", "mimeType"}
// with string values, the cid a blessed CID as in any link (datamodel.BlessedCID).
func isLegacyBlob(obj any) bool {
	if n, _ := datamodel.ObjectLen(obj); n != 2 {
		return false
	}
	cv, _ := datamodel.Field(obj, "cid")
	mtv, _ := datamodel.Field(obj, "mimeType")
	c, ok1 := cv.(string)
	mt, ok2 := mtv.(string)
	return ok1 && ok2 && mt != "" && datamodel.BlessedCID(c)
}

type unknownKW struct{}

// check refuses the objects the data model gives a meaning: "unknown" and
// "object" are data, not a blob, bytes or a link.
func (unknownKW) check(v any, fail func(rule, fact string)) {
	if _, isObject := datamodel.ObjectLen(v); isObject {
		if kind := dataModelObject(v); kind != "" {
			fail(ruleUnknownKind, kind)
		}
	}
}

func (k unknownKW) Validate(ctx jsonschema.ValidationContext, v any) error {
	r := keywordErrors{ctx: ctx}
	k.check(v, r.fail)
	return r.err()
}

// noValueKW refuses every value but null: the node's enum is empty, or its
// const is not one of the enum values.
type noValueKW struct{}

func (noValueKW) Validate(ctx jsonschema.ValidationContext, v any) error {
	if v == nil {
		return nil // "type" refuses null where it is not allowed
	}
	return ctx.Error(keyword+"/"+ruleNoValue, "none")
}

type unresolvedKW struct {
	ref      string
	nullable bool
}

func (k *unresolvedKW) Validate(ctx jsonschema.ValidationContext, v any) error {
	if v == nil && k.nullable {
		return nil
	}
	return ctx.Error(keyword+"/"+ruleUnresolved, "%s", k.ref)
}

type unionKW struct {
	c            *Compiler
	refs         []string // $type forms
	variants     []*jsonschema.Schema
	closed       bool
	typeOptional bool
}

// unionStep is what a union makes of a value before any variant is checked.
type unionStep int

const (
	// unionPass: nothing for the union to check. The value is no object,
	// its $type is missing ("required" reports it) or no non-empty string
	// (the data-model walk reports it), or an open union meets a type the
	// catalog does not know.
	unionPass unionStep = iota
	// unionUntyped: a subscription message without $type, which must match
	// one of the variants (untyped).
	unionUntyped
	// unionVariant: a listed variant, k.variants[variant], checks the value.
	unionVariant
	// unionUnit: an unlisted type of an open union that the catalog knows;
	// unit checks it.
	unionUnit
	// unionRefuse: the union refuses the value; rule and fact say why.
	unionRefuse
)

// unionChoice is a union's decision for one value.
type unionChoice struct {
	step    unionStep
	variant int
	unit    *unit
	rule    string
	typ     string      // the $type
	kind    lexdoc.Type // ruleVariantKind: the type of the definition named
	err     error       // ruleVariantError: why it could not be compiled
}

// fact is a refusal's fact, as the rule's comment says (rule names, above).
func (c unionChoice) fact() string {
	switch {
	case c.err != nil:
		return c.typ + "\t" + c.err.Error()
	case c.kind != "":
		return c.typ + "\t" + string(c.kind)
	}
	return c.typ
}

// choose decides which variant, if any, checks v. It is the one place that
// reads a value's $type for a union: Validate (v5) and fastUnion.valid (the
// fast path) both act on its choice, so they cannot select differently.
func (k *unionKW) choose(v any) unionChoice {
	if _, isObject := datamodel.ObjectLen(v); !isObject {
		return unionChoice{}
	}
	tv, ok := datamodel.Field(v, "$type")
	if !ok {
		if k.typeOptional {
			return unionChoice{step: unionUntyped}
		}
		return unionChoice{}
	}
	t, ok := tv.(string)
	if !ok || t == "" {
		return unionChoice{}
	}
	refuse := func(rule string) unionChoice { return unionChoice{step: unionRefuse, rule: rule, typ: t} }
	if strings.HasSuffix(t, "#main") {
		return refuse(ruleMainSuffix)
	}
	for i, r := range k.refs {
		if r == t {
			if k.variants[i] == nil {
				return refuse(ruleUnresolved)
			}
			return unionChoice{step: unionVariant, variant: i}
		}
	}
	if k.closed {
		return refuse(ruleNotOneOf)
	}
	ref, ok := lexdoc.ParseTypeRef(t)
	if !ok {
		return refuse(ruleNotTypeRef)
	}
	// Open union: a type the catalog knows is checked; others pass.
	u, kind, err := k.c.variantUnit(ref)
	switch {
	case err != nil:
		c := refuse(ruleVariantError)
		c.err = err
		return c
	case kind != "":
		c := refuse(ruleVariantKind)
		c.kind = kind
		return c
	case u == nil:
		return unionChoice{}
	}
	return unionChoice{step: unionUnit, unit: u}
}

func (k *unionKW) Validate(ctx jsonschema.ValidationContext, v any) error {
	c := k.choose(v)
	switch c.step {
	case unionUntyped:
		if k.singleVariant() {
			return ctx.Validate(k.variants[0], keyword, nil, "")
		}
		return k.untyped(ctx, func(i int) bool { return ctx.Validate(k.variants[i], keyword, nil, "") == nil })
	case unionVariant:
		return ctx.Validate(k.variants[c.variant], keyword, v, "")
	case unionUnit:
		return ctx.Validate(c.unit.js, keyword, v, "")
	case unionRefuse:
		return c.refusal(ctx)
	}
	return nil
}

// refusal is the error of a refused value.
func (c unionChoice) refusal(ctx jsonschema.ValidationContext) error {
	return ctx.Error(keyword+"/"+c.rule, "%s", c.fact())
}

// singleVariant reports a union of one variant the catalog has: a
// subscription message without $type is checked against it as if it named
// it.
func (k *unionKW) singleVariant() bool {
	return len(k.variants) == 1 && k.variants[0] != nil
}

// untyped checks a subscription message that omits $type against a union of
// several variants (or one the catalog lacks): it must match one of them,
// which passes(i) says of the variant k.variants[i] (non-nil). When it
// matches none the catalog has, a variant the catalog lacks might be the
// one: each such variant is an unresolved reference the value reaches (an
// error, or under Options.AllowUnresolved an unchecked reference), as it
// would be with its $type given.
func (k *unionKW) untyped(ctx jsonschema.ValidationContext, passes func(i int) bool) error {
	missing := keywordErrors{ctx: ctx}
	for i, s := range k.variants {
		if s == nil {
			missing.fail(ruleUnresolved, k.refs[i])
			continue
		}
		if passes(i) {
			return nil
		}
	}
	if len(missing.errs) > 0 {
		return missing.err()
	}
	return ctx.Error(keyword+"/"+ruleNoVariant, "none")
}
