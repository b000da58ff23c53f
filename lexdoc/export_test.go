package lexdoc

// Sizes returns the sizes of a decoded document that the limits bound, in
// the order MaxDefinitions, MaxSchemas, MaxProperties, MaxUnionRefs,
// MaxLocation.
func Sizes(doc map[string]any) [5]int {
	defs, _ := doc["defs"].(map[string]any)
	s := sizeLimits(defs, func(overLimit) {})
	return [5]int{s.definitions, s.schemas, s.properties, s.unionRefs, s.where}
}
