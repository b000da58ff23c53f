package datamodel

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
	"github.com/ipfs/go-cid"
)

// cidLinkTag is the CBOR tag of a CID link in DAG-CBOR.
const cidLinkTag = 42

// ValueError lists the ways a value breaks the atproto data model, each with
// the JSON Pointer of the offending value. It wraps ErrInvalidJSON.
type ValueError struct {
	Problems []Problem
}

func (e *ValueError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalidJSON.Error())
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if p.Path != "" {
			b.WriteString(p.Path)
			b.WriteString(": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

func (e *ValueError) Unwrap() error { return ErrInvalidJSON }

// encodeError is a value the encoder cannot represent. The path is collected
// while the recursion unwinds, so the happy path pays nothing for it.
type encodeError struct {
	rev []string // path tokens, innermost first
	msg string
}

func (e *encodeError) Error() string { return e.msg }

// valueError turns e into the exported form.
func (e *encodeError) valueError() *ValueError {
	var b strings.Builder
	for i := len(e.rev) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(e.rev[i])
	}
	return &ValueError{Problems: []Problem{{Path: b.String(), Message: e.msg}}}
}

func under(err error, token string) error {
	if e, ok := err.(*encodeError); ok {
		e.rev = append(e.rev, token)
	}
	return err
}

func dmErrorf(format string, args ...any) error {
	return &encodeError{msg: fmt.Sprintf(format, args...)}
}

// toCBOR turns a decoded JSON tree into the Go values the CBOR library encodes
// the DAG-CBOR way (int64, []byte, cbor.Tag). It checks only what decides the
// encoding; Check owns the data model's other rules.
//
// Containers are copied only on the way to a value that changes, so strings
// and unchanged subtrees are shared with v; changed reports a copy.
func toCBOR(v any, depth int) (out any, changed bool, err error) {
	if depth > MaxDepth {
		return nil, false, dmErrorf("nested deeper than %d levels", MaxDepth)
	}
	// Unchanged values return v itself: re-boxing a string would allocate.
	switch x := v.(type) {
	case nil, bool, int, int64:
		return v, false, nil
	case string:
		if !utf8.ValidString(x) {
			return nil, false, dmErrorf("string is not valid UTF-8")
		}
		return v, false, nil
	case json.Number:
		i, err := integer(string(x))
		return i, true, err
	case []any:
		var copied []any
		for i, e := range x {
			c, ch, err := toCBOR(e, depth+1)
			if err != nil {
				return nil, false, under(err, strconv.Itoa(i))
			}
			if ch {
				if copied == nil {
					copied = slices.Clone(x)
				}
				copied[i] = c
			}
		}
		if copied == nil {
			return v, false, nil
		}
		return copied, true, nil
	case map[string]any:
		c, ch, err := mapToCBOR(x, depth)
		if err != nil || !ch {
			return v, false, err
		}
		return c, true, nil
	default:
		return nil, false, dmErrorf("%T is not a data model value", v)
	}
}

// integer is the int64 that JSON number text denotes; numbers written with a
// fraction or exponent count when their value is whole ("123.0", "1.5e1"):
// the data model has only integers, and JSON cannot say which spelling a
// writer meant.
func integer(s string) (int64, error) {
	i, class := ClassifyNumber(s)
	switch class {
	case NumberFraction:
		return 0, dmErrorf("number %s is not an integer (the data model has no floats)", s)
	case NumberOutOfRange:
		return 0, dmErrorf("integer %s is outside the signed 64-bit range", s)
	case NumberMalformed:
		return 0, dmErrorf("%q is not a number", s)
	}
	return i, nil
}

func mapToCBOR(m map[string]any, depth int) (any, bool, error) {
	if raw, ok := m["$link"]; ok {
		c, err := linkToCBOR(m, raw)
		return c, true, err
	}
	if raw, ok := m["$bytes"]; ok {
		c, err := bytesToCBOR(m, raw)
		return c, true, err
	}
	var copied map[string]any
	for k, e := range m {
		if !utf8.ValidString(k) {
			return nil, false, dmErrorf("key %q is not valid UTF-8", k)
		}
		c, ch, err := toCBOR(e, depth+1)
		if err != nil {
			return nil, false, under(err, EscapePointerToken(k))
		}
		if ch {
			if copied == nil {
				copied = maps.Clone(m)
			}
			copied[k] = c
		}
	}
	if copied == nil {
		return m, false, nil
	}
	return copied, true, nil
}

func linkToCBOR(m map[string]any, raw any) (any, error) {
	if len(m) != 1 {
		return nil, dmErrorf("a $link object has no other fields")
	}
	s, ok := raw.(string)
	if !ok {
		return nil, under(dmErrorf("$link must be a CID string, not %s", KindOf(raw)), "$link")
	}
	c, err := cid.Decode(s)
	if err != nil {
		return nil, under(dmErrorf("$link %q is not a CID: %v", s, err), "$link")
	}
	// DAG-CBOR prefixes the binary CID with the multibase identity byte.
	b := c.Bytes()
	content := make([]byte, 1+len(b))
	copy(content[1:], b)
	return cbor.Tag{Number: cidLinkTag, Content: content}, nil
}

func bytesToCBOR(m map[string]any, raw any) (any, error) {
	if len(m) != 1 {
		return nil, dmErrorf("a $bytes object has no other fields")
	}
	s, ok := raw.(string)
	if !ok {
		return nil, under(dmErrorf("$bytes must be a base64 string, not %s", KindOf(raw)), "$bytes")
	}
	b, err := decodeBase64(s)
	if err != nil {
		return nil, under(dmErrorf("$bytes is not base64: %v", err), "$bytes")
	}
	return b, nil
}

// decodeBase64 decodes RFC 4648 section 4 base64 with optional padding. The
// standard library skips CR and LF; the data model has no such leniency.
func decodeBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("line breaks are not allowed")
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}
