package validator

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/lexval/lexval/datamodel"
)

// Pieces of error messages. Messages speak Lexicon: types, fields, $type,
// bytes and graphemes, never JSON Schema keywords.

// expected names what a node accepts, for "must be ..." messages.
func expected(n *node, nullable bool) string {
	var s string
	switch n.typ {
	case typeBoolean:
		s = "a boolean"
	case typeInteger:
		s = "an integer"
	case typeString:
		s = "a string"
	case typeBytes:
		s = `bytes ({"$bytes": base64})`
	case typeCIDLink:
		s = `a CID link ({"$link": cid})`
	case typeBlob:
		s = "a blob"
	case typeArray:
		s = "an array"
	case typeUnion:
		s = "an object with a $type"
	default:
		s = "an object"
	}
	if nullable {
		s += " or null"
	}
	return s
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
func dataModelObject(m map[string]any) string {
	switch {
	case m["$type"] == "blob":
		return "a blob"
	case m["$bytes"] != nil:
		return "a $bytes object"
	case m["$link"] != nil:
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

func enumList(n *node, nullable bool) string {
	var items []string
	switch {
	case n.constVal != nil:
		items = append(items, datamodel.Describe(n.constVal))
	case n.typ == typeInteger:
		for _, v := range n.intEnum {
			items = append(items, itoa(v))
		}
	default:
		for _, v := range n.strEnum {
			items = append(items, datamodel.Describe(v))
		}
	}
	if nullable {
		items = append(items, "null")
	}
	return list(items)
}

func refList(n *node) string {
	items := make([]string, len(n.refs))
	for i, r := range n.refs {
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
