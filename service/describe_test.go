package service

import (
	"slices"
	"strings"
	"testing"

	"github.com/bluesky-social/indigo/atproto/syntax"

	"github.com/lexval/lexval/resolver"
)

func TestDescribe(t *testing.T) {
	res, err := resolver.New(resolver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		nsid string
		want []string
	}{
		{"app.bsky.feed.post", []string{
			"# app.bsky.feed.post",
			"Bundled with lexval from the atproto repository (https://github.com/bluesky-social/atproto/blob/",
			"not verified against a published record",
			"## app.bsky.feed.post (record)",
			"Record key: tid.",
			"- text (required): string; at most bytes 3000, at most graphemes 300",
			"- createdAt (required): string, format datetime",
			"- langs (optional): array of string, format language; at most items 3",
			"- embed (optional): union of app.bsky.embed.images, app.bsky.embed.video",
			"## app.bsky.feed.post#replyRef (object)",
		}},
		{"com.atproto.server.refreshSession", []string{
			"Published as at://did:plc:6msi3pj7krzih5qxqtryxlzw/com.atproto.lexicon.schema/com.atproto.server.refreshSession",
			"An XRPC procedure: POST /xrpc/com.atproto.server.refreshSession.",
			"Output (application/json)",
			"  - accessJwt (required): string",
			"Error AccountTakedown",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.nsid, func(t *testing.T) {
			rec, err := res.Resolve(t.Context(), resolver.Query{NSID: syntax.NSID(tt.nsid)})
			if err != nil {
				t.Fatal(err)
			}
			got := Describe(rec)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got\n%s\nwant it to contain %q", got, w)
				}
			}
		})
	}
}

// TestDescribeLexicon: the structure behind Describe's text marks what a
// page needs to show apart: required and nullable fields, and the
// definitions a type names (local refs resolved to the NSID).
func TestDescribeLexicon(t *testing.T) {
	res, err := resolver.New(resolver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	lookup := func(t *testing.T, nsid string) *Description {
		rec, err := res.Resolve(t.Context(), resolver.Query{NSID: syntax.NSID(nsid)})
		if err != nil {
			t.Fatal(err)
		}
		return DescribeLexicon(rec)
	}
	field := func(t *testing.T, l *FieldList, name string) Field {
		t.Helper()
		if l == nil {
			t.Fatalf("no field list, want one with %s", name)
		}
		for _, f := range l.Fields {
			if f.Name == name {
				return f
			}
		}
		t.Fatalf("no field %s in %s", name, l.Title)
		return Field{}
	}
	refs := func(p Phrase) []string {
		var out []string
		for _, part := range p {
			if part.Ref != nil {
				if part.Text != part.Ref.String() {
					t.Errorf("ref part %q names %s", part.Text, part.Ref)
				}
				out = append(out, part.Ref.String())
			}
		}
		return out
	}

	t.Run("record", func(t *testing.T) {
		d := lookup(t, "app.bsky.feed.post")
		if len(d.Defs) == 0 || d.Defs[0].Name != "main" || d.Defs[0].Ref != "app.bsky.feed.post" || d.Defs[0].Type != "record" {
			t.Fatalf("first definition: got %+v, want main, a record", d.Defs[0])
		}
		main := d.Defs[0]
		if f := field(t, main.Fields, "text"); !f.Required || f.Nullable {
			t.Errorf("text: got required %v, nullable %v, want required, not nullable", f.Required, f.Nullable)
		}
		embed := field(t, main.Fields, "embed")
		if embed.Required {
			t.Error("embed: got required, want optional")
		}
		if got := refs(embed.Summary.Type); !slices.Contains(got, "app.bsky.embed.images") || !slices.Contains(got, "app.bsky.embed.recordWithMedia") {
			t.Errorf("embed refs: got %q, want the union's refs", got)
		}
		// A local "#replyRef" names this lexicon's definition.
		if got := refs(field(t, main.Fields, "reply").Summary.Type); !slices.Equal(got, []string{"app.bsky.feed.post#replyRef"}) {
			t.Errorf("reply refs: got %q, want [app.bsky.feed.post#replyRef]", got)
		}
	})
	t.Run("procedure body", func(t *testing.T) {
		d := lookup(t, "com.atproto.repo.putRecord")
		main := d.Defs[0]
		if len(main.Bodies) != 2 || main.Bodies[0].Title != "Input" || main.Bodies[0].Encoding != "application/json" {
			t.Fatalf("bodies: got %+v, want Input and Output", main.Bodies)
		}
		if f := field(t, main.Bodies[0].Fields, "swapRecord"); f.Required || !f.Nullable {
			t.Errorf("swapRecord: got required %v, nullable %v, want optional and nullable", f.Required, f.Nullable)
		}
		if len(main.Errors) == 0 {
			t.Error("no errors, want InvalidSwap")
		}
	})
	t.Run("array of refs", func(t *testing.T) {
		d := lookup(t, "app.bsky.feed.getTimeline")
		out := d.Defs[0].Bodies[0]
		feed := field(t, out.Fields, "feed")
		if got := feed.Summary.Type.String(); got != "array of ref to app.bsky.feed.defs#feedViewPost" {
			t.Errorf("feed: got %q", got)
		}
		if got := refs(feed.Summary.Type); !slices.Equal(got, []string{"app.bsky.feed.defs#feedViewPost"}) {
			t.Errorf("feed refs: got %q", got)
		}
	})
}
