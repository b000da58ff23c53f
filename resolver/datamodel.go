package resolver

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/validator"
)

// cidLinkTag is the CBOR tag of a CID link in DAG-CBOR.
const cidLinkTag = 42

// dataModelError is a value outside the atproto data model. The path is
// collected while the recursion unwinds, so the happy path pays nothing for it.
type dataModelError struct {
	rev []string // path tokens, innermost first
	msg string
}

func (e *dataModelError) Error() string {
	if len(e.rev) == 0 {
		return validator.ErrInvalidJSON.Error() + ": " + e.msg
	}
	var b strings.Builder
	b.WriteString(validator.ErrInvalidJSON.Error())
	b.WriteString(": ")
	for i := len(e.rev) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(e.rev[i])
	}
	b.WriteString(": ")
	b.WriteString(e.msg)
	return b.String()
}

func (e *dataModelError) Unwrap() error { return validator.ErrInvalidJSON }

// Path returns the JSON Pointer (RFC 6901) of the offending value.
func (e *dataModelError) Path() string {
	var b strings.Builder
	for i := len(e.rev) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(e.rev[i])
	}
	return b.String()
}

func under(err error, token string) error {
	if e, ok := err.(*dataModelError); ok {
		e.rev = append(e.rev, token)
	}
	return err
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func dmErrorf(format string, args ...any) error {
	return &dataModelError{msg: fmt.Sprintf(format, args...)}
}

// toCBOR turns a decoded JSON tree into the Go values the CBOR library encodes
// the DAG-CBOR way (int64, []byte, cbor.Tag), checking the data model rules
// that decide the encoding on the way.
//
// The checks are the ones the encoding needs plus the few that make a value
// impossible in the data model whatever the schema ($type must be a non-empty
// string; a blob needs a link ref, a mimeType and an integer size). Schema
// rules belong to the validator.
func toCBOR(v any, depth int) (any, error) {
	if depth > validator.MaxDepth {
		return nil, dmErrorf("nested deeper than %d levels", validator.MaxDepth)
	}
	switch v := v.(type) {
	case nil, bool:
		return v, nil
	case string:
		if !utf8.ValidString(v) {
			return nil, dmErrorf("string is not valid UTF-8")
		}
		return v, nil
	case json.Number:
		return parseInteger(string(v))
	case int64:
		return v, nil
	case int:
		return int64(v), nil
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			c, err := toCBOR(e, depth+1)
			if err != nil {
				return nil, under(err, strconv.Itoa(i))
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		return mapToCBOR(v, depth)
	default:
		return nil, dmErrorf("%T is not a data model value", v)
	}
}

func mapToCBOR(m map[string]any, depth int) (any, error) {
	if raw, ok := m["$link"]; ok {
		return linkToCBOR(m, raw)
	}
	if raw, ok := m["$bytes"]; ok {
		return bytesToCBOR(m, raw)
	}
	if t, ok := m["$type"]; ok {
		if err := checkType(m, t); err != nil {
			return nil, err
		}
	}
	out := make(map[string]any, len(m))
	for k, e := range m {
		if !utf8.ValidString(k) {
			return nil, dmErrorf("key %q is not valid UTF-8", k)
		}
		c, err := toCBOR(e, depth+1)
		if err != nil {
			return nil, under(err, pointerEscaper.Replace(k))
		}
		out[k] = c
	}
	return out, nil
}

func linkToCBOR(m map[string]any, raw any) (any, error) {
	if len(m) != 1 {
		return nil, dmErrorf("a $link object has no other fields")
	}
	s, ok := raw.(string)
	if !ok {
		return nil, under(dmErrorf("$link must be a CID string, not %s", kindOf(raw)), "$link")
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
		return nil, under(dmErrorf("$bytes must be a base64 string, not %s", kindOf(raw)), "$bytes")
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

func checkType(m map[string]any, t any) error {
	s, ok := t.(string)
	if !ok {
		return under(dmErrorf("$type must be a string, not %s", kindOf(t)), "$type")
	}
	if s == "" {
		return under(dmErrorf("$type must not be empty"), "$type")
	}
	if s != "blob" {
		return nil
	}
	ref, ok := m["ref"].(map[string]any)
	if !ok {
		return under(dmErrorf("a blob needs a ref that is a $link object"), "ref")
	}
	if _, ok := ref["$link"]; !ok {
		return under(dmErrorf("a blob needs a ref that is a $link object"), "ref")
	}
	if mt, ok := m["mimeType"].(string); !ok || mt == "" {
		return under(dmErrorf("a blob needs a non-empty mimeType string"), "mimeType")
	}
	switch size := m["size"].(type) {
	case json.Number:
		if _, err := parseInteger(string(size)); err != nil {
			return under(err, "size")
		}
	case int, int64:
	default:
		return under(dmErrorf("a blob needs an integer size, not %s", kindOf(m["size"])), "size")
	}
	return nil
}

// kindOf names a decoded value's JSON kind for messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number, int, int64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}
