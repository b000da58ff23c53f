package validator

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
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
//
// v5 compiles one resource (one JSON document) in time that grows with the
// square of its size, and checks it against the draft's meta-schema in time
// that grows with the cube of its depth: compiling each schema object lists
// every schema of its resource (compileDynamicAnchors), and the meta-schema
// check builds each keyword location from the whole stack of schemas above
// it. So v5 gets the translation in pieces: the root and each $defs entry
// are resources of their own, and a schema object that would make its
// resource larger than maxResourceNodes, or deeper than maxResourceDepth,
// moves to $defs as a part ("part-1", a key no definition can have, since
// an NSID has dots). The document Schema.JSONSchema returns is the same
// translation as one self-contained document, its $defs reached by "#/$defs/"
// pointers; v5 reaches them by URL (resourceURL). Real lexicons never need a
// part: the largest of the atproto repository's compiles to 458 schema
// objects in all, 57 of them in $defs.

// keyword is the custom keyword holding Lexicon rules.
const keyword = "lexicon"

// maxSchemaNodes bounds the size of one translation, which can outgrow its
// documents: a definition used as nullable is copied into each use. The
// largest real one has 458 nodes; 20,000 take about a second to compile.
const maxSchemaNodes = 20_000

// maxResourceNodes and maxResourceDepth (in JSON Pointer tokens below the
// resource's root) bound what one resource holds before a schema object
// moves to a part of its own. An object's properties stay with it whatever
// their number (lexdoc.MaxProperties bounds that).
const (
	maxResourceNodes = 512
	maxResourceDepth = 32
)

// pollEvery is how many schema objects translating (and compiling: the
// keyword's compiler is called for each) goes between looks at its context.
const pollEvery = 256

// entryKind says what a translated schema object stands for.
type entryKind uint8

const (
	entryNode       entryKind = iota // a lexicon schema
	entryRecordType                  // the $type property of a record
	entryNullBranch                  // the null branch of a nullable wrapper
)

// entry describes one schema object of a translation, found again from the
// locations in validation errors.
type entry struct {
	kind entryKind
	// s is the lexicon schema; nil for entryNullBranch and for a reference
	// the catalog lacks.
	s        lexdoc.Schema
	loc      string   // Error.SchemaPath
	nullable bool     // null allowed here
	required []string // the translated required list (objects)
	nsid     string   // entryRecordType: the expected $type
}

type translator struct {
	ctx     context.Context
	cat     *lexdoc.Catalog
	counts  map[lexdoc.DefRef]int
	defs    map[string]any // $defs by $type form, and parts
	emitted map[lexdoc.DefRef]bool
	stack   []lexdoc.DefRef
	res     *resource            // the resource being translated
	parts   map[string]*resource // $defs entries by key
	refs    []refNode            // every {"$ref"} into $defs
	nodes   int
	// numParts numbers parts: a part's key is taken before its contents,
	// which may hold parts of their own, are translated.
	numParts int
}

// resource is the root of a translation or one of its $defs entries, which
// v5 compiles as a resource of its own.
type resource struct {
	// base is the JSON Pointer of the resource's root in the whole
	// translation ("" for the root, "/$defs/key" for an entry).
	base string
	// index holds the entries of its schema objects by JSON Pointer
	// relative to its root (RFC 6901 tokens, unencoded), as v5's errors
	// locate them.
	index map[string]*entry
	nodes int
}

// refNode is a {"$ref"} into $defs entry key.
type refNode struct {
	node map[string]any
	key  string
}

// translation is the result of translating one definition+target.
type translation struct {
	doc   map[string]any
	root  *resource
	parts map[string]*resource
	refs  []refNode
}

// translate builds the JSON Schema for def (named ref) and target. It stops
// with ctx's error when ctx ends.
func translate(ctx context.Context, cat *lexdoc.Catalog, ref lexdoc.DefRef, def lexdoc.Schema, target Target) (*translation, error) {
	body, err := targetBody(ref, def, target)
	if err != nil {
		return nil, err
	}
	t := &translator{
		ctx:     ctx,
		cat:     cat,
		counts:  map[lexdoc.DefRef]int{},
		defs:    map[string]any{},
		emitted: map[lexdoc.DefRef]bool{},
		res:     &resource{index: map[string]*entry{}},
		parts:   map[string]*resource{},
	}
	root := t.res
	seen := map[lexdoc.DefRef]bool{}
	isDef := target == TargetRecord || target == TargetObject
	if isDef {
		// The definition itself is used once, at the root.
		seen[ref] = true
		t.counts[ref]++
	}
	if err := t.count(body, seen); err != nil {
		return nil, err
	}
	var doc map[string]any
	switch {
	case isDef:
		doc, err = t.refTarget(ref, "", false, ref.String())
	default:
		doc, err = t.schemaAt(body, "", false, target == TargetMessage)
	}
	if err != nil {
		return nil, err
	}
	if len(t.defs) > 0 {
		doc["$defs"] = t.defs
	}
	doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	return &translation{doc: doc, root: root, parts: t.parts, refs: t.refs}, nil
}

// resourceURL is the URL v5 knows $defs entry key of the unit at unitURL by.
func resourceURL(unitURL, key string) string {
	return unitURL + "/" + url.PathEscape(key)
}

// engineResource is one resource of a translation as v5 gets it.
type engineResource struct {
	url   string
	doc   []byte
	index map[string]*entry
}

// marshal returns the translation as one document (for
// Schema.JSONSchema), and as the resources v5 compiles, the root first.
func (tr *translation) marshal(unitURL string) (doc []byte, resources []engineResource, err error) {
	if doc, err = json.Marshal(tr.doc); err != nil {
		return nil, nil, err
	}
	defs, hasDefs := tr.doc["$defs"]
	delete(tr.doc, "$defs")
	for _, r := range tr.refs {
		r.node["$ref"] = resourceURL(unitURL, r.key)
	}
	defer func() {
		if hasDefs {
			tr.doc["$defs"] = defs
		}
		for _, r := range tr.refs {
			r.node["$ref"] = defsPointer(r.key)
		}
	}()
	root, err := json.Marshal(tr.doc)
	if err != nil {
		return nil, nil, err
	}
	resources = append(resources, engineResource{url: unitURL, doc: root, index: tr.root.index})
	if hasDefs {
		for key, d := range defs.(map[string]any) {
			data, err := json.Marshal(d)
			if err != nil {
				return nil, nil, err
			}
			resources = append(resources, engineResource{url: resourceURL(unitURL, key), doc: data, index: tr.parts[key].index})
		}
	}
	return doc, resources, nil
}

// defsPointer is the "$ref" to $defs entry key within the whole document.
func defsPointer(key string) string {
	return "#/$defs/" + url.PathEscape(datamodel.EscapePointerToken(key))
}

// refTo returns a {"$ref"} to $defs entry key, which marshal points at the
// entry's own resource for v5.
func (t *translator) refTo(key string) map[string]any {
	n := map[string]any{"$ref": defsPointer(key)}
	t.refs = append(t.refs, refNode{node: n, key: key})
	return n
}

// within runs fn with a new resource rooted at $defs entry key as the one
// being translated, and keeps it as that entry's.
func (t *translator) within(key string, fn func(ptr string) (map[string]any, error)) error {
	saved := t.res
	t.res = &resource{base: "/$defs/" + datamodel.EscapePointerToken(key), index: map[string]*entry{}}
	s, err := fn(t.res.base)
	t.parts[key] = t.res
	t.res = saved
	if err != nil {
		return err
	}
	t.defs[key] = s
	return nil
}

// targetBody returns the schema a target checks values against.
func targetBody(ref lexdoc.DefRef, def lexdoc.Schema, target Target) (lexdoc.Schema, error) {
	params, input, output, message := endpoint(def)
	var b *lexdoc.Body
	switch target {
	case TargetRecord:
		if def.Type() == lexdoc.TypeRecord {
			return def, nil
		}
	case TargetObject:
		// A record is checked as TargetRecord.
		if def.Type() != lexdoc.TypeRecord && def.Type().HasDataForm() {
			return def, nil
		}
	case TargetParams:
		if params != nil {
			return params, nil
		}
	case TargetInput:
		b = input
	case TargetOutput:
		b = output
	case TargetMessage:
		b = message
	default:
		return nil, fmt.Errorf("%w: %q", ErrNoTarget, target)
	}
	if b != nil && b.Schema != nil {
		if target == TargetMessage && b.Schema.Type() != lexdoc.TypeUnion {
			// Only a union tells messages apart by $type (which the top
			// level of a message may omit).
			return nil, fmt.Errorf("%w: %s: a subscription message schema must be a union of refs, not %s", ErrInvalidLexicon, b.Schema.Location().SchemaPath, b.Schema.Type().WithArticle())
		}
		return b.Schema, nil
	}
	if b != nil {
		// "schema is optional even for JSON responses": a body declared by
		// its encoding alone sets no rule a value could break.
		return nil, fmt.Errorf("%w: %s (type %s) has no %s schema: its %s is described only by its encoding (%s), so there is nothing to validate", ErrNoTarget, ref, def.Type(), target, target, b.Encoding)
	}
	offers := targetsOf(def)
	if len(offers) == 0 {
		return nil, fmt.Errorf("%w: %s (type %s) has no %s: it has nothing to validate", ErrNoTarget, ref, def.Type(), target)
	}
	return nil, fmt.Errorf("%w: %s (type %s) has no %s; it offers: %s", ErrNoTarget, ref, def.Type(), target, joinTargets(offers))
}

// count counts, for every definition the body reaches, how many places refer
// to it. A definition's own references are counted once however often it is
// reached, because it is translated once (inline or in $defs).
func (t *translator) count(s lexdoc.Schema, seen map[lexdoc.DefRef]bool) error {
	visit := func(r lexdoc.DefRef) error {
		t.counts[r]++
		if seen[r] {
			return nil
		}
		seen[r] = true
		def, ok := t.cat.Lookup(r)
		if !ok {
			return nil // unresolved: reported per value
		}
		return t.count(def, seen)
	}
	switch n := s.(type) {
	case *lexdoc.Ref:
		return visit(n.Ref)
	case *lexdoc.Union:
		for _, r := range n.Refs {
			// Variants go to $defs whatever their count.
			t.counts[r]++
			if err := visit(r); err != nil {
				return err
			}
		}
	case *lexdoc.Array:
		return t.count(n.Items, seen)
	case *lexdoc.Object:
		return t.countProperties(n.Properties, seen)
	case *lexdoc.Params:
		return t.countProperties(n.Properties, seen)
	case *lexdoc.Record:
		return t.count(n.Record, seen)
	}
	return nil
}

func (t *translator) countProperties(props lexdoc.Properties, seen map[lexdoc.DefRef]bool) error {
	for _, p := range props {
		if err := t.count(p.Schema, seen); err != nil {
			return err
		}
	}
	return nil
}

func (t *translator) register(ptr string, e *entry) error {
	t.nodes++
	if t.nodes > maxSchemaNodes {
		return fmt.Errorf("%w: %w: the schema compiles to more than %d schema objects (a definition used as nullable is copied into every such use)", ErrInvalidLexicon, lexdoc.ErrLimit, maxSchemaNodes)
	}
	if t.nodes%pollEvery == 0 {
		if err := context.Cause(t.ctx); err != nil {
			return err
		}
	}
	t.res.index[ptr[len(t.res.base):]] = e
	t.res.nodes++
	return nil
}

// entryAt is the entry registered at ptr in the resource being translated.
func (t *translator) entryAt(ptr string) *entry {
	return t.res.index[ptr[len(t.res.base):]]
}

// refTarget translates the use of definition r at ptr: inline when used once,
// else a $ref into $defs. A nullable use gets its own inline copy so that null
// needs no applicator; only a recursive nullable use needs anyOf.
//
// from is the lexicon location of the ref or union naming r, where an
// unresolved reference is reported.
func (t *translator) refTarget(r lexdoc.DefRef, ptr string, nullable bool, from string) (map[string]any, error) {
	def, ok := t.cat.Lookup(r)
	if !ok {
		return t.unresolved(r, ptr, nullable, from)
	}
	if !slices.Contains(t.stack, r) && (t.counts[r] <= 1 || nullable) {
		t.stack = append(t.stack, r)
		defer func() { t.stack = t.stack[:len(t.stack)-1] }()
		return t.defBody(r, def, ptr, nullable)
	}
	key, err := t.defsKey(r, def)
	if err != nil {
		return nil, err
	}
	if !nullable {
		return t.refTo(key), nil
	}
	if err := t.register(ptr+"/anyOf/0", &entry{kind: entryNullBranch}); err != nil {
		return nil, err
	}
	return map[string]any{"anyOf": []any{map[string]any{"type": "null"}, t.refTo(key)}}, nil
}

// defsKey puts definition r in $defs (once) and returns its key there.
func (t *translator) defsKey(r lexdoc.DefRef, def lexdoc.Schema) (string, error) {
	key := r.String()
	if t.emitted[r] {
		return key, nil
	}
	t.emitted[r] = true
	saved := t.stack
	t.stack = []lexdoc.DefRef{r}
	defer func() { t.stack = saved }()
	return key, t.within(key, func(ptr string) (map[string]any, error) {
		return t.defBody(r, def, ptr, false)
	})
}

// defBody translates a definition used as data: a record's body (with its
// $type), or the definition's own schema.
func (t *translator) defBody(r lexdoc.DefRef, def lexdoc.Schema, ptr string, nullable bool) (map[string]any, error) {
	switch d := def.(type) {
	case *lexdoc.Record:
		return t.record(r, d, ptr, nullable)
	case *lexdoc.Token:
		return nil, fmt.Errorf("%w: %s is a token, which has no data form", ErrInvalidLexicon, r)
	}
	if !def.Type().HasDataForm() {
		return nil, fmt.Errorf("%w: %s is a %s definition, which has no data form", ErrInvalidLexicon, r, def.Type())
	}
	return t.schema(def, ptr, nullable)
}

// record translates a record definition used as data: its body, plus a
// required $type equal to the NSID.
func (t *translator) record(r lexdoc.DefRef, rec *lexdoc.Record, ptr string, nullable bool) (map[string]any, error) {
	// The body stays where it is (no part): $type joins its properties.
	s, err := t.schemaAt(rec.Record, ptr, nullable, false)
	if err != nil {
		return nil, err
	}
	e := t.entryAt(ptr)
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
	typeEntry := &entry{kind: entryRecordType, s: rec.Record, loc: rec.Record.Location().SchemaPath, nsid: nsid}
	if err := t.register(ptr+"/properties/$type", typeEntry); err != nil {
		return nil, err
	}
	s[keyword] = map[string]any{"type": string(lexdoc.TypeRecord), "key": rec.Key}
	if _, ok := s["description"]; !ok && rec.Description() != "" {
		s["description"] = rec.Description()
	}
	return s, nil
}

// schema translates n at ptr, moving it to a part of $defs when its resource
// is full or deep enough (containers only: a scalar costs what its $ref
// would). nullable lets null through.
func (t *translator) schema(n lexdoc.Schema, ptr string, nullable bool) (map[string]any, error) {
	switch n.(type) {
	case *lexdoc.Object, *lexdoc.Array, *lexdoc.Union:
		if ptr != t.res.base && (t.res.nodes >= maxResourceNodes || strings.Count(ptr[len(t.res.base):], "/") >= maxResourceDepth) {
			t.numParts++
			key := "part-" + strconv.Itoa(t.numParts)
			err := t.within(key, func(ptr string) (map[string]any, error) {
				return t.schemaAt(n, ptr, nullable, false)
			})
			if err != nil {
				return nil, err
			}
			return t.refTo(key), nil
		}
	}
	return t.schemaAt(n, ptr, nullable, false)
}

// schemaAt translates n at ptr. nullable lets null through; typeOptional
// marks the top-level union of a subscription message, whose $type may be
// omitted.
func (t *translator) schemaAt(n lexdoc.Schema, ptr string, nullable, typeOptional bool) (map[string]any, error) {
	loc := n.Location().SchemaPath
	if r, ok := n.(*lexdoc.Ref); ok {
		// A ref has no schema of its own: its target stands in its place.
		return t.refTarget(r.Ref, ptr, nullable, loc)
	}
	e := &entry{kind: entryNode, s: n, loc: loc, nullable: nullable}
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
	lex := map[string]any{"type": string(n.Type())}
	switch n := n.(type) {
	case *lexdoc.Boolean:
		typ("boolean")
		t.constEnum(s, lex, n, nullable)
	case *lexdoc.Integer:
		typ("integer")
		if n.Minimum.Set {
			s["minimum"] = n.Minimum.Value
		}
		if n.Maximum.Set {
			s["maximum"] = n.Maximum.Value
		}
		t.constEnum(s, lex, n, nullable)
	case *lexdoc.String:
		typ("string")
		if n.Format != "" {
			if _, ok := lexdoc.FormatChecker(n.Format); !ok {
				return nil, fmt.Errorf("%w: %s: unknown string format %q", ErrInvalidLexicon, loc, n.Format)
			}
			s["format"] = n.Format
		}
		t.constEnum(s, lex, n, nullable)
		setOpt(lex, "minLength", n.MinLength)
		setOpt(lex, "maxLength", n.MaxLength)
		setOpt(lex, "minGraphemes", n.MinGraphemes)
		setOpt(lex, "maxGraphemes", n.MaxGraphemes)
		if len(n.KnownValues) > 0 {
			lex["knownValues"] = toAnySlice(n.KnownValues)
		}
	case *lexdoc.Bytes:
		typ("object")
		s["required"] = []any{"$bytes"}
		e.required = []string{"$bytes"}
		setOpt(lex, "minLength", n.MinLength)
		setOpt(lex, "maxLength", n.MaxLength)
	case *lexdoc.CIDLink:
		// The data-model check validates every $link object; the schema
		// only needs to ask for one.
		typ("object")
		s["required"] = []any{"$link"}
		e.required = []string{"$link"}
	case *lexdoc.Blob:
		typ("object")
		if n.Accept != nil {
			lex["accept"] = toAnySlice(n.Accept)
		}
		setOpt(lex, "maxSize", n.MaxSize)
	case *lexdoc.Unknown:
		typ("object")
	case *lexdoc.Array:
		typ("array")
		items, err := t.schema(n.Items, ptr+"/items", false)
		if err != nil {
			return nil, err
		}
		s["items"] = items
		if n.MinLength.Set {
			s["minItems"] = n.MinLength.Value
		}
		if n.MaxLength.Set {
			s["maxItems"] = n.MaxLength.Value
		}
	case *lexdoc.Object:
		typ("object")
		if err := t.object(s, e, n.Properties, n.Required, n.Nullable, false, ptr); err != nil {
			return nil, err
		}
	case *lexdoc.Params:
		typ("object")
		if err := t.object(s, e, n.Properties, n.Required, nil, true, ptr); err != nil {
			return nil, err
		}
		lex = nil
	case *lexdoc.Union:
		typ("object")
		if !typeOptional {
			s["required"] = []any{"$type"}
			e.required = []string{"$type"}
		}
		if err := t.union(lex, n, typeOptional); err != nil {
			return nil, err
		}
	case *lexdoc.Token:
		return nil, fmt.Errorf("%w: %s: a token has no data form and cannot describe a value", ErrInvalidLexicon, loc)
	default:
		return nil, fmt.Errorf("%w: %s: type %s cannot describe a value", ErrInvalidLexicon, loc, n.Type())
	}
	// The keyword is left out where the JSON type already says the Lexicon
	// type and there is no rule to add.
	if lex != nil && (len(lex) > 1 || !jsonTyped(n.Type())) {
		s[keyword] = lex
	}
	if n.Description() != "" {
		s["description"] = n.Description()
	}
	return s, nil
}

// jsonTyped reports Lexicon types that JSON Schema's "type" names exactly.
func jsonTyped(t lexdoc.Type) bool {
	switch t {
	case lexdoc.TypeBoolean, lexdoc.TypeInteger, lexdoc.TypeString, lexdoc.TypeArray:
		return true
	}
	return false
}

// constEnum emits const and enum. Both are closed sets ("a closed set of
// allowed values", "a fixed (constant) value"), so a schema with both allows
// their intersection, and an empty enum allows nothing. v5 (like the fast
// path) skips an empty enum, so a schema that allows no value also gets the
// lexicon keyword's "noValue", which refuses everything but an allowed null.
func (t *translator) constEnum(s, lex map[string]any, n lexdoc.Schema, nullable bool) {
	vs := valuesOf(n)
	var enum []any
	switch {
	case vs.constVal != nil && (!vs.hasEnum || vs.enumHas(vs.constVal)):
		if !nullable {
			s["const"] = vs.constVal
			return
		}
		enum = []any{vs.constVal}
	case vs.constVal != nil:
		enum = []any{} // the const is not one of the enum values
	case vs.hasEnum && n.Type() == lexdoc.TypeInteger:
		enum = make([]any, len(vs.intEnum))
		for i, v := range vs.intEnum {
			enum[i] = v
		}
	case vs.hasEnum:
		enum = toAnySlice(vs.strEnum)
	default:
		return
	}
	if vs.allowsNoValue() {
		lex["noValue"] = true
	}
	if nullable {
		enum = append(enum, nil)
	}
	s["enum"] = enum
}

// object translates the properties and required list of an object or params
// schema; nullable lists the properties that allow null.
func (t *translator) object(s map[string]any, e *entry, props lexdoc.Properties, required, nullable []string, params bool, ptr string) error {
	if len(required) > 0 {
		// JSON Schema wants the names of "required" unique; Lexicon does
		// not, and a name listed twice is required once.
		e.required = unique(required)
		s["required"] = toAnySlice(e.required)
	}
	out := make(map[string]any, len(props))
	isNullable := make(map[string]bool, len(nullable))
	for _, name := range nullable {
		isNullable[name] = true
	}
	for _, p := range props {
		if params {
			if err := checkParam(p.Schema); err != nil {
				return err
			}
		}
		cs, err := t.schema(p.Schema, ptr+"/properties/"+datamodel.EscapePointerToken(p.Name), isNullable[p.Name])
		if err != nil {
			return err
		}
		out[p.Name] = cs
	}
	s["properties"] = out
	return nil
}

// checkParam enforces the types a query parameter may have.
func checkParam(n lexdoc.Schema) error {
	t := n.Type()
	if a, ok := n.(*lexdoc.Array); ok {
		t = a.Items.Type()
	}
	if compilesAsParam(t) {
		return nil
	}
	return fmt.Errorf("%w: %s: a parameter must be a boolean, integer, string, unknown or an array of those, got %s", ErrInvalidLexicon, n.Location().SchemaPath, n.Type())
}

func (t *translator) union(lex map[string]any, n *lexdoc.Union, typeOptional bool) error {
	loc := n.Location().SchemaPath
	if n.Closed && len(n.Refs) == 0 {
		return fmt.Errorf("%w: %s: a closed union needs at least one ref", ErrInvalidLexicon, loc)
	}
	// Variants always live in $defs: v5 checks a schema found at a
	// non-standard location against the meta-schema again, each time.
	refs := make([]any, len(n.Refs))
	variants := make([]any, len(n.Refs))
	var unresolved []any
	for i, r := range n.Refs {
		refs[i] = r.String()
		def, ok := t.cat.Lookup(r)
		if !ok {
			unresolved = append(unresolved, r.String())
			continue
		}
		if !def.Type().IsVariant() {
			return fmt.Errorf("%w: %s: union variant %s is a %s, not an object or record", ErrInvalidLexicon, loc, r, def.Type())
		}
		key, err := t.defsKey(r, def)
		if err != nil {
			return err
		}
		variants[i] = t.refTo(key)
	}
	lex["refs"] = refs
	lex["variants"] = variants
	if unresolved != nil {
		lex["unresolved"] = unresolved
	}
	if n.Closed {
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
func (t *translator) unresolved(r lexdoc.DefRef, ptr string, nullable bool, from string) (map[string]any, error) {
	e := &entry{kind: entryNode, loc: from, nullable: nullable}
	if err := t.register(ptr, e); err != nil {
		return nil, err
	}
	lex := map[string]any{"type": string(lexdoc.TypeRef), "unresolved": r.String()}
	if nullable {
		lex["nullable"] = true
	}
	return map[string]any{keyword: lex}, nil
}

func setOpt(m map[string]any, name string, o lexdoc.Optional[int64]) {
	if o.Set {
		m[name] = o.Value
	}
}

// unique returns ss without repeated names, in first-seen order; ss itself
// when nothing repeats.
func unique(ss []string) []string {
	seen := make(map[string]struct{}, len(ss)) // a list may be long
	var out []string
	for i, s := range ss {
		if _, dup := seen[s]; dup {
			if out == nil {
				out = slices.Clone(ss[:i])
			}
			continue
		}
		seen[s] = struct{}{}
		if out != nil {
			out = append(out, s)
		}
	}
	if out == nil {
		return ss
	}
	return out
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
