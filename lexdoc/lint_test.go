package lexdoc_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/internal/reference"
	"github.com/lexval/lexval/lexdoc"
)

// interopLexiconCase is one case of lexicon-valid.json or lexicon-invalid.json.
type interopLexiconCase struct {
	Name    string          `json:"name"`
	Lexicon json.RawMessage `json:"lexicon"`
}

func readInteropLexiconCases(t *testing.T, file string) []interopLexiconCase {
	t.Helper()
	data, err := os.ReadFile(reference.Path(t, "atproto", "interop-tests", "lexicon", file))
	if err != nil {
		t.Fatal(err)
	}
	var cases []interopLexiconCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(cases) == 0 {
		t.Fatalf("%s: got no cases", file)
	}
	return cases
}

func decodeCase(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	v, err := datamodel.DecodeJSON(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func formatErrors(errs []lexdoc.Finding) string {
	var b strings.Builder
	for _, e := range errs {
		fmt.Fprintf(&b, "\n\t%s: %s [%s]", e.Path, e.Message, e.SchemaPath)
	}
	return b.String()
}

// lint is Lint's findings with the default options.
func lint(doc any, cat *lexdoc.Catalog) []lexdoc.Finding {
	return lexdoc.Lint(doc, cat, lexdoc.LintOptions{}).Findings
}

// lintErrors is Lint's findings of severity error: the specification's
// rules, without the style rules' advice.
func lintErrors(doc any, cat *lexdoc.Catalog) []lexdoc.Finding {
	return lexdoc.Lint(doc, cat, lexdoc.LintOptions{MinSeverity: lexdoc.SeverityError}).Findings
}

func TestLintInteropValid(t *testing.T) {
	cat := lexicontest.Interop(t)
	for _, c := range readInteropLexiconCases(t, "lexicon-valid.json") {
		t.Run(c.Name, func(t *testing.T) {
			if errs := lintErrors(decodeCase(t, c.Lexicon), cat); len(errs) != 0 {
				t.Errorf("got %d errors, want none:%s", len(errs), formatErrors(errs))
			}
		})
	}
}

// interopInvalidPaths is where each lexicon-invalid.json case's problem is;
// a case not listed here must still report something.
var interopInvalidPaths = map[string]string{
	"invalid lexicon field":      "/lexicon",
	"invalid id field":           "/id",
	"invalid NSID":               "/id",
	"defined unknown":            "/defs/demo/type",
	"defined ref":                "/defs/demo/type",
	"non-main primary":           "/defs/demo/type",
	"record missing type object": "/defs/main/record/type",
}

func TestLintInteropInvalid(t *testing.T) {
	cat := lexicontest.Interop(t)
	for _, c := range readInteropLexiconCases(t, "lexicon-invalid.json") {
		t.Run(c.Name, func(t *testing.T) {
			errs := lint(decodeCase(t, c.Lexicon), cat)
			if len(errs) == 0 {
				t.Fatal("got no errors, want at least one")
			}
			want, known := interopInvalidPaths[c.Name]
			if !known {
				t.Logf("no expected path recorded for this case; got:%s", formatErrors(errs))
				return
			}
			if !slices.ContainsFunc(errs, func(e lexdoc.Finding) bool { return e.Path == want }) {
				t.Errorf("got no error at %s:%s", want, formatErrors(errs))
			}
		})
	}
}

// knownFindings lists, per document, the findings Lint reports on official
// reference lexicons, each a true violation of the specification. A finding
// listed here that goes away fails the test too, so the list stays honest.
var knownFindings = map[string][]knownFinding{
	"example.lexicon.permissionset": {{
		path: "/defs/main/permissions/4/lxm/0",
		reason: `interop catalog/permission-set.json grants lxm ["*"], but the Lexicon spec ("permission", rpc) says of lxm: ` +
			`"Wildcard (*) is not supported in Lexicon schema context"; the spec is the authority over the fixtures`,
	}},
}

type knownFinding struct {
	path   string
	reason string
}

// lintFiles lints every lexicon file under dir against cat, each as a subtest,
// comparing errors with knownFindings: a real lexicon breaks no rule of the
// specification, whatever the style rules advise.
func lintFiles(t *testing.T, dir string, cat *lexdoc.Catalog) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		n++
		rel, _ := filepath.Rel(dir, path)
		t.Run(rel, func(t *testing.T) {
			doc := lexicontest.ReadJSON(t, path)
			id, _ := doc.(map[string]any)["id"].(string)
			errs := lintErrors(doc, cat)
			known := knownFindings[id]
			for _, e := range errs {
				if !slices.ContainsFunc(known, func(k knownFinding) bool { return k.path == e.Path }) {
					t.Errorf("unexpected finding %s: %s", e.Path, e.Message)
				}
			}
			for _, k := range known {
				if !slices.ContainsFunc(errs, func(e lexdoc.Finding) bool { return e.Path == k.path }) {
					t.Errorf("known finding at %s (%s) is no longer reported; remove it from knownFindings", k.path, k.reason)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLintInteropCatalog lints the interop catalog's lexicons against a
// catalog of them and the real lexicons, which they reference
// (procedure.json uses app.bsky.actor.defs#preferences).
func TestLintInteropCatalog(t *testing.T) {
	dir := reference.Path(t, "atproto", "interop-tests", "lexicon", "catalog")
	cat := lexdoc.NewCatalog(append(lexicontest.Corpus(t).Documents(), lexicontest.Interop(t).Documents()...)...)
	if n := lintFiles(t, dir, cat); n == 0 {
		t.Fatalf("got no lexicons in %s", dir)
	}
}

// TestLintCorpus lints each of the real lexicons against a catalog of all of
// them.
func TestLintCorpus(t *testing.T) {
	dir := reference.Path(t, "atproto", "lexicons")
	if n := lintFiles(t, dir, lexicontest.Corpus(t)); n != 402 {
		t.Errorf("linted %d lexicons, want 402", n)
	}
}

// lintRuleCase is one case of testdata/lint/*.json (see the README there).
type lintRuleCase struct {
	Name    string          `json:"name"`
	Lexicon json.RawMessage `json:"lexicon"`
	// File is the path the lexicon is linted as coming from.
	File   string `json:"file"`
	Errors []struct {
		Path    string `json:"path"`
		Message string `json:"message"`
		Rule    string `json:"rule"`
	} `json:"errors"`
	// Rules names the style rules whose findings the case states in full,
	// besides errors, which every case states in full.
	Rules []string `json:"rules"`
}

// states reports whether the case lists every finding of f's rule.
func (c *lintRuleCase) states(f lexdoc.Finding) bool {
	if f.Severity == lexdoc.SeverityError || slices.Contains(c.Rules, f.Rule) {
		return true
	}
	return slices.ContainsFunc(c.Errors, func(e struct {
		Path    string `json:"path"`
		Message string `json:"message"`
		Rule    string `json:"rule"`
	}) bool {
		return e.Rule == f.Rule
	})
}

const lintRulesDir = "../testdata/lint"

// readRuleCases reads one rule table.
func readRuleCases(t *testing.T, file string) []lintRuleCase {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var cases []lintRuleCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return cases
}

// lintRulesCatalog holds the lexicons the rule cases reference.
func lintRulesCatalog(t *testing.T) *lexdoc.Catalog {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(lintRulesDir, "catalog", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("got no catalog lexicons in %s/catalog (err %v)", lintRulesDir, err)
	}
	cat := lexdoc.NewCatalog(lexicontest.LoadDir(t, filepath.Join(lintRulesDir, "catalog"))...)
	for _, f := range files {
		if errs := lintErrors(lexicontest.ReadJSON(t, f), cat); len(errs) != 0 {
			t.Fatalf("%s does not lint clean:%s", f, formatErrors(errs))
		}
	}
	return cat
}

// TestLintRules runs the rule tables: every error expected, and no other;
// and every finding of the style rules a case names.
func TestLintRules(t *testing.T) {
	cat := lintRulesCatalog(t)
	files, err := filepath.Glob(filepath.Join(lintRulesDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("got no rule tables in %s (err %v)", lintRulesDir, err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			for _, c := range readRuleCases(t, file) {
				t.Run(c.Name, func(t *testing.T) {
					all := lexdoc.Lint(decodeCase(t, c.Lexicon), cat, lexdoc.LintOptions{File: c.File}).Findings
					var got []lexdoc.Finding
					for _, f := range all {
						if c.states(f) {
							got = append(got, f)
						}
					}
					unmatched := slices.Clone(got)
					for _, want := range c.Errors {
						i := slices.IndexFunc(unmatched, func(e lexdoc.Finding) bool {
							return e.Path == want.Path && strings.Contains(e.Message, want.Message) && (want.Rule == "" || want.Rule == e.Rule)
						})
						if i < 0 {
							t.Errorf("got no error at %s containing %q; got:%s", want.Path, want.Message, formatErrors(got))
							continue
						}
						unmatched = slices.Delete(unmatched, i, i+1)
					}
					if len(unmatched) > 0 {
						t.Errorf("got unexpected errors:%s", formatErrors(unmatched))
					}
				})
			}
		})
	}
}

// FuzzLint lints arbitrary JSON: no panic, pointers well formed, and the same
// result twice.
func FuzzLint(f *testing.F) {
	f.Add([]byte(`{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{"u":{"type":"union","refs":["#x","com.example.ext#obj"]}}}}}}`))
	f.Add([]byte(`{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"permission-set","permissions":[{"type":"permission","resource":"rpc","lxm":["*"]}]}}}`))
	f.Add([]byte(`{"lexicon":1,"id":"com.example.a","defs":{"main":{"type":"query","parameters":{"type":"params","properties":{"a":{"type":"array","items":{"type":"string","format":"did","default":"x"}}}}}}}`))
	f.Add([]byte(`[1,{"defs":null}]`))
	files, _ := filepath.Glob(filepath.Join(lintRulesDir, "catalog", "*.json"))
	var docs []*lexdoc.Document
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		if doc, err := lexdoc.ParseDocument(data); err == nil {
			docs = append(docs, doc)
		}
	}
	cat := lexdoc.NewCatalog(docs...)
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := datamodel.DecodeJSON(data)
		if err != nil {
			return
		}
		errs := lint(v, cat)
		for _, e := range errs {
			if e.Path != "" && e.Path[0] != '/' || e.Message == "" {
				t.Errorf("malformed error %+v", e)
			}
		}
		if again := lint(v, cat); !slices.Equal(errs, again) {
			t.Errorf("Lint is not deterministic:%s\nthen:%s", formatErrors(errs), formatErrors(again))
		}
	})
}

func BenchmarkLintCorpus(b *testing.B) {
	dir := reference.Path(b, "atproto", "lexicons")
	cat := lexicontest.Corpus(b)
	var docs []any
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			docs = append(docs, lexicontest.ReadJSON(b, path))
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, doc := range docs {
			lint(doc, cat)
		}
	}
}

// TestLintOrder: errors come sorted by path, array indexes numerically.
func TestLintOrder(t *testing.T) {
	perms := make([]any, 12)
	for i := range perms {
		perms[i] = map[string]any{"type": "permission", "resource": "repo", "collection": []any{"*"}}
	}
	doc := map[string]any{"lexicon": json.Number("1"), "id": "com.example.perms", "defs": map[string]any{
		"main": map[string]any{"type": "permission-set", "permissions": perms},
	}}
	errs := lintErrors(doc, nil)
	if len(errs) != 12 {
		t.Fatalf("got %d errors, want 12:%s", len(errs), formatErrors(errs))
	}
	for i, e := range errs {
		if want := fmt.Sprintf("/defs/main/permissions/%d/collection/0", i); e.Path != want {
			t.Errorf("error %d: got path %s, want %s", i, e.Path, want)
		}
	}
}

// TestLintRuleTable: every finding of the rule tables names a rule of
// LintRules with its severity, and every rule is found by some case (a
// duplicate id is a set's finding, and invalid JSON a file's: packages
// service and cli find them).
func TestLintRuleTable(t *testing.T) {
	cat := lintRulesCatalog(t)
	files, err := filepath.Glob(filepath.Join(lintRulesDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("got no rule tables in %s (err %v)", lintRulesDir, err)
	}
	severity := make(map[string]lexdoc.Severity)
	for _, r := range lexdoc.LintRules() {
		severity[r.Name] = r.Severity
	}
	// Rules found elsewhere: a set's duplicate ids (service), files that
	// are not JSON (the front ends), and the size limits, whose documents
	// are too large for the tables (limits_test.go has a case for each).
	found := map[string]bool{lexdoc.RuleDuplicateID: true, lexdoc.RuleInvalidJSON: true,
		lexdoc.RuleMaxDefinitions: true, lexdoc.RuleMaxProperties: true, lexdoc.RuleMaxUnionRefs: true,
		lexdoc.RuleMaxSchemas: true, lexdoc.RuleMaxLocation: true, lexdoc.RuleMaxRefDepth: true,
		lexdoc.RuleTooManyFindings: true}
	for _, file := range files {
		for _, c := range readRuleCases(t, file) {
			for _, f := range lexdoc.Lint(decodeCase(t, c.Lexicon), cat, lexdoc.LintOptions{File: c.File}).Findings {
				sev, ok := severity[f.Rule]
				switch {
				case !ok:
					t.Errorf("%s: %s: finding %s: %s names no rule (%q)", filepath.Base(file), c.Name, f.Path, f.Message, f.Rule)
				case f.Severity != sev:
					t.Errorf("%s: %s: finding %s of rule %s: got severity %q, want %q", filepath.Base(file), c.Name, f.Path, f.Rule, f.Severity, sev)
				}
				found[f.Rule] = true
			}
		}
	}
	for _, r := range lexdoc.LintRules() {
		if !found[r.Name] {
			t.Errorf("rule %s is found by no case of %s", r.Name, lintRulesDir)
		}
		if r.Description == "" || strings.HasSuffix(r.Description, ".") {
			t.Errorf("rule %s: description %q must be one line without a final period", r.Name, r.Description)
		}
	}
}
