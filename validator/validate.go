package validator

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// Validate checks a value decoded by datamodel.DecodeJSON. It reports every error, with
// the data-model problems found anywhere in the value (including inside
// unknown fields and fields the lexicon does not declare). Explain does the
// same within limits: front ends, which explain values anyone may send, use
// it.
//
// Unresolved references are judged per value: a reference the catalog cannot
// supply matters only when the value reaches it (a field that is present, a
// union variant whose $type the value carries). Without
// Options.AllowUnresolved each one reached is an error; with it, each is
// listed in Result.Unresolved and the value is otherwise checked.
func (s *Schema) Validate(v any) Result {
	r, _ := s.Explain(context.Background(), v, Limits{})
	return r
}

// Valid reports whether Validate would find v valid with nothing left
// unchecked, when the allocation-free fast path can say so: true means
// exactly that (Validate's Result would be Valid with no errors and no
// unresolved references); false means only that v needs Validate, which
// finds and explains what is wrong. Front ends use it to spend nothing on
// explanation, and to bound how much of it runs at once, when nothing needs
// explaining.
func (s *Schema) Valid(v any) bool {
	return datamodel.Valid(datamodel.Maps(v)) && s.fastValid(v)
}

// ValidDecoded is Valid for a value decoded by
// datamodel.DecodeJSONStringChecked or DecodeJSONFlat, given what it said:
// when dmValid, the data-model walk is skipped (ExplainDecoded). A flat
// value is read as it is.
func (s *Schema) ValidDecoded(v any, dmValid bool) bool {
	if dmValid {
		return s.fastValid(v)
	}
	return s.Valid(v)
}

// fastValid is the allocation-free check of a valid value (see fast.go).
func (s *Schema) fastValid(v any) bool {
	return s.unit.fast != nil && s.unit.fast.valid(v)
}

// report runs v5 on the whole value and explains every error; dm is the
// data-model check of v. The explainer (explain.go) does the same piece by
// piece; this is what it falls back on, and what tests hold it to.
func (s *Schema) report(v any, dm datamodel.Report) Result {
	// Values the data model calls unsafe (costly numbers, foreign Go types,
	// excessive depth) are reported by it alone: the schema validator sees
	// null in their place, and what it says at or below them is dropped.
	unsafe := dm.Unsafe()
	v = dm.WithoutUnsafe(v)
	schemaErrs, unresolved := s.schemaErrors(v)
	if len(unsafe) > 0 {
		schemaErrs = slices.DeleteFunc(schemaErrs, func(e Error) bool { return under(e.Path, unsafe) })
		unresolved = slices.DeleteFunc(unresolved, func(u Unresolved) bool { return under(u.Path, unsafe) })
	}
	errs := schemaErrs
	if len(errs) == 0 {
		errs = problemErrors(dm.Problems)
	} else if len(dm.Problems) > 0 {
		// One problem, one message: where the lexicon has something to say
		// about a value ("must be a string, got 1.5"), the data model's
		// general rule ("must be an integer") would only confuse.
		said := make(map[string]bool, len(errs))
		for _, e := range errs {
			said[e.Path] = true
		}
		for _, p := range dm.Problems {
			if !said[p.Path] {
				errs = append(errs, Error{Path: p.Path, Message: p.Message})
			}
		}
	}
	r := Result{Valid: len(errs) == 0, Errors: []Error{}, Unresolved: []Unresolved{}}
	if len(errs) > 0 {
		r.Errors = sortErrors(errs)
	}
	if len(unresolved) > 0 {
		r.Unresolved = lexdoc.SortUnresolved(unresolved)
	}
	return r
}

// schemaErrors runs v5 on v and explains what it finds: the schema's verdict
// alone, without the data-model walk's.
func (s *Schema) schemaErrors(v any) ([]Error, []Unresolved) {
	err := s.unit.js.Validate(v)
	if err == nil {
		return nil, nil
	}
	cv := converter{s: s, root: v}
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		cv.walk(ve)
	} else {
		cv.errs = append(cv.errs, Error{Message: "cannot validate: " + err.Error()})
	}
	return cv.errs, cv.unresolved
}

// problemErrors turns data-model problems into Errors (no schema path: the
// data model is no lexicon's rule).
func problemErrors(ps []datamodel.Problem) []Error {
	if ps == nil {
		return nil
	}
	errs := make([]Error, len(ps))
	for i, p := range ps {
		errs[i] = Error{Path: p.Path, Message: p.Message}
	}
	return errs
}

// under reports whether the JSON Pointer p is at or below one of roots.
func under(p string, roots []string) bool {
	for _, r := range roots {
		if p == r || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

// converter turns v5 validation errors into Errors and Unresolved entries.
type converter struct {
	s *Schema
	// root is the value v5 was given, and base its JSON Pointer in the value
	// explained (the explainer gives v5 one value at a time).
	root       any
	base       string
	errs       []Error
	unresolved []Unresolved
	// nullAllowed is the instance path of a nullable use that goes through
	// anyOf (a recursive one: see refTarget) while its causes are walked;
	// its definition's entry cannot say that null is allowed there.
	nullAllowed    string
	hasNullAllowed bool
}

func (cv *converter) walk(e *jsonschema.ValidationError) {
	if len(e.Causes) == 0 {
		cv.leaf(e, cv.locate(e))
		return
	}
	saved, savedHas := cv.nullAllowed, cv.hasNullAllowed
	// Each cause is located once: here to spot the null branch, and the
	// leaves among them are explained with the same location.
	locs := make([]location, len(e.Causes))
	for i, c := range e.Causes {
		locs[i] = cv.locate(c)
		if ent := locs[i].ent; ent != nil && ent.kind == entryNullBranch {
			cv.nullAllowed, cv.hasNullAllowed = cv.base+unescapeLocation(e.InstanceLocation), true
		}
	}
	for i, c := range e.Causes {
		if len(c.Causes) == 0 {
			cv.leaf(c, locs[i])
			continue
		}
		cv.walk(c)
	}
	cv.nullAllowed, cv.hasNullAllowed = saved, savedHas
}

// location is where an error arose: the translated schema object (nil if
// none), the keyword location's fragment, the failed keyword or lexicon rule,
// and whether it is a rule.
type location struct {
	ent    *entry
	frag   string
	kw     string
	custom bool
}

// locate finds the location of an error.
func (cv *converter) locate(e *jsonschema.ValidationError) location {
	url, frag, _ := strings.Cut(e.AbsoluteKeywordLocation, "#")
	frag = unescapeLocation(frag)
	nodePtr, kw := splitLast(frag)
	loc := location{frag: frag, kw: kw}
	if parent, last := splitLast(nodePtr); last == keyword && isRule(kw) {
		nodePtr, loc.custom = parent, true
	}
	if u, ok := cv.s.c.units.Load(url); ok {
		loc.ent = u.(*unit).index[nodePtr]
	}
	return loc
}

// leaf explains an error without causes, found at at.
func (cv *converter) leaf(e *jsonschema.ValidationError, at location) {
	ent, frag, kw, custom := at.ent, at.frag, at.kw, at.custom
	rel := unescapeLocation(e.InstanceLocation)
	path := cv.base + rel
	if ent == nil {
		// Every schema object the translation emits is indexed; reaching
		// this is a bug, reported rather than hidden.
		cv.add(path, "does not match the schema (rule "+kw+" at "+frag+")", "")
		return
	}
	if ent.kind == entryNullBranch {
		return
	}
	value, _ := lookup(cv.root, rel)
	if custom {
		cv.rule(ent, kw, e.Message, path, value)
		return
	}
	cv.keyword(ent, kw, path, value)
}

func (cv *converter) add(path, msg, schemaPath string) {
	cv.errs = append(cv.errs, Error{Path: path, Message: msg, SchemaPath: schemaPath})
}

// keyword explains a failed standard keyword.
func (cv *converter) keyword(ent *entry, kw, path string, value any) {
	n, loc := ent.s, ent.loc
	if ent.kind == entryRecordType && (kw == "type" || kw == "const") {
		msg := "$type must be " + ent.nsid + ", got " + datamodel.Describe(value)
		if value == ent.nsid+"#main" {
			msg = "$type must be " + ent.nsid + " (a main definition's $type has no #main suffix), got " + datamodel.Describe(value)
		}
		cv.add(path, msg, loc)
		return
	}
	switch kw {
	case "type":
		nullable := ent.nullable || cv.hasNullAllowed && cv.nullAllowed == path
		cv.add(path, "must be "+expected(n, nullable)+", got "+got(value), loc)
		return
	case "required":
		cv.required(ent, path, value)
		return
	case "const":
		cv.add(path, "must be "+datamodel.Describe(valuesOf(n).constVal)+", got "+datamodel.Describe(value), loc)
		return
	case "enum":
		vs := valuesOf(n)
		if !vs.allowsNoValue() { // else the lexicon keyword's noValue says why nothing fits
			cv.add(path, "must be one of: "+enumList(vs, ent.nullable)+"; got "+datamodel.Describe(value), loc)
		}
		return
	case "minimum":
		if i, ok := n.(*lexdoc.Integer); ok {
			cv.add(path, "must be at least "+itoa(i.Minimum.Value)+", got "+datamodel.Describe(value), loc)
			return
		}
	case "maximum":
		if i, ok := n.(*lexdoc.Integer); ok {
			cv.add(path, "must be at most "+itoa(i.Maximum.Value)+", got "+datamodel.Describe(value), loc)
			return
		}
	case "minItems":
		if a, ok := n.(*lexdoc.Array); ok {
			cv.add(path, subject(path)+" has "+count(arrayLen(value), "item")+", minimum "+itoa(a.MinLength.Value), loc)
			return
		}
	case "maxItems":
		if a, ok := n.(*lexdoc.Array); ok {
			cv.add(path, subject(path)+" has "+count(arrayLen(value), "item")+", maximum "+itoa(a.MaxLength.Value), loc)
			return
		}
	case "format":
		if s, ok := n.(*lexdoc.String); ok {
			cv.add(path, "must be a valid "+lexdoc.FormatNoun(s.Format)+", got "+datamodel.Describe(value), loc)
			return
		}
	}
	cv.add(path, "does not match the schema (rule "+kw+")", loc)
}

// required explains a failed "required".
func (cv *converter) required(ent *entry, path string, value any) {
	n, loc := ent.s, ent.loc
	m, _ := value.(map[string]any)
	if t := typeOf(n); t == lexdoc.TypeBytes || t == lexdoc.TypeCIDLink {
		// An object without $bytes or $link is another kind of value,
		// often a blob where a link belongs: say what it is rather than
		// ask for a field beside the ones it has.
		cv.add(path, "must be "+expected(n, ent.nullable)+", got "+objectKind(m, ent.required[0]), loc)
		return
	}
	for _, name := range ent.required {
		if _, ok := m[name]; ok {
			continue
		}
		// A name from the lexicon's own required list is that list's rule;
		// the rest (the $type of a record or a union variant, the $bytes or
		// $link of bytes and links) are the type's, and the lexicon
		// location is the schema itself.
		at := loc
		if requires(n, name) {
			at += "/required"
		}
		cv.add(path+"/"+datamodel.EscapePointerToken(name), "required field missing: "+name, at)
	}
}

// rule explains a failed lexicon keyword rule; fact is what it measured.
func (cv *converter) rule(ent *entry, rule, fact, path string, value any) {
	n, loc := ent.s, ent.loc
	lo, hi, glo, ghi := limits(n)
	switch rule {
	case ruleMinLength:
		cv.add(path, subject(path)+" is "+count(atoi(fact), "byte")+", minimum "+itoa(lo.Value), loc)
	case ruleMaxLength:
		cv.add(path, subject(path)+" is "+count(atoi(fact), "byte")+", maximum "+itoa(hi.Value), loc)
	case ruleMinGraphemes:
		cv.add(path, subject(path)+" is "+count(atoi(fact), "grapheme")+", minimum "+itoa(glo.Value), loc)
	case ruleMaxGraphemes:
		cv.add(path, subject(path)+" is "+count(atoi(fact), "grapheme")+", maximum "+itoa(ghi.Value), loc)
	case ruleNotBlob:
		cv.add(path, `must be a blob: an object with "$type": "blob", ref, mimeType and size`, loc)
	case ruleLegacyBlob:
		if !cv.s.opts.Lenient {
			cv.add(path, `legacy blob {"cid", "mimeType"} is not accepted (allowed in lenient mode); expected "$type": "blob" with ref, mimeType and size`, loc)
		}
	case ruleAccept:
		b, _ := n.(*lexdoc.Blob)
		accepts := "none: the lexicon's accept list is empty"
		if b != nil && len(b.Accept) > 0 {
			accepts = strings.Join(b.Accept, ", ")
		}
		cv.add(path, "blob type "+fact+" is not accepted (accepts: "+accepts+")", loc)
	case ruleMaxSize:
		b, _ := n.(*lexdoc.Blob)
		var most int64
		if b != nil {
			most = b.MaxSize.Value
		}
		cv.add(path, "blob is "+count(atoi(fact), "byte")+", maximum "+itoa(most), loc)
	case ruleUnknownKind:
		cv.add(path, "must be a data object, not "+fact, loc)
	case ruleMainSuffix:
		cv.add(path, "$type "+fact+" must not end in #main (write "+strings.TrimSuffix(fact, "#main")+")", loc)
	case ruleNotOneOf:
		cv.add(path, "$type "+fact+" is not one of: "+refList(n), loc)
	case ruleNotTypeRef:
		cv.add(path, "$type "+datamodel.Describe(fact)+" does not name a definition: write an NSID, with #name for a definition other than main (e.g. com.example.thing#view)", loc)
	case ruleVariantKind:
		t, kind, _ := strings.Cut(fact, "\t")
		cv.add(path, "$type "+t+" names a "+kind+" definition, not an object or record", loc)
	case ruleVariantError:
		t, msg, _ := strings.Cut(fact, "\t")
		cv.add(path, "cannot check $type "+t+": "+msg, loc)
	case ruleNoVariant:
		cv.add(path, "message has no $type and matches none of: "+refList(n), loc)
	case ruleNoValue:
		why := "its enum is empty"
		if c := valuesOf(n).constVal; c != nil {
			why = "its const " + datamodel.Describe(c) + " is not one of its enum values"
		}
		cv.add(path, "no value is allowed here: "+why+" (a defect of the lexicon)", loc)
	case ruleUnresolved:
		if cv.s.opts.AllowUnresolved {
			cv.unresolved = append(cv.unresolved, Unresolved{Ref: fact, Path: path, SchemaPath: loc})
			return
		}
		cv.add(path, cv.unresolvedMessage(fact, loc), loc)
	default:
		cv.add(path, "does not match the schema (rule "+rule+")", loc)
	}
}

// unresolvedMessage names the missing reference, what is missing, and where
// the lexicon refers to it.
func (cv *converter) unresolvedMessage(ref, at string) string {
	where := ""
	if at != "" {
		where = ", referenced at " + at
	}
	r, err := lexdoc.ParseDefRef(ref)
	if err != nil {
		return "cannot check: reference " + ref + " is invalid" + where
	}
	cat := cv.s.c.catalog
	if _, ok := cat.Document(r.NSID); !ok {
		if why, ok := cat.Absent(r.NSID); ok {
			return "cannot check " + ref + ": lexicon " + string(r.NSID) + " could not be resolved (" + why + ")" + where
		}
		return "cannot check " + ref + ": lexicon " + string(r.NSID) + " is not in the catalog" + where
	}
	return "cannot check " + ref + ": lexicon " + string(r.NSID) + " has no definition " + r.Name + where
}

var rules = map[string]bool{
	ruleMinLength: true, ruleMaxLength: true, ruleMinGraphemes: true, ruleMaxGraphemes: true,
	ruleNotBlob: true, ruleLegacyBlob: true, ruleAccept: true, ruleMaxSize: true, ruleUnknownKind: true,
	ruleMainSuffix: true, ruleNotOneOf: true, ruleNotTypeRef: true, ruleVariantKind: true, ruleVariantError: true,
	ruleNoVariant: true, ruleUnresolved: true, ruleNoValue: true,
}

func isRule(s string) bool { return rules[s] }

// splitLast splits "/a/b/c" into "/a/b" and "c".
func splitLast(p string) (string, string) {
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

// lookup resolves a JSON Pointer in a decoded value.
func lookup(v any, ptr string) (any, bool) {
	for ptr != "" {
		var tok string
		tok, ptr = nextToken(ptr)
		tok = unescapeToken(tok)
		switch x := v.(type) {
		case map[string]any:
			e, ok := x[tok]
			if !ok {
				return nil, false
			}
			v = e
		case []any:
			i, ok := indexToken(tok)
			if !ok || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func unescapeToken(t string) string {
	if !strings.Contains(t, "~") {
		return t
	}
	return strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
}

func indexToken(t string) (int, bool) {
	if t == "" || len(t) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return 0, false
		}
		n = n*10 + int(t[i]-'0')
	}
	return n, true
}

func arrayLen(v any) int {
	a, _ := v.([]any)
	return len(a)
}
