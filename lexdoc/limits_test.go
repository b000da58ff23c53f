package lexdoc_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

// TestLimitsCorpus measures the sizes the limits bound in the 402 real
// lexicons, and holds each limit at least four times above the largest.
func TestLimitsCorpus(t *testing.T) {
	dir := lexicontest.CorpusDir(t)
	var most [5]int
	var where [5]string
	lexicontest.EachFile(t, dir, func(path string, data []byte) {
		v, err := datamodel.DecodeJSON(data)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i, n := range lexdoc.Sizes(v.(map[string]any)) {
			if n > most[i] {
				most[i], where[i] = n, filepath.Base(path)
			}
		}
	})
	cat := lexicontest.Corpus(t)
	depth, deepest := 0, ""
	for _, doc := range cat.Documents() {
		for name, def := range doc.Defs {
			if d := cat.RefDepth(def); d > depth {
				depth, deepest = d, string(doc.ID)+"#"+name
			}
		}
	}
	for _, c := range []struct {
		name      string
		most, max int
		where     string
	}{
		{"definitions", most[0], lexdoc.MaxDefinitions, where[0]},
		{"schemas", most[1], lexdoc.MaxSchemas, where[1]},
		{"properties", most[2], lexdoc.MaxProperties, where[2]},
		{"union refs", most[3], lexdoc.MaxUnionRefs, where[3]},
		{"location bytes", most[4], lexdoc.MaxLocation, where[4]},
		{"ref depth", depth, lexdoc.MaxRefDepth, deepest},
	} {
		t.Logf("%s: at most %d (%s), limit %d", c.name, c.most, c.where, c.max)
		if c.most == 0 || c.most*4 > c.max {
			t.Errorf("%s: the corpus has up to %d, want at least 1 and at most a quarter of the limit %d", c.name, c.most, c.max)
		}
	}
}

// limitDocument builds a lexicon document around defs (JSON members).
func limitDocument(defs string) string {
	return `{"lexicon":1,"id":"com.example.limits","defs":{` + defs + `}}`
}

func repeatJoin(n int, f func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = f(i)
	}
	return strings.Join(parts, ",")
}

func objectDefs(n, props int) string {
	return repeatJoin(n, func(i int) string {
		return fmt.Sprintf(`"d%d":{"type":"object","properties":{%s}}`, i, repeatJoin(props, func(j int) string {
			return fmt.Sprintf(`"p%d":{"type":"string"}`, j)
		}))
	})
}

// chainDefs is main, referring to d0, which refers to d1, ..., to d(n-2).
func chainDefs(n int) string {
	defs := []string{`"main":{"type":"object","properties":{"next":{"type":"ref","ref":"#d0"}}}`}
	for i := range n - 1 {
		next := ""
		if i < n-2 {
			next = fmt.Sprintf(`"next":{"type":"ref","ref":"#d%d"}`, i+1)
		}
		defs = append(defs, fmt.Sprintf(`"d%d":{"type":"object","properties":{%s}}`, i, next))
	}
	return strings.Join(defs, ",")
}

func TestLimits(t *testing.T) {
	longName := strings.Repeat("n", 1100)
	tests := []struct {
		name string
		defs string
		// rule, path and message of the one limit finding; rule "" for none.
		rule, path, message string
		// parses: ParseDocument accepts the document (the depth of
		// references is the compiler's to refuse).
		parses bool
	}{
		{"definitions at the limit", objectDefs(lexdoc.MaxDefinitions, 1), "", "", "", true},
		{"definitions over", objectDefs(lexdoc.MaxDefinitions+1, 1), lexdoc.RuleMaxDefinitions, "/defs",
			"defs has 1,001 definitions, more than the 1,000 a lexicon may have", false},
		{"properties at the limit", objectDefs(1, lexdoc.MaxProperties), "", "", "", true},
		{"properties over", objectDefs(1, lexdoc.MaxProperties+1), lexdoc.RuleMaxProperties, "/defs/d0/properties",
			"properties has 1,001 entries, more than the 1,000 an object may have", false},
		{"union refs over", `"main":{"type":"object","properties":{"u":{"type":"union","refs":[` +
			repeatJoin(lexdoc.MaxUnionRefs+1, func(int) string { return `"#v"` }) + `]}}},"v":{"type":"object","properties":{}}`,
			lexdoc.RuleMaxUnionRefs, "/defs/main/properties/u/refs", "refs has 1,001 entries, more than the 1,000 a union may have", false},
		{"schemas at the limit", objectDefs(10, lexdoc.MaxSchemas/10-1), "", "", "", true},
		{"schemas over", objectDefs(10, lexdoc.MaxSchemas/10), lexdoc.RuleMaxSchemas, "/defs",
			"the document has 10,010 schemas, more than the 10,000 a lexicon may have", false},
		{"location over", `"main":{"type":"object","properties":{"` + longName + `":{"type":"object","properties":{"a":{"type":"string"}}}}}`,
			lexdoc.RuleMaxLocation, "/defs/main",
			"a schema inside it is written 1,122 bytes deep into the document (its JSON Pointer), more than the 1,024", false},
		{"ref depth at the limit", chainDefs(lexdoc.MaxRefDepth + 1), "", "", "", true},
		{"ref depth over", chainDefs(lexdoc.MaxRefDepth + 2), lexdoc.RuleMaxRefDepth, "/defs/main",
			"references from main pass through a chain of 129 definitions, more than the 128 a chain may have", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := limitDocument(tt.defs)
			doc, err := datamodel.DecodeJSON([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			var limits []lexdoc.Finding
			for _, f := range lexdoc.Lint(doc, nil, lexdoc.LintOptions{}).Findings {
				if strings.HasPrefix(f.Rule, "max-") {
					limits = append(limits, f)
				}
			}
			switch {
			case tt.rule == "" && len(limits) > 0:
				t.Errorf("got limit findings %v, want none", limits)
			case tt.rule != "" && len(limits) != 1:
				t.Errorf("got limit findings %v, want one %s", limits, tt.rule)
			case tt.rule != "":
				f := limits[0]
				if f.Rule != tt.rule || f.Path != tt.path || !strings.Contains(f.Message, tt.message) || f.Severity != lexdoc.SeverityError {
					t.Errorf("got %s at %s (%s): %q, want %s at %s: %q", f.Rule, f.Path, f.Severity, f.Message, tt.rule, tt.path, tt.message)
				}
			}
			_, err = lexdoc.ParseDocument([]byte(src))
			if tt.parses && err != nil {
				t.Errorf("ParseDocument: %v, want no error", err)
			}
			if !tt.parses && (!errors.Is(err, lexdoc.ErrLimit) || !errors.Is(err, lexdoc.ErrInvalidLexicon) || !strings.Contains(err.Error(), tt.message)) {
				t.Errorf("ParseDocument: got %v, want an ErrLimit saying %q", err, tt.message)
			}
		})
	}
}

func TestRefDepth(t *testing.T) {
	other := lexicontest.Parse(t, `{"lexicon":1,"id":"com.example.other","defs":{
	  "leaf":{"type":"object","properties":{}},
	  "mid":{"type":"object","properties":{"l":{"type":"ref","ref":"#leaf"}}}}}`)
	doc := lexicontest.Parse(t, `{"lexicon":1,"id":"com.example.depth","defs":{
	  "none":{"type":"object","properties":{"s":{"type":"string"}}},
	  "one":{"type":"object","properties":{"n":{"type":"ref","ref":"#none"}}},
	  "self":{"type":"object","properties":{"me":{"type":"ref","ref":"#self"}}},
	  "a":{"type":"object","properties":{"b":{"type":"ref","ref":"#b"}}},
	  "b":{"type":"object","properties":{"c":{"type":"ref","ref":"#c"},"a":{"type":"array","items":{"type":"ref","ref":"#a"}}}},
	  "c":{"type":"object","properties":{"n":{"type":"ref","ref":"#one"}}},
	  "across":{"type":"object","properties":{"u":{"type":"union","refs":["com.example.other#mid","#none"]}}},
	  "missing":{"type":"object","properties":{"m":{"type":"ref","ref":"com.example.nowhere#x"}}},
	  "main":{"type":"query","output":{"encoding":"application/json","schema":{"type":"ref","ref":"#a"}}}}}`)
	cat := lexdoc.NewCatalog(doc, other)
	tests := []struct {
		def  string
		want int
	}{
		{"none", 0},
		{"one", 1},
		{"self", 1},    // the cycle counts once
		{"across", 2},  // other#mid, then other#leaf
		{"c", 2},       // one, none
		{"b", 5},       // a and b (a cycle: its two count), then c, one, none
		{"missing", 0}, // an unresolved reference ends the chain
		{"main", 5},    // a and b (a cycle), c, one, none
	}
	for _, tt := range tests {
		t.Run(tt.def, func(t *testing.T) {
			if got := cat.RefDepth(doc.Defs[tt.def]); got != tt.want {
				t.Errorf("RefDepth(%s) = %d, want %d", tt.def, got, tt.want)
			}
		})
	}
}

// errAfter is a context that ends at its n-th look (Err), counting looks.
type errAfter struct {
	context.Context
	n, looks atomic.Int64
}

func (c *errAfter) Err() error {
	if c.looks.Add(1) >= c.n.Load() {
		return context.Canceled
	}
	return nil
}

// TestLintContextStops lints a large document with a context that ends at
// its second look: the walk stops there, and allocates a small part of what
// a whole lint does.
func TestLintContextStops(t *testing.T) {
	doc, err := datamodel.DecodeJSON([]byte(limitDocument(objectDefs(8, 900))))
	if err != nil {
		t.Fatal(err)
	}
	whole := testing.AllocsPerRun(1, func() {
		if _, err := lexdoc.LintContext(context.Background(), doc, nil, lexdoc.LintOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	var ctx *errAfter
	stopped := testing.AllocsPerRun(1, func() {
		ctx = &errAfter{Context: context.Background()}
		ctx.n.Store(2)
		if _, err := lexdoc.LintContext(ctx, doc, nil, lexdoc.LintOptions{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("LintContext: got %v, want context.Canceled", err)
		}
	})
	if got := ctx.looks.Load(); got != 2 {
		t.Errorf("the context was looked at %d times, want 2", got)
	}
	if stopped*10 > whole {
		t.Errorf("a lint stopped at its second look allocated %.0f times, a whole one %.0f: want less than a tenth", stopped, whole)
	}
}

// TestLintMaxFindings: lint lists at most MaxFindings findings a document,
// errors before lesser ones, and counts the rest in one too-many-findings
// finding, an error only when errors were left out.
func TestLintMaxFindings(t *testing.T) {
	// Definition "a" has 30 badly named properties (field-name-style
	// warnings, found first); "b" has errs misspelt constraints
	// (unknown-field errors).
	doc := func(errs int) any {
		a := repeatJoin(30, func(i int) string { return fmt.Sprintf(`"Bad_%d":{"type":"integer"}`, i) })
		b := repeatJoin(errs, func(i int) string { return fmt.Sprintf(`"p%d":{"type":"boolean","maxLenght":1}`, i) })
		v, err := datamodel.DecodeJSON([]byte(limitDocument(`"a":{"type":"object","properties":{` + a + `}},"b":{"type":"object","properties":{` + b + `}}`)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	count := func(fs []lexdoc.Finding, rule string) (n int) {
		for _, f := range fs {
			if f.Rule == rule {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct {
		name           string
		errs, max      int
		ignore         []string
		wantErrors     int // unknown-field findings listed
		wantWarnings   int // field-name-style findings listed
		wantSummary    lexdoc.Severity
		wantSummaryMsg string
	}{
		{"under the limit", 5, 100, nil, 5, 30, "", ""},
		{"warnings past the limit", 0, 10, nil, 0, 10, lexdoc.SeverityWarning, "20 more findings are not listed (0 errors, 20 warnings, 0 information)"},
		{"errors displace warnings", 5, 10, nil, 5, 5, lexdoc.SeverityWarning, "25 more findings are not listed (0 errors, 25 warnings, 0 information)"},
		{"errors past the limit", 20, 10, nil, 10, 0, lexdoc.SeverityError, "40 more findings are not listed (10 errors, 30 warnings, 0 information)"},
		{"ignored findings do not count", 5, 10, []string{"field-name-style"}, 5, 0, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := lexdoc.Lint(doc(tc.errs), nil, lexdoc.LintOptions{MaxFindings: tc.max, Ignore: tc.ignore})
			if got := count(r.Findings, "unknown-field"); got != tc.wantErrors {
				t.Errorf("got %d unknown-field findings, want %d", got, tc.wantErrors)
			}
			if got := count(r.Findings, "field-name-style"); got != tc.wantWarnings {
				t.Errorf("got %d field-name-style findings, want %d", got, tc.wantWarnings)
			}
			if r.Valid != (tc.errs == 0) {
				t.Errorf("Valid %v with %d errors in the document", r.Valid, tc.errs)
			}
			last := r.Findings[len(r.Findings)-1]
			switch {
			case tc.wantSummary == "" && count(r.Findings, lexdoc.RuleTooManyFindings) != 0:
				t.Errorf("unexpected %s finding: %s", lexdoc.RuleTooManyFindings, last.Message)
			case tc.wantSummary == "":
			case last.Rule != lexdoc.RuleTooManyFindings || last.Severity != tc.wantSummary || !strings.HasPrefix(last.Message, tc.wantSummaryMsg):
				t.Errorf("last finding %+v, want a %s %s saying %q", last, tc.wantSummary, lexdoc.RuleTooManyFindings, tc.wantSummaryMsg)
			case len(r.Findings) != tc.max+1:
				t.Errorf("got %d findings, want %d and the count of the rest", len(r.Findings), tc.max)
			}
		})
	}

	// The default bounds a document with far more findings.
	// (MaxProperties errors and 30 warnings: over the default, within the
	// limits.)
	big := lexdoc.Lint(doc(lexdoc.MaxProperties), nil, lexdoc.LintOptions{})
	if n := len(big.Findings); n != lexdoc.DefaultMaxFindings+1 || big.Findings[n-1].Rule != lexdoc.RuleTooManyFindings {
		t.Errorf("a document with %d findings: got %d listed, want %d and the count of the rest", lexdoc.MaxProperties+30, n, lexdoc.DefaultMaxFindings)
	}
}
