package datamodel

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/ipfs/go-cid"
)

// ErrInvalidDAGCBOR: the bytes are not DAG-CBOR the data model accepts.
// Every *CBORError wraps it.
var ErrInvalidDAGCBOR = errors.New("invalid DAG-CBOR")

// What a *CBORError found wrong; it wraps exactly one of these, beside
// ErrInvalidDAGCBOR.
var (
	// ErrCBORSyntax: not CBOR (a reserved or misplaced header, a length
	// past the end, data after the value).
	ErrCBORSyntax = errors.New("CBOR syntax error")
	// ErrCBORNotCanonical: CBOR, but not in the one DAG-CBOR form: an
	// integer or length not in its shortest form, an indefinite length, map
	// keys out of order or repeated.
	ErrCBORNotCanonical = errors.New("not canonical DAG-CBOR")
	// ErrCBOROutsideDataModel: canonical CBOR holding what the atproto data
	// model has no place for: a float, a tag other than 42 (or a tag 42 that
	// is no CID), undefined or another simple value, a key that is not a
	// text string or that is reserved for the JSON form ($link, $bytes),
	// text that is not UTF-8, an integer beyond 64 signed bits.
	ErrCBOROutsideDataModel = errors.New("outside the atproto data model")
	// ErrCBORTooDeep: arrays and maps nest deeper than MaxDepth.
	ErrCBORTooDeep = errors.New("DAG-CBOR nested too deep")
)

// CBORError is a DAG-CBOR decoding failure: where, what kind, why. It wraps
// ErrInvalidDAGCBOR and Err.
type CBORError struct {
	Offset int   // byte offset of the item at fault
	Err    error // ErrCBORSyntax, ErrCBORNotCanonical, ...
	Reason string
}

func (e *CBORError) Error() string {
	return fmt.Sprintf("%s at byte %d: %s", ErrInvalidDAGCBOR, e.Offset, e.Reason)
}

func (e *CBORError) Unwrap() []error { return []error{ErrInvalidDAGCBOR, e.Err} }

// DecodeDAGCBOR decodes the DAG-CBOR encoding of a value into the tree that
// DecodeJSON builds from its JSON form: map[string]any, []any, string,
// json.Number (integers, as decimal text), bool and nil, a CID link (tag 42)
// as {"$link": "<cid>"} and a byte string as {"$bytes": "<base64, no
// padding>"}. So a record read from a repository and the same record sent as
// JSON are one value to every other package, and EncodeDAGCBOR gives back
// the bytes decoded.
//
// It accepts only the canonical form (shortest integers and lengths,
// definite lengths, map keys sorted by length then bytewise, no repeats),
// since a record's CID names one encoding, and only what the data model
// holds (no floats, no tags but 42, no undefined). Errors are *CBORError.
func DecodeDAGCBOR(data []byte) (any, error) {
	d := cborDecoder{s: string(data)}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if d.i != len(d.s) {
		return nil, d.fail(d.i, ErrCBORSyntax, fmt.Sprintf("%d bytes after the value", len(d.s)-d.i))
	}
	return v, nil
}

// CBOR major types.
const (
	majorUnsigned = 0
	majorNegative = 1
	majorBytes    = 2
	majorText     = 3
	majorArray    = 4
	majorMap      = 5
	majorTag      = 6
	majorSimple   = 7
)

// The simple values the data model has.
const (
	simpleFalse = 20
	simpleTrue  = 21
	simpleNull  = 22
)

type cborDecoder struct {
	s string // the input, copied once; strings are sliced out of it
	i int
}

func (d *cborDecoder) fail(at int, kind error, reason string) error {
	return &CBORError{Offset: at, Err: kind, Reason: reason}
}

// head reads an item's initial byte and argument. Indefinite lengths and
// arguments longer than they need be are refused here, for every major type.
func (d *cborDecoder) head() (major byte, info byte, arg uint64, err error) {
	at := d.i
	if d.i >= len(d.s) {
		return 0, 0, 0, d.fail(at, ErrCBORSyntax, "unexpected end of input")
	}
	b := d.s[d.i]
	d.i++
	major, info = b>>5, b&0x1f
	var size int
	switch {
	case info < 24:
		return major, info, uint64(info), nil
	case info <= 27:
		size = 1 << (info - 24)
	case info == 31:
		if major >= majorBytes && major <= majorMap {
			return 0, 0, 0, d.fail(at, ErrCBORNotCanonical, "indefinite length (DAG-CBOR lengths are definite)")
		}
		return 0, 0, 0, d.fail(at, ErrCBORSyntax, fmt.Sprintf("unexpected break or indefinite item (0x%02x)", b))
	default:
		return 0, 0, 0, d.fail(at, ErrCBORSyntax, fmt.Sprintf("reserved additional information %d", info))
	}
	if len(d.s)-d.i < size {
		return 0, 0, 0, d.fail(at, ErrCBORSyntax, "unexpected end of input in an item's header")
	}
	for _, c := range []byte(d.s[d.i : d.i+size]) {
		arg = arg<<8 | uint64(c)
	}
	d.i += size
	if major == majorSimple {
		// Floats and one-byte simple values: their argument is not a
		// number, so the shortest-form rule below does not apply.
		return major, info, arg, nil
	}
	if min := [...]uint64{24, 1 << 8, 1 << 16, 1 << 32}[info-24]; arg < min {
		return 0, 0, 0, d.fail(at, ErrCBORNotCanonical, fmt.Sprintf("%d is not in its shortest encoding", arg))
	}
	return major, info, arg, nil
}

// length checks that n bytes (or n items of at least one byte) remain, so
// that a declared length is never allocated before it is known to fit.
func (d *cborDecoder) length(at int, n uint64) (int, error) {
	if n > uint64(len(d.s)-d.i) {
		return 0, d.fail(at, ErrCBORSyntax, fmt.Sprintf("length %d runs past the end of the input", n))
	}
	return int(n), nil
}

func (d *cborDecoder) value(depth int) (any, error) {
	at := d.i
	major, info, arg, err := d.head()
	if err != nil {
		return nil, err
	}
	switch major {
	case majorUnsigned:
		if arg > math.MaxInt64 {
			return nil, d.fail(at, ErrCBOROutsideDataModel, fmt.Sprintf("integer %d is beyond 64 signed bits", arg))
		}
		return json.Number(strconv.FormatInt(int64(arg), 10)), nil
	case majorNegative:
		if arg > math.MaxInt64 {
			return nil, d.fail(at, ErrCBOROutsideDataModel, fmt.Sprintf("integer -1-%d is beyond 64 signed bits", arg))
		}
		return json.Number(strconv.FormatInt(-1-int64(arg), 10)), nil
	case majorBytes:
		b, err := d.bytes(at, arg)
		if err != nil {
			return nil, err
		}
		return map[string]any{"$bytes": base64.RawStdEncoding.EncodeToString([]byte(b))}, nil
	case majorText:
		return d.text(at, arg)
	case majorArray:
		return d.array(at, arg, depth+1)
	case majorMap:
		return d.object(at, arg, depth+1)
	case majorTag:
		return d.link(at, arg)
	}
	switch {
	case info == simpleFalse:
		return false, nil
	case info == simpleTrue:
		return true, nil
	case info == simpleNull:
		return nil, nil
	case info >= 25 && info <= 27:
		return nil, d.fail(at, ErrCBOROutsideDataModel, "a float (the data model has none)")
	}
	return nil, d.fail(at, ErrCBOROutsideDataModel, fmt.Sprintf("simple value %d (the data model has only true, false and null)", arg))
}

func (d *cborDecoder) bytes(at int, n uint64) (string, error) {
	size, err := d.length(at, n)
	if err != nil {
		return "", err
	}
	b := d.s[d.i : d.i+size]
	d.i += size
	return b, nil
}

func (d *cborDecoder) text(at int, n uint64) (string, error) {
	s, err := d.bytes(at, n)
	if err != nil {
		return "", err
	}
	if !utf8.ValidString(s) {
		return "", d.fail(at, ErrCBOROutsideDataModel, "text string is not valid UTF-8")
	}
	return s, nil
}

func (d *cborDecoder) array(at int, n uint64, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, d.fail(at, ErrCBORTooDeep, "nested deeper than "+strconv.Itoa(MaxDepth)+" levels")
	}
	size, err := d.length(at, n)
	if err != nil {
		return nil, err
	}
	out := make([]any, size)
	for k := range out {
		if out[k], err = d.value(depth); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (d *cborDecoder) object(at int, n uint64, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, d.fail(at, ErrCBORTooDeep, "nested deeper than "+strconv.Itoa(MaxDepth)+" levels")
	}
	// Each member is at least two bytes.
	size, err := d.length(at, 2*n)
	if err != nil {
		return nil, err
	}
	m := make(map[string]any, size/2)
	prev, first := "", true
	for range size / 2 {
		keyAt := d.i
		major, _, arg, err := d.head()
		if err != nil {
			return nil, err
		}
		if major != majorText {
			return nil, d.fail(keyAt, ErrCBOROutsideDataModel, "map key is not a text string")
		}
		key, err := d.text(keyAt, arg)
		if err != nil {
			return nil, err
		}
		if !first && !keyAfter(prev, key) {
			if key == prev {
				return nil, d.fail(keyAt, ErrCBORNotCanonical, "duplicate map key "+strconv.Quote(key))
			}
			return nil, d.fail(keyAt, ErrCBORNotCanonical, fmt.Sprintf("map key %q after %q (keys are sorted by length, then bytewise)", key, prev))
		}
		if key == "$link" || key == "$bytes" {
			return nil, d.fail(keyAt, ErrCBOROutsideDataModel, "map key "+key+" is reserved for the JSON form of links and bytes")
		}
		if m[key], err = d.value(depth); err != nil {
			return nil, err
		}
		prev, first = key, false
	}
	return m, nil
}

// keyAfter reports whether b comes after a in DAG-CBOR's key order: shorter
// keys first, keys of one length bytewise.
func keyAfter(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// link reads the content of a tag: only tag 42, a CID link, whose content
// is a byte string holding a zero byte (the identity multibase prefix) then
// a binary CID.
func (d *cborDecoder) link(at int, tag uint64) (any, error) {
	if tag != cidLinkTag {
		return nil, d.fail(at, ErrCBOROutsideDataModel, fmt.Sprintf("tag %d (DAG-CBOR has only tag 42, CID links)", tag))
	}
	contentAt := d.i
	major, _, arg, err := d.head()
	if err != nil {
		return nil, err
	}
	if major != majorBytes {
		return nil, d.fail(contentAt, ErrCBOROutsideDataModel, "tag 42 does not hold a byte string")
	}
	b, err := d.bytes(contentAt, arg)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 || b[0] != 0 {
		return nil, d.fail(contentAt, ErrCBOROutsideDataModel, "tag 42 bytes do not start with the identity multibase prefix 0x00")
	}
	c, err := cid.Cast([]byte(b[1:]))
	if err != nil {
		return nil, d.fail(contentAt, ErrCBOROutsideDataModel, fmt.Sprintf("tag 42 does not hold a CID: %v", err))
	}
	return map[string]any{"$link": c.String()}, nil
}
