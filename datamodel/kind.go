package datamodel

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// KindOf names the kind of a value decoded by DecodeJSON, article included,
// for messages such as "must be an object, got an array": "null", "a
// boolean", "a string", "an integer", "an array", "an object". Numbers are
// named as the data model sees them, which has 64-bit integers and no
// floats: "an integer" (123, 123.0, 1e2), "an integer beyond 64 bits", "a
// float" (1.5). Every package words the kind of a value with it, so that
// messages about a value of the wrong kind read the same everywhere. A value
// DecodeJSON does not produce is named by its Go type.
func KindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		_, class := ClassifyNumber(string(x))
		return numberKind(class)
	case float64:
		switch {
		case x != math.Trunc(x) || math.IsInf(x, 0):
			return numberKind(NumberFraction)
		case x < -(1<<63) || x >= 1<<63:
			return numberKind(NumberOutOfRange)
		}
		return numberKind(NumberInteger)
	case int, int8, int16, int32, int64, uint8, uint16, uint32:
		return "an integer"
	case []any:
		return "an array"
	case map[string]any, Object:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func numberKind(class NumberClass) string {
	switch class {
	case NumberInteger:
		return "an integer"
	case NumberOutOfRange:
		return "an integer beyond 64 bits"
	case NumberFraction:
		return "a float"
	}
	return "a number"
}

// Describe shows a decoded value briefly in messages: strings quoted and
// shortened to 64 bytes, numbers as written, booleans and null as in JSON,
// containers by kind (KindOf).
func Describe(v any) string {
	switch x := v.(type) {
	case string:
		const max = 64
		if len(x) > max {
			cut := max
			for cut > 0 && !utf8.RuneStart(x[cut]) {
				cut--
			}
			return strconv.Quote(x[:cut]) + "…"
		}
		return strconv.Quote(x)
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	}
	return KindOf(v)
}
