package validator

import (
	"encoding/base64"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/lexval/lexval/lexdoc"
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
			ref := lexdoc.DefRef{NSID: doc.ID, Name: name}
			for _, target := range Targets(doc, name) {
				s, err := c.Compile(ref, target, Options{})
				if err != nil {
					t.Fatalf("Compile(%s, %s): %v", ref, target, err)
				}
				root := targetNode(s.unit.def, target)
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

// targetNode is the lexicon schema a target checks.
func targetNode(def lexdoc.Schema, target Target) lexdoc.Schema {
	params, input, output, message := endpoint(def)
	body := func(b *lexdoc.Body) lexdoc.Schema {
		if b == nil {
			return nil
		}
		return b.Schema
	}
	switch target {
	case TargetRecord:
		return def.(*lexdoc.Record).Record
	case TargetParams:
		if params == nil {
			return nil
		}
		return params
	case TargetInput:
		return body(input)
	case TargetOutput:
		return body(output)
	case TargetMessage:
		return body(message)
	}
	return def
}

// sampler builds a value for a lexicon node: the const or first enum value,
// lengths and bounds at their minimum, formats with a valid example, every
// property present, the first variant of a union. Past a depth it stops
// adding optional properties and array items, so recursive definitions end.
type sampler struct{ cat *lexdoc.Catalog }

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

func (g sampler) value(n lexdoc.Schema, depth int) any {
	switch n := n.(type) {
	case *lexdoc.Boolean:
		if n.Const.Set {
			return n.Const.Value
		}
		return true
	case *lexdoc.Integer:
		return json.Number(itoa(g.integer(n)))
	case *lexdoc.String:
		return g.string(n)
	case *lexdoc.Bytes:
		return map[string]any{"$bytes": base64.RawStdEncoding.EncodeToString(make([]byte, max(n.MinLength.Value, 0)))}
	case *lexdoc.CIDLink:
		return map[string]any{"$link": sampleCID}
	case *lexdoc.Blob:
		mime := "image/png"
		if len(n.Accept) > 0 && n.Accept[0] != "*/*" {
			mime = strings.Replace(n.Accept[0], "*", "x", 1)
		}
		return map[string]any{"$type": "blob", "ref": map[string]any{"$link": sampleCID}, "mimeType": mime, "size": json.Number("1")}
	case *lexdoc.Array:
		count := max(n.MinLength.Value, 1)
		if n.MaxLength.Set && count > n.MaxLength.Value || depth >= sampleDepth && n.MinLength.Value == 0 {
			count = min(n.MinLength.Value, count)
		}
		a := make([]any, count)
		for i := range a {
			a[i] = g.value(n.Items, depth+1)
		}
		return a
	case *lexdoc.Object:
		return g.properties(n.Properties, n.IsRequired, depth)
	case *lexdoc.Params:
		return g.properties(n.Properties, n.IsRequired, depth)
	case *lexdoc.Ref:
		if def, ok := g.cat.Lookup(n.Ref); ok {
			if rec, ok := def.(*lexdoc.Record); ok {
				m, _ := g.value(rec.Record, depth+1).(map[string]any)
				m["$type"] = n.Ref.String()
				return m
			}
			return g.value(def, depth+1)
		}
	case *lexdoc.Union:
		for _, r := range n.Refs {
			def, ok := g.cat.Lookup(r)
			if !ok || !def.Type().IsVariant() {
				continue
			}
			if rec, ok := def.(*lexdoc.Record); ok {
				def = rec.Record
			}
			m, _ := g.value(def, depth+1).(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			m["$type"] = r.String()
			return m
		}
		return map[string]any{"$type": "com.example.unlisted"}
	case *lexdoc.Unknown:
		return map[string]any{"note": "anything"}
	}
	return nil
}

func (g sampler) properties(props lexdoc.Properties, required func(string) bool, depth int) map[string]any {
	m := map[string]any{}
	for _, p := range props {
		if depth >= sampleDepth && !required(p.Name) {
			continue
		}
		m[p.Name] = g.value(p.Schema, depth+1)
	}
	return m
}

func (g sampler) integer(n *lexdoc.Integer) int64 {
	switch {
	case n.Const.Set:
		return n.Const.Value
	case len(n.Enum) > 0:
		return n.Enum[0]
	case n.Minimum.Set:
		return n.Minimum.Value
	case n.Maximum.Set && n.Maximum.Value < 0:
		return n.Maximum.Value
	}
	return 0
}

func (g sampler) string(n *lexdoc.String) string {
	if n.Const.Set {
		return n.Const.Value
	}
	if len(n.Enum) > 0 {
		return n.Enum[0]
	}
	if len(n.KnownValues) > 0 {
		return n.KnownValues[0]
	}
	s := sampleFormats[n.Format]
	if want := max(n.MinLength.Value, n.MinGraphemes.Value); int64(len(s)) < want {
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
