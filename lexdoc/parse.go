package lexdoc

import (
	"fmt"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
)

// parser turns one decoded lexicon document into schemas. It checks what
// compiling needs (known types, JSON types of fields, parsable refs); the
// authoring rules are Lint's business. Fields that compiling does not need
// (the errors of endpoints, a body's description, permission sets) are read
// leniently: a value of the wrong JSON type is left out, and Lint reports it.
// So a document parses exactly when it can be compiled.
type parser struct {
	nsid syntax.NSID
	refs map[syntax.NSID]struct{}
}

func parseError(loc, format string, a ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalidLexicon, loc, fmt.Sprintf(format, a...))
}

func (p *parser) def(name string, v any) (Schema, error) {
	at := defLocation(string(p.nsid), name)
	loc := at.SchemaPath
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
	b := Base{desc: desc, at: at}
	switch typ {
	case TypeRecord:
		r := &Record{Base: b}
		if r.Key, err = reqString(m, "key", loc); err != nil {
			return nil, err
		}
		rv, ok := m["record"]
		if !ok {
			return nil, parseError(loc, "record definition needs a record schema")
		}
		// The record body's SchemaPath is the definition's own: errors read
		// "nsid#main/properties/text", not ".../record/properties/text".
		body, err := p.field(rv, at, "record")
		if err != nil {
			return nil, err
		}
		if r.Record, ok = body.(*Object); !ok {
			return nil, parseError(loc+"/record", "record schema must be an object, got type %s", body.Type())
		}
		return r, nil
	case TypeQuery:
		q := &Query{Base: b, Errors: endpointErrors(m)}
		if q.Parameters, err = p.parameters(m, at); err != nil {
			return nil, err
		}
		if q.Output, err = p.body(m, at, "output"); err != nil {
			return nil, err
		}
		return q, nil
	case TypeProcedure:
		q := &Procedure{Base: b, Errors: endpointErrors(m)}
		if q.Parameters, err = p.parameters(m, at); err != nil {
			return nil, err
		}
		if q.Input, err = p.body(m, at, "input"); err != nil {
			return nil, err
		}
		if q.Output, err = p.body(m, at, "output"); err != nil {
			return nil, err
		}
		return q, nil
	case TypeSubscription:
		s := &Subscription{Base: b, Errors: endpointErrors(m)}
		if s.Parameters, err = p.parameters(m, at); err != nil {
			return nil, err
		}
		if s.Message, err = p.body(m, at, "message"); err != nil {
			return nil, err
		}
		return s, nil
	case TypePermissionSet:
		// Permission sets describe OAuth scopes, not data; nothing compiles
		// from them.
		return permissionSet(b, m), nil
	case TypeParams:
		return p.params(m, at)
	}
	return p.schema(m, at, typ)
}

// parameters parses the parameters of an endpoint; nil when absent.
func (p *parser) parameters(m map[string]any, def Location) (*Params, error) {
	pv, ok := m["parameters"]
	if !ok {
		return nil, nil
	}
	at := def.child("parameters")
	pm, ok := pv.(map[string]any)
	if !ok {
		return nil, parseError(at.SchemaPath, "parameters must be an object, got %s", datamodel.KindOf(pv))
	}
	typ, err := typeOf(pm, at.SchemaPath)
	if err != nil {
		return nil, err
	}
	if typ != TypeParams {
		return nil, parseError(at.SchemaPath, "parameters must have type params, got %s", typ)
	}
	return p.params(pm, at)
}

// body parses the input, output or message (field) of an endpoint; nil when
// absent.
func (p *parser) body(m map[string]any, def Location, field string) (*Body, error) {
	v, ok := m[field]
	if !ok {
		return nil, nil
	}
	at := def.child(field)
	loc := at.SchemaPath
	bm, ok := v.(map[string]any)
	if !ok {
		return nil, parseError(loc, "must be an object, got %s", datamodel.KindOf(v))
	}
	b := &Body{at: at}
	b.Description, _ = bm["description"].(string)
	var err error
	if b.Encoding, err = optString(bm, "encoding", loc); err != nil {
		return nil, err
	}
	if sv, ok := bm["schema"]; ok {
		// As with records, the body's own wrapper is elided from
		// SchemaPath.
		if b.Schema, err = p.field(sv, at, "schema"); err != nil {
			return nil, err
		}
		switch b.Schema.Type() {
		case TypeObject, TypeRef, TypeUnion:
		default:
			return nil, parseError(loc+"/schema", "body schema must be an object, ref or union, got type %s", b.Schema.Type())
		}
	} else if field == "message" {
		return nil, parseError(loc, "message needs a schema")
	}
	return b, nil
}

// field parses the schema in member sub of the schema or body at parent.
// The members "record" and "schema" are left out of SchemaPath.
func (p *parser) field(v any, parent Location, sub string) (Schema, error) {
	var at Location
	if sub == "record" || sub == "schema" {
		at = parent.elided(sub)
	} else {
		at = parent.child(sub)
	}
	return p.fieldAt(v, at, sub)
}

// fieldAt parses a nested schema at at, written in member sub.
func (p *parser) fieldAt(v any, at Location, sub string) (Schema, error) {
	m, ok := v.(map[string]any)
	if !ok {
		loc := at.SchemaPath
		if sub == "record" {
			loc += "/record"
		}
		return nil, parseError(loc, "schema must be an object, got %s", datamodel.KindOf(v))
	}
	typ, err := typeOf(m, at.SchemaPath)
	if err != nil {
		return nil, err
	}
	switch {
	case typ == TypeParams, typ == TypePermission:
		return nil, parseError(at.SchemaPath, "type %s cannot appear here", typ)
	case typ.IsPrimary():
		return nil, parseError(at.SchemaPath, "type %s can only be a definition", typ)
	}
	return p.schema(m, at, typ)
}

// schema parses the type-specific fields of a non-primary schema other than
// params.
func (p *parser) schema(m map[string]any, at Location, typ Type) (Schema, error) {
	loc := at.SchemaPath
	desc, err := optString(m, "description", loc)
	if err != nil {
		return nil, err
	}
	b := Base{desc: desc, at: at}
	switch typ {
	case TypeBoolean:
		s := &Boolean{Base: b}
		if s.Const, s.Default, err = constDefault(m, loc, "a boolean", func(v any) (bool, bool) { b, ok := v.(bool); return b, ok }); err != nil {
			return nil, err
		}
		return s, nil
	case TypeInteger:
		s := &Integer{Base: b}
		if s.Minimum, err = optInteger(m, "minimum", loc); err != nil {
			return nil, err
		}
		if s.Maximum, err = optInteger(m, "maximum", loc); err != nil {
			return nil, err
		}
		if s.Const, s.Default, err = constDefault(m, loc, "an integer", datamodel.Int64); err != nil {
			return nil, err
		}
		if ev, ok := m["enum"]; ok {
			arr, ok := ev.([]any)
			if !ok {
				return nil, parseError(loc, "enum must be an array of integers, got %s", datamodel.KindOf(ev))
			}
			s.Enum = make([]int64, len(arr))
			for i, e := range arr {
				x, ok := datamodel.Int64(e)
				if !ok {
					return nil, parseError(loc, "enum/%d must be an integer, got %s", i, datamodel.KindOf(e))
				}
				s.Enum[i] = x
			}
		}
		return s, nil
	case TypeString:
		s := &String{Base: b}
		if s.Format, err = optString(m, "format", loc); err != nil {
			return nil, err
		}
		for _, f := range []struct {
			name string
			dst  *Optional[int64]
		}{{"minLength", &s.MinLength}, {"maxLength", &s.MaxLength}, {"minGraphemes", &s.MinGraphemes}, {"maxGraphemes", &s.MaxGraphemes}} {
			if *f.dst, err = optCount(m, f.name, loc); err != nil {
				return nil, err
			}
		}
		if s.Const, s.Default, err = constDefault(m, loc, "a string", func(v any) (string, bool) { s, ok := v.(string); return s, ok }); err != nil {
			return nil, err
		}
		if s.Enum, err = optStrings(m, "enum", loc); err != nil {
			return nil, err
		}
		if s.KnownValues, err = optStrings(m, "knownValues", loc); err != nil {
			return nil, err
		}
		return s, nil
	case TypeBytes:
		s := &Bytes{Base: b}
		if s.MinLength, err = optCount(m, "minLength", loc); err != nil {
			return nil, err
		}
		if s.MaxLength, err = optCount(m, "maxLength", loc); err != nil {
			return nil, err
		}
		return s, nil
	case TypeCIDLink:
		return &CIDLink{Base: b}, nil
	case TypeToken:
		return &Token{Base: b}, nil
	case TypeUnknown:
		return &Unknown{Base: b}, nil
	case TypeBlob:
		s := &Blob{Base: b}
		if s.Accept, err = optStrings(m, "accept", loc); err != nil {
			return nil, err
		}
		if s.MaxSize, err = optCount(m, "maxSize", loc); err != nil {
			return nil, err
		}
		return s, nil
	case TypeArray:
		s := &Array{Base: b}
		iv, ok := m["items"]
		if !ok {
			return nil, parseError(loc, "array needs items")
		}
		if s.Items, err = p.field(iv, at, "items"); err != nil {
			return nil, err
		}
		if s.MinLength, err = optCount(m, "minLength", loc); err != nil {
			return nil, err
		}
		if s.MaxLength, err = optCount(m, "maxLength", loc); err != nil {
			return nil, err
		}
		return s, nil
	case TypeObject:
		s := &Object{Base: b}
		if s.Required, err = optStrings(m, "required", loc); err != nil {
			return nil, err
		}
		if s.Nullable, err = optStrings(m, "nullable", loc); err != nil {
			return nil, err
		}
		if s.Properties, err = p.properties(m, at); err != nil {
			return nil, err
		}
		return s, nil
	case TypeRef:
		s := &Ref{Base: b}
		r, err := reqString(m, "ref", loc)
		if err != nil {
			return nil, err
		}
		if s.Ref, err = p.parseRef(r, loc+"/ref"); err != nil {
			return nil, err
		}
		return s, nil
	case TypeUnion:
		s := &Union{Base: b}
		rv, ok := m["refs"]
		if !ok {
			return nil, parseError(loc, "union needs refs")
		}
		arr, ok := rv.([]any)
		if !ok {
			return nil, parseError(loc, "refs must be an array of strings, got %s", datamodel.KindOf(rv))
		}
		s.Refs = make([]DefRef, len(arr))
		for i, e := range arr {
			r, ok := e.(string)
			if !ok {
				return nil, parseError(loc, "refs/%d must be a string, got %s", i, datamodel.KindOf(e))
			}
			if s.Refs[i], err = p.parseRef(r, fmt.Sprintf("%s/refs/%d", loc, i)); err != nil {
				return nil, err
			}
		}
		if cv, ok := m["closed"]; ok {
			if s.Closed, ok = cv.(bool); !ok {
				return nil, parseError(loc, "closed must be a boolean, got %s", datamodel.KindOf(cv))
			}
		}
		return s, nil
	}
	return nil, parseError(loc, "unknown type %q", typ)
}

// params parses a params schema (the parameters of an endpoint, or a
// definition of type params, which Lint reports).
func (p *parser) params(m map[string]any, at Location) (*Params, error) {
	desc, err := optString(m, "description", at.SchemaPath)
	if err != nil {
		return nil, err
	}
	s := &Params{Base: Base{desc: desc, at: at}}
	if s.Required, err = optStrings(m, "required", at.SchemaPath); err != nil {
		return nil, err
	}
	if s.Properties, err = p.properties(m, at); err != nil {
		return nil, err
	}
	return s, nil
}

// constDefault reads the const and default of a boolean, integer or string
// schema, which must have its type (want names it; conv converts a value of
// it).
func constDefault[T any](m map[string]any, loc, want string, conv func(any) (T, bool)) (c, d Optional[T], err error) {
	if c, err = optValue(m, "const", loc, want, conv); err != nil {
		return c, d, err
	}
	d, err = optValue(m, "default", loc, want, conv)
	return c, d, err
}

// optValue reads member name of m with conv; want names what conv accepts.
func optValue[T any](m map[string]any, name, loc, want string, conv func(any) (T, bool)) (Optional[T], error) {
	v, ok := m[name]
	if !ok {
		return Optional[T]{}, nil
	}
	x, ok := conv(v)
	if !ok {
		return Optional[T]{}, parseError(loc, "%s must be %s, got %s", name, want, datamodel.KindOf(v))
	}
	return Optional[T]{Value: x, Set: true}, nil
}

// properties parses the properties of an object or params schema at at, nil
// when absent.
func (p *parser) properties(m map[string]any, at Location) (Properties, error) {
	pv, ok := m["properties"]
	if !ok {
		return nil, nil
	}
	pm, ok := pv.(map[string]any)
	if !ok {
		return nil, parseError(at.SchemaPath, "properties must be an object, got %s", datamodel.KindOf(pv))
	}
	props := make(Properties, 0, len(pm))
	for name := range pm {
		props = append(props, Property{Name: name})
	}
	sortProperties(props)
	for i := range props {
		name := props[i].Name
		child, err := p.fieldAt(pm[name], at.property(datamodel.EscapePointerToken(name)), "properties")
		if err != nil {
			return nil, err
		}
		props[i].Schema = child
	}
	return props, nil
}

// parseRef resolves a ref as written in the document: "#name" is local.
func (p *parser) parseRef(s, loc string) (DefRef, error) {
	if name, ok := strings.CutPrefix(s, "#"); ok {
		if !ValidDefName(name) {
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

// endpointErrors reads the errors of a query, procedure or subscription,
// leniently: entries that are no object with a string name are left out.
func endpointErrors(m map[string]any) []EndpointError {
	arr, _ := m["errors"].([]any)
	var out []EndpointError
	for _, e := range arr {
		em, _ := e.(map[string]any)
		if name, ok := em["name"].(string); ok {
			desc, _ := em["description"].(string)
			out = append(out, EndpointError{Name: name, Description: desc})
		}
	}
	return out
}

// permissionSet reads a permission set, leniently (see Permission).
func permissionSet(b Base, m map[string]any) *PermissionSet {
	s := &PermissionSet{Base: b}
	s.Title, _ = m["title"].(string)
	s.Detail, _ = m["detail"].(string)
	s.TitleLang = stringMap(m["title:lang"])
	s.DetailLang = stringMap(m["detail:lang"])
	arr, _ := m["permissions"].([]any)
	for i, e := range arr {
		pm, _ := e.(map[string]any)
		if pm["type"] != string(TypePermission) {
			continue
		}
		desc, _ := pm["description"].(string)
		perm := &Permission{Base: Base{desc: desc, at: b.at.child(fmt.Sprintf("permissions/%d", i))}}
		perm.Resource, _ = pm["resource"].(string)
		perm.Collection = stringsOf(pm["collection"])
		perm.Action = stringsOf(pm["action"])
		perm.LXM = stringsOf(pm["lxm"])
		perm.Aud, _ = pm["aud"].(string)
		perm.InheritAud, _ = pm["inheritAud"].(bool)
		s.Permissions = append(s.Permissions, perm)
	}
	return s
}

// stringsOf returns the strings of an array, nil when v is no array.
func stringsOf(v any) []string {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// stringMap returns the string values of an object, nil when v is none.
func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		if s, ok := e.(string); ok {
			out[k] = s
		}
	}
	return out
}

func typeOf(m map[string]any, loc string) (Type, error) {
	tv, ok := m["type"]
	if !ok {
		return "", parseError(loc, "schema has no type")
	}
	t, ok := tv.(string)
	if !ok {
		return "", parseError(loc, "type must be a string, got %s", datamodel.KindOf(tv))
	}
	if !Type(t).Known() {
		return "", parseError(loc, "unknown type %q", t)
	}
	return Type(t), nil
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

func optInteger(m map[string]any, name, loc string) (Optional[int64], error) {
	v, ok := m[name]
	if !ok {
		return Optional[int64]{}, nil
	}
	x, ok := datamodel.Int64(v)
	if !ok {
		return Optional[int64]{}, parseError(loc, "%s must be an integer, got %s", name, datamodel.KindOf(v))
	}
	return Optional[int64]{Value: x, Set: true}, nil
}

// optCount is optInteger for lengths and sizes, which cannot be negative.
func optCount(m map[string]any, name, loc string) (Optional[int64], error) {
	o, err := optInteger(m, name, loc)
	if err == nil && o.Set && o.Value < 0 {
		return Optional[int64]{}, parseError(loc, "%s must not be negative, got %d", name, o.Value)
	}
	return o, err
}
