package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/validator"
)

// sameIDDocuments returns n documents with one id; every distinct-th one
// differs from the others (distinct 1: all differ).
func sameIDDocuments(t testing.TB, n, distinct int) []any {
	docs := make([]any, n)
	for i := range docs {
		docs[i] = decode(t, fmt.Sprintf(`{"lexicon":1,"id":"com.example.same","defs":{"main":{"type":"object","description":"v%d","properties":{}}}}`, i/distinct))
	}
	return docs
}

func TestLintSameID(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	tests := []struct {
		name        string
		docs        []any
		doc         int    // the document whose /id error is checked
		want        string // "" for none
		withoutErrs int    // documents with no /id error
	}{
		{"identical", sameIDDocuments(t, 500, 500), 0, "", 500},
		{"two versions", sameIDDocuments(t, 4, 2), 2, "is also the id of document 1, document 2, with different content", 0},
		{"all different", sameIDDocuments(t, 500, 1), 0, "is also the id of document 2, document 3, document 4, document 5, document 6 and 494 more, with different content", 0},
		{"all different, the last", sameIDDocuments(t, 500, 1), 499, "is also the id of document 1, document 2, document 3, document 4, document 5 and 494 more", 0},
		{"one odd", append(sameIDDocuments(t, 3, 3), decode(t, `{"lexicon":1,"id":"com.example.same","defs":{"main":{"type":"token"}}}`)), 3, "is also the id of document 1, document 2, document 3, with", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.LintSet(ctx, tt.docs, nil)
			if err != nil {
				t.Fatal(err)
			}
			without := 0
			for _, errs := range got {
				if len(errs) == 0 {
					without++
				}
			}
			if without != tt.withoutErrs {
				t.Errorf("got %d documents without errors, want %d", without, tt.withoutErrs)
			}
			msg := ""
			for _, e := range got[tt.doc] {
				if e.Path == "/id" {
					msg = e.Message
				}
			}
			if tt.want == "" && msg != "" || !strings.Contains(msg, tt.want) {
				t.Errorf("document %d: got %q at /id, want %q", tt.doc+1, msg, tt.want)
			}
		})
	}
}

// TestLintSameIDLinear: documents sharing an id cost in proportion to their
// number: twice the documents, about twice the allocations (comparing each
// with each, as before, grew with the square).
func TestLintSameIDLinear(t *testing.T) {
	s := newTestService(t)
	allocs := func(n int) float64 {
		docs := sameIDDocuments(t, n, 1)
		return testing.AllocsPerRun(2, func() {
			if _, err := s.LintSet(context.Background(), docs, nil); err != nil {
				t.Fatal(err)
			}
		})
	}
	small, large := allocs(200), allocs(400)
	if large > 2.3*small {
		t.Errorf("linting 400 documents with one id allocated %.0f times, 200 %.0f: want about twice", large, small)
	}
}

// BenchmarkLintSameID lints n documents that share an id, each different. Run:
//
//	go test ./service -run '^$' -bench LintSameID -benchmem
func BenchmarkLintSameID(b *testing.B) {
	s := newTestService(b)
	for _, n := range []int{125, 250, 500, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			docs := sameIDDocuments(b, n, 1)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.LintSet(context.Background(), docs, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// chainDraft is a record whose references chain through n definitions.
func chainDraft(n int) string {
	var b strings.Builder
	b.WriteString(`{"lexicon":1,"id":"com.example.chain","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{"next":{"type":"ref","ref":"#d0"}}}}`)
	for i := range n - 1 {
		fmt.Fprintf(&b, `,"d%d":{"type":"object","properties":{"next":{"type":"ref","ref":"#d%d"}}}`, i, i+1)
	}
	fmt.Fprintf(&b, `,"d%d":{"type":"object","properties":{}}}}`, n-1)
	return b.String()
}

// TestDraftOverLimits: a draft over a limit gets its lint errors, with the
// limit's numbers, as the verdict; the record is not checked, and nothing
// of JSON Schema shows.
func TestDraftOverLimits(t *testing.T) {
	s := newTestService(t)
	tests := []struct {
		name, doc, rule, want string
	}{
		{"chain of 5,000", chainDraft(5000), lexdoc.RuleMaxDefinitions, "defs has 5,001 definitions, more than the 1,000 a lexicon may have"},
		{"chain of 500", chainDraft(500), lexdoc.RuleMaxRefDepth, "references from main pass through a chain of 500 definitions, more than the 128"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.ValidateDocument(context.Background(), decode(t, tt.doc), "", "", validator.Options{}, decode(t, `{"$type":"com.example.chain"}`), validator.Limits{})
			if err != nil {
				t.Fatalf("ValidateDocument: %v, want a verdict", err)
			}
			if r.Valid || r.Checker != nil {
				t.Errorf("got valid %v, checked %v: want invalid, unchecked", r.Valid, r.Checker != nil)
			}
			found := false
			for _, f := range r.SchemaErrors {
				found = found || f.Rule == tt.rule && strings.Contains(f.Message, tt.want)
				if strings.Contains(f.Message, "jsonschema") || strings.Contains(f.Message, "urn:") {
					t.Errorf("schema error %q speaks of JSON Schema", f.Message)
				}
			}
			if !found {
				t.Errorf("got schema errors %v, want a %s one saying %q", r.SchemaErrors, tt.rule, tt.want)
			}
		})
	}
}

// TestDraftCompileOutOfTime: a draft prepared for a request whose context
// has ended is not blamed on the document: the context's cause comes back.
func TestDraftCompileOutOfTime(t *testing.T) {
	s := newTestService(t)
	cause := errors.New("out of time")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(cause)
	_, _, err := s.PrepareDocument(ctx, decode(t, chainDraft(10)), "", "", validator.Options{})
	if !errors.Is(err, cause) || errors.Is(err, validator.ErrInvalidLexicon) {
		t.Errorf("PrepareDocument: got %v, want the context's cause only", err)
	}
}
