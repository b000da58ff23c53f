package lexdoc

import (
	"mime"
	"slices"
	"strings"
	"unicode"

	"github.com/lexval/lexval/datamodel"
)

// def checks one named definition.
func (l *linter) def(name string, v any) {
	if l.stopped() {
		return
	}
	path := member("/defs", name)
	l.loc = ""
	if l.id != "" {
		l.loc = string(l.id) + "#" + name
	}
	if !ValidDefName(name) {
		l.report(ruleInvalidDefName, path, "definition name %q is not valid: use letters, digits, '_' and '-', starting with a letter or '_'", name)
	} else {
		l.defName(path, name)
	}
	m, ok := v.(map[string]any)
	if !ok {
		l.report(ruleFieldType, path, "definition %s must be an object, got %s", name, datamodel.KindOf(v))
		return
	}
	typ, ok := l.typeOf(path, m)
	if !ok {
		return
	}
	switch {
	case typ.IsPrimary():
		// Lexicon spec, "Lexicon Files": a file has at most one primary
		// definition and it is named main; the interop fixtures treat any other
		// name as invalid.
		if name != "main" {
			l.report(rulePrimaryNotMain, member(path, "type"), "%s definition must be named main, not %q (a lexicon has at most one primary definition)", typ.WithArticle(), name)
		}
		l.primary(path, typ, m)
	case typ == TypeRef || typ == TypeUnion || typ == TypeUnknown || typ == TypeParams || typ == TypePermission:
		// "Not all types can be directly used as a definition. For example,
		// sub-types, unknown, ref, and union can not be used as named
		// definitions." The schema itself is still checked.
		l.report(ruleInvalidNamedDef, member(path, "type"), "%s cannot be a named definition; only data types, tokens and primary types can", typ.WithArticle())
		l.schemaOf(path, typ, m, placeDef)
	default:
		l.schema(path, m, placeDef)
	}
}

// typeOf returns the type of a schema object, reporting a missing or
// non-string type.
func (l *linter) typeOf(path string, m map[string]any) (Type, bool) {
	v, ok := m["type"]
	if !ok {
		l.report(ruleMissingField, member(path, "type"), "type is required")
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		l.report(ruleFieldType, member(path, "type"), "type must be a string, got %s", datamodel.KindOf(v))
		return "", false
	}
	return Type(s), true
}

// primary checks a record, query, procedure, subscription or permission-set
// definition.
func (l *linter) primary(path string, typ Type, m map[string]any) {
	switch typ {
	case TypeRecord:
		l.fields(path, m, "a record definition", "type", "description", "key", "record")
		l.optString(path, m, "description")
		l.describe(path, m, "the record")
		if v, ok := m["key"]; !ok {
			l.report(ruleMissingField, member(path, "key"), "key is required: the record key type (tid, nsid, any or literal:<key>)")
		} else if s, ok := v.(string); !ok || !validRecordKeyType(s) {
			l.report(ruleInvalidRecordKey, member(path, "key"), `key must be "tid", "nsid", "any" or "literal:<record key>", got %s`, datamodel.Describe(v))
		}
		if v, ok := m["record"]; !ok {
			l.report(ruleMissingField, member(path, "record"), "record is required: the object schema of the record")
		} else {
			l.inRecord = true
			l.schemaValue(member(path, "record"), v, placeRecord)
			l.inRecord = false
		}
	case TypeQuery, TypeProcedure, TypeSubscription:
		allowed := []string{"type", "description", "parameters", "output", "errors"}
		switch typ {
		case TypeProcedure:
			allowed = append(allowed, "input")
		case TypeSubscription:
			allowed = []string{"type", "description", "parameters", "message", "errors"}
		}
		l.fields(path, m, typ.WithArticle()+" definition", allowed...)
		l.optString(path, m, "description")
		l.describe(path, m, "the "+string(typ))
		if typ != TypeSubscription {
			l.endpointOutput(path, m, typ)
		}
		if v, ok := m["parameters"]; ok {
			l.schemaValue(member(path, "parameters"), v, placeParameters)
		}
		for _, b := range []string{"input", "output"} {
			if v, ok := m[b]; ok && (b == "output" && typ != TypeSubscription || b == "input" && typ == TypeProcedure) {
				l.body(member(path, b), v)
			}
		}
		if typ == TypeSubscription {
			if v, ok := m["message"]; !ok {
				l.report(ruleMissingField, member(path, "message"), "message is required: the schema of the subscription's messages")
			} else {
				l.message(member(path, "message"), v)
				if mm, ok := v.(map[string]any); ok {
					l.noMessages(member(path, "message"), mm)
				}
			}
		}
		if v, ok := m["errors"]; ok {
			l.errorList(member(path, "errors"), v)
		}
	case TypePermissionSet:
		l.permissionSet(path, m)
	}
}

// validRecordKeyType: "tid", "nsid", "any" or "literal:" and a record key
// (https://atproto.com/specs/record-key).
func validRecordKeyType(s string) bool {
	switch s {
	case "tid", "nsid", "any":
		return true
	}
	rkey, ok := strings.CutPrefix(s, "literal:")
	return ok && scanRecordKey(rkey)
}

// body checks the input or output of a query or procedure.
func (l *linter) body(path string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		l.report(ruleFieldType, path, "must be an object with encoding and an optional schema, got %s", datamodel.KindOf(v))
		return
	}
	l.fields(path, m, "a body", "description", "encoding", "schema")
	l.optString(path, m, "description")
	if ev, ok := m["encoding"]; !ok {
		l.report(ruleMissingField, member(path, "encoding"), "encoding is required: the MIME type of the body, e.g. application/json")
	} else if s, ok := ev.(string); !ok || !validEncoding(s) {
		l.report(ruleInvalidEncoding, member(path, "encoding"), "encoding must be a MIME type such as application/json, got %s", datamodel.Describe(ev))
	}
	if sv, ok := m["schema"]; ok {
		l.schemaValue(member(path, "schema"), sv, placeBody)
	}
}

// validEncoding: a MIME type "type/subtype" (either may be "*", as in the
// "*/*" of com.atproto.repo.uploadBlob), optionally with parameters.
func validEncoding(s string) bool {
	mediaType, _, err := mime.ParseMediaType(s)
	if err != nil {
		return false
	}
	typ, sub, ok := strings.Cut(mediaType, "/")
	return ok && typ != "" && sub != "" && !strings.Contains(sub, "/")
}

// message checks a subscription's message: its schema is required and must
// be a union ("Subscription schemas ... must be a union of refs, not an
// object type").
func (l *linter) message(path string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		l.report(ruleFieldType, path, "must be an object with a union schema, got %s", datamodel.KindOf(v))
		return
	}
	l.fields(path, m, "a subscription message", "description", "schema")
	l.optString(path, m, "description")
	if sv, ok := m["schema"]; !ok {
		l.report(ruleMissingField, member(path, "schema"), "schema is required: a union of the message types")
	} else {
		l.schemaValue(member(path, "schema"), sv, placeMessage)
	}
}

// errorList checks the errors of a query, procedure or subscription: objects
// with a name without whitespace and an optional description.
func (l *linter) errorList(path string, v any) {
	arr, ok := v.([]any)
	if !ok {
		l.report(ruleFieldType, path, "errors must be an array of {name, description} objects, got %s", datamodel.KindOf(v))
		return
	}
	var seen []string
	for i, e := range arr {
		p := index(path, i)
		m, ok := e.(map[string]any)
		if !ok {
			l.report(ruleFieldType, p, "errors entries must be objects with a name, got %s", datamodel.KindOf(e))
			continue
		}
		l.fields(p, m, "an error", "name", "description")
		l.optString(p, m, "description")
		nv, ok := m["name"]
		if !ok {
			l.report(ruleMissingField, member(p, "name"), "name is required")
			continue
		}
		name, ok := nv.(string)
		switch {
		case !ok:
			l.report(ruleFieldType, member(p, "name"), "name must be a string, got %s", datamodel.KindOf(nv))
		case name == "" || strings.ContainsFunc(name, unicode.IsSpace):
			l.report(ruleInvalidErrorName, member(p, "name"), "error name %q must be non-empty with no whitespace", name)
		case slices.Contains(seen, name):
			l.report(ruleDuplicateEntry, member(p, "name"), "error %s is listed more than once", name)
		}
		seen = append(seen, name)
	}
}
