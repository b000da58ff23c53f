package datamodel

import (
	"cmp"
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Problem is one way a value breaks the data model.
type Problem struct {
	Path    string // JSON Pointer of the offending value; "" is the top level
	Message string
}

// CheckRecord checks a decoded record against the atproto data model,
// independent of any lexicon: the top level is an object, and the rest is as
// Check says. It reports every problem at any depth, sorted by path, then
// message; nil means valid.
func CheckRecord(v any) []Problem {
	w := walker{collect: true}
	if _, ok := v.(map[string]any); !ok {
		w.fail("", "the top level must be an object, got "+KindOf(v))
	}
	w.value(v, 0)
	return sortProblems(w.problems)
}

// ValidRecord reports whether CheckRecord would find nothing wrong with v,
// without collecting paths or messages: a valid value costs no allocation,
// so callers that need the report only for invalid values (RecordCID, say)
// run CheckRecord only when this is false.
func ValidRecord(v any) bool {
	// The walker does not judge the top level; CheckRecord does.
	if _, ok := v.(map[string]any); !ok {
		return false
	}
	return Valid(v)
}

// Report is what Check found in a value.
type Report struct {
	// Problems are sorted by path, then message; nil means valid.
	Problems []Problem
	// unsafe are the paths of values a schema evaluator must not see:
	// numbers whose evaluation would be costly (huge exponents or digit
	// strings), Go types outside the data model, nesting beyond MaxDepth.
	// Each is also a problem, so a valid value has none.
	unsafe [][]pathStep
}

// Check checks a decoded value of any kind against the atproto data model,
// independent of any lexicon: numbers are integers within 64 bits (123.0
// counts as an integer, 1.5 does not); strings and keys are UTF-8; $bytes and
// $link objects are well formed and their links blessed CIDs; blobs have
// their four fields; $type, when present, is a non-empty string. It reports
// every problem at any depth, and marks the values a schema evaluator must
// not see (Report.Unsafe).
func Check(v any) Report {
	w := walker{collect: true}
	w.value(v, 0)
	return Report{Problems: sortProblems(w.problems), unsafe: w.unsafePaths}
}

// Valid reports whether Check would find nothing wrong with v. It allocates
// nothing: it runs on every value a validator checks, and the report matters
// only for the invalid ones.
func Valid(v any) bool {
	var w walker
	w.value(v, 0)
	return !w.bad
}

// CheckValue checks v itself against the data model, and not the values it
// holds: a number or string, or an object's field names and the rules of
// $bytes, $link, blob and $type objects. It is Check one value at a time,
// for a caller that walks a value itself, in its own order, and may stop
// early (the validator's explanation of an invalid value does): Check's
// problems are those CheckValue finds at each value Check visits, which are
// all values but those below a field for which ChecksField is false, and
// none deeper than MaxDepth (depth is v's nesting depth, 0 at the top). A
// problem's Path is relative to v: "" for v itself, "/field" for a field of
// an object. unsafe says that v must not reach a schema evaluator (see
// Report.Unsafe); nothing below it is checked then.
func CheckValue(v any, depth int) (problems []Problem, unsafe bool) {
	w := walker{collect: true, shallow: true}
	w.value(v, depth)
	return sortProblems(w.problems), w.unsafe
}

// ValidValue reports what CheckValue would: whether v itself has no
// problem, and whether it is unsafe, without allocating.
func ValidValue(v any, depth int) (valid, unsafe bool) {
	w := walker{shallow: true}
	w.value(v, depth)
	return !w.bad, w.unsafe
}

// ChecksField reports whether Check checks the value of an object's field
// name, and what it holds, as values of their own: not for $bytes, $link and
// $type, whose values are judged with their object's rules.
func ChecksField(name string) bool {
	return name != "$bytes" && name != "$link" && name != "$type"
}

// Unsafe returns the JSON Pointers of the values Check marked unsafe: where
// a schema evaluator would spend unbounded time or meet values it does not
// know. A caller that runs one on the value anyway reports these problems
// alone, and gives the evaluator WithoutUnsafe's value.
func (r Report) Unsafe() []string {
	if len(r.unsafe) == 0 {
		return nil
	}
	out := make([]string, len(r.unsafe))
	for i, p := range r.unsafe {
		out[i] = pointer(p)
	}
	return out
}

// WithoutUnsafe returns v, the value the report is about, with every value
// Unsafe names replaced by null. Only the containers on those paths are
// copied, so v is unchanged and the copy shares the rest of it.
func (r Report) WithoutUnsafe(v any) any {
	if len(r.unsafe) == 0 {
		return v
	}
	return withoutUnsafe(v, newPathTrie(r.unsafe))
}

// sortProblems sorts by path, then message, and drops exact duplicates in
// place; none is nil.
func sortProblems(ps []Problem) []Problem {
	if len(ps) == 0 {
		return nil
	}
	slices.SortFunc(ps, func(a, b Problem) int {
		if c := ComparePointers(a.Path, b.Path); c != 0 {
			return c
		}
		return cmp.Compare(a.Message, b.Message)
	})
	return slices.Compact(ps)
}

// pathStep is one step of the path to the value being checked: a key, or an
// index when key is empty and index >= 0.
type pathStep struct {
	key   string
	index int // -1 for object keys
}

// walker walks a value in one of two modes. Collecting, it records every
// problem with its path; not collecting, it only notes that there is a
// problem (bad) and allocates nothing, which is all a valid value needs.
type walker struct {
	collect bool
	// shallow: the values a container holds are not walked (CheckValue).
	shallow  bool
	bad      bool
	unsafe   bool // a value was marked unsafe
	problems []Problem
	// unsafePaths are where the values marked unsafe are (collecting only).
	unsafePaths [][]pathStep
	// path to the value being checked; rendered only for problems.
	path []pathStep
}

func (w *walker) push(s pathStep) {
	if w.collect {
		w.path = append(w.path, s)
	}
}

func (w *walker) pop() {
	if w.collect {
		w.path = w.path[:len(w.path)-1]
	}
}

// markUnsafe notes that the current value must not reach a schema
// evaluator.
func (w *walker) markUnsafe() {
	w.unsafe = true
	if w.collect && !w.shallow {
		w.unsafePaths = append(w.unsafePaths, slices.Clone(w.path))
	}
}

// fail records an error at the current path, plus an optional last token.
func (w *walker) fail(last, msg string) {
	w.bad = true
	if !w.collect {
		return
	}
	p := pointer(w.path)
	if last != "" {
		p += "/" + EscapePointerToken(last)
	}
	w.problems = append(w.problems, Problem{Path: p, Message: msg})
}

// maxNumberText bounds the JSON number text a schema evaluator may see:
// jsonschema/v5 evaluates numbers as big.Rat.
const maxNumberText = 1000

func (w *walker) value(v any, depth int) {
	if w.bad && !w.collect {
		return
	}
	if depth > MaxDepth {
		w.fail("", "nested deeper than "+strconv.Itoa(MaxDepth)+" levels")
		w.markUnsafe()
		return
	}
	switch x := v.(type) {
	case nil, bool:
	case string:
		if !utf8.ValidString(x) {
			w.fail("", "string is not valid UTF-8")
		}
	case json.Number:
		_, class := ClassifyNumber(string(x))
		// A schema evaluator may take numbers as big.Rat: text this long
		// or exponents this large never reach it. Every unsafe value is also
		// an error, so an unsafe value is never reported valid.
		huge := len(x) > maxNumberText || hugeExponent(string(x))
		if huge || class == NumberMalformed {
			w.markUnsafe()
		}
		if !w.collect && (huge || class != NumberInteger) {
			w.bad = true // without building the message
			return
		}
		switch {
		case class == NumberMalformed:
			w.fail("", "not a JSON number: "+strconv.Quote(string(x)))
		case class == NumberFraction:
			w.fail("", "must be an integer, got "+Describe(x))
		case class == NumberOutOfRange:
			w.fail("", "integer out of range (64-bit signed), got "+Describe(x))
		case huge:
			w.fail("", "number has more than "+strconv.Itoa(maxNumberText)+" characters or an exponent of more than "+strconv.Itoa(maxExponentDigits)+" digits; write it as a plain integer")
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			w.fail("", "not a JSON number")
			w.markUnsafe()
		} else if x != math.Trunc(x) {
			w.fail("", "must be an integer, got "+strconv.FormatFloat(x, 'g', -1, 64))
		} else if x < -(1<<63) || x >= 1<<63 {
			w.fail("", "integer out of range (64-bit signed), got "+strconv.FormatFloat(x, 'g', -1, 64))
		}
	case int, int8, int16, int32, int64, uint8, uint16, uint32:
	case []any:
		if w.shallow {
			return
		}
		for i, e := range x {
			w.push(pathStep{index: i})
			w.value(e, depth+1)
			w.pop()
		}
	case map[string]any:
		w.object(x, depth)
	default:
		w.fail("", "not a data model value")
		w.markUnsafe()
	}
}

func (w *walker) object(m map[string]any, depth int) {
	// One pass over the fields; the $-fields that make an object special
	// are looked up only in objects that have one.
	special := false
	for k, e := range m {
		if len(k) > 0 && k[0] == '$' {
			special = true
			if !ChecksField(k) {
				continue // checked below, with their object
			}
		}
		if !utf8.ValidString(k) {
			w.fail("", "field name is not valid UTF-8")
		}
		if w.shallow {
			continue
		}
		w.push(pathStep{key: k, index: -1})
		w.value(e, depth+1)
		w.pop()
	}
	if !special {
		return
	}
	if _, ok := m["$bytes"]; ok {
		w.bytesObject(m)
		return
	}
	if _, ok := m["$link"]; ok {
		w.linkObject(m)
		return
	}
	if t, ok := m["$type"]; ok {
		s, isString := t.(string)
		switch {
		case !isString || s == "":
			w.fail("$type", "$type must be a non-empty string, got "+Describe(t))
		case !utf8.ValidString(s):
			w.fail("$type", "string is not valid UTF-8")
		case s == "blob":
			w.blob(m)
		}
	}
}

func (w *walker) bytesObject(m map[string]any) {
	w.onlyField(m, "$bytes")
	s, ok := m["$bytes"].(string)
	if !ok {
		w.fail("$bytes", "$bytes must be a base64 string, got "+KindOf(m["$bytes"]))
		return
	}
	if _, ok := Base64Len(s); !ok {
		w.fail("$bytes", "$bytes is not valid base64")
	}
}

func (w *walker) linkObject(m map[string]any) {
	w.onlyField(m, "$link")
	w.link(m["$link"], "$link")
}

// link checks the CID string of a $link.
func (w *walker) link(v any, last string) {
	s, ok := v.(string)
	if !ok {
		w.fail(last, "$link must be a CID string, got "+KindOf(v))
		return
	}
	if BlessedCID(s) {
		return
	}
	if !w.collect {
		w.bad = true // the message costs a full CID decode: only when collecting
		return
	}
	w.fail(last, "$link "+linkCIDProblem(s)+": "+Describe(s))
}

// onlyField reports fields beside a $bytes or $link.
func (w *walker) onlyField(m map[string]any, field string) {
	if len(m) == 1 {
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if k != field {
			w.fail(k, "a "+field+" object has no other fields, got "+strconv.Quote(k))
		}
	}
}

// blob checks the fields of a {"$type": "blob"} object. Unknown $-fields are
// tolerated, as the data model asks; other extra fields are not.
func (w *walker) blob(m map[string]any) {
	ref, ok := m["ref"]
	if !ok {
		w.fail("ref", "blob field missing: ref")
	} else if rm, isMap := ref.(map[string]any); !isMap {
		w.fail("ref", "blob ref must be a $link object, got "+KindOf(ref))
	} else if _, hasLink := rm["$link"]; !hasLink {
		w.fail("ref", "blob ref must be a $link object")
	}
	// A well-formed ref's $link is checked when the walk reaches it.
	mt, ok := m["mimeType"]
	if !ok {
		w.fail("mimeType", "blob field missing: mimeType")
	} else if s, isString := mt.(string); !isString || s == "" {
		w.fail("mimeType", "blob mimeType must be a non-empty string, got "+Describe(mt))
	}
	// The data model says size is "positive, non-zero", the blob spec that
	// "The empty blob (zero bytes) is generally valid, though it may be
	// disallowed by individual Lexicons/applications"; indigo accepts 0 too.
	// A size of 0 is valid, a negative one is not.
	size, ok := m["size"]
	switch n, isInt := Int64(size); {
	case !ok:
		w.fail("size", "blob field missing: size")
	case !isInt && isNumber(size):
		// A fraction or an integer beyond 64 bits: the walk of the number
		// itself says so, once.
	case !isInt || n < 0:
		w.fail("size", "blob size must be a non-negative integer, got "+Describe(size))
	}
	if len(m) > 4 {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			switch k {
			case "$type", "ref", "mimeType", "size":
			default:
				if !strings.HasPrefix(k, "$") {
					w.fail(k, "a blob has no field "+strconv.Quote(k))
				}
			}
		}
	}
}

// isNumber reports a decoded JSON number (or a Go float), whatever its value.
func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, float64:
		return true
	}
	return false
}

// hugeExponent reports number text with an exponent beyond what a data-model
// integer could need.
func hugeExponent(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return false
	}
	e := strings.TrimLeft(s[i+1:], "+-")
	e = strings.TrimLeft(e, "0")
	return len(e) > maxExponentDigits
}

// Base64Len returns the decoded length of standard base64 (RFC 4648 §4,
// padding optional) without decoding it.
func Base64Len(s string) (int, bool) {
	n := len(s)
	pad := 0
	for pad < 2 && n > 0 && s[n-1] == '=' {
		n--
		pad++
	}
	if pad > 0 && (n+pad)%4 != 0 {
		return 0, false
	}
	if n%4 == 1 {
		return 0, false
	}
	for i := 0; i < n; i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
		default:
			return 0, false
		}
	}
	return n * 3 / 4, true
}

// pathTrie holds the paths of unsafe values, sharing their prefixes.
type pathTrie struct {
	end  bool
	next map[pathStep]*pathTrie
}

func newPathTrie(paths [][]pathStep) *pathTrie {
	root := &pathTrie{}
	for _, p := range paths {
		t := root
		for _, step := range p {
			if t.next == nil {
				t.next = map[pathStep]*pathTrie{}
			}
			n, ok := t.next[step]
			if !ok {
				n = &pathTrie{}
				t.next[step] = n
			}
			t = n
		}
		t.end = true
	}
	return root
}

// withoutUnsafe returns v with every value at a path of t replaced by null,
// copying only the containers on those paths.
func withoutUnsafe(v any, t *pathTrie) any {
	if t.end {
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		c := maps.Clone(x)
		for step, next := range t.next {
			c[step.key] = withoutUnsafe(x[step.key], next)
		}
		return c
	case []any:
		c := slices.Clone(x)
		for step, next := range t.next {
			c[step.index] = withoutUnsafe(x[step.index], next)
		}
		return c
	}
	return v
}

// pointer renders a path as a JSON Pointer.
func pointer(path []pathStep) string {
	var b strings.Builder
	for _, s := range path {
		b.WriteByte('/')
		if s.index >= 0 {
			b.WriteString(strconv.Itoa(s.index))
		} else {
			b.WriteString(EscapePointerToken(s.key))
		}
	}
	return b.String()
}

// dollarFields are the $-fields of an object being decoded that Check has
// rules for, noted as its members go by.
type dollarFields struct {
	any, bytes, hasLink, hasType bool
	link, typ                    any
}

func (f *dollarFields) note(key string, v any) {
	f.any = true
	switch key {
	case "$bytes":
		f.bytes = true
	case "$link":
		f.hasLink, f.link = true, v
	case "$type":
		f.hasType, f.typ = true, v
	}
}

// knownValid reports, for the object obj (a map or an Object) the decoder
// has just built, that Check finds nothing wrong with its own $-rules
// ($link, $type, blob; its fields' values are judged as they are decoded).
// It is conservative: false for everything but the well-formed common cases
// ($bytes objects among them), which Check then judges.
func (f *dollarFields) knownValid(obj any) bool {
	if f.bytes {
		return false
	}
	if f.hasLink {
		s, isString := f.link.(string)
		n, _ := ObjectLen(obj)
		return isString && n == 1 && BlessedCID(s)
	}
	if !f.hasType {
		return true // other $-fields are checked as any field is
	}
	s, isString := f.typ.(string)
	switch {
	case !isString || s == "":
		return false
	case s == "blob":
		return knownValidBlob(obj)
	}
	return true
}

// knownValidBlob: exactly the four fields of a blob, a $link object for ref
// (whose link was judged when it was decoded), a non-empty mimeType and a
// non-negative integer size.
func knownValidBlob(obj any) bool {
	if n, _ := ObjectLen(obj); n != 4 {
		return false
	}
	ref, _ := Field(obj, "ref")
	if n, isObject := ObjectLen(ref); !isObject || n != 1 {
		return false
	}
	if _, ok := Field(ref, "$link"); !ok {
		return false
	}
	mt, _ := Field(obj, "mimeType")
	if s, ok := mt.(string); !ok || s == "" {
		return false
	}
	size, _ := Field(obj, "size")
	n, ok := Int64(size)
	return ok && n >= 0
}
