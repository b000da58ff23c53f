package validator

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ipfs/go-cid"
)

// CheckDataModel checks a decoded value against the atproto data model,
// independent of any lexicon: the top level is an object; numbers are
// integers within 64 bits (123.0 counts as an integer, 1.5 does not); $bytes
// and $link objects are well formed; blobs have their four fields; $type,
// when present, is a non-empty string. It reports every problem at any depth,
// sorted by path; nil means valid.
func CheckDataModel(v any) []Error {
	var w dataModelWalker
	if _, ok := v.(map[string]any); !ok {
		w.fail(nil, "", "the top level must be an object, got "+kindOf(v))
	}
	w.value(v, nil, 0)
	if len(w.errs) == 0 {
		return nil
	}
	return sortErrors(w.errs)
}

// pathStep is one step of the path to the value being checked, kept on the
// stack so that walking a valid value allocates nothing.
type pathStep struct {
	parent *pathStep
	key    string
	index  int // -1 for object keys
}

// pointer renders the JSON Pointer of step (plus an optional last token).
func (p *pathStep) pointer(last string) string {
	var tokens []string
	if last != "" {
		tokens = append(tokens, escapePointer(last))
	}
	for s := p; s != nil; s = s.parent {
		if s.index >= 0 {
			tokens = append(tokens, strconv.Itoa(s.index))
		} else {
			tokens = append(tokens, escapePointer(s.key))
		}
	}
	var b strings.Builder
	for i := len(tokens) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(tokens[i])
	}
	return b.String()
}

type dataModelWalker struct {
	errs []Error
	// unsafe marks values the schema validator must not see: numbers whose
	// evaluation would be costly (huge exponents or digit strings), Go types
	// outside the data model, nesting beyond MaxDepth.
	unsafe bool
}

func (w *dataModelWalker) fail(p *pathStep, last, msg string) {
	w.errs = append(w.errs, Error{Path: p.pointer(last), Message: msg})
}

// maxNumberText bounds the JSON number text handed to the schema validator,
// which evaluates numbers as big.Rat.
const maxNumberText = 1000

func (w *dataModelWalker) value(v any, p *pathStep, depth int) {
	if depth > MaxDepth {
		w.fail(p, "", "nested deeper than "+strconv.Itoa(MaxDepth)+" levels")
		w.unsafe = true
		return
	}
	switch x := v.(type) {
	case nil, bool:
	case string:
		if !utf8.ValidString(x) {
			w.fail(p, "", "string is not valid UTF-8")
		}
	case json.Number:
		_, class := classifyNumber(string(x))
		switch class {
		case numberFraction:
			w.fail(p, "", "must be an integer, got "+describe(x))
		case numberOutOfRange:
			w.fail(p, "", "integer out of range (64-bit signed), got "+describe(x))
		case numberMalformed:
			w.fail(p, "", "not a JSON number: "+strconv.Quote(string(x)))
			w.unsafe = true
		}
		if len(x) > maxNumberText || hugeExponent(string(x)) {
			w.unsafe = true
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			w.fail(p, "", "not a JSON number")
			w.unsafe = true
		} else if x != math.Trunc(x) {
			w.fail(p, "", "must be an integer, got "+strconv.FormatFloat(x, 'g', -1, 64))
		} else if x < -(1<<63) || x >= 1<<63 {
			w.fail(p, "", "integer out of range (64-bit signed), got "+strconv.FormatFloat(x, 'g', -1, 64))
		}
	case int, int8, int16, int32, int64, uint8, uint16, uint32:
	case []any:
		for i, e := range x {
			w.value(e, &pathStep{parent: p, index: i}, depth+1)
		}
	case map[string]any:
		w.object(x, p, depth)
	default:
		w.fail(p, "", "not a data model value")
		w.unsafe = true
	}
}

func (w *dataModelWalker) object(m map[string]any, p *pathStep, depth int) {
	if _, ok := m["$bytes"]; ok {
		w.bytesObject(m, p)
		return
	}
	if _, ok := m["$link"]; ok {
		w.linkObject(m, p)
		return
	}
	if t, ok := m["$type"]; ok {
		s, isString := t.(string)
		switch {
		case !isString || s == "":
			w.fail(p, "$type", "$type must be a non-empty string, got "+describe(t))
		case s == "blob":
			w.blob(m, p)
		}
	}
	for k, e := range m {
		if !utf8.ValidString(k) {
			w.fail(p, "", "field name is not valid UTF-8")
		}
		w.value(e, &pathStep{parent: p, key: k, index: -1}, depth+1)
	}
}

func (w *dataModelWalker) bytesObject(m map[string]any, p *pathStep) {
	w.onlyField(m, "$bytes", p)
	s, ok := m["$bytes"].(string)
	if !ok {
		w.fail(p, "$bytes", "$bytes must be a base64 string, got "+kindOf(m["$bytes"]))
		return
	}
	if _, ok := base64Len(s); !ok {
		w.fail(p, "$bytes", "$bytes is not valid base64")
	}
}

func (w *dataModelWalker) linkObject(m map[string]any, p *pathStep) {
	w.onlyField(m, "$link", p)
	w.link(m["$link"], p, "$link")
}

// link checks the CID string of a $link.
func (w *dataModelWalker) link(v any, p *pathStep, last string) {
	s, ok := v.(string)
	if !ok {
		w.fail(p, last, "$link must be a CID string, got "+kindOf(v))
		return
	}
	if !validCID(s) {
		w.fail(p, last, "$link is not a valid CID: "+describe(s))
	}
}

// onlyField reports fields beside a $bytes or $link.
func (w *dataModelWalker) onlyField(m map[string]any, field string, p *pathStep) {
	if len(m) == 1 {
		return
	}
	for _, k := range sortedKeys(m) {
		if k != field {
			w.fail(p, k, "a "+field+" object has no other fields, got "+strconv.Quote(k))
		}
	}
}

// blob checks the fields of a {"$type": "blob"} object. Unknown $-fields are
// tolerated, as the data model asks; other extra fields are not.
func (w *dataModelWalker) blob(m map[string]any, p *pathStep) {
	ref, ok := m["ref"]
	if !ok {
		w.fail(p, "ref", "blob field missing: ref")
	} else if rm, isMap := ref.(map[string]any); !isMap {
		w.fail(p, "ref", "blob ref must be a $link object, got "+kindOf(ref))
	} else if _, hasLink := rm["$link"]; !hasLink {
		w.fail(p, "ref", "blob ref must be a $link object")
	}
	// A well-formed ref's $link is checked when the walk reaches it.
	mt, ok := m["mimeType"]
	if !ok {
		w.fail(p, "mimeType", "blob field missing: mimeType")
	} else if s, isString := mt.(string); !isString || s == "" {
		w.fail(p, "mimeType", "blob mimeType must be a non-empty string, got "+describe(mt))
	}
	size, ok := m["size"]
	if !ok {
		w.fail(p, "size", "blob field missing: size")
	} else if n, isInt := toInt64(size); !isInt || n < 0 {
		w.fail(p, "size", "blob size must be a non-negative integer, got "+describe(size))
	}
	if len(m) > 4 {
		for _, k := range sortedKeys(m) {
			switch k {
			case "$type", "ref", "mimeType", "size":
			default:
				if !strings.HasPrefix(k, "$") {
					w.fail(p, k, "a blob has no field "+strconv.Quote(k))
				}
			}
		}
	}
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

// base64Len returns the decoded length of standard base64 (RFC 4648 §4,
// padding optional) without decoding it.
func base64Len(s string) (int, bool) {
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

// validCID reports whether s is a syntactically valid CID string.
func validCID(s string) bool {
	c, err := cid.Decode(s)
	return err == nil && c.Defined()
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}
