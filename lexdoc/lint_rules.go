package lexdoc

import (
	"fmt"
	"slices"
	"strings"
)

// Rule is a named rule: a lint rule (LintRules) or a kind of change between
// two versions of a lexicon (ChangeRules). Names are stable: scripts and
// configuration (--ignore) refer to them.
type Rule struct {
	Name string `json:"name"`
	// Severity is the rule's severity. A change rule marked Loosening takes
	// CompareOptions.Loosening instead (SeverityWarning unless the author
	// chooses otherwise).
	Severity Severity `json:"severity"`
	// Direction is which data a change rule's changes break; "" for lint
	// rules.
	Direction Direction `json:"direction,omitempty"`
	// Loosening marks the change rules whose severity the author chooses.
	Loosening bool `json:"loosening,omitempty"`
	// Description says what the rule finds, in one line.
	Description string `json:"description"`
}

// Names of the lint rules. A rule breaks the specification (or names a field
// no type defines) and is an error; the style rules, below them, are
// warnings and information, which never make a document invalid.
const (
	ruleFieldType           = "field-type"
	ruleMissingField        = "missing-field"
	ruleUnknownField        = "unknown-field"
	ruleDocumentType        = "document-type"
	ruleLexiconVersion      = "lexicon-version"
	ruleInvalidID           = "invalid-id"
	ruleEmptyDefs           = "empty-defs"
	ruleInvalidDefName      = "invalid-def-name"
	rulePrimaryNotMain      = "primary-not-main"
	ruleInvalidNamedDef     = "invalid-named-def"
	ruleUnknownType         = "unknown-type"
	ruleTypeNotAllowed      = "type-not-allowed"
	ruleInvalidRecordKey    = "invalid-record-key"
	ruleInvalidEncoding     = "invalid-encoding"
	ruleInvalidErrorName    = "invalid-error-name"
	ruleNegativeLimit       = "negative-limit"
	ruleMinAboveMax         = "min-above-max"
	ruleUnsatisfiableLength = "unsatisfiable-length"
	ruleUnknownFormat       = "unknown-format"
	ruleEmptyEnum           = "empty-enum"
	ruleValueViolatesSchema = "value-violates-schema"
	ruleConstAndDefault     = "const-and-default"
	ruleLocalTokenRef       = "local-token-ref"
	ruleDuplicateEntry      = "duplicate-entry"
	ruleEmptyAccept         = "empty-accept"
	ruleInvalidAccept       = "invalid-accept"
	ruleInvalidPropertyName = "invalid-property-name"
	ruleUndefinedProperty   = "undefined-property"
	ruleEmptyClosedUnion    = "empty-closed-union"
	ruleInvalidRef          = "invalid-ref"
	ruleInvalidRefTarget    = "invalid-ref-target"
	ruleUnresolvedRef       = "unresolved-ref"
	ruleInvalidLanguage     = "invalid-language"
	ruleInvalidPermission   = "invalid-permission"
	// RuleDuplicateID is found in a set of documents, not in one (package
	// service reports it), and RuleInvalidJSON in a file before there is a
	// document to lint (the front ends report it): hence exported.
	RuleDuplicateID = "duplicate-id"
	RuleInvalidJSON = "invalid-json"
	// RuleTooManyFindings counts the findings past LintOptions.MaxFindings;
	// it is an error when errors were among them.
	RuleTooManyFindings = "too-many-findings"

	ruleMissingDescription  = "missing-description"
	ruleUnlimitedString     = "unlimited-string"
	ruleUnlimitedBytes      = "unlimited-bytes"
	ruleLargeMaxLength      = "large-max-length"
	ruleFieldNameStyle      = "field-name-style"
	ruleDefNameStyle        = "def-name-style"
	ruleNullableOptional    = "nullable-optional"
	ruleMissingOutput       = "missing-output"
	ruleFilePath            = "file-path"
	ruleDuplicateKnownValue = "duplicate-known-value"
	ruleDefsMain            = "defs-main"
	ruleNoMessages          = "no-messages"
	rulePermissionSetTitle  = "permission-set-title"
	ruleEmptyPermissionSet  = "empty-permission-set"
	ruleUnlimitedArray      = "unlimited-array"
	ruleUnlimitedBlob       = "unlimited-blob"
)

// lintRules is the one table of lint rules: Lint takes severities from it,
// `lexval lint --list-rules` prints it, and the README's list is checked
// against it. Structural rules first, then style rules, each group in the
// order a document is read.
var lintRules = []Rule{
	{Name: ruleFieldType, Severity: SeverityError, Description: "a member has the wrong JSON type (a string where an object belongs, an array entry that is not a string, ...)"},
	{Name: ruleMissingField, Severity: SeverityError, Description: "a required member is missing (id, defs, a schema's type, a record's key, an array's items, ...)"},
	{Name: ruleUnknownField, Severity: SeverityError, Description: "a member no Lexicon type defines: a misspelt constraint (\"maxLenght\") is otherwise silently ignored"},
	{Name: ruleDocumentType, Severity: SeverityError, Description: "the document's $type is not com.atproto.lexicon.schema"},
	{Name: ruleLexiconVersion, Severity: SeverityError, Description: "lexicon is missing or not the integer 1"},
	{Name: ruleInvalidID, Severity: SeverityError, Description: "id is not a valid NSID"},
	{Name: ruleEmptyDefs, Severity: SeverityError, Description: "defs holds no definition"},
	{Name: ruleInvalidDefName, Severity: SeverityError, Description: "a definition name has characters a definition name cannot have"},
	{Name: rulePrimaryNotMain, Severity: SeverityError, Description: "a record, query, procedure, subscription or permission set is not the main definition"},
	{Name: ruleInvalidNamedDef, Severity: SeverityError, Description: "a ref, union, unknown, params or permission is a named definition"},
	{Name: ruleUnknownType, Severity: SeverityError, Description: "a type Lexicon does not define"},
	{Name: ruleTypeNotAllowed, Severity: SeverityError, Description: "a type where it cannot appear (a token as a field, an object as a parameter, a record's schema that is not an object, ...)"},
	{Name: ruleInvalidRecordKey, Severity: SeverityError, Description: "a record's key is not tid, nsid, any or literal:<record key>"},
	{Name: ruleInvalidEncoding, Severity: SeverityError, Description: "a body's encoding is not a MIME type"},
	{Name: ruleInvalidErrorName, Severity: SeverityError, Description: "an endpoint's error name is empty or has whitespace"},
	{Name: ruleNegativeLimit, Severity: SeverityError, Description: "a length or size limit is negative"},
	{Name: ruleMinAboveMax, Severity: SeverityError, Description: "a minimum is greater than its maximum"},
	{Name: ruleUnsatisfiableLength, Severity: SeverityError, Description: "minGraphemes is greater than maxLength in bytes: no string can meet both"},
	{Name: ruleUnknownFormat, Severity: SeverityError, Description: "a string format Lexicon does not define"},
	{Name: ruleEmptyEnum, Severity: SeverityError, Description: "an enum lists no value, so no value can match"},
	{Name: ruleValueViolatesSchema, Severity: SeverityError, Description: "a const, default or enum value breaks the schema's own constraints"},
	{Name: ruleConstAndDefault, Severity: SeverityError, Description: "a schema has both const and default"},
	{Name: ruleLocalTokenRef, Severity: SeverityError, Description: "a knownValues or enum entry is a local reference (#name) where tokens must be fully qualified"},
	{Name: ruleDuplicateEntry, Severity: SeverityError, Description: "a list names one value twice (enum, required, nullable, union refs, accept, errors, ...)"},
	{Name: ruleEmptyAccept, Severity: SeverityError, Description: "a blob's accept is empty, so no blob can match"},
	{Name: ruleInvalidAccept, Severity: SeverityError, Description: "a blob's accept pattern is not a MIME type, type/* or */*"},
	{Name: ruleInvalidPropertyName, Severity: SeverityError, Description: "a property name is empty or starts with $, which the data model reserves"},
	{Name: ruleUndefinedProperty, Severity: SeverityError, Description: "required or nullable names a property the schema does not have"},
	{Name: ruleEmptyClosedUnion, Severity: SeverityError, Description: "a closed union has no refs"},
	{Name: ruleInvalidRef, Severity: SeverityError, Description: "a reference is not nsid, nsid#name or #name"},
	{Name: ruleInvalidRefTarget, Severity: SeverityError, Description: "a reference points at a definition it cannot (a union ref at a non-object, a ref at a token or an endpoint)"},
	{Name: ruleUnresolvedRef, Severity: SeverityError, Description: "a reference that neither the document nor the catalog defines"},
	{Name: ruleInvalidLanguage, Severity: SeverityError, Description: "a title:lang or detail:lang key is not a language tag"},
	{Name: ruleInvalidPermission, Severity: SeverityError, Description: "a permission breaks the rules of its resource (actions, aud, NSID lists, wildcards)"},
	{Name: RuleDuplicateID, Severity: SeverityError, Description: "two documents of a set have one id but different content"},
	{Name: RuleInvalidJSON, Severity: SeverityError, Description: "a file is not JSON (or is too large to read), so it holds no document to lint"},
	{Name: RuleMaxDefinitions, Severity: SeverityError, Description: "defs holds more definitions than a lexicon may have (MaxDefinitions)"},
	{Name: RuleMaxProperties, Severity: SeverityError, Description: "an object or params has more properties than it may have (MaxProperties)"},
	{Name: RuleMaxUnionRefs, Severity: SeverityError, Description: "a union lists more refs than it may (MaxUnionRefs)"},
	{Name: RuleMaxSchemas, Severity: SeverityError, Description: "the document holds more schemas than a lexicon may (MaxSchemas)"},
	{Name: RuleMaxLocation, Severity: SeverityError, Description: "a schema is written deeper into the document than a location may be (MaxLocation bytes of JSON Pointer)"},
	{Name: RuleMaxRefDepth, Severity: SeverityError, Description: "a chain of references is longer than MaxRefDepth"},

	{Name: ruleMissingDescription, Severity: SeverityWarning, Description: "a record, query, procedure, subscription or token has no description"},
	{Name: ruleUnlimitedString, Severity: SeverityInfo, Description: "a string has no maxLength, maxGraphemes, format, enum or const"},
	{Name: ruleUnlimitedBytes, Severity: SeverityWarning, Description: "a bytes field has no maxLength"},
	{Name: ruleLargeMaxLength, Severity: SeverityInfo, Description: "a string or bytes maxLength is over 20 KiB: large data belongs in a blob"},
	{Name: ruleFieldNameStyle, Severity: SeverityWarning, Description: "a property name is not lowerCamel ASCII (a lowercase letter, then letters and digits)"},
	{Name: ruleDefNameStyle, Severity: SeverityWarning, Description: "a definition name is not lowerCamel ASCII (a lowercase letter, then letters and digits)"},
	{Name: ruleNullableOptional, Severity: SeverityWarning, Description: "a property is both nullable and optional: two ways to say \"no value\""},
	{Name: ruleMissingOutput, Severity: SeverityInfo, Description: "a query or procedure declares no output (declare one, even empty, so clients know what comes back)"},
	{Name: RuleTooManyFindings, Severity: SeverityWarning, Description: "more findings than lint lists for one document (1,000 unless set): the rest are counted; an error when errors are among them"},
	{Name: ruleFilePath, Severity: SeverityWarning, Description: "the file's path does not match the document's id (com/example/post.json or com.example.post.json for com.example.post)"},
	{Name: ruleDuplicateKnownValue, Severity: SeverityWarning, Description: "knownValues lists one value twice"},
	{Name: ruleDefsMain, Severity: SeverityWarning, Description: "a *.defs lexicon has a main definition"},
	{Name: ruleNoMessages, Severity: SeverityWarning, Description: "a subscription's message union has no refs"},
	{Name: rulePermissionSetTitle, Severity: SeverityWarning, Description: "a permission set has no title to show users"},
	{Name: ruleEmptyPermissionSet, Severity: SeverityWarning, Description: "a permission set grants no permission"},
	{Name: ruleUnlimitedArray, Severity: SeverityInfo, Description: "an array in a record has no maxLength"},
	{Name: ruleUnlimitedBlob, Severity: SeverityInfo, Description: "a blob has no maxSize"},
}

// lintSeverity is each lint rule's severity, by name.
var lintSeverity = func() map[string]Severity {
	m := make(map[string]Severity, len(lintRules))
	for _, r := range lintRules {
		if _, dup := m[r.Name]; dup {
			panic("lexdoc: lint rule " + r.Name + " listed twice")
		}
		m[r.Name] = r.Severity
	}
	return m
}()

// LintRules returns every lint rule: the rules of the specification
// (errors), then the style rules (warnings and information).
func LintRules() []Rule { return slices.Clone(lintRules) }

// LookupRule returns the lint or change rule named name.
func LookupRule(name string) (Rule, bool) {
	for _, table := range [][]Rule{lintRules, changeRules} {
		if i := slices.IndexFunc(table, func(r Rule) bool { return r.Name == name }); i >= 0 {
			return table[i], true
		}
	}
	return Rule{}, false
}

// ParseSeverity parses "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	switch sev := Severity(s); sev {
	case SeverityError, SeverityWarning, SeverityInfo:
		return sev, nil
	}
	return "", fmt.Errorf("severity %q is not one of error, warning, info", s)
}

// rank orders severities: error 3, warning 2, info 1. The empty severity is
// an error (see Severity).
func (s Severity) rank() int {
	switch s {
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 3
}

// AtLeast reports whether s is at least as severe as min.
func (s Severity) AtLeast(min Severity) bool { return s.rank() >= min.rank() }

// HasErrors reports whether any finding is an error: what makes a document
// invalid. Warnings and information are advice.
func HasErrors(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity.AtLeast(SeverityError) })
}

// Filter returns the findings opts keeps: those of rules not ignored, at
// least as severe as opts.MinSeverity. fs is not changed.
func (opts LintOptions) Filter(fs []Finding) []Finding {
	if len(opts.Ignore) == 0 && opts.MinSeverity.rank() <= SeverityInfo.rank() {
		return fs
	}
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		if opts.keeps(f) {
			out = append(out, f)
		}
	}
	return out
}

// keeps reports whether opts keep f.
func (opts LintOptions) keeps(f Finding) bool { return opts.keepsRule(f.Rule, f.Severity) }

// keepsRule reports whether opts keep the findings of rule at severity sev.
func (opts LintOptions) keepsRule(rule string, sev Severity) bool {
	return !slices.Contains(opts.Ignore, rule) && (opts.MinSeverity == "" || sev.AtLeast(opts.MinSeverity))
}

// CheckRuleNames returns an error naming the first of names that is no lint
// rule, so that a misspelt --ignore does not silently ignore nothing.
func CheckRuleNames(names []string) error {
	for _, n := range names {
		if _, ok := lintSeverity[n]; !ok {
			return fmt.Errorf("no lint rule is named %q (lexval lint --list-rules lists them)", n)
		}
	}
	return nil
}

// filePathMatches reports whether the file path (any separators, a .json
// extension or none) names the document id: its last segments are the id's,
// as one name with dots (com.example.post.json), as directories
// (com/example/post.json), or mixed.
func filePathMatches(path, id string) bool {
	p := strings.ReplaceAll(path, `\`, "/")
	if ext := len(p) - len(".json"); ext > 0 && strings.EqualFold(p[ext:], ".json") {
		p = p[:ext]
	}
	segs := strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '.' })
	want := strings.Split(id, ".")
	return len(segs) >= len(want) && slices.Equal(segs[len(segs)-len(want):], want)
}
