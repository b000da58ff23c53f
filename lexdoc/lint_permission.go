package lexdoc

import (
	"slices"

	"github.com/lexval/lexval/datamodel"
)

// permissionSet checks a permission-set definition (Lexicon spec, "Permission
// Set" and "permission").
func (l *linter) permissionSet(path string, m map[string]any) {
	l.fields(path, m, "a permission-set definition", "type", "description", "title", "title:lang", "detail", "detail:lang", "permissions")
	l.optString(path, m, "description")
	l.optString(path, m, "title")
	l.optString(path, m, "detail")
	l.permissionSetStyle(path, m)
	for _, key := range []string{"title:lang", "detail:lang"} {
		l.langMap(path, m, key)
	}
	v, ok := m["permissions"]
	if !ok {
		l.report(ruleMissingField, member(path, "permissions"), "permissions is required: the permissions of the set")
		return
	}
	arr, ok := v.([]any)
	if !ok {
		l.report(ruleFieldType, member(path, "permissions"), "permissions must be an array of permission objects, got %s", datamodel.KindOf(v))
		return
	}
	for i, e := range arr {
		l.schemaValue(index(member(path, "permissions"), i), e, placePermission)
	}
}

// langMap checks a "title:lang" or "detail:lang" map: "map of strings to
// strings ... The map key strings must be valid language codes".
func (l *linter) langMap(path string, m map[string]any, key string) {
	v, ok := m[key]
	if !ok {
		return
	}
	p := member(path, key)
	mm, ok := v.(map[string]any)
	if !ok {
		l.report(ruleFieldType, p, "%s must be an object mapping language tags to strings, got %s", key, datamodel.KindOf(v))
		return
	}
	for _, lang := range sortedKeys(mm) {
		if !scanLanguage(lang) {
			l.report(ruleInvalidLanguage, member(p, lang), "%s key %q is not a valid language tag", key, lang)
		}
		if _, ok := mm[lang].(string); !ok {
			l.report(ruleFieldType, member(p, lang), "%s values must be strings, got %s", key, datamodel.KindOf(mm[lang]))
		}
	}
}

// permission checks one permission. Its fields are not checked against a
// fixed list: "Additional permission fields depend on the resource type ...
// The set of resources and fields may expand over time", and resources other
// than repo and rpc "should be ignored if included".
func (l *linter) permission(path string, m map[string]any) {
	rv, ok := m["resource"]
	if !ok {
		l.report(ruleMissingField, member(path, "resource"), "resource is required: the resource type access is granted to (repo, rpc)")
		return
	}
	resource, ok := rv.(string)
	if !ok {
		l.report(ruleFieldType, member(path, "resource"), "resource must be a string, got %s", datamodel.KindOf(rv))
		return
	}
	switch resource {
	case "repo":
		l.permissionNSIDs(path, m, "collection", "record types")
		actions, _ := l.stringList(path, m, "action")
		for _, it := range actions {
			if it.s != "create" && it.s != "update" && it.s != "delete" {
				l.report(ruleInvalidPermission, index(member(path, "action"), it.i), "action %q is not one of create, update, delete", it.s)
			}
		}
	case "rpc":
		lxm := l.permissionNSIDs(path, m, "lxm", "XRPC endpoints")
		aud, hasAud := l.optString(path, m, "aud")
		inherit, _ := l.optBool(path, m, "inheritAud")
		switch {
		case hasAud && aud != "*":
			// "In the context of permission sets, can not have fixed DID
			// service references ... Effectively must be either wildcard, or
			// undefined with inheritAud set to true."
			l.report(ruleInvalidPermission, member(path, "aud"), `aud in a permission set must be "*", got %q (fixed service references are not allowed; use inheritAud)`, aud)
		case hasAud && slices.ContainsFunc(lxm, func(it listItem) bool { return it.s == "*" }):
			l.report(ruleInvalidPermission, member(path, "aud"), "aud and lxm cannot both be wildcards")
		case !hasAud && !inherit:
			if _, present := m["aud"]; !present {
				l.report(ruleInvalidPermission, member(path, "aud"), `an rpc permission needs aud "*" or inheritAud: true`)
			}
		}
	}
}

// permissionNSIDs checks the required, non-empty list of NSIDs key ("collection"
// or "lxm") of a permission, where the wildcard "*" is not supported in
// Lexicon schema context.
func (l *linter) permissionNSIDs(path string, m map[string]any, key, what string) []listItem {
	items, present := l.stringList(path, m, key)
	p := member(path, key)
	switch {
	case !present:
		l.report(ruleMissingField, p, "%s is required: the %s the permission covers", key, what)
	case len(items) == 0:
		if _, isArray := m[key].([]any); isArray {
			l.report(ruleInvalidPermission, p, "%s must list at least one NSID", key)
		}
	}
	for _, it := range items {
		switch {
		case it.s == "*":
			l.report(ruleInvalidPermission, index(p, it.i), `the wildcard "*" is not supported in %s of a lexicon permission set; list the NSIDs`, key)
		case !scanNSID(it.s):
			l.report(ruleInvalidPermission, index(p, it.i), "%s entry %q is not a valid NSID", key, it.s)
		}
	}
	return items
}
