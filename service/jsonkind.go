package service

import (
	"encoding/json"
	"fmt"
)

// JSONKind names the JSON type of a value decoded by validator.DecodeJSON
// ("an object", "a string", "null"), for messages such as "got an array".
// Front ends word their own request errors with it, so that every message
// about a value of the wrong type reads the same.
func JSONKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}
