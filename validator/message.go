package validator

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

// Pieces of error messages. Messages speak Lexicon: types, fields, $type,
// bytes and graphemes, never JSON Schema keywords.

// typeOf is the type of s, "" for none (a reference the catalog lacks).
func typeOf(s lexdoc.Schema) lexdoc.Type {
	if s == nil {
		return ""
	}
	return s.Type()
}

// expected names what a schema accepts, for "must be ..." messages.
func expected(n lexdoc.Schema, nullable bool) string {
	var s string
	switch typeOf(n) {
	case lexdoc.TypeBoolean:
		s = "a boolean"
	case lexdoc.TypeInteger:
		s = "an integer"
	case lexdoc.TypeString:
		s = "a string"
	case lexdoc.TypeBytes:
		s = `bytes ({"$bytes": base64})`
	case lexdoc.TypeCIDLink:
		s = `a CID link ({"$link": cid})`
	case lexdoc.TypeBlob:
		s = "a blob"
	case lexdoc.TypeArray:
		s = "an array"
	case lexdoc.TypeUnion:
		s = "an object with a $type"
	default:
		s = "an object"
	}
	if nullable {
		s += " or null"
	}
	return s
}

// limits returns the length limits of a string (bytes and graphemes) or
// bytes schema, for messages about the lexicon keyword's length rules.
func limits(n lexdoc.Schema) (minLength, maxLength, minGraphemes, maxGraphemes optInt) {
	switch n := n.(type) {
	case *lexdoc.String:
		return n.MinLength, n.MaxLength, n.MinGraphemes, n.MaxGraphemes
	case *lexdoc.Bytes:
		return n.MinLength, n.MaxLength, optInt{}, optInt{}
	}
	return
}

// got describes a value that has the wrong type.
func got(v any) string {
	switch x := v.(type) {
	case string:
		return "string " + datamodel.Describe(x)
	case json.Number, bool, nil:
		return datamodel.Describe(x)
	}
	return datamodel.KindOf(v)
}

// dataModelObject names an object the data model gives a meaning: "a blob",
// "a $bytes object", "a $link object"; "" for any other object.
func dataModelObject(obj any) string {
	field := func(name string) any { v, _ := datamodel.Field(obj, name); return v }
	switch {
	case field("$type") == "blob":
		return "a blob"
	case field("$bytes") != nil:
		return "a $bytes object"
	case field("$link") != nil:
		return "a $link object"
	}
	return ""
}

// objectKind names what an object is when it lacks the field want ($bytes
// or $link): a blob, a $bytes or $link object, or a plain object.
func objectKind(m map[string]any, want string) string {
	if kind := dataModelObject(m); kind != "" {
		return kind
	}
	return "an object without " + want
}

const maxListed = 12

func enumList(vs valueSet, nullable bool) string {
	var items []string
	switch {
	case vs.constVal != nil:
		items = append(items, datamodel.Describe(vs.constVal))
	case vs.intEnum != nil:
		for _, v := range vs.intEnum {
			items = append(items, itoa(v))
		}
	default:
		for _, v := range vs.strEnum {
			items = append(items, datamodel.Describe(v))
		}
	}
	if nullable {
		items = append(items, "null")
	}
	return list(items)
}

// refList lists the refs of the union n.
func refList(n lexdoc.Schema) string {
	u, _ := n.(*lexdoc.Union)
	if u == nil {
		return ""
	}
	items := make([]string, len(u.Refs))
	for i, r := range u.Refs {
		items[i] = r.String()
	}
	return list(items)
}

func list(items []string) string {
	if len(items) > maxListed {
		items = append(items[:maxListed:maxListed], "…")
	}
	return strings.Join(items, ", ")
}

// subject names the value at path for "<subject> is 320 graphemes": its field
// name, "item N" for an array element, "value" for the whole value.
func subject(path string) string {
	if path == "" {
		return "value"
	}
	_, last := splitLast(path)
	if i, ok := indexToken(last); ok {
		return "item " + strconv.Itoa(i)
	}
	return unescapeToken(last)
}

// count renders "1 byte", "320 graphemes".
func count(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
