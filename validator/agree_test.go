package validator

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestFastAgreesCorpus holds the fast path to v5 across the real lexicons:
// for every target of every definition it builds a value from the lexicon
// (every property present, so unions, refs and formats are reached), then
// damages it one position at a time, with data-model errors (a float, an
// integer beyond 64 bits, a malformed $link, a $type that is no string) and
// schema errors (a wrong kind, null, a missing field, an unknown or
// #main-suffixed $type), and checks that both evaluators give each value the
// same verdict.
func TestFastAgreesCorpus(t *testing.T) {
	c := corpusCompiler(t)
	cat := c.Catalog()
	values := 0
	for _, doc := range cat.Documents() {
		names := slices.Sorted(maps.Keys(doc.Defs))
		for _, name := range names {
			ref := DefRef{NSID: doc.ID, Name: name}
			for _, target := range doc.Targets(name) {
				s, err := c.Compile(ref, target, Options{})
				if err != nil {
					t.Fatalf("Compile(%s, %s): %v", ref, target, err)
				}
				root := targetNode(s.unit.def.node, target)
				if root == nil {
					continue
				}
				g := sampler{cat: cat}
				v := g.value(root, 0)
				if target == TargetRecord {
					v.(map[string]any)["$type"] = string(ref.NSID)
				}
				t.Run(ref.String()+"/"+string(target), func(t *testing.T) {
					values++
					// A value built to meet the lexicon is valid: else this
					// test would check little but refusals.
					if r := s.Validate(v); !r.Valid {
						t.Errorf("the value built from the lexicon is invalid: %v", r.Errors)
					}
					checkFastAgrees(t, s, v)
					for _, m := range mutants(v, 16) {
						values++
						checkFastAgrees(t, s, m)
					}
				})
			}
		}
	}
	t.Logf("%d values checked", values)
}

// targetNode is the lexicon node a target checks.
func targetNode(n *node, target Target) *node {
	body := func(b *body) *node {
		if b == nil {
			return nil
		}
		return b.schema
	}
	switch target {
	case TargetRecord:
		return n.record
	case TargetParams:
		return n.parameters
	case TargetInput:
		return body(n.input)
	case TargetOutput:
		return body(n.output)
	case TargetMessage:
		return body(n.message)
	}
	return n
}

// sampler builds a value for a lexicon node: the const or first enum value,
// lengths and bounds at their minimum, formats with a valid example, every
// property present, the first variant of a union. Past a depth it stops
// adding optional properties and array items, so recursive definitions end.
type sampler struct{ cat *Catalog }

const (
	sampleCID   = "bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a"
	sampleDepth = 6
)

var sampleFormats = map[string]string{
	"at-identifier": "alice.test",
	"at-uri":        "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3jzfcijpj2z2a",
	"cid":           sampleCID,
	"datetime":      "2024-11-26T12:00:00.000Z",
	"did":           "did:plc:ewvi7nxzyoun6zhxrhs64oiz",
	"handle":        "alice.test",
	"language":      "en",
	"nsid":          "com.example.thing",
	"record-key":    "self",
	"tid":           "3jzfcijpj2z2a",
	"uri":           "https://example.com/a",
}

func (g sampler) value(n *node, depth int) any {
	switch n.typ {
	case typeBoolean:
		if n.constVal != nil {
			return n.constVal
		}
		return true
	case typeInteger:
		return json.Number(itoa(g.integer(n)))
	case typeString:
		return g.string(n)
	case typeBytes:
		return map[string]any{"$bytes": base64.RawStdEncoding.EncodeToString(make([]byte, max(n.minLength.v, 0)))}
	case typeCIDLink:
		return map[string]any{"$link": sampleCID}
	case typeBlob:
		mime := "image/png"
		if len(n.accept) > 0 && n.accept[0] != "*/*" {
			mime = strings.Replace(n.accept[0], "*", "x", 1)
		}
		return map[string]any{"$type": "blob", "ref": map[string]any{"$link": sampleCID}, "mimeType": mime, "size": json.Number("1")}
	case typeArray:
		count := max(n.minLength.v, 1)
		if n.maxLength.set && count > n.maxLength.v || depth >= sampleDepth && n.minLength.v == 0 {
			count = min(n.minLength.v, count)
		}
		a := make([]any, count)
		for i := range a {
			a[i] = g.value(n.items, depth+1)
		}
		return a
	case typeObject, typeParams:
		m := map[string]any{}
		for _, name := range n.propNames {
			if depth >= sampleDepth && !n.isRequired(name) {
				continue
			}
			m[name] = g.value(n.properties[name], depth+1)
		}
		return m
	case typeRef:
		if def, ok := g.cat.def(n.ref); ok && def.node != nil {
			if def.Type == typeRecord {
				m, _ := g.value(def.node.record, depth+1).(map[string]any)
				m["$type"] = n.ref.String()
				return m
			}
			return g.value(def.node, depth+1)
		}
	case typeUnion:
		for _, r := range n.refs {
			def, ok := g.cat.def(r)
			if !ok || def.node == nil || !isVariantType(def.Type) {
				continue
			}
			vn := def.node
			if def.Type == typeRecord {
				vn = vn.record
			}
			m, _ := g.value(vn, depth+1).(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			m["$type"] = r.String()
			return m
		}
		return map[string]any{"$type": "com.example.unlisted"}
	case typeUnknown:
		return map[string]any{"note": "anything"}
	}
	return nil
}

func (g sampler) integer(n *node) int64 {
	switch {
	case n.constVal != nil:
		i, _ := n.constVal.(int64)
		return i
	case len(n.intEnum) > 0:
		return n.intEnum[0]
	case n.minimum.set:
		return n.minimum.v
	case n.maximum.set && n.maximum.v < 0:
		return n.maximum.v
	}
	return 0
}

func (g sampler) string(n *node) string {
	if s, ok := n.constVal.(string); ok {
		return s
	}
	if len(n.strEnum) > 0 {
		return n.strEnum[0]
	}
	if len(n.knownValues) > 0 {
		return n.knownValues[0]
	}
	s := sampleFormats[n.format]
	if want := max(n.minLength.v, n.minGraphemes.v); int64(len(s)) < want {
		s += strings.Repeat("a", int(want)-len(s))
	}
	return s
}

// mutants returns copies of v, each damaged at one position, for at most
// limit positions spread over the value (each position with the next kind of
// damage), plus one with a float in a field no lexicon declares.
func mutants(v any, limit int) []any {
	var paths [][]any
	collectPaths(v, nil, &paths)
	step := max(1, len(paths)/limit)
	var out []any
	if _, ok := v.(map[string]any); ok {
		out = append(out, replaceAt(v, []any{"undeclared"}, func(any) any { return json.Number("1.5") }))
	}
	damages := []func(any) any{
		func(any) any { return json.Number("1.5") },
		func(any) any { return json.Number("9223372036854775808") },
		func(any) any { return json.Number("-9223372036854775809") },
		func(any) any { return "x" },
		func(any) any { return nil },
		func(any) any { return map[string]any{"$link": "not a cid"} },
		func(x any) any {
			m, ok := x.(map[string]any)
			if !ok {
				return []any{x}
			}
			m = maps.Clone(m)
			if _, typed := m["$type"]; typed {
				m["$type"] = json.Number("7")
			} else if keys := slices.Sorted(maps.Keys(m)); len(keys) > 0 {
				delete(m, keys[0])
			}
			return m
		},
		func(x any) any {
			m, ok := x.(map[string]any)
			if !ok {
				return x
			}
			m = maps.Clone(m)
			if t, ok := m["$type"].(string); ok {
				m["$type"] = t + "#main"
			} else {
				m["$type"] = "com.example.unlisted#thing"
			}
			return m
		},
	}
	for i, d := 0, 0; i < len(paths); i, d = i+step, d+1 {
		out = append(out, replaceAt(v, paths[i], damages[d%len(damages)]))
	}
	return out
}

// collectPaths lists the path of every position in v (object keys in order).
func collectPaths(v any, path []any, out *[][]any) {
	*out = append(*out, slices.Clone(path))
	switch x := v.(type) {
	case map[string]any:
		keys := slices.Collect(maps.Keys(x))
		sort.Strings(keys)
		for _, k := range keys {
			collectPaths(x[k], append(path, k), out)
		}
	case []any:
		for i, e := range x {
			collectPaths(e, append(path, i), out)
		}
	}
}

// replaceAt returns a copy of v with the value at path replaced by
// damage(old); the containers on the path are copied, v is left alone.
func replaceAt(v any, path []any, damage func(any) any) any {
	if len(path) == 0 {
		return damage(v)
	}
	switch x := v.(type) {
	case map[string]any:
		c := maps.Clone(x)
		k := path[0].(string)
		c[k] = replaceAt(x[k], path[1:], damage)
		return c
	case []any:
		c := slices.Clone(x)
		i := path[0].(int)
		c[i] = replaceAt(x[i], path[1:], damage)
		return c
	}
	return v
}
