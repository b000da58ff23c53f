package service

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/lexdoc"
	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/store"
)

// noteV2 tightens com.example.note (testLexicons): text's maxLength 10 → 5,
// and a new required field.
const noteV2 = `{"lexicon":1,"id":"com.example.note","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text","lang"],"properties":{"text":{"type":"string","maxLength":5},"lang":{"type":"string","format":"language"},"tag":{"type":"ref","ref":"#tag"},"extra":{"type":"ref","ref":"com.example.missing"}}}},"tag":{"type":"object","required":["name"],"properties":{"name":{"type":"string"}}}}}`

func changeKeys(cs []lexdoc.Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%s %s:%s", c.Rule, c.In, c.Path)
	}
	return out
}

func TestCompareVersions(t *testing.T) {
	s := newTestService(t)
	ctx := context.Background()
	note := testLexicons["com.example.note"]
	tests := []struct {
		name        string
		old, new    Version
		wantChanges []string
		wantOld     string // the old side's source
		wantCode    Code
		wantErr     string
	}{
		{
			name: "documents", old: Version{Documents: []any{decode(t, note)}}, new: Version{Documents: []any{decode(t, noteV2)}},
			wantChanges: []string{"required-added new:/defs/main/record/properties/lang", "max-length-tightened new:/defs/main/record/properties/text/maxLength"},
			wantOld:     "document",
		},
		{
			name: "the published version by NSID", old: Version{Ref: "com.example.note"}, new: Version{Documents: []any{decode(t, noteV2)}},
			wantChanges: []string{"required-added new:/defs/main/record/properties/lang", "max-length-tightened new:/defs/main/record/properties/text/maxLength"},
			wantOld:     "directory",
		},
		{name: "no change", old: Version{Ref: "com.example.note"}, new: Version{Documents: []any{decode(t, note)}}, wantChanges: []string{}, wantOld: "directory"},
		{name: "a stored version without a store", old: Version{Ref: "com.example.note@" + refreshSessionCID}, new: Version{Ref: "com.example.note"}, wantCode: CodeInvalidRequest, wantErr: "no lexicon store is configured"},
		{name: "NSID@ with a bad CID", old: Version{Ref: "com.example.note@nope"}, new: Version{Ref: "com.example.note"}, wantCode: CodeInvalidRequest, wantErr: "is not a CID"},
		{name: "an unknown lexicon", old: Version{Ref: "com.example.nope"}, new: Version{Ref: "com.example.note"}, wantCode: CodeNotFound, wantErr: "old: schema com.example.nope"},
		{name: "a definition, not a lexicon", old: Version{Ref: "com.example.note#tag"}, new: Version{Ref: "com.example.note"}, wantCode: CodeInvalidRequest, wantErr: "names a definition"},
		{name: "nothing to compare", old: Version{}, new: Version{Ref: "com.example.note"}, wantCode: CodeInvalidRequest, wantErr: "old: no lexicon documents"},
		{name: "a document that does not parse", old: Version{Ref: "com.example.note"}, new: Version{Documents: []any{decode(t, `{"lexicon":1,"id":"com.example.note"}`)}, Names: []string{"new.json"}}, wantCode: CodeInvalidRequest, wantErr: "new: new.json: invalid lexicon"},
		{name: "one id twice", old: Version{Ref: "com.example.note"}, new: Version{Documents: []any{decode(t, note), decode(t, noteV2)}}, wantCode: CodeInvalidRequest, wantErr: "document 1 and document 2 both have id com.example.note"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.CompareVersions(ctx, tt.old, tt.new, CompareOptions{})
			if tt.wantCode != "" {
				if code := ErrorCode(err); code != tt.wantCode || !strings.Contains(fmt.Sprint(err), tt.wantErr) {
					t.Fatalf("got error %v (code %s), want code %s containing %q", err, code, tt.wantCode, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if keys := changeKeys(got.Changes); strings.Join(keys, "; ") != strings.Join(tt.wantChanges, "; ") {
				t.Errorf("got changes %q, want %q", keys, tt.wantChanges)
			}
			if got.Breaking != (len(tt.wantChanges) > 0) {
				t.Errorf("got breaking=%v with changes %q", got.Breaking, changeKeys(got.Changes))
			}
			if len(got.Old) != 1 || got.Old[0].Source != tt.wantOld || got.Old[0].NSID != "com.example.note" || got.Old[0].CID == "" {
				t.Errorf("got old %+v, want com.example.note from %s with its CID", got.Old, tt.wantOld)
			}
			if (len(got.Diff) > 0) != (len(tt.wantChanges) > 0) {
				t.Errorf("got diff %+v", got.Diff)
			}
		})
	}
	t.Run("no store is a sentinel", func(t *testing.T) {
		_, err := s.CompareVersions(ctx, Version{Ref: "com.example.note@" + refreshSessionCID}, Version{Ref: "com.example.note"}, CompareOptions{})
		if !errors.Is(err, ErrNoStore) {
			t.Errorf("got %v, want ErrNoStore", err)
		}
	})
}

// TestCompareStoredVersion: NSID@CID names a version the store keeps, which
// the resolver reads through, though a directory answers the NSID with
// another.
func TestCompareStoredVersion(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "lexval.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const did = syntax.DID("did:plc:storedstoredstoredstored")
	if err := st.SetAuthority(ctx, "example.com", did, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The stored version is noteV2 as published: the directory's current
	// one is the note of testLexicons.
	published := decode(t, noteV2).(map[string]any)
	published["$type"] = string(resolver.SchemaCollection)
	v, err := store.NewVersion(did, "com.example.note", published)
	if err != nil {
		t.Fatal(err)
	}
	v.Source, v.Rev = resolver.SourceTap, "3m2vbeqmfxs22"
	v.FirstSeen, v.LastSeen = time.Now(), time.Now()
	if _, err := store.Put(ctx, st, v); err != nil {
		t.Fatal(err)
	}
	res, src, err := store.NewResolver(resolver.Config{Directories: []string{writeLexicons(t, testLexicons)}}, st, store.SourceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := NewWithOptions(res, Options{Store: src})
	got, err := s.CompareVersions(ctx, Version{Ref: "com.example.note"}, Version{Ref: "com.example.note@" + v.CID.String()}, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Changes) != 2 || got.New[0].CID != v.CID.String() {
		t.Errorf("got %q from %+v, want two changes to the stored %s", changeKeys(got.Changes), got.New, v.CID)
	}
	_, err = s.CompareVersions(ctx, Version{Ref: "com.example.note@" + refreshSessionCID}, Version{Ref: "com.example.note"}, CompareOptions{})
	if code := ErrorCode(err); code != CodeCIDMismatch && code != CodeNotFound {
		t.Errorf("got %v (code %s), want CIDMismatch or LexiconNotFound for a version the store lacks", err, code)
	}
}

// TestCompareRecords: real records checked against both versions.
func TestCompareRecords(t *testing.T) {
	s := newTestService(t)
	records := []CompareRecord{
		{Source: "short", Value: decode(t, `{"$type":"com.example.note","text":"hi","lang":"en"}`)},
		{Source: "long", Value: decode(t, `{"$type":"com.example.note","text":"0123456789"}`)},
		{Source: "invalid before", Value: decode(t, `{"$type":"com.example.note","text":"01234567890123"}`)},
		{Source: "no type", Value: decode(t, `{"text":"hi"}`)},
		{Source: "other type", Value: decode(t, `{"$type":"com.example.echo"}`)},
	}
	got, err := s.CompareVersions(context.Background(), Version{Ref: "com.example.note"}, Version{Documents: []any{decode(t, noteV2)}}, CompareOptions{Records: records})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		checked, breaks bool
		oldValid        *bool
		errPaths        string
		note            string
	}{
		{checked: true, oldValid: ptr(true)},
		{checked: true, breaks: true, oldValid: ptr(true), errPaths: "/lang /text"},
		{checked: true, oldValid: ptr(false), errPaths: "/lang /text"},
		{note: "no $type"},
		{note: "neither version defines com.example.echo"},
	}
	if len(got.Records) != len(tests) {
		t.Fatalf("got %d records, want %d", len(got.Records), len(tests))
	}
	for i, tt := range tests {
		r := got.Records[i]
		t.Run(r.Source, func(t *testing.T) {
			var paths []string
			for _, e := range r.Errors {
				paths = append(paths, e.Path)
			}
			if r.Checked != tt.checked || r.Breaks != tt.breaks || strings.Join(paths, " ") != tt.errPaths || !strings.Contains(r.Note, tt.note) ||
				(tt.oldValid == nil) != (r.OldValid == nil) || tt.oldValid != nil && *tt.oldValid != *r.OldValid {
				t.Errorf("got %+v, want checked=%v breaks=%v oldValid=%v errors at %q note %q", r, tt.checked, tt.breaks, tt.oldValid, tt.errPaths, tt.note)
			}
		})
	}
	if !got.Breaking {
		t.Error("got breaking=false with a record that breaks")
	}
}

func ptr[T any](v T) *T { return &v }

// TestCompareNetwork: the published version comes from the network with
// its references, which are followed there: a referenced lexicon the new
// version has changed locally is compared with the published one.
func TestCompareNetwork(t *testing.T) {
	s := newNetworkService(t)
	defsV2 := strings.Replace(remoteDocs["com.example.remote.defs"], `"maxLength":5`, `"maxLength":3`, 1)
	got, err := s.CompareVersions(context.Background(),
		Version{Ref: "com.example.remote.post"},
		Version{Documents: []any{decode(t, remoteDocs["com.example.remote.post"])}}, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Changes) != 0 || got.Old[0].Source != "network" || got.Old[0].URI == "" {
		t.Errorf("got %q from %+v, want no change from the network", changeKeys(got.Changes), got.Old)
	}
	got, err = s.CompareVersions(context.Background(),
		Version{Ref: "com.example.remote.post"},
		Version{Documents: []any{decode(t, remoteDocs["com.example.remote.post"]), decode(t, defsV2)}}, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "max-length-tightened new:/defs/label/properties/val/maxLength"
	if keys := changeKeys(got.Changes); len(keys) != 1 || keys[0] != want || got.Changes[0].NSID != "com.example.remote.defs" {
		t.Errorf("got %q, want %s in com.example.remote.defs", keys, want)
	}
}
