package service

import (
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
