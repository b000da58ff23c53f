package lexdoc_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lexval/lexval/datamodel"
	"github.com/lexval/lexval/lexdoc"
)

func formatDiff(es []lexdoc.DiffEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprintf("%s %s #%s %s", e.Op, e.NSID, e.Def, e.Field)
		if e.Op == lexdoc.DiffChanged {
			out[i] += fmt.Sprintf(" %v→%v", e.Old, e.New)
		}
	}
	return out
}

// TestDiff diffs real lexicons changed once (the patches of the breaking
// cases): by definition and field, lists as sets, errors by name.
func TestDiff(t *testing.T) {
	base := loadBase(t)
	const like, profile, create = "app.bsky.feed.like", "app.bsky.actor.profile", "com.atproto.repo.createRecord"
	tests := []struct {
		name  string
		base  string
		patch []patchOp
		want  []string
	}{
		{"nothing", like, nil, []string{}},
		{"a limit changed", profile, []patchOp{{"replace", "/defs/main/record/properties/displayName/maxLength", 64}},
			[]string{"changed app.bsky.actor.profile #main /record/properties/displayName/maxLength 640→64"}},
		{"a property added and one removed", like, []patchOp{{"add", "/defs/main/record/properties/note", map[string]any{"type": "string"}}, {"remove", "/defs/main/record/properties/via", nil}},
			[]string{"added app.bsky.feed.like #main /record/properties/note", "removed app.bsky.feed.like #main /record/properties/via"}},
		{"required reordered", like, []patchOp{{"replace", "/defs/main/record/required", []any{"createdAt", "subject"}}}, []string{}},
		{"a required name added", like, []patchOp{{"add", "/defs/main/record/required/-", "via"}},
			[]string{"added app.bsky.feed.like #main /record/required/2"}},
		{"an error added, by name", create, []patchOp{{"add", "/defs/main/errors/0", map[string]any{"name": "First"}}},
			[]string{"added com.atproto.repo.createRecord #main /errors/0"}},
		{"an error's description changed, by name", create, []patchOp{{"add", "/defs/main/errors/0", map[string]any{"name": "First"}}, {"replace", "/defs/main/errors/1/description", "Changed."}},
			[]string{"added com.atproto.repo.createRecord #main /errors/0", "changed com.atproto.repo.createRecord #main /errors/1/description Indicates that 'swapCommit' didn't match current repo commit.→Changed."}},
		{"a definition added", like, []patchOp{{"add", "/defs/view", map[string]any{"type": "object", "properties": map[string]any{}}}},
			[]string{"added app.bsky.feed.like #view "}},
		{"the document's description", like, []patchOp{{"add", "/description", "Likes."}},
			[]string{"added app.bsky.feed.like # /description"}},
		{"$type is not a difference", like, []patchOp{{"add", "/$type", "com.atproto.lexicon.schema"}}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := formatDiff(lexdoc.Diff(base[tt.base], applyPatch(t, base[tt.base], tt.patch)))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
		})
	}
}

// TestDiffPaths: a removal points into the old document, the rest into the
// new one.
func TestDiffPaths(t *testing.T) {
	old := map[string]any{"lexicon": 1, "id": "com.example.a", "defs": map[string]any{"main": map[string]any{"type": "object", "required": []any{"a", "b"}}}}
	new := map[string]any{"lexicon": 1, "id": "com.example.a", "defs": map[string]any{"main": map[string]any{"type": "object", "required": []any{"b", "c"}}}}
	got := lexdoc.Diff(decodeValue(old), decodeValue(new))
	want := []string{"removed /defs/main/required/0", "added /defs/main/required/1"}
	var paths []string
	for _, e := range got {
		paths = append(paths, string(e.Op)+" "+e.Path)
	}
	if strings.Join(paths, ", ") != strings.Join(want, ", ") {
		t.Errorf("got %q, want %q", paths, want)
	}
}

func TestDiffSets(t *testing.T) {
	base := loadBase(t)
	old := []any{base["app.bsky.feed.like"], base["com.atproto.repo.strongRef"]}
	new := []any{base["app.bsky.feed.like"], base["app.bsky.actor.profile"]}
	got := formatDiff(lexdoc.DiffSets(old, new))
	want := []string{"added app.bsky.actor.profile # ", "removed com.atproto.repo.strongRef # "}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func ExampleDiff() {
	decode := func(s string) any {
		v, err := datamodel.DecodeJSON([]byte(s))
		if err != nil {
			panic(err)
		}
		return v
	}
	old := decode(`{"lexicon":1,"id":"com.example.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":300}}}}}}`)
	new := decode(`{"lexicon":1,"id":"com.example.post","defs":{"main":{"type":"record","key":"tid","record":{"type":"object","required":["text"],"properties":{"text":{"type":"string","maxLength":3000},"lang":{"type":"string","format":"language"}}}}}}`)
	for _, e := range lexdoc.Diff(old, new) {
		fmt.Printf("%s #%s %s: %v → %v\n", e.Op, e.Def, e.Field, e.Old, e.New)
	}
	// Output:
	// added #main /record/properties/lang: <nil> → map[format:language type:string]
	// changed #main /record/properties/text/maxLength: 300 → 3000
}
