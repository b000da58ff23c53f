package lexdoc

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/datamodel"
)

// Lint checks a lexicon document (decoded by datamodel.DecodeJSON) against
// every authoring rule of the Lexicon specification: lexicon is 1, id is an
// NSID, primary types only as main, min <= max, known types and formats,
// union refs point at objects or records, every ref resolvable in cat or
// reported. The document itself counts as part of the catalog; cat may be
// nil. Each finding names its rule (LintRules): the specification's rules
// are errors; the style rules (descriptions, length limits, lowerCamel
// names, a file path that matches the id, ...) are warnings or information,
// which leave the document valid.
//
// Lint works on the raw tree, not on a parsed Document, so that it can report
// every problem of a document that does not parse. Beyond the rules the
// specification states, it reports fields that no Lexicon type defines: each
// type has a fixed set of fields, and a misspelt constraint ("maxLenght") is
// otherwise silently ignored by every validator. The document's "$type"
// ("com.atproto.lexicon.schema", carried by published schema records) is
// allowed.
func Lint(doc any, cat *Catalog, opts LintOptions) LintReport {
	r, _ := LintContext(context.Background(), doc, cat, opts)
	return r
}

// LintContext is Lint for a document that may be large: it stops when ctx
// ends, with ctx's cause (looking every pollEvery schemas).
func LintContext(ctx context.Context, doc any, cat *Catalog, opts LintOptions) (LintReport, error) {
	l := &linter{ctx: ctx, cat: cat, findings: []Finding{}, allowUnresolved: opts.AllowUnresolved, opts: opts}
	l.max = opts.MaxFindings
	if l.max <= 0 {
		l.max = DefaultMaxFindings
	}
	l.document(doc)
	if l.err == nil {
		l.limits(doc)
	}
	if l.err != nil {
		return LintReport{}, l.err
	}
	if opts.File != "" && l.id != "" && !filePathMatches(opts.File, string(l.id)) {
		l.loc = ""
		l.report(ruleFilePath, "/id", "the file %s does not match id %s: name it %s.json, or %s.json under a lexicons directory", opts.File, l.id, l.id, strings.ReplaceAll(string(l.id), ".", "/"))
	}
	findings := sortFindings(l.findings)
	if f, ok := l.left.summary(l.max); ok && opts.keeps(f) {
		findings = append(findings, f)
	}
	r := LintReport{Valid: !HasErrors(findings), Findings: findings, Unresolved: []Unresolved{}}
	if len(l.unresolved) > 0 {
		r.Unresolved = SortUnresolved(l.unresolved)
	}
	return r, nil
}

// LintOptions change what Lint reports.
type LintOptions struct {
	// AllowUnresolved makes a well-formed reference that neither the
	// document nor the catalog defines an Unresolved entry (Ref in $type
	// form, Path the pointer of the reference string) rather than a
	// finding, as values report the references they could not check.
	AllowUnresolved bool
	// Ignore names rules whose findings are left out (LintRules lists
	// them).
	Ignore []string
	// MinSeverity leaves out findings less severe; "" keeps every one.
	MinSeverity Severity
	// File is the path the document was read from, for the file-path rule;
	// "" when it comes from no file.
	File string
	// MaxFindings bounds the findings listed (DefaultMaxFindings when zero
	// or less); the rest are counted in one too-many-findings finding.
	MaxFindings int
}

// DefaultMaxFindings is how many findings Lint lists for one document when
// LintOptions.MaxFindings is not set: a hand-written document has far
// fewer, and a generated one with more (a 2 MB document can have some
// 200,000) would otherwise cost tens of megabytes to report.
const DefaultMaxFindings = 1000

// LintReport is what Lint finds in one document.
type LintReport struct {
	// Valid is true when no finding is an error: warnings and information
	// are advice, and unresolved references, when allowed, do not count.
	Valid bool
	// Findings are sorted by path, then message; never nil. Each has its
	// rule and severity.
	Findings []Finding
	// Unresolved are sorted by path; never nil.
	Unresolved []Unresolved
}

// sortedKeys returns the keys of m in order, so that reports do not depend on
// map iteration.
func sortedKeys(m map[string]any) []string {
	return slices.Sorted(maps.Keys(m))
}

// linter collects the problems of one document.
type linter struct {
	// ctx ends the walk; err is its cause once seen (polls counts the
	// schemas between looks).
	ctx   context.Context
	err   error
	polls int

	// allowUnresolved turns references nothing defines into unresolved
	// entries rather than errors.
	allowUnresolved bool
	unresolved      []Unresolved
	cat             *Catalog
	// id is the document's NSID, "" when it has none that is valid.
	id syntax.NSID
	// defs are the document's own definitions, raw.
	defs map[string]any
	// loc is the location of the definition being checked, for SchemaPath.
	loc string
	// inRecord is true within a record definition's schema, where data is
	// stored for good and style rules ask for bounds.
	inRecord bool
	// opts filter findings as they are found; max bounds those kept, and
	// left counts the rest. Errors are kept before warnings and
	// information: past max, an error takes the place of a lesser finding
	// (lesser holds their indices), so a document with errors always lists
	// one.
	opts     LintOptions
	max      int
	findings []Finding
	lesser   []int
	left     leftOut
}

// stopped reports whether the walk is to stop, looking at ctx every
// pollEvery calls.
func (l *linter) stopped() bool {
	if l.err == nil {
		if l.polls++; l.polls%pollEvery == 0 {
			l.err = context.Cause(l.ctx)
		}
	}
	return l.err != nil
}

// report adds a finding of rule at path.
func (l *linter) report(rule, path, format string, a ...any) {
	sev, ok := lintSeverity[rule]
	if !ok {
		panic("lexdoc: lint rule " + rule + " is not in the table") // a programming error
	}
	if !l.opts.keepsRule(rule, sev) {
		return // before its message is written
	}
	l.add(Finding{Path: path, Message: fmt.Sprintf(format, a...), SchemaPath: l.loc, Rule: rule, Severity: sev})
}

// add keeps f, if the options keep it, within the limit.
func (l *linter) add(f Finding) {
	if !l.opts.keeps(f) {
		return
	}
	if len(l.findings) >= l.max {
		if f.Severity != SeverityError || len(l.lesser) == 0 {
			l.left.add(f.Severity)
			return
		}
		// An error takes the place of the last lesser finding kept.
		i := l.lesser[len(l.lesser)-1]
		l.lesser = l.lesser[:len(l.lesser)-1]
		l.left.add(l.findings[i].Severity)
		l.findings[i] = f
		return
	}
	if f.Severity != SeverityError {
		l.lesser = append(l.lesser, len(l.findings))
	}
	l.findings = append(l.findings, f)
}

// leftOut counts the findings past the limit, by severity.
type leftOut struct{ errors, warnings, infos int }

func (n *leftOut) add(sev Severity) {
	switch sev {
	case SeverityError:
		n.errors++
	case SeverityWarning:
		n.warnings++
	default:
		n.infos++
	}
}

// summary is the too-many-findings finding that says how many were left
// out: an error when errors were, a warning otherwise.
func (n leftOut) summary(max int) (Finding, bool) {
	total := n.errors + n.warnings + n.infos
	if total == 0 {
		return Finding{}, false
	}
	sev := SeverityWarning
	if n.errors > 0 {
		sev = SeverityError
	}
	return Finding{
		Path: "",
		Message: fmt.Sprintf("%d more findings are not listed (%d errors, %d warnings, %d information): lint lists %d a document, errors first",
			total, n.errors, n.warnings, n.infos, max),
		Rule:     RuleTooManyFindings,
		Severity: sev,
	}, true
}

// dupRule is the rule a repeated entry of list key breaks: repeating a
// known value is untidy, where a repeated enum value, required name or
// union ref is a mistake.
func dupRule(key string) string {
	if key == "knownValues" {
		return ruleDuplicateKnownValue
	}
	return ruleDuplicateEntry
}

// member is the JSON Pointer of a member of the object at path.
func member(path, key string) string {
	return path + "/" + datamodel.EscapePointerToken(key)
}

// index is the JSON Pointer of an element of the array at path.
func index(path string, i int) string {
	return fmt.Sprintf("%s/%d", path, i)
}

// fields reports members of m that the schema kind what does not define.
func (l *linter) fields(path string, m map[string]any, what string, allowed ...string) {
	for _, k := range sortedKeys(m) {
		if !slices.Contains(allowed, k) {
			l.report(ruleUnknownField, member(path, k), "unknown field %q in %s", k, what)
		}
	}
}

func (l *linter) document(doc any) {
	m, ok := doc.(map[string]any)
	if !ok {
		l.report(ruleFieldType, "", "a lexicon document must be a JSON object, got %s", datamodel.KindOf(doc))
		return
	}
	l.fields("", m, "a lexicon document", "$type", "lexicon", "id", "description", "defs")

	if v, ok := m["$type"]; ok && v != string(datamodel.SchemaCollection) {
		l.report(ruleDocumentType, "/$type", "$type of a lexicon document must be %s, got %s", datamodel.SchemaCollection, datamodel.Describe(v))
	}
	if v, ok := m["lexicon"]; !ok {
		l.report(ruleLexiconVersion, "/lexicon", "lexicon is required: the Lexicon language version, 1")
	} else if n, ok := datamodel.Int64(v); !ok || n != 1 {
		l.report(ruleLexiconVersion, "/lexicon", "lexicon must be the integer 1, got %s", datamodel.Describe(v))
	}
	if v, ok := m["id"]; !ok {
		l.report(ruleMissingField, "/id", "id is required: the NSID of the lexicon")
	} else if s, ok := v.(string); !ok {
		l.report(ruleFieldType, "/id", "id must be a string, got %s", datamodel.KindOf(v))
	} else if nsid, err := syntax.ParseNSID(s); err != nil || !scanNSID(s) {
		l.report(ruleInvalidID, "/id", "id %s is not a valid NSID", datamodel.Describe(v))
	} else {
		l.id = nsid
	}
	l.optString("", m, "description")

	v, ok := m["defs"]
	if !ok {
		l.report(ruleMissingField, "/defs", "defs is required: a lexicon needs at least one definition")
		return
	}
	defs, ok := v.(map[string]any)
	if !ok {
		l.report(ruleFieldType, "/defs", "defs must be an object of definitions, got %s", datamodel.KindOf(v))
		return
	}
	if len(defs) == 0 {
		l.report(ruleEmptyDefs, "/defs", "defs must contain at least one definition")
	}
	l.defs = defs
	for _, name := range sortedKeys(defs) {
		l.def(name, defs[name])
	}
}

// optString reports the member key of m when present and not a string.
func (l *linter) optString(path string, m map[string]any, key string) (string, bool) {
	v, ok := m[key]
	if !ok {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		l.report(ruleFieldType, member(path, key), "%s must be a string, got %s", key, datamodel.KindOf(v))
	}
	return s, ok
}

// optBool reports the member key of m when present and not a boolean.
func (l *linter) optBool(path string, m map[string]any, key string) (value, present bool) {
	v, ok := m[key]
	if !ok {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		l.report(ruleFieldType, member(path, key), "%s must be a boolean, got %s", key, datamodel.KindOf(v))
	}
	return b, ok
}

// optInt reads the integer member key of m, reporting a value that is not an
// integer, or (when nonNegative) one below zero; it is unset when absent or
// reported.
func (l *linter) optInt(path string, m map[string]any, key string, nonNegative bool) Optional[int64] {
	v, ok := m[key]
	if !ok {
		return Optional[int64]{}
	}
	n, ok := datamodel.Int64(v)
	if !ok {
		l.report(ruleFieldType, member(path, key), "%s must be an integer, got %s", key, datamodel.Describe(v))
		return Optional[int64]{}
	}
	if nonNegative && n < 0 {
		l.report(ruleNegativeLimit, member(path, key), "%s must not be negative, got %d", key, n)
		return Optional[int64]{}
	}
	return Optional[int64]{Value: n, Set: true}
}

// minMax reports a minimum above its maximum, at the minimum.
func (l *linter) minMax(path, minKey string, lo Optional[int64], maxKey string, hi Optional[int64]) {
	if lo.Set && hi.Set && lo.Value > hi.Value {
		l.report(ruleMinAboveMax, member(path, minKey), "%s %d is greater than %s %d", minKey, lo.Value, maxKey, hi.Value)
	}
}

// listItem is a string element of an array member, with its index.
type listItem struct {
	i int
	s string
}

// stringList reads the array-of-strings member key of m, reporting elements
// that are not strings and repeated ones. It returns the string elements and
// whether the member was present.
func (l *linter) stringList(path string, m map[string]any, key string) ([]listItem, bool) {
	v, ok := m[key]
	if !ok {
		return nil, false
	}
	p := member(path, key)
	arr, ok := v.([]any)
	if !ok {
		l.report(ruleFieldType, p, "%s must be an array of strings, got %s", key, datamodel.KindOf(v))
		return nil, true
	}
	out := make([]listItem, 0, len(arr))
	seen := make(map[string]struct{}, len(arr)) // a list may be long
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			l.report(ruleFieldType, index(p, i), "%s entries must be strings, got %s", key, datamodel.KindOf(e))
			continue
		}
		if _, dup := seen[s]; dup {
			l.report(dupRule(key), index(p, i), "%s lists %q more than once", key, s)
		}
		seen[s] = struct{}{}
		out = append(out, listItem{i, s})
	}
	return out, true
}
