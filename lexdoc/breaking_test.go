package lexdoc_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/internal/lexicontest"
	"github.com/lexval/lexval/lexdoc"
)

const breakingDir = "../testdata/breaking"

// patchOp is one operation of a JSON Patch (RFC 6902).
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// compareCase is one case of testdata/breaking/cases.json (see the README
// there).
type compareCase struct {
	Name   string               `json:"name"`
	Base   string               `json:"base"`
	Setup  []patchOp            `json:"setup"`
	Patch  []patchOp            `json:"patch"`
	Swap   bool                 `json:"swap"`
	Others map[string][]patchOp `json:"others"`
	Want   []struct {
		Rule      string `json:"rule"`
		Path      string `json:"path"`
		In        string `json:"in"`
		Direction string `json:"direction"`
		Severity  string `json:"severity"`
		NSID      string `json:"nsid"`
	} `json:"want"`
}

// loadBase decodes the base lexicons, by id.
func loadBase(t *testing.T) map[string]any {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(breakingDir, "base", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("got no base lexicons (err %v)", err)
	}
	out := make(map[string]any)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		v, err := datamodel.DecodeJSON(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".json")] = v
	}
	return out
}

// applyPatch applies ops to a copy of doc.
func applyPatch(t *testing.T, doc any, ops []patchOp) any {
	t.Helper()
	doc = deepCopy(doc)
	for _, op := range ops {
		var err error
		if doc, err = patchAt(doc, strings.Split(op.Path, "/")[1:], op); err != nil {
			t.Fatalf("patch %s %s: %v", op.Op, op.Path, err)
		}
	}
	return doc
}

// patchAt applies op at the pointer tokens toks below v and returns v.
func patchAt(v any, toks []string, op patchOp) (any, error) {
	tok := strings.NewReplacer("~1", "/", "~0", "~").Replace(toks[0])
	last := len(toks) == 1
	switch x := v.(type) {
	case map[string]any:
		if !last {
			child, ok := x[tok]
			if !ok {
				return nil, fmt.Errorf("no member %q", tok)
			}
			var err error
			x[tok], err = patchAt(child, toks[1:], op)
			return x, err
		}
		_, exists := x[tok]
		switch {
		case op.Op == "remove" || op.Op == "replace":
			if !exists {
				return nil, fmt.Errorf("no member %q to %s", tok, op.Op)
			}
		case exists:
			return nil, fmt.Errorf("member %q exists: replace it", tok)
		}
		if op.Op == "remove" {
			delete(x, tok)
		} else {
			x[tok] = decodeValue(op.Value)
		}
		return x, nil
	case []any:
		i := len(x)
		if tok != "-" {
			n, err := strconv.Atoi(tok)
			if err != nil || n < 0 || n > len(x) || (n == len(x) && (op.Op != "add" || !last)) {
				return nil, fmt.Errorf("bad index %q", tok)
			}
			i = n
		}
		if !last {
			var err error
			x[i], err = patchAt(x[i], toks[1:], op)
			return x, err
		}
		switch op.Op {
		case "add":
			return slices.Insert(x, i, decodeValue(op.Value)), nil
		case "remove":
			return slices.Delete(x, i, i+1), nil
		case "replace":
			x[i] = decodeValue(op.Value)
			return x, nil
		}
	}
	return nil, fmt.Errorf("cannot %s inside %T", op.Op, v)
}

// decodeValue turns a value of encoding/json into one of
// datamodel.DecodeJSON (integers as the data model has them).
func decodeValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	out, err := datamodel.DecodeJSON(b)
	if err != nil {
		panic(err)
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		a := make([]any, len(x))
		for i, e := range x {
			a[i] = deepCopy(e)
		}
		return a
	}
	return v
}

func parse(t *testing.T, v any) *lexdoc.Document {
	t.Helper()
	doc, err := lexdoc.NewDocument(v.(map[string]any))
	if err != nil {
		t.Fatalf("NewDocument: %v", err)
	}
	return doc
}

func formatChanges(cs []lexdoc.Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "\n\t%s %s %s:%s (%s, %s): %s", c.Rule, c.NSID, c.In, c.Path, c.Direction, c.Severity, c.Message)
	}
	return b.String()
}

// TestCompareCases runs the cases of testdata/breaking: every change
// expected and no other, every rule reported by some case.
func TestCompareCases(t *testing.T) {
	base := loadBase(t)
	data, err := os.ReadFile(filepath.Join(breakingDir, "cases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []compareCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	rules := make(map[string]lexdoc.Rule)
	for _, r := range lexdoc.ChangeRules() {
		rules[r.Name] = r
	}
	reported := map[string]bool{lexdoc.ChangeDocumentRemoved: true}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			b, ok := base[c.Base]
			if !ok {
				t.Fatalf("no base lexicon %s", c.Base)
			}
			b = applyPatch(t, b, c.Setup)
			oldDoc, newDoc := parse(t, b), parse(t, applyPatch(t, b, c.Patch))
			var oldCat, newCat []*lexdoc.Document
			for id, v := range base {
				oldCat = append(oldCat, parse(t, v))
				if ops, ok := c.Others[id]; ok {
					v = applyPatch(t, v, ops)
				}
				newCat = append(newCat, parse(t, v))
			}
			opts := lexdoc.CompareOptions{OldCatalog: lexdoc.NewCatalog(oldCat...), NewCatalog: lexdoc.NewCatalog(newCat...)}
			if c.Swap {
				oldDoc, newDoc = newDoc, oldDoc
				opts.OldCatalog, opts.NewCatalog = opts.NewCatalog, opts.OldCatalog
			}
			got := lexdoc.Compare(oldDoc, newDoc, opts)
			unmatched := slices.Clone(got)
			for _, w := range c.Want {
				nsid := cmpOr(w.NSID, c.Base)
				i := slices.IndexFunc(unmatched, func(ch lexdoc.Change) bool {
					return ch.Rule == w.Rule && ch.Path == w.Path && string(ch.In) == w.In && ch.NSID == nsid &&
						(w.Direction == "" || string(ch.Direction) == w.Direction) && (w.Severity == "" || string(ch.Severity) == w.Severity)
				})
				if i < 0 {
					t.Errorf("got no %s at %s:%s in %s (direction %q, severity %q); got:%s", w.Rule, w.In, w.Path, nsid, w.Direction, w.Severity, formatChanges(got))
					continue
				}
				unmatched = slices.Delete(unmatched, i, i+1)
			}
			if len(unmatched) > 0 {
				t.Errorf("got unexpected changes:%s", formatChanges(unmatched))
			}
			for _, ch := range got {
				reported[ch.Rule] = true
				r, ok := rules[ch.Rule]
				switch {
				case !ok:
					t.Errorf("change %s names no rule", ch.Rule)
				case ch.Message == "":
					t.Errorf("change %s has no message", ch.Rule)
				case ch.Rule != "ref-changed" && ch.Direction != r.Direction:
					t.Errorf("change %s: got direction %s, want the rule's %s", ch.Rule, ch.Direction, r.Direction)
				}
			}
		})
	}
	for _, r := range lexdoc.ChangeRules() {
		if !reported[r.Name] {
			t.Errorf("rule %s is reported by no case of %s", r.Name, breakingDir)
		}
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestCompareLoosening: loosenings take the severity the author chooses;
// tightenings and what the specification forbids stay errors.
func TestCompareLoosening(t *testing.T) {
	base := loadBase(t)
	profile := base["app.bsky.actor.profile"]
	old := parse(t, profile)
	changed := applyPatch(t, profile, []patchOp{
		{Op: "replace", Path: "/defs/main/record/properties/displayName/maxLength", Value: 6400},
		{Op: "replace", Path: "/defs/main/record/properties/pronouns/maxLength", Value: 20},
	})
	for _, sev := range []lexdoc.Severity{"", lexdoc.SeverityError, lexdoc.SeverityWarning, lexdoc.SeverityInfo} {
		t.Run(cmpOr(string(sev), "default"), func(t *testing.T) {
			got := lexdoc.Compare(old, parse(t, changed), lexdoc.CompareOptions{Loosening: sev})
			if len(got) != 2 {
				t.Fatalf("got %d changes, want 2:%s", len(got), formatChanges(got))
			}
			want := cmpOr(string(sev), string(lexdoc.SeverityWarning))
			for _, ch := range got {
				switch ch.Rule {
				case "max-length-loosened":
					if string(ch.Severity) != want {
						t.Errorf("loosened: got severity %s, want %s", ch.Severity, want)
					}
				case "max-length-tightened":
					if ch.Severity != lexdoc.SeverityError {
						t.Errorf("tightened: got severity %s, want error", ch.Severity)
					}
				}
			}
			if gotBreaking, wantBreaking := lexdoc.HasBreaking(got), true; gotBreaking != wantBreaking {
				t.Errorf("HasBreaking: got %v, want %v", gotBreaking, wantBreaking)
			}
		})
	}
}

// TestCompareSets compares sets by id: a lexicon removed, one added, one
// changed; references into the set are compared once, where they are.
func TestCompareSets(t *testing.T) {
	base := loadBase(t)
	like, ref, defs := base["app.bsky.feed.like"], base["com.atproto.repo.strongRef"], base["com.atproto.moderation.defs"]
	old := []*lexdoc.Document{parse(t, like), parse(t, ref), parse(t, defs)}
	newRef := applyPatch(t, ref, []patchOp{{Op: "replace", Path: "/defs/main/properties/cid/format", Value: "did"}})
	new := []*lexdoc.Document{parse(t, like), parse(t, newRef), parse(t, base["app.bsky.actor.profile"])}
	got := lexdoc.CompareSets(old, new, lexdoc.CompareOptions{})
	want := []string{
		"format-changed com.atproto.repo.strongRef new:/defs/main/properties/cid/format",
		"document-removed com.atproto.moderation.defs old:",
	}
	var gotKeys []string
	for _, c := range got {
		gotKeys = append(gotKeys, fmt.Sprintf("%s %s %s:%s", c.Rule, c.NSID, c.In, c.Path))
	}
	slices.Sort(gotKeys)
	slices.Sort(want)
	if !slices.Equal(gotKeys, want) {
		t.Errorf("got %q, want %q:%s", gotKeys, want, formatChanges(got))
	}
}

// TestCompareKeyOrder: the same document written with its keys in another
// order has no changes.
func TestCompareKeyOrder(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(breakingDir, "base", "*.json"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatal(err)
			}
			sorted, err := json.Marshal(v) // encoding/json sorts keys
			if err != nil {
				t.Fatal(err)
			}
			if string(sorted) == string(data) {
				t.Fatal("reordering changed nothing: the test proves nothing")
			}
			a, err := lexdoc.ParseDocument(data)
			if err != nil {
				t.Fatal(err)
			}
			b, err := lexdoc.ParseDocument(sorted)
			if err != nil {
				t.Fatal(err)
			}
			if got := lexdoc.Compare(a, b, lexdoc.CompareOptions{}); len(got) != 0 {
				t.Errorf("got changes:%s", formatChanges(got))
			}
		})
	}
}

// TestCompareCorpusWithItself: every real lexicon compared with itself, its
// references followed through the corpus, has no changes; and comparing
// cycles of references ends.
func TestCompareCorpusWithItself(t *testing.T) {
	cat := lexicontest.Corpus(t)
	docs := cat.Documents()
	if got := lexdoc.CompareSets(docs, docs, lexdoc.CompareOptions{OldCatalog: cat, NewCatalog: cat}); len(got) != 0 {
		t.Errorf("got changes:%s", formatChanges(got))
	}
	for _, d := range docs {
		if got := lexdoc.Compare(d, d, lexdoc.CompareOptions{OldCatalog: cat, NewCatalog: cat}); len(got) != 0 {
			t.Errorf("%s: got changes:%s", d.ID, formatChanges(got))
		}
	}
}

func ExampleCompare() {
	old, err := lexdoc.ParseDocument([]byte(`{"lexicon":1,"id":"com.example.post","defs":{"main":{"type":"record","key":"tid",
	  "record":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":3000},"via":{"type":"string","format":"uri"}}}}}}`))
	if err != nil {
		panic(err)
	}
	new, err := lexdoc.ParseDocument([]byte(`{"lexicon":1,"id":"com.example.post","defs":{"main":{"type":"record","key":"tid",
	  "record":{"type":"object","required":["text","lang"],"properties":{"text":{"type":"string","maxLength":300},"lang":{"type":"string","format":"language"}}}}}}`))
	if err != nil {
		panic(err)
	}
	for _, c := range lexdoc.Compare(old, new, lexdoc.CompareOptions{}) {
		fmt.Printf("%s %s (%s, %s) %s:%s\n", c.Severity, c.Rule, c.Direction, c.NSID, c.In, c.Path)
	}
	// Output:
	// error required-added (old-data, com.example.post) new:/defs/main/record/properties/lang
	// error max-length-tightened (old-data, com.example.post) new:/defs/main/record/properties/text/maxLength
	// warning optional-field-removed (new-data, com.example.post) old:/defs/main/record/properties/via
}

// TestCompareSetsOneSided: a lexicon only the new set holds is reached
// through references and compared with the old catalog's version.
func TestCompareSetsOneSided(t *testing.T) {
	base := loadBase(t)
	like, ref := base["app.bsky.feed.like"], base["com.atproto.repo.strongRef"]
	newRef := applyPatch(t, ref, []patchOp{{Op: "replace", Path: "/defs/main/properties/cid/format", Value: "did"}})
	got := lexdoc.CompareSets(
		[]*lexdoc.Document{parse(t, like)},
		[]*lexdoc.Document{parse(t, like), parse(t, newRef)},
		lexdoc.CompareOptions{OldCatalog: lexdoc.NewCatalog(parse(t, ref))})
	if len(got) != 1 || got[0].Rule != "format-changed" || got[0].NSID != "com.atproto.repo.strongRef" {
		t.Errorf("got%s\nwant format-changed in com.atproto.repo.strongRef", formatChanges(got))
	}
}
