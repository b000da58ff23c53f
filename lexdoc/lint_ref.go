package lexdoc

import (
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"
)

// ref checks a reference written at path: its syntax ("#name", "nsid" or
// "nsid#name"), that the document or the catalog defines it, and what it may
// point at. A union's refs (inUnion) must point at object or record
// definitions; a ref must not point at a token, a params or permission, nor at
// a query, procedure, subscription or permission set, which describe no data. It
// returns the reference in full "nsid#name" form (local references keep the
// "#name" form when the document has no valid id) and whether it parsed.
func (l *linter) ref(path, ref string, inUnion bool) (string, bool) {
	var nsid syntax.NSID
	var name string
	if local, ok := strings.CutPrefix(ref, "#"); ok {
		if !ValidDefName(local) {
			l.report(ruleInvalidRef, path, "reference %q is not valid: after '#' comes a definition name", ref)
			return "", false
		}
		nsid, name = l.id, local
	} else {
		r, err := ParseDefRef(ref)
		if err != nil {
			l.report(ruleInvalidRef, path, "reference %q is not valid: write nsid, nsid#name or #name", ref)
			return "", false
		}
		nsid, name = r.NSID, r.Name
	}
	full := string(nsid) + "#" + name

	typ, found := l.lookup(path, ref, nsid, name)
	if !found {
		return full, true
	}
	switch {
	case inUnion && !typ.IsVariant():
		// Spec, "union": "The schema definitions pointed to by a union must
		// have type object or record."
		l.report(ruleInvalidRefTarget, path, "union refs must point at object or record definitions; %s is %s", ref, typ.WithArticle())
	case !inUnion && typ == TypeToken:
		// Spec, "ref": "A ref can not point to a token type."
		l.report(ruleInvalidRefTarget, path, "a ref cannot point at a token (%s): tokens have no data representation", ref)
	case !inUnion && !typ.HasDataForm():
		// Spec, "params": "they can not be referenced by a ref or union"; the
		// permission sub-type and the endpoint types describe no data.
		l.report(ruleInvalidRefTarget, path, "a ref cannot point at %s definition (%s): only data definitions can be referenced", typ.WithArticle(), ref)
	}
	return full, true
}

// lookup finds the type of definition name of lexicon nsid, first in the
// document itself, then in the catalog, reporting a reference it cannot
// resolve. found is false when the definition is missing, or present without
// a valid type (reported where it is defined).
func (l *linter) lookup(path, ref string, nsid syntax.NSID, name string) (typ Type, found bool) {
	if nsid == l.id {
		def, ok := l.defs[name]
		if !ok {
			l.missing(path, nsid, name, "reference %q cannot be resolved: this lexicon has no definition %q", ref, name)
			return "", false
		}
		m, _ := def.(map[string]any)
		s, _ := m["type"].(string)
		return Type(s), s != ""
	}
	var doc *Document
	if l.cat != nil {
		doc, _ = l.cat.Document(nsid)
	}
	if doc == nil {
		l.missing(path, nsid, name, "reference %q cannot be resolved: lexicon %s is not in the catalog", ref, nsid)
		return "", false
	}
	def, ok := doc.Defs[name]
	if !ok {
		l.missing(path, nsid, name, "reference %q cannot be resolved: lexicon %s has no definition %q", ref, nsid, name)
		return "", false
	}
	return def.Type(), true
}

// missing reports a reference to nsid#name that nothing defines: an
// unresolved entry when allowed and the reference names a lexicon (a local
// reference in a document without a valid id does not), an error otherwise.
func (l *linter) missing(path string, nsid syntax.NSID, name, format string, a ...any) {
	if l.allowUnresolved && nsid != "" {
		ref := DefRef{NSID: nsid, Name: name}
		l.unresolved = append(l.unresolved, Unresolved{Ref: ref.String(), Path: path, SchemaPath: l.loc})
		return
	}
	l.report(ruleUnresolvedRef, path, format, a...)
}
