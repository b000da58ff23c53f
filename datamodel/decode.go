package datamodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of arrays and objects in decoded values.
const MaxDepth = 128

// ErrInvalidJSON: the bytes are not JSON the data model accepts. Every
// decoding error (*JSONError) and every *ValueError wraps it.
var ErrInvalidJSON = errors.New("invalid JSON")

// What a *JSONError found wrong; it wraps exactly one of these, beside
// ErrInvalidJSON, so callers act on the kind with errors.Is.
var (
	// ErrSyntax: not JSON syntax (an unexpected character, a bad literal,
	// number or escape, a missing ':' or ',').
	ErrSyntax = errors.New("JSON syntax error")
	// ErrUnexpectedEnd: the input ends inside a value, or holds none.
	ErrUnexpectedEnd = errors.New("unexpected end of JSON input")
	// ErrTrailingData: something follows the JSON value.
	ErrTrailingData = errors.New("data after the JSON value")
	// ErrByteOrderMark: the text starts with U+FEFF.
	ErrByteOrderMark = errors.New("byte order mark before the JSON text")
	// ErrTooDeep: arrays and objects nest deeper than MaxDepth.
	ErrTooDeep = errors.New("JSON nested too deep")
	// ErrDuplicateKey: an object has the same key twice.
	ErrDuplicateKey = errors.New("duplicate key in a JSON object")
	// ErrInvalidUTF8: a string is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8 in a JSON string")
	// ErrLoneSurrogate: a \u escape is half of a surrogate pair.
	ErrLoneSurrogate = errors.New("lone surrogate in a JSON string")
	// ErrControlCharacter: a string holds a raw control character.
	ErrControlCharacter = errors.New("control character in a JSON string")
)

// JSONError is a decoding failure with its position. It wraps ErrInvalidJSON
// and Err; Reason words the failure for people, and is what Error shows.
type JSONError struct {
	Offset int    // byte offset of the problem
	Line   int    // 1-based
	Column int    // 1-based, in bytes
	Err    error  // the kind of failure: ErrSyntax, ErrDuplicateKey, ...
	Reason string // e.g. "duplicate key \"text\""
}

func (e *JSONError) Error() string {
	return fmt.Sprintf("%s at line %d, column %d: %s", ErrInvalidJSON, e.Line, e.Column, e.Reason)
}

func (e *JSONError) Unwrap() []error { return []error{ErrInvalidJSON, e.Err} }

// DecodeJSON decodes one JSON value into the tree every package works on:
// map[string]any, []any, string, json.Number, bool and nil. Errors are
// *JSONError and wrap ErrInvalidJSON and the kind of failure.
//
// It is strict where encoding/json is lenient, because a validator must not
// judge a value other than the one sent: invalid UTF-8 and escaped lone
// surrogates are errors (not U+FFFD), as are duplicate keys, data after the
// value and nesting deeper than MaxDepth. Numbers keep their text as
// json.Number, so 2^53+1 stays exact and the data model decides what is an
// integer.
//
// It was chosen on evidence: bench/decode compares it with encoding/json,
// goccy/go-json and a go-json-experiment/json token decoder for speed and for
// these rules. It copies data once and slices every string without escapes
// out of that copy, so a decoded value keeps the whole input alive.
func DecodeJSON(data []byte) (any, error) {
	return DecodeJSONString(string(data))
}

// DecodeJSONString is DecodeJSON for text the caller holds as a string: it
// decodes s in place, without the copy, slicing the value's strings out of
// s itself. Callers that read input into a string (a strings.Builder's,
// say) decode it with no copy at all.
func DecodeJSONString(s string) (any, error) {
	v, _, err := DecodeJSONStringChecked(s)
	return v, err
}

// DecodeJSONStringChecked is DecodeJSONString that also reports whether
// the value is known to be valid in the data model: Valid(v) is then true
// without walking it again. Decoding already enforces UTF-8 and depth, and
// it notes as it goes what else Check has rules for; a value that holds only
// strings, booleans, nulls, integers of up to 18 digits, $type fields naming
// a type and well-formed $link and blob objects is known valid. false means
// only that Valid must be asked.
func DecodeJSONStringChecked(s string) (v any, dmValid bool, err error) {
	return decodeString(s, false)
}

// DecodeJSONFlat is DecodeJSONStringChecked building each object as an
// Object instead of a map[string]any: the same rules, the same errors, the
// same values (Maps(v) is what DecodeJSONString returns), in about half the
// allocations. It is for a caller whose value goes to the validator's fast
// path (validator.Schema.ExplainDecoded), which reads Objects as they are;
// everything else takes the map tree, which Maps makes when it is needed.
func DecodeJSONFlat(s string) (v any, dmValid bool, err error) {
	return decodeString(s, true)
}

func decodeString(s string, flat bool) (v any, dmValid bool, err error) {
	d := scratchPool.Get().(*jsonDecoder)
	defer d.release()
	d.s, d.i, d.unknown, d.flat = s, 0, false, flat
	v, err = d.decode()
	return v, err == nil && !d.unknown, err
}

func (d *jsonDecoder) decode() (any, error) {
	if len(d.s) >= 3 && d.s[:3] == "\xef\xbb\xbf" {
		// RFC 8259 §8.1 lets a parser ignore a byte order mark; we refuse it
		// by name rather than as an unexpected 0xef.
		return nil, d.fail(ErrByteOrderMark, "byte order mark (U+FEFF) before the JSON text; save the file as UTF-8 without BOM")
	}
	d.skipSpace()
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	d.skipSpace()
	if d.i != len(d.s) {
		return nil, d.fail(ErrTrailingData, "data after the JSON value")
	}
	return v, nil
}

type jsonMember struct {
	key string
	val any
	at  int // offset of the key, for errors
}

type jsonDecoder struct {
	s string
	i int
	// Scratch stacks shared by all nesting levels: a container's elements
	// are gathered here, then copied once into a value of exact size.
	members []jsonMember
	items   []any
	// unknown: the value holds something whose data-model validity the
	// decoder does not judge (see DecodeJSONStringChecked and dollarFields).
	unknown bool
	// flat: objects are built as Objects (DecodeJSONFlat).
	flat bool
}

// scratchPool keeps decoders for their scratch stacks: a long array or
// object grows them to its length, and growing them anew for every value
// would cost as much again as the value's own slices.
var scratchPool = sync.Pool{New: func() any { return new(jsonDecoder) }}

// maxPooledScratch bounds the scratch stacks kept between decodes (1 MiB):
// enough for any ordinary value. The half a million entries (8 MiB) of a 2
// MiB list of short strings are not kept: live memory is what sets a
// collector's heap goal (five times it at GOGC=400), garbage is not.
const maxPooledScratch = 1 << 16

// release returns d to the pool, dropping its references to the input and
// the values decoded, so that the pool keeps none of them alive: a
// container clears its entries as it pops them, so only a decode that
// failed leaves any, below the stacks' lengths.
func (d *jsonDecoder) release() {
	d.s = ""
	clear(d.members)
	clear(d.items)
	if cap(d.members) > maxPooledScratch || cap(d.items) > maxPooledScratch {
		return
	}
	d.members, d.items = d.members[:0], d.items[:0]
	scratchPool.Put(d)
}

func (d *jsonDecoder) fail(kind error, reason string) error {
	line, col := 1, 1
	for j := 0; j < d.i && j < len(d.s); j++ {
		if d.s[j] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return &JSONError{Offset: d.i, Line: line, Column: col, Err: kind, Reason: reason}
}

func (d *jsonDecoder) skipSpace() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDecoder) value(depth int) (any, error) {
	if d.i >= len(d.s) {
		return nil, d.fail(ErrUnexpectedEnd, "unexpected end of input")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		return d.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	default:
		return nil, d.fail(ErrSyntax, "unexpected character "+quoteByte(c))
	}
}

func (d *jsonDecoder) literal(word string) error {
	if len(d.s)-d.i < len(word) || d.s[d.i:d.i+len(word)] != word {
		return d.fail(ErrSyntax, "invalid literal (expected "+word+")")
	}
	d.i += len(word)
	return nil
}

func (d *jsonDecoder) object(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, d.fail(ErrTooDeep, "nested deeper than "+strconv.Itoa(MaxDepth)+" levels")
	}
	d.i++ // {
	// On error the decoder is dropped, so only success restores the stack.
	base := len(d.members)
	var dollars dollarFields
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		if d.flat {
			return Object{}, nil
		}
		return map[string]any{}, nil
	}
	for {
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, d.fail(ErrSyntax, "expected a string key")
		}
		keyAt := d.i
		key, err := d.str()
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, d.fail(ErrSyntax, "expected ':' after key")
		}
		d.i++
		d.skipSpace()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.members = append(d.members, jsonMember{key, v, keyAt})
		if len(key) > 0 && key[0] == '$' {
			dollars.note(key, v)
		}
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, d.fail(ErrUnexpectedEnd, "unexpected end of input in object")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.skipSpace()
			continue
		case '}':
			d.i++
			ms := d.members[base:]
			var obj any
			if d.flat {
				if i := firstDuplicate(ms); i >= 0 {
					return nil, d.duplicateAt(ms[i])
				}
				o := make(Object, len(ms))
				for i, e := range ms {
					o[i] = Member{e.key, e.val}
				}
				obj = o
			} else {
				m := make(map[string]any, len(ms))
				for _, e := range ms {
					m[e.key] = e.val
				}
				if len(m) != len(ms) {
					return nil, d.duplicateAt(ms[firstDuplicate(ms)])
				}
				obj = m
			}
			if dollars.any && !d.unknown {
				d.unknown = !dollars.knownValid(obj)
			}
			clear(ms) // drop references for the collector
			d.members = d.members[:base]
			return obj, nil
		default:
			return nil, d.fail(ErrSyntax, "expected ',' or '}' in object")
		}
	}
}

// firstDuplicate returns the index of the first member whose key an earlier
// member has, or -1. A few keys are compared pairwise; more, through a set.
func firstDuplicate(ms []jsonMember) int {
	if len(ms) <= 16 {
		for i := 1; i < len(ms); i++ {
			for j := range i {
				if ms[j].key == ms[i].key {
					return i
				}
			}
		}
		return -1
	}
	seen := make(map[string]struct{}, len(ms))
	for i, e := range ms {
		if _, dup := seen[e.key]; dup {
			return i
		}
		seen[e.key] = struct{}{}
	}
	return -1
}

// duplicateAt reports the member e as a repeated key.
func (d *jsonDecoder) duplicateAt(e jsonMember) error {
	d.i = e.at
	return d.fail(ErrDuplicateKey, "duplicate key "+strconv.Quote(e.key))
}

func (d *jsonDecoder) array(depth int) (any, error) {
	if depth > MaxDepth {
		return nil, d.fail(ErrTooDeep, "nested deeper than "+strconv.Itoa(MaxDepth)+" levels")
	}
	d.i++ // [
	base := len(d.items)
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return []any{}, nil
	}
	for {
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		d.items = append(d.items, v)
		d.skipSpace()
		if d.i >= len(d.s) {
			return nil, d.fail(ErrUnexpectedEnd, "unexpected end of input in array")
		}
		switch d.s[d.i] {
		case ',':
			d.i++
			d.skipSpace()
			continue
		case ']':
			d.i++
			out := make([]any, len(d.items)-base)
			copy(out, d.items[base:])
			clear(d.items[base:])
			d.items = d.items[:base]
			return out, nil
		default:
			return nil, d.fail(ErrSyntax, "expected ',' or ']' in array")
		}
	}
}

// str decodes a string starting at the opening quote. Without escapes the
// result is a slice of the input.
func (d *jsonDecoder) str() (string, error) {
	d.i++ // "
	start := d.i
	// The common case in one tight pass: no escape, no control character,
	// and UTF-8 checked at once by utf8.ValidString when there is any
	// non-ASCII byte. Anything else is rescanned byte by byte below, which
	// says what is wrong and where.
	// Eight bytes at a time while none of them stops the scan (stopWord),
	// then byte by byte up to the byte that does.
	var acc uint64
	i := start
	for ; i+8 <= len(d.s); i += 8 {
		x := load64(d.s, i)
		if stopWord(x) {
			break
		}
		acc |= x
	}
	var high byte
	if acc&highBits != 0 {
		high = utf8.RuneSelf
	}
	for i < len(d.s) && !strStop[d.s[i]] {
		high |= d.s[i]
		i++
	}
	if i < len(d.s) && d.s[i] == '"' && (high < utf8.RuneSelf || utf8.ValidString(d.s[start:i])) {
		d.i = i + 1
		return d.s[start:i], nil
	}
	for d.i < len(d.s) {
		c := d.s[d.i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' {
			d.i++
			continue
		}
		switch {
		case c == '"':
			s := d.s[start:d.i]
			d.i++
			return s, nil
		case c == '\\':
			return d.escapedString(start)
		case c < 0x20:
			return "", d.fail(ErrControlCharacter, "control character in string (must be escaped)")
		case c < utf8.RuneSelf:
			d.i++
		default:
			r, size := utf8.DecodeRuneInString(d.s[d.i:])
			if r == utf8.RuneError && size <= 1 {
				return "", d.fail(ErrInvalidUTF8, "invalid UTF-8 in string")
			}
			d.i += size
		}
	}
	return "", d.fail(ErrUnexpectedEnd, "unterminated string")
}

const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
)

// load64 reads the eight bytes of s at i as a little-endian word (the
// compiler makes one load of it).
func load64(s string, i int) uint64 {
	_ = s[i+7]
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// stopWord reports whether the word x may hold a byte of strStop: a quote,
// a backslash or a control character. It may say yes for a word that holds
// none (a borrow crosses into the byte above a match), never no for one that
// does; bytes of 0x80 and above never match.
func stopWord(x uint64) bool {
	quote := x ^ (lowBits * '"')
	backslash := x ^ (lowBits * '\\')
	zeroOrControl := (x - lowBits*0x20) | (quote - lowBits) | (backslash - lowBits)
	return zeroOrControl&^x&highBits != 0
}

// strStop marks the bytes that end str's fast scan: a quote, a backslash
// and the control characters.
var strStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// escapedString finishes a string that has escapes, copying it.
func (d *jsonDecoder) escapedString(start int) (string, error) {
	buf := make([]byte, 0, d.i-start+16)
	buf = append(buf, d.s[start:d.i]...)
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return string(buf), nil
		case c == '\\':
			if d.i+1 >= len(d.s) {
				return "", d.fail(ErrUnexpectedEnd, "unterminated escape")
			}
			e := d.s[d.i+1]
			d.i += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, err := d.unicodeEscape()
				if err != nil {
					return "", err
				}
				buf = utf8.AppendRune(buf, r)
			default:
				d.i -= 2
				return "", d.fail(ErrSyntax, "invalid escape "+strconv.Quote(d.s[d.i:d.i+2]))
			}
		case c < 0x20:
			return "", d.fail(ErrControlCharacter, "control character in string (must be escaped)")
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			d.i++
		default:
			r, size := utf8.DecodeRuneInString(d.s[d.i:])
			if r == utf8.RuneError && size <= 1 {
				return "", d.fail(ErrInvalidUTF8, "invalid UTF-8 in string")
			}
			buf = append(buf, d.s[d.i:d.i+size]...)
			d.i += size
		}
	}
	return "", d.fail(ErrUnexpectedEnd, "unterminated string")
}

// unicodeEscape reads the XXXX of \uXXXX (d.i just past "\u"), and a second
// escape for a surrogate pair. A lone surrogate is an error: it is no Unicode
// text, and replacing it would validate a different value.
func (d *jsonDecoder) unicodeEscape() (rune, error) {
	at := d.i - 2
	r, ok := d.hex4()
	if !ok {
		d.i = at
		return 0, d.fail(ErrSyntax, "invalid \\u escape")
	}
	if !utf16.IsSurrogate(r) {
		return r, nil
	}
	if r >= 0xDC00 || len(d.s)-d.i < 6 || d.s[d.i] != '\\' || d.s[d.i+1] != 'u' {
		d.i = at
		return 0, d.fail(ErrLoneSurrogate, "lone surrogate in \\u escape")
	}
	d.i += 2
	lo, ok := d.hex4()
	if !ok || lo < 0xDC00 || lo > 0xDFFF {
		d.i = at
		return 0, d.fail(ErrLoneSurrogate, "lone surrogate in \\u escape")
	}
	return utf16.DecodeRune(r, lo), nil
}

func (d *jsonDecoder) hex4() (rune, bool) {
	if len(d.s)-d.i < 4 {
		return 0, false
	}
	var r rune
	for j := 0; j < 4; j++ {
		c := d.s[d.i+j]
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	d.i += 4
	return r, true
}

// number scans RFC 8259 number syntax and returns its text.
func (d *jsonDecoder) number() (any, error) {
	start := d.i
	if d.s[d.i] == '-' {
		d.i++
	}
	switch {
	case d.i < len(d.s) && d.s[d.i] == '0':
		d.i++
		if d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
			return nil, d.fail(ErrSyntax, "invalid number (leading zero)")
		}
	case d.i < len(d.s) && d.s[d.i] >= '1' && d.s[d.i] <= '9':
		d.digits()
	default:
		return nil, d.fail(ErrSyntax, "invalid number")
	}
	intEnd := d.i
	if d.i < len(d.s) && d.s[d.i] == '.' {
		d.i++
		if d.digits() == 0 {
			return nil, d.fail(ErrSyntax, "invalid number (digits expected after '.')")
		}
	}
	if d.i < len(d.s) && (d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		d.i++
		if d.i < len(d.s) && (d.s[d.i] == '+' || d.s[d.i] == '-') {
			d.i++
		}
		if d.digits() == 0 {
			return nil, d.fail(ErrSyntax, "invalid number (digits expected in exponent)")
		}
	}
	if !d.unknown {
		// An integer of up to 18 digits is within 64 bits; anything else
		// (a fraction, an exponent, more digits) is left to Check.
		digits := d.i - start
		if d.s[start] == '-' {
			digits--
		}
		d.unknown = intEnd != d.i || digits > 18
	}
	return json.Number(d.s[start:d.i]), nil
}

func (d *jsonDecoder) digits() int {
	n := 0
	for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
		d.i++
		n++
	}
	return n
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("0x%02x", c)
}
