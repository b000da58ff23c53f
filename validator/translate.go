package validator

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/lexval/lexval/datamodel"
)

// The translation of one definition+target into one JSON Schema (draft
// 2020-12) document, compiled as one resource.
//
// Standard keywords carry what JSON Schema can say (type, properties,
// required, items, minItems/maxItems, minimum/maximum, enum, const, format),
// so the document is useful to other JSON Schema tools. Everything else sits in
// one custom keyword, "lexicon", whose value holds the Lexicon rule in Lexicon
// terms (byte lengths, graphemes, bytes, blobs, unions keyed by $type, unknown,
// unresolved references).
//
// v5 walks the instance again for every applicator ($ref, anyOf, ...) and
// allocates each time, so the translation is flat: a definition referenced
// once is inlined where it is used; one referenced from several places, or
// recursively, goes to $defs (keyed by its $type form) and is reached by $ref.

// keyword is the custom keyword holding Lexicon rules.
const keyword = "lexicon"

// maxSchemaNodes bounds the size of one translation.
const maxSchemaNodes = 200_000

// entryKind says what a translated schema object stands for.
type entryKind uint8

const (
	entryNode       entryKind = iota // a lexicon node
	entryRecordType                  // the $type property of a record
	entryNullBranch                  // the null branch of a nullable wrapper
)

// entry describes one schema object of a translation, found again from the
// locations in validation errors.
type entry struct {
	kind     entryKind
	n        *node    // nil for entryNullBranch; n.loc is Error.SchemaPath
	nullable bool     // null allowed here
	required []string // the translated required list (objects)
	nsid     string   // entryRecordType: the expected $type
}

type translator struct {
	cat     *Catalog
	counts  map[DefRef]int
	defs    map[string]any // $defs by $type form
	emitted map[DefRef]bool
	stack   []DefRef
	index   map[string]*entry // by JSON Pointer (RFC 6901 tokens, unencoded)
	nodes   int
}

// translation is the result of translating one definition+target.
type translation struct {
	doc   map[string]any
	index map[string]*entry
}

// translate builds the JSON Schema for def (named ref) and target.
func translate(cat *Catalog, ref DefRef, def *Def, target Target) (*translation, error) {
	body, err := targetBody(ref, def, target)
	if err != nil {
		return nil, err
	}
	t := &translator{
		cat:     cat,
		counts:  map[DefRef]int{},
		defs:    map[string]any{},
		emitted: map[DefRef]bool{},
		index:   map[string]*entry{},
	}
	seen := map[DefRef]bool{}
	isDef := target == TargetRecord || target == TargetObject
	if isDef {
		// The definition itself is used once, at the root.
		seen[ref] = true
		t.counts[ref]++
	}
	if err := t.count(body, seen); err != nil {
		return nil, err
	}
	var root map[string]any
	switch {
	case isDef:
		root, err = t.refTarget(ref, "", false, ref.String())
	default:
		root, err = t.schema(body, "", false, target == TargetMessage)
	}
	if err != nil {
		return nil, err
	}
	if len(t.defs) > 0 {
		root["$defs"] = t.defs
	}
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	return &translation{doc: root, index: t.index}, nil
}

// targetBody returns the node a target checks values against.
func targetBody(ref DefRef, def *Def, target Target) (*node, error) {
	n := def.node
	var b *body
	switch target {
	case TargetRecord:
		if def.Type == typeRecord {
			return n, nil
		}
	case TargetObject:
		// A record is checked as TargetRecord.
		if def.Type != typeRecord && hasDataForm(def.Type) {
			return n, nil
		}
	case TargetParams:
		if n.parameters != nil {
			return n.parameters, nil
		}
	case TargetInput:
		b = n.input
	case TargetOutput:
		b = n.output
	case TargetMessage:
		b = n.message
	default:
		return nil, fmt.Errorf("%w: %q", ErrNoTarget, target)
	}
	if b != nil && b.schema != nil {
		if target == TargetMessage && b.schema.typ != typeUnion {
			// Only a union tells messages apart by $type (which the top
			// level of a message may omit).
			return nil, fmt.Errorf("%w: %s: a subscription message schema must be a union of refs, not %s", ErrInvalidLexicon, b.schema.loc, withArticle(b.schema.typ))
		}
		return b.schema, nil
	}
	if b != nil {
		// "schema is optional even for JSON responses": a body declared by
		// its encoding alone sets no rule a value could break.
		return nil, fmt.Errorf("%w: %s (type %s) has no %s schema: its %s is described only by its encoding (%s), so there is nothing to validate", ErrNoTarget, ref, def.Type, target, target, b.encoding)
	}
	offers := def.targets()
	if len(offers) == 0 {
		return nil, fmt.Errorf("%w: %s (type %s) has no %s: it has nothing to validate", ErrNoTarget, ref, def.Type, target)
	}
	return nil, fmt.Errorf("%w: %s (type %s) has no %s; it offers: %s", ErrNoTarget, ref, def.Type, target, joinTargets(offers))
}

// count counts, for every definition the body reaches, how many places refer
// to it. A definition's own references are counted once however often it is
// reached, because it is translated once (inline or in $defs).
func (t *translator) count(n *node, seen map[DefRef]bool) error {
	visit := func(r DefRef) error {
		t.counts[r]++
		if seen[r] {
			return nil
		}
		seen[r] = true
		def, ok := t.cat.def(r)
		if !ok {
			return nil // unresolved: reported per value
		}
		if def.Type == typeRecord {
			return t.count(def.node.record, seen)
		}
		return t.count(def.node, seen)
	}
	switch n.typ {
	case typeRef:
		return visit(n.ref)
	case typeUnion:
		for _, r := range n.refs {
			// Variants go to $defs whatever their count.
			t.counts[r]++
			if err := visit(r); err != nil {
				return err
			}
		}
	case typeArray:
		return t.count(n.items, seen)
	case typeObject, typeParams:
		for _, name := range n.propNames {
			if err := t.count(n.properties[name], seen); err != nil {
				return err
			}
		}
	case typeRecord:
		return t.count(n.record, seen)
	}
	return nil
}

func (t *translator) register(ptr string, e *entry) error {
	t.nodes++
	if t.nodes > maxSchemaNodes {
		return fmt.Errorf("%w: schema too large (more than %d nodes)", ErrInvalidLexicon, maxSchemaNodes)
	}
	t.index[ptr] = e
	return nil
}

// refTarget translates the use of definition r at ptr: inline when used once,
// else a $ref into $defs. A nullable use gets its own inline copy so that null
// needs no applicator; only a recursive nullable use needs anyOf.
//
// from is the lexicon location of the ref or union naming r, where an
// unresolved reference is reported.
func (t *translator) refTarget(r DefRef, ptr string, nullable bool, from string) (map[string]any, error) {
	def, ok := t.cat.def(r)
	if !ok {
		return t.unresolved(r, ptr, nullable, from)
	}
	if !slices.Contains(t.stack, r) && (t.counts[r] <= 1 || nullable) {
		t.stack = append(t.stack, r)
		defer func() { t.stack = t.stack[:len(t.stack)-1] }()
		return t.defBody(r, def, ptr, nullable)
	}
	ref, err := t.defsRef(r, def)
	if err != nil {
		return nil, err
	}
	if !nullable {
		return map[string]any{"$ref": ref}, nil
	}
	if err := t.register(ptr+"/anyOf/0", &entry{kind: entryNullBranch}); err != nil {
		return nil, err
	}
	return map[string]any{"anyOf": []any{map[string]any{"type": "null"}, map[string]any{"$ref": ref}}}, nil
}

// defsRef puts definition r in $defs (once) and returns the $ref to it.
func (t *translator) defsRef(r DefRef, def *Def) (string, error) {
	key := r.String()
	if !t.emitted[r] {
		t.emitted[r] = true
		saved := t.stack
		t.stack = []DefRef{r}
		s, err := t.defBody(r, def, "/$defs/"+datamodel.EscapePointerToken(key), false)
		t.stack = saved
		if err != nil {
			return "", err
		}
		t.defs[key] = s
	}
	return "#/$defs/" + url.PathEscape(datamodel.EscapePointerToken(key)), nil
}

// defBody translates a definition used as data: a record's body (with its
// $type), or the definition's own schema.
func (t *translator) defBody(r DefRef, def *Def, ptr string, nullable bool) (map[string]any, error) {
	switch {
	case def.Type == typeRecord:
		return t.record(r, def.node, ptr, nullable)
	case def.Type == typeToken:
		return nil, fmt.Errorf("%w: %s is a token, which has no data form", ErrInvalidLexicon, r)
	case !hasDataForm(def.Type):
		return nil, fmt.Errorf("%w: %s is a %s definition, which has no data form", ErrInvalidLexicon, r, def.Type)
	}
	return t.schema(def.node, ptr, nullable, false)
}

// record translates a record definition used as data: its body, plus a
// required $type equal to the NSID.
func (t *translator) record(r DefRef, n *node, ptr string, nullable bool) (map[string]any, error) {
	s, err := t.schema(n.record, ptr, nullable, false)
	if err != nil {
		return nil, err
	}
	e := t.index[ptr]
	if !slices.Contains(e.required, "$type") {
		e.required = append([]string{"$type"}, e.required...)
	}
	s["required"] = toAnySlice(e.required)
	props, _ := s["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		s["properties"] = props
	}
	// A record's $type is its NSID; a record not named main (which Lint
	// reports) can only be named in full.
	nsid := r.String()
	props["$type"] = map[string]any{"type": "string", "const": nsid}
	if err := t.register(ptr+"/properties/$type", &entry{kind: entryRecordType, n: n.record, nsid: nsid}); err != nil {
		return nil, err
	}
	s[keyword] = map[string]any{"type": typeRecord, "key": n.key}
	if _, ok := s["description"]; !ok && n.description != "" {
		s["description"] = n.description
	}
	return s, nil
}

// schema translates node n at ptr. nullable lets null through; typeOptional
// marks the top-level union of a subscription message, whose $type may be
// omitted.
func (t *translator) schema(n *node, ptr string, nullable, typeOptional bool) (map[string]any, error) {
	if n.typ == typeRef {
		// A ref has no schema of its own: its target stands in its place.
		return t.refTarget(n.ref, ptr, nullable, n.loc)
	}
	e := &entry{kind: entryNode, n: n, nullable: nullable}
	if err := t.register(ptr, e); err != nil {
		return nil, err
	}
	s := map[string]any{}
	typ := func(jsonType string) {
		if nullable {
			s["type"] = []any{jsonType, "null"}
		} else {
			s["type"] = jsonType
		}
	}
	lex := map[string]any{"type": n.typ}
	switch n.typ {
	case typeBoolean:
		typ("boolean")
		t.constEnum(s, lex, n, nullable)
	case typeInteger:
		typ("integer")
		if n.minimum.set {
			s["minimum"] = n.minimum.v
		}
		if n.maximum.set {
			s["maximum"] = n.maximum.v
		}
		t.constEnum(s, lex, n, nullable)
	case typeString:
		typ("string")
		if n.format != "" {
			if _, ok := FormatChecker(n.format); !ok {
				return nil, fmt.Errorf("%w: %s: unknown string format %q", ErrInvalidLexicon, n.loc, n.format)
			}
			s["format"] = n.format
		}
		t.constEnum(s, lex, n, nullable)
		setOpt(lex, "minLength", n.minLength)
		setOpt(lex, "maxLength", n.maxLength)
		setOpt(lex, "minGraphemes", n.minGraphemes)
		setOpt(lex, "maxGraphemes", n.maxGraphemes)
		if len(n.knownValues) > 0 {
			lex["knownValues"] = toAnySlice(n.knownValues)
		}
	case typeBytes:
		typ("object")
		s["required"] = []any{"$bytes"}
		e.required = []string{"$bytes"}
		setOpt(lex, "minLength", n.minLength)
		setOpt(lex, "maxLength", n.maxLength)
	case typeCIDLink:
		// The data-model check validates every $link object; the schema
		// only needs to ask for one.
		typ("object")
		s["required"] = []any{"$link"}
		e.required = []string{"$link"}
	case typeBlob:
		typ("object")
		if n.accept != nil {
			lex["accept"] = toAnySlice(n.accept)
		}
		setOpt(lex, "maxSize", n.maxSize)
	case typeUnknown:
		typ("object")
	case typeArray:
		typ("array")
		items, err := t.schema(n.items, ptr+"/items", false, false)
		if err != nil {
			return nil, err
		}
		s["items"] = items
		if n.minLength.set {
			s["minItems"] = n.minLength.v
		}
		if n.maxLength.set {
			s["maxItems"] = n.maxLength.v
		}
	case typeObject, typeParams:
		typ("object")
		if err := t.object(s, e, n, ptr); err != nil {
			return nil, err
		}
		if n.typ == typeParams {
			lex = nil
		}
	case typeUnion:
		typ("object")
		if !typeOptional {
			s["required"] = []any{"$type"}
			e.required = []string{"$type"}
		}
		if err := t.union(lex, n, typeOptional); err != nil {
			return nil, err
		}
	case typeToken:
		return nil, fmt.Errorf("%w: %s: a token has no data form and cannot describe a value", ErrInvalidLexicon, n.loc)
	default:
		return nil, fmt.Errorf("%w: %s: type %s cannot describe a value", ErrInvalidLexicon, n.loc, n.typ)
	}
	// The keyword is left out where the JSON type already says the Lexicon
	// type and there is no rule to add.
	if lex != nil && (len(lex) > 1 || !jsonTyped(n.typ)) {
		s[keyword] = lex
	}
	if n.description != "" {
		s["description"] = n.description
	}
	return s, nil
}

// jsonTyped reports Lexicon types that JSON Schema's "type" names exactly.
func jsonTyped(t string) bool {
	switch t {
	case typeBoolean, typeInteger, typeString, typeArray:
		return true
	}
	return false
}

// constEnum emits const and enum. Both are closed sets ("a closed set of
// allowed values", "a fixed (constant) value"), so a node with both allows
// their intersection, and an empty enum allows nothing. v5 (like the fast
// path) skips an empty enum, so a node that allows no value also gets the
// lexicon keyword's "noValue", which refuses everything but an allowed null.
func (t *translator) constEnum(s, lex map[string]any, n *node, nullable bool) {
	var enum []any
	switch {
	case n.constVal != nil && (!n.hasEnum || n.enumHas(n.constVal)):
		if !nullable {
			s["const"] = n.constVal
			return
		}
		enum = []any{n.constVal}
	case n.constVal != nil:
		enum = []any{} // the const is not one of the enum values
	case n.hasEnum && n.typ == typeInteger:
		enum = make([]any, len(n.intEnum))
		for i, v := range n.intEnum {
			enum[i] = v
		}
	case n.hasEnum:
		enum = toAnySlice(n.strEnum)
	default:
		return
	}
	if n.allowsNoValue() {
		lex["noValue"] = true
	}
	if nullable {
		enum = append(enum, nil)
	}
	s["enum"] = enum
}

func (t *translator) object(s map[string]any, e *entry, n *node, ptr string) error {
	if len(n.required) > 0 {
		// JSON Schema wants the names of "required" unique; Lexicon does
		// not, and a name listed twice is required once.
		e.required = unique(n.required)
		s["required"] = toAnySlice(e.required)
	}
	props := make(map[string]any, len(n.propNames))
	for _, name := range n.propNames {
		child := n.properties[name]
		if n.typ == typeParams {
			if err := checkParam(child); err != nil {
				return err
			}
		}
		cs, err := t.schema(child, ptr+"/properties/"+datamodel.EscapePointerToken(name), n.isNullable(name), false)
		if err != nil {
			return err
		}
		props[name] = cs
	}
	s["properties"] = props
	return nil
}

// checkParam enforces the types a query parameter may have.
func checkParam(n *node) error {
	t := n.typ
	if t == typeArray {
		t = n.items.typ
	}
	if compilesAsParam(t) {
		return nil
	}
	return fmt.Errorf("%w: %s: a parameter must be a boolean, integer, string, unknown or an array of those, got %s", ErrInvalidLexicon, n.loc, n.typ)
}

func (t *translator) union(lex map[string]any, n *node, typeOptional bool) error {
	if n.closed && len(n.refs) == 0 {
		return fmt.Errorf("%w: %s: a closed union needs at least one ref", ErrInvalidLexicon, n.loc)
	}
	// Variants always live in $defs: v5 checks a schema found at a
	// non-standard location against the meta-schema again, each time.
	refs := make([]any, len(n.refs))
	variants := make([]any, len(n.refs))
	var unresolved []any
	for i, r := range n.refs {
		refs[i] = r.String()
		def, ok := t.cat.def(r)
		if !ok {
			unresolved = append(unresolved, r.String())
			continue
		}
		if !isVariantType(def.Type) {
			return fmt.Errorf("%w: %s: union variant %s is a %s, not an object or record", ErrInvalidLexicon, n.loc, r, def.Type)
		}
		ref, err := t.defsRef(r, def)
		if err != nil {
			return err
		}
		variants[i] = map[string]any{"$ref": ref}
	}
	lex["refs"] = refs
	lex["variants"] = variants
	if unresolved != nil {
		lex["unresolved"] = unresolved
	}
	if n.closed {
		lex["closed"] = true
	}
	if typeOptional {
		lex["typeOptional"] = true
	}
	return nil
}

// unresolved stands in for a definition the catalog lacks: a schema that
// reports the reference for any value reaching it (as an error, or as an
// unchecked reference under Options.AllowUnresolved).
func (t *translator) unresolved(r DefRef, ptr string, nullable bool, from string) (map[string]any, error) {
	e := &entry{kind: entryNode, n: &node{typ: typeRef, ref: r, loc: from}, nullable: nullable}
	if err := t.register(ptr, e); err != nil {
		return nil, err
	}
	lex := map[string]any{"type": typeRef, "unresolved": r.String()}
	if nullable {
		lex["nullable"] = true
	}
	return map[string]any{keyword: lex}, nil
}

func setOpt(m map[string]any, name string, o optInt) {
	if o.set {
		m[name] = o.v
	}
}

// unique returns ss without repeated names, in first-seen order; ss itself
// when nothing repeats.
func unique(ss []string) []string {
	for i, s := range ss {
		if slices.Contains(ss[:i], s) {
			out := slices.Clone(ss[:i])
			for _, s := range ss[i+1:] {
				if !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
			return out
		}
	}
	return ss
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// unescapeLocation turns a v5 schema or instance location's fragment into RFC
// 6901 tokens (v5 percent-encodes tokens on top of JSON Pointer escaping).
func unescapeLocation(ptr string) string {
	if !strings.Contains(ptr, "%") {
		return ptr
	}
	if u, err := url.PathUnescape(ptr); err == nil {
		return u
	}
	return ptr
}
