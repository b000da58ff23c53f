package datamodel

// Object is a JSON object as DecodeJSONFlat builds it: its members in the
// order of the input, in one slice of exactly their number, with no Go map.
// Building a map costs a hash per key and two allocations that a valid
// value's one reading never repays; the validator's fast path reads an
// Object directly, and everything else works on the map tree (Maps).
// Member keys are distinct: the decoder refuses a duplicate.
type Object []Member

// Member is one member of an Object.
type Member struct {
	Key   string
	Value any
}

// Get returns the value of the member named key. It scans the members:
// the objects of a record have a handful.
func (o Object) Get(key string) (any, bool) {
	for i := range o {
		if o[i].Key == key {
			return o[i].Value, true
		}
	}
	return nil, false
}

// Field returns the member key of v when v is an object of either form (a
// map[string]any or an Object); found is false when v is no object or has
// no such member.
func Field(v any, key string) (val any, found bool) {
	switch x := v.(type) {
	case map[string]any:
		val, found = x[key]
	case Object:
		val, found = x.Get(key)
	}
	return val, found
}

// ObjectLen returns the number of members of v when v is an object of
// either form; ok is false when it is none.
func ObjectLen(v any) (n int, ok bool) {
	switch x := v.(type) {
	case map[string]any:
		return len(x), true
	case Object:
		return len(x), true
	}
	return 0, false
}

// Maps returns v as DecodeJSON would have built it: every Object made a
// map[string]any, the arrays that hold one copied. A value without Objects
// (a map tree) is returned as it is, after a walk of its arrays only when
// its root is one.
func Maps(v any) any {
	out, _ := toMaps(v)
	return out
}

// toMaps is Maps, reporting whether anything was converted.
func toMaps(v any) (any, bool) {
	switch x := v.(type) {
	case Object:
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.Key], _ = toMaps(e.Value)
		}
		return m, true
	case []any:
		var out []any
		for i, e := range x {
			c, changed := toMaps(e)
			if changed && out == nil {
				out = make([]any, len(x))
				copy(out, x[:i])
			}
			if out != nil {
				out[i] = c
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	}
	return v, false
}
