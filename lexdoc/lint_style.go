package lexdoc

import "strings"

// The style rules: what authors expect a linter to point out beyond the
// specification's rules (goat's `lex lint` checks several of them). They
// are warnings and information, so they never make a document invalid.

// largeMaxLength is the maxLength past which a string or bytes field should
// rather be a blob (goat's threshold).
const largeMaxLength = 20 * 1024

// lowerCamel reports whether name is lowerCamel ASCII: a lowercase letter,
// then letters and digits.
func lowerCamel(name string) bool {
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return false
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// describe reports a schema without a description, or with an empty one.
func (l *linter) describe(path string, m map[string]any, what string) {
	if s, _ := m["description"].(string); strings.TrimSpace(s) == "" {
		l.report(ruleMissingDescription, member(path, "description"), "%s has no description: say what it is for", what)
	}
}

// defName checks the style of a valid definition name.
func (l *linter) defName(path, name string) {
	if !lowerCamel(name) {
		l.report(ruleDefNameStyle, path, "definition name %q is not lowerCamel (a lowercase letter, then letters and digits)", name)
	}
	if name == "main" && l.id != "" && l.id.Name() == "defs" {
		// Spec: "A *.defs Lexicon should generally not include a definition
		// named main, though it is not strictly invalid to do so."
		l.report(ruleDefsMain, path, "%s is a defs lexicon: shared definitions have names, and main is for a lexicon's own type", l.id)
	}
}

// fieldName checks the style of a property name that the data model allows.
func (l *linter) fieldName(path, name string) {
	if !lowerCamel(name) {
		l.report(ruleFieldNameStyle, path, "property name %q is not lowerCamel (a lowercase letter, then letters and digits)", name)
	}
}

// endpointOutput reports a query or procedure that declares no output.
func (l *linter) endpointOutput(path string, m map[string]any, typ Type) {
	if _, ok := m["output"]; !ok {
		l.report(ruleMissingOutput, member(path, "output"), "%s declares no output: declare one (an encoding, perhaps with an empty object) so clients know what comes back", typ.WithArticle())
	}
}

// stringLimits reports a string with nothing that bounds it, and one whose
// maxLength is large.
func (l *linter) stringLimits(path string, m map[string]any, k *StringLengths) {
	_, format := m["format"]
	_, enum := m["enum"]
	_, constant := m["const"]
	if !k.MaxLength.Set && !k.MaxGraphemes.Set && !format && !enum && !constant {
		l.report(ruleUnlimitedString, path, "string has no maxLength, maxGraphemes, format, enum or const: any length is valid")
	}
	l.largeLength(path, "string", k.MaxLength)
}

// bytesLimits reports bytes without a maxLength, and a large one.
func (l *linter) bytesLimits(path string, max Optional[int64]) {
	if !max.Set {
		l.report(ruleUnlimitedBytes, path, "bytes has no maxLength: any length is valid")
	}
	l.largeLength(path, "bytes", max)
}

func (l *linter) largeLength(path, what string, max Optional[int64]) {
	if max.Set && max.Value > largeMaxLength {
		l.report(ruleLargeMaxLength, member(path, "maxLength"), "%s maxLength %d is over %d bytes: large data belongs in a blob", what, max.Value, largeMaxLength)
	}
}

// nullableOptional reports nullable properties that are not required: "no
// value" may then be written two ways, which readers must both handle.
func (l *linter) nullableOptional(path string, nullable, required []listItem, props map[string]any) {
	for _, it := range nullable {
		if _, ok := props[it.s]; !ok {
			continue // reported as an undefined property
		}
		isRequired := false
		for _, r := range required {
			isRequired = isRequired || r.s == it.s
		}
		if !isRequired {
			l.report(ruleNullableOptional, index(member(path, "nullable"), it.i), "property %q is both nullable and optional: make it required, or not nullable", it.s)
		}
	}
}

// noMessages reports a subscription message union without refs.
func (l *linter) noMessages(path string, message map[string]any) {
	schema, _ := message["schema"].(map[string]any)
	if refs, ok := schema["refs"].([]any); ok && len(refs) == 0 {
		l.report(ruleNoMessages, member(member(path, "schema"), "refs"), "the message union lists no message types")
	}
}

// permissionSetStyle reports a permission set without a title, and one that
// grants nothing.
func (l *linter) permissionSetStyle(path string, m map[string]any) {
	if s, _ := m["title"].(string); strings.TrimSpace(s) == "" {
		l.report(rulePermissionSetTitle, member(path, "title"), "permission set has no title: users see it when they approve the set")
	}
	if perms, ok := m["permissions"].([]any); ok && len(perms) == 0 {
		l.report(ruleEmptyPermissionSet, member(path, "permissions"), "permission set grants no permission")
	}
}
