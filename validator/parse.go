package validator

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
)

// parser turns one decoded lexicon document into nodes. It checks what
// compiling needs (known types, JSON types of fields, parsable refs); the
// authoring rules are Lint's business.
type parser struct {
	nsid syntax.NSID
	refs map[syntax.NSID]struct{}
}

func parseError(loc, format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalidLexicon, loc, fmt.Sprintf(format, a...))
}

func (p *parser) def(name string, v any) (*Def, error) {
	loc := string(p.nsid) + "#" + name
	m, ok := v.(map[string]any)
	if !ok {
		return nil, parseError(loc, "definition must be an object, got %s", datamodel.KindOf(v))
	}
	typ, err := typeOf(m, loc)
	if err != nil {
		return nil, err
	}
	desc, err := optString(m, "description", loc)
	if err != nil {
		return nil, err
	}
	d := &Def{Name: name, Type: typ, Description: desc}
	n := &node{typ: typ, loc: loc, description: desc}
	switch typ {
	case typeRecord:
		if n.key, err = reqString(m, "key", loc); err != nil {
			return nil, err
		}
		rv, ok := m["record"]
		if !ok {
			return nil, parseError(loc, "record definition needs a record schema")
		}
		// The record body's location is the definition's own: errors read
		// "nsid#main/properties/text", not ".../record/properties/text".
		if n.record, err = p.field(rv, loc, "record"); err != nil {
			return nil, err
		}
		if n.record.typ != typeObject {
			return nil, parseError(loc+"/record", "record schema must be an object, got type %s", n.record.typ)
		}
	case typeQuery, typeProcedure, typeSubscription:
		if pv, ok := m["parameters"]; ok {
			if n.parameters, err = p.params(pv, loc+"/parameters"); err != nil {
				return nil, err
			}
		}
		bodies := []struct {
			field string
			dst   **body
			ok    bool
		}{
			{"input", &n.input, typ == typeProcedure},
			{"output", &n.output, typ != typeSubscription},
			{"message", &n.message, typ == typeSubscription},
		}
		for _, b := range bodies {
			bv, present := m[b.field]
			if !present || !b.ok {
				continue
			}
			if *b.dst, err = p.body(bv, loc+"/"+b.field, b.field == "message"); err != nil {
				return nil, err
			}
		}
	case typePermissionSet:
		// Permission sets describe OAuth scopes, not data; nothing compiles
		// from them.
	case typeParams:
		if n, err = p.params(m, loc); err != nil {
			return nil, err
		}
	default:
		if n, err = p.schema(m, loc, typ); err != nil {
			return nil, err
		}
	}
	d.node = n
	return d, nil
}

func (p *parser) body(v any, loc string, isMessage bool) (*body, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, parseError(loc, "must be an object, got %s", datamodel.KindOf(v))
	}
	b := &body{}
	var err error
	if b.encoding, err = optString(m, "encoding", loc); err != nil {
		return nil, err
	}
	if sv, ok := m["schema"]; ok {
		// As with records, the body's own wrapper is elided from locations.
		if b.schema, err = p.field(sv, loc, ""); err != nil {
			return nil, err
		}
		switch b.schema.typ {
		case typeObject, typeRef, typeUnion:
		default:
			return nil, parseError(loc+"/schema", "body schema must be an object, ref or union, got type %s", b.schema.typ)
		}
	} else if isMessage {
		return nil, parseError(loc, "message needs a schema")
	}
	return b, nil
}

// field parses a nested schema. sub is the JSON field holding it, dropped from
// the location when empty.
func (p *parser) field(v any, loc, sub string) (*node, error) {
	m, ok := v.(map[string]any)
	if !ok {
		if sub != "" {
			loc += "/" + sub
		}
		return nil, parseError(loc, "schema must be an object, got %s", datamodel.KindOf(v))
	}
	if sub != "" && sub != "record" {
		loc += "/" + sub
	}
	typ, err := typeOf(m, loc)
	if err != nil {
		return nil, err
	}
	switch typ {
	case typeParams, typePermission:
		return nil, parseError(loc, "type %s cannot appear here", typ)
	}
	if isPrimaryType(typ) {
		return nil, parseError(loc, "type %s can only be a definition", typ)
	}
	return p.schema(m, loc, typ)
}

func (p *parser) params(v any, loc string) (*node, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, parseError(loc, "parameters must be an object, got %s", datamodel.KindOf(v))
	}
	typ, err := typeOf(m, loc)
	if err != nil {
		return nil, err
	}
	if typ != typeParams {
		return nil, parseError(loc, "parameters must have type params, got %s", typ)
	}
	return p.schema(m, loc, typ)
}

// schema parses the type-specific fields of a non-primary schema.
func (p *parser) schema(m map[string]any, loc, typ string) (*node, error) {
	n := &node{typ: typ, loc: loc}
	var err error
	if n.description, err = optString(m, "description", loc); err != nil {
		return nil, err
	}
	switch typ {
	case typeBoolean:
		if err := constDefault(n, m, "a boolean", func(v any) (any, bool) { b, ok := v.(bool); return b, ok }); err != nil {
			return nil, err
		}
	case typeInteger:
		if n.minimum, err = optInteger(m, "minimum", loc); err != nil {
			return nil, err
		}
		if n.maximum, err = optInteger(m, "maximum", loc); err != nil {
			return nil, err
		}
		if err := constDefault(n, m, "an integer", func(v any) (any, bool) { x, ok := datamodel.Int64(v); return x, ok }); err != nil {
			return nil, err
		}
		if ev, ok := m["enum"]; ok {
			arr, ok := ev.([]any)
			if !ok {
				return nil, parseError(loc, "enum must be an array of integers, got %s", datamodel.KindOf(ev))
			}
			n.hasEnum = true
			n.intEnum = make([]int64, len(arr))
			for i, e := range arr {
				x, ok := datamodel.Int64(e)
				if !ok {
					return nil, parseError(loc, "enum/%d must be an integer, got %s", i, datamodel.KindOf(e))
				}
				n.intEnum[i] = x
			}
		}
	case typeString:
		if n.format, err = optString(m, "format", loc); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			name string
			dst  *optInt
		}{{"minLength", &n.minLength}, {"maxLength", &n.maxLength}, {"minGraphemes", &n.minGraphemes}, {"maxGraphemes", &n.maxGraphemes}} {
			if *f.dst, err = optCount(m, f.name, loc); err != nil {
				return nil, err
			}
		}
		if err := constDefault(n, m, "a string", func(v any) (any, bool) { s, ok := v.(string); return s, ok }); err != nil {
			return nil, err
		}
		if _, ok := m["enum"]; ok {
			n.hasEnum = true
			if n.strEnum, err = optStrings(m, "enum", loc); err != nil {
				return nil, err
			}
		}
		if n.knownValues, err = optStrings(m, "knownValues", loc); err != nil {
			return nil, err
		}
	case typeBytes:
		if n.minLength, err = optCount(m, "minLength", loc); err != nil {
			return nil, err
		}
		if n.maxLength, err = optCount(m, "maxLength", loc); err != nil {
			return nil, err
		}
	case typeCIDLink, typeToken, typeUnknown:
	case typeBlob:
		if n.accept, err = optStrings(m, "accept", loc); err != nil {
			return nil, err
		}
		if n.maxSize, err = optCount(m, "maxSize", loc); err != nil {
			return nil, err
		}
	case typeArray:
		iv, ok := m["items"]
		if !ok {
			return nil, parseError(loc, "array needs items")
		}
		if n.items, err = p.field(iv, loc, "items"); err != nil {
			return nil, err
		}
		if n.minLength, err = optCount(m, "minLength", loc); err != nil {
			return nil, err
		}
		if n.maxLength, err = optCount(m, "maxLength", loc); err != nil {
			return nil, err
		}
	case typeObject, typeParams:
		if err := p.properties(n, m); err != nil {
			return nil, err
		}
	case typeRef:
		s, err := reqString(m, "ref", loc)
		if err != nil {
			return nil, err
		}
		if n.ref, err = p.parseRef(s, loc+"/ref"); err != nil {
			return nil, err
		}
	case typeUnion:
		rv, ok := m["refs"]
		if !ok {
			return nil, parseError(loc, "union needs refs")
		}
		arr, ok := rv.([]any)
		if !ok {
			return nil, parseError(loc, "refs must be an array of strings, got %s", datamodel.KindOf(rv))
		}
		n.refs = make([]DefRef, len(arr))
		for i, e := range arr {
			s, ok := e.(string)
			if !ok {
				return nil, parseError(loc, "refs/%d must be a string, got %s", i, datamodel.KindOf(e))
			}
			if n.refs[i], err = p.parseRef(s, fmt.Sprintf("%s/refs/%d", loc, i)); err != nil {
				return nil, err
			}
		}
		if cv, ok := m["closed"]; ok {
			b, ok := cv.(bool)
			if !ok {
				return nil, parseError(loc, "closed must be a boolean, got %s", datamodel.KindOf(cv))
			}
			n.closed = b
		}
	default:
		return nil, parseError(loc, "unknown type %q", typ)
	}
	return n, nil
}

// constDefault reads the const of a boolean, integer or string node and checks
// that its default has the node's type too (want names it; conv converts a
// value of it). The default is not kept: it sets no rule a value can break.
func constDefault(n *node, m map[string]any, want string, conv func(any) (any, bool)) error {
	for _, name := range []string{"const", "default"} {
		v, ok := m[name]
		if !ok {
			continue
		}
		x, ok := conv(v)
		if !ok {
			return parseError(n.loc, "%s must be %s, got %s", name, want, datamodel.KindOf(v))
		}
		if name == "const" {
			n.constVal = x
		}
	}
	return nil
}

func (p *parser) properties(n *node, m map[string]any) error {
	loc := n.loc
	var err error
	if n.required, err = optStrings(m, "required", loc); err != nil {
		return err
	}
	if n.typ == typeObject {
		if n.nullable, err = optStrings(m, "nullable", loc); err != nil {
			return err
		}
	}
	pv, ok := m["properties"]
	if !ok {
		return nil
	}
	pm, ok := pv.(map[string]any)
	if !ok {
		return parseError(loc, "properties must be an object, got %s", datamodel.KindOf(pv))
	}
	n.properties = make(map[string]*node, len(pm))
	n.propNames = make([]string, 0, len(pm))
	for name := range pm {
		n.propNames = append(n.propNames, name)
	}
	sort.Strings(n.propNames)
	for _, name := range n.propNames {
		child, err := p.field(pm[name], loc, "properties/"+datamodel.EscapePointerToken(name))
		if err != nil {
			return err
		}
		n.properties[name] = child
	}
	return nil
}

// parseRef resolves a ref as written in the document: "#name" is local.
func (p *parser) parseRef(s, loc string) (DefRef, error) {
	if name, ok := strings.CutPrefix(s, "#"); ok {
		if !validDefName(name) {
			return DefRef{}, parseError(loc, "invalid reference %q", s)
		}
		return DefRef{NSID: p.nsid, Name: name}, nil
	}
	r, err := ParseDefRef(s)
	if err != nil {
		return DefRef{}, parseError(loc, "invalid reference %q", s)
	}
	if r.NSID != p.nsid {
		p.refs[r.NSID] = struct{}{}
	}
	return r, nil
}

func typeOf(m map[string]any, loc string) (string, error) {
	tv, ok := m["type"]
	if !ok {
		return "", parseError(loc, "schema has no type")
	}
	t, ok := tv.(string)
	if !ok {
		return "", parseError(loc, "type must be a string, got %s", datamodel.KindOf(tv))
	}
	switch t {
	case typeBoolean, typeInteger, typeString, typeBytes, typeCIDLink, typeBlob, typeArray, typeObject,
		typeParams, typePermission, typeToken, typeRef, typeUnion, typeUnknown,
		typeRecord, typeQuery, typeProcedure, typeSubscription, typePermissionSet:
		return t, nil
	}
	return "", parseError(loc, "unknown type %q", t)
}

func optString(m map[string]any, name, loc string) (string, error) {
	v, ok := m[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", parseError(loc, "%s must be a string, got %s", name, datamodel.KindOf(v))
	}
	return s, nil
}

func reqString(m map[string]any, name, loc string) (string, error) {
	if _, ok := m[name]; !ok {
		return "", parseError(loc, "%s is required", name)
	}
	return optString(m, name, loc)
}

func optStrings(m map[string]any, name, loc string) ([]string, error) {
	v, ok := m[name]
	if !ok {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, parseError(loc, "%s must be an array of strings, got %s", name, datamodel.KindOf(v))
	}
	out := make([]string, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			return nil, parseError(loc, "%s/%d must be a string, got %s", name, i, datamodel.KindOf(e))
		}
		out[i] = s
	}
	return out, nil
}

func optInteger(m map[string]any, name, loc string) (optInt, error) {
	v, ok := m[name]
	if !ok {
		return optInt{}, nil
	}
	x, ok := datamodel.Int64(v)
	if !ok {
		return optInt{}, parseError(loc, "%s must be an integer, got %s", name, datamodel.KindOf(v))
	}
	return optInt{v: x, set: true}, nil
}

// optCount is optInteger for lengths and sizes, which cannot be negative.
func optCount(m map[string]any, name, loc string) (optInt, error) {
	o, err := optInteger(m, name, loc)
	if err == nil && o.set && o.v < 0 {
		return optInt{}, parseError(loc, "%s must not be negative, got %d", name, o.v)
	}
	return o, err
}
