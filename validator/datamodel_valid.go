package validator

// ValidDataModel reports whether CheckDataModel would find nothing wrong
// with v, without collecting paths or messages: a valid value costs no
// allocation, so callers that need the report only for invalid values
// (resolver.RecordCID, say) run CheckDataModel only when this is false.
func ValidDataModel(v any) bool {
	// The walker does not judge the top level; CheckDataModel does.
	if _, ok := v.(map[string]any); !ok {
		return false
	}
	var w dataModelWalker
	w.value(v, 0)
	return !w.bad
}
