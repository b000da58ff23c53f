package service

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ipfs/go-cid"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/validator"
)

const (
	refreshSession    = "com.atproto.server.refreshSession"
	refreshSessionURI = "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession"
	refreshSessionCID = "bafyreigcy4ovht4rgredjpr53i4zgkxkvfdcmhhvhra5d3hffxwh2fhjne"
	lexiconSchemaCID  = "bafyreigtmtzisxiuao4kcswgnbud7wmpkcnsdb6h2kenhbnaolsx7bpiq4"
)

// testLexicons are written to a temporary directory for each test.
var testLexicons = map[string]string{
	"com.example.note": `{"lexicon":1,"id":"com.example.note","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":10},"tag":{"type":"ref","ref":"#tag"},"extra":{"type":"ref","ref":"com.example.missing"}}}},"tag":{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}}}`,
	"com.example.echo": `{"lexicon":1,"id":"com.example.echo","defs":{"main":{"type":"procedure","input":{"encoding":"application/json","schema":{"type":"object","properties":{"message":{"type":"string"}}}},"output":{"encoding":"application/json","schema":{"type":"object","properties":{"echo":{"type":"string"}}}}}}}`,
}

// writeLexicons writes docs (by NSID) as files of a new directory.
func writeLexicons(t testing.TB, docs map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for nsid, doc := range docs {
		if err := os.WriteFile(filepath.Join(dir, nsid+".json"), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newTestService(t testing.TB, dirs ...string) *Service {
	t.Helper()
	if dirs == nil {
		dirs = []string{writeLexicons(t, testLexicons)}
	}
	res, err := resolver.New(resolver.Config{Directories: dirs})
	if err != nil {
		t.Fatalf("resolver.New: %v", err)
	}
	return New(res)
}

func mustRef(t testing.TB, s string) SchemaRef {
	t.Helper()
	ref, err := ParseSchemaRef(s)
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func mustCID(t testing.TB, s string) cid.Cid {
	t.Helper()
	c, err := cid.Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func decode(t testing.TB, s string) any {
	t.Helper()
	v, err := datamodel.DecodeJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPrepare(t *testing.T) {
	s := newTestService(t)
	tests := []struct {
		name       string
		schema     string
		pin        string
		target     validator.Target
		wantTarget validator.Target
		wantInfo   SchemaInfo
		wantCode   Code
		wantInMsg  []string
	}{
		{
			name: "NSID, default target", schema: refreshSession, wantTarget: validator.TargetOutput,
			wantInfo: SchemaInfo{URI: refreshSessionURI, CID: refreshSessionCID, NSID: refreshSession, Def: "main", Source: resolver.SourceEmbedded},
		},
		{
			name: "AT-URI with matching pin", schema: refreshSessionURI, pin: refreshSessionCID, wantTarget: validator.TargetOutput,
			wantInfo: SchemaInfo{URI: refreshSessionURI, CID: refreshSessionCID, NSID: refreshSession, Def: "main", Source: resolver.SourceEmbedded},
		},
		{name: "record default", schema: "com.example.note", wantTarget: validator.TargetRecord},
		{name: "object def", schema: "com.example.note#tag", wantTarget: validator.TargetObject},
		{name: "explicit target", schema: "com.example.echo", target: validator.TargetInput, wantTarget: validator.TargetInput},
		{name: "ambiguous target", schema: "com.example.echo", wantCode: CodeInvalidRequest, wantInMsg: []string{"input", "output"}},
		{name: "target not offered", schema: refreshSession, target: validator.TargetInput, wantCode: CodeInvalidRequest, wantInMsg: []string{"input", "output"}},
		{name: "pinned CID differs", schema: refreshSession, pin: lexiconSchemaCID, wantCode: CodeCIDMismatch, wantInMsg: []string{refreshSessionCID, lexiconSchemaCID}},
		{name: "unknown lexicon", schema: "com.example.nothing", wantCode: CodeNotFound, wantInMsg: []string{"com.example.nothing"}},
		{name: "unknown definition", schema: "com.example.note#nothing", wantCode: CodeNotFound, wantInMsg: []string{"nothing"}},
		{name: "unknown AT-URI", schema: "at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.example.nothing", wantCode: CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := Request{Schema: mustRef(t, tt.schema), Target: tt.target}
			if tt.pin != "" {
				req.CID = mustCID(t, tt.pin)
			}
			c, err := s.Prepare(context.Background(), req)
			if tt.wantCode != "" {
				if err == nil {
					t.Fatalf("got a checker for %s, want an error with code %s", tt.schema, tt.wantCode)
				}
				if got := ErrorCode(err); got != tt.wantCode {
					t.Errorf("got code %s (%v), want %s", got, err, tt.wantCode)
				}
				for _, w := range tt.wantInMsg {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("got message %q, want it to mention %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("Prepare: %v", err)
			}
			if c.Target != tt.wantTarget {
				t.Errorf("got target %s, want %s", c.Target, tt.wantTarget)
			}
			if tt.wantInfo != (SchemaInfo{}) && c.Info != tt.wantInfo {
				t.Errorf("got info %+v, want %+v", c.Info, tt.wantInfo)
			}
		})
	}
}

func TestCheckerValidates(t *testing.T) {
	s := newTestService(t)
	c, err := s.Prepare(context.Background(), Request{Schema: mustRef(t, refreshSession)})
	if err != nil {
		t.Fatal(err)
	}
	valid := c.Validate(decode(t, `{"accessJwt":"a","refreshJwt":"b","handle":"alice.example.com","did":"did:plc:6msi3pj7krzih5qxqtryxlzw"}`))
	if !valid.Valid {
		t.Errorf("got errors %v, want a valid session", valid.Errors)
	}
	invalid := c.Validate(decode(t, `{"refreshJwt":"b","handle":"alice.example.com","did":"plc:nope"}`))
	var paths []string
	for _, e := range invalid.Errors {
		paths = append(paths, e.Path)
	}
	if invalid.Valid || strings.Join(paths, " ") != "/accessJwt /did" {
		t.Errorf("got valid=%v paths %q, want invalid at /accessJwt /did", invalid.Valid, paths)
	}
}

func TestPrepareOptions(t *testing.T) {
	s := newTestService(t)
	value := decode(t, `{"$type":"com.example.note","text":"hi","extra":{}}`)
	tests := []struct {
		name           string
		opts           validator.Options
		wantValid      bool
		wantUnresolved int
	}{
		{name: "unresolved is invalid by default", wantValid: false},
		{name: "allowUnresolved lists the skipped ref", opts: validator.Options{AllowUnresolved: true}, wantValid: true, wantUnresolved: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.Prepare(context.Background(), Request{Schema: mustRef(t, "com.example.note"), Options: tt.opts})
			if err != nil {
				t.Fatal(err)
			}
			r := c.Validate(value)
			if r.Valid != tt.wantValid || len(r.Unresolved) != tt.wantUnresolved {
				t.Errorf("got valid=%v unresolved=%v errors=%v, want valid=%v with %d unresolved", r.Valid, r.Unresolved, r.Errors, tt.wantValid, tt.wantUnresolved)
			}
		})
	}
}

// TestPrepareReusesCheckers checks that a repeated request is answered from
// the checker cache, and that the cache stops growing at its bound.
func TestPrepareReusesCheckers(t *testing.T) {
	res, err := resolver.New(resolver.Config{Directories: []string{writeLexicons(t, testLexicons)}})
	if err != nil {
		t.Fatal(err)
	}
	s := NewWithOptions(res, Options{CheckerCacheSize: 2})
	ctx := context.Background()
	req := Request{Schema: mustRef(t, refreshSession)}
	a, err := s.Prepare(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Prepare(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Error("got two checkers for one request, want the cached one")
	}
	for _, r := range []string{"com.example.note", "com.example.note#tag", refreshSessionURI} {
		if _, err := s.Prepare(ctx, Request{Schema: mustRef(t, r)}); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.numCheckers.Load(); n != 2 {
		t.Errorf("got %d cached checkers, want the bound, 2", n)
	}
}

// TestOverriddenEmbeddedRecord: a directory document overrides an embedded
// lexicon for its NSID, but the embedded record's AT-URI still names the
// published record, compiled as published.
func TestOverriddenEmbeddedRecord(t *testing.T) {
	override := `{"lexicon":1,"id":"com.atproto.server.refreshSession","defs":{"main":{"type":"procedure","output":{"encoding":"application/json","schema":{"type":"object","required":["only"],"properties":{"only":{"type":"string"}}}}}}}`
	s := newTestService(t, writeLexicons(t, map[string]string{refreshSession: override}))
	ctx := context.Background()
	value := decode(t, `{"only":"x"}`)

	byNSID, err := s.Prepare(ctx, Request{Schema: mustRef(t, refreshSession)})
	if err != nil {
		t.Fatal(err)
	}
	if byNSID.Info.CID == refreshSessionCID || byNSID.Info.URI != "" {
		t.Errorf("by NSID: got %+v, want the directory document", byNSID.Info)
	}
	if r := byNSID.Validate(value); !r.Valid {
		t.Errorf("by NSID: got errors %v, want the directory document's rules", r.Errors)
	}

	byURI, err := s.Prepare(ctx, Request{Schema: mustRef(t, refreshSessionURI)})
	if err != nil {
		t.Fatal(err)
	}
	if byURI.Info.CID != refreshSessionCID {
		t.Errorf("by AT-URI: got CID %s, want the published %s", byURI.Info.CID, refreshSessionCID)
	}
	if r := byURI.Validate(value); r.Valid {
		t.Error("by AT-URI: got valid, want the published rules (accessJwt etc. required)")
	}
}

func TestLookup(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	rec, err := s.Lookup(ctx, mustRef(t, refreshSession), cid.Undef)
	if err != nil {
		t.Fatal(err)
	}
	if rec.CID.String() != refreshSessionCID || string(rec.URI) != refreshSessionURI {
		t.Errorf("got %s %s, want %s %s", rec.URI, rec.CID, refreshSessionURI, refreshSessionCID)
	}
	if _, err := s.Lookup(ctx, mustRef(t, refreshSession), mustCID(t, lexiconSchemaCID)); ErrorCode(err) != CodeCIDMismatch {
		t.Errorf("pinned lookup: got %v, want a CID mismatch", err)
	}
	if _, err := s.Lookup(ctx, mustRef(t, "com.example.nothing"), cid.Undef); ErrorCode(err) != CodeNotFound {
		t.Errorf("unknown lookup: got %v, want not found", err)
	}
	// A reference to a definition names nothing when the lexicon lacks it.
	for _, ref := range []string{refreshSession + "#zzz", refreshSessionURI + "#zzz", "com.example.note#nothing"} {
		if _, err := s.Lookup(ctx, mustRef(t, ref), cid.Undef); ErrorCode(err) != CodeNotFound || !strings.Contains(err.Error(), `no definition "`) {
			t.Errorf("%s: got %v, want not found, naming the definition", ref, err)
		}
	}
	for _, ref := range []string{"com.example.note#tag", refreshSessionURI} {
		if _, err := s.Lookup(ctx, mustRef(t, ref), cid.Undef); err != nil {
			t.Errorf("%s: got %v, want the record", ref, err)
		}
	}
}

func TestLint(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	clean := decode(t, `{"lexicon":1,"id":"com.example.draft","defs":{"main":{"type":"object","properties":{"note":{"type":"ref","ref":"com.example.note"}}}}}`)
	broken := decode(t, `{"lexicon":2,"id":"com.example.broken","defs":{"main":{"type":"object","properties":{"n":{"type":"integer","minimum":5,"maximum":1}}}}}`)
	a := decode(t, `{"lexicon":1,"id":"com.example.pair.a","defs":{"main":{"type":"object","properties":{"b":{"type":"ref","ref":"com.example.pair.b"}}}}}`)
	b := decode(t, `{"lexicon":1,"id":"com.example.pair.b","defs":{"main":{"type":"object","properties":{"a":{"type":"ref","ref":"com.example.pair.a"}}}}}`)

	tests := []struct {
		name      string
		docs      []any
		wantClean []bool
	}{
		{name: "clean, referencing the local catalog", docs: []any{clean}, wantClean: []bool{true}},
		{name: "broken", docs: []any{broken}, wantClean: []bool{false}},
		{name: "a reference nobody supplies", docs: []any{a}, wantClean: []bool{false}},
		{name: "documents supply each other", docs: []any{a, b}, wantClean: []bool{true, true}},
		{name: "not a document", docs: []any{"lexicon", clean}, wantClean: []bool{false, true}},
		{name: "two documents with one id", docs: []any{a, b, decode(t, `{"lexicon":1,"id":"com.example.pair.a","defs":{"main":{"type":"token"}}}`)}, wantClean: []bool{false, true, false}},
		{name: "one document twice", docs: []any{clean, clean}, wantClean: []bool{true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.LintSet(ctx, tt.docs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.docs) {
				t.Fatalf("got %d results, want %d", len(got), len(tt.docs))
			}
			for i, errs := range got {
				if errs == nil {
					t.Errorf("document %d: got nil errors, want a non-nil slice", i)
				}
				if clean := len(errs) == 0; clean != tt.wantClean[i] {
					t.Errorf("document %d: got errors %v, want clean=%v", i, errs, tt.wantClean[i])
				}
			}
		})
	}
	if _, err := s.LintSet(ctx, nil, nil); ErrorCode(err) != CodeInvalidRequest {
		t.Errorf("no documents: got %v, want an invalid request", err)
	}
}

// TestPrepareDocumentCID: an unpublished document gets the CID it would have
// once published: refreshSession without its $type gets the real one.
func TestPrepareDocumentCID(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	rec, err := s.Lookup(ctx, mustRef(t, refreshSession), cid.Undef)
	if err != nil {
		t.Fatal(err)
	}
	doc := decode(t, string(rec.Value)).(map[string]any)
	delete(doc, "$type")
	before := maps.Clone(doc)

	c, lint, err := s.PrepareDocument(ctx, doc, "", "", validator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Info.CID != refreshSessionCID {
		t.Errorf("got CID %s, want the published %s", c.Info.CID, refreshSessionCID)
	}
	if c.Info.URI != "" || c.Info.NSID != refreshSession || c.Info.Def != "main" || c.Target != validator.TargetOutput {
		t.Errorf("got %+v target %s, want no URI, %s#main, output", c.Info, c.Target, refreshSession)
	}
	if len(lint) != 0 {
		t.Errorf("got lint errors %v, want none", lint)
	}
	if _, has := doc["$type"]; has || len(doc) != len(before) {
		t.Error("PrepareDocument changed the caller's document")
	}
}

func TestPrepareDocument(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	draft := `{"lexicon":1,"id":"com.example.draft","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":5},"tag":{"type":"ref","ref":"com.example.note#tag"}}}},"side":{"type":"object","properties":{"n":{"type":"integer"}}}}}`
	tests := []struct {
		name       string
		doc        string
		def        string
		target     validator.Target
		value      string
		wantValid  bool
		wantLint   bool
		wantCode   Code
		wantTarget validator.Target
	}{
		{name: "record", doc: draft, value: `{"$type":"com.example.draft","text":"hi","tag":{"name":"x"}}`, wantValid: true, wantTarget: validator.TargetRecord},
		{name: "record invalid", doc: draft, value: `{"$type":"com.example.draft","text":"too long","tag":{}}`, wantValid: false, wantTarget: validator.TargetRecord},
		{name: "named def", doc: draft, def: "side", value: `{"n":1}`, wantValid: true, wantTarget: validator.TargetObject},
		{name: "lint errors beside a usable schema", doc: `{"lexicon":1,"id":"com.example.minmax","defs":{"main":{"type":"object","properties":{"n":{"type":"integer","minimum":5,"maximum":1}}}}}`, value: `{}`, wantValid: true, wantLint: true, wantTarget: validator.TargetObject},
		{name: "not an object", doc: `["lexicon"]`, wantCode: CodeInvalidRequest},
		{name: "no id", doc: `{"lexicon":1,"defs":{}}`, wantCode: CodeInvalidRequest},
		{name: "floats cannot be published", doc: `{"lexicon":1,"id":"com.example.f","x":1.5,"defs":{"main":{"type":"object","properties":{}}}}`, wantCode: CodeInvalidRequest},
		{name: "unknown def", doc: draft, def: "nothing", wantCode: CodeInvalidRequest},
		{name: "bad def name", doc: draft, def: "no/slash", wantCode: CodeInvalidRequest},
		{name: "target not offered", doc: draft, target: validator.TargetOutput, wantCode: CodeInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, lint, err := s.PrepareDocument(ctx, decode(t, tt.doc), tt.def, tt.target, validator.Options{})
			if tt.wantCode != "" {
				if got := ErrorCode(err); got != tt.wantCode {
					t.Fatalf("got %v (code %q), want code %s", err, got, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (len(lint) > 0) != tt.wantLint {
				t.Errorf("got lint errors %v, want some=%v", lint, tt.wantLint)
			}
			if c.Target != tt.wantTarget {
				t.Errorf("got target %s, want %s", c.Target, tt.wantTarget)
			}
			if r := c.Validate(decode(t, tt.value)); r.Valid != tt.wantValid {
				t.Errorf("got valid=%v errors=%v, want valid=%v", r.Valid, r.Errors, tt.wantValid)
			}
		})
	}
}

// TestAllowUnresolvedDocument: with AllowUnresolved, a reference that
// neither the document nor the catalog resolves is no lint error, so an
// unpublished document answers valid, valid with unresolved references or
// invalid as a published schema does.
func TestAllowUnresolvedDocument(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	// Every kind of reference that cannot be resolved, one that can, and a
	// malformed one (an error whatever the options).
	doc := `{"lexicon":1,"id":"com.example.draft","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","properties":{` +
		`"lexicon":{"type":"ref","ref":"com.example.missing#thing"},` +
		`"def":{"type":"ref","ref":"com.example.note#nothing"},` +
		`"local":{"type":"ref","ref":"#nothing"},` +
		`"union":{"type":"union","refs":["com.example.gone","com.example.note#tag"]},` +
		`"fine":{"type":"ref","ref":"com.example.note#tag"},` +
		`"n":{"type":"integer"}}}}}}`
	malformed := `{"lexicon":1,"id":"com.example.draft","defs":{"main":{"type":"object","properties":{"x":{"type":"ref","ref":"not a ref"}}}}}`
	unresolvedPaths := []string{
		"/defs/main/record/properties/def/ref",
		"/defs/main/record/properties/lexicon/ref",
		"/defs/main/record/properties/local/ref",
		"/defs/main/record/properties/union/refs/0",
	}
	unresolvedRefs := []string{"com.example.note#nothing", "com.example.missing#thing", "com.example.draft#nothing", "com.example.gone"}

	t.Run("lint", func(t *testing.T) {
		tests := []struct {
			name           string
			doc            string
			allow          bool
			wantValid      bool
			wantErrors     []string
			wantUnresolved []string
		}{
			{name: "refused", doc: doc, wantErrors: unresolvedPaths},
			{name: "allowed", doc: doc, allow: true, wantValid: true, wantUnresolved: unresolvedPaths},
			{name: "malformed ref allowed", doc: malformed, allow: true, wantErrors: []string{"/defs/main/properties/x/ref"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := s.LintDocument(ctx, decode(t, tt.doc), lexdoc.LintOptions{AllowUnresolved: tt.allow, MinSeverity: lexdoc.SeverityError})
				if err != nil {
					t.Fatal(err)
				}
				if r.Valid != tt.wantValid {
					t.Errorf("got valid=%v, want %v (findings %v)", r.Valid, tt.wantValid, r.Findings)
				}
				if got := findingPaths(r.Findings); strings.Join(got, " ") != strings.Join(tt.wantErrors, " ") {
					t.Errorf("got errors at %q, want %q", got, tt.wantErrors)
				}
				var got []string
				for _, u := range r.Unresolved {
					got = append(got, u.Path)
				}
				if strings.Join(got, " ") != strings.Join(tt.wantUnresolved, " ") {
					t.Errorf("got unresolved at %q, want %q", got, tt.wantUnresolved)
				}
				if tt.allow && len(r.Unresolved) > 0 {
					for i, u := range r.Unresolved {
						if u.Ref != unresolvedRefs[i] {
							t.Errorf("unresolved %d: got ref %q, want %q", i, u.Ref, unresolvedRefs[i])
						}
					}
				}
			})
		}
	})

	t.Run("validate", func(t *testing.T) {
		tests := []struct {
			name            string
			value           string
			allow           bool
			wantValid       bool
			wantSchemaError bool
			wantUnresolved  int
		}{
			{name: "refused", value: `{"$type":"com.example.draft","n":1}`, wantSchemaError: true},
			{name: "allowed, not reached", value: `{"$type":"com.example.draft","n":1}`, allow: true, wantValid: true},
			{name: "allowed, reached", value: `{"$type":"com.example.draft","lexicon":{},"local":{}}`, allow: true, wantValid: true, wantUnresolved: 2},
			{name: "allowed, invalid all the same", value: `{"$type":"com.example.draft","lexicon":{},"n":"one"}`, allow: true, wantUnresolved: 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, err := s.ValidateDocument(ctx, decode(t, doc), "", "", validator.Options{AllowUnresolved: tt.allow}, decode(t, tt.value), validator.Limits{})
				if err != nil {
					t.Fatal(err)
				}
				if r.Valid != tt.wantValid || (len(r.SchemaErrors) > 0) != tt.wantSchemaError || len(r.Unresolved) != tt.wantUnresolved {
					t.Errorf("got valid=%v schemaErrors=%v unresolved=%v, want valid=%v, schema errors %v, %d unresolved",
						r.Valid, r.SchemaErrors, r.Unresolved, tt.wantValid, tt.wantSchemaError, tt.wantUnresolved)
				}
				if r.SchemaErrors == nil || r.Checker == nil {
					t.Errorf("got schemaErrors %v and checker %v, want both", r.SchemaErrors, r.Checker)
				}
			})
		}
	})
}

// TestUncompilable: a lexicon that parses but cannot be compiled is an
// ErrInvalidLexicon in the lexicon's terms, not the JSON Schema compiler's;
// as an unpublished document beside a value, its lint errors are the
// verdict, as they are for one that cannot be published.
func TestUncompilable(t *testing.T) {
	const loop = `{"lexicon":1,"id":"com.example.loop","defs":{"main":{"type":"ref","ref":"#main"}}}`
	s := newTestService(t, writeLexicons(t, map[string]string{"com.example.loop": loop}))
	ctx := context.Background()
	internals := []string{"jsonschema", "urn:", "$ref", "compilation failed"}

	_, err := s.Prepare(ctx, Request{Schema: mustRef(t, "com.example.loop")})
	if !errors.Is(err, validator.ErrInvalidLexicon) || ErrorCode(err) != CodeInvalidRequest {
		t.Fatalf("Prepare: got %v (code %s), want an invalid lexicon", err, ErrorCode(err))
	}
	for _, internal := range internals {
		if strings.Contains(err.Error(), internal) {
			t.Errorf("Prepare: got %q, want nothing of the compiler (%q)", err, internal)
		}
	}

	tests := []struct {
		name     string
		doc      string
		wantLint []string
	}{
		{name: "does not compile", doc: loop, wantLint: []string{"/defs/main/type"}},
		{name: "does not parse", doc: `{"lexicon":1,"defs":{"main":{"type":"token"}}}`, wantLint: []string{"/id"}},
		// No schema record publishes it, so it has no CID to check against.
		{name: "another $type", doc: `{"$type":"com.example.x","lexicon":1,"id":"com.example.x","defs":{"main":{"type":"object","properties":{}}}}`, wantLint: []string{"/$type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.ValidateDocument(ctx, decode(t, tt.doc), "", "", validator.Options{}, decode(t, `{}`), validator.Limits{})
			if err != nil {
				t.Fatalf("got %v, want a verdict", err)
			}
			if r.Valid || r.Checker != nil || len(r.Errors) != 0 || r.Errors == nil || r.Unresolved == nil {
				t.Errorf("got valid=%v checker=%v errors=%#v unresolved=%#v, want invalid, unchecked, empty lists", r.Valid, r.Checker, r.Errors, r.Unresolved)
			}
			if got := findingPaths(r.SchemaErrors); strings.Join(got, " ") != strings.Join(tt.wantLint, " ") {
				t.Errorf("got schema errors at %q, want %q", got, tt.wantLint)
			}
		})
	}
}

func findingPaths(errs []lexdoc.Finding) []string {
	var paths []string
	for _, e := range errs {
		paths = append(paths, e.Path)
	}
	return paths
}

// TestConcurrentPrepare shares checkers and compilers between goroutines
// (run it with -race).
func TestConcurrentPrepare(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	refs := []string{refreshSession, refreshSessionURI, "com.example.note", "com.example.note#tag"}
	value := decode(t, `{"$type":"com.example.note","text":"hi"}`)
	doc := decode(t, `{"lexicon":1,"id":"com.example.draft","defs":{"main":{"type":"object","properties":{"a":{"type":"string"}}}}}`)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 50 {
				ref := refs[(i+j)%len(refs)]
				c, err := s.Prepare(ctx, Request{Schema: mustRef(t, ref), Options: validator.Options{AllowUnresolved: j%2 == 0}})
				if err != nil {
					errs <- err
					return
				}
				c.Validate(value)
				if _, _, err := s.PrepareDocument(ctx, doc, "", "", validator.Options{}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// BenchmarkPrepare measures Prepare of a schema already prepared once: the
// hot path of every HTTP request.
func BenchmarkPrepare(b *testing.B) {
	s := newTestService(b)
	ctx := context.Background()
	req := Request{Schema: mustRef(b, refreshSession)}
	if _, err := s.Prepare(ctx, req); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Prepare(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}
